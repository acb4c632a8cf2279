// Knox near-repeat test: counts by hand, expectation in closed form, network vs
// straight line on a straight street, planted near repeats, determinism.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "tryggve/core/error.hpp"
#include "tryggve/core/parallel.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/hotspot/knox.hpp"

using namespace tryggve;
using namespace tryggve::hotspot;

TEST(Knox, ObservedByHandAndExpectedInClosedForm) {
  // Pairs: (0,1) 50 m, 3 days -> cell (0,0); (0,3) 150 m, 40 days and (1,3) 158 m,
  // 37 days -> space band 1, beyond the time bands; the rest beyond 200 m.
  const std::vector<Point> pts{{0, 0}, {50, 0}, {500, 0}, {0, 150}};
  const std::vector<double> t{0, 3, 20, 40};
  KnoxOptions o;
  o.space_bands_m = {100, 200};
  o.time_bands_days = {7, 14};
  o.permutations = 20000;
  o.seed = 9;
  const auto r = knox_euclidean(pts, t, o);
  EXPECT_EQ(r.close_pairs, 3u);
  EXPECT_EQ(r.at(r.observed, 0, 0), 1.0);
  EXPECT_EQ(r.at(r.observed, 1, 0), 0.0);
  // Under permuted times a given pair is within 7 days with probability 1/6 (only the
  // times 0 and 3 are that close): E = 1/6 for cell (0,0), 2/6 for cell (1,0).
  EXPECT_NEAR(r.at(r.expected, 0, 0), 1.0 / 6.0, 0.01);
  EXPECT_NEAR(r.at(r.expected, 1, 0), 2.0 / 6.0, 0.015);
  EXPECT_NEAR(r.first_cell_ratio(), 6.0, 0.4);
  EXPECT_NEAR(r.at(r.p_value, 0, 0), 1.0 / 6.0, 0.01);  // P(sim >= 1)
  EXPECT_TRUE(std::isnan(r.at(r.ratio, 0, 1)));         // nothing can fall in (7, 14]
}

// The time band of a close pair comes from a table and a step along the edges
// (knox.cpp): it must be the band a binary search gives, for differences on an
// edge, just inside it and just beyond it, with whole-day, fractional and very
// long bands (the table's step is then more than a day).
TEST(Knox, TimeBandsAtTheirEdgesAreTheBandsABinarySearchGives) {
  const std::vector<std::vector<double>> band_sets{
      {1, 2, 3, 5, 7, 10, 14, 21, 30}, {0, 0.25, 0.5, 7.5}, {0.1, 3000, 9000, 20000.5}};
  for (const auto& edges : band_sets) {
    std::vector<Point> pts;
    std::vector<double> t;
    Rng rng(5);
    for (int k = 0; k < 150; ++k) {
      pts.push_back({0, 0});  // one place: every pair is close
      const double e = edges[rng.below(edges.size())];
      switch (k % 4) {
        case 0: t.push_back(0); break;
        case 1: t.push_back(e); break;                                  // on an edge (from the zeros)
        case 2: t.push_back(std::nextafter(e, e + 1)); break;           // just beyond it
        default: t.push_back(rng.uniform(0, 1.1 * edges.back()));
      }
    }
    KnoxOptions o;
    o.space_bands_m = {10};
    o.time_bands_days = edges;
    o.permutations = 0;
    const auto r = knox_euclidean(pts, t, o);
    std::vector<double> want(edges.size(), 0.0);
    for (std::size_t i = 0; i < t.size(); ++i)
      for (std::size_t j = i + 1; j < t.size(); ++j) {
        const double dt = std::abs(t[i] - t[j]);
        if (dt <= edges.back()) want[static_cast<std::size_t>(std::lower_bound(edges.begin(), edges.end(), dt) - edges.begin())] += 1;
      }
    for (std::size_t b = 0; b < edges.size(); ++b) EXPECT_EQ(r.at(r.observed, 0, b), want[b]) << "band " << b << " of " << edges.back();
  }
}

TEST(Knox, NetworkEqualsStraightLineOnAStraightStreet) {
  std::vector<Point> v{{0, 0}, {2000, 0}};
  network::Edge e;
  e.from = 0; e.to = 1; e.geometry = v; e.length = 2000;
  const network::Network net(v, {e});
  Rng rng(3);
  std::vector<Point> pts;
  std::vector<network::NetworkPosition> pos;
  std::vector<double> t;
  for (int k = 0; k < 300; ++k) {
    const double x = rng.uniform(0, 2000);
    pts.push_back({x, 0});
    pos.push_back({0, x});
    t.push_back(std::floor(rng.uniform(0, 365)));
  }
  KnoxOptions o;
  o.permutations = 99;
  const auto a = knox_euclidean(pts, t, o);
  const auto b = knox_network(net, pos, t, o);
  EXPECT_EQ(a.close_pairs, b.close_pairs);
  EXPECT_EQ(a.observed, b.observed);
  EXPECT_EQ(a.expected, b.expected);
}

namespace {
// `background` events uniform over a square of `side` m and a year, then `repeats`
// each within `jitter` m (per axis) and `days` after a background event.
void plant(Rng& rng, int background, int repeats, double side, double jitter, double days, std::vector<Point>& pts,
           std::vector<double>& t) {
  for (int k = 0; k < background; ++k) {
    pts.push_back({rng.uniform(0, side), rng.uniform(0, side)});
    t.push_back(rng.uniform(0, 365));
  }
  for (int k = 0; k < repeats; ++k) {
    const auto parent = rng.below(static_cast<std::uint64_t>(background));
    pts.push_back({pts[parent].x + rng.uniform(-jitter, jitter), pts[parent].y + rng.uniform(-jitter, jitter)});
    t.push_back(t[parent] + rng.uniform(0, days));
  }
}
}  // namespace

TEST(Knox, PlantedNearRepeatsAndThreadIndependence) {
  // 400 background events uniform over 5 km x 5 km and a year, plus 200 repeats each
  // within 80 m and 5 days of a background event.
  Rng rng(21);
  std::vector<Point> pts;
  std::vector<double> t;
  plant(rng, 400, 200, 5000, 55, 5, pts, t);
  KnoxOptions o;
  o.permutations = 199;
  KnoxResult one, two;
  {
    auto g = limit_threads(1);
    one = knox_euclidean(pts, t, o);
  }
  {
    auto g = limit_threads(2);
    two = knox_euclidean(pts, t, o);
  }
  EXPECT_EQ(one.expected, two.expected);
  EXPECT_EQ(one.p_value, two.p_value);
  EXPECT_GT(one.first_cell_ratio(), 5.0);
  EXPECT_LE(one.at(one.p_value, 0, 0), 0.005);
  // Far apart in space or time there is nothing to explain.
  EXPECT_NEAR(one.at(one.ratio, 4, 4), 1.0, 0.6);
}

// The pooled near region by hand on the four-event example, and pairs handed over
// with their distances give the same table as the straight-line search.
TEST(Knox, PooledNearRegionAndGivenPairs) {
  const std::vector<Point> pts{{0, 0}, {50, 0}, {500, 0}, {0, 150}};
  const std::vector<double> t{0, 3, 20, 40};
  KnoxOptions o;
  o.space_bands_m = {100, 200};
  o.time_bands_days = {7, 14, 50};
  o.permutations = 20000;
  o.seed = 9;
  o.near_m = 150;   // rounded up to the 200 m edge: both space bands
  o.near_days = 7;  // the first time band
  const auto r = knox_euclidean(pts, t, o);
  EXPECT_EQ(r.near_space_bands, 2u);
  EXPECT_EQ(r.near_time_bands, 1u);
  EXPECT_EQ(r.near_observed, 1.0);  // only (0,1) is within 7 days
  // Three close pairs, each within 7 days with probability 1/6 under permuted times.
  EXPECT_NEAR(r.near_expected, 3.0 / 6.0, 0.02);
  // P(at least one of the three close pairs gets the only close-in-time couple of
  // times {0, 3}): the pairs (0,1), (0,3), (1,3) hold 3 of the 6 couples: 1/2.
  EXPECT_NEAR(r.near_p_value, 0.5, 0.02);
  // Given pairs: the same table.
  std::vector<KnoxPair> pairs;
  for (std::uint32_t i = 0; i < 4; ++i)
    for (std::uint32_t j = i + 1; j < 4; ++j) pairs.push_back({j, i, distance(pts[i], pts[j])});  // either order
  const auto g = knox_pairs(pairs, t, o);
  EXPECT_EQ(g.close_pairs, r.close_pairs);
  EXPECT_EQ(g.observed, r.observed);
  EXPECT_EQ(g.expected, r.expected);
  EXPECT_EQ(g.near_p_value, r.near_p_value);
  EXPECT_THROW(knox_pairs({{0, 9, 1.0}}, t, o), Error);
  EXPECT_THROW(knox_pairs({{0, 1, -1.0}}, t, o), Error);
}

TEST(Knox, RejectsBadBands) {
  KnoxOptions o;
  o.space_bands_m = {100, 50};
  EXPECT_THROW(knox_euclidean({{0, 0}, {1, 1}}, {0, 1}, o), Error);
  o.space_bands_m = {100};
  EXPECT_THROW(knox_euclidean({{0, 0}, {1, 1}}, {0}, o), Error);
}

// KnoxMethod::Moments: the mean and variance of every cell's count (and the pooled
// near region's) over all 7! = 5,040 orderings of the times, counted one by one,
// with ties among the times and a pair on a band's edge.
TEST(Knox, MomentsAreTheMeanAndVarianceOverEveryPermutation) {
  const std::vector<double> t{0, 3, 3, 10, 17.5, 30, 31};
  std::vector<KnoxPair> pairs;
  const double d[7][7] = {{0, 40, 120, 90, 300, 60, 150},  {0, 0, 100, 250, 70, 199, 30},
                          {0, 0, 0, 55, 160, 80, 400},     {0, 0, 0, 0, 20, 180, 95},
                          {0, 0, 0, 0, 0, 140, 200},       {0, 0, 0, 0, 0, 0, 45},
                          {0, 0, 0, 0, 0, 0, 0}};
  for (std::uint32_t i = 0; i < 7; ++i)
    for (std::uint32_t j = i + 1; j < 7; ++j) pairs.push_back({i, j, d[i][j]});
  KnoxOptions o;
  o.space_bands_m = {50, 100, 200};
  o.time_bands_days = {3, 7, 14, 21};
  o.near_m = 100;
  o.near_days = 7;
  o.method = KnoxMethod::Moments;
  const auto r = knox_pairs(pairs, t, o);
  EXPECT_EQ(r.permutations, 0u);
  const std::size_t S = 3, T = 4;
  std::vector<double> sum(S * T, 0), sq(S * T, 0);
  double near_sum = 0, near_sq = 0, permutations = 0;
  std::vector<int> perm{0, 1, 2, 3, 4, 5, 6};
  do {
    std::vector<double> c(S * T, 0);
    double near = 0;
    for (const auto& p : pairs) {
      const double dt = std::abs(t[perm[p.i]] - t[perm[p.j]]);
      const auto s = std::lower_bound(o.space_bands_m.begin(), o.space_bands_m.end(), p.distance_m) - o.space_bands_m.begin();
      const auto b = std::lower_bound(o.time_bands_days.begin(), o.time_bands_days.end(), dt) - o.time_bands_days.begin();
      if (s >= static_cast<long>(S) || b >= static_cast<long>(T)) continue;
      c[s * T + b] += 1;
      near += s < 2 && b < 2;
    }
    for (std::size_t k = 0; k < S * T; ++k) sum[k] += c[k], sq[k] += c[k] * c[k];
    near_sum += near, near_sq += near * near, permutations += 1;
  } while (std::next_permutation(perm.begin(), perm.end()));
  ASSERT_EQ(permutations, 5040.0);
  for (std::size_t k = 0; k < S * T; ++k) {
    const double mean = sum[k] / permutations, var = sq[k] / permutations - mean * mean;
    EXPECT_NEAR(r.expected[k], mean, 1e-12) << "cell " << k;
    EXPECT_NEAR(r.variance[k], var, 1e-12) << "cell " << k;
    EXPECT_GE(r.p_value[k], 0.0);
    EXPECT_LE(r.p_value[k], 1.0);
  }
  EXPECT_EQ(r.near_space_bands, 2u);
  EXPECT_EQ(r.near_time_bands, 2u);
  const double near_mean = near_sum / permutations;
  EXPECT_NEAR(r.near_expected, near_mean, 1e-12);
  EXPECT_NEAR(r.near_variance, near_sq / permutations - near_mean * near_mean, 1e-12);
  // The observed counts are the permutation method's.
  o.method = KnoxMethod::Permutation;
  o.permutations = 19;
  EXPECT_EQ(knox_pairs(pairs, t, o).observed, r.observed);
}

// On the planted pattern and on the same events with their times shuffled (no near
// repeats), the moments' p-values tell the same story as 1,999 permutations: the
// same cells significant at 0.05 wherever the permutation p-value is clearly on one
// side of it, and the same means and variances within the permutations' own error.
TEST(Knox, MomentsAgreeWithThePermutations) {
  Rng rng(21);
  std::vector<Point> pts;
  std::vector<double> t;
  plant(rng, 600, 60, 3000, 70, 10, pts, t);
  std::vector<double> shuffled = t;
  for (std::size_t k = shuffled.size(); k > 1; --k) std::swap(shuffled[k - 1], shuffled[rng.below(k)]);
  KnoxOptions o;
  o.space_bands_m = {50, 100, 150, 200};
  o.time_bands_days = {1, 3, 7, 14, 30};
  o.near_m = 100;
  o.near_days = 7;
  o.permutations = 1999;
  for (const auto* times : {&t, &shuffled}) {
    o.method = KnoxMethod::Permutation;
    const auto perm = knox_euclidean(pts, *times, o);
    o.method = KnoxMethod::Moments;
    const auto mom = knox_euclidean(pts, *times, o);
    EXPECT_EQ(mom.observed, perm.observed);
    for (std::size_t c = 0; c < mom.observed.size(); ++c) {
      // The permutations' mean is off by its standard error sqrt(var / 1999).
      const double se = std::sqrt(mom.variance[c] / 1999.0);
      EXPECT_NEAR(perm.expected[c], mom.expected[c], 4 * se + 1e-9) << "cell " << c;
      EXPECT_NEAR(perm.variance[c], mom.variance[c], 0.15 * mom.variance[c] + 1e-9) << "cell " << c;
      const double pp = perm.p_value[c], pm = mom.p_value[c];
      if (pp <= 0.02 || pp >= 0.12) {
        EXPECT_EQ(pp <= 0.05, pm <= 0.05) << "cell " << c << ": " << pp << " vs " << pm;
      }
      EXPECT_NEAR(pm, pp, 0.05 + 0.25 * pp) << "cell " << c;
    }
    const bool planted = times == &t;
    EXPECT_EQ(mom.near_p_value <= 0.05, planted);
    EXPECT_EQ(perm.near_p_value <= 0.05, planted);
  }
}

// Where every permutation gives the same count (all times equal: every pair in the
// first time band), the count's variance is 0 and its p-value 1, not a Poisson tail.
TEST(Knox, MomentsOfAConstantCountGiveNoEvidence) {
  const std::vector<Point> pts{{0, 0}, {50, 0}, {120, 0}, {0, 150}, {900, 900}};
  const std::vector<double> t(5, 3.0);
  KnoxOptions o;
  o.space_bands_m = {100, 200};
  o.time_bands_days = {7, 14};
  o.method = KnoxMethod::Moments;
  const auto r = knox_euclidean(pts, t, o);
  for (std::size_t s = 0; s < 2; ++s) {
    ASSERT_GT(r.at(r.observed, s, 0), 0.0);
    EXPECT_EQ(r.at(r.expected, s, 0), r.at(r.observed, s, 0));
    EXPECT_NEAR(r.at(r.variance, s, 0), 0.0, 1e-9);
    EXPECT_EQ(r.at(r.p_value, s, 0), 1.0);
    EXPECT_EQ(r.at(r.p_value, s, 1), 1.0);  // nothing falls in (7, 14]
  }
  EXPECT_EQ(r.near_p_value, 1.0);
}

// Events at sites with site-to-site distances (the simulation's cells): the same table,
// moments and p-values as knox_pairs given every close pair, bit for bit, under both
// methods, at any thread count; ties in time, a site beyond the last band, a site without
// events, events at one site far apart in time and a site without itself in its list.
TEST(Knox, SitesGiveTheTableOfEveryClosePair) {
  constexpr std::uint32_t M = 40;
  Rng rng(17, 0);
  // Sites on a line, 0-300 m apart, and one (site 39) whose list lacks itself.
  std::vector<double> x(M);
  for (auto& v : x) v = 6.0 * static_cast<double>(rng.below(50));
  KnoxSites sites;
  sites.first.push_back(0);
  for (std::uint32_t c = 0; c < M; ++c) {
    for (std::uint32_t u = 0; u < M; ++u) {
      const double d = std::abs(x[c] - x[u]);
      if (d > 260 || (c == 39 && u == 39)) continue;
      sites.neighbour.push_back(u);
      sites.distance_m.push_back(d);
    }
    sites.first.push_back(sites.neighbour.size());
  }
  std::vector<double> t;
  for (std::uint32_t i = 0; i < 1500; ++i) {
    sites.site_of_event.push_back(static_cast<std::uint32_t>(rng.below(M - 2)));  // site 38 holds none
    if (i % 100 == 7) sites.site_of_event.back() = 39;
    t.push_back(std::floor(static_cast<double>(rng.below(7300)) / 4.0));  // five years, many ties
  }
  KnoxOptions o;
  o.space_bands_m = {50, 100, 150, 200};
  o.time_bands_days = {1, 2, 7, 14, 30, 60};
  o.near_m = 100;
  o.near_days = 7;
  std::vector<KnoxPair> pairs;  // every close pair once, at the distance in the first event's list
  for (std::uint32_t i = 0; i < t.size(); ++i)
    for (std::uint32_t j = i + 1; j < t.size(); ++j) {
      const std::uint32_t a = sites.site_of_event[i], b = sites.site_of_event[j];
      if (a == 39 && b == 39) continue;
      const double d = std::abs(x[a] - x[b]);
      if (d <= 200) pairs.push_back({i, j, d});
    }
  for (KnoxMethod m : {KnoxMethod::Moments, KnoxMethod::Permutation}) {
    o.method = m;
    o.permutations = 29;
    const auto want = knox_pairs(pairs, t, o);
    for (int threads : {1, 2}) {
      const auto limit = limit_threads(threads);
      const auto got = knox_sites(sites, t, o);
      EXPECT_EQ(got.close_pairs, want.close_pairs);
      EXPECT_EQ(got.observed, want.observed);
      EXPECT_EQ(got.expected, want.expected);
      EXPECT_EQ(got.variance, want.variance);
      EXPECT_EQ(got.p_value, want.p_value);
      EXPECT_EQ(got.events, want.events);
      EXPECT_EQ(got.near_space_bands, want.near_space_bands);
      EXPECT_EQ(got.near_time_bands, want.near_time_bands);
      EXPECT_EQ(got.near_observed, want.near_observed);
      EXPECT_EQ(got.near_expected, want.near_expected);
      EXPECT_EQ(got.near_variance, want.near_variance);
      EXPECT_EQ(got.near_p_value, want.near_p_value);
    }
    // Lists that disagree (the later site's list 30 m longer, or missing the pair): the
    // smaller distance, the same table.
    KnoxSites lopsided = sites;
    for (std::uint32_t c = 0; c < M; ++c)
      for (std::size_t k = lopsided.first[c]; k < lopsided.first[c + 1]; ++k)
        if (lopsided.neighbour[k] < c) lopsided.distance_m[k] += (k % 3 == 0) ? 1e9 : 30.0;
    const auto lop = knox_sites(lopsided, t, o);
    EXPECT_EQ(lop.close_pairs, want.close_pairs);
    EXPECT_EQ(lop.observed, want.observed);
    EXPECT_EQ(lop.expected, want.expected);
    EXPECT_EQ(lop.variance, want.variance);
  }
  EXPECT_GT(pairs.size(), 10000u);
  // Bad sites are errors naming what is wrong.
  KnoxSites bad = sites;
  bad.site_of_event[3] = M;
  EXPECT_THROW(knox_sites(bad, t, o), Error);
  bad = sites;
  bad.neighbour[5] = M + 3;
  EXPECT_THROW(knox_sites(bad, t, o), Error);
  bad = sites;
  bad.distance_m[5] = -1;
  EXPECT_THROW(knox_sites(bad, t, o), Error);
  bad.distance_m[5] = NAN;
  EXPECT_THROW(knox_sites(bad, t, o), Error);
  bad = sites;
  std::swap(bad.first[3], bad.first[4]);  // a list ending before it starts
  EXPECT_THROW(knox_sites(bad, t, o), Error);
  bad = sites;
  bad.first.back() += 1;
  EXPECT_THROW(knox_sites(bad, t, o), Error);
  bad = sites;
  bad.site_of_event.pop_back();
  EXPECT_THROW(knox_sites(bad, t, o), Error);
}
