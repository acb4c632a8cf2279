// tryggve sweep on a small generated district: every point's numbers equal the
// full simulate stage of that point's file, whatever the replicate block; a bad
// key or value fails before any work naming the variation.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_data.hpp"
#include "tryggve/cluster/cluster.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/scenario/run.hpp"
#include "tryggve/sweep/sweep.hpp"

namespace tryggve::sweep {
namespace {

namespace fs = std::filesystem;

const char* kScenario = R"(version: 1
name: sweep
seed: 20261203
inputs:
  streets: district/streets.osm
  incidents: district/incidents_raw.csv
  parks: district/parks.gpkg
  stops: district/stops.gpkg
  lamps: district/lamps.gpkg
  areas: district/areas.gpkg
  places: district/places.gpkg
  crs: EPSG:3006
  lixel_length_m: 50
stages:
  map: {}
  simulate:
    fit_months: 12
    forecast_months: 2
    replicates: 45
    cell_cutoff_m: 300
    max_iterations: 30
    tolerance: 1e-4
scenarios:
  - name: park-lighting
    interventions:
      - type: lighting
        where: {park: Ekbackaparken}
        lamps: 20
        cost_sek: 300000
  - name: free-patrol
    interventions:
      - type: patrol
        where: {park: Kvarnbodalen}
        visits_per_week: 6
)";

class Sweep : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(test::temp_dir("sweep"));
    demo::DemoOptions d;
    d.months = 14;
    d.volume_scale = 0.3;
    demo::generate(d, *dir_ / "district");
    std::ofstream(*dir_ / "s.yaml") << kScenario;
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static SweepOptions options(int block) {
    SweepOptions o;
    o.file = *dir_ / "s.yaml";
    o.vary = {parse_variation("scenarios[0].interventions[0].cost_sek=150000,300000"),
              parse_variation("stages.simulate.headroom=1.5,2")};
    o.block_replicates = block;
    o.out = *dir_ / "out";
    return o;
  }
  static fs::path* dir_;
};
fs::path* Sweep::dir_ = nullptr;

TEST_F(Sweep, PointsEqualTheirFullRunsWhateverTheBlock) {
  cluster::Cluster one;
  ASSERT_EQ(one.size(), 1);
  const auto o = options(7);  // 45 = 6 x 7 + 3: a short last block
  const auto points = expand(o);
  ASSERT_EQ(points.size(), 4u);
  EXPECT_EQ(points[1].values, (std::vector<std::string>{"150000", "2"}));  // the last variation fastest
  const auto a = run(points, o, one);
  const auto b = run(points, options(45), one);
  EXPECT_EQ(summary_csv(a), summary_csv(b));
  EXPECT_EQ(ranking_svg(a), ranking_svg(b));
  ASSERT_EQ(a.rows.size(), 8u);
  // Ranked per SEK; the costless scenario last, without a ratio.
  EXPECT_TRUE(a.rows[0].has_cost);
  EXPECT_FALSE(a.rows.back().has_cost);
  for (std::size_t i = 1; i < 4; ++i) EXPECT_GE(a.rows[i - 1].harm_per_100k_sek.mean, a.rows[i].harm_per_100k_sek.mean);
  // Each row against the simulate stage of its point's file.
  for (const auto& row : a.rows) {
    const auto& f = points[row.point].file;
    scenario::Session s(f);
    const auto res = s.simulate(s.resolve(f), f);
    const int k = res.scenario_index(row.scenario);
    ASSERT_GT(k, 0);
    const auto d = res.difference(k, simulation::Measure::True);
    EXPECT_DOUBLE_EQ(row.prevented_true.mean, -d.mean) << row.scenario;
    EXPECT_EQ(row.replicates, 45);
    EXPECT_DOUBLE_EQ(row.cost_sek, res.scenario_cost_sek[k]);
  }
  // Half the cost, twice the harm prevented per SEK.
  for (const auto& x : a.rows)
    for (const auto& y : a.rows)
      if (x.scenario == "park-lighting" && y.scenario == x.scenario && x.values[1] == y.values[1] && x.values[0] == "150000" &&
          y.values[0] == "300000") {
        EXPECT_NEAR(x.harm_per_100k_sek.mean, 2 * y.harm_per_100k_sek.mean, 1e-9);
      }
}

TEST_F(Sweep, BadVariationsNameTheKey) {
  auto fails = [](SweepOptions o, const std::string& where) {
    try {
      expand(o);
      ADD_FAILURE() << "no error for " << where;
    } catch (const Error& e) {
      EXPECT_NE(e.where().find(where), std::string::npos) << e.where() << ": " << e.message();
    }
  };
  auto o = options(10);
  o.vary.push_back(parse_variation("stages.simulate.replicatez=10,20"));
  fails(o, "--vary stages.simulate.replicatez");
  o = options(10);
  o.vary.push_back(parse_variation("stages.simulate.replicates=10,-3"));
  fails(o, "--vary stages.simulate.replicates=-3");
  EXPECT_THROW(parse_variation("stages.simulate.headroom"), Error);
  EXPECT_THROW(parse_variation("stages.simulate.headroom=1,,2"), Error);
  EXPECT_THROW(parse_variation("stages.simulate.headroom=1,1"), Error);
}

TEST_F(Sweep, WritesTheSummaryTheChartAndEveryPoint) {
  cluster::Cluster one;
  const auto o = options(45);
  const auto points = expand(o);
  write(run(points, o, one), points, o);
  for (const char* f : {"sweep.csv", "sweep.svg", "sweep.json", "points/0000.yaml", "points/0003.yaml"})
    EXPECT_TRUE(fs::is_regular_file(o.out / f)) << f;
  // A point's resolved file runs again as it is.
  EXPECT_NO_THROW(scenario::load(o.out / "points/0003.yaml"));
}

}  // namespace
}  // namespace tryggve::sweep
