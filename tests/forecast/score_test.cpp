// Hit rate, PAI and PEI on a hand-made set of four units whose answers are
// worked out in the comments (EVIDENCE.md's definitions); the reusable Scorer
// against score_forecast; the best-method verdict by hand.
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "tryggve/core/error.hpp"
#include "tryggve/forecast/score.hpp"

namespace tryggve::forecast {
namespace {

// Units 0..3: measure 10, 10, 20, 60 (A = 100); risk 5, 0, 3, 1; outcome 2, 1, 0, 7 (N = 10).
const std::vector<double> kMeasure{10, 10, 20, 60}, kRisk{5, 0, 3, 1}, kOutcome{2, 1, 0, 7};

TEST(Forecast, ScoresByHand) {
  const std::vector<double> cov{0.05, 0.1, 0.3, 1.0};
  const auto s = score_forecast(kRisk, kMeasure, kOutcome, cov);
  ASSERT_EQ(s.size(), 4u);
  // 5%: budget 5 < unit 0's 10, but the first unit is always taken: a/A = 0.1, n = 2.
  EXPECT_EQ(s[0].units, 1u);
  EXPECT_DOUBLE_EQ(s[0].measure_share, 0.1);
  // 10%: unit 0 only. hit rate 2/10, PAI 0.2/0.1 = 2. Best of measure 10: unit 0
  // (outcome per measure 0.2, the highest) -> PAI_max 2, PEI 1.
  EXPECT_EQ(s[1].units, 1u);
  EXPECT_DOUBLE_EQ(s[1].hits, 2);
  EXPECT_DOUBLE_EQ(s[1].hit_rate, 0.2);
  EXPECT_DOUBLE_EQ(s[1].pai, 2.0);
  EXPECT_DOUBLE_EQ(s[1].pai_max, 2.0);
  EXPECT_DOUBLE_EQ(s[1].pei, 1.0);
  // 30%: units 0 and 2 (risk order 0, 2, 3): a = 30, n = 2, PAI = 0.2/0.3.
  // Best of measure 30: unit 0 (2) + 20/60 of unit 3 (7/3) = 13/3 -> PAI_max = 0.4333/0.3.
  EXPECT_EQ(s[2].units, 2u);
  EXPECT_DOUBLE_EQ(s[2].hits, 2);
  EXPECT_NEAR(s[2].pai, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(s[2].pai_max, (13.0 / 30.0) / 0.3, 1e-12);
  EXPECT_NEAR(s[2].pei, (2.0 / 3.0) / ((13.0 / 30.0) / 0.3), 1e-12);
  // 100%: every unit with risk > 0 (unit 1 has none): a = 90, n = 9, PAI 1.
  // Best of measure 90: units 0, 3, 1 take 80 and hold all 10 -> PAI_max = 1/0.9, PEI 0.9.
  EXPECT_EQ(s[3].units, 3u);
  EXPECT_DOUBLE_EQ(s[3].hits, 9);
  EXPECT_NEAR(s[3].pai, 1.0, 1e-12);
  EXPECT_NEAR(s[3].pei, 0.9, 1e-12);
}

TEST(Forecast, PerfectForecastHasPeiOneAndTiesAreDeterministic) {
  // Equal cells: forecasting with the outcome itself is the best selection.
  const std::vector<double> m(10, 1.0), y{0, 3, 0, 1, 0, 0, 5, 0, 0, 1};
  const auto s = score_forecast(y, m, y, std::vector<double>{0.1, 0.2, 0.3});
  for (const auto& c : s) EXPECT_DOUBLE_EQ(c.pei, 1.0);
  EXPECT_DOUBLE_EQ(s[0].pai, (5.0 / 10.0) / 0.1);
  // All risks equal: units taken in index order.
  const std::vector<double> flat(10, 1.0);
  const auto f = score_forecast(flat, m, y, std::vector<double>{0.2});
  EXPECT_DOUBLE_EQ(f[0].hits, 3);  // units 0 and 1
}

TEST(Forecast, NoOutcomeAndBadInput) {
  const auto s = score_forecast(kRisk, kMeasure, std::vector<double>(4, 0.0), std::vector<double>{0.1});
  EXPECT_TRUE(std::isnan(s[0].pai));
  EXPECT_DOUBLE_EQ(s[0].hit_rate, 0.0);
  EXPECT_THROW(score_forecast(kRisk, std::vector<double>{1, 0, 1, 1}, kOutcome, std::vector<double>{0.1}), Error);
  EXPECT_THROW(score_forecast(kRisk, kMeasure, std::vector<double>{1}, std::vector<double>{0.1}), Error);
  EXPECT_THROW(parse_coverages({"0"}, "k"), Error);
  EXPECT_THROW(parse_coverages({"five"}, "k"), Error);
  EXPECT_EQ(parse_coverages({"1", "5", "10"}, "k"), (std::vector<double>{0.01, 0.05, 0.10}));
}

TEST(Forecast, SummaryMeansSkipEmptyMonths) {
  std::vector<BacktestRow> rows;
  CoverageScore a;
  a.coverage = 0.1, a.total = 4, a.hit_rate = 0.5, a.pai = 5, a.pei = 0.5;
  CoverageScore b = a;
  b.hit_rate = 0.25, b.pai = 2.5, b.pei = 1.0;
  CoverageScore empty;
  empty.coverage = 0.1, empty.pai = NAN;
  rows.push_back({"2025-01", "kde", a});
  rows.push_back({"2025-02", "kde", b});
  rows.push_back({"2025-03", "kde", empty});
  const auto s = summarise_backtest(rows);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].months, 2u);
  EXPECT_DOUBLE_EQ(s[0].mean_pai, 3.75);
  EXPECT_DOUBLE_EQ(s[0].mean_pei, 0.75);
}

TEST(Forecast, ScorerEqualsScoreForecastOnRandomMaps) {
  // Lengths of 1..30 m, ties in the risk, zero risks: the head-only sort selects
  // exactly the units a full sort does.
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> len(1, 30);
  std::poisson_distribution<int> pois(0.7), small(2);
  const std::size_t n = 3000;
  std::vector<double> m(n), y(n);
  for (std::size_t i = 0; i < n; ++i) m[i] = len(rng), y[i] = pois(rng);
  const std::vector<double> cov{0.01, 0.05, 0.1, 0.5};
  const Scorer scorer(m, y, cov);
  for (int trial = 0; trial < 5; ++trial) {
    std::vector<double> r(n);
    for (auto& x : r) x = small(rng);  // many ties, many zeros
    const auto a = scorer.score(r), b = score_forecast(r, m, y, cov);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
      EXPECT_EQ(a[k].units, b[k].units);
      EXPECT_DOUBLE_EQ(a[k].hits, b[k].hits);
      EXPECT_DOUBLE_EQ(a[k].pai, b[k].pai);
      EXPECT_NEAR(a[k].pei, b[k].pei, 1e-12);
    }
  }
}

TEST(Forecast, BestMethodAndRatiosByHand) {
  // Two months; mean PAI at 1% / 5%: all_history 20 / 8, last_month 18 / 9,
  // mixture 22 / 8.8. Merits against the best naive (20 at 1%, 9 at 5%):
  // all_history sqrt(1 * 8/9) = 0.943, last_month sqrt(0.9 * 1) = 0.949,
  // mixture sqrt(1.1 * 0.978) = 1.037: the mixture, x1.1 and x0.978.
  std::vector<BacktestRow> rows;
  auto add = [&](const char* month, const char* method, double c, double pai) {
    CoverageScore s;
    s.coverage = c, s.total = 100, s.pai = pai, s.pei = 0.5, s.hit_rate = pai * c;
    rows.push_back({month, method, s});
  };
  for (const char* m : {"2025-01", "2025-02"}) {
    const bool first = std::string(m) == "2025-01";
    add(m, kAllHistory, 0.01, first ? 19 : 21), add(m, kAllHistory, 0.05, 8);
    add(m, kLastMonth, 0.01, 18), add(m, kLastMonth, 0.05, first ? 10 : 8);
    add(m, "mixture", 0.01, 22), add(m, "mixture", 0.05, 8.8);
  }
  const auto v = best_method(rows, {0.01, 0.05});
  EXPECT_EQ(v.best, "mixture");
  EXPECT_NEAR(v.merit, std::sqrt(1.1 * 8.8 / 9), 1e-12);
  EXPECT_EQ(v.months, 2u);
  ASSERT_EQ(v.coverages.size(), 2u);
  EXPECT_NEAR(v.coverages[0].ratio_to_best_naive, 1.1, 1e-12);
  EXPECT_NEAR(v.coverages[1].ratio_to_best_naive, 8.8 / 9, 1e-12);
  ASSERT_EQ(v.coverages[1].baselines, (std::vector<std::string>{kAllHistory, kLastMonth}));
  EXPECT_NEAR(v.coverages[1].ratio[0], 1.1, 1e-12);   // 8.8 / 8
  EXPECT_NEAR(v.coverages[1].ratio[1], 8.8 / 9, 1e-12);
  EXPECT_FALSE(v.beats_naive());  // not at 5%
  // Without a naive baseline there is nothing to compare with.
  std::vector<BacktestRow> only;
  for (const auto& r : rows)
    if (r.method == "mixture") only.push_back(r);
  EXPECT_THROW(best_method(only, {0.01}), Error);
}

}  // namespace
}  // namespace tryggve::forecast
