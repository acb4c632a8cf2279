// Mann-Kendall by hand, one crafted z/p series per emerging hot spot class, and the
// whole pipeline on a grid with a planted, growing hot spot.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>

#include "grid.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/limits.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/hotspot/emerging.hpp"

using namespace tryggve;
using namespace tryggve::hotspot;

TEST(MannKendall, StrictlyIncreasing) {
  std::vector<double> x{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  const auto mk = mann_kendall(x);
  EXPECT_EQ(mk.s, 45);
  EXPECT_DOUBLE_EQ(mk.var_s, 125.0);  // 10 * 9 * 25 / 18
  EXPECT_NEAR(mk.z, 44.0 / std::sqrt(125.0), 1e-12);
  EXPECT_DOUBLE_EQ(mk.tau, 1.0);
  EXPECT_NEAR(mk.p, std::erfc(44.0 / std::sqrt(125.0) / std::sqrt(2.0)), 1e-15);
}

TEST(MannKendall, TiesCorrectVarianceAndTau) {
  // {1, 2, 2, 3}: S = 5; var = (4*3*13 - 2*1*9) / 18; tau-b = 5 / sqrt(6 * 5).
  std::vector<double> x{1, 2, 2, 3};
  const auto mk = mann_kendall(x);
  EXPECT_EQ(mk.s, 5);
  EXPECT_NEAR(mk.var_s, (156.0 - 18.0) / 18.0, 1e-12);
  EXPECT_NEAR(mk.z, 4.0 / std::sqrt(138.0 / 18.0), 1e-12);
  EXPECT_NEAR(mk.tau, 5.0 / std::sqrt(30.0), 1e-12);
  std::vector<double> flat(6, 2.0);
  EXPECT_EQ(mann_kendall(flat).p, 1.0);
  EXPECT_EQ(mann_kendall(flat).tau, 0.0);
}

namespace {

constexpr double kSig = 0.01, kNot = 0.5;

struct Series {
  const char* name;
  EmergingClass expect;
  std::vector<double> z, p;
};

Series mirror(const Series& s, const char* name, EmergingClass c) {
  Series m{name, c, s.z, s.p};
  for (double& v : m.z) v = -v;
  return m;
}

// n steps, all not significant with a small flat z.
Series quiet(const char* name, EmergingClass c, std::size_t n) {
  return {name, c, std::vector<double>(n, 0.3), std::vector<double>(n, kNot)};
}

std::vector<Series> crafted() {
  std::vector<Series> v;
  Series s = quiet("new_hot", EmergingClass::NewHot, 10);
  s.z[9] = 3; s.p[9] = kSig;
  v.push_back(s);
  s = quiet("consecutive_hot", EmergingClass::ConsecutiveHot, 10);
  for (int t = 7; t < 10; ++t) { s.z[t] = 3; s.p[t] = kSig; }
  v.push_back(s);
  s = quiet("intensifying_hot", EmergingClass::IntensifyingHot, 10);
  for (int t = 0; t < 10; ++t) { s.z[t] = 2.7 + 0.5 * t; s.p[t] = kSig; }
  v.push_back(s);
  s = quiet("persistent_hot", EmergingClass::PersistentHot, 10);
  for (int t = 0; t < 10; ++t) { s.z[t] = t % 2 ? 3.5 : 3.0; s.p[t] = kSig; }
  v.push_back(s);
  s = quiet("diminishing_hot", EmergingClass::DiminishingHot, 10);
  for (int t = 0; t < 10; ++t) { s.z[t] = 8 - 0.5 * t; s.p[t] = kSig; }
  v.push_back(s);
  s = quiet("sporadic_hot", EmergingClass::SporadicHot, 10);
  for (int t : {1, 4, 9}) { s.z[t] = 3; s.p[t] = kSig; }
  v.push_back(s);
  s = quiet("oscillating_hot", EmergingClass::OscillatingHot, 10);
  s.z[2] = -3; s.p[2] = kSig;
  s.z[9] = 3; s.p[9] = kSig;
  v.push_back(s);
  // Historical needs >= 90% hot steps with the final one not hot: 19 of 20.
  s = quiet("historical_hot", EmergingClass::HistoricalHot, 20);
  for (int t = 0; t < 19; ++t) { s.z[t] = 3; s.p[t] = kSig; }
  v.push_back(s);
  const std::size_t hot = v.size();
  for (std::size_t k = 0; k < hot; ++k) {
    static const char* cold_names[] = {"new_cold", "consecutive_cold", "intensifying_cold", "persistent_cold",
                                       "diminishing_cold", "sporadic_cold", "oscillating_cold", "historical_cold"};
    v.push_back(mirror(v[k], cold_names[k], static_cast<EmergingClass>(static_cast<int>(v[k].expect) + 8)));
  }
  v.push_back(quiet("no_pattern", EmergingClass::NoPattern, 10));
  return v;
}

class EmergingClassTest : public ::testing::TestWithParam<Series> {};

}  // namespace

TEST_P(EmergingClassTest, CraftedSeries) {
  const Series& s = GetParam();
  MannKendall mk;
  const EmergingClass got = classify_emerging(s.z, s.p, 0.05, 0.05, &mk);
  EXPECT_EQ(to_string(got), to_string(s.expect)) << "MK tau " << mk.tau << " p " << mk.p;
  EXPECT_EQ(to_string(s.expect), s.name);
}

INSTANTIATE_TEST_SUITE_P(AllSeventeen, EmergingClassTest, ::testing::ValuesIn(crafted()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Emerging, CraftedSeriesCoverAllSeventeenClasses) {
  std::vector<int> seen(kEmergingClassCount, 0);
  for (const auto& s : crafted()) ++seen[static_cast<int>(s.expect)];
  for (int c = 0; c < kEmergingClassCount; ++c) EXPECT_EQ(seen[c], 1) << to_string(static_cast<EmergingClass>(c));
}

TEST(Emerging, BoundaryRules) {
  // Sporadic also when the final step is quiet; no pattern when hot and cold both
  // occurred and the final step is quiet; a single significant final step after a
  // quiet history is new, two are consecutive.
  Series s = quiet("", EmergingClass::NoPattern, 10);
  s.z[3] = 3; s.p[3] = kSig;
  EXPECT_EQ(classify_emerging(s.z, s.p, 0.05, 0.05), EmergingClass::SporadicHot);
  s.z[5] = -3; s.p[5] = kSig;
  EXPECT_EQ(classify_emerging(s.z, s.p, 0.05, 0.05), EmergingClass::NoPattern);
  // 9 of 10 hot (90%) with the final hot and no trend: persistent, not consecutive.
  s = quiet("", EmergingClass::NoPattern, 10);
  for (int t = 1; t < 10; ++t) { s.z[t] = t % 2 ? 3.5 : 3.0; s.p[t] = kSig; }
  EXPECT_EQ(classify_emerging(s.z, s.p, 0.05, 0.05), EmergingClass::PersistentHot);
  // p exactly at alpha counts as significant (as sfdep: p <= threshold).
  s = quiet("", EmergingClass::NoPattern, 10);
  s.z[9] = 2; s.p[9] = 0.05;
  EXPECT_EQ(classify_emerging(s.z, s.p, 0.05, 0.05), EmergingClass::NewHot);
}

namespace {
// n units x T steps, every count 0 (the tests fill them).
SpaceTimeCube zero_cube(std::size_t n, std::size_t T) {
  SpaceTimeCube cube;
  cube.n_units = n;
  cube.n_steps = T;
  cube.values.resize(n * T);
  return cube;
}
}  // namespace

TEST(Emerging, PipelineFindsAGrowingHotSpot) {
  // 10 x 10 grid, 12 months; background Poisson(1) per segment and month; around
  // one corner the rate grows from 1 to 12 over the months.
  const auto net = test::grid_network(10, 10, 100);
  const auto units = SpatialUnits::segments(net);
  const std::size_t n = units.size(), T = 12;
  SpaceTimeCube cube = zero_cube(n, T);
  cube.first_bin = 54 * 12;  // 2024-01
  Rng rng(11);
  std::vector<bool> growing(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Point m = net.point_at(units[i].edge, units[i].mid_offset());
    growing[i] = distance(m, {150, 150}) < 160;
  }
  for (std::size_t t = 0; t < T; ++t)
    for (std::size_t i = 0; i < n; ++i)
      cube.values[t * n + i] = static_cast<double>(rng.poisson(growing[i] ? 1.0 + static_cast<double>(t) : 1.0));
  WeightsOptions wo;
  wo.max_distance_m = 150;
  const Weights w = build_weights(net, units, wo);
  EmergingOptions eo;
  eo.time_lags = 1;
  const auto r = emerging_hotspots(w, cube, eo);
  ASSERT_EQ(r.locations.size(), n);
  std::size_t emerging_in = 0, count_in = 0, hot_out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = r.locations[i].cls;
    const bool hotlike = c == EmergingClass::NewHot || c == EmergingClass::ConsecutiveHot ||
                         c == EmergingClass::IntensifyingHot || c == EmergingClass::SporadicHot;
    if (growing[i]) { ++count_in; emerging_in += hotlike; EXPECT_GT(r.locations[i].trend.tau, 0); }
    else hot_out += hotlike && r.locations[i].trend.p < 0.05;
  }
  EXPECT_GE(emerging_in * 10, count_in * 8);  // at least 80% of the growing segments
  EXPECT_LT(hot_out, n / 10);
  std::size_t total = 0;
  for (auto c : r.class_counts) total += c;
  EXPECT_EQ(total, n);
  EXPECT_EQ(r.p_from, Significance::Analytical);
}

// The stage reads the space-time neighbourhoods row by row (SpaceTimeRows) instead
// of storing them: its z and p must be those of Gi* on the stored space-time
// weights, bit for bit, with raw and row-standardised weights, analytical and
// permutation p, with and without FDR.
TEST(Emerging, RowByRowEqualsTheStoredSpaceTimeWeights) {
  const auto net = test::grid_network(6, 6, 100);
  const auto units = SpatialUnits::segments(net);
  const std::size_t n = units.size(), T = 7;
  SpaceTimeCube cube = zero_cube(n, T);
  Rng rng(14);
  for (std::size_t c = 0; c < n * T; ++c) cube.values[c] = static_cast<double>(rng.poisson(c % 11 == 0 ? 6.0 : 1.0));
  for (const auto style : {WeightStyle::Raw, WeightStyle::RowStandardised})
    for (const std::size_t perms : {std::size_t{0}, std::size_t{99}}) {
      WeightsOptions wo;
      wo.max_distance_m = 250;
      wo.style = style;
      const Weights w = build_weights(net, units, wo);
      EmergingOptions eo;
      eo.time_lags = 2;
      eo.permutations = perms;
      eo.fdr = perms > 0;
      eo.seed = 7;
      const auto r = emerging_hotspots(w, cube, eo);
      Weights st = space_time_weights(w, T, eo.time_lags);
      if (style == WeightStyle::RowStandardised) st = row_standardise(st);
      LocalOptions lo;
      lo.permutations = perms;
      lo.seed = eo.seed;
      lo.fdr = eo.fdr;
      lo.classify_by = perms > 0 ? Significance::Permutation : Significance::Analytical;
      const auto g = gi_star(st, cube.values, lo);
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t t = 0; t < T; ++t) {
          const LocalStat& s = g.stats[t * n + i];
          const double z = std::isfinite(s.z) ? s.z : 0.0;
          const double p0 = eo.fdr ? s.p_fdr : (perms > 0 ? s.p_sim : s.p_norm);
          const double p = std::isfinite(p0) ? p0 : 1.0;
          EXPECT_EQ(std::bit_cast<std::uint64_t>(r.locations[i].z[t]), std::bit_cast<std::uint64_t>(z)) << i << "," << t;
          EXPECT_EQ(std::bit_cast<std::uint64_t>(r.locations[i].p[t]), std::bit_cast<std::uint64_t>(p)) << i << "," << t;
        }
    }
}

TEST(Emerging, BinsCountEventsPerUnitAndMonth) {
  const auto net = test::grid_network(3, 3, 100);
  const auto units = SpatialUnits::segments(net);
  std::vector<network::NetworkPosition> pos{{0, 10}, {0, 90}, {3, 50}, {network::kNoEdge, 0}, {3, 1}};
  std::vector<int> bins{5, 5, 7, 5, 9};
  const auto c = bin_counts(units, pos, bins);
  EXPECT_EQ(c.first_bin, 5);
  EXPECT_EQ(c.n_steps, 5u);
  EXPECT_EQ(c.at(0, 0), 2.0);
  EXPECT_EQ(c.at(3, 2), 1.0);
  EXPECT_EQ(c.at(3, 4), 1.0);
  double sum = 0;
  for (double v : c.values) sum += v;
  EXPECT_EQ(sum, 4.0);  // the unsnapped event is skipped
}

// One row dated year 0024 among 2025's used to make a 24,000-month cube; the
// readers now reject such years, and a cube that still would not fit is an
// Error naming its months, before anything is allocated.
TEST(Emerging, ACubeOverTooManyMonthsIsRefusedBeforeAllocation) {
  const auto net = test::grid_network(30, 30, 100);
  const auto units = SpatialUnits::segments(net);
  std::vector<network::NetworkPosition> pos{{0, 10}, {3, 50}};
  std::vector<int> bins{(24 - 1970) * 12, (2025 - 1970) * 12};
  set_memory_limit(8 << 20);
  try {
    bin_counts(units, pos, bins);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::TooLarge);
    EXPECT_NE(std::string(e.what()).find("0024-01 to 2025-01"), std::string::npos) << e.what();
  }
  bins[0] = (2023 - 1970) * 12;
  EXPECT_EQ(bin_counts(units, pos, bins).n_steps, 25u);
  set_memory_limit(0);
}
