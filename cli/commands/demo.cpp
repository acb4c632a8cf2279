// tryggve demo: the README's main job. Generates the synthetic demo district if
// needed (maps/demo), runs the monthly cycle on it (a workspace from the district,
// each month's reports taken in actor by actor from the files those actors send,
// the historical interventions as deployments, the latest month), then runs the
// whole pipeline on it as a scenario run of
// scenarios/demo.yaml: the map stage on the raw incident export (so the import's
// error handling shows on every run), the hotspots stage and the situation picture,
// the model fit and the Monte Carlo of the four demo scenarios, the plan stage (the
// three users' plans on the same map) and the report. It leaves a run folder that
// `tryggve serve` shows and whose resolved.yaml lets the viewer re-run edited
// interventions.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "demo_options.hpp"
#include "options_cli.hpp"
#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/pipeline/plan_stage.hpp"
#include "tryggve/pipeline/run_folder.hpp"
#include "tryggve/report/report.hpp"
#include "tryggve/scenario/run.hpp"
#include "tryggve/workspace/deploy.hpp"
#include "tryggve/workspace/intake.hpp"
#include "tryggve/workspace/month.hpp"
#include "tryggve/workspace/workspace.hpp"

namespace tryggve::cli {
namespace {

namespace fs = std::filesystem;

// The scenario file's inputs pointed at the demo folder, as a user would give them.
std::vector<std::string> demo_inputs(const fs::path& d) {
  const fs::path a = fs::absolute(d);
  std::vector<std::string> sets;
  static const std::pair<const char*, const char*> kFiles[] = {
      {"streets", "streets.osm"}, {"incidents", "incidents_raw.csv"}, {"parks", "parks.gpkg"}, {"stops", "stops.gpkg"},
      {"lamps", "lamps.gpkg"},    {"areas", "areas.gpkg"},           {"places", "places.gpkg"},
      {"gtfs", "gtfs"},           {"transit_reports", "transit_reports.csv"}};
  for (const auto& [key, file] : kFiles)
    sets.push_back(fmt::format("inputs.{}={}", key, (a / file).string()));
  sets.emplace_back("inputs.crs=EPSG:3006");
  return sets;
}

// ---- the monthly cycle ---------------------------------------------------------

struct CycleSummary {
  std::size_t months = 0, files = 0, rows = 0, reports = 0, rejected = 0, linked = 0, review = 0;
  std::string first_month, last_month;
  std::int64_t incidents = 0;
};

// A workspace from the district's map files, as `tryggve workspace init` makes it.
pipeline::MapOptions district_inputs(const fs::path& d) {
  pipeline::MapOptions mo;
  mo.streets = (d / "streets.osm").string();
  mo.parks = (d / "parks.gpkg").string();
  mo.stops = (d / "stops.gpkg").string();
  mo.lamps = (d / "lamps.gpkg").string();
  mo.areas = (d / "areas.gpkg").string();
  mo.places = (d / "places.gpkg").string();
  mo.crs = "EPSG:3006";
  // The district's public transport: Västtrafik's on-board reports are placed on its timetable.
  if (std::error_code ec; fs::exists(d / "gtfs", ec)) mo.gtfs = (d / "gtfs").string();
  return mo;
}

// The latest month as the steering group sees it: the situation picture, what
// changed, next month's proposal, the follow-up of every deployment and the report
// (workspace/month.hpp), in month-YYYY-MM beside the workspace.
void write_latest_month(workspace::Workspace& ws, const std::string& month, bool talk, const std::string& lang) {
  workspace::MonthOptions o;
  o.month = month;
  o.lang = lang;
  const auto r = workspace::run_month(ws, o);
  if (talk) fmt::print(stderr, "{}\n", r.summary());
}

// The historical interventions of deployments.yaml as deployments (`tryggve deploy`).
void record_deployments(workspace::Workspace& ws, const fs::path& file, bool talk) {
  const auto r = workspace::deploy(ws, file.string());
  if (talk) fmt::print(stderr, "{}\n", r.summary());
}

// Builds the workspace beside its final path and renames it into place when every
// month is in, so a failed demo never leaves a half-filled workspace behind.
CycleSummary run_cycle(const fs::path& district, const fs::path& target, bool talk, const std::string& lang) {
  std::ifstream in(district / "actors" / "index.json");
  if (!in) throw Error(ErrorCode::FileNotFound, (district / "actors" / "index.json").string(), "cannot open");
  nlohmann::json index;
  try {
    index = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw Error(ErrorCode::BadValue, (district / "actors" / "index.json").string(), e.what());
  }
  std::error_code ec;
  if (!target.parent_path().empty()) fs::create_directories(target.parent_path(), ec);
  const fs::path tmp = target.parent_path() / fmt::format(".{}.tmp{}{}", target.stem().string(), ::getpid(),
                                                           target.extension().string());
  fs::remove(tmp, ec);
  CycleSummary s;
  try {
    auto ws = workspace::Workspace::init(tmp.string(), district_inputs(district));
    std::string month;
    for (const auto& f : index.at("files")) {
      const std::string m = f.at("month");
      if (m != month) {
        if (!month.empty() && talk) fmt::print(stderr, "\n");
        if (talk) fmt::print(stderr, "{}:", m);
        month = m;
        if (s.first_month.empty()) s.first_month = m;
        s.last_month = m;
        ++s.months;
      }
      workspace::IntakeOptions io;
      io.actor = f.at("actor").get<std::string>();
      const auto r = workspace::intake(ws, {(district / "actors" / f.at("file").get<std::string>()).string()}, io);
      for (const auto& fi : r.files) {
        ++s.files;
        s.rows += fi.rows_read, s.reports += fi.reports, s.rejected += fi.rejected;
        s.linked += fi.linked, s.review += fi.review;
        if (talk) fmt::print(stderr, " {} {}{}", io.actor, fi.reports, fi.rejected ? fmt::format(" (-{})", fi.rejected) : "");
      }
    }
    if (talk) fmt::print(stderr, "\n");
    record_deployments(ws, district / "deployments.yaml", talk);
    if (!s.last_month.empty()) write_latest_month(ws, s.last_month, talk, lang);
    s.incidents = ws.db().count("incidents");
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw Error(ErrorCode::OutputFailed, target.string(), "cannot move the workspace into place: " + ec.message());
  }
  return s;
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
  auto ws_path = std::make_shared<std::string>("out/demo-workspace.gpkg");
  auto cycle_only = std::make_shared<bool>(false);
  auto no_cycle = std::make_shared<bool>(false);
  app.add_option("--district", *district, "Demo district folder (generated there if missing or stale; default: maps/demo)");
  app.add_option("--out,-o", *out, "Run folder to write (default: out/demo)");
  app.add_option("--scenarios", *scenarios, "Scenario file to run on the district (default: scenarios/demo.yaml)");
  app.add_option("--set", *sets, "Override a value of the scenario file: --set simulate.replicates=200");
  app.add_option("--lang", *lang, "Language of the report and of the GeoPackages' QGIS styles: sv or en (default: sv)")->check(CLI::IsMember({"sv", "en"}));
  app.add_option("--workspace", *ws_path,
                 "Workspace the monthly cycle fills (a GeoPackage, replaced; default: out/demo-workspace.gpkg)");
  app.add_flag("--cycle-only", *cycle_only, "Run the monthly cycle only (workspace, intake, deployments), not the scenarios");
  app.add_flag("--no-cycle", *no_cycle, "Run the scenarios only, without the monthly cycle");
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
    if (!*no_cycle) {
      const auto c = run_cycle(*district, *ws_path, talk, *lang);
      if (talk)
        fmt::print(stderr,
                   "workspace {}: {} months ({} .. {}), {} files, {} rows: {} reports, {} rejected, {} linked across "
                   "actors, {} pairs to review; {} incidents\n",
                   *ws_path, c.months, c.first_month, c.last_month, c.files, c.rows, c.reports, c.rejected, c.linked,
                   c.review, c.incidents);
      if (*cycle_only) return 0;
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
    // The run folder, report included, is complete or absent (core/atomic_file.hpp).
    refuse_overwriting_inputs(run, {*district, *scenarios});
    AtomicFolder staging(run);
    scenario::RunControl control;
    if (talk) control.progress = [](const std::string& step, double f) { log::info("{:3.0f}% {}", 100 * f, step); };
    const auto sum = scenario::run(file, pipeline::RunFolder(staging.temp_path(), *lang), control);
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
    ro.data = staging.temp_path().string();
    ro.run_name = run.filename().string();
    ro.lang = *lang;
    const auto rep = report::write_report(ro);
    staging.commit();
    if (talk) {
      fmt::print(stderr, "report: {}{}\n", (run / rep.html.filename()).string(),
                 rep.pdf ? " and " + (run / rep.pdf->filename()).string()
                         : (rep.pdf_note.empty() ? "" : " (" + rep.pdf_note + ")"));
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
