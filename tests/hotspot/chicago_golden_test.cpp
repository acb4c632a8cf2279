// Gi*, Gi and local Moran's I on spatstat's chicago network against spdep 1.2-7
// (tests/golden/hotspot/make_chicago_golden.R built the weights independently
// with spatstat.linnet's network distances). Agreement within 1e-6.
#include <gtest/gtest.h>

#include <cmath>

#include "chicago.hpp"
#include "golden_csv.hpp"
#include "tryggve/hotspot/local_stats.hpp"
#include "tryggve/hotspot/weights.hpp"

using namespace tryggve;
using namespace tryggve::hotspot;

namespace {

constexpr double kTol = 1e-6;

struct Chicago {
  test::ChicagoData data = test::load_chicago();
  SpatialUnits units = SpatialUnits::segments(data.net);
  std::vector<double> counts = count_per_unit(units, data.crimes);
  test::GoldenTable g = test::read_golden("chicago_localG.csv");
};

const Chicago& chicago() {
  static const Chicago c;
  return c;
}

WeightsOptions band(WeightStyle style, SelfWeight self) {
  WeightsOptions o;
  o.scheme = WeightScheme::DistanceBand;
  o.max_distance_m = 300;  // feet here: chicago is in feet
  o.style = style;
  o.self = self;
  return o;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

std::vector<double> z_of(const LocalResult& r) {
  std::vector<double> z;
  for (const auto& s : r.stats) z.push_back(s.z);
  return z;
}

LocalOptions analytical() {
  LocalOptions o;
  o.permutations = 0;
  return o;
}

}  // namespace

TEST(ChicagoGolden, CountsAndWeightsMatchR) {
  TRYGGVE_REQUIRE_SHARED("incidents/chicago_spatstat/chicago_network_segments.csv");
  const auto& c = chicago();
  ASSERT_EQ(c.g.rows, c.units.size());
  EXPECT_EQ(c.counts, c.g["count"]);
  const Weights d = unit_distances(c.data.net, c.units, 300);
  const Weights k = contiguity(c.data.net, c.units);
  for (std::size_t i = 0; i < c.units.size(); ++i) {
    EXPECT_EQ(d.cardinality(i), c.g["card_band"][i]) << "segment " << i;
    double sum = 0;
    for (double v : d.weights_of(i)) sum += v;
    EXPECT_NEAR(sum, c.g["dist_sum_band"][i], 1e-6) << "segment " << i;
    EXPECT_EQ(k.cardinality(i), c.g["card_contig"][i]) << "segment " << i;
  }
}

TEST(ChicagoGolden, GiStarEqualsSpdepLocalG) {
  TRYGGVE_REQUIRE_SHARED("incidents/chicago_spatstat/chicago_network_segments.csv");
  const auto& c = chicago();
  struct Case { const char* column; WeightsOptions opt; };
  WeightsOptions contig_b = band(WeightStyle::Raw, SelfWeight::Include), contig_w = contig_b;
  contig_b.scheme = contig_w.scheme = WeightScheme::Contiguity;
  contig_w.style = WeightStyle::RowStandardised;
  WeightsOptions contig_w_noself = contig_w;
  contig_w_noself.self = SelfWeight::Exclude;
  WeightsOptions idw_b = band(WeightStyle::Raw, SelfWeight::Include);
  idw_b.scheme = WeightScheme::InverseDistance;  // 1 / max(d, 1 ft), self 1
  WeightsOptions idw_w = idw_b;
  idw_w.style = WeightStyle::RowStandardised;
  WeightsOptions kern_b = band(WeightStyle::Raw, SelfWeight::Include);
  kern_b.scheme = WeightScheme::Kernel;
  kern_b.bandwidth_m = 300;  // quartic (1 - (d/300)^2)^2, self K(0) = 1
  WeightsOptions kern_w = kern_b;
  kern_w.style = WeightStyle::RowStandardised;
  const Case cases[] = {
      {"gstar_idw_B", idw_b},
      {"gstar_idw_W", idw_w},
      {"gstar_kernel_B", kern_b},
      {"gstar_kernel_W", kern_w},
      {"gstar_band_B", band(WeightStyle::Raw, SelfWeight::Include)},
      {"gstar_band_W", band(WeightStyle::RowStandardised, SelfWeight::Include)},
      {"gstar_contig_B", contig_b},
      {"gstar_contig_W", contig_w},
      {"gi_band_B", band(WeightStyle::Raw, SelfWeight::Exclude)},
      {"gi_contig_W", contig_w_noself},
  };
  for (const auto& cs : cases) {
    const Weights w = build_weights(c.data.net, c.units, cs.opt);
    const auto r = gi_star(w, c.counts, analytical());
    EXPECT_EQ(r.star, cs.opt.self == SelfWeight::Include);
    const double diff = max_abs_diff(z_of(r), c.g[cs.column]);
    EXPECT_LT(diff, kTol) << cs.column;
    std::printf("[ spdep  ] %-16s max |z - spdep::localG| = %.3g\n", cs.column, diff);
  }
}

TEST(ChicagoGolden, LocalMoranEqualsSpdep) {
  TRYGGVE_REQUIRE_SHARED("incidents/chicago_spatstat/chicago_network_segments.csv");
  const auto& c = chicago();
  const Weights w = build_weights(c.data.net, c.units, band(WeightStyle::RowStandardised, SelfWeight::Exclude));
  auto r = local_moran(w, c.counts, analytical());
  std::vector<double> I, E, V, Z;
  for (const auto& s : r.stats) { I.push_back(s.statistic); E.push_back(s.expected); V.push_back(s.variance); Z.push_back(s.z); }
  EXPECT_LT(max_abs_diff(I, c.g["moran_band_W_Ii"]), kTol);
  EXPECT_LT(max_abs_diff(E, c.g["moran_band_W_EIi"]), kTol);
  EXPECT_LT(max_abs_diff(V, c.g["moran_band_W_VarIi"]), kTol);
  EXPECT_LT(max_abs_diff(Z, c.g["moran_band_W_ZIi"]), kTol);
  std::printf("[ spdep  ] localmoran (band, W, conditional) max |Z.Ii diff| = %.3g\n", max_abs_diff(Z, c.g["moran_band_W_ZIi"]));

  LocalOptions total = analytical();
  total.moran_conditional = false;
  r = local_moran(w, c.counts, total);
  V.clear(); Z.clear();
  for (const auto& s : r.stats) { V.push_back(s.variance); Z.push_back(s.z); }
  EXPECT_LT(max_abs_diff(V, c.g["moran_band_W_total_VarIi"]), kTol);
  EXPECT_LT(max_abs_diff(Z, c.g["moran_band_W_total_ZIi"]), kTol);

  WeightsOptions idw = band(WeightStyle::RowStandardised, SelfWeight::Exclude);
  idw.scheme = WeightScheme::InverseDistance;
  r = local_moran(build_weights(c.data.net, c.units, idw), c.counts, analytical());
  I.clear(); Z.clear();
  for (const auto& s : r.stats) { I.push_back(s.statistic); Z.push_back(s.z); }
  EXPECT_LT(max_abs_diff(I, c.g["moran_idw_W_Ii"]), kTol);
  EXPECT_LT(max_abs_diff(Z, c.g["moran_idw_W_ZIi"]), kTol);

  const Weights k = build_weights(c.data.net, c.units,
                                  WeightsOptions{.scheme = WeightScheme::Contiguity, .self = SelfWeight::Exclude});
  r = local_moran(k, c.counts, analytical());
  EXPECT_LT(max_abs_diff(z_of(r), c.g["moran_contig_B_ZIi"]), kTol);
}

TEST(ChicagoGolden, BenjaminiHochbergEqualsPAdjust) {
  const auto g = test::read_golden("chicago_bh.csv");
  const auto adj = benjamini_hochberg(g["p"]);
  EXPECT_LT(max_abs_diff(adj, g["p_bh"]), 1e-12);
}
