#pragma once
// Seeded random numbers that do not depend on the thread count: every unit of
// parallel work (a replicate, a permutation block, a lixel) draws from its own
// stream, keyed by (seed, stream id), never from a shared generator. The same
// seed therefore gives the same numbers with 1 or 64 threads.
#include <cmath>
#include <cstdint>
#include <limits>

namespace tryggve {

inline constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// xoshiro256** (Blackman & Vigna), seeded from (seed, stream) by splitmix64.
// Satisfies UniformRandomBitGenerator, but prefer the member distributions:
// std:: distributions are not specified bit-for-bit across library versions.
class Rng {
 public:
  using result_type = std::uint64_t;
  explicit Rng(std::uint64_t seed, std::uint64_t stream = 0) {
    std::uint64_t sm = seed ^ (0xD1B54A32D192ED03ULL * (stream + 1));
    for (auto& w : s_) w = splitmix64(sm);
  }
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  result_type operator()() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0]; s_[3] ^= s_[1]; s_[1] ^= s_[2]; s_[0] ^= s_[3];
    s_[2] ^= t; s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  // Uniform integer in [0, n), unbiased (Lemire).
  std::uint64_t below(std::uint64_t n) {
    if (n == 0) return 0;
    __uint128_t m = static_cast<__uint128_t>((*this)()) * n;
    auto l = static_cast<std::uint64_t>(m);
    if (l < n) {
      const std::uint64_t t = (0 - n) % n;
      while (l < t) { m = static_cast<__uint128_t>((*this)()) * n; l = static_cast<std::uint64_t>(m); }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }
  double exponential(double rate) { return -std::log1p(-uniform()) / rate; }
  double normal() {  // Box-Muller, one value per call (deterministic, no cached state)
    double u1 = uniform(), u2 = uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }
  // Poisson variate (Knuth for small means, PTRS-free normal-approx-free inversion by
  // splitting for large means so it stays exact and deterministic).
  std::uint64_t poisson(double mean);

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

inline std::uint64_t Rng::poisson(double mean) {
  std::uint64_t total = 0;
  // Split large means into chunks of at most 30 so exp(-chunk) never underflows.
  while (mean > 30.0) { total += poisson(30.0); mean -= 30.0; }
  if (mean <= 0.0) return total;
  const double limit = std::exp(-mean);
  double p = uniform();
  std::uint64_t k = 0;
  while (p > limit) { p *= uniform(); ++k; }
  return total + k;
}

// The default seed, overridable by TRYGGVE_SEED in the environment (tests: OSRM_TEST_SEED-style).
std::uint64_t default_seed();

}  // namespace tryggve
