// `tryggve density` end to end on spatstat's chicago (local units, no CRS), through the
// same function the command calls (pipeline/density_stage.hpp: run_map, filters,
// estimate, atomic CSV / GeoPackage + JSON sidecar).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <nlohmann/json.hpp>

#include "../density/density_test_support.hpp"
#include "chicago.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/pipeline/density_stage.hpp"

namespace tryggve::pipeline {
namespace {

using namespace tryggve::density;

namespace fs = std::filesystem;

class DensityCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    TRYGGVE_REQUIRE_SHARED("incidents/chicago_spatstat/chicago_network.geojson");
    const fs::path d = test::shared_data() / "incidents/chicago_spatstat";
    map.streets = (d / "chicago_network.geojson").string();
    map.incidents = (d / "chicago_crimes.csv").string();
    map.crs = "local";
    map.noding = "none";
    map.lixel_length_m = 10;
    dir = fs::temp_directory_path() / ("tryggve_density_cmd_" + std::to_string(::getpid()));
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  MapOptions map;
  fs::path dir;
};

TEST_F(DensityCommand, HeatAtPointsCsvMatchesTheLibraryAndSpatstat) {
  DensityStageOptions c;
  c.method = "heat";
  c.bandwidth_m = 100;
  c.at = "points";
  c.leave_one_out = true;
  const auto out = dir / "values.csv";
  MapResult m;
  const auto r = run_density_command(map, c, out, &m);
  ASSERT_EQ(r.event_of.size(), 116u);
  // Same numbers as the library on the test fixture's own positions (snapping agrees to 1e-6).
  const auto chicago = test::load_chicago();
  DensityOptions o;
  o.bandwidth_m = 100;
  o.leave_one_out = true;
  const auto lib = density_at(chicago.net, chicago.crimes, chicago.crimes, {}, o).values;
  // The CSV as written: header, then incident_id,density,x,y in incident order.
  std::ifstream in(out);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "incident_id,density,x,y");
  const auto finest = test::read_csv_columns(test::golden_dir() / "heat_points_dxquarter.csv");
  std::size_t rows = 0;
  while (std::getline(in, line)) {
    std::stringstream ls(line);
    std::string id, v;
    std::getline(ls, id, ',');
    std::getline(ls, v, ',');
    const auto k = static_cast<std::size_t>(std::stoll(id) - 1);  // chicago's ids are 1..116 in file order
    ASSERT_LT(k, lib.size());
    EXPECT_NEAR(std::stod(v), lib[k], 1e-6 * lib[k]) << "incident " << id;
    if (!finest.empty()) {
      EXPECT_NEAR(std::stod(v), finest.at("loo")[k], 0.01 * finest.at("plain")[k]) << id;
    }
    ++rows;
  }
  EXPECT_EQ(rows, 116u);
  const auto j = nlohmann::json::parse(std::ifstream(density_sidecar_path(out)));
  EXPECT_EQ(j["method"], "heat");
  EXPECT_DOUBLE_EQ(j["bandwidth_used"].get<double>(), 100.0);
  EXPECT_EQ(j["incidents"]["used"].get<std::size_t>(), 116u);
  EXPECT_GT(j["heat_dx"].get<double>(), 0.0);
}

TEST_F(DensityCommand, LixelsGeoPackageHasOneFeaturePerLixelAndConservesMass) {
  DensityStageOptions c;
  c.method = "continuous";
  c.kernel = "quartic";
  c.bandwidth_m = 250;
  c.at = "lixels";
  const auto out = dir / "values.gpkg";
  MapResult m;
  const auto r = run_density_command(map, c, out, &m);
  ASSERT_EQ(r.density.values.size(), m.lixels.size());
  // The continuous rule conserves mass (dead ends reflect): the lixel integral is the 116 events
  // up to the midpoint rule on 10-unit lixels.
  EXPECT_NEAR(integrate(m.lixels, r.density.values), 116.0, 0.01 * 116.0);
  GDALAllRegister();
  auto* ds = static_cast<GDALDataset*>(GDALOpenEx(out.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
  ASSERT_NE(ds, nullptr);
  auto* layer = ds->GetLayerByName("density");
  ASSERT_NE(layer, nullptr);
  EXPECT_EQ(static_cast<std::size_t>(layer->GetFeatureCount()), m.lixels.size());
  for (const char* f : {"lixel_id", "edge_id", "start_m", "end_m", "density"})
    EXPECT_GE(layer->GetLayerDefn()->GetFieldIndex(f), 0) << f;
  layer->ResetReading();
  OGRFeature* feat = layer->GetNextFeature();
  ASSERT_NE(feat, nullptr);
  EXPECT_NEAR(feat->GetFieldAsDouble("density"), r.density.values[static_cast<std::size_t>(feat->GetFieldAsInteger64("lixel_id"))], 1e-12);
  EXPECT_NE(feat->GetGeometryRef(), nullptr);
  OGRFeature::DestroyFeature(feat);
  GDALClose(ds);
  EXPECT_TRUE(fs::exists(density_sidecar_path(out)));
}

TEST_F(DensityCommand, SelectedAndAdaptiveBandwidthsAreReported) {
  // Cross-validated: the chosen candidate is the bandwidth used, and every score is in the sidecar.
  DensityStageOptions c;
  c.method = "heat";
  c.select_bandwidth = "50:200:3";
  c.at = "points";
  const auto out = dir / "selected.csv";
  MapResult m;
  const auto r = run_density_command(map, c, out, &m);
  ASSERT_TRUE(r.selection.has_value());
  EXPECT_EQ(r.selection->candidates.size(), 3u);
  EXPECT_DOUBLE_EQ(r.density.bandwidth_used, r.selection->best);
  const auto direct = select_bandwidth_cv(m.net, m.lixels, r.positions, r.weights, [] {
    DensityOptions o;
    o.method = Method::Heat;
    return o;
  }(), geometric_grid(50, 200, 3));
  EXPECT_DOUBLE_EQ(direct.best, r.selection->best);
  const auto j = nlohmann::json::parse(std::ifstream(density_sidecar_path(out)));
  EXPECT_EQ(j["bandwidth_selection"]["candidates"].size(), 3u);
  EXPECT_DOUBLE_EQ(j["bandwidth_used"].get<double>(), r.selection->best);
  // Adaptive: one bandwidth per incident, in the CSV and in the sidecar.
  DensityStageOptions a;
  a.method = "heat";
  a.bandwidth_m = 100;
  a.adaptive = true;
  a.at = "points";
  const auto out2 = dir / "adaptive.csv";
  const auto ra = run_density(m, a);
  write_density(m, ra, out2);
  ASSERT_EQ(ra.density.event_bandwidths.size(), 116u);
  std::ifstream in(out2);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header, "incident_id,density,x,y,bandwidth_m");
  const auto ja = nlohmann::json::parse(std::ifstream(density_sidecar_path(out2)));
  EXPECT_EQ(ja["adaptive"]["incident_bandwidths"].size(), 116u);
  EXPECT_DOUBLE_EQ(ja["bandwidth_used"].get<double>(), 100.0);
}

TEST_F(DensityCommand, FiltersAndBadOptionsAreNamed) {
  MapResult m = pipeline::run_map(map);
  // Filter on the first incident's parameter: exactly the incidents of that parameter remain.
  DensityStageOptions c;
  c.bandwidth_m = 100;
  c.parameters = {m.taxonomy[m.incidents[0].parameter].code};
  std::size_t same = 0;
  for (const auto& i : m.incidents) same += i.parameter == m.incidents[0].parameter;
  const auto r = run_density(m, c);
  EXPECT_EQ(r.event_of.size(), same);
  EXPECT_EQ(r.dropped_parameter, 116u - same);
  auto expect_error = [&](DensityStageOptions bad, ErrorCode code, const std::string& where) {
    try {
      run_density(m, bad);
      ADD_FAILURE() << "no error for " << where;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), code) << e.what();
      EXPECT_EQ(e.where(), where) << e.what();
    }
  };
  DensityStageOptions bad;
  bad.parameters = {"no_such_parameter"};
  expect_error(bad, ErrorCode::BadOption, "--parameters");
  bad = {};
  bad.from = "2025-13-01";
  expect_error(bad, ErrorCode::BadOption, "--from");
  bad = {};
  bad.select_bandwidth = "100:50:4";
  expect_error(bad, ErrorCode::BadOption, "--select-bandwidth");
  bad = {};
  bad.kernel = "quartic";  // with the (default) heat method
  expect_error(bad, ErrorCode::BadOption, "--kernel");
  // chicago has no times: a time window leaves nothing, and says why.
  bad = {};
  bad.from = "2025-01-01";
  expect_error(bad, ErrorCode::NoData, map.incidents);
}

}  // namespace
}  // namespace tryggve::pipeline
