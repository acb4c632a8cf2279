// The map stage end to end: the demo district's raw export (whose defects the
// generator recorded in truth.json) and spatstat's chicago (whose crimes lie on
// the network), through the same call `tryggve map` makes.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <ogrsf_frmts.h>

#include "test_data.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/io/gdal_env.hpp"
#include "tryggve/pipeline/map_stage.hpp"
#include "tryggve/pipeline/run_folder.hpp"

namespace tryggve::pipeline {
namespace {

namespace fs = std::filesystem;

MapOptions demo_inputs(const fs::path& d) {
  MapOptions m;
  m.streets = (d / "streets.osm").string();
  m.incidents = (d / "incidents_raw.csv").string();
  m.parks = (d / "parks.gpkg").string();
  m.stops = (d / "stops.gpkg").string();
  m.lamps = (d / "lamps.gpkg").string();
  m.areas = (d / "areas.gpkg").string();
  m.places = (d / "places.gpkg").string();
  m.crs = "EPSG:3006";
  return m;
}

class DemoMapStage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(test::temp_dir("map_stage_demo"));
    demo::DemoOptions o;
    o.months = 4;
    o.volume_scale = 0.5;
    o.raw_defect_rate = 0.02;
    demo::generate(o, *dir_ / "district");
    result_ = new MapResult(run_map(demo_inputs(*dir_ / "district")));
    std::ifstream f(*dir_ / "district" / "truth.json");
    truth_ = new nlohmann::json(nlohmann::json::parse(f));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete result_;
    delete truth_;
    delete dir_;
  }
  static fs::path* dir_;
  static MapResult* result_;
  static nlohmann::json* truth_;
};
fs::path* DemoMapStage::dir_ = nullptr;
MapResult* DemoMapStage::result_ = nullptr;
nlohmann::json* DemoMapStage::truth_ = nullptr;

TEST_F(DemoMapStage, EveryPlantedDefectIsRejectedForItsReason) {
  const MapResult& r = *result_;
  // raw row id -> reject reason. The raw file's id column is the incident id, its
  // row number is id order for clean rows; look rows up by the `raw` text's id.
  std::map<std::int64_t, RejectReason> rejected;
  for (const auto& x : r.rejects.items()) {
    // Readers write "id=17; time=...", later steps "id 17, 'category', ...".
    std::int64_t id = -1;
    if (x.raw.rfind("id=", 0) == 0 || x.raw.rfind("id ", 0) == 0) id = std::atoll(x.raw.c_str() + 3);
    ASSERT_GT(id, 0) << "reject without an id in its raw text: " << x.raw;
    rejected[id] = x.reason;
  }
  const std::map<std::string, std::set<RejectReason>> expected = {
      {"missing_time", {RejectReason::BadTime}},
      {"malformed_time", {RejectReason::BadTime}},
      {"outside_district", {RejectReason::OutsideMap, RejectReason::BadCoordinate}},
      {"swapped_lat_lon", {RejectReason::OutsideMap, RejectReason::BadCoordinate}},
      {"unknown_category", {RejectReason::UnknownCategory}},
      {"duplicate", {RejectReason::Duplicate}}};
  std::set<std::int64_t> defect_ids;
  for (const auto& [kind, ids] : (*truth_)["raw"]["defect_ids"].items()) {
    ASSERT_TRUE(expected.count(kind)) << "a defect kind the test does not know: " << kind;
    ASSERT_FALSE(ids.empty()) << kind;
    for (const auto& id : ids) {
      const auto v = id.get<std::int64_t>();
      defect_ids.insert(v);
      const auto it = rejected.find(v);
      ASSERT_NE(it, rejected.end()) << kind << " row id " << v << " was not rejected";
      EXPECT_TRUE(expected.at(kind).count(it->second)) << kind << " row id " << v << " rejected as " << to_string(it->second);
    }
  }
  // Clean rows wrongly rejected: only genuine near-repeats of one parameter within
  // 25 m and 30 minutes can look like duplicate reports; they must be rare.
  std::size_t wrong = 0;
  for (const auto& [id, reason] : rejected)
    if (!defect_ids.count(id)) {
      ++wrong;
      EXPECT_EQ(reason, RejectReason::Duplicate) << "clean row " << id;
    }
  EXPECT_LT(static_cast<double>(wrong), 0.002 * r.incidents_read) << wrong << " clean rows rejected";
  // Nothing lost: placed + rejected = rows read.
  EXPECT_EQ(r.incidents.size() + r.rejects.size(), r.incidents_read);
  EXPECT_EQ(r.incidents_read, (*truth_)["raw"]["rows"].get<std::size_t>());
}

TEST_F(DemoMapStage, IncidentsSnapOntoTheirSegmentsAndAreTagged) {
  const MapResult& r = *result_;
  ASSERT_FALSE(r.incidents.empty());
  std::size_t with_area = 0, max_far = 0;
  for (std::size_t i = 0; i < r.incidents.size(); ++i) {
    // The generator puts incidents on the street centre line; a duplicate report is
    // at most 15 m away from its original.
    if (r.snaps[i].distance > 16.0) ++max_far;
    if (r.tags[i].area != snap::kNoPlace) ++with_area;
    EXPECT_LT(r.lixel_of[i], r.lixels.size());
  }
  EXPECT_EQ(max_far, 0u);
  EXPECT_GT(with_area, 0.95 * r.incidents.size());
  EXPECT_FALSE(r.parks.empty());
  EXPECT_FALSE(r.stops.empty());
  EXPECT_FALSE(r.lamps.empty());
  EXPECT_FALSE(r.areas.empty());
  EXPECT_FALSE(r.places.empty());
  EXPECT_EQ(r.taxonomy.size(), 15u);
  const auto counts = r.counts_by_parameter();
  for (std::size_t p = 0; p < counts.size(); ++p) EXPECT_GT(counts[p], 0u) << r.taxonomy[p].code;
}

TEST_F(DemoMapStage, RunFolderOutputsLoadInOgr) {
  const fs::path run = *dir_ / "run";
  write_map_outputs(*result_, run);
  for (const char* f : {outputs::kMapGpkg, outputs::kMapSummaryJson, outputs::kRejectsCsv})
    EXPECT_TRUE(fs::exists(run / f)) << f;
  io::ensure_gdal();
  GDALDataset* ds = static_cast<GDALDataset*>(GDALOpenEx((run / outputs::kMapGpkg).c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
  ASSERT_NE(ds, nullptr);
  std::map<std::string, long long> counts;
  for (auto* layer : ds->GetLayers()) counts[layer->GetName()] = layer->GetFeatureCount();
  GDALClose(ds);
  EXPECT_EQ(counts["edges"], static_cast<long long>(result_->net.edge_count()));
  EXPECT_EQ(counts["lixels"], static_cast<long long>(result_->lixels.size()));
  EXPECT_EQ(counts["incidents"], static_cast<long long>(result_->incidents.size()));
  EXPECT_EQ(counts["rejects"], static_cast<long long>(result_->rejects.size()));
  for (const char* l : {"parks", "stops", "lamps", "areas", "places"}) EXPECT_GT(counts[l], 0) << l;
  // rejects.csv: a header and one line per reject.
  std::ifstream f(run / outputs::kRejectsCsv);
  std::string line;
  std::size_t lines = 0;
  while (std::getline(f, line)) ++lines;
  EXPECT_GE(lines, result_->rejects.size() + 1);
  const auto summary = nlohmann::json::parse(std::ifstream(run / outputs::kMapSummaryJson));
  EXPECT_EQ(summary["incidents"]["placed"].get<std::size_t>(), result_->incidents.size());
}

TEST(MapStage, ChicagoCrimesAllSnapOntoTheNetwork) {
  TRYGGVE_REQUIRE_SHARED("incidents/chicago_spatstat/chicago_network.geojson");
  MapOptions m;
  const fs::path d = test::shared_data() / "incidents/chicago_spatstat";
  m.streets = (d / "chicago_network.geojson").string();
  m.incidents = (d / "chicago_crimes.csv").string();
  m.crs = "local";
  m.noding = "none";
  m.lixel_length_m = 10;
  const MapResult r = run_map(m);
  EXPECT_EQ(r.net.edge_count(), 503u);
  EXPECT_EQ(r.incidents_read, 116u);
  EXPECT_EQ(r.incidents.size(), 116u) << r.rejects.summary();
  for (const auto& s : r.snaps) EXPECT_LT(s.distance, 1e-3);
}

TEST(MapStage, MissingStreetsFileNamesTheFile) {
  MapOptions m;
  m.streets = "/nonexistent/streets.gpkg";
  try {
    run_map(m);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::FileNotFound);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/streets.gpkg"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tryggve::pipeline
