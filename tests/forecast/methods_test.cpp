// The mixture's cross-validation on synthetic worlds whose truth is known: a
// world made of two of its components in known proportions (the log-likelihood
// objective must find the proportion), a hotspot that moves one cell a month
// (only the recent component can follow it: the PEI objective must take it and
// beat counting), and a world that never changes (counting all history is the
// truth: nothing may be added). And the rolling backtest's rows.
#include <cmath>

#include <gtest/gtest.h>

#include "tryggve/core/error.hpp"
#include "tryggve/forecast/components.hpp"
#include "tryggve/forecast/methods.hpp"

namespace tryggve::forecast {
namespace {

using simulation::CellNetwork;

constexpr int kSide = 12;  // 12 x 12 cells of 100 m

CellNetwork grid_units(double cutoff_m) {
  std::vector<Point> c;
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x < kSide; ++x) c.push_back({100.0 * x, 100.0 * y});
  return units_from_points(c, std::vector<double>(c.size(), 1e4), cutoff_m);
}

Timestamp month_start(int m) {  // month 0 = 2025-01
  return {days_from_civil(2025 + m / 12, m % 12 + 1, 10) * 86400, 0};
}

// One weighted event per unit and month carrying the month's expected count:
// noise-free "counts", so the cross-validation sees the world as it is.
History from_months(const std::vector<std::vector<double>>& y) {
  std::vector<UnitEvent> ev;
  for (std::size_t m = 0; m < y.size(); ++m)
    for (std::size_t u = 0; u < y[m].size(); ++u)
      if (y[m][u] > 0) ev.push_back({static_cast<simulation::CellId>(u), month_start(static_cast<int>(m)), 0, true, y[m][u]});
  return History(std::move(ev), y.front().size(), 1);
}

MixtureOptions test_options() {
  MixtureOptions o;
  o.coverages = {0.05, 0.2};
  o.cv_months = 4;
  o.self_excitation = false;
  o.terrain = false;
  o.smooth_bandwidths_m = {100};
  o.recent_bandwidths_m = {0, 100};
  return o;
}

double weight_of(const MixtureChoice& c, const std::string& component) {
  double w = 0;
  for (const auto& p : c.parts)
    if (p.component == component) w += p.weight;
  return w;
}

TEST(ForecastMixture, LogLikelihoodFindsTheTrueProportion) {
  // Month m's incidents: 30% where all earlier months' were, 70% where last
  // month's were, smoothed at 100 m: exactly long 0.3 + recent(100 m) 0.7.
  const auto units = grid_units(300);
  const std::size_t n = units.size();
  std::vector<std::vector<double>> y(1, std::vector<double>(n, 0.0));
  for (std::size_t u = 0; u < n; ++u) y[0][u] = 1000.0 * (u % 13 == 0 ? 20 : 1) / (n + 19 * 12);
  std::vector<double> all = y[0];
  for (int m = 1; m < 8; ++m) {
    const auto a = to_shares(all), r = to_shares(smooth(units, y[m - 1], 100));
    std::vector<double> next(n);
    for (std::size_t u = 0; u < n; ++u) next[u] = 1000.0 * (0.3 * a[u] + 0.7 * r[u]);
    y.push_back(next);
    for (std::size_t u = 0; u < n; ++u) all[u] += next[u];
  }
  const History h = from_months(y);
  MixtureOptions o = test_options();
  o.objective = "loglik";
  Forecaster f(units, h, {}, nullptr, o);
  MixtureChoice c;
  const auto p = f.mixture_shares(h.last_month(), &c);
  EXPECT_EQ(c.folds, 4);
  EXPECT_NEAR(weight_of(c, "recent"), 0.7, 0.05) << c.describe();
  EXPECT_NEAR(weight_of(c, "long"), 0.3, 0.05) << c.describe();
  double s = 0;
  for (double x : p) s += x;
  EXPECT_NEAR(s, 1.0, 1e-12);
}

TEST(ForecastMixture, FollowsAMovingHotspotAndBeatsCounting) {
  // 90% of each month's incidents in one cell that moves one cell east every
  // month, 10% spread evenly.
  const auto units = grid_units(300);
  const std::size_t n = units.size();
  std::vector<std::vector<double>> y;
  for (int m = 0; m < 9; ++m) {
    std::vector<double> v(n, 100.0 / n);
    v[6 * kSide + 1 + m] += 900.0;
    y.push_back(v);
  }
  const History h = from_months(y);
  Forecaster f(units, h, {}, nullptr, test_options());
  std::vector<MixtureChoice> choices;
  const std::vector<Method> methods{
      {kAllHistory, [&](int t) { return f.all_history(t); }},
      {kLastMonth, [&](int t) { return f.last_month(t); }},
      {kMixture, [&](int t) {
         MixtureChoice c;
         auto r = f.mixture(t, &c);
         choices.push_back(c);
         return r;
       }}};
  const int last = h.last_month();
  const std::vector<double> cov{0.05, 0.2};
  const auto rows = rolling_backtest(h, f.measure(), methods, last - 2, last, cov);
  ASSERT_EQ(rows.size(), 3u * 3u * 2u);
  EXPECT_EQ(rows.front().month, month_label(last - 2));
  EXPECT_EQ(rows.front().method, kAllHistory);
  const auto v = best_method(rows, cov);
  EXPECT_EQ(v.best, kMixture);
  EXPECT_TRUE(v.beats_naive());
  const auto j = to_json(v);
  EXPECT_EQ(j["best"], kMixture);
  EXPECT_EQ(j["coverages"][0]["naive"].size(), 2u);
  EXPECT_EQ(to_json(choices.back())["parts"][0]["component"], "long");
  // Next month's cell is a neighbour of last month's: the smoothed recent
  // component finds it (at 5%: 7 cells around last month's), counting does not.
  for (const auto& c : choices) EXPECT_GT(weight_of(c, "recent"), 0.5) << c.describe();
  for (const auto& r : rows) {
    if (r.method == kMixture && r.score.coverage == 0.05) {
      EXPECT_GT(r.score.hit_rate, 0.85) << r.month;
    }
  }
}

TEST(ForecastMixture, AWorldThatNeverChangesKeepsCounting) {
  const auto units = grid_units(300);
  const std::size_t n = units.size();
  std::vector<double> s(n);
  for (std::size_t u = 0; u < n; ++u) s[u] = 1.0 + std::fmod(u * 7.31, 5.0) * (u % 11 == 0 ? 10 : 1);
  const History h = from_months(std::vector<std::vector<double>>(8, s));
  Forecaster f(units, h, {}, nullptr, test_options());
  MixtureChoice c;
  const auto p = f.mixture(h.last_month(), &c);
  ASSERT_EQ(c.parts.size(), 1u) << c.describe();
  EXPECT_EQ(c.parts[0].component, "long");
  EXPECT_NEAR(c.cv_pei, 1.0, 1e-12);  // the truth is the best possible selection
  const auto a = f.all_history(h.last_month());
  const double r0 = p[0] / (a[0] / f.measure()[0]);
  for (std::size_t u = 0; u < n; ++u) EXPECT_NEAR(p[u] / (a[u] / f.measure()[u]) / r0, 1.0, 1e-5);
}

TEST(ForecastMixture, UsesOnlyTheMonthsBeforeTheForecastMonth) {
  const auto units = grid_units(300);
  const std::size_t n = units.size();
  std::vector<std::vector<double>> y;
  for (int m = 0; m < 8; ++m) {
    std::vector<double> v(n);
    for (std::size_t u = 0; u < n; ++u) v[u] = 1 + std::fmod(u * (m + 3) * 0.917, 4.0);
    y.push_back(v);
  }
  const History full = from_months(y);
  const int T = full.first_month() + 6;
  std::vector<std::vector<double>> before(y.begin(), y.begin() + 6);
  const History cut = from_months(before);
  Forecaster a(units, full, {}, nullptr, test_options()), b(units, cut, {}, nullptr, test_options());
  MixtureChoice ca, cb;
  const auto pa = a.mixture(T, &ca), pb = b.mixture(T, &cb);
  EXPECT_EQ(ca.describe(), cb.describe());
  for (std::size_t u = 0; u < n; ++u) EXPECT_DOUBLE_EQ(pa[u], pb[u]);
  EXPECT_THROW(a.mixture(full.first_month()), Error);
  EXPECT_THROW(a.etas(T), Error);  // no model given
}

TEST(ForecastMixture, OptionsAreChecked) {
  MixtureOptions o;
  o.objective = "auc";
  EXPECT_THROW(o.validate(), Error);
  o = MixtureOptions{};
  o.weights = {0.0};
  EXPECT_THROW(o.validate(), Error);
  o = MixtureOptions{};
  o.decays = {1.5};
  EXPECT_THROW(o.validate(), Error);
  EXPECT_NO_THROW(MixtureOptions{}.validate());
  EXPECT_DOUBLE_EQ(MixtureOptions{}.needed_cutoff_m(), 300.0);
}

}  // namespace
}  // namespace tryggve::forecast
