// The forecast building blocks on cases small enough to work out by hand: monthly
// counts and decayed sums, smoothing on a 3-unit line, neighbour lists of grid
// centres, and the risk-terrain regression on worlds built from its own model.
#include <cmath>

#include <gtest/gtest.h>

#include "tryggve/core/error.hpp"
#include "tryggve/forecast/components.hpp"
#include "tryggve/forecast/history.hpp"

namespace tryggve::forecast {
namespace {

using simulation::CellNetwork;
using simulation::Neighbour;

Timestamp mid_month(int year, int month, int day = 15) { return {days_from_civil(year, month, day) * 86400 + 3600, 0}; }

// Three units in a line, 1 m apart, cutoff 1.5 m: 0 - 1 - 2.
CellNetwork line(std::vector<double> measure = {1, 1, 1}) {
  return CellNetwork(std::move(measure), {{{0, 0.f}, {1, 1.f}}, {{0, 1.f}, {1, 0.f}, {2, 1.f}}, {{1, 1.f}, {2, 0.f}}},
                     1.5);
}

TEST(ForecastHistory, MonthlyCountsAndDecayedSums) {
  // 2025-01: unit 0 twice (one of weight 2), 2025-03: unit 1, unit 2.
  std::vector<UnitEvent> ev{{1, mid_month(2025, 3), 0, true, 1.0},
                            {0, mid_month(2025, 1), 0, true, 1.0},
                            {0, mid_month(2025, 1, 20), 1, true, 2.0},
                            {2, mid_month(2025, 3, 2), 1, false, 1.0}};
  const History h(ev, 3, 2);
  EXPECT_EQ(h.first_month(), month_index(mid_month(2025, 1)));
  EXPECT_EQ(h.last_month(), h.first_month() + 2);
  const int jan = h.first_month();
  EXPECT_DOUBLE_EQ(h.counts(jan)[0], 3.0);
  EXPECT_DOUBLE_EQ(h.total(jan + 1), 0.0);    // February: nothing
  EXPECT_DOUBLE_EQ(h.counts(jan + 7)[1], 0.0);  // outside the history: zeros
  EXPECT_DOUBLE_EQ(h.total(jan + 2), 2.0);
  // Sorted by time: January's two first.
  EXPECT_EQ(h.events().front().unit, 0u);
  EXPECT_EQ(h.events().back().unit, 1u);
  // Decay 0.5 over January .. March seen from March: 0.25 * Jan + 0.5 * Feb + 1 * Mar.
  const auto d = h.decayed_sum(jan, jan + 2, 0.5);
  EXPECT_DOUBLE_EQ(d[0], 0.75);
  EXPECT_DOUBLE_EQ(d[1], 1.0);
  EXPECT_DOUBLE_EQ(d[2], 1.0);
  EXPECT_THROW(History({{3, mid_month(2025, 1), 0, true, 1.0}}, 3, 2), Error);   // no unit 3
  EXPECT_THROW(History({{0, mid_month(2025, 1), 2, true, 1.0}}, 3, 2), Error);   // no parameter 2
  EXPECT_THROW(History({{0, mid_month(2025, 1), 0, true, -1.0}}, 3, 2), Error);  // negative weight
  EXPECT_THROW(History({}, 3, 2), Error);
}

TEST(ForecastSmoothing, ThreeUnitLineByHand) {
  const double k = std::exp(-0.5);  // Gaussian at 1 m with b = 1 m
  {
    const auto s = smooth(line(), std::vector<double>{0, 3, 0}, 1.0);
    EXPECT_NEAR(s[0], 3 * k / (1 + 2 * k), 1e-12);
    EXPECT_NEAR(s[1], 3 / (1 + 2 * k), 1e-12);
    EXPECT_NEAR(s[2], 3 * k / (1 + 2 * k), 1e-12);
  }
  {
    // An end unit shares with its one neighbour only: the total is kept.
    const auto s = smooth(line(), std::vector<double>{2, 0, 0}, 1.0);
    EXPECT_NEAR(s[0], 2 / (1 + k), 1e-12);
    EXPECT_NEAR(s[1], 2 * k / (1 + k), 1e-12);
    EXPECT_DOUBLE_EQ(s[2], 0.0);  // beyond the cutoff
  }
  {
    // Shares go by measure: the middle unit is twice as long.
    const auto s = smooth(line({1, 2, 1}), std::vector<double>{0, 3, 0}, 1.0);
    EXPECT_NEAR(s[0], 3 * k / (2 + 2 * k), 1e-12);
    EXPECT_NEAR(s[1], 6 / (2 + 2 * k), 1e-12);
    EXPECT_NEAR(s[0] + s[1] + s[2], 3.0, 1e-12);
  }
  const std::vector<double> v{1, 2, 3};
  EXPECT_EQ(smooth(line(), v, 0.0), v);  // bandwidth 0: unchanged
  EXPECT_THROW(smooth(line(), std::vector<double>{1, 2}, 1.0), Error);
  const auto sh = to_shares({1, 3, 0});
  EXPECT_DOUBLE_EQ(sh[0], 0.25);
  EXPECT_DOUBLE_EQ(sh[1], 0.75);
}

TEST(ForecastUnits, GridCentresRookAndQueen) {
  std::vector<Point> c;
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 3; ++x) c.push_back({100.0 * x, 100.0 * y});
  const auto rook = units_from_points(c, std::vector<double>(9, 1e4), 100);
  EXPECT_EQ(rook.size(), 9u);
  EXPECT_EQ(rook.neighbours(4).size(), 5u);  // itself and four
  EXPECT_EQ(rook.neighbours(0).size(), 3u);
  const auto queen = units_from_points(c, std::vector<double>(9, 1e4), 150);
  EXPECT_EQ(queen.neighbours(4).size(), 9u);
  for (const auto& n : queen.neighbours(0)) {
    EXPECT_NE(n.cell, 8u) << "283 m is beyond the cutoff";
    if (n.cell == 4) {
      EXPECT_NEAR(n.distance_m, 100 * std::sqrt(2.0), 1e-3);
    }
  }
  EXPECT_DOUBLE_EQ(queen.total_length(), 9e4);  // the measure plays the length
  EXPECT_FALSE(queen.has_network());
  EXPECT_THROW(queen.network(), Error);
  EXPECT_THROW(units_from_points(c, std::vector<double>(8, 1.0), 100), Error);
  EXPECT_THROW(units_from_points(c, std::vector<double>(9, 0.0), 100), Error);  // measure must be > 0
  // A list without its own unit is refused.
  EXPECT_THROW(CellNetwork({1.0, 1.0}, {{{1, 1.f}}, {{1, 0.f}}}, 2.0), Error);
}

// Months of counts that follow the terrain model exactly: E[y_u] = m_u exp(b x_u d),
// d the month's dark share for a covariate that acts in the dark.
History terrain_world(const std::vector<double>& m, const std::vector<double>& x, double b, bool dark,
                      const std::vector<double>& dark_by_month) {
  std::vector<UnitEvent> ev;
  for (std::size_t k = 0; k < dark_by_month.size(); ++k)
    for (std::size_t u = 0; u < m.size(); ++u) {
      const double d = dark ? dark_by_month[k] : 1.0;
      ev.push_back({static_cast<simulation::CellId>(u), mid_month(2025, static_cast<int>(k) + 1), 0, true,
                    50.0 * m[u] * std::exp(b * x[u] * d)});
    }
  return History(std::move(ev), m.size(), 1);
}

TEST(ForecastTerrain, RecoversItsOwnModel) {
  // 40 units, lengths 10..49, covariate x = 0 or 1 alternately (in a park or not).
  std::vector<double> m, x;
  for (int u = 0; u < 40; ++u) m.push_back(10 + u), x.push_back(u % 2);
  const std::vector<double> dark{0.2, 0.6};
  const History h = terrain_world(m, x, std::log(3.0), false, dark);
  const std::vector<Covariate> cov{{"in_park", x, false}};
  auto share = [&](int) { return 0.5; };
  const auto tm = fit_terrain(h, cov, m, h.first_month(), h.last_month(), share, 0.0);
  ASSERT_EQ(tm.beta.size(), 1u);
  EXPECT_TRUE(tm.converged);
  // β on the standardised scale is b · sd(x); the shares are the world's own.
  EXPECT_NEAR(tm.beta[0] / tm.sd[0], std::log(3.0), 1e-6);
  const auto s = tm.shares(cov, m, 0.5);
  double z = 0;
  for (int u = 0; u < 40; ++u) z += m[u] * (x[u] ? 3.0 : 1.0);
  for (int u = 0; u < 40; ++u) EXPECT_NEAR(s[u], m[u] * (x[u] ? 3.0 : 1.0) / z, 1e-9);
  // Without covariates: shares by measure.
  const auto none = fit_terrain(h, {}, m, h.first_month(), h.last_month(), share);
  EXPECT_TRUE(none.beta.empty());
  EXPECT_NEAR(none.shares({}, m, 0.5)[0], 10.0 / (40 * 10 + 780), 1e-12);
  // A covariate of the wrong size or with a NaN is an error naming it.
  EXPECT_THROW(fit_terrain(h, {{"short", {1.0}, false}}, m, h.first_month(), h.last_month(), share), Error);
}

TEST(ForecastTerrain, UnlitInTheDarkScalesWithTheMonthsDarkness) {
  // Unlit units (x = 1) have exp(b d) times the rate: d = 0.2 in January, 0.6 in
  // February. Fitted on both, the forecast for a month with d = 0.9 is the world's.
  std::vector<double> m(30, 20.0), x;
  for (int u = 0; u < 30; ++u) x.push_back(u < 10 ? 1 : 0);
  const std::vector<double> dark{0.2, 0.6};
  const double b = 2.0;
  const History h = terrain_world(m, x, b, true, dark);
  const std::vector<Covariate> cov{{"unlit_dark", x, true}};
  const int jan = h.first_month();
  const auto tm = fit_terrain(h, cov, m, jan, jan + 1, [&](int mo) { return dark[mo - jan]; }, 0.0);
  const auto s = tm.shares(cov, m, 0.9);
  const double hi = std::exp(b * 0.9), z = 10 * hi + 20;
  EXPECT_NEAR(s[0], hi / z, 1e-8);
  EXPECT_NEAR(s[29], 1 / z, 1e-8);
}

}  // namespace
}  // namespace tryggve::forecast
