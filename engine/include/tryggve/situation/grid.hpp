#pragma once
// Planar grid mode, for incidents without a street network (e.g. Houston): the
// study area is cut into square or hexagonal cells; per cell and month counts,
// a planar quartic KDE at the cell centres, Gi* on the cells (queen/rook
// contiguity or a distance band between centres), and the same rolling-origin
// backtest as the network mode with PAI over area (forecast.hpp).
//
// Study extent. Rows outside it are rejects (reason outside_map, with how far
// outside), never dropped: explicit `extent` (min_lon,min_lat,max_lon,max_lat in
// WGS84, or min_x,min_y,max_x,max_y in the run CRS with extent_crs = run), or
// "auto": the box between the extent_quantile and 1 - extent_quantile quantiles
// (default 0.5%) of the incidents' x and y, widened by extent_margin_m (default
// 10 km) on every side. Geocoding failures land far away (Houston has rows placed
// in other Texas cities and ~100 rows on one spot 190 km north, 0.15% of the data,
// which is why the quantile is not smaller) and fall outside; a city's fringe
// stays in.
//
// Cells. Square cells of side cell_m from the extent's south-west corner.
// Hexagons are pointy-top with the same area as a cell_m square (side
// s = cell_m * sqrt(2 / (3 sqrt 3))), rows 1.5 s apart, odd rows shifted east by
// half a cell, the first centre half a cell west of the south-west corner; so PAI
// compares across shapes at equal cell size. Cell ids run row by row
// from the south-west.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tryggve/core/geometry.hpp"
#include "tryggve/core/incident.hpp"
#include "tryggve/core/options.hpp"
#include "tryggve/core/reject.hpp"
#include "tryggve/hotspot/local_stats.hpp"
#include "tryggve/hotspot/weights.hpp"
#include "tryggve/io/crs.hpp"
#include "tryggve/situation/forecast.hpp"
#include "tryggve/taxonomy/taxonomy.hpp"

namespace tryggve::situation {

inline constexpr const char* kGridGpkg = "grid.gpkg";        // layers cells, cell_months
inline constexpr const char* kGridTiff = "grid.tif";         // square cells only
inline constexpr const char* kGridSummaryJson = "grid_summary.json";
inline constexpr const char* kCellsLayer = "cells";
inline constexpr const char* kCellMonthsTable = "cell_months";

enum class CellShape { Square, Hexagon };

class Grid {
 public:
  static constexpr std::size_t kNoCell = static_cast<std::size_t>(-1);
  Grid() = default;
  // Throws Error(BadOption) for cell_m <= 0, an empty extent or more than 50 million cells.
  Grid(CellShape shape, const Envelope& extent, double cell_m);

  CellShape shape() const { return shape_; }
  double cell_m() const { return cell_m_; }
  std::size_t nx() const { return nx_; }
  std::size_t ny() const { return ny_; }
  std::size_t size() const { return nx_ * ny_; }
  double cell_area() const { return cell_m_ * cell_m_; }
  double hex_side() const { return side_; }
  Point origin() const { return origin_; }  // south-west corner (square), first centre's offset origin (hex)
  std::size_t id(std::size_t col, std::size_t row) const { return row * nx_ + col; }
  Point centre(std::size_t cell) const;
  Polygon polygon(std::size_t cell) const;
  // The cell holding p, or kNoCell outside the grid. Points on a shared square
  // edge go to the cell east / north of it.
  std::size_t cell_of(Point p) const;
  // Neighbours sharing an edge (rook: 4 for squares; hexagons: 6) or also a corner
  // (queen: 8 for squares; hexagons: the same 6). Self excluded, weight 1.
  hotspot::Weights contiguity(bool queen) const;
  // Cells whose centres are within d (self excluded, weight 1).
  hotspot::Weights distance_band(double d) const;

 private:
  CellShape shape_ = CellShape::Square;
  double cell_m_ = 0, side_ = 0;
  Point origin_;
  std::size_t nx_ = 0, ny_ = 0;
};

// Planar KDE with the quartic kernel K(d) = 3 / (pi h^2) (1 - d^2 / h^2)^2, d < h,
// at every cell centre, in events per square km (weights summed; empty = 1 each).
std::vector<double> quartic_kde(const Grid& grid, const std::vector<Point>& events, const std::vector<double>& weights,
                                double bandwidth_m);

struct GridOptions {
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
  double cell_m = 250.0;
  std::string shape = "square";      // square | hex
  std::string weights = "queen";     // queen | rook | distance
  double distance_m = 500.0;         // distance band between centres (weights = distance)
  double kde_bandwidth_m = 500.0;
  bool severity_weights = false;     // KDE weights by taxonomy severity
  int permutations = 999;
  // analytical | permutation: what classifies a cell hot/cold (both p are written;
  // see HotspotStageOptions::gistar_significance). With tens of thousands of cells
  // the permutation p cannot go below 1 / (permutations + 1), which BH over every
  // cell rarely lets through: analytical is the default.
  std::string gistar_significance = "analytical";
  std::int64_t seed = 0;             // 0: default_seed()
  bool no_fdr = false;
  int months = 0;                    // latest months analysed (0 = all)
  // Backtest.
  std::vector<std::string> backtest_coverages_pct{"1", "5", "10"};
  int backtest_months = 12;
  int backtest_history_months = 3;

  void declare(OptionSet& o);
};

struct GridResult {
  io::CrsContext crs;
  Grid grid;
  Envelope extent;
  std::size_t rows_read = 0;
  std::vector<Incident> incidents;  // inside the extent, classified
  std::vector<std::size_t> cell_of;  // per incident
  RejectLog rejects;
  std::vector<int> months;           // month indices analysed
  std::size_t without_time = 0;
  std::vector<double> count_all, count_latest, kde_all;  // per cell (analysed months)
  std::vector<std::vector<double>> count_by_month;       // [month][cell]
  hotspot::LocalResult gistar;
  std::vector<BacktestRow> backtest;
  nlohmann::json summary() const;
};

// Reads, classifies and filters the incidents (rejects for every row left out),
// then analyses them. Throws Error(NoData) if nothing is left inside the extent.
GridResult run_grid(const GridOptions& options);
// The analysis alone, on incidents already in the run CRS (for tests and other callers);
// incidents outside `grid` go to result.rejects as outside_map with `file` as their file.
GridResult analyse_grid(std::vector<Incident> incidents, const Grid& grid, const GridOptions& options,
                        const Taxonomy* taxonomy = nullptr, const std::string& file = "incidents");

// Writes grid.gpkg (cells with counts, KDE, Gi*; cell_months), grid.tif (square
// cells: bands count_all, kde_all, count_latest, gistar_z), backtest.csv,
// rejects.csv and grid_summary.json into out_dir, atomically.
void write_grid(const GridResult& result, const std::filesystem::path& out_dir);

}  // namespace tryggve::situation
