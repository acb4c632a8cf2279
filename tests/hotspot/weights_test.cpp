// Weights on tiny hand-drawn networks, where every distance is checkable by hand.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>

#include "tryggve/hotspot/weights.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/network/lixels.hpp"

using namespace tryggve;
using namespace tryggve::hotspot;

namespace {

// A "T": a straight street of two 100 m segments A(0)-B(1)-C(2) and a 50 m side
// street B-D(3).
//   0 ---e0--- 1 ---e1--- 2
//              |
//              e2
//              |
//              3
network::Network tee() {
  std::vector<Point> v{{0, 0}, {100, 0}, {200, 0}, {100, -50}};
  auto edge = [&](network::VertexId a, network::VertexId b) {
    network::Edge e;
    e.from = a;
    e.to = b;
    e.geometry = {v[a], v[b]};
    e.length = distance(v[a], v[b]);
    return e;
  };
  return network::Network(v, {edge(0, 1), edge(1, 2), edge(1, 3)});
}

std::vector<std::pair<UnitId, double>> row(const Weights& w, std::size_t i) {
  std::vector<std::pair<UnitId, double>> r;
  for (std::size_t k = 0; k < w.cardinality(i); ++k) r.emplace_back(w.neighbours_of(i)[k], w.weights_of(i)[k]);
  return r;
}

}  // namespace

TEST(Weights, SegmentMidpointDistancesOnATee) {
  const auto net = tee();
  const auto units = SpatialUnits::segments(net);
  // Midpoints: e0 at 50 from vertex 0, e1 at 50 from vertex 1, e2 at 25 from vertex 1.
  // d(e0, e1) = 50 + 50 = 100; d(e0, e2) = 50 + 25 = 75; d(e1, e2) = 50 + 25 = 75.
  const Weights d = unit_distances(net, units, 1000);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(row(d, 0), (std::vector<std::pair<UnitId, double>>{{1, 100.0}, {2, 75.0}}));
  EXPECT_EQ(row(d, 1), (std::vector<std::pair<UnitId, double>>{{0, 100.0}, {2, 75.0}}));
  EXPECT_EQ(row(d, 2), (std::vector<std::pair<UnitId, double>>{{0, 75.0}, {1, 75.0}}));
  // The band is inclusive: 75 is in, 100 is out.
  const Weights b = unit_distances(net, units, 75);
  EXPECT_EQ(b.cardinality(0), 1u);
  EXPECT_EQ(b.cardinality(2), 2u);
  EXPECT_EQ(unit_distances(net, units, 74.9).nonzero_count(), 0u);
  EXPECT_EQ(b.isolate_count(), 0u);
  EXPECT_EQ(unit_distances(net, units, 74.9).isolate_count(), 3u);
}

TEST(Weights, LixelDistancesIncludeTheSameEdge) {
  const auto net = tee();
  const network::Lixelization lix(net, 25.0);  // e0, e1: 4 lixels; e2: 2 lixels
  const auto units = SpatialUnits::lixels(net, lix);
  ASSERT_EQ(units.size(), 10u);
  // Lixel 0 (e0, mid 12.5): lixel 1 at 25 along the edge, lixel 3 at 75;
  // e1's first lixel (mid 12.5 from vertex 1) at 87.5 + 12.5 = 100.
  const Weights d = unit_distances(net, units, 100);
  const auto r0 = row(d, 0);
  ASSERT_EQ(r0.size(), 5u);  // lixels 1, 2, 3 of e0; 4 of e1; 8 of e2 (87.5 + 12.5)
  EXPECT_EQ(r0[0], (std::pair<UnitId, double>{1, 25.0}));
  EXPECT_EQ(r0[2], (std::pair<UnitId, double>{3, 75.0}));
  EXPECT_EQ(r0[3], (std::pair<UnitId, double>{4, 100.0}));
  EXPECT_EQ(r0[4], (std::pair<UnitId, double>{8, 100.0}));
  // Symmetric, sorted, no self.
  for (std::size_t i = 0; i < d.size(); ++i) {
    const auto nb = d.neighbours_of(i);
    EXPECT_TRUE(std::is_sorted(nb.begin(), nb.end()));
    for (std::size_t k = 0; k < nb.size(); ++k) {
      EXPECT_NE(nb[k], i);
      const auto back = d.neighbours_of(nb[k]);
      const auto it = std::lower_bound(back.begin(), back.end(), static_cast<UnitId>(i));
      ASSERT_TRUE(it != back.end() && *it == i);
      EXPECT_NEAR(d.weights_of(nb[k])[it - back.begin()], d.weights_of(i)[k], 1e-9);
    }
  }
}

TEST(Weights, ContiguityOfSegmentsAndLixels) {
  const auto net = tee();
  const Weights s = contiguity(net, SpatialUnits::segments(net));
  EXPECT_EQ(row(s, 0), (std::vector<std::pair<UnitId, double>>{{1, 1.0}, {2, 1.0}}));
  EXPECT_EQ(row(s, 2), (std::vector<std::pair<UnitId, double>>{{0, 1.0}, {1, 1.0}}));
  const network::Lixelization lix(net, 25.0);
  const Weights l = contiguity(net, SpatialUnits::lixels(net, lix));
  // Lixel 0 is at the dead end: only lixel 1. Lixel 3 ends at vertex 1 where e1's
  // lixel 4 and e2's lixel 8 start.
  EXPECT_EQ(l.neighbours_of(0).size(), 1u);
  std::vector<UnitId> r3(l.neighbours_of(3).begin(), l.neighbours_of(3).end());
  EXPECT_EQ(r3, (std::vector<UnitId>{2, 4, 8}));
  std::vector<UnitId> r9(l.neighbours_of(9).begin(), l.neighbours_of(9).end());
  EXPECT_EQ(r9, (std::vector<UnitId>{8}));
}

TEST(Weights, SchemesSelfAndStyle) {
  const auto net = tee();
  const auto units = SpatialUnits::segments(net);
  WeightsOptions o;
  o.scheme = WeightScheme::DistanceBand;
  o.max_distance_m = 100;
  o.self = SelfWeight::Include;
  Weights w = build_weights(net, units, o);
  EXPECT_TRUE(w.self_included);
  EXPECT_EQ(row(w, 0), (std::vector<std::pair<UnitId, double>>{{0, 1.0}, {1, 1.0}, {2, 1.0}}));
  o.style = WeightStyle::RowStandardised;
  w = build_weights(net, units, o);
  for (double v : w.weights_of(1)) EXPECT_DOUBLE_EQ(v, 1.0 / 3.0);

  o = {};
  o.scheme = WeightScheme::InverseDistance;
  o.max_distance_m = 100;
  o.power = 2;
  o.self = SelfWeight::Exclude;
  w = build_weights(net, units, o);
  EXPECT_DOUBLE_EQ(w.weights_of(0)[0], 1.0 / (100.0 * 100.0));
  EXPECT_DOUBLE_EQ(w.weights_of(0)[1], 1.0 / (75.0 * 75.0));

  o = {};
  o.scheme = WeightScheme::Kernel;
  o.bandwidth_m = 150;
  o.kernel = KernelShape::Quartic;
  o.self = SelfWeight::Include;
  w = build_weights(net, units, o);
  // Row 0: self K(0) = 1, e1 at u = 2/3, e2 at u = 1/2.
  EXPECT_DOUBLE_EQ(w.weights_of(0)[0], 1.0);
  EXPECT_NEAR(w.weights_of(0)[1], std::pow(1 - 4.0 / 9.0, 2), 1e-15);
  EXPECT_NEAR(w.weights_of(0)[2], std::pow(1 - 0.25, 2), 1e-15);
  EXPECT_NEAR(kernel_value(KernelShape::Gaussian, 0.5), std::exp(-0.125), 1e-15);
  EXPECT_EQ(kernel_value(KernelShape::Epanechnikov, 1.01), 0.0);

  o.bandwidth_m = -1;
  EXPECT_THROW(build_weights(net, units, o), Error);
  EXPECT_THROW(parse_weight_scheme("queen"), Error);
  EXPECT_EQ(parse_weight_style("W"), WeightStyle::RowStandardised);
}

TEST(Weights, IncludeExcludeSelfRoundTrip) {
  const auto net = tee();
  const Weights c = contiguity(net, SpatialUnits::segments(net));
  const Weights s = include_self(c, 2.0);
  EXPECT_EQ(row(s, 1), (std::vector<std::pair<UnitId, double>>{{0, 1.0}, {1, 2.0}, {2, 1.0}}));
  const Weights back = exclude_self(s);
  EXPECT_EQ(back.neighbours, c.neighbours);
  EXPECT_FALSE(back.self_included);
}

TEST(Weights, SpaceTimeNeighbourhoodHasTimeLags) {
  const auto net = tee();
  const Weights sp = include_self(contiguity(net, SpatialUnits::segments(net)));
  const Weights st = space_time_weights(sp, 3, 1);
  ASSERT_EQ(st.size(), 9u);
  // Step 0 has no earlier step: 3 neighbours; steps 1, 2 have 3 + 3.
  EXPECT_EQ(st.cardinality(0), 3u);
  EXPECT_EQ(st.cardinality(3), 6u);
  std::vector<UnitId> r(st.neighbours_of(2 * 3 + 1).begin(), st.neighbours_of(2 * 3 + 1).end());
  EXPECT_EQ(r, (std::vector<UnitId>{3, 4, 5, 6, 7, 8}));  // (j, t=1) and (j, t=2) for j = 0, 1, 2
  EXPECT_EQ(space_time_weights(sp, 3, 5).cardinality(8), 9u);
}

// Emerging hot spots read the space-time rows one at a time instead of storing
// them (a city's would take ~6.5 GB): every row, raw and row-standardised, must be
// the stored one bit for bit, at every lag count.
TEST(Weights, SpaceTimeRowsAreTheStoredRows) {
  const auto net = tee();
  WeightsOptions wo;
  wo.scheme = WeightScheme::InverseDistance;
  wo.max_distance_m = 200;
  const Weights raw = build_weights(net, SpatialUnits::segments(net), wo);
  wo.style = WeightStyle::RowStandardised;
  const Weights standardised = build_weights(net, SpatialUnits::segments(net), wo);
  for (const Weights* sp : {&raw, &standardised})
    for (std::size_t lags : {0u, 1u, 2u, 7u}) {
      Weights stored = space_time_weights(*sp, 4, lags);
      if (sp->style == WeightStyle::RowStandardised) stored = row_standardise(stored);
      const SpaceTimeRows made(*sp, 4, lags);
      ASSERT_EQ(made.size(), stored.size());
      EXPECT_EQ(made.self_included(), stored.self_included);
      WeightRows::Row r;
      for (std::size_t c = 0; c < stored.size(); ++c) {
        made.row(c, r);
        const auto nb = stored.neighbours_of(c);
        const auto wt = stored.weights_of(c);
        ASSERT_EQ(r.neighbours.size(), nb.size()) << "cell " << c << ", lags " << lags;
        for (std::size_t k = 0; k < nb.size(); ++k) {
          EXPECT_EQ(r.neighbours[k], nb[k]);
          EXPECT_EQ(std::bit_cast<std::uint64_t>(r.weights[k]), std::bit_cast<std::uint64_t>(wt[k]));
        }
      }
    }
}
