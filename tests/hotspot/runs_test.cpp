// The hotspot subcommands' library calls end to end: map stage -> selection ->
// units -> weights -> statistic -> table -> file (what `tryggve gistar`, `emerging`
// and `knox` run), on spatstat's chicago (local feet, no CRS) and the demo district.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "chicago.hpp"
#include "golden_csv.hpp"
#include "grid.hpp"
#include "test_data.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/hotspot/runs.hpp"
#include "tryggve/pipeline/hotspots_stage.hpp"
#include "tryggve/pipeline/map_stage.hpp"

using namespace tryggve;
using namespace tryggve::hotspot;

namespace {

const pipeline::MapResult& chicago_map() {
  static const pipeline::MapResult m = [] {
    const auto dir = test::shared_data() / "incidents" / "chicago_spatstat";
    pipeline::MapOptions o;
    OptionSet set("map");
    o.declare(set);
    // Exactly what `tryggve gistar --streets ... --incidents ... --crs local --noding shared_vertices` sets.
    set.set("streets", (dir / "chicago_network.geojson").string(), "test");
    set.set("incidents", (dir / "chicago_crimes.csv").string(), "test");
    set.set("crs", "local", "test");
    set.set("noding", "shared_vertices", "test");
    set.set("mappings", "chicago", "test");
    set.set("max_snap_distance_m", "100", "test");
    return pipeline::run_map(o);
  }();
  return m;
}

// Tryggve edge -> row of chicago_network_segments.csv (the goldens' order), by end points.
std::vector<std::size_t> golden_row_of_edge(const network::Network& net) {
  const auto ref = test::load_chicago();
  std::map<std::pair<long long, long long>, std::size_t> by_ends;
  auto key = [](Point a, Point b) {
    auto k = [](Point p) { return std::llround(p.x * 1e4) * 100000000LL + std::llround(p.y * 1e4); };
    long long x = k(a), y = k(b);
    return std::pair(std::min(x, y), std::max(x, y));
  };
  for (network::EdgeId e = 0; e < ref.net.edge_count(); ++e) {
    const auto& g = ref.net.edge(e).geometry;
    by_ends[key(g.front(), g.back())] = e;
  }
  std::vector<std::size_t> row(net.edge_count(), SIZE_MAX);
  for (network::EdgeId e = 0; e < net.edge_count(); ++e) {
    const auto& g = net.edge(e).geometry;
    if (auto it = by_ends.find(key(g.front(), g.back())); it != by_ends.end()) row[e] = it->second;
  }
  return row;
}

}  // namespace

TEST(GiStarRun, ChicagoEndToEndEqualsSpdepAndWritesCsvAndGpkg) {
  TRYGGVE_REQUIRE_SHARED("incidents/chicago_spatstat/chicago_crimes.csv");
  const auto& m = chicago_map();
  ASSERT_EQ(m.net.edge_count(), 503u);
  ASSERT_EQ(m.incidents.size(), 116u) << m.rejects.summary();
  const auto row = golden_row_of_edge(m.net);
  const auto g = test::read_golden("chicago_localG.csv");

  GiStarOptions opt;
  OptionSet set("gistar");
  opt.declare(set);
  set.set("distance_m", "300", "test");
  set.set("weights", "distance_band", "test");
  set.set("permutations", "199", "test");
  set.set("seed", "11", "test");
  const auto in = pipeline::input_from_map(m);
  const auto run = run_gistar(in, opt);
  EXPECT_EQ(run.selected.index.size(), 116u);
  EXPECT_TRUE(run.result.star);
  EXPECT_TRUE(run.result.fdr);
  EXPECT_EQ(run.result.classified_by, Significance::Permutation);

  const auto dir = test::temp_dir("gistar_run");
  const auto table = gistar_table(m.net, run);
  pipeline::write_unit_table(table, dir / "gistar.csv", m.crs);
  pipeline::write_unit_table(table, dir / "gistar.gpkg", m.crs);
  ASSERT_TRUE(std::filesystem::exists(dir / "gistar.gpkg"));
  const auto back = test::read_golden(dir / "gistar.csv");
  ASSERT_EQ(back.rows, 503u);
  double max_diff = 0;
  for (std::size_t e = 0; e < back.rows; ++e) {
    ASSERT_NE(row[e], SIZE_MAX) << "edge " << e << " is no segment of spatstat's chicago";
    EXPECT_EQ(back["edge_id"][e], static_cast<double>(e));
    EXPECT_EQ(back["count"][e], g["count"][row[e]]) << "edge " << e;
    max_diff = std::max(max_diff, std::abs(back["z"][e] - g["gstar_band_B"][row[e]]));
    // Every unit has neighbours within 300 ft here, so every unit has a permutation p.
    EXPECT_GE(back["p_sim"][e], 1.0 / 200);
    EXPECT_GE(back["p_fdr"][e], back["p_sim"][e]);
    const std::string cls = back.texts.at("class")[e];
    const double conf = back["confidence"][e];
    if (conf == 0) EXPECT_EQ(cls, "none");
    else EXPECT_EQ(cls, (back["z_sim"][e] > 0 ? "hot_" : "cold_") + std::to_string(static_cast<int>(conf)));
  }
  EXPECT_LT(max_diff, 1e-6);  // the CSV's shortest round-trip reals lose nothing

  const auto j = run.summary_json();
  EXPECT_EQ(j["units"]["count"], 503);
  EXPECT_EQ(j["incidents"]["selected"], 116);
}

TEST(GiStarRun, OptionsSelectionAndErrors) {
  TRYGGVE_REQUIRE_SHARED("incidents/chicago_spatstat/chicago_crimes.csv");
  const auto& m = chicago_map();
  const auto in = pipeline::input_from_map(m);
  GiStarOptions opt;
  OptionSet set("gistar");
  opt.declare(set);
  set.set("permutations", "0", "test");
  set.set("no_fdr", "true", "test");
  set.set("units", "lixels", "test");
  set.set("weights", "contiguity", "test");
  set.set("style", "row", "test");
  auto run = run_gistar(in, opt);
  EXPECT_EQ(run.units.kind(), UnitKind::Lixel);
  EXPECT_EQ(run.units.size(), m.lixels.size());
  EXPECT_FALSE(run.result.fdr);
  EXPECT_EQ(run.result.classified_by, Significance::Analytical);
  double total = 0;
  for (double v : run.values) total += v;
  EXPECT_EQ(total, 116.0);

  // One parameter only: the counts are that parameter's incidents.
  std::map<ParameterId, std::size_t> per_param;
  for (const auto& i : m.incidents) ++per_param[i.parameter];
  const ParameterId p = per_param.begin()->first;
  set.set("parameters", m.taxonomy.parameters()[p].code, "test");
  set.set("severity_weights", "true", "test");
  run = run_gistar(in, opt);
  EXPECT_EQ(run.selected.index.size(), per_param.begin()->second);
  EXPECT_EQ(run.selected.dropped_parameter, 116 - per_param.begin()->second);
  total = 0;
  for (double v : run.values) total += v;
  EXPECT_NEAR(total, m.taxonomy.parameters()[p].weight * per_param.begin()->second, 1e-9);

  // Bad input names the option.
  set.set("parameters", "no_such_parameter", "test");
  try {
    run_gistar(in, opt);
    FAIL() << "unknown parameter accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadOption);
    EXPECT_NE(std::string(e.what()).find("no_such_parameter"), std::string::npos);
  }
  set.set("parameters", "", "test");
  set.set("from", "2024-13-01", "test");
  EXPECT_THROW(run_gistar(in, opt), Error);
  EXPECT_THROW(set.set("weights", "queen", "test"), Error);
  EXPECT_THROW(set.set("permutations", "-1", "test"), Error);
}

TEST(GiStarRun, TimeWindowKeepsOnlyIncidentsInside) {
  // A 12 x 12 grid of 100 m streets with one incident per month on edge 0 and one on
  // edge 1 in 2024-03 only: the window 2024-02 .. 2024-03-31 keeps 2 + 1 of them.
  const network::Network net = test::grid_network(4, 4, 100);
  HotspotIncidents in;
  in.net = &net;
  const auto zone = TimeZone::from_name("Europe/Stockholm");
  for (int month = 1; month <= 6; ++month) {
    in.positions.push_back({0, 50});
    in.times.push_back(zone.from_local(2024, month, 15, 12, 0, 0));
    in.has_time.push_back(1);
    in.parameters.push_back(kNoParameter);
  }
  in.positions.push_back({1, 10});
  in.times.push_back(zone.from_local(2024, 3, 31, 23, 30, 0));  // local 23:30, UTC 21:30: still March 31
  in.has_time.push_back(1);
  in.parameters.push_back(kNoParameter);
  in.positions.push_back({2, 10});
  in.times.push_back({});
  in.has_time.push_back(0);  // no time: left out of any window, and counted
  in.parameters.push_back(kNoParameter);
  IncidentSelection sel;
  sel.from = "2024-02";
  sel.to = "2024-03-31";
  const auto s = select_incidents(in, sel);
  EXPECT_EQ(s.index, (std::vector<std::size_t>{1, 2, 6}));
  EXPECT_EQ(s.dropped_window, 4u);
  EXPECT_EQ(s.dropped_no_time, 1u);
  sel.to = "2024-03-30";
  EXPECT_EQ(select_incidents(in, sel).index, (std::vector<std::size_t>{1, 2}));
  sel.from = "2024-04-01";
  EXPECT_THROW(select_incidents(in, sel), Error);  // from after to
}
