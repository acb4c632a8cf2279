#include <gtest/gtest.h>

#include "sim_fixture.hpp"

using namespace tryggve;
using namespace tryggve::simulation;
using namespace tryggve::simtest;

TEST(HourCalendar, LocalHoursAndDarknessInGoteborg) {
  const auto tz = stockholm();
  const auto period = local_months(tz, 2024, 1, 12);
  EXPECT_EQ(period.start_utc, tz.from_local(2024, 1, 1, 0, 0, 0).utc_seconds);
  EXPECT_EQ(period.end_utc, tz.from_local(2025, 1, 1, 0, 0, 0).utc_seconds);
  HourCalendar cal(period, tz, Place{57.7, 11.97});
  EXPECT_EQ(cal.size(), 366u * 24u);  // leap year; the DST hours cancel out
  EXPECT_EQ(cal.month_count(), 12);
  EXPECT_EQ(cal.month_label(2), "2024-03");
  auto at = [&](int mo, int d, int h, int mi) { return cal.to_hours(tz.from_local(2024, mo, d, h, mi, 0).utc_seconds); };
  // 2024-03-04 is a Monday: hour of week = 14 at 14:xx.
  EXPECT_EQ(cal[static_cast<std::size_t>(at(3, 4, 14, 30))].hour_of_week, 14);
  EXPECT_EQ(cal[static_cast<std::size_t>(at(3, 10, 23, 30))].hour_of_week, 6 * 24 + 23);  // Sunday
  EXPECT_EQ(cal[static_cast<std::size_t>(at(7, 1, 12, 0))].month_of_year, 6);
  EXPECT_EQ(cal[static_cast<std::size_t>(at(7, 1, 12, 0))].month, 6);
  // EVIDENCE.md: civil dusk ~16:15 in December, ~23:26 in June.
  EXPECT_TRUE(cal.is_dark(at(12, 16, 17, 0)));
  EXPECT_FALSE(cal.is_dark(at(12, 16, 15, 30)));
  EXPECT_FALSE(cal.is_dark(at(6, 21, 21, 0)));
  EXPECT_FALSE(cal.is_dark(at(6, 21, 23, 0)));
  EXPECT_TRUE(cal.is_dark(at(6, 21, 23, 55)));
  EXPECT_DOUBLE_EQ(cal.dark_fraction(static_cast<std::size_t>(at(12, 16, 20, 0))), 1.0);
}

TEST(CellNetwork, NeighboursByHand) {
  // 3 × 3 grid, 100 m, one cell per 50 m.
  World w(3, 100.0, 50.0, 120.0);
  const auto& cells = *w.cells;
  EXPECT_EQ(cells.size(), 24u);
  EXPECT_DOUBLE_EQ(cells.total_length(), 1200.0);
  // Cell 0: first half of edge 0 (0,0)→(100,0), midpoint (25,0).
  const auto nb = cells.neighbours(0);
  auto dist_to = [&](CellId c) {
    for (const auto& n : nb) if (n.cell == c) return static_cast<double>(n.distance_m);
    return -1.0;
  };
  EXPECT_DOUBLE_EQ(dist_to(0), 0.0);
  EXPECT_DOUBLE_EQ(dist_to(1), 50.0);  // (75,0)
  // Edge 1 runs (0,0)→(0,100): its first cell's midpoint is (0,25): 25 + 25.
  EXPECT_DOUBLE_EQ(dist_to(cells.first_cell(1)), 50.0);
  EXPECT_DOUBLE_EQ(dist_to(cells.first_cell(1) + 1), 100.0);
  for (const auto& n : nb) EXPECT_LE(n.distance_m, 120.0f);
  // Symmetry: the kernel's parent and child lists must agree.
  for (CellId c = 0; c < cells.size(); ++c)
    for (const auto& n : cells.neighbours(c)) {
      bool back = false;
      for (const auto& m : cells.neighbours(n.cell)) back |= (m.cell == c && m.distance_m == n.distance_m);
      EXPECT_TRUE(back) << c << " -> " << n.cell;
    }
  EXPECT_EQ(cells.cell_at({1, 60.0}), cells.first_cell(1) + 1);
}

// The lists are made block by block of 16,384 cells into one block of memory grown
// in place (a city's are ~4 GB): on 40,320 cells (three blocks) every cell's list
// must be what a search from that cell alone finds, in id order, and end where the
// next begins.
TEST(CellNetwork, ListsAcrossBuildBlocksAreEachCellsOwnSearch) {
  World w(15, 100.0, 1.0, 2.5);
  const auto& cells = *w.cells;
  ASSERT_EQ(cells.size(), 42000u);
  for (CellId c = 0; c < cells.size(); ++c) {
    const auto nb = cells.neighbours(c);
    if (c + 1 < cells.size()) EXPECT_EQ(nb.data() + nb.size(), cells.neighbours(c + 1).data());
    // within() scans every cell: a sample, and the cells at the blocks' edges.
    if (c % 97 != 0 && (c + 1) % 16384 > 1) continue;
    const CellId self[] = {c};
    const auto found = cells.within(self, cells.cutoff_m());
    ASSERT_EQ(nb.size(), found.size()) << "cell " << c;
    for (std::size_t k = 0; k < nb.size(); ++k) {
      EXPECT_EQ(nb[k].cell, found[k].first);
      EXPECT_EQ(nb[k].distance_m, static_cast<float>(found[k].second));
    }
  }
}
