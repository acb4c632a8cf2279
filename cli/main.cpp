// tryggve: the command-line front end. Exit codes are the error catalogue's
// (engine/include/tryggve/core/error_codes.hpp) and listed in --help.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "command.hpp"
#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/limits.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/core/parallel.hpp"
#include "tryggve/core/progress.hpp"
#include "tryggve/core/version.hpp"

namespace tryggve::cli {
std::vector<Command>& registry() {
  static std::vector<Command> r;
  return r;
}
}  // namespace tryggve::cli

int main(int argc, char** argv) {
  using namespace tryggve;
  CLI::App app{"Tryggve: maps incidents onto streets, parks and stops, finds hotspots, simulates\n"
               "interventions (lighting, patrols, adults outdoors) and helps plan where to act.",
               "tryggve"};
  app.footer(
      "Exit codes: 0 success, 1 internal error, 2 bad usage, 3 input file missing/unreadable/unknown format,\n"
      "            4 bad input data, 5 bad scenario/taxonomy/option, 6 output not written, 130 interrupted.\n"
      "Run 'tryggve COMMAND --help' for a command's options.");
  app.set_version_flag("--version", std::string("tryggve ") + kVersion);
  app.require_subcommand(1);
  cli::GlobalOptions g;
  app.add_option("--threads", g.threads, "Worker threads (0 = all cores); results do not depend on it")
      ->check(CLI::Range(0, 1024));
  app.add_flag("-q,--quiet", g.quiet, "Only warnings and errors; no progress bars");
  app.add_flag("-v,--verbose", g.verbose, "Debug output");
  std::string max_memory;
  app.add_option("--max-memory", max_memory,
                 "Most memory an analysis may plan to use, e.g. 16G (default: TRYGGVE_MAX_MEMORY, else 80% of this "
                 "computer's); a larger grid or cube stops with an error naming the option to change");
  // Global options anywhere, as users type them (`tryggve run FILE --threads 1`): an
  // option a (sub)command does not know falls through to its parent. Set before the
  // subcommands are made, which inherit it.
  app.fallthrough();

  std::function<int()> run;
  for (auto& cmd : cli::registry()) {
    auto* sub = app.add_subcommand(cmd.name);
    auto fn = std::make_shared<std::function<int()>>();
    auto setup = cmd.setup;
    *fn = setup(*sub, g);
    sub->callback([fn, &run] { run = *fn; });
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  log::init(g.quiet ? log::Verbosity::Quiet : g.verbose ? log::Verbosity::Verbose : log::Verbosity::Normal);
  Progress::set_enabled(!g.quiet);
  install_cleanup_handlers();
  auto thread_limit = limit_threads(g.threads);
  try {
    if (!max_memory.empty()) set_memory_limit(parse_byte_size(max_memory, "--max-memory"));
    return run ? run() : 0;
  } catch (const Error& e) {
    log::error("{}", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    log::error("internal error: {}", e.what());
    return 1;
  }
}
