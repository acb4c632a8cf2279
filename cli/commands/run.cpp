// tryggve run SCENARIO --out DIR [--set key=value ...]: the scenario file's stages
// (map, hotspots, fit, the Monte Carlo of the baseline and every scenario with common
// random numbers, plan) into the run folder (pipeline/run_folder.hpp), with the
// resolved scenario.
#include <fmt/format.h>

#include "command.hpp"
#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/scenario/run.hpp"

namespace tryggve::cli {
namespace {

Registrar reg{{"run", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description("Run a scenario file: map, hotspots, fit, simulate the baseline and the scenarios, plan; write the run folder");
  auto file = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto sets = std::make_shared<std::vector<std::string>>();
  auto lang = std::make_shared<std::string>("sv");
  app.add_option("scenario", *file, "Scenario file (YAML, version 1; see scenarios/)")->required();
  app.add_option("--out,-o", *out, "Run folder (map.gpkg, scenarios/NAME/, resolved.yaml ...)")->required();
  app.add_option("--set", *sets,
                 "Override any value by its dotted path: --set simulate.replicates=200 --set interventions[0].cost_sek=5e5")
      ->allow_extra_args(false);
  app.add_option("--lang", *lang, "Language of the QGIS styles' legends in the run's GeoPackages: sv or en (default: sv)")
      ->check(CLI::IsMember({"sv", "en"}));
  return [=] {
    const auto f = scenario::load(*file, *sets);
    scenario::RunControl control;
    const bool talk = log::verbosity() != log::Verbosity::Quiet;
    if (talk) control.progress = [](const std::string& step, double frac) { log::info("{:3.0f}% {}", 100 * frac, step); };
    // The run folder is complete or absent: written beside the target and swapped
    // in at the end, so a failed or killed run leaves the previous one intact.
    const auto& in = f.inputs;
    std::vector<std::string> inputs{*file, in.streets, in.parks, in.stops, in.lamps, in.areas, in.places, in.taxonomy};
    for (const std::string* list : {&in.incidents})
      for (std::size_t a = 0, b; a <= list->size(); a = b + 1) {
        b = list->find(',', a);
        if (b == std::string::npos) b = list->size();
        inputs.push_back(list->substr(a, b - a));
      }
    for (const auto& m : in.mappings) inputs.push_back(m);
    refuse_overwriting_inputs(*out, inputs);
    AtomicFolder staging(*out);
    const auto sum = scenario::run(f, pipeline::RunFolder(staging.temp_path(), *lang), control);
    staging.commit();
    if (talk) {
      fmt::print(stderr, "forecast from {} ({} months, {} replicates, seed {})\n", sum.forecast_start,
                 f.simulate.forecast_months, f.simulate.replicates, f.seed);
      for (std::size_t s = 1; s < sum.result.scenario_count(); ++s) {
        const auto d = sum.result.difference(static_cast<int>(s), simulation::Measure::True);
        const auto r = sum.result.difference(static_cast<int>(s), simulation::Measure::Recorded);
        fmt::print(stderr, "  {}: true incidents {:+.1f} [{:+.1f}, {:+.1f}], recorded {:+.1f} [{:+.1f}, {:+.1f}]\n",
                   sum.result.scenario_names[s], d.mean, d.low, d.high, r.mean, r.low, r.high);
        if (sum.result.clamped_events[s] > 0)
          fmt::print(stderr, "    warning: {} events above the headroom were clamped (raise stages.simulate.headroom)\n",
                     sum.result.clamped_events[s]);
      }
      fmt::print(stderr, "wrote {}\n", *out);
    }
    return 0;
  };
}}};

}  // namespace
}  // namespace tryggve::cli
