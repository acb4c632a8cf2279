// Forecasts restricted to hours: equal to the simulation's own forecast when
// every hour counts, additive over complementary windows, and the scenario table.
#include <gtest/gtest.h>

#include <cmath>

#include "plan_fixture.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/planning/compare.hpp"
#include "tryggve/planning/context.hpp"
#include "tryggve/simulation/evaluation.hpp"

using namespace tryggve;
using namespace tryggve::planning;
using namespace tryggve::simulation;

namespace {

struct Fixture {
  plantest::World w{plantest::grid(4, 100.0), 50.0, 300.0};
  HourCalendar cal{local_months(TimeZone::from_name("CET-1CEST,M3.5.0,M10.5.0/3"), 2025, 1, 1),
                   TimeZone::from_name("CET-1CEST,M3.5.0,M10.5.0/3"), Place{}};
  EtasParameters P;
  std::vector<CellEvent> events;
  Fixture() {
    P.mu.assign(w.cells->size(), 0.0);
    for (CellId c = 0; c < w.cells->size(); ++c) P.mu[c] = 1e-4 * (1 + c % 5);
    for (int k = 0; k < kHoursOfWeek; ++k) P.hour_of_week[k] = 0.5 + (k % 24) / 24.0;
    P.month_of_year[0] = 1.2;
    P.darkness_applies = true;
    P.dark_factor = 1.8;
    P.theta = 0.3;
    P.omega_per_hour = 1.0 / 30.0;
    P.sigma_m = 80.0;
    P.max_lag_hours = 30 * 24.0;
    // History before the window (negative hours) and a few events inside it,
    // which a forecast must not use.
    for (int i = 0; i < 12; ++i) events.push_back({-300.0 + 20.0 * i, static_cast<CellId>((i * 7) % w.cells->size())});
    for (int i = 0; i < 5; ++i) events.push_back({10.0 + 50.0 * i, static_cast<CellId>(i)});
  }
};

}  // namespace

TEST(FilteredCounts, AllHoursEqualTheSimulationForecast) {
  Fixture f;
  const double t0 = f.cal.start_hours(), t1 = f.cal.end_hours();
  const auto ref = expected_counts(f.P, f.events, *f.w.cells, f.cal, t0, t1);
  const auto got = filtered_counts(f.P, f.events, *f.w.cells, f.cal, t0, t1, {}, false);
  ASSERT_EQ(ref.size(), got.size());
  double total = 0;
  for (std::size_t c = 0; c < ref.size(); ++c) {
    EXPECT_NEAR(got[c], ref[c], 1e-9 * std::max(1.0, ref[c])) << c;
    total += ref[c];
  }
  EXPECT_GT(total, 0.0);
  // With the cascade the background part grows by 1 / (1 − θ).
  const auto cascade = filtered_counts(f.P, f.events, *f.w.cells, f.cal, t0, t1, {}, true);
  const double e = background_exposure(f.P, f.cal, t0, t1);
  EXPECT_NEAR(cascade[3] - got[3], f.P.mu[3] * e * (1 / 0.7 - 1), 1e-12);
}

TEST(FilteredCounts, ComplementaryWindowsAddUp) {
  Fixture f;
  const double t0 = f.cal.start_hours(), t1 = f.cal.end_hours();
  const auto windows = parse_windows("fri,sat 18-24", "t");
  HourFilter in, out;
  in.weight = [&](const HourInfo& h) { return in_windows(windows, h.hour_of_week) ? 1.0 : 0.0; };
  out.weight = [&](const HourInfo& h) { return in_windows(windows, h.hour_of_week) ? 0.0 : 1.0; };
  const auto all = filtered_counts(f.P, f.events, *f.w.cells, f.cal, t0, t1, {}, true);
  const auto a = filtered_counts(f.P, f.events, *f.w.cells, f.cal, t0, t1, in, true);
  const auto b = filtered_counts(f.P, f.events, *f.w.cells, f.cal, t0, t1, out, true);
  double sa = 0, sall = 0;
  for (std::size_t c = 0; c < all.size(); ++c) {
    EXPECT_NEAR(a[c] + b[c], all[c], 1e-9 * std::max(1.0, all[c]));
    sa += a[c];
    sall += all[c];
  }
  // 12 of 168 hours, at evening-heavy hour factors: more than 12/168 of the total.
  EXPECT_GT(sa / sall, 12.0 / 168.0);
  EXPECT_LT(sa / sall, 0.25);
}

TEST(FilteredCounts, DarkHoursInJanuaryAtBacka) {
  Fixture f;
  const double t0 = f.cal.start_hours(), t1 = f.cal.end_hours();
  HourFilter dark;
  dark.dark_only = true;
  EtasParameters flat = f.P;
  flat.theta = 0.0;
  flat.hour_of_week.fill(1.0);
  flat.month_of_year.fill(1.0);
  flat.dark_factor = 1.0;
  const auto d = filtered_counts(flat, {}, *f.w.cells, f.cal, t0, t1, dark, false);
  // A flat rate: the count in the dark is μ × the dark hours of January at 57.75° N.
  double dark_hours = 0;
  for (std::size_t h = 0; h < f.cal.size(); ++h) dark_hours += f.cal.dark_fraction(h) * f.cal.hour_weight(h);
  EXPECT_NEAR(d[0], flat.mu[0] * dark_hours, 1e-12);
  // January in Göteborg: about 15.4 dark hours a day on the 1st, 14 on the 31st.
  EXPECT_GT(dark_hours / 31.0, 13.5);
  EXPECT_LT(dark_hours / 31.0, 16.0);
}

TEST(ScenarioComparison, DifferencesAndCostPerPrevented) {
  RunResult run;
  run.scenario_names = {"baseline", "lighting"};
  run.scenario_cost_sek = {0.0, 200000.0};
  run.area_names = {"Backa", "(no area)"};
  run.replicates = 2;
  run.parameters = 2;
  run.areas = 2;
  run.months = 1;
  // [scenario][replicate][parameter][area][month]
  run.true_counts = {10, 2, 0, 0,   12, 4, 0, 0,   // baseline: replicates 0, 1
                     6, 2, 0, 0,    8, 3, 0, 0};   // lighting
  run.recorded_counts = run.true_counts;
  const auto rows = compare_scenarios(run, {"robbery", "fraud"}, {3.0, 1.0});
  // Totals (all, all), (all, Backa), (all, no area), (robbery, ...) ×3; fraud has no incidents.
  ASSERT_EQ(rows.size(), 6u);
  const auto& total = rows[0];
  EXPECT_EQ(total.parameter, "(all)");
  EXPECT_EQ(total.area, "(all)");
  EXPECT_DOUBLE_EQ(total.baseline_true.mean, 14.0);
  EXPECT_DOUBLE_EQ(total.scenario_true.mean, 9.5);
  EXPECT_DOUBLE_EQ(total.difference_true.mean, -4.5);
  // 4.5 prevented for 200,000 SEK.
  EXPECT_TRUE(total.has_cost);
  EXPECT_DOUBLE_EQ(total.prevented_per_100k_sek, 2.25);
  EXPECT_DOUBLE_EQ(total.harm_difference, 3.0 * -4.5);  // all of it robbery
  const std::string csv = comparison_csv(rows);
  EXPECT_NE(csv.find("lighting,robbery,Backa,200000"), std::string::npos) << csv;
  EXPECT_THROW(compare_scenarios(run, {"robbery"}), Error);
}
