// tryggve demo: the README's main job. Generates the synthetic demo district if
// needed (maps/demo), then runs the whole pipeline on it as a scenario run of
// scenarios/demo.yaml: the map stage on the raw incident export (so the import's
// error handling shows on every run), the hotspots stage and the situation picture,
// the model fit and the Monte Carlo of the four demo scenarios, the plan stage (the
// three users' plans on the same map) and the report. It leaves a run folder that
// `tryggve serve` shows and whose resolved.yaml lets the viewer re-run edited
// interventions.
#include <filesystem>

#include <fmt/format.h>

#include "command.hpp"
#include "demo_options.hpp"
#include "options_cli.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/pipeline/plan_stage.hpp"
#include "tryggve/pipeline/run_folder.hpp"
#include "tryggve/report/report.hpp"
#include "tryggve/scenario/run.hpp"

namespace tryggve::cli {
namespace {

namespace fs = std::filesystem;

// The scenario file's inputs pointed at the demo folder, as a user would give them.
std::vector<std::string> demo_inputs(const fs::path& d) {
  const fs::path a = fs::absolute(d);
  std::vector<std::string> sets;
  static const std::pair<const char*, const char*> kFiles[] = {
      {"streets", "streets.osm"}, {"incidents", "incidents_raw.csv"}, {"parks", "parks.gpkg"}, {"stops", "stops.gpkg"},
      {"lamps", "lamps.gpkg"},    {"areas", "areas.gpkg"},           {"places", "places.gpkg"}};
  for (const auto& [key, file] : kFiles)
    sets.push_back(fmt::format("inputs.{}={}", key, (a / file).string()));
  sets.emplace_back("inputs.crs=EPSG:3006");
  return sets;
}

void print_plans(const pipeline::Plans& plans) {
  if (const auto& patrol = plans.patrol)
    fmt::print(stderr, "police watch list for {}: {} places, harm prevented {:.1f} (90%: {:.1f}-{:.1f})\n",
               patrol->month, patrol->items.size(), patrol->harm_prevented.mean, patrol->harm_prevented.low,
               patrol->harm_prevented.high);
  if (const auto& lighting = plans.lighting; lighting && !lighting->projects.empty()) {
    const auto& p = lighting->projects.front();
    fmt::print(stderr, "lighting: {:.1f} km unlit; best project {} ({} lamps, {:.0f} SEK, {:.1f} prevented a year)\n",
               lighting->unlit_length_m / 1000, p.name, p.lamps, p.cost_sek, p.prevented_per_year.mean);
  }
  if (const auto& routes = plans.routes)
    for (const auto& w : routes->routes)
      fmt::print(stderr, "walk route {}: {:.0f} m passing {:.1f}% of the evening risk\n", w.walker, w.length_m,
                 100 * w.risk_share);
}

Registrar reg{{"demo", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description("Run the whole pipeline on the embedded (synthetic) demo district");
  auto opts = std::make_shared<DemoCliOptions>();
  auto set = std::make_shared<OptionSet>("demo");
  opts->declare(*set);
  auto bound = std::make_shared<BoundOptions>();
  bound->bind(app, *set);
  auto district = std::make_shared<std::string>("maps/demo");
  auto out = std::make_shared<std::string>("out/demo");
  auto scenarios = std::make_shared<std::string>("scenarios/demo.yaml");
  auto sets = std::make_shared<std::vector<std::string>>();
  auto lang = std::make_shared<std::string>("sv");
  app.add_option("--district", *district, "Demo district folder (generated there if missing or stale; default: maps/demo)");
  app.add_option("--out,-o", *out, "Run folder to write (default: out/demo)");
  app.add_option("--scenarios", *scenarios, "Scenario file to run on the district (default: scenarios/demo.yaml)");
  app.add_option("--set", *sets, "Override a value of the scenario file: --set simulate.replicates=200");
  app.add_option("--lang", *lang, "Language of the report: sv or en (default: sv)")->check(CLI::IsMember({"sv", "en"}));
  return [=] {
    bound->apply();
    const demo::DemoOptions o = opts->resolve();
    const bool talk = log::verbosity() != log::Verbosity::Quiet;
    std::string why;
    if (!demo::matches(o, *district, &why)) {
      log::info("generating the demo district in {} ({})", *district, why);
      const auto s = demo::generate(o, *district);
      if (talk) fmt::print(stderr, "{}", describe(s));
    }
    // The district's files first, then the user's own overrides (which win).
    auto overrides = demo_inputs(*district);
    overrides.insert(overrides.end(), sets->begin(), sets->end());
    auto file = scenario::load(*scenarios, overrides);
    // The demo shows everything: the hotspots and the plans run even when the file
    // (scenarios/demo.yaml has both) leaves them out.
    file.hotspots_enabled = true;
    file.plan_enabled = true;
    const fs::path run = *out;
    scenario::RunControl control;
    if (talk) control.progress = [](const std::string& step, double f) { log::info("{:3.0f}% {}", 100 * f, step); };
    const auto sum = scenario::run(file, run, control);
    if (talk) {
      fmt::print(stderr, "scenarios, forecast from {} ({} months, {} replicates):\n", sum.forecast_start,
                 file.simulate.forecast_months, file.simulate.replicates);
      for (std::size_t s = 1; s < sum.result.scenario_count(); ++s) {
        const auto d = sum.result.difference(static_cast<int>(s), simulation::Measure::True);
        const auto r = sum.result.difference(static_cast<int>(s), simulation::Measure::Recorded);
        fmt::print(stderr, "  {:<18} true incidents {:+8.1f} [{:+.1f}, {:+.1f}], recorded {:+8.1f} [{:+.1f}, {:+.1f}]\n",
                   sum.result.scenario_names[s], d.mean, d.low, d.high, r.mean, r.low, r.high);
      }
    }
    if (talk) print_plans(sum.plans);
    report::ReportOptions ro;
    ro.data = run.string();
    ro.lang = *lang;
    const auto rep = report::write_report(ro);
    if (talk) {
      fmt::print(stderr, "report: {}{}\n", rep.html.string(),
                 rep.pdf ? " and " + rep.pdf->string() : (rep.pdf_note.empty() ? "" : " (" + rep.pdf_note + ")"));
      fmt::print(stderr,
                 "\nDone. Results in {0}/: open {0}/{1} in QGIS, {0}/{2} in a browser, or the viewer:\n"
                 "  tryggve serve --data {0}    (then http://127.0.0.1:8080/)\n",
                 run.string(), outputs::kMapGpkg, outputs::kReportHtml);
    }
    return 0;
  };
}}};

}  // namespace
}  // namespace tryggve::cli
