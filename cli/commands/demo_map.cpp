// tryggve demo-map: generates the SYNTHETIC demo district (streets, parks, stops,
// lamps, areas, places) and its incidents with known ground truth (maps/README.md).
#include <fmt/format.h>

#include "command.hpp"
#include "demo_options.hpp"
#include "options_cli.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/demo/generator.hpp"

namespace tryggve::cli {
namespace {

Registrar reg{{"demo-map", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description("Generate the synthetic demo district and its incidents (deterministic for a seed)");
  auto opts = std::make_shared<DemoCliOptions>();
  auto set = std::make_shared<OptionSet>("demo_map");
  opts->declare(*set);
  auto bound = std::make_shared<BoundOptions>();
  bound->bind(app, *set);
  auto out = std::make_shared<std::string>("maps/demo");
  auto force = std::make_shared<bool>(false);
  app.add_option("--out,-o", *out, "Folder to write (replaced as a whole; default: maps/demo)");
  app.add_flag("--force", *force, "Regenerate even if the folder already matches these options");
  return [=] {
    bound->apply();
    const demo::DemoOptions o = opts->resolve();
    std::string why;
    if (!*force && demo::matches(o, *out, &why)) {
      log::info("{} already holds the demo district for these options (use --force to regenerate)", *out);
      return 0;
    }
    const auto s = demo::generate(o, *out);
    if (log::verbosity() != log::Verbosity::Quiet) fmt::print(stderr, "{}", describe(s));
    return 0;
  };
}}};

}  // namespace
}  // namespace tryggve::cli
