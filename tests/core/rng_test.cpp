#include <gtest/gtest.h>

#include <cmath>

#include "tryggve/core/rng.hpp"

using namespace tryggve;

TEST(Rng, SameSeedAndStreamSameNumbers) {
  Rng a(42, 7), b(42, 7), c(42, 8);
  for (int i = 0; i < 100; ++i) {
    const auto x = a();
    EXPECT_EQ(x, b());
    if (i == 0) { EXPECT_NE(x, c()); }
  }
}

TEST(Rng, UniformAndPoissonMoments) {
  Rng r(1);
  double s = 0, sp = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) s += r.uniform();
  EXPECT_NEAR(s / n, 0.5, 0.005);
  for (int i = 0; i < n; ++i) sp += static_cast<double>(r.poisson(47.5));
  EXPECT_NEAR(sp / n, 47.5, 0.1);
}

TEST(Rng, BelowIsInRange) {
  Rng r(3);
  for (int i = 0; i < 10000; ++i) EXPECT_LT(r.below(17), 17u);
}
