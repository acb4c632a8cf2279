// Hand-computed checks of the path methods and the heat kernel on small networks.
#include <cmath>

#include <gtest/gtest.h>

#include "density_test_support.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/limits.hpp"
#include "tryggve/core/parallel.hpp"
#include "tryggve/density/density.hpp"
#include "tryggve/density/heat.hpp"
#include "tryggve/network/distance.hpp"

namespace tryggve::density {
namespace {

using network::NetworkPosition;

constexpr Kernel kAll[] = {Kernel::Quartic, Kernel::Epanechnikov, Kernel::Triweight,
                           Kernel::Gaussian, Kernel::Triangular, Kernel::Uniform};

DensityOptions opts(Method m, Kernel k, double h) {
  DensityOptions o;
  o.method = m;
  o.kernel = k;
  o.bandwidth_m = h;
  o.epsilon = 1e-12;
  return o;
}

// One event in the middle of a 1,000-unit segment: every method is the 1-D kernel.
TEST(DensityLine, SingleSegmentGivesTheOneDimensionalKernel) {
  const auto net = test::make_network({{0, 0}, {1000, 0}}, {{0, 1}});
  const std::vector<NetworkPosition> ev{{0, 500.0}};
  std::vector<NetworkPosition> at;
  for (double x = 300; x <= 700; x += 7.5) at.push_back({0, x});
  for (Kernel k : kAll)
    for (Method m : {Method::Simple, Method::EqualSplitDiscontinuous, Method::EqualSplitContinuous}) {
      const double h = 60.0;
      const auto r = density_at(net, at, ev, {}, opts(m, k, h));
      const KernelFunction kf(k, h);
      for (std::size_t i = 0; i < at.size(); ++i)
        ASSERT_NEAR(r.values[i], kf(at[i].offset - 500.0), 1e-14) << kernel_name(k) << " " << method_name(m);
    }
  // Heat with sigma 60 is the Gaussian (ends 8 sigma away reflect nothing measurable).
  const auto r = density_at(net, at, ev, {}, opts(Method::Heat, Kernel::Gaussian, 60.0));
  const KernelFunction g(Kernel::Gaussian, 60.0);
  for (std::size_t i = 0; i < at.size(); ++i)
    EXPECT_NEAR(r.values[i], g(at[i].offset - 500.0), 2e-3 * g(0)) << at[i].offset;
  EXPECT_GT(r.heat_dx_used, 0.0);
}

// A star of degree d; the event on arm 0 at distance a from the centre.
struct StarCase { int degree; };
class StarSplit : public ::testing::TestWithParam<int> {};

TEST_P(StarSplit, EqualSplitRulesAtAVertex) {
  const int d = GetParam();
  const auto net = test::star(d, 1000.0);
  const double a = 30.0, h = 100.0;
  const std::vector<NetworkPosition> ev{{0, a}};  // arm 0 runs from the centre outwards
  // Targets: on arm 1 at distance b from the centre; on arm 0 between centre and event.
  const double b = 40.0, y = 10.0;
  const std::vector<NetworkPosition> at{{1, b}, {0, y}, {0, 80.0}};
  for (Kernel k : kAll) {
    const KernelFunction K(k, h);
    const auto disc = density_at(net, at, ev, {}, opts(Method::EqualSplitDiscontinuous, k, h)).values;
    EXPECT_NEAR(disc[0], K(a + b) / (d - 1), 1e-14) << kernel_name(k);  // forward mass split d-1 ways
    EXPECT_NEAR(disc[1], K(a - y), 1e-14) << kernel_name(k);            // nothing comes back
    const auto cont = density_at(net, at, ev, {}, opts(Method::EqualSplitContinuous, k, h)).values;
    EXPECT_NEAR(cont[0], 2.0 / d * K(a + b), 1e-14) << kernel_name(k);
    EXPECT_NEAR(cont[1], K(a - y) + (2.0 / d - 1.0) * K(a + y), 1e-14) << kernel_name(k);
    EXPECT_NEAR(cont[2], K(80 - a) + (2.0 / d - 1.0) * K(a + 80), 1e-14) << kernel_name(k);
    const auto simple = density_at(net, at, ev, {}, opts(Method::Simple, k, h)).values;
    EXPECT_NEAR(simple[0], K(a + b), 1e-14) << kernel_name(k);
    EXPECT_NEAR(simple[1], K(a - y), 1e-14) << kernel_name(k);
  }
  // The heat kernel on a star with long arms is the continuous rule's Gaussian sum.
  const KernelFunction G(Kernel::Gaussian, h);
  const auto heat = density_at(net, at, ev, {}, opts(Method::Heat, Kernel::Gaussian, h)).values;
  EXPECT_NEAR(heat[0], 2.0 / d * G(a + b), 1e-3 * G(0));
  EXPECT_NEAR(heat[1], G(a - y) + (2.0 / d - 1.0) * G(a + y), 1e-3 * G(0));
  EXPECT_NEAR(heat[2], G(80 - a) + (2.0 / d - 1.0) * G(a + 80), 1e-3 * G(0));
}
INSTANTIATE_TEST_SUITE_P(Degrees, StarSplit, ::testing::Values(3, 4));

TEST(DensityMass, ContinuousAndHeatConserveMassWithDeadEnds) {
  // A "T" with short arms: the kernel reaches the dead ends and reflects.
  const auto net = test::make_network({{0, 0}, {-50, 0}, {60, 0}, {0, 70}, {0, 130}}, {{0, 1}, {0, 2}, {0, 3}, {3, 4}});
  const network::Lixelization lix(net, 0.5);
  const std::vector<NetworkPosition> ev{{0, 10.0}, {3, 20.0}, {2, 59.0}};
  const std::vector<double> w{1.0, 2.0, 0.5};
  for (Kernel k : kAll) {
    auto o = opts(Method::EqualSplitContinuous, k, 90.0);
    const double m = integrate(lix, estimate(net, lix, ev, w, o).values);
    EXPECT_NEAR(m, 3.5, 2e-3 * 3.5) << kernel_name(k);
  }
  const auto heat = estimate(net, lix, ev, w, opts(Method::Heat, Kernel::Gaussian, 40.0));
  EXPECT_NEAR(integrate(lix, heat.values), 3.5, 1e-3 * 3.5);
  // Discontinuous loses, at each dead end, the mass beyond it: event 1 unit from the end of
  // a single 1,000-unit segment keeps 1 - tail(1) ... here on a plain segment.
  const auto seg = test::make_network({{0, 0}, {1000, 0}}, {{0, 1}});
  const network::Lixelization l2(seg, 0.25);
  const std::vector<NetworkPosition> e2{{0, 20.0}};
  for (Kernel k : kAll) {
    const KernelFunction K(k, 50.0);
    const double m = integrate(l2, estimate(seg, l2, e2, {}, opts(Method::EqualSplitDiscontinuous, k, 50.0)).values);
    EXPECT_NEAR(m, 1.0 - K.tail(20.0), 1e-4) << kernel_name(k);
    const double mc = integrate(l2, estimate(seg, l2, e2, {}, opts(Method::EqualSplitContinuous, k, 50.0)).values);
    EXPECT_NEAR(mc, 1.0, 1e-4) << kernel_name(k);
  }
}

TEST(DensityMass, DiscontinuousConservesMassAwayFromDeadEnds) {
  const auto net = test::lattice(9, 50.0);  // border vertices have degree 2-3, no dead ends
  const network::Lixelization lix(net, 1.0);
  const std::vector<NetworkPosition> ev{{60, 17.0}, {70, 3.0}};
  for (Kernel k : {Kernel::Quartic, Kernel::Epanechnikov, Kernel::Uniform}) {
    const double m = integrate(lix, estimate(net, lix, ev, {}, opts(Method::EqualSplitDiscontinuous, k, 120.0)).values);
    EXPECT_NEAR(m, 2.0, 2e-3) << kernel_name(k);
    // The simple method multiplies mass at junctions.
    const double ms = integrate(lix, estimate(net, lix, ev, {}, opts(Method::Simple, k, 120.0)).values);
    EXPECT_GT(ms, 2.2) << kernel_name(k);
  }
}

TEST(DensitySymmetry, DensityAtAFromBEqualsDensityAtBFromA) {
  const auto net = test::lattice(6, 40.0);
  // Edge 7 runs from (120, 0) to (120, 40), edge 31 from (160, 80) to (160, 120): A = (120, 13),
  // B = (160, 109), and every shortest path between them is 27 + 40 + 69 = 136 long (by hand).
  // The compact kernels' bandwidth is their support radius (kernel.hpp), so it must exceed 136
  // for B to reach A at all; 200 does.
  const NetworkPosition A{7, 13.0}, B{31, 29.0};
  {
    network::DistanceWorkspace ws(net);
    ws.run(A, 1e9);
    ASSERT_DOUBLE_EQ(ws.distance_to(B), 136.0);
  }
  for (Method m : {Method::Simple, Method::EqualSplitDiscontinuous, Method::EqualSplitContinuous, Method::Heat}) {
    const auto o = opts(m, m == Method::Heat ? Kernel::Gaussian : Kernel::Quartic, m == Method::Heat ? 30.0 : 200.0);
    const std::vector<NetworkPosition> a{A}, b{B};
    const double ab = density_at(net, a, b, {}, o).values[0];
    const double ba = density_at(net, b, a, {}, o).values[0];
    EXPECT_GT(ab, 0.0) << method_name(m);
    if (m == Method::Simple) {
      EXPECT_NEAR(ab, KernelFunction(Kernel::Quartic, 200.0)(136.0), 1e-15);
    }
    EXPECT_NEAR(ab, ba, 1e-9 * ab + (m == Method::Heat ? 1e-3 * ab : 0.0)) << method_name(m);
  }
}

TEST(DensityLeaveOneOut, RemovesExactlyTheEventsOwnContribution) {
  const auto net = test::lattice(5, 30.0);
  const std::vector<NetworkPosition> ev{{3, 5.0}, {4, 22.0}, {12, 15.0}, {20, 1.0}};
  for (Method m : {Method::Simple, Method::EqualSplitDiscontinuous, Method::EqualSplitContinuous}) {
    auto o = opts(m, Kernel::Epanechnikov, 70.0);
    const auto full = density_at(net, ev, ev, {}, o).values;
    o.leave_one_out = true;
    const auto loo = density_at(net, ev, ev, {}, o).values;
    o.leave_one_out = false;
    for (std::size_t i = 0; i < ev.size(); ++i) {
      const std::vector<NetworkPosition> one{ev[i]};
      const double self = density_at(net, one, one, {}, o).values[0];
      EXPECT_NEAR(loo[i], full[i] - self, 1e-12) << method_name(m) << " event " << i;
    }
  }
}

TEST(DensityParallel, SameNumbersAtAnyThreadCount) {
  const auto net = test::lattice(20, 25.0);
  const network::Lixelization lix(net, 5.0);
  std::vector<NetworkPosition> ev;
  for (std::uint32_t i = 0; i < 900; ++i) ev.push_back({(i * 97u) % 760u, (i % 13) * 1.9});
  for (Method m : {Method::EqualSplitContinuous, Method::Simple, Method::Heat}) {
    const auto o = opts(m, m == Method::Heat ? Kernel::Gaussian : Kernel::Quartic, 60.0);
    std::vector<double> one, two;
    {
      auto lim = limit_threads(1);
      one = estimate(net, lix, ev, {}, o).values;
    }
    {
      auto lim = limit_threads(2);
      two = estimate(net, lix, ev, {}, o).values;
    }
    ASSERT_EQ(one, two) << method_name(m);  // bit for bit
  }
}

TEST(DensityOptions, ErrorsNameTheProblem) {
  const auto net = test::star(3, 100.0);
  const std::vector<NetworkPosition> ev{{0, 5.0}, {7, 1.0}};
  try {
    density_at(net, ev, ev, {}, opts(Method::Simple, Kernel::Quartic, 10.0));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadValue);
    EXPECT_EQ(e.where(), "event 1");
  }
  EXPECT_THROW(density_at(net, ev, ev, {}, opts(Method::Simple, Kernel::Quartic, 0.0)), Error);
  const std::vector<double> w{1.0};
  const std::vector<NetworkPosition> ok{{0, 5.0}, {1, 1.0}};
  EXPECT_THROW(density_at(net, ok, ok, w, opts(Method::Simple, Kernel::Quartic, 10.0)), Error);
  EXPECT_EQ(parse_method("diffusion"), Method::Heat);
}

TEST(HeatChebyshev, CoefficientsSumToTheExponential) {
  // At y = 1, T_k = 1: sum a_k = exp(-2c); at y = -1, T_k = (-1)^k: sum (-1)^k a_k = 1.
  for (double c : {0.3, 5.0, 120.0, 3000.0}) {
    const auto a = chebyshev_exp_coefficients(c);
    double s1 = 0, s2 = 0;
    for (std::size_t k = 0; k < a.size(); ++k) { s1 += a[k]; s2 += (k % 2 ? -a[k] : a[k]); }
    EXPECT_NEAR(s1, std::exp(-2 * c), 1e-13) << c;
    EXPECT_NEAR(s2, 1.0, 1e-12) << c;
  }
}

}  // namespace
}  // namespace tryggve::density

namespace tryggve::density {

// Bounds before allocation: a bandwidth of 0.0001 m on a city's streets used to
// end in "internal error: std::bad_alloc" (and the grid counted its nodes in 32
// bits). Now the heat grid is counted first and refused with the options to change.
TEST(DensityBounds, ATinyBandwidthIsAnErrorThatNamesTheOptions) {
  const auto net = test::lattice(20, 25.0);
  const network::Lixelization lix(net, 5.0);
  const std::vector<NetworkPosition> ev{{3, 1.0}, {40, 2.0}};
  auto o = opts(Method::Heat, Kernel::Gaussian, 0.0001);
  try {
    estimate(net, lix, ev, {}, o);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::TooLarge) << e.what();
    const std::string w = e.what();
    EXPECT_NE(w.find("the heat kernel grid would need"), std::string::npos) << w;
    EXPECT_NE(w.find("--heat-dx-m"), std::string::npos) << w;
    EXPECT_NE(w.find("--bandwidth-m"), std::string::npos) << w;
  }
  // With the memory ceiling out of the way the 32-bit node ids still bound it.
  set_memory_limit(~0ull);
  try {
    estimate(net, lix, ev, {}, o);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::TooLarge) << e.what();
    EXPECT_NE(std::string(e.what()).find("more than the 4294967294"), std::string::npos) << e.what();
  }
  set_memory_limit(0);
  // An explicit grid spacing that fits is used as given.
  o.bandwidth_m = 60.0;
  o.heat_dx_m = 1.0;
  EXPECT_EQ(estimate(net, lix, ev, {}, o).heat_dx_used, 1.0);
}

}  // namespace tryggve::density
