// Small-count suppression on hand-made tables whose answers are worked out by hand.
#include <gtest/gtest.h>

#include <random>

#include "tryggve/core/error.hpp"
#include "tryggve/privacy/privacy.hpp"

using namespace tryggve;
using namespace tryggve::privacy;

namespace {

std::vector<bool> cell_flags(const SuppressedTable& t) {
  std::vector<bool> out;
  for (auto s : t.cells) out.push_back(suppressed(s));
  return out;
}

// Every relation in the table: a row with its total, a column with its total, the
// row totals with the grand total, the column totals with the grand total.
void expect_no_group_reveals(const CountTable& t, const SuppressedTable& s) {
  for (std::size_t r = 0; r < t.rows; ++r) {
    int n = suppressed(s.row_total_suppression[r]);
    for (std::size_t c = 0; c < t.cols; ++c) n += suppressed(s.cells[r * t.cols + c]);
    EXPECT_NE(n, 1) << "row " << r;
  }
  for (std::size_t c = 0; c < t.cols; ++c) {
    int n = suppressed(s.col_total_suppression[c]);
    for (std::size_t r = 0; r < t.rows; ++r) n += suppressed(s.cells[r * t.cols + c]);
    EXPECT_NE(n, 1) << "column " << c;
  }
  int nr = suppressed(s.grand_total_suppression), nc = nr;
  for (auto x : s.row_total_suppression) nr += suppressed(x);
  for (auto x : s.col_total_suppression) nc += suppressed(x);
  EXPECT_NE(nr, 1);
  EXPECT_NE(nc, 1);
}

}  // namespace

TEST(Suppression, PrimaryIsOneToKMinusOneAndZeroStays) {
  const std::vector<std::int64_t> counts{0, 1, 4, 5, 17};
  const auto s = suppress_counts(counts, {});
  EXPECT_EQ(s, (std::vector<Suppression>{Suppression::None, Suppression::Primary, Suppression::Primary,
                                         Suppression::None, Suppression::None}));
  EXPECT_EQ(format_count(4, s[2]), "<5");
  EXPECT_EQ(format_count(5, s[3]), "5");
  EXPECT_EQ(format_count(0, s[0]), "0");
}

TEST(Suppression, KIsConfigurable) {
  SuppressionOptions k10{10};
  const std::vector<std::int64_t> counts{9, 10};
  const auto s = suppress_counts(counts, {}, k10);
  EXPECT_EQ(s[0], Suppression::Primary);
  EXPECT_EQ(s[1], Suppression::None);
  EXPECT_EQ(format_count(9, s[0], k10), "<10");
  EXPECT_THROW(suppress_counts(counts, {}, SuppressionOptions{0}), Error);
}

TEST(Suppression, ATotalWouldRevealTheSmallCellSoTheNextSmallestGoes) {
  // Areas of a district with the district total: 3 + 12 + 20 = 35. Published
  // with only the 3 blanked, 35 - 12 - 20 gives it back.
  const std::vector<std::int64_t> counts{3, 12, 20, 35};
  const std::vector<std::vector<std::size_t>> groups{{0, 1, 2, 3}};
  const auto s = suppress_counts(counts, groups);
  EXPECT_EQ(s[0], Suppression::Primary);
  EXPECT_EQ(s[1], Suppression::Complementary);  // the next smallest
  EXPECT_EQ(s[2], Suppression::None);
  EXPECT_EQ(s[3], Suppression::None);
}

TEST(Suppression, TwoWayTableGetsTheTwoByTwoPattern) {
  //        c0  c1  c2 | total
  //   r0   12   3  20 |  35
  //   r1   10   8   7 |  25
  //   r2   15   9  30 |  54
  //   tot  37  20  57 | 114
  // 3 is primary; row 0 then hides 12 (its smallest other), column 1 hides 8,
  // column 0 hides 10, and row 1 then holds two: a 2x2 block, nothing more.
  const CountTable t{3, 3, {12, 3, 20, 10, 8, 7, 15, 9, 30}};
  const auto s = suppress_table(t);
  EXPECT_EQ(cell_flags(s), (std::vector<bool>{true, true, false, true, true, false, false, false, false}));
  EXPECT_EQ(s.cells[1], Suppression::Primary);
  EXPECT_EQ(s.cells[0], Suppression::Complementary);
  EXPECT_EQ(s.row_totals, (std::vector<std::int64_t>{35, 25, 54}));
  EXPECT_EQ(s.grand_total, 114);
  for (auto x : s.row_total_suppression) EXPECT_EQ(x, Suppression::None);
  expect_no_group_reveals(t, s);
}

TEST(Suppression, ComplementsCascadeToAFixedPoint) {
  //        c0  c1  c2
  //   r0    2  50  60
  //   r1   40  45  70
  //   r2   30  80  90
  // Pass 1: row 0 hides 50, column 0 hides 30, column 1 hides 45. Pass 2: row 1
  // (only 45) hides 40, row 2 (only 30) hides 80. Columns 0 and 1 end hidden.
  const CountTable t{3, 3, {2, 50, 60, 40, 45, 70, 30, 80, 90}};
  const auto s = suppress_table(t);
  EXPECT_EQ(cell_flags(s), (std::vector<bool>{true, true, false, true, true, false, true, true, false}));
  expect_no_group_reveals(t, s);
}

TEST(Suppression, SmallTotalsAreSuppressedToo) {
  // One row [1, 2]: both cells and the row total 3 are below 5; the column totals
  // equal the cells, the grand total 3 is small.
  const CountTable t{1, 2, {1, 2}};
  const auto s = suppress_table(t);
  EXPECT_EQ(s.row_total_suppression[0], Suppression::Primary);
  EXPECT_EQ(s.grand_total_suppression, Suppression::Primary);
  expect_no_group_reveals(t, s);
}

TEST(Suppression, RandomTablesNeverShowASmallCountNorLeaveOneHiddenInARelation) {
  std::mt19937 rng(12);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t rows = 1 + rng() % 6, cols = 1 + rng() % 6;
    CountTable t{rows, cols, {}};
    for (std::size_t i = 0; i < rows * cols; ++i) t.cells.push_back(static_cast<std::int64_t>(rng() % 12));
    const auto s = suppress_table(t);
    for (std::size_t i = 0; i < t.cells.size(); ++i)
      if (t.cells[i] >= 1 && t.cells[i] < 5) {
        EXPECT_TRUE(suppressed(s.cells[i]));
      }
    for (std::size_t r = 0; r < rows; ++r)
      if (s.row_totals[r] >= 1 && s.row_totals[r] < 5) {
        EXPECT_TRUE(suppressed(s.row_total_suppression[r]));
      }
    expect_no_group_reveals(t, s);
  }
}

TEST(Suppression, BadGroupIndexIsAnError) {
  const std::vector<std::int64_t> counts{3};
  const std::vector<std::vector<std::size_t>> groups{{0, 4}};
  EXPECT_THROW(suppress_counts(counts, groups), Error);
}

TEST(Audience, ParsesTheTwoNamesOnly) {
  EXPECT_EQ(parse_audience("public"), Audience::Public);
  EXPECT_EQ(parse_audience("internal"), Audience::Internal);
  try {
    parse_audience("press");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("press"), std::string::npos);
    EXPECT_EQ(e.code(), ErrorCode::BadOption);
  }
}
