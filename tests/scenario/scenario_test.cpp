// Scenario files: parsing, every validation error with file:line and key, --set,
// resolution of names against the map, the resolved file's round trip, and runs
// end to end on a tiny hand-made network and on real Helsinki streets.
#include <gtest/gtest.h>
#include <unistd.h>

#include "tryggve/demo/generator.hpp"

#include <oneapi/tbb/global_control.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "test_data.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/pipeline/run_folder.hpp"
#include "tryggve/scenario/run.hpp"
#include "tryggve/scenario/scenario.hpp"

namespace fs = std::filesystem;
using namespace tryggve;
using namespace tryggve::scenario;

namespace {

fs::path source_dir() {
  if (const char* s = std::getenv("TRYGGVE_SOURCE_DIR"); s && *s) return s;
  return tryggve::test::fixtures().parent_path().parent_path();
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream f(p, std::ios::binary);
  f << text;
}

std::string read(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// A 4 x 4 street grid, 100 m blocks, near Backa (57.75 N, 11.98 E), as GeoJSON in
// WGS84; a park over the middle of the south row, a stop and a school; two areas.
struct Tiny {
  fs::path dir;
  static constexpr double kLon0 = 11.98, kLat0 = 57.75;
  static double lon(double x) { return kLon0 + x / (111320.0 * std::cos(kLat0 * M_PI / 180.0)); }
  static double lat(double y) { return kLat0 + y / 111320.0; }
  static std::string pt(double x, double y) { return fmt::format("[{:.7f},{:.7f}]", lon(x), lat(y)); }
  static std::string ring(double x0, double y0, double x1, double y1) {
    return "[[" + pt(x0, y0) + "," + pt(x1, y0) + "," + pt(x1, y1) + "," + pt(x0, y1) + "," + pt(x0, y0) + "]]";
  }
  explicit Tiny(const std::string& name) : dir(tryggve::test::temp_dir(name)) {
    std::string lines;
    int id = 0;
    for (int j = 0; j < 4; ++j)
      for (int i = 0; i < 4; ++i) {
        auto add = [&](int i2, int j2) {
          lines += fmt::format(
              "{}{{\"type\":\"Feature\",\"properties\":{{\"id\":{},\"name\":\"Gata {}\",\"highway\":\"residential\"}},"
              "\"geometry\":{{\"type\":\"LineString\",\"coordinates\":[{},{}]}}}}",
              lines.empty() ? "" : ",", id, id, pt(i * 100.0, j * 100.0), pt(i2 * 100.0, j2 * 100.0));
          ++id;
        };
        if (i + 1 < 4) add(i + 1, j);
        if (j + 1 < 4) add(i, j + 1);
      }
    write(dir / "streets.geojson", "{\"type\":\"FeatureCollection\",\"features\":[" + lines + "]}");
    write(dir / "parks.geojson",
          "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"Testparken\","
          "\"leisure\":\"park\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" +
              ring(110, -20, 190, 20) + "}}]}");
    write(dir / "stops.geojson",
          "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"Torget\"},"
          "\"geometry\":{\"type\":\"Point\",\"coordinates\":" + pt(200, 205) + "}}]}");
    write(dir / "places.geojson",
          "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"Skolan\","
          "\"kind\":\"school\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":" + pt(0, 300) + "}}]}");
    write(dir / "areas.geojson",
          "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"Söder\","
          "\"code\":\"1\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" + ring(-50, -50, 350, 150) +
              "}},{\"type\":\"Feature\",\"properties\":{\"name\":\"Norr\",\"code\":\"2\"},\"geometry\":{\"type\":"
              "\"Polygon\",\"coordinates\":" + ring(-50, 150, 350, 350) + "}}]}");
    // ~450 incidents in 2025-01..2025-06, a third near the stop, evenings heavier.
    Rng r(99, 1);
    std::string csv = "id,time,category,lat,lon\n";
    const std::int64_t t0 = 1735686000;  // 2025-01-01 00:00 +01:00
    const double span = 180 * 86400.0;
    int n = 0;
    while (n < 450) {
      const double t = r.uniform() * span;
      const int hour = static_cast<int>(std::fmod(t / 3600.0, 24.0));
      if (r.uniform() > (hour >= 16 ? 1.0 : 0.4)) continue;
      double x, y;
      if (r.uniform() < 0.35) {
        x = 200 + r.uniform(-60, 60);
        y = 200 + r.uniform(-4, 4);
      } else {
        const bool horiz = r.uniform() < 0.5;
        const double a = 100.0 * static_cast<int>(r.below(4)), b = r.uniform(0, 300);
        x = horiz ? b : a;
        y = horiz ? a : b;
      }
      const std::int64_t ts = t0 + static_cast<std::int64_t>(t);
      const std::time_t tt = ts + 3600;  // written as local winter time; a few summer rows shift by an hour: fine
      std::tm tm{};
      gmtime_r(&tt, &tm);
      char buf[32];
      std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
      csv += fmt::format("{},{},{},{:.7f},{:.7f}\n", ++n, buf, r.uniform() < 0.6 ? "public_violence" : "vandalism",
                         lat(y), lon(x));
    }
    write(dir / "incidents.csv", csv);
  }
};

const char* kTinyScenario = R"(version: 1
name: tiny
description: a hand-made grid
seed: 42
inputs:
  streets: streets.geojson
  incidents: incidents.csv
  parks: parks.geojson
  stops: stops.geojson
  places: places.geojson
  areas: areas.geojson
  crs: EPSG:3006
  mappings: [tryggve]
  lixel_length_m: 50
stages:
  map: {}
  simulate:
    fit_months: 6
    forecast_months: 2
    replicates: 40
    cell_cutoff_m: 250
    max_lag_days: 20
scenarios:
  - name: light-park
    interventions:
      - type: lighting
        name: park
        where: {park: Testparken}
        lamps: 4
        cost_sek: 100000
  - name: patrol-stop
    interventions:
      - type: patrol
        name: stop
        where: {stop: Torget, radius_m: 80}
        when: {weekdays: [fre, lör], hours: "18-24", months: ["2025-07"]}
        visits_per_week: 6
        cost_sek: 200000
)";

std::string error_of(const std::string& text, const std::vector<std::string>& sets = {}) {
  try {
    parse(text, "scenario.yaml", sets);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// The tiny file with one line replaced (1-based) or inserted after it.
std::string with_line(int line, const std::string& text, bool insert = false) {
  std::stringstream in(kTinyScenario);
  std::string out, l;
  int k = 0;
  while (std::getline(in, l)) {
    ++k;
    if (k == line && !insert) out += text + "\n";
    else out += l + "\n";
    if (k == line && insert) out += text + "\n";
  }
  return out;
}

}  // namespace

TEST(ScenarioParse, ReadsTheFileWithDefaultsAndAbsolutePaths) {
  const auto f = parse(kTinyScenario, "/some/where/tiny.yaml");
  EXPECT_EQ(f.name, "tiny");
  EXPECT_EQ(f.seed, 42u);
  EXPECT_EQ(f.inputs.streets, "/some/where/streets.geojson");
  EXPECT_EQ(f.inputs.crs, "EPSG:3006");
  EXPECT_EQ(f.inputs.mappings, std::vector<std::string>{"tryggve"});
  EXPECT_DOUBLE_EQ(f.inputs.lixel_length_m, 50.0);
  EXPECT_EQ(f.simulate.replicates, 40);
  EXPECT_DOUBLE_EQ(f.simulate.headroom, 1.5);  // default kept
  ASSERT_EQ(f.scenarios.size(), 2u);
  const auto& p = f.scenarios[1].interventions[0];
  EXPECT_EQ(p.type, "patrol");
  EXPECT_EQ(p.when.weekdays, (1u << 4) | (1u << 5));
  EXPECT_EQ(p.when.from_hour, 18);
  EXPECT_EQ(p.when.to_hour, 24);
  EXPECT_DOUBLE_EQ(p.visit_minutes, 15.0);
  ASSERT_EQ(p.where.size(), 1u);
  EXPECT_EQ(p.where[0].stops, std::vector<std::string>{"Torget"});
  EXPECT_DOUBLE_EQ(*p.where[0].radius_m, 80.0);
  EXPECT_EQ(p.when.months[0].from_label, "2025-07");
  // Adults outdoors default to the evening after office hours.
  std::string adults = with_line(26, "      - type: adults_outdoors");
  adults.replace(adults.find("        lamps: 4"), 16, "        adults: 4");
  const auto g = parse(adults, "s.yaml");
  EXPECT_EQ(g.scenarios[0].interventions[0].when.from_hour, 17);
}

TEST(ScenarioParse, EveryMistakeNamesFileLineKeyAndWhatWasExpected) {
  struct Case {
    std::string text, expect;
  };
  const std::vector<Case> cases = {
      {with_line(1, "version: 2"), "scenario.yaml:1: version: this tryggve reads scenario version 1, not 2"},
      {with_line(2, "nmae: tiny"), "scenario.yaml:2: nmae: unknown key (did you mean 'name'?)"},
      {with_line(6, "  streetz: streets.geojson"), "scenario.yaml:6: inputs.streetz: unknown option (did you mean 'streets'?)"},
      {with_line(14, "  lixel_length_m: -3"), "scenario.yaml:14: inputs.lixel_length_m must be"},
      {with_line(19, "    forecast_months: twelve"), "scenario.yaml:19: stages.simulate.forecast_months"},
      {with_line(20, "    replicats: 40"), "scenario.yaml:20: stages.simulate.replicats: unknown option (did you mean 'replicates'?)"},
      {with_line(16, "  hotspots: {bandwith_m: 100}", true),
       "scenario.yaml:17: stages.hotspots.bandwith_m: unknown option (did you mean 'bandwidth_m'?)"},
      {with_line(16, "  plan: {patrl: {}}", true), "scenario.yaml:17: stages.plan.patrl: unknown option (did you mean 'patrol'?)"},
      {with_line(16, "  plan: {patrol: {officer_hours_per_wek: 30}}", true),
       "scenario.yaml:17: stages.plan.patrol.officer_hours_per_wek: unknown option (did you mean 'officer_hours_per_week'?)"},
      {with_line(16, "  plan: {lighting: {top: -1}}", true), "scenario.yaml:17: stages.plan.lighting.top must be"},
      {with_line(16, "  plan: {routes: maybe}", true), "scenario.yaml:17: stages.plan.routes: expected true or false, got 'maybe'"},
      {with_line(16, "  plan: {patrol: {windows: \"fri 20-26\"}}", true),
       "scenario.yaml:17: stages.plan.patrol.windows: window 'fri 20-26': hours must be 0..23 and 1..24"},
      {with_line(16, "  plan: [patrol]", true), "scenario.yaml:17: stages.plan: expected a mapping of options"},
      {with_line(26, "      - type: lightning"), "scenario.yaml:26: scenarios[0].interventions[0].type: unknown type 'lightning' (did you mean 'lighting'?)"},
      {with_line(28, "        wher: {park: Testparken}"), "scenario.yaml:28: scenarios[0].interventions[0].wher: unknown key (did you mean 'where'?)"},
      {with_line(28, "        where: {prak: Testparken}"), "scenario.yaml:28: scenarios[0].interventions[0].where.prak: unknown key (did you mean 'park'?)"},
      {with_line(28, "        where: {}"), "scenario.yaml:28: scenarios[0].interventions[0].where: expected at least one of"},
      {with_line(29, "        lamps: many"), "scenario.yaml:29: scenarios[0].interventions[0].lamps: expected a whole number, got 'many'"},
      {with_line(29, "        visits_per_week: 3"), "scenario.yaml:29: scenarios[0].interventions[0].visits_per_week: does not apply to type lighting"},
      {with_line(30, "        cost_sek: -5"), "scenario.yaml:30: scenarios[0].interventions[0].cost_sek: must be >= 0, got -5"},
      {with_line(36, "        when: {weekdays: [fre, lördag, funday]}"),
       "scenario.yaml:36: scenarios[1].interventions[0].when.weekdays: expected weekday names (mon..sun or mån..sön"},
      {with_line(36, "        when: {hours: \"18-25\"}"), "scenario.yaml:36: scenarios[1].interventions[0].when.hours: expected local hours FROM-TO"},
      {with_line(36, "        when: {months: [\"2025-13\"]}"), "scenario.yaml:36: scenarios[1].interventions[0].when.months[0]: expected a month YYYY-MM"},
      {with_line(37, "        visits_per_week: 0"), "scenario.yaml:37: scenarios[1].interventions[0].visits_per_week: a patrol needs visits_per_week > 0"},
      {with_line(37, "        spillover: {buffer_m: 500, outer_m: 200}", true),
       "scenario.yaml:38: scenarios[1].interventions[0].spillover: outer_m (200) must be >= buffer_m (500)"},
      {with_line(37, "        reaction: {peak_rise: 0.2}", true), "scenario.yaml:38: scenarios[1].interventions[0].reaction.parameters: missing"},
      {with_line(31, "  - name: baseline"), "scenario.yaml:31: scenarios[1].name: 'baseline' is reserved"},
      {with_line(31, "  - name: light-park"), "scenario.yaml:31: scenarios[1].name: another scenario is called 'light-park'"},
      {with_line(3, "description: [a"), "scenario.yaml:"},
  };
  for (const auto& c : cases) {
    const std::string e = error_of(c.text);
    EXPECT_NE(e.find(c.expect), std::string::npos) << "expected: " << c.expect << "\n     got: " << e;
  }
  // Weekday names and ranges in both languages.
  EXPECT_EQ(parse(with_line(36, "        when: {weekdays: mån-fre}"), "s.yaml").scenarios[1].interventions[0].when.weekdays, 0x1F);
  EXPECT_EQ(parse(with_line(36, "        when: {weekdays: [sat, sun]}"), "s.yaml").scenarios[1].interventions[0].when.weekdays, 0x60);
}

TEST(ScenarioParse, ThePlanStageTakesSharedAndPerPlanOptions) {
  EXPECT_FALSE(parse(kTinyScenario, "s.yaml").plan_enabled);
  const auto f = parse(with_line(16, "  plan: {cell_cutoff_m: 300, patrol: {max_places: 4}, routes: false}", true), "/w/s.yaml",
                       {"plan.lighting.top=5", "plan.evidence=ev.csv"});
  ASSERT_TRUE(f.plan_enabled);
  EXPECT_DOUBLE_EQ(f.plan.context.cell_cutoff_m, 300.0);
  EXPECT_TRUE(f.plan.patrol_enabled);
  EXPECT_EQ(f.plan.patrol.max_places, 4);
  EXPECT_TRUE(f.plan.lighting_enabled);
  EXPECT_EQ(f.plan.lighting.top, 5);
  EXPECT_FALSE(f.plan.routes_enabled);
  EXPECT_EQ(f.plan.evidence, "/w/ev.csv");
  // `plan: {}` (or true) makes all three with their defaults; the run's evidence unless given.
  const auto g = parse(with_line(16, "  plan: true", true), "s.yaml");
  EXPECT_TRUE(g.plan_enabled && g.plan.patrol_enabled && g.plan.lighting_enabled && g.plan.routes_enabled);
  EXPECT_EQ(g.plan.patrol.max_places, planning::PatrolOptions{}.max_places);
  EXPECT_EQ(plan_options(g).evidence, g.simulate.evidence);
  // The resolved file keeps every plan option, and switched-off plans stay off.
  const auto again = parse(resolved_yaml(f), "/w/resolved.yaml");
  ASSERT_TRUE(again.plan_enabled);
  EXPECT_EQ(again.plan.patrol.max_places, 4);
  EXPECT_EQ(again.plan.lighting.top, 5);
  EXPECT_FALSE(again.plan.routes_enabled);
  EXPECT_DOUBLE_EQ(again.plan.context.cell_cutoff_m, 300.0);
}

TEST(ScenarioParse, SetOverridesAnyScalarByItsDottedPath) {
  const auto f = parse(kTinyScenario, "s.yaml",
                       {"simulate.replicates=200", "scenarios[0].interventions[0].cost_sek=5e5", "inputs.crs=EPSG:3007",
                        "scenarios[1].interventions[0].when.weekdays=[sun]", "seed=7"});
  EXPECT_EQ(f.simulate.replicates, 200);
  EXPECT_DOUBLE_EQ(f.scenarios[0].interventions[0].cost_sek, 5e5);
  EXPECT_EQ(f.inputs.crs, "EPSG:3007");
  EXPECT_EQ(f.scenarios[1].interventions[0].when.weekdays, 1u << 6);
  EXPECT_EQ(f.seed, 7u);
  // A top-level `interventions` list is one scenario named after the file's name.
  const std::string single = std::string(kTinyScenario).substr(0, std::string(kTinyScenario).find("scenarios:")) +
                             "interventions:\n  - type: lighting\n    where: {park: Testparken}\n";
  const auto g = parse(single, "s.yaml", {"interventions[0].cost_sek=5e5"});
  ASSERT_EQ(g.scenarios.size(), 1u);
  EXPECT_EQ(g.scenarios[0].name, "tiny");
  EXPECT_DOUBLE_EQ(g.scenarios[0].interventions[0].cost_sek, 5e5);
  // Mistakes in overrides name the override.
  EXPECT_NE(error_of(kTinyScenario, {"simulate.replicates=-1"}).find("--set: stages.simulate.replicates must be"), std::string::npos)
      << error_of(kTinyScenario, {"simulate.replicates=-1"});
  EXPECT_NE(error_of(kTinyScenario, {"scenarios[5].name=x"}).find("'scenarios' has 2 entries, no [5]"), std::string::npos);
  EXPECT_NE(error_of(kTinyScenario, {"simulate.replicatse=3"}).find("did you mean 'replicates'"), std::string::npos);
  EXPECT_NE(error_of(kTinyScenario, {"no_equals_sign"}).find("expected KEY=VALUE"), std::string::npos);
}

TEST(ScenarioRun, NamesAreResolvedAgainstTheMap) {
  Tiny t("scenario_resolve");
  auto err = [&](const std::string& text, const std::vector<std::string>& sets = {}) -> std::string {
    write(t.dir / "s.yaml", text);
    try {
      validate(load(t.dir / "s.yaml", sets));
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  };
  EXPECT_EQ(err(kTinyScenario), "(no error)");
  const std::string f = (t.dir / "s.yaml").string();
  EXPECT_NE(err(with_line(28, "        where: {park: Kvarnparken}")).find(
                f + ":28: scenarios[0].interventions[0].where.park: no park named 'Kvarnparken' (parks: Testparken)"),
            std::string::npos)
      << err(with_line(28, "        where: {park: Kvarnparken}"));
  EXPECT_NE(err(with_line(35, "        where: {stop: Torgert}")).find("where.stop: no stop named 'Torgert' (did you mean 'Torget'?)"),
            std::string::npos);
  EXPECT_NE(err(with_line(28, "        where: {area: Väster}")).find("no area named 'Väster'"), std::string::npos);
  EXPECT_NE(err(with_line(28, "        where: {segments: [3, 999]}")).find("edge 999 is not in the network"),
            std::string::npos)
      << err(with_line(28, "        where: {segments: [3, 999]}"));
  EXPECT_NE(err(kTinyScenario, {"scenarios[1].interventions[0].when.months=[\"2026-01\"]"})
                .find("2026-01..2026-01 is outside the forecast 2025-07..2025-08"),
            std::string::npos)
      << err(kTinyScenario, {"scenarios[1].interventions[0].when.months=[\"2026-01\"]"});
  EXPECT_NE(err(with_line(29, "        parameters: [public_violense]", true)).find("no parameter 'public_violense' (did you mean 'public_violence'?)"),
            std::string::npos);
  EXPECT_NE(err(with_line(29, "        evidence: lightning", true)).find("no evidence row 'lightning' (did you mean 'lighting'?)"),
            std::string::npos);
  EXPECT_NE(err(with_line(28, "        where: {polygon: \"POLYGON((0 0, 1 1))\"}")).find("where.polygon:"), std::string::npos);
  // A route between two named places follows the streets.
  EXPECT_EQ(err(with_line(28, "        where: {route: [Skolan, Torget]}")), "(no error)");
}

TEST(ScenarioRun, TinyNetworkEndToEndAndTheResolvedFileRunsToTheSameNumbers) {
  Tiny t("scenario_e2e");
  write(t.dir / "s.yaml", kTinyScenario);
  const auto f = load(t.dir / "s.yaml", {"stages.hotspots.permutations=99", "stages.hotspots.backtest_months=2",
                                         "plan.patrol.max_places=3", "plan.patrol.backtest_months=1", "plan.routes=false"});
  EXPECT_TRUE(f.hotspots_enabled);
  EXPECT_TRUE(f.plan_enabled);
  const fs::path out = t.dir / "run";
  const auto sum = run(f, out);
  for (const char* name : {outputs::kMapGpkg, outputs::kMapSummaryJson, outputs::kRejectsCsv, outputs::kResolvedScenario,
                           outputs::kHotspotsGpkg, outputs::kSituationJson})
    EXPECT_TRUE(fs::exists(out / name)) << name;
  for (const char* s : {"light-park", "patrol-stop"})
    for (const char* name : {"result.json", "areas.csv", "cells.csv"})
      EXPECT_TRUE(fs::exists(out / outputs::kScenariosDir / s / name)) << s << "/" << name;
  EXPECT_EQ(sum.forecast_start, "2025-07");
  ASSERT_EQ(sum.result.scenario_count(), 3u);
  EXPECT_EQ(sum.result.months, 2);
  EXPECT_GT(sum.result.total(0, simulation::Measure::True).mean, 20.0);
  // The patrol acts only in July (its months), so August is the baseline exactly
  // away from its reach... and in total it prevents some incidents.
  const auto j = nlohmann::json::parse(read(out / "scenarios/patrol-stop/result.json"));
  EXPECT_EQ(j["scenario"], "patrol-stop");
  EXPECT_EQ(j["months"].size(), 2u);
  EXPECT_LE(j["totals"]["difference_true"]["mean"].get<double>(), 0.0);
  EXPECT_TRUE(j.contains("wdq"));
  EXPECT_GT(j["wdq"]["response_cells"].get<int>(), 0);
  EXPECT_EQ(j["interventions"][0]["start_month"], "2025-07");
  EXPECT_EQ(j["interventions"][0]["end_month"], "2025-07");
  EXPECT_EQ(j["hotspots"]["top_k"], 20);
  EXPECT_TRUE(j["prevented_per_100k_sek"].is_object());
  // The fitted model beside the Knox test that gated and started it, per parameter.
  const auto model_csv = read(out / outputs::kModelCsv);
  EXPECT_EQ(model_csv.substr(0, model_csv.find(',', model_csv.find("self_excitation"))),
            "parameter,events,self_excitation");
  const auto model = nlohmann::json::parse(read(out / outputs::kModelJson));
  ASSERT_EQ(model["parameters"].size(), static_cast<std::size_t>(sum.result.parameters));
  std::size_t tested = 0;
  for (const auto& p : model["parameters"]) {
    const std::string how = p["self_excitation"];
    EXPECT_TRUE(how == "em_from_knox" || how == "knox_gate" || how == "em_despite_knox" || how == "em") << how;
    if (p.contains("knox")) {
      ++tested;
      EXPECT_EQ(p["knox"]["method"], "moments");
      EXPECT_EQ(p["knox"]["permutations"], 0);
      EXPECT_EQ(p["knox"]["observed"].size(), p["knox"]["space_bands_m"].size() * p["knox"]["time_bands_days"].size());
      if (how == "knox_gate") EXPECT_EQ(p["theta"].get<double>(), 0.0);
    }
  }
  EXPECT_GT(tested, 0u);
  const auto cells_csv = read(out / "scenarios/light-park/cells.csv");
  EXPECT_EQ(cells_csv.substr(0, cells_csv.find('\n')), "cell,edge,start_m,end_m,area,baseline_mean,scenario_mean,difference");
  // resolved.yaml: every option, the seed, the version, the input files.
  const std::string resolved = read(out / outputs::kResolvedScenario);
  for (const char* key : {"seed: 42", "tryggve:", "size_bytes:", "mtime_utc:", "max_snap_distance_m:", "headroom:",
                          "forecast_start: \"2025-07\"", "hotspots:", "permutations: \"99\""})
    EXPECT_NE(resolved.find(key), std::string::npos) << key;
  // Round trip: the resolved file, run from elsewhere, gives the same numbers.
  fs::create_directories(t.dir / "elsewhere");
  write(t.dir / "elsewhere/resolved.yaml", resolved);
  const auto again = run(load(t.dir / "elsewhere/resolved.yaml"), t.dir / "run2");
  EXPECT_EQ(again.result.true_counts, sum.result.true_counts);
  EXPECT_EQ(again.result.recorded_counts, sum.result.recorded_counts);
  // The plan stage ran on the run's map: the watch list (at most 3 places) and the
  // lighting ranking, not the routes it was told to leave out; the same again from
  // the resolved file.
  ASSERT_TRUE(sum.plans.patrol && sum.plans.lighting);
  EXPECT_FALSE(sum.plans.routes);
  EXPECT_LE(sum.plans.patrol->items.size(), 3u);
  EXPECT_FALSE(fs::exists(out / outputs::kRoutesCsv));
  EXPECT_TRUE(fs::exists(out / outputs::kPatrolGpkg));
  for (const char* name : {outputs::kWatchListCsv, outputs::kLightingCsv, outputs::kWatchListJson, outputs::kLightingJson}) {
    EXPECT_TRUE(fs::exists(out / name)) << name;
    EXPECT_EQ(read(out / name), read(t.dir / "run2" / name)) << name;
  }
  // Determinism at one thread (map, fit and Monte Carlo).
  {
    tbb::global_control g(tbb::global_control::max_allowed_parallelism, 1);
    Session s(f);
    const auto r1 = s.simulate(s.resolve(f), f);
    EXPECT_EQ(r1.true_counts, sum.result.true_counts);
  }
}

TEST(ScenarioRun, ASessionIsReusedForEditedInterventions) {
  Tiny t("scenario_session");
  write(t.dir / "s.yaml", kTinyScenario);
  const auto f = load(t.dir / "s.yaml");
  Session s(f);
  const auto a = s.simulate(s.resolve(f), f);
  // Edit the lighting's cost and the patrol's visits: no new map or fit needed.
  const auto g = load(t.dir / "s.yaml", {"scenarios[0].interventions[0].cost_sek=1", "scenarios[1].interventions[0].visits_per_week=1"});
  EXPECT_TRUE(s.reusable_for(g));
  EXPECT_FALSE(s.reusable_for(load(t.dir / "s.yaml", {"inputs.lixel_length_m=30"})));
  const auto b = s.simulate(s.resolve(g), g);
  // Common random numbers: the baseline and the unchanged lighting are identical.
  const std::size_t per = a.true_counts.size() / 3;
  EXPECT_TRUE(std::equal(a.true_counts.begin(), a.true_counts.begin() + 2 * per, b.true_counts.begin()));
  EXPECT_NE(a.scenario_cost_sek[1], b.scenario_cost_sek[1]);
  // Cancellation stops a run.
  RunControl c;
  c.cancelled = [] { return true; };
  EXPECT_THROW(s.simulate(s.resolve(f), f, c), Error);
}

TEST(ScenarioRun, HelsinkiCentreOnRealStreets) {
  TRYGGVE_REQUIRE_SHARED("osm/helsinki_centre.osm.pbf");
  const fs::path file = source_dir() / "scenarios/helsinki_centre.yaml";
  ASSERT_TRUE(fs::exists(file)) << file;
  // Fewer EM iterations and a shorter near-repeat reach than the shipped file: the
  // test checks the plumbing on real streets, not the fit (see tests/simulation).
  const auto f = load(file, {"simulate.replicates=20", "simulate.max_iterations=25", "simulate.cell_cutoff_m=150", "inputs.streets=" + (tryggve::test::shared_data() / "osm/helsinki_centre.osm.pbf").string()});
  const fs::path out = tryggve::test::temp_dir("scenario_helsinki");
  RunControl c;
  auto last = std::chrono::steady_clock::now();
  std::string prev = "start";
  c.progress = [&](const std::string& step, double) {
    const auto now = std::chrono::steady_clock::now();
    std::printf("helsinki: %-10s %.2f s\n", prev.c_str(), std::chrono::duration<double>(now - last).count());
    last = now;
    prev = step;
  };
  const auto sum = run(f, out, c);
  EXPECT_EQ(sum.forecast_start, "2019-04");
  ASSERT_EQ(sum.result.scenario_count(), 3u);
  EXPECT_GT(sum.result.total(0, simulation::Measure::True).mean, 50.0);
  const auto light = nlohmann::json::parse(read(out / "scenarios/esplanadi-lighting/result.json"));
  EXPECT_GT(light["interventions"][0]["cells"].get<int>(), 5);
  // Inside the lit park (the response zone) fewer true incidents than the baseline.
  EXPECT_LT(light["wdq"]["response"]["scenario_true"].get<double>(), light["wdq"]["response"]["baseline_true"].get<double>());
  const auto patrol = nlohmann::json::parse(read(out / "scenarios/lasipalatsi-patrols/result.json"));
  EXPECT_GT(patrol["interventions"][0]["cells"].get<int>(), 3);
  // A small effect (16% for 12 h a week): no sign is guaranteed over 20 replicates,
  // only that the response zone does not get worse beyond noise.
  // The hotspot picture before and after: every cell has a Gi* class in both.
  ASSERT_TRUE(patrol["hotspots"].contains("gistar"));
  int before = 0, after = 0;
  for (const auto& [k, n] : patrol["hotspots"]["gistar"]["classes_baseline"].items()) before += n.get<int>();
  for (const auto& [k, n] : patrol["hotspots"]["gistar"]["classes_scenario"].items()) after += n.get<int>();
  EXPECT_EQ(before, after);
  EXPECT_GT(before, 0);
  EXPECT_LE(patrol["hotspots"]["gistar"]["cells_changing_class"].get<int>(), before);
  EXPECT_LE(patrol["wdq"]["response"]["scenario_true"].get<double>(),
            patrol["wdq"]["response"]["baseline_true"].get<double>() + 1.0);
}

TEST(ScenarioFiles, ShippedDemoScenariosValidate) {
  const fs::path file = source_dir() / "scenarios/demo.yaml";
  ASSERT_TRUE(fs::exists(file)) << file;
  const auto f = load(file);
  ASSERT_EQ(f.scenarios.size(), 4u);
  EXPECT_EQ(f.scenarios[3].name, "all-three");
  EXPECT_EQ(f.scenarios[3].interventions.size(), 3u);  // YAML anchors reuse the three
  EXPECT_EQ(f.scenarios[1].interventions[0].when.weekdays, (1u << 4) | (1u << 5));  // fre, lör
  // The demo shows every stage: the hotspots and the three plans run from the file.
  EXPECT_TRUE(f.hotspots_enabled);
  EXPECT_TRUE(f.plan_enabled && f.plan.patrol_enabled && f.plan.lighting_enabled && f.plan.routes_enabled);
  // A small demo district generated here (the names do not depend on the seed or the months).
  const fs::path demo = fs::temp_directory_path() / ("tryggve_scenario_demo_" + std::to_string(::getpid()));
  demo::DemoOptions dopt;
  dopt.months = 3;
  dopt.volume_scale = 0.3;
  demo::generate(dopt, demo);
  std::vector<std::string> sets;
  for (const char* k : {"streets:streets.osm", "incidents:incidents.csv", "parks:parks.gpkg", "stops:stops.gpkg",
                        "lamps:lamps.gpkg", "areas:areas.gpkg", "places:places.gpkg", "gtfs:gtfs",
                        "transit_reports:transit_reports.csv"}) {
    const std::string s(k);
    const auto c = s.find(':');
    sets.push_back("inputs." + s.substr(0, c) + "=" + (demo / s.substr(c + 1)).string());
  }
  const auto g = load(file, sets);
  const auto lines = validate(g);
  ASSERT_EQ(lines.size(), 4u);
  for (const auto& l : lines) std::printf("demo: %s\n", l.c_str());
  fs::remove_all(demo);
}
