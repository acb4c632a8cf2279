#pragma once
// The grid stage (`tryggve grid`): incidents without a street network, counted,
// smoothed and tested on square or hexagonal cells (situation/grid.hpp is the
// analysis). This stage reads and classifies the incidents, chooses the study
// extent (rows outside it are rejects with how far outside, never dropped), runs
// the analysis and writes its folder: grid.gpkg (layer cells with counts, KDE and
// Gi*, table cell_months), grid.tif (square cells: bands count_all,
// kde_all_per_km2, count_latest, gistar_z), backtest.csv, rejects.csv and
// grid_summary.json, each atomically.
//
// Study extent: explicit `extent` (min_lon,min_lat,max_lon,max_lat in WGS84, or
// min_x,min_y,max_x,max_y in the run CRS with extent_crs = run), or "auto": the
// box between the extent_quantile and 1 - extent_quantile quantiles (default 0.5%)
// of the incidents' x and y, widened by extent_margin_m (default 10 km) on every
// side. Geocoding failures land far away (Houston has rows placed in other Texas
// cities and ~100 rows on one spot 190 km north, 0.15% of the data, which is why
// the quantile is not smaller) and fall outside; a city's fringe stays in.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tryggve/core/options.hpp"
#include "tryggve/io/crs.hpp"
#include "tryggve/pipeline/run_folder.hpp"
#include "tryggve/situation/grid.hpp"

namespace tryggve::pipeline {

struct GridStageOptions {
  // Input.
  std::string incidents;
  std::string crs = "auto";
  std::string timezone = "Europe/Stockholm";
  std::string time_field, category_field, lon_field, lat_field, x_field, y_field, source_crs;
  bool month_first = false;
  std::string taxonomy;
  std::vector<std::string> mappings{"auto"};
  // Extent.
  std::string extent = "auto";
  std::string extent_crs = "wgs84";  // wgs84 | run
  double extent_quantile = 0.005;
  double extent_margin_m = 10000.0;
  // Cells and statistics.
  situation::GridOptions analysis;

  void declare(OptionSet& o);
};

struct GridStageResult : situation::GridResult {
  io::CrsContext crs;
  nlohmann::json summary() const;  // GridResult::summary() with the CRS
};

// Reads, classifies and filters the incidents (rejects for every row left out),
// then analyses them. Throws Error(NoData) if nothing is left inside the extent.
GridStageResult run_grid(const GridStageOptions& options);

// Writes the files above into the folder (created if needed).
void write_grid(const GridStageResult& result, const RunFolder& folder);

}  // namespace tryggve::pipeline
