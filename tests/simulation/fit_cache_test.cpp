// The fit cache (simulation/fit_cache.hpp): a remembered fit is the fit, bit for bit
// in every field; the digest moves with every input the fit reads and with nothing
// else; the JSON record reads back to the same bits, NaN and infinity included; a
// wrong record is fitted again, never used.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <tuple>

#include "sim_fixture.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/simulation/fit_cache.hpp"

using namespace tryggve;
using namespace tryggve::simulation;
using namespace tryggve::simtest;

namespace {

// Small enough for the fast set: a 6 x 6 grid at 100 m, 50 m cells, six months.
struct SmallWorld {
  World w{6, 100.0, 50.0, 300.0};
  HourCalendar cal{local_months(stockholm(), 2023, 1, 6), stockholm(), Place{57.75, 11.98}};
  FitOptions options() const {
    FitOptions o;
    o.max_lag_days = 20;
    o.max_iterations = 25;
    return o;
  }
  // About 600 events; near repeats (θ 0.5) or none.
  std::vector<CellEvent> events(double theta, std::uint64_t seed) const {
    const auto P = truth(*w.cells, cal, 600.0 / cal.size(), theta, 1.0 / 36.0, 70.0, 1.5);
    return synthesise(P, true, *w.cells, cal, seed);
  }
};

struct FitCacheTest : ::testing::Test, SmallWorld {};

bool same(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

void expect_same(const std::vector<double>& a, const std::vector<double>& b, const char* what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t k = 0; k < a.size(); ++k) EXPECT_TRUE(same(a[k], b[k])) << what << "[" << k << "]: " << a[k] << " vs " << b[k];
}

// Every field, bit for bit.
void expect_same(const EtasParameters& a, const EtasParameters& b) {
  expect_same(a.mu, b.mu, "mu");
  expect_same(std::vector<double>(a.hour_of_week.begin(), a.hour_of_week.end()),
              std::vector<double>(b.hour_of_week.begin(), b.hour_of_week.end()), "hour_of_week");
  expect_same(std::vector<double>(a.month_of_year.begin(), a.month_of_year.end()),
              std::vector<double>(b.month_of_year.begin(), b.month_of_year.end()), "month_of_year");
  EXPECT_EQ(a.darkness_applies, b.darkness_applies);
  for (auto [x, y, what] : {std::tuple{a.dark_factor, b.dark_factor, "dark_factor"}, {a.theta, b.theta, "theta"},
                            {a.omega_per_hour, b.omega_per_hour, "omega"}, {a.sigma_m, b.sigma_m, "sigma"},
                            {a.max_lag_hours, b.max_lag_hours, "max_lag_hours"}, {a.outdoor_share, b.outdoor_share, "outdoor"},
                            {a.log_likelihood, b.log_likelihood, "ll"}, {a.background_share, b.background_share, "bg"},
                            {a.likelihood_ratio, b.likelihood_ratio, "lr"}})
    EXPECT_TRUE(same(x, y)) << what << ": " << x << " vs " << y;
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.iterations, b.iterations);
  EXPECT_EQ(a.converged, b.converged);
  EXPECT_EQ(a.self_excitation, b.self_excitation);
  const auto &n = a.near_repeat, &m = b.near_repeat;
  EXPECT_EQ(n.tested, m.tested);
  EXPECT_EQ(n.detected, m.detected);
  for (auto [x, y, what] : {std::tuple{n.alpha, m.alpha, "alpha"}, {n.near_ratio, m.near_ratio, "near_ratio"},
                            {n.near_p_value, m.near_p_value, "near_p"}, {n.extent_m, m.extent_m, "extent_m"},
                            {n.extent_days, m.extent_days, "extent_days"}, {n.excess_pairs, m.excess_pairs, "excess"},
                            {n.theta, m.theta, "knox theta"}, {n.omega_per_hour, m.omega_per_hour, "knox omega"},
                            {n.sigma_m, m.sigma_m, "knox sigma"}, {n.knox.near_observed, m.knox.near_observed, "near_obs"},
                            {n.knox.near_expected, m.knox.near_expected, "near_exp"},
                            {n.knox.near_p_value, m.knox.near_p_value, "knox near_p"},
                            {n.knox.near_variance, m.knox.near_variance, "knox near_var"}})
    EXPECT_TRUE(same(x, y)) << what << ": " << x << " vs " << y;
  expect_same(n.knox.space_bands_m, m.knox.space_bands_m, "space_bands_m");
  expect_same(n.knox.time_bands_days, m.knox.time_bands_days, "time_bands_days");
  expect_same(n.knox.observed, m.knox.observed, "observed");
  expect_same(n.knox.expected, m.knox.expected, "expected");
  expect_same(n.knox.variance, m.knox.variance, "variance");
  EXPECT_EQ(n.knox.method, m.knox.method);
  expect_same(n.knox.ratio, m.knox.ratio, "ratio");
  expect_same(n.knox.p_value, m.knox.p_value, "p_value");
  EXPECT_EQ(n.knox.events, m.knox.events);
  EXPECT_EQ(n.knox.close_pairs, m.knox.close_pairs);
  EXPECT_EQ(n.knox.permutations, m.knox.permutations);
  EXPECT_EQ(n.knox.near_space_bands, m.knox.near_space_bands);
  EXPECT_EQ(n.knox.near_time_bands, m.knox.near_time_bands);
}

// A cache that answers from JSON text, as a workspace's table does.
struct TextCache : FitCache {
  std::map<FitDigest, std::string> rows;
  std::optional<EtasParameters> find(const FitDigest& d) override {
    const auto it = rows.find(d);
    if (it == rows.end()) return std::nullopt;
    return etas_parameters_from_json(it->second, "test");
  }
  void store(const FitDigest& d, const EtasParameters& p) override { rows[d] = to_json_text(p); }
};

}  // namespace

TEST_F(FitCacheTest, ARememberedFitIsTheFitInEveryField) {
  // Near repeats (EM from the Knox start) and none (the gate: a Poisson fit with the
  // likelihood ratio, NaN moment estimates), so every field is set somewhere.
  for (const double theta : {0.5, 0.0}) {
    const auto ev = events(theta, theta > 0 ? 11 : 12);
    const double t0 = cal.start_hours() + 24 * 31, t1 = cal.end_hours() - 24 * 10;
    const FitOptions plain = options();
    const auto fresh = fit_parameter(ev, *w.cells, cal, t0, t1, true, plain);
    ASSERT_TRUE(fresh.near_repeat.tested);

    FitOptions cached = plain;
    auto memory = std::make_shared<MemoryFitCache>();
    cached.cache = memory;
    const auto first = fit_parameter(ev, *w.cells, cal, t0, t1, true, cached);
    EXPECT_EQ(memory->fits(), 1u);
    EXPECT_EQ(memory->hits(), 0u);
    const auto second = fit_parameter(ev, *w.cells, cal, t0, t1, true, cached);
    EXPECT_EQ(memory->fits(), 1u) << "the second call made no fit";
    EXPECT_EQ(memory->hits(), 1u);
    expect_same(first, fresh);
    expect_same(second, fresh);

    // Through JSON text (the workspace's table): the same bits, and the same text again.
    auto text = std::make_shared<TextCache>();
    cached.cache = text;
    fit_parameter(ev, *w.cells, cal, t0, t1, true, cached);
    const auto from_text = fit_parameter(ev, *w.cells, cal, t0, t1, true, cached);
    EXPECT_EQ(text->fits(), 1u);
    EXPECT_EQ(text->hits(), 1u);
    expect_same(from_text, fresh);
    EXPECT_EQ(to_json_text(from_text), to_json_text(fresh));
    if (theta > 0) {
      EXPECT_EQ(fresh.self_excitation, "em_from_knox");
    } else {
      EXPECT_TRUE(std::isnan(fresh.near_repeat.theta));
      EXPECT_TRUE(std::isfinite(fresh.likelihood_ratio)) << fresh.self_excitation;
    }
  }
}

TEST_F(FitCacheTest, TheDigestMovesWithEveryInputAndNothingElse) {
  auto ev = events(0.5, 21);
  const double t0 = cal.start_hours() + 24 * 61, t1 = cal.end_hours() - 24 * 10;
  const FitOptions o = options();
  const double lag = o.max_lag_days * 24;
  const auto base = fit_digest(ev, *w.cells, cal, t0, t1, true, o);
  auto digest = [&](const std::vector<CellEvent>& e) { return fit_digest(e, *w.cells, cal, t0, t1, true, o); };
  EXPECT_EQ(digest(ev), base) << "the same inputs, the same digest";
  {
    FitOptions with = o;
    with.cache = std::make_shared<MemoryFitCache>();
    EXPECT_EQ(fit_digest(ev, *w.cells, cal, t0, t1, true, with), base) << "the cache is not an input";
  }
  // Events: one inside the window moved in time or to another cell, one a trigger
  // (within the lag before t0) flagged otherwise; events the fit never reads do not count.
  std::size_t inside = 0, trigger = 0, before = 0, after = 0;
  for (std::size_t k = 0; k < ev.size(); ++k) {
    if (ev[k].t >= t0 && ev[k].t < t1 && !inside) inside = k;
    if (ev[k].t >= t0 - lag + 24 && ev[k].t < t0 && !trigger) trigger = k;
    if (ev[k].t < t0 - lag - 24) before = k;
    if (ev[k].t >= t1 && !after) after = k;
  }
  ASSERT_TRUE(inside && trigger && before && after);
  {
    auto e = ev;
    e[inside].t += 1e-6;
    EXPECT_NE(digest(e), base) << "an event's time";
    e = ev;
    e[inside].cell = (e[inside].cell + 1) % static_cast<CellId>(w.cells->size());
    EXPECT_NE(digest(e), base) << "an event's cell";
    e = ev;
    e[trigger].outdoor = !e[trigger].outdoor;
    EXPECT_NE(digest(e), base) << "a trigger's flag";
    e = ev;
    e[inside].dark = !e[inside].dark;
    EXPECT_NE(digest(e), base) << "an event's darkness";
    e = ev;
    e[before].cell = (e[before].cell + 1) % static_cast<CellId>(w.cells->size());
    e[after].cell = (e[after].cell + 1) % static_cast<CellId>(w.cells->size());
    EXPECT_EQ(digest(e), base) << "events before t0 - lag and from t1 on are not read";
  }
  // The window, darkness, the options.
  EXPECT_NE(fit_digest(ev, *w.cells, cal, t0 + 1, t1, true, o), base);
  EXPECT_NE(fit_digest(ev, *w.cells, cal, t0, t1 - 1, true, o), base);
  EXPECT_NE(fit_digest(ev, *w.cells, cal, t0, t1, false, o), base);
  std::vector<std::function<void(FitOptions&)>> changes = {
      [](FitOptions& x) { x.self_exciting = false; },          [](FitOptions& x) { x.max_iterations += 1; },
      [](FitOptions& x) { x.tolerance *= 2; },                 [](FitOptions& x) { x.max_lag_days += 1; },
      [](FitOptions& x) { x.theta_init += 0.01; },             [](FitOptions& x) { x.omega_init_per_hour *= 2; },
      [](FitOptions& x) { x.sigma_init_m += 1; },              [](FitOptions& x) { x.min_sigma_m += 1; },
      [](FitOptions& x) { x.background_bandwidth_m += 10; },   [](FitOptions& x) { x.background_prior_events += 0.1; },
      [](FitOptions& x) { x.global_rate_weight += 0.1; },      [](FitOptions& x) { x.profile_prior_events += 0.1; },
      [](FitOptions& x) { x.near_repeat.mode = "em"; },        [](FitOptions& x) { x.near_repeat.alpha = 0.1; },
      [](FitOptions& x) { x.near_repeat.permutations += 1; },  [](FitOptions& x) { x.near_repeat.near_m += 50; },
      [](FitOptions& x) { x.near_repeat.near_days += 1; },     [](FitOptions& x) { x.near_repeat.band_m += 10; },
      [](FitOptions& x) { x.near_repeat.max_m += 50; },        [](FitOptions& x) { x.near_repeat.time_bands_days.pop_back(); },
      [](FitOptions& x) { x.near_repeat.seed += 1; }};
  for (std::size_t k = 0; k < changes.size(); ++k) {
    FitOptions x = o;
    changes[k](x);
    EXPECT_NE(fit_digest(ev, *w.cells, cal, t0, t1, true, x), base) << "option change " << k;
  }
  // The cells (another cutoff: other neighbour lists) and the calendar (another
  // place: other dark hours; the event flags stay as they are).
  const CellNetwork wider(w.net, w.lix, 350.0);
  EXPECT_NE(w.cells->digest(), wider.digest());
  EXPECT_NE(fit_digest(ev, wider, cal, t0, t1, true, o), base);
  const CellNetwork again(w.net, w.lix, 300.0);
  EXPECT_EQ(w.cells->digest(), again.digest()) << "the same cells built twice";
  const HourCalendar north(local_months(stockholm(), 2023, 1, 6), stockholm(), Place{67.85, 20.22});
  EXPECT_NE(fit_digest(ev, *w.cells, north, t0, t1, true, o), base);
  // A longer calendar with the same hours over the window: the same digest (a
  // deployment's counterfactual month after month).
  const HourCalendar longer(local_months(stockholm(), 2023, 1, 7), stockholm(), Place{57.75, 11.98});
  EXPECT_EQ(fit_digest(ev, *w.cells, longer, t0, t1, true, o), base);
  EXPECT_EQ(to_hex(base).size(), 64u);
  EXPECT_EQ(digest_from_hex(to_hex(base)), base);
  EXPECT_FALSE(digest_from_hex("not hex"));
}

TEST(FitJson, NanInfinityAndNegativeZeroKeepTheirBits) {
  EtasParameters p;
  p.mu = {0.0, -0.0, 1e-300, 4.9e-324, 0.1, 1.0 / 3.0, INFINITY, -INFINITY, std::nan("1"), -std::nan(""), NAN};
  p.likelihood_ratio = -NAN;
  p.near_repeat.knox.ratio = {NAN, 1.25};
  p.near_repeat.knox.observed = {0, 3};
  p.near_repeat.knox.expected = {0, 2.4};
  p.near_repeat.knox.variance = {-0.0, 2.1};
  p.near_repeat.knox.p_value = {1, 0.2};
  p.near_repeat.knox.space_bands_m = {100};
  p.near_repeat.knox.time_bands_days = {7, 14};
  p.self_excitation = "knox_gate";
  p.iterations = 17;
  p.events = 123456789012ULL;
  const auto text = to_json_text(p);
  const auto q = etas_parameters_from_json(text, "t");
  expect_same(p, q);
  EXPECT_EQ(to_json_text(q), text);
}

TEST(FitJson, AWrongRecordIsAnErrorNamingTheField) {
  const auto good = to_json_text(EtasParameters{});
  EXPECT_NO_THROW(etas_parameters_from_json(good, "t"));
  auto expect_error = [](const std::string& text, const std::string& field) {
    try {
      etas_parameters_from_json(text, "model_fits row 7");
      ADD_FAILURE() << "read: " << text.substr(0, 80);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::BadValue);
      EXPECT_NE(std::string(e.what()).find("model_fits row 7"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  expect_error("{\"mu\": [1, 2", "JSON");
  expect_error("[]", "mu");
  auto j = good;
  expect_error(j.replace(j.find("\"theta\""), 7, "\"thetx\""), "theta");
  j = good;
  expect_error(j.replace(j.find("\"hour_of_week\":["), 16, "\"hour_of_week\":[\"x\","), "hour_of_week");
  j = good;
  expect_error(j.replace(j.find("\"events\":0"), 10, "\"events\":-1"), "events");
}

TEST_F(FitCacheTest, AWrongRememberedFitIsFittedAgain) {
  // A cache holding a fit of other cells under this digest (what a corrupt row
  // could give): not used, fitted again and counted as a fit.
  const auto ev = events(0.5, 31);
  const double t0 = cal.start_hours() + 24 * 31, t1 = cal.end_hours();
  FitOptions o = options();
  o.near_repeat.mode = "em";
  auto memory = std::make_shared<MemoryFitCache>();
  o.cache = memory;
  EtasParameters wrong;
  wrong.mu.assign(3, 1.0);
  memory->store(fit_digest(ev, *w.cells, cal, t0, t1, true, o), wrong);
  const auto P = fit_parameter(ev, *w.cells, cal, t0, t1, true, o);
  EXPECT_EQ(P.mu.size(), w.cells->size());
  EXPECT_EQ(memory->fits(), 1u);
  EXPECT_EQ(memory->hits(), 0u);
  // The errors of a bad window come first, cache or not.
  EXPECT_THROW(fit_parameter(ev, *w.cells, cal, t1, t0, true, o), Error);
  EXPECT_THROW(fit_parameter(std::span<const CellEvent>(), *w.cells, cal, t0, t1, true, o), Error);
}
