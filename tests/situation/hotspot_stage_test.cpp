// The hotspot stage end to end on the synthetic demo district (planted hotspots
// known from truth.json), through the same calls `tryggve hotspots` makes.
//
// The district comes from demo::generate when this test is linked with the demo
// module (CMake: tryggve_test(situation DEPENDS ... tryggve::demo) and the
// definition TRYGGVE_TEST_HAS_DEMO); otherwise from a generated folder named by
// TRYGGVE_DEMO_DIR (e.g. `tryggve demo-map --out DIR --months 8 --volume-scale 0.5`).
// Without either the tests skip, and fail when TRYGGVE_REQUIRE_DEMO is set.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <oneapi/tbb/global_control.h>
#include <ogrsf_frmts.h>

#include "test_data.hpp"
#include "tryggve/core/error.hpp"
#ifdef TRYGGVE_TEST_HAS_DEMO
#include "tryggve/demo/generator.hpp"
#endif
#include "tryggve/io/gdal_env.hpp"
#include "tryggve/pipeline/outputs.hpp"
#include "tryggve/situation/hotspot_stage.hpp"

namespace tryggve::situation {
namespace {

namespace fs = std::filesystem;

class DemoHotspots : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(test::temp_dir("hotspot_stage"));
#ifdef TRYGGVE_TEST_HAS_DEMO
    demo::DemoOptions d;
    d.months = 8;
    d.volume_scale = 0.5;
    demo::generate(d, *dir_ / "district");
    const fs::path in = *dir_ / "district";
#else
    const char* env = std::getenv("TRYGGVE_DEMO_DIR");
    if (!env || !fs::exists(fs::path(env) / "truth.json")) return;
    const fs::path in = env;
#endif
    pipeline::MapOptions m;
    m.streets = (in / "streets.osm").string();
    m.incidents = (in / "incidents.csv").string();
    m.parks = (in / "parks.gpkg").string();
    m.stops = (in / "stops.gpkg").string();
    m.areas = (in / "areas.gpkg").string();
    m.places = (in / "places.gpkg").string();
    m.crs = "EPSG:3006";
    map_ = new pipeline::MapResult(pipeline::run_map(m));
    opts_ = new HotspotStageOptions;
    opts_->permutations = 99;
    opts_->backtest_months = 2;
    opts_->seed = 7;
    summary_ = new nlohmann::json(run_hotspot_stage(*map_, *opts_, *dir_ / "run"));
    std::ifstream f(in / "truth.json");
    truth_ = new nlohmann::json(nlohmann::json::parse(f));
  }
  void SetUp() override {
    if (!map_) {
      if (std::getenv("TRYGGVE_REQUIRE_DEMO")) FAIL() << "no demo district (see the top of this file)";
      GTEST_SKIP() << "no demo district: set TRYGGVE_DEMO_DIR or link the demo module";
    }
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete map_;
    delete opts_;
    delete summary_;
    delete truth_;
    delete dir_;
  }
  static fs::path* dir_;
  static pipeline::MapResult* map_;
  static HotspotStageOptions* opts_;
  static nlohmann::json* summary_;
  static nlohmann::json* truth_;
};
fs::path* DemoHotspots::dir_ = nullptr;
pipeline::MapResult* DemoHotspots::map_ = nullptr;
HotspotStageOptions* DemoHotspots::opts_ = nullptr;
nlohmann::json* DemoHotspots::summary_ = nullptr;
nlohmann::json* DemoHotspots::truth_ = nullptr;

struct Layer {
  std::vector<std::map<std::string, double>> rows;
  std::vector<Point> mids;
};

Layer read_layer(const fs::path& gpkg, const char* name, const std::vector<std::string>& fields) {
  io::ensure_gdal();
  Layer out;
  GDALDataset* ds = static_cast<GDALDataset*>(GDALOpenEx(gpkg.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
  EXPECT_NE(ds, nullptr) << gpkg;
  if (!ds) return out;
  OGRLayer* l = ds->GetLayerByName(name);
  EXPECT_NE(l, nullptr) << name;
  if (l) {
    for (auto& f : *l) {
      std::map<std::string, double> r;
      for (const auto& k : fields) r[k] = f->GetFieldAsDouble(k.c_str());
      out.rows.push_back(r);
      OGREnvelope e;
      if (f->GetGeometryRef()) {
        f->GetGeometryRef()->getEnvelope(&e);
        out.mids.push_back({0.5 * (e.MinX + e.MaxX), 0.5 * (e.MinY + e.MaxY)});
      } else {
        out.mids.push_back({NAN, NAN});
      }
    }
  }
  GDALClose(ds);
  return out;
}

TEST_F(DemoHotspots, WritesEveryOutput) {
  const fs::path run = *dir_ / "run";
  for (const char* f : {outputs::kHotspotsGpkg, outputs::kSituationJson, outputs::kSituationCsv, outputs::kBacktestCsv})
    EXPECT_TRUE(fs::exists(run / f)) << f;
  const auto dens = read_layer(run / outputs::kHotspotsGpkg, outputs::kDensityLayer, {"density_all"});
  EXPECT_EQ(dens.rows.size(), map_->lixels.size());
  const auto gi = read_layer(run / outputs::kHotspotsGpkg, outputs::kGiStarLayer, {"z"});
  EXPECT_EQ(gi.rows.size(), map_->net.edge_count());
  const auto em = read_layer(run / outputs::kHotspotsGpkg, outputs::kEmergingLayer, {"trend_tau"});
  EXPECT_EQ(em.rows.size(), map_->net.edge_count());
  const auto areas = read_layer(run / outputs::kHotspotsGpkg, kSituationAreasLayer, {"count", "level"});
  EXPECT_EQ(areas.rows.size(), map_->areas.size());
  std::ifstream f(run / outputs::kSituationJson);
  const auto sj = nlohmann::json::parse(f);
  const std::size_t months = (*truth_)["options"]["months"].get<std::size_t>();
  EXPECT_EQ(sj["months"].size(), months);
  EXPECT_EQ(sj["parameters"].size(), map_->taxonomy.size() + 1);
  // Every placed incident with a time is in the district's monthly counts.
  double total = 0;
  for (const auto& v : sj["units"][0]["parameters"]["all"]["count"]) total += v.get<double>();
  std::size_t timed = 0;
  for (const auto& i : map_->incidents) timed += i.has_time;
  EXPECT_DOUBLE_EQ(total, static_cast<double>(timed));
  EXPECT_EQ((*summary_)["months"]["count"].get<std::size_t>(), months);
  EXPECT_GT((*summary_)["gistar"]["hot"].get<int>(), 0);
}

TEST_F(DemoHotspots, PlantedPersistentHotspotsRankHigh) {
  const fs::path run = *dir_ / "run";
  const auto dens = read_layer(run / outputs::kHotspotsGpkg, outputs::kDensityLayer, {"density_all"});
  std::vector<double> sorted;
  for (const auto& r : dens.rows) sorted.push_back(r.at("density_all"));
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  const double top5 = sorted[sorted.size() / 20];
  // Gi* z per segment: the planted places are in its top 10%. (They are not all
  // significant after FDR: one street by the shopping centre holds ~20% of all
  // incidents and dominates the variance, as a real district's busiest place would.)
  const auto gi = read_layer(run / outputs::kHotspotsGpkg, outputs::kGiStarLayer, {"z"});
  std::vector<double> zs;
  for (const auto& r : gi.rows) zs.push_back(r.at("z"));
  std::sort(zs.begin(), zs.end(), std::greater<>());
  const double z_top10 = zs[zs.size() / 10];
  int checked = 0;
  for (const auto& h : (*truth_)["hotspots"]) {
    if (h["type"] != "persistent") continue;
    ++checked;
    const Point c{h["centre"][0].get<double>(), h["centre"][1].get<double>()};
    double best = 0;
    for (std::size_t l = 0; l < dens.rows.size(); ++l)
      if (distance(dens.mids[l], c) < 100) best = std::max(best, dens.rows[l].at("density_all"));
    EXPECT_GE(best, top5) << h["id"] << ": the densest lixel near the planted centre is not in the top 5%";
    double zbest = -1e9;
    for (std::size_t e = 0; e < gi.rows.size(); ++e)
      if (distance(gi.mids[e], c) < 150) zbest = std::max(zbest, gi.rows[e].at("z"));
    EXPECT_GE(zbest, z_top10) << h["id"] << ": no segment within 150 m of the planted centre in Gi*'s top 10%";
  }
  EXPECT_GT(checked, 0);
}

TEST_F(DemoHotspots, BacktestBeatsChance) {
  ASSERT_TRUE(summary_->contains("backtest"));
  const auto& methods = (*summary_)["backtest"]["methods"];
  EXPECT_EQ(methods.size(), 4u * 3u);  // 4 methods x 3 coverages
  for (const auto& m : methods) {
    if (m["mean_pai"].is_null()) continue;
    // Incidents concentrate on few streets: every forecast finds more than its share.
    if (m["method"] != "gistar") {
      EXPECT_GT(m["mean_pai"].get<double>(), 1.0) << m.dump();
    }
    EXPECT_LE(m["mean_pei"].get<double>(), 1.0 + 1e-9) << m.dump();
  }
  std::ifstream f(*dir_ / "run" / outputs::kBacktestCsv);
  std::string line;
  std::size_t n = 0;
  while (std::getline(f, line)) ++n;
  EXPECT_EQ(n, 1 + 2 * 4 * 3u);  // header + months x methods x coverages
}

TEST_F(DemoHotspots, SameSeedSameResultAtAnyThreadCount) {
  HotspotStageOptions o = *opts_;
  o.no_backtest = true;
  // The permutations and the picture are what could depend on threads; a cheap
  // density keeps the Debug + sanitizer run short.
  o.density_method = "simple";
  o.bandwidth_m = 60;
  nlohmann::json one;
  {
    tbb::global_control g(tbb::global_control::max_allowed_parallelism, 1);
    one = run_hotspot_stage(*map_, o, *dir_ / "one");
  }
  auto many = run_hotspot_stage(*map_, o, *dir_ / "many");
  one.erase("seconds");
  many.erase("seconds");
  EXPECT_EQ(one.dump(), many.dump());
  std::ifstream a(*dir_ / "one" / outputs::kSituationCsv), b(*dir_ / "many" / outputs::kSituationCsv);
  std::stringstream sa, sb;
  sa << a.rdbuf();
  sb << b.rdbuf();
  EXPECT_EQ(sa.str(), sb.str());
}

TEST(HotspotStage, NoTimesIsAClearError) {
  pipeline::MapResult m;
  m.taxonomy = Taxonomy::load_default();
  m.incidents_file = "x.csv";
  m.incidents.emplace_back();
  HotspotStageOptions o;
  try {
    run_hotspot_stage(m, o, test::temp_dir("stage_notime"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NoData);
    EXPECT_NE(std::string(e.what()).find("x.csv"), std::string::npos);
  }
  o.backtest_coverages_pct = {"0"};
  EXPECT_THROW(run_hotspot_stage(m, o, test::temp_dir("stage_badcov")), Error);
}

}  // namespace
}  // namespace tryggve::situation
