#include <cmath>

#include <gtest/gtest.h>

#include "tryggve/density/kernel.hpp"

namespace tryggve::density {
namespace {

constexpr Kernel kAll[] = {Kernel::Quartic, Kernel::Epanechnikov, Kernel::Triweight,
                           Kernel::Gaussian, Kernel::Triangular, Kernel::Uniform};

TEST(Kernel, IntegratesToOneWithTheDocumentedSdAndTail) {
  for (Kernel kind : kAll) {
    const double h = 37.0;
    const KernelFunction k(kind, h);
    // Midpoint rule over the support (Gaussian: its 8 sigma truncation).
    const int n = 200000;
    const double a = -k.support(), b = k.support(), step = (b - a) / n;
    double mass = 0, var = 0, right = 0;
    for (int i = 0; i < n; ++i) {
      const double x = a + (i + 0.5) * step, v = k(x) * step;
      mass += v;
      var += v * x * x;
      if (x > 0.3 * h) right += v;
    }
    EXPECT_NEAR(mass, 1.0, 1e-6) << kernel_name(kind);
    EXPECT_NEAR(std::sqrt(var), kernel_sd(kind, h), 1e-4 * h) << kernel_name(kind);
    EXPECT_NEAR(k.tail(0.3 * h), right, 1e-5) << kernel_name(kind);
    EXPECT_NEAR(k.tail(0.0), 0.5, 1e-12) << kernel_name(kind);
    EXPECT_NEAR(k.tail(-0.3 * h), 1.0 - k.tail(0.3 * h), 1e-12) << kernel_name(kind);
    EXPECT_NEAR(bandwidth_for_sd(kind, kernel_sd(kind, h)), h, 1e-9);
    EXPECT_EQ(parse_kernel(kernel_name(kind)), kind);
  }
  EXPECT_EQ(parse_kernel("Biweight"), Kernel::Quartic);
  EXPECT_FALSE(parse_kernel("cosine").has_value());
}

TEST(Kernel, CompactSupportIsTheBandwidth) {
  for (Kernel kind : kAll) {
    if (kind == Kernel::Gaussian) continue;
    const KernelFunction k(kind, 10.0);
    EXPECT_GT(k(9.99), 0.0) << kernel_name(kind);
    EXPECT_EQ(k(10.0), 0.0) << kernel_name(kind);
    EXPECT_EQ(k.tail(10.0), 0.0) << kernel_name(kind);
  }
  // Known values: Epanechnikov at 0 is 3/(4h); quartic 15/(16h); Gaussian 1/(sqrt(2 pi) sigma).
  EXPECT_DOUBLE_EQ(KernelFunction(Kernel::Epanechnikov, 2.0)(0.0), 0.375);
  EXPECT_DOUBLE_EQ(KernelFunction(Kernel::Quartic, 2.0)(1.0), 15.0 / 32.0 * 0.5625);
  EXPECT_NEAR(KernelFunction(Kernel::Gaussian, 2.0)(0.0), 0.19947114020071635, 1e-15);
}

}  // namespace
}  // namespace tryggve::density
