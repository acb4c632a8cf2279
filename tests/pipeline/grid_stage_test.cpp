// The grid stage: its files (GeoTIFF bands north-up, the summary with the CRS) on a
// 4 x 4 grid by hand, and real Houston data read through the stage (rows geocoded
// outside Houston are rejects with how far; last month's counts forecast well).
#include <cmath>
#include <filesystem>
#include <fstream>

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_data.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/io/gdal_env.hpp"
#include "tryggve/pipeline/grid_stage.hpp"
#include "tryggve/pipeline/run_folder.hpp"

namespace tryggve::pipeline {
namespace {

namespace fs = std::filesystem;
using namespace tryggve::situation;

Incident at(Point p, int year, int month, std::int64_t row) {
  Incident i;
  i.pos = p;
  i.time = {days_from_civil(year, month, 15) * 86400, 0};
  i.has_time = true;
  i.parameter = 0;
  i.source_row = row;
  i.id = row;
  return i;
}

// tests/situation/grid_test.cpp's hand-worked grid: 7 incidents in, one outside.
GridResult hand_grid() {
  const Grid g(CellShape::Square, {0, 0, 399, 399}, 100);
  std::vector<Incident> in;
  for (int k = 0; k < 3; ++k) in.push_back(at({150, 150}, 2024, 1, in.size() + 1));
  in.push_back(at({250, 250}, 2024, 1, in.size() + 1));
  for (int k = 0; k < 2; ++k) in.push_back(at({150, 150}, 2024, 2, in.size() + 1));
  in.push_back(at({50, 50}, 2024, 2, in.size() + 1));
  in.push_back(at({5000, 5000}, 2024, 2, in.size() + 1));
  GridOptions o;
  o.permutations = 0;
  o.backtest_coverages_pct = {"6.25", "12.5"};
  return analyse_grid(in, g, o, nullptr, "hand.csv");
}

TEST(GridStage, FilesByHand) {
  // The files: GeoTIFF bands in north-up order.
  GridStageResult r;
  static_cast<situation::GridResult&>(r) = hand_grid();
  r.crs = io::CrsContext::from_spec("EPSG:3006");
  const auto dir = test::temp_dir("grid_out");
  write_grid(r, dir);
  for (const char* f : {outputs::kGridGpkg, outputs::kGridTiff, outputs::kGridSummaryJson, outputs::kBacktestCsv,
                        outputs::kRejectsCsv})
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  const auto summary = nlohmann::json::parse(std::ifstream(dir / outputs::kGridSummaryJson));
  EXPECT_NE(summary["crs"].get<std::string>().find("EPSG:3006"), std::string::npos);
  EXPECT_EQ(summary["placed"], 7);
  io::ensure_gdal();
  GDALDataset* ds = static_cast<GDALDataset*>(GDALOpen((dir / outputs::kGridTiff).c_str(), GA_ReadOnly));
  ASSERT_NE(ds, nullptr);
  EXPECT_EQ(ds->GetRasterCount(), 4);
  float v = 0;
  // Cell 5 = column 1, grid row 1 -> raster row 4 - 1 - 1 = 2.
  ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 1, 2, 1, 1, &v, 1, 1, GDT_Float32, 0, 0), CE_None);
  EXPECT_FLOAT_EQ(v, 5.0f);
  EXPECT_STREQ(ds->GetRasterBand(2)->GetDescription(), "kde_all_per_km2");
  double gt[6];
  ds->GetGeoTransform(gt);
  EXPECT_DOUBLE_EQ(gt[3], 400.0);
  GDALClose(ds);
  fs::remove_all(dir);
}

TEST(Grid, HoustonRejectsRowsOutsideTheCityAndForecastsBetterThanChance) {
  TRYGGVE_REQUIRE_SHARED("incidents/houston_crime_2010_jan-jun.csv.gz");
  GridStageOptions o;
  o.incidents = (test::shared_data() / "incidents/houston_crime_2010_jan-jun.csv.gz").string();
  o.timezone = "America/Chicago";
  o.analysis.cell_m = 1000;
  o.analysis.permutations = 0;
  o.analysis.backtest_months = 2;
  const auto r = run_grid(o);
  // ~64,000 rows; a few are geocoded far outside Houston (other Texas cities, one
  // spot 190 km north): they are rejects with how far outside, not silently dropped.
  EXPECT_GT(r.rows_read, 60000u);
  const auto counts = r.rejects.counts();
  ASSERT_TRUE(counts.count(RejectReason::OutsideMap));
  const std::size_t outside = counts.at(RejectReason::OutsideMap);
  EXPECT_GT(outside, 50u);
  EXPECT_LT(outside, 1000u);
  EXPECT_EQ(r.rows_read, r.incidents.size() + r.rejects.size());
  for (const auto& x : r.rejects.items())
    if (x.reason == RejectReason::OutsideMap) {
      EXPECT_TRUE(x.has_pos);
      EXPECT_NE(x.detail.find("outside the study extent"), std::string::npos);
    }
  EXPECT_EQ(r.months.size(), 6u);
  EXPECT_EQ(r.crs.epsg(), 32615);  // UTM 15N
  // Last month's counts at 1% of the area catch far more than 1% of the next month.
  int seen = 0;
  for (const auto& row : r.backtest)
    if (row.method == "last_month" && row.score.coverage == 0.01) {
      ++seen;
      EXPECT_GT(row.score.pai, 1.0) << row.month;
      EXPECT_LE(row.score.pei, 1.0);
    }
  EXPECT_EQ(seen, 2);
}

}  // namespace
}  // namespace tryggve::pipeline
