// Gi*, Gi and local Moran's I on GeoDaNet's Mesa streets (Shapefile, Arizona State
// Plane feet, read as they are: --crs local) against spdep 1.2-7. The R script
// tests/golden/hotspot/make_geodanet_golden.R built the network (spatstat linnet),
// the distances between line midpoints and the weights without Tryggve. Here the
// streets go through Tryggve's own reader and builder (shared_vertices noding: the
// lines cross without a shared vertex in 8 places, which stay unconnected in both).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "golden_csv.hpp"
#include "test_data.hpp"
#include "tryggve/hotspot/local_stats.hpp"
#include "tryggve/hotspot/weights.hpp"
#include "tryggve/io/readers.hpp"
#include "tryggve/network/builder.hpp"

using namespace tryggve;
using namespace tryggve::hotspot;

namespace {

constexpr double kTol = 1e-6;
constexpr double kBandFt = 1000;

struct Geodanet {
  network::Network net;
  std::vector<std::size_t> line_of_edge;  // edge -> feature index in streets.shp
  std::vector<double> counts;             // per edge
  test::GoldenTable g = test::read_golden("geodanet_localG.csv");
  Geodanet() {
    const auto dir = test::shared_data() / "incidents" / "geodanet";
    auto crs = io::CrsContext::from_spec("local");
    auto streets = io::read_streets((dir / "streets.shp").string(), crs);
    network::BuildOptions bo;
    bo.noding = network::Noding::SharedVertices;
    network::LineIndex index;
    const std::size_t lines = streets.lines.size();
    net = network::build_network(std::move(streets.lines), bo, nullptr, &index);
    line_of_edge.assign(net.edge_count(), SIZE_MAX);
    for (std::size_t l = 0; l < lines; ++l)
      for (const auto& p : index.pieces(l))
        if (p.edge != network::kNoEdge) line_of_edge[p.edge] = l;
    // Crimes on their nearest edge, brute force (287 x 293), independent of snap.
    io::PointReadOptions po;
    po.default_kind = "crime";
    const auto crimes = io::read_points((dir / "crimes.shp").string(), crs, po);
    counts.assign(net.edge_count(), 0.0);
    for (const auto& c : crimes) {
      double best = 1e300;
      network::EdgeId best_e = 0;
      for (network::EdgeId e = 0; e < net.edge_count(); ++e) {
        const auto& geo = net.edge(e).geometry;
        for (std::size_t k = 0; k + 1 < geo.size(); ++k) {
          const double d = distance(c.pos, closest_on_segment(c.pos, geo[k], geo[k + 1]));
          if (d < best) { best = d; best_e = e; }
        }
      }
      counts[best_e] += 1;
    }
  }
  // A golden column in edge order.
  std::vector<double> col(const std::string& name) const {
    std::vector<double> v(net.edge_count());
    for (std::size_t e = 0; e < v.size(); ++e) v[e] = g[name][line_of_edge[e]];
    return v;
  }
};

const Geodanet& geodanet() {
  static const Geodanet d;
  return d;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

WeightsOptions scheme(WeightScheme s, WeightStyle style, SelfWeight self) {
  WeightsOptions o;
  o.scheme = s;
  o.max_distance_m = kBandFt;
  o.bandwidth_m = kBandFt;
  o.style = style;
  o.self = self;
  return o;
}

LocalOptions analytical() {
  LocalOptions o;
  o.permutations = 0;
  return o;
}

}  // namespace

TEST(GeodanetGolden, NetworkCountsAndWeightsMatchR) {
  TRYGGVE_REQUIRE_SHARED("incidents/geodanet/streets.shp");
  const auto& d = geodanet();
  ASSERT_EQ(d.net.edge_count(), d.g.rows);  // one edge per street line
  for (std::size_t e = 0; e < d.net.edge_count(); ++e) {
    ASSERT_NE(d.line_of_edge[e], SIZE_MAX);
    EXPECT_NEAR(d.net.edge(e).length, d.g["length"][d.line_of_edge[e]], 1e-6);
  }
  EXPECT_EQ(d.counts, d.col("count"));
  const SpatialUnits units = SpatialUnits::segments(d.net);
  const Weights band = unit_distances(d.net, units, kBandFt);
  const Weights contig = contiguity(d.net, units);
  const auto card_band = d.col("card_band"), dist_sum = d.col("dist_sum_band"), card_contig = d.col("card_contig");
  for (std::size_t i = 0; i < units.size(); ++i) {
    EXPECT_EQ(band.cardinality(i), card_band[i]) << "edge " << i;
    double sum = 0;
    for (double v : band.weights_of(i)) sum += v;
    EXPECT_NEAR(sum, dist_sum[i], 1e-6) << "edge " << i;
    EXPECT_EQ(contig.cardinality(i), card_contig[i]) << "edge " << i;
  }
}

TEST(GeodanetGolden, GiStarEqualsSpdepLocalGForEveryWeightScheme) {
  TRYGGVE_REQUIRE_SHARED("incidents/geodanet/streets.shp");
  const auto& d = geodanet();
  const SpatialUnits units = SpatialUnits::segments(d.net);
  using S = WeightScheme;
  using St = WeightStyle;
  struct Case { const char* column; WeightsOptions opt; };
  const Case cases[] = {
      {"gstar_band_B", scheme(S::DistanceBand, St::Raw, SelfWeight::Include)},
      {"gstar_band_W", scheme(S::DistanceBand, St::RowStandardised, SelfWeight::Include)},
      {"gstar_idw_B", scheme(S::InverseDistance, St::Raw, SelfWeight::Include)},
      {"gstar_idw_W", scheme(S::InverseDistance, St::RowStandardised, SelfWeight::Include)},
      {"gstar_kernel_B", scheme(S::Kernel, St::Raw, SelfWeight::Include)},
      {"gstar_contig_B", scheme(S::Contiguity, St::Raw, SelfWeight::Include)},
      {"gstar_contig_W", scheme(S::Contiguity, St::RowStandardised, SelfWeight::Include)},
      {"gi_band_B", scheme(S::DistanceBand, St::Raw, SelfWeight::Exclude)},
      {"gi_idw_W", scheme(S::InverseDistance, St::RowStandardised, SelfWeight::Exclude)},
  };
  for (const auto& cs : cases) {
    const auto r = gi_star(build_weights(d.net, units, cs.opt), d.counts, analytical());
    std::vector<double> z;
    for (const auto& s : r.stats) z.push_back(s.z);
    const double diff = max_abs_diff(z, d.col(cs.column));
    EXPECT_LT(diff, kTol) << cs.column;
    std::printf("[ spdep  ] geodanet %-15s max |z - spdep::localG| = %.3g\n", cs.column, diff);
  }
}

TEST(GeodanetGolden, LocalMoranEqualsSpdep) {
  TRYGGVE_REQUIRE_SHARED("incidents/geodanet/streets.shp");
  const auto& d = geodanet();
  const SpatialUnits units = SpatialUnits::segments(d.net);
  struct Case { const char* ii; const char* zi; WeightsOptions opt; };
  const Case cases[] = {
      {"moran_band_W_Ii", "moran_band_W_ZIi",
       scheme(WeightScheme::DistanceBand, WeightStyle::RowStandardised, SelfWeight::Exclude)},
      {"moran_idw_W_Ii", "moran_idw_W_ZIi",
       scheme(WeightScheme::InverseDistance, WeightStyle::RowStandardised, SelfWeight::Exclude)},
      {nullptr, "moran_contig_B_ZIi", scheme(WeightScheme::Contiguity, WeightStyle::Raw, SelfWeight::Exclude)},
  };
  for (const auto& cs : cases) {
    const auto r = local_moran(build_weights(d.net, units, cs.opt), d.counts, analytical());
    std::vector<double> I, Z;
    for (const auto& s : r.stats) { I.push_back(s.statistic); Z.push_back(s.z); }
    if (cs.ii) EXPECT_LT(max_abs_diff(I, d.col(cs.ii)), kTol) << cs.ii;
    EXPECT_LT(max_abs_diff(Z, d.col(cs.zi)), kTol) << cs.zi;
  }
}
