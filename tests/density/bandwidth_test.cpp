#include <cmath>

#include <gtest/gtest.h>

#include "density_test_support.hpp"
#include "tryggve/density/bandwidth.hpp"
#include "tryggve/density/density.hpp"
#include "tryggve/density/space_time.hpp"

namespace tryggve::density {
namespace {

using network::NetworkPosition;

TEST(Adaptive, AbramsonBandwidthsFollowThePilot) {
  const auto net = test::lattice(8, 50.0);
  std::vector<NetworkPosition> ev;
  for (int i = 0; i < 12; ++i) ev.push_back({10, 20.0 + i});  // a tight cluster
  ev.push_back({90, 25.0});                                   // a lone event far away
  DensityOptions o;
  o.method = Method::EqualSplitContinuous;
  o.kernel = Kernel::Quartic;
  o.bandwidth_m = 100;
  o.epsilon = 1e-9;
  o.adaptive = true;
  const auto r = density_at(net, ev, ev, {}, o);
  ASSERT_EQ(r.event_bandwidths.size(), ev.size());
  // h_i = h0 sqrt(g / f(x_i)) with the pilot at the events.
  DensityOptions p = o;
  p.adaptive = false;
  const auto f = density_at(net, ev, ev, {}, p).values;
  double lg = 0;
  for (double v : f) lg += std::log(v);
  const double g = std::exp(lg / f.size());
  EXPECT_NEAR(r.pilot_geometric_mean, g, 1e-12 * g);
  for (std::size_t i = 0; i < ev.size(); ++i)
    EXPECT_NEAR(r.event_bandwidths[i], std::clamp(100 * std::sqrt(g / f[i]), 10.0, 1000.0), 1e-9);
  EXPECT_LT(r.event_bandwidths[0], 100.0);
  EXPECT_GT(r.event_bandwidths.back(), 100.0);
  EXPECT_EQ(r.bandwidth_used, 100.0);
  // Still mass-conserving: each event's kernel integrates to its weight.
  const network::Lixelization lix(net, 1.0);
  EXPECT_NEAR(integrate(lix, estimate(net, lix, ev, {}, o).values), 13.0, 0.02);
  // Heat adaptive conserves mass too.
  o.method = Method::Heat;
  o.bandwidth_m = 40;
  const auto h = estimate(net, lix, ev, {}, o);
  EXPECT_NEAR(integrate(lix, h.values), 13.0, 0.02);
  EXPECT_LT(h.event_bandwidths[0], h.event_bandwidths.back());
}

TEST(CrossValidation, PicksAnInteriorBandwidthForClusteredData) {
  // Two clusters 600 apart on a long line: tiny bandwidths leave events alone
  // (-inf or very low likelihood), huge ones smear the clusters together.
  const auto net = test::make_network({{0, 0}, {2000, 0}}, {{0, 1}});
  std::vector<NetworkPosition> ev;
  for (int i = 0; i < 15; ++i) ev.push_back({0, 500.0 + 3.0 * i + (i % 3)});
  for (int i = 0; i < 15; ++i) ev.push_back({0, 1100.0 + 4.0 * i - (i % 4)});
  const network::Lixelization lix(net, 1.0);
  DensityOptions o;
  o.method = Method::EqualSplitDiscontinuous;
  o.kernel = Kernel::Gaussian;
  o.epsilon = 1e-9;
  const auto grid = geometric_grid(2.0, 2000.0, 13);
  const auto s = select_bandwidth_cv(net, lix, ev, {}, o, grid);
  EXPECT_GT(s.best, 2.0);
  EXPECT_LT(s.best, 2000.0);
  EXPECT_GT(s.scores[s.best_index], s.scores.front());
  EXPECT_GT(s.scores[s.best_index], s.scores.back());
  // The score is the leave-one-out log-likelihood minus the integral.
  o.bandwidth_m = s.best;
  o.leave_one_out = true;
  const auto loo = density_at(net, ev, ev, {}, o).values;
  double ll = 0;
  for (double v : loo) ll += std::log(v);
  o.leave_one_out = false;
  EXPECT_NEAR(s.scores[s.best_index], ll - integrate(lix, estimate(net, lix, ev, {}, o).values), 1e-9);
}

TEST(SpaceTime, TimeKernelWeightsAndWindowMeans) {
  const auto net = test::make_network({{0, 0}, {1000, 0}}, {{0, 1}});
  const network::Lixelization lix(net, 5.0);
  const std::vector<NetworkPosition> ev{{0, 400.0}, {0, 600.0}, {0, 500.0}};
  const std::vector<double> t{10.0, 20.0, 200.0};
  DensityOptions o;
  o.method = Method::EqualSplitContinuous;
  o.kernel = Kernel::Quartic;
  o.bandwidth_m = 100;
  const TimeKernel tk{Kernel::Epanechnikov, 7.0};
  // Day 12: only event 0 (2 days away) is inside the 7-day time kernel.
  const auto r = space_time_estimate(net, lix, ev, t, {}, o, tk, {12.0, 12.0});
  const KernelFunction kt(Kernel::Epanechnikov, 7.0), ks(Kernel::Quartic, 100.0);
  const auto l = lix.lixel_at(0, 402.5);
  EXPECT_NEAR(r.values[l], kt(2.0) * ks(lix[l].mid_offset() - 400.0), 1e-14);
  EXPECT_EQ(r.values[lix.lixel_at(0, 600.0)], 0.0);
  // A 30-day window [0, 30): both early events fully inside: mean weight 1/30 each.
  const auto m = space_time_estimate(net, lix, ev, t, {}, o, tk, {0.0, 30.0});
  EXPECT_NEAR(integrate(lix, m.values), 2.0 / 30.0, 1e-6);
  const auto w = time_weights(t, {}, tk, {0.0, 30.0});
  EXPECT_NEAR(w[0], 1.0 / 30.0, 1e-15);
  EXPECT_EQ(w[2], 0.0);
}

}  // namespace
}  // namespace tryggve::density
