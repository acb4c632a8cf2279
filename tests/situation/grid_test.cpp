// Planar grid analysis: cell geometry by hand, the quartic KDE's mass, counts and a
// backtest on a 4 x 4 grid worked out in the comments (the grid stage's files and
// real Houston data: tests/pipeline/grid_stage_test.cpp).
#include <cmath>

#include <gtest/gtest.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/situation/grid.hpp"

namespace tryggve::situation {
namespace {

namespace fs = std::filesystem;

TEST(Grid, SquareCellsAndContiguity) {
  const Grid g(CellShape::Square, {0, 0, 399, 299}, 100);
  EXPECT_EQ(g.nx(), 4u);
  EXPECT_EQ(g.ny(), 3u);
  EXPECT_EQ(g.cell_of({0, 0}), 0u);
  EXPECT_EQ(g.cell_of({150, 20}), 1u);
  EXPECT_EQ(g.cell_of({20, 150}), 4u);
  EXPECT_EQ(g.cell_of({100, 100}), 5u);  // a shared corner goes north-east
  EXPECT_EQ(g.cell_of({-1, 5}), Grid::kNoCell);
  EXPECT_EQ(g.cell_of({5, 301}), Grid::kNoCell);
  EXPECT_DOUBLE_EQ(g.centre(5).x, 150);
  EXPECT_DOUBLE_EQ(area(MultiPolygon{g.polygon(5)}), 1e4);
  const auto q = g.contiguity(true), r = g.contiguity(false);
  EXPECT_EQ(q.cardinality(0), 3u);  // corner
  EXPECT_EQ(q.cardinality(5), 8u);  // interior
  EXPECT_EQ(r.cardinality(5), 4u);
  EXPECT_EQ(r.cardinality(1), 3u);  // edge
  const auto n = q.neighbours_of(5);
  EXPECT_EQ(std::vector<hotspot::UnitId>(n.begin(), n.end()), (std::vector<hotspot::UnitId>{0, 1, 2, 4, 6, 8, 9, 10}));
  // A distance band of 100 m is rook contiguity; 142 m adds the diagonals.
  EXPECT_EQ(g.distance_band(100).nonzero_count(), r.nonzero_count());
  EXPECT_EQ(g.distance_band(142).nonzero_count(), q.nonzero_count());
  EXPECT_THROW(Grid(CellShape::Square, {0, 0, 1e7, 1e7}, 1), Error);
}

TEST(Grid, HexagonsHaveTheSquaresAreaAndSixNeighbours) {
  const Grid g(CellShape::Hexagon, {0, 0, 2000, 2000}, 250);
  EXPECT_NEAR(area(MultiPolygon{g.polygon(0)}), 250.0 * 250.0, 1e-6);
  for (std::size_t c = 0; c < g.size(); ++c) ASSERT_EQ(g.cell_of(g.centre(c)), c);
  // A point just inside a vertex-adjacent region still finds its nearest centre.
  const Point p{733, 911};
  const std::size_t c = g.cell_of(p);
  ASSERT_NE(c, Grid::kNoCell);
  for (std::size_t o = 0; o < g.size(); ++o) EXPECT_LE(distance(p, g.centre(c)), distance(p, g.centre(o)) + 1e-9);
  const auto w = g.contiguity(true);
  const std::size_t mid = g.id(g.nx() / 2, g.ny() / 2);
  ASSERT_EQ(w.cardinality(mid), 6u);
  for (auto j : w.neighbours_of(mid)) EXPECT_NEAR(distance(g.centre(mid), g.centre(j)), std::sqrt(3.0) * g.hex_side(), 1e-6);
  // Every point of the extent is in some cell.
  for (double x = 0; x <= 2000; x += 97)
    for (double y = 0; y <= 2000; y += 89) EXPECT_NE(g.cell_of({x, y}), Grid::kNoCell) << x << "," << y;
}

TEST(Grid, QuarticKdeByHandAndMass) {
  const Grid g(CellShape::Square, {0, 0, 1000, 1000}, 10);
  const double h = 200;
  // One event at a cell centre: K(0) = 3 / (pi h^2) events per m2, here per km2.
  const Point e = g.centre(g.cell_of({505, 505}));
  const auto v = quartic_kde(g, {e}, {}, h);
  EXPECT_NEAR(v[g.cell_of(e)], 3.0 / (M_PI * h * h) * 1e6, 1e-9);
  // At distance 100 = h/2: (1 - 1/4)^2 = 0.5625 of the peak.
  EXPECT_NEAR(v[g.cell_of({e.x + 100, e.y})], 0.5625 * 3.0 / (M_PI * h * h) * 1e6, 1e-9);
  double mass = 0;
  for (double x : v) mass += x * g.cell_area() / 1e6;
  EXPECT_NEAR(mass, 1.0, 0.01);
  // Weights scale it.
  const auto w = quartic_kde(g, {e}, {2.5}, h);
  EXPECT_NEAR(w[g.cell_of(e)], 2.5 * v[g.cell_of(e)], 1e-9);
}

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

TEST(Grid, CountsRejectsAndBacktestByHand) {
  // 4 x 4 cells of 100 m (cell area 1e4, total 1.6e5).
  // 2024-01: three incidents in cell 5, one in cell 10. 2024-02: two in cell 5, one in cell 0.
  // One incident far outside: a reject.
  const Grid g(CellShape::Square, {0, 0, 399, 399}, 100);
  std::vector<Incident> in;
  for (int k = 0; k < 3; ++k) in.push_back(at({150, 150}, 2024, 1, in.size() + 1));
  in.push_back(at({250, 250}, 2024, 1, in.size() + 1));
  for (int k = 0; k < 2; ++k) in.push_back(at({150, 150}, 2024, 2, in.size() + 1));
  in.push_back(at({50, 50}, 2024, 2, in.size() + 1));
  in.push_back(at({5000, 5000}, 2024, 2, in.size() + 1));
  GridOptions o;
  o.permutations = 0;
  o.backtest_coverages_pct = {"6.25", "12.5"};  // one cell, two cells
  auto r = analyse_grid(in, g, o, nullptr, "hand.csv");
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects.items()[0].reason, RejectReason::OutsideMap);
  EXPECT_EQ(r.rejects.items()[0].source_row, 8);
  EXPECT_EQ(r.rejects.items()[0].file, "hand.csv");
  EXPECT_NE(r.rejects.items()[0].detail.find("m outside the study extent"), std::string::npos);
  EXPECT_EQ(r.incidents.size(), 7u);
  ASSERT_EQ(r.months.size(), 2u);
  EXPECT_DOUBLE_EQ(r.count_all[5], 5);
  EXPECT_DOUBLE_EQ(r.count_all[10], 1);
  EXPECT_DOUBLE_EQ(r.count_all[0], 1);
  EXPECT_DOUBLE_EQ(r.count_latest[5], 2);
  EXPECT_DOUBLE_EQ(r.count_by_month[0][5], 3);
  // Gi* (queen, self included): cell 5's neighbourhood holds all 7 of the 7 incidents.
  EXPECT_GT(r.gistar.stats[5].z, r.gistar.stats[15].z);
  // Backtest of 2024-02 (N = 3). last_month at 1 cell: cell 5 (3 in January) catches 2:
  // hit rate 2/3, PAI (2/3) / (1/16) = 10.67; the best cell also holds 2 -> PEI 1.
  // At 2 cells: cells 5 and 10 (risk 3, 1): still 2 hits, PAI 5.33; best two cells hold 3 -> PEI 2/3.
  int seen = 0;
  for (const auto& row : r.backtest) {
    EXPECT_EQ(row.month, "2024-02");
    if (row.method != "last_month") continue;
    ++seen;
    if (row.score.coverage == 0.0625) {
      EXPECT_DOUBLE_EQ(row.score.hit_rate, 2.0 / 3.0);
      EXPECT_NEAR(row.score.pai, 32.0 / 3.0, 1e-9);
      EXPECT_NEAR(row.score.pei, 1.0, 1e-12);
    } else {
      EXPECT_NEAR(row.score.pai, 16.0 / 3.0, 1e-9);
      EXPECT_NEAR(row.score.pei, 2.0 / 3.0, 1e-12);
    }
  }
  EXPECT_EQ(seen, 2);
  EXPECT_EQ(r.backtest.size(), 4u * 2u);
}

}  // namespace
}  // namespace tryggve::situation
