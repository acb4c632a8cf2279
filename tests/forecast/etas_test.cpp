// The self-exciting forecast against a known model: two years simulated by the
// simulation module's forward simulator from a known ETAS truth (the fit tests'
// world), fitted by the forecast on the months before the last, which must (1)
// split into background and triggered parts exactly as the fitted parameters
// say, (2) come close to what the true model expects, (3) not look at the month
// it forecasts, and (4) beat the Poisson model and the naive baselines in the
// held-out log-likelihood of the model backtest.
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "../simulation/sim_fixture.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/forecast/etas.hpp"
#include "tryggve/forecast/methods.hpp"
#include "tryggve/simulation/evaluation.hpp"

namespace tryggve::forecast {
namespace {

using namespace simulation;

struct KnownModel : ::testing::Test, simtest::TwoYearGrid {
  EtasParameters P;
  std::vector<CellEvent> ev;
  std::vector<UnitEvent> units;
  void SetUp() override {
    P = simtest::truth(*w.cells, cal, 1500.0 / cal.size(), 0.5, 1.0 / 48.0, 80.0, 1.0);
    ev = simtest::synthesise(P, false, *w.cells, cal, 2024);
    const TimeZone z = simtest::stockholm();
    for (const auto& e : ev) units.push_back({e.cell, z.at_utc(cal.to_utc(e.t)), 0, true, 1.0});
  }
  static FitOptions fit_options() {
    FitOptions o;
    o.max_lag_days = 30;
    o.near_repeat.mode = "em";
    return o;
  }
};

TEST_F(KnownModel, ForecastIsTheFittedModelsExpectationAndNearTheTruths) {
  const History h(units, w.cells->size(), 1);
  const int T = h.last_month();
  SelfExcitingForecast f(*w.cells, h, {{"x", false, false, 1.0}}, Place{57.75, 11.98}, simtest::stockholm(),
                         fit_options(), T);
  const EtasParameters& F = f.model(T).parameters[0];  // kept, so forecast() below uses it
  const auto& month = f.forecast(T);
  EXPECT_NEAR(F.theta, 0.5, 0.15);

  // (1) The parts by hand from the fitted parameters: the background's mass over
  // the month, and θ times each earlier event's remaining trigger mass inside it
  // (the spatial kernel is normalised over each event's neighbours, so it adds
  // 1), each times the family a first event starts inside the month: a
  // geometric series in θ' = θ (1 − (1 − e^{−ωW}) / (ωW)), W the month's hours.
  const double t0 = f.month_start(T), t1 = f.month_start(T + 1);
  double bg = 0, trig = 0, trig_hand = 0;
  for (std::size_t u = 0; u < month.background.size(); ++u) bg += month.background[u], trig += month.triggered[u];
  for (const auto& e : h.events()) {
    const double t = f.calendar().to_hours(e.time.utc_seconds);
    if (t < t0 && t >= t0 - F.max_lag_hours)
      trig_hand += F.theta * (std::exp(-F.omega_per_hour * (t0 - t)) - std::exp(-F.omega_per_hour * (t1 - t)));
  }
  const double wW = F.omega_per_hour * (t1 - t0);
  const double family = 1.0 / (1.0 - F.theta * (1.0 - (1.0 - std::exp(-wW)) / wW));
  EXPECT_NEAR(bg, F.total_mu() * background_exposure(F, f.calendar(), t0, t1) * family, 1e-6 * bg);
  EXPECT_NEAR(trig, trig_hand * family, 1e-6 * trig);
  EXPECT_GT(trig, 0.0);

  // (2) Against the truth: the same expectation under the true parameters.
  const double u0 = cal.to_hours(f.calendar().to_utc(t0)), u1 = cal.to_hours(f.calendar().to_utc(t1));
  const auto truth = cascade(P, *w.cells, expected_counts(P, ev, *w.cells, cal, u0, u1), u1 - u0);
  double true_total = 0;
  for (double x : truth) true_total += x;
  std::printf("known model: theta %.3f (0.5) omega %.4f (%.4f) sigma %.1f (80); month %s: forecast %.1f "
              "(background %.1f, triggered %.1f), truth %.1f, observed %.0f\n",
              F.theta, F.omega_per_hour, 1.0 / 48, F.sigma_m, month_label(T).c_str(), bg + trig, bg, trig, true_total,
              h.total(T));
  EXPECT_NEAR((bg + trig) / true_total, 1.0, 0.15);
  // The truth's hot cells (every 17th from 3, twelve times the rate) lead the forecast per metre.
  const auto total = month.total();
  double hot = 0, cold = 0, hot_len = 0, cold_len = 0;
  for (CellId c = 0; c < w.cells->size(); ++c)
    (c % 17 == 3 ? hot : cold) += total[c], (c % 17 == 3 ? hot_len : cold_len) += w.cells->length(c);
  EXPECT_GT(hot / hot_len, 5.0 * cold / cold_len);

  // (3) The months from T on change nothing: the same forecast from the history before T.
  std::vector<UnitEvent> before;
  for (const auto& e : units)
    if (month_index(e.time) < T) before.push_back(e);
  const History hb(before, w.cells->size(), 1);
  SelfExcitingForecast fb(*w.cells, hb, {{"x", false, false, 1.0}}, Place{57.75, 11.98}, simtest::stockholm(),
                          fit_options(), T);
  const auto& mb = fb.forecast(T);
  for (CellId c = 0; c < w.cells->size(); c += 7) {
    EXPECT_NEAR(mb.background[c], month.background[c], 1e-9 * (1 + month.background[c]));
    EXPECT_NEAR(mb.triggered[c], month.triggered[c], 1e-9 * (1 + month.triggered[c]));
  }
  EXPECT_THROW(f.forecast(h.first_month()), Error);  // nothing before the first month
}

// A month keeps its forecast and the held-out log-likelihood, not the fit they
// came from (a city's fit is 184 MB): the same numbers as from a fit kept by
// model(), and the log-likelihood is simulation::log_likelihood of that fit.
TEST_F(KnownModel, AMonthKeepsItsForecastAndLogLikelihoodNotItsFit) {
  const History h(units, w.cells->size(), 1);
  const int T = h.last_month();
  SelfExcitingForecast kept(*w.cells, h, {{"x", false, false, 1.0}}, Place{57.75, 11.98}, simtest::stockholm(),
                            fit_options(), T);
  SelfExcitingForecast lean(*w.cells, h, {{"x", false, false, 1.0}}, Place{57.75, 11.98}, simtest::stockholm(),
                            fit_options(), T);
  const FittedModel& fm = kept.model(T);
  const auto& a = kept.forecast(T);
  const auto& b = lean.forecast(T);
  EXPECT_EQ(kept.fits_held(), 1u);
  EXPECT_EQ(lean.fits_held(), 0u);
  EXPECT_EQ(lean.months_held(), 1u);
  EXPECT_EQ(a.background, b.background);
  EXPECT_EQ(a.triggered, b.triggered);
  EXPECT_EQ(a.log_likelihood, b.log_likelihood);
  EXPECT_EQ(lean.log_likelihood(T), b.log_likelihood);
  EXPECT_EQ(lean.fits_held(), 0u);  // read from the month, not fitted again

  std::vector<CellEvent> ev_cal;
  for (const auto& e : h.events()) ev_cal.push_back(make_cell_event(e.time, e.unit, e.outdoor, kept.calendar()));
  std::stable_sort(ev_cal.begin(), ev_cal.end(), [](const CellEvent& x, const CellEvent& y) { return x.t < y.t; });
  const double t0 = kept.month_start(T), t1 = std::min(kept.month_start(T + 1), kept.calendar().end_hours());
  const double ll = simulation::log_likelihood(fm.parameters[0], ev_cal, *w.cells, kept.calendar(), t0, t1);
  EXPECT_TRUE(std::isfinite(ll));
  EXPECT_EQ(b.log_likelihood, ll);

  // Forgotten, the month is made again from a new fit: the same numbers.
  lean.forget(T);
  EXPECT_EQ(lean.months_held(), 0u);
  const auto& c = lean.forecast(T);
  EXPECT_EQ(c.background, a.background);
  EXPECT_EQ(c.log_likelihood, a.log_likelihood);
}

TEST_F(KnownModel, ModelBacktestPrefersTheSelfExcitingModel) {
  const History h(units, w.cells->size(), 1);
  const int last = h.last_month();
  SelfExcitingForecast f(*w.cells, h, {{"x", false, false, 1.0}}, Place{57.75, 11.98}, simtest::stockholm(),
                         fit_options(), last);
  std::vector<double> measure(w.cells->size());
  for (CellId c = 0; c < measure.size(); ++c) measure[c] = w.cells->length(c);
  const std::vector<double> cov{0.01, 0.05, 0.1};
  const auto rows = model_backtest(f, h, measure, last - 1, last, cov);
  ASSERT_EQ(rows.size(), 8u);  // two months x etas, poisson, last_month, all_history
  EXPECT_EQ(f.fits_held(), 0u);    // each month's fits and forecasts let go once scored
  EXPECT_EQ(f.months_held(), 0u);
  double ll[4] = {0, 0, 0, 0};
  for (std::size_t k = 0; k < rows.size(); ++k) {
    EXPECT_EQ(rows[k].scores.size(), 3u);
    EXPECT_GT(rows[k].events, 0u);
    ASSERT_TRUE(std::isfinite(rows[k].log_likelihood_per_event)) << rows[k].method;
    ll[k % 4] += rows[k].log_likelihood_per_event;
  }
  EXPECT_EQ(rows[0].method, kEtas);
  EXPECT_EQ(rows[1].method, "poisson");
  EXPECT_EQ(rows[2].method, kLastMonth);
  EXPECT_EQ(rows[3].method, kAllHistory);
  // Half the events are near repeats: knowing them is worth a lot per event.
  EXPECT_GT(ll[0], ll[1] + 0.05);
  EXPECT_GT(ll[0], ll[2]);
  EXPECT_GT(ll[0], ll[3]);
  // The files: one CSV row per month, method and coverage; a JSON summary per method.
  const std::string csv = model_backtest_csv(rows);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 8 * 3);
  EXPECT_EQ(csv.rfind("month,method,events,log_likelihood_per_event,coverage,", 0), 0u);
  const auto j = model_backtest_json(rows);
  ASSERT_EQ(j.size(), 4u);
  EXPECT_EQ(j[0]["method"], kEtas);
  EXPECT_EQ(j[0]["months"], 2);
  EXPECT_NEAR(j[0]["mean_log_likelihood_per_event"].get<double>(), ll[0] / 2, 1e-12);
  EXPECT_EQ(j[0]["coverages"].size(), 3u);
}

}  // namespace
}  // namespace tryggve::forecast
