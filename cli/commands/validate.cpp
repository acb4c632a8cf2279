// tryggve validate SCENARIO [--set key=value ...]: every check `run` makes before
// fitting, including the map stage (so named parks, stops, places and areas are
// looked up). Exit code 0 when valid, 5 with FILE:LINE: KEY: what was expected.
#include <fmt/format.h>

#include "command.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/scenario/run.hpp"

namespace tryggve::cli {
namespace {

Registrar reg{{"validate", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description("Check a scenario file (keys, values, inputs, named places, months) without simulating");
  auto file = std::make_shared<std::string>();
  auto sets = std::make_shared<std::vector<std::string>>();
  auto syntax_only = std::make_shared<bool>(false);
  app.add_option("scenario", *file, "Scenario file (YAML, version 1)")->required();
  app.add_option("--set", *sets, "Override a value by its dotted path (as for run)")->allow_extra_args(false);
  app.add_flag("--syntax-only", *syntax_only, "Check the file alone: do not read the inputs or look up names");
  return [=] {
    const auto f = scenario::load(*file, *sets);
    if (*syntax_only) {
      fmt::print("{}: valid (syntax and values; names not looked up), {} scenario{}\n", *file, f.scenarios.size(),
                 f.scenarios.size() == 1 ? "" : "s");
      return 0;
    }
    const auto lines = scenario::validate(f);
    fmt::print("{}: valid\n", *file);
    for (const auto& l : lines) fmt::print("  {}\n", l);
    return 0;
  };
}}};

}  // namespace
}  // namespace tryggve::cli
