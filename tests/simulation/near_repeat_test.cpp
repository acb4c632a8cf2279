// The Knox test feeding the self-exciting model: on data simulated with known near
// repeats it must see them and read θ, the delay and the distance off its table
// near the truth; on Poisson data it must not, and then the fit has no
// self-excitation at all. And the cells' neighbour lists it reads: their size is
// known before they are made.
#include <gtest/gtest.h>

#include "sim_fixture.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/simulation/near_repeat.hpp"

using namespace tryggve;
using namespace tryggve::simulation;
using namespace tryggve::simtest;

namespace {
struct NearRepeat : ::testing::Test, TwoYearGrid {};
}  // namespace

// What the neighbour lists will take is estimated before they are made (the
// hotspots backtest's memory bound): from every cell the estimate is the lists'
// mean exactly; from a sample of them, close to it.
TEST(CellNetworkLists, MeanNeighboursIsKnownBeforeTheListsAreMade) {
  const World w(10, 100.0, 20.0, 300.0);
  const CellNetwork& cells = *w.cells;
  double total = 0;
  for (CellId c = 0; c < cells.size(); ++c) total += static_cast<double>(cells.neighbours(c).size());
  const double mean = total / static_cast<double>(cells.size());
  EXPECT_DOUBLE_EQ(CellNetwork::mean_neighbours(w.net, w.lix, 300.0, cells.size()), mean);
  EXPECT_NEAR(CellNetwork::mean_neighbours(w.net, w.lix, 300.0, 64), mean, 0.1 * mean);
  EXPECT_LT(CellNetwork::mean_neighbours(w.net, w.lix, 100.0), 0.5 * mean);
  EXPECT_THROW(CellNetwork::mean_neighbours(w.net, w.lix, 0.0), Error);
}

// On a single straight street of cells the kernel's band shares are the
// exponential's, by hand: a cell in the middle sees e^{-d/σ} on both sides.
TEST(NearRepeatKernel, BandSharesOnAStraightStreet) {
  std::vector<Point> v{{0, 0}, {2000, 0}};
  network::Edge e;
  e.from = 0;
  e.to = 1;
  e.geometry = {v[0], v[1]};
  e.length = 2000;
  const network::Network net(v, {e});
  const network::Lixelization lix(net, 10.0);
  const CellNetwork cells(net, lix, 400.0);
  CellEvent mid;
  mid.cell = 100;  // 1000-1010 m: 40 cells to either side within the cutoff
  const std::vector<CellEvent> one{mid};
  const double sigma = 60;
  const auto g = kernel_band_shares(one, cells, {50, 100, 400}, sigma);
  // Midpoint distances 0, 10, 20, ...: mass e^{-10k/σ}, once for k = 0, twice otherwise.
  auto mass = [&](int k0, int k1) {
    double m = 0;
    for (int k = k0; k <= k1; ++k) m += (k == 0 ? 1.0 : 2.0) * std::exp(-10.0 * k / sigma);
    return m;
  };
  const double z = mass(0, 40);
  EXPECT_NEAR(g[0], mass(0, 5) / z, 1e-6);
  EXPECT_NEAR(g[1], mass(6, 10) / z, 1e-6);
  EXPECT_NEAR(g[2], mass(11, 40) / z, 1e-6);
  EXPECT_NEAR(g[0] + g[1] + g[2], 1.0, 1e-9);
}

TEST_F(NearRepeat, SeesKnownNearRepeatsAndEstimatesThem) {
  // θ 0.5, mean delay 48 h, σ 80 m (as the recovery test in fit_test.cpp).
  const auto P = truth(*w.cells, cal, 2000.0 / cal.size(), 0.5, 1.0 / 48.0, 80.0, 1.0);
  const auto ev = synthesise(P, false, *w.cells, cal, 42);
  const auto nr = near_repeat_evidence(ev, *w.cells, 30.0);
  std::printf("knox: %zu events, %zu close pairs, near ratio %.2f p %.3f, extent %.0f m %.0f days; "
              "theta %.3f (0.5) delay %.1f h (48) sigma %.1f m (80)\n",
              nr.knox.events, nr.knox.close_pairs, nr.near_ratio, nr.near_p_value, nr.extent_m, nr.extent_days, nr.theta,
              1.0 / nr.omega_per_hour, nr.sigma_m);
  ASSERT_TRUE(nr.tested);
  EXPECT_TRUE(nr.detected);
  EXPECT_GT(nr.near_ratio, 1.2);
  EXPECT_LE(nr.near_p_value, 0.01);
  EXPECT_GE(nr.extent_m, 50.0);
  EXPECT_GE(nr.extent_days, 2.0);
  // Families reach beyond the table's bands, so θ comes out somewhat low; the grids are ~20% apart.
  EXPECT_GT(nr.theta, 0.3);
  EXPECT_LT(nr.theta, 0.7);
  EXPECT_NEAR(std::log(1.0 / nr.omega_per_hour / 48.0), 0.0, std::log(1.6));
  EXPECT_NEAR(std::log(nr.sigma_m / 80.0), 0.0, std::log(1.6));
}

TEST_F(NearRepeat, SeesNoneInPoissonDataAndTheFitIsGated) {
  const auto P = truth(*w.cells, cal, 1500.0 / cal.size(), 0.0, 1.0 / 48.0, 80.0, 1.0);
  const auto ev = synthesise(P, false, *w.cells, cal, 7);
  const auto nr = near_repeat_evidence(ev, *w.cells, 30.0);
  std::printf("knox on Poisson data: near ratio %.3f p %.3f\n", nr.near_ratio, nr.near_p_value);
  ASSERT_TRUE(nr.tested);
  EXPECT_FALSE(nr.detected);
  EXPECT_GT(nr.near_p_value, 0.05);
  EXPECT_NEAR(nr.near_ratio, 1.0, 0.1);
  EXPECT_TRUE(std::isnan(nr.theta));

  FitOptions o;
  o.max_lag_days = 30;
  const auto F = fit_parameter(ev, *w.cells, cal, cal.start_hours(), cal.end_hours(), false, o);
  EXPECT_EQ(F.self_excitation, "knox_gate");
  EXPECT_EQ(F.theta, 0.0);
  EXPECT_EQ(F.background_share, 1.0);
  // EM alone (mode em) finds a small spurious θ on the same data.
  o.near_repeat.mode = "em";
  const auto G = fit_parameter(ev, *w.cells, cal, cal.start_hours(), cal.end_hours(), false, o);
  EXPECT_EQ(G.self_excitation, "em");
  EXPECT_FALSE(G.near_repeat.tested);
  EXPECT_GT(G.theta, 0.0);
}

// Started at the Knox estimates, EM reaches the same optimum as from the fixed start.
TEST_F(NearRepeat, KnoxStartReachesTheSameFit) {
  const auto P = truth(*w.cells, cal, 2000.0 / cal.size(), 0.5, 1.0 / 48.0, 80.0, 1.0);
  const auto ev = synthesise(P, false, *w.cells, cal, 43);
  FitOptions o;
  o.max_lag_days = 30;
  const auto K = fit_parameter(ev, *w.cells, cal, cal.start_hours(), cal.end_hours(), false, o);
  o.near_repeat.mode = "em";
  const auto E = fit_parameter(ev, *w.cells, cal, cal.start_hours(), cal.end_hours(), false, o);
  std::printf("EM from knox start: theta %.4f sigma %.1f delay %.1f h, %d iterations; from the fixed start: theta %.4f "
              "sigma %.1f delay %.1f h, %d iterations\n",
              K.theta, K.sigma_m, 1 / K.omega_per_hour, K.iterations, E.theta, E.sigma_m, 1 / E.omega_per_hour,
              E.iterations);
  EXPECT_EQ(K.self_excitation, "em_from_knox");
  EXPECT_TRUE(K.converged);
  EXPECT_NEAR(K.theta, E.theta, 0.01);
  EXPECT_NEAR(K.sigma_m / E.sigma_m, 1.0, 0.03);
  EXPECT_NEAR(K.omega_per_hour / E.omega_per_hour, 1.0, 0.03);
  EXPECT_NEAR(K.log_likelihood, E.log_likelihood, 1e-4 * std::abs(E.log_likelihood) + 0.5);
}

// Same seed, same table at any thread count is the Knox module's own test
// (tests/hotspot/knox_test.cpp); here: the evidence does not depend on the order of
// calls (no hidden state).
TEST_F(NearRepeat, Deterministic) {
  const auto P = truth(*w.cells, cal, 800.0 / cal.size(), 0.4, 1.0 / 48.0, 80.0, 1.0);
  const auto ev = synthesise(P, false, *w.cells, cal, 11);
  const auto a = near_repeat_evidence(ev, *w.cells, 30.0);
  const auto b = near_repeat_evidence(ev, *w.cells, 30.0);
  EXPECT_EQ(a.knox.observed, b.knox.observed);
  EXPECT_EQ(a.knox.expected, b.knox.expected);
  EXPECT_EQ(a.near_p_value, b.near_p_value);
  EXPECT_EQ(a.theta, b.theta);
}
