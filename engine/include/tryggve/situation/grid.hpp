#pragma once
// Planar grid mode, for incidents without a street network (e.g. Houston): the
// study area is cut into square or hexagonal cells; per cell and month counts,
// a planar quartic KDE at the cell centres, Gi* on the cells (queen/rook
// contiguity or a distance band between centres), and the same rolling-origin
// backtest as the network mode with PAI over area (forecast.hpp).
//
// The study extent and the incidents come from the caller (pipeline/grid_stage.hpp
// reads them and chooses the extent); incidents outside the grid are rejects
// (reason outside_map, with how far outside), never dropped.
//
// Cells. Square cells of side cell_m from the extent's south-west corner.
// Hexagons are pointy-top with the same area as a cell_m square (side
// s = cell_m * sqrt(2 / (3 sqrt 3))), rows 1.5 s apart, odd rows shifted east by
// half a cell, the first centre half a cell west of the south-west corner; so PAI
// compares across shapes at equal cell size. Cell ids run row by row
// from the south-west.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tryggve/core/geometry.hpp"
#include "tryggve/core/incident.hpp"
#include "tryggve/core/options.hpp"
#include "tryggve/core/reject.hpp"
#include "tryggve/hotspot/local_stats.hpp"
#include "tryggve/hotspot/weights.hpp"
#include "tryggve/situation/forecast.hpp"
#include "tryggve/taxonomy/taxonomy.hpp"

namespace tryggve::situation {

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
  // Cells and statistics.
  double cell_m = 250.0;
  std::string shape = "square";      // square | hex
  std::string weights = "queen";     // queen | rook | distance
  double distance_m = 500.0;         // distance band between centres (weights = distance)
  double kde_bandwidth_m = 500.0;
  bool severity_weights = false;     // KDE weights by taxonomy severity
  int permutations = 999;
  // analytical | permutation: what classifies a cell hot/cold (both p are written;
  // see pipeline::HotspotStageOptions::gistar_significance). With tens of thousands of cells
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
  nlohmann::json summary() const;  // what grid_summary.json says (without the CRS, which the stage adds)
};

// The analysis of incidents already in the run CRS (the grid stage reads and
// classifies them); incidents outside `grid` go to result.rejects as outside_map
// with `file` as their file. Throws Error(NoData) if none is inside.
GridResult analyse_grid(std::vector<Incident> incidents, const Grid& grid, const GridOptions& options,
                        const Taxonomy* taxonomy = nullptr, const std::string& file = "incidents");

}  // namespace tryggve::situation
