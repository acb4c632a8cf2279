// The core acceptance test: agreement with spatstat.linnet on `chicago`, sigma = 100.
// Golden values come from tests/golden/density/make_golden.R (settings per run in heat_runs.csv,
// spatstat versions in versions.txt, its run times in timings.txt).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "chicago.hpp"
#include "density_test_support.hpp"
#include "tryggve/density/density.hpp"

namespace tryggve::density {
namespace {

struct Agreement { double max = 0, median = 0; };

Agreement compare(const std::vector<double>& ours, const std::vector<double>& ref) {
  std::vector<double> rel;
  for (std::size_t i = 0; i < ref.size(); ++i) rel.push_back(std::abs(ours[i] - ref[i]) / std::abs(ref[i]));
  std::sort(rel.begin(), rel.end());
  return {rel.back(), rel[rel.size() / 2]};
}

class ChicagoReference : public ::testing::Test {
 protected:
  void SetUp() override {
    TRYGGVE_REQUIRE_SHARED("incidents/chicago_spatstat/chicago_network_segments.csv");
    data = test::load_chicago();
    const auto pos = test::read_csv_columns(test::golden_dir() / "chicago_positions.csv");
    ASSERT_EQ(pos.at("seg").size(), data.crimes.size());
    for (std::size_t i = 0; i < data.crimes.size(); ++i) {
      const auto e = static_cast<network::EdgeId>(pos.at("seg")[i] - 1);
      events.push_back({e, pos.at("tp")[i] * data.net.edge(e).length});
    }
  }
  std::vector<network::NetworkPosition> read_positions(const std::string& file, std::vector<double>* values) {
    const auto c = test::read_csv_columns(test::golden_dir() / file);
    std::vector<network::NetworkPosition> at;
    for (std::size_t i = 0; i < c.at("seg").size(); ++i) {
      const auto e = static_cast<network::EdgeId>(c.at("seg")[i] - 1);
      at.push_back({e, c.at("tp")[i] * data.net.edge(e).length});
    }
    *values = c.at("value");
    return at;
  }
  test::ChicagoData data;
  std::vector<network::NetworkPosition> events;
};

TEST_F(ChicagoReference, FixtureSnapsLikeSpatstat) {
  // The fixture's own brute-force snapping lands where spatstat's coordinates say.
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Point a = data.net.point_at(events[i].edge, events[i].offset);
    const Point b = data.net.point_at(data.crimes[i].edge, data.crimes[i].offset);
    EXPECT_LT(distance(a, b), 1e-6) << "crime " << i + 1;
  }
}

// spatstat's heat runs (make_golden.R, heat_runs.csv): its default settings, then dt/4 at the
// default dx, then dx/2 and dx/4 (its dt shrinks with dx^2). Each has spatstat's own answer
// (`plain`/`loo` at the points, `value` along the network: the NEAREST grid node's value) and the
// same grid solution interpolated linearly between nodes (`*_lin`).
struct SpatstatRun {
  std::string tag;
  double dx = 0, dt = 0;
  std::map<std::string, std::vector<double>> points, lixels;
};

std::vector<SpatstatRun> spatstat_runs() {
  std::vector<SpatstatRun> runs;
  const auto file = test::golden_dir() / "heat_runs.csv";
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::stringstream ls(line);
    std::string tag, dx, dt;
    std::getline(ls, tag, ',');
    std::getline(ls, dx, ',');
    std::getline(ls, dt, ',');
    tag.erase(std::remove(tag.begin(), tag.end(), '"'), tag.end());
    const std::string suffix = tag == "default" ? "" : "_" + tag;
    runs.push_back({tag, std::stod(dx), std::stod(dt),
                    test::read_csv_columns(test::golden_dir() / ("heat_points" + suffix + ".csv")),
                    test::read_csv_columns(test::golden_dir() / ("heat_lixels" + suffix + ".csv"))});
  }
  return runs;
}

class ChicagoHeat : public ChicagoReference {
 protected:
  void SetUp() override {
    ChicagoReference::SetUp();
    if (HasFatalFailure()) return;
    runs = spatstat_runs();
    ASSERT_GE(runs.size(), 1u);
    DensityOptions o;
    o.method = Method::Heat;
    o.bandwidth_m = 100;
    plain = density_at(data.net, events, events, {}, o).values;
    o.leave_one_out = true;
    loo = density_at(data.net, events, events, {}, o).values;
    o.leave_one_out = false;
    std::vector<double> dummy;
    at = read_positions("heat_lixels.csv", &dummy);
    network_values = density_at(data.net, at, events, {}, o).values;
  }
  const SpatstatRun* run(const std::string& tag) const {
    for (const auto& r : runs)
      if (r.tag == tag) return &r;
    return nullptr;
  }
  std::vector<SpatstatRun> runs;
  std::vector<double> plain, loo, network_values;
  std::vector<network::NetworkPosition> at;
};

// How far spatstat's run is from ours, in the measures the tests below use.
struct Gap {
  double points_plain_max = 0, points_plain_median = 0;
  double points_loo_max = 0;  // |ours - spatstat| / spatstat's plain value (see HeatAtPointsMatchesDensityLpp)
  double network_max = 0, network_median = 0;
  double network_max_of_peak = 0;  // max |ours - spatstat| / max spatstat along the network
  double network_max_upper = 0;    // max pointwise relative gap where the density is >= 1/10 of its peak
};

class ChicagoHeatGap : public ChicagoHeat {
 protected:
  Gap gap(const SpatstatRun& r) const {
    Gap g;
    const auto b = compare(plain, r.points.at("plain"));
    g.points_plain_max = b.max;
    g.points_plain_median = b.median;
    const auto& sl = r.points.at("loo");
    const auto& sp = r.points.at("plain");
    for (std::size_t i = 0; i < sl.size(); ++i) g.points_loo_max = std::max(g.points_loo_max, std::abs(loo[i] - sl[i]) / sp[i]);
    const auto& v = r.lixels.at("value");
    const auto c = compare(network_values, v);
    g.network_max = c.max;
    g.network_median = c.median;
    const double peak = *std::max_element(v.begin(), v.end());
    for (std::size_t i = 0; i < v.size(); ++i)
      g.network_max_of_peak = std::max(g.network_max_of_peak, std::abs(network_values[i] - v[i]) / peak);
    for (std::size_t i = 0; i < v.size(); ++i)
      if (v[i] >= 0.1 * peak) g.network_max_upper = std::max(g.network_max_upper, std::abs(network_values[i] - v[i]) / v[i]);
    return g;
  }
  // The finest spatstat run: smallest dx, then smallest dt.
  const SpatstatRun& finest() const {
    return *std::min_element(runs.begin(), runs.end(), [](const SpatstatRun& a, const SpatstatRun& b) {
      return a.dx != b.dx ? a.dx < b.dx : a.dt < b.dt;
    });
  }
  void print(const SpatstatRun& r, const Gap& g) const {
    std::printf("spatstat %-10s dx %.4f dt %.5f | points plain max %.3f%% median %.3f%%, loo max %.3f%% of plain | "
                "network max %.3f%% median %.3f%%, max %.3f%% of the peak, max %.3f%% above 1/10 of the peak\n",
                r.tag.c_str(), r.dx, r.dt, 100 * g.points_plain_max, 100 * g.points_plain_median, 100 * g.points_loo_max,
                100 * g.network_max, 100 * g.network_median, 100 * g.network_max_of_peak, 100 * g.network_max_upper);
  }
};

// spatstat's heat solution converges to ours as its grid is refined (first order in dx: its
// values sit at the nearest grid node, segment lengths are rounded to whole multiples of dx, every
// node weighs dx whatever its degree, so its grid is (E - V) dx shorter than the network and its
// density about (E - V) dx / L too high: +1.09% on chicago at its default dx, against a measured
// median gap of 0.94%); its time step changes nothing measurable (the spatial error dominates).
// Halving dx must shrink every measure of the gap, by at least 1.5 (2 in theory).
TEST_F(ChicagoHeatGap, SpatstatConvergesToOursAsItsGridIsRefined) {
  std::vector<std::pair<const SpatstatRun*, Gap>> by_dx;
  for (const auto& r : runs) {
    const Gap g = gap(r);
    print(r, g);
    if (r.tag != "dtquarter") by_dx.push_back({&r, g});
  }
  std::sort(by_dx.begin(), by_dx.end(), [](const auto& a, const auto& b) { return a.first->dx > b.first->dx; });
  ASSERT_GE(by_dx.size(), 2u) << "make_golden.R must have run at least default and dxhalf";
  for (std::size_t k = 1; k < by_dx.size(); ++k) {
    const Gap& c = by_dx[k - 1].second;
    const Gap& f = by_dx[k].second;
    const char* tag = by_dx[k].first->tag.c_str();
    EXPECT_LT(f.points_plain_max, c.points_plain_max / 1.5) << tag;
    EXPECT_LT(f.points_plain_median, c.points_plain_median / 1.5) << tag;
    EXPECT_LT(f.points_loo_max, c.points_loo_max / 1.5) << tag;
    EXPECT_LT(f.network_median, c.network_median / 1.5) << tag;
    EXPECT_LT(f.network_max_of_peak, c.network_max_of_peak / 1.5) << tag;
    EXPECT_LT(f.network_max_upper, c.network_max_upper / 1.5) << tag;  // measured 4.70% -> 2.97% -> 1.24%
  }
  if (const auto* d = run("default"); d && run("dtquarter")) {
    const Gap a = gap(*d), b = gap(*run("dtquarter"));
    EXPECT_NEAR(b.points_plain_median, a.points_plain_median, 0.05 * a.points_plain_median);
    EXPECT_NEAR(b.network_median, a.network_median, 0.05 * a.network_median);
  }
}

// (a) of the issue: within 1% of spatstat's finest run.
// At the points, plain: pointwise relative. Leave-one-out: both sides subtract the same closed-form
// "onestep" self term from the diffused field at the point, so the numerical part of the value is
// that field, and the gap is measured relative to it (spatstat's plain value). Relative to the
// leave-one-out value itself the gap is amplified wherever an incident is nearly alone, so that
// loo << plain (at the default settings: 10.9% max there, against 2.1% for plain).
TEST_F(ChicagoHeatGap, HeatAtPointsMatchesDensityLpp) {
  const auto& r = finest();
  const Gap g = gap(r);
  print(r, g);
  EXPECT_LT(g.points_plain_max, 0.01) << r.tag;
  EXPECT_LT(g.points_loo_max, 0.01) << r.tag;
}

// Along the network: the median gap within 1%, and the largest gap within 1% of the peak density.
// Pointwise relative gaps are larger (printed above) and sit where spatstat's scheme is at its
// worst: far tails (down to 1e-9 of the peak, where its rounded segment lengths change the
// effective diffusion most) and short segments; they shrink with spatstat's dx (test above), while
// our own solution is grid-converged and agrees with an independent algorithm (tests below).
TEST_F(ChicagoHeatGap, HeatAlongNetworkMatchesDensityfun) {
  const auto& r = finest();
  const Gap g = gap(r);
  print(r, g);
  EXPECT_LT(g.network_median, 0.01) << r.tag;
  EXPECT_LT(g.network_max_of_peak, 0.01) << r.tag;
  // The same positions as lixel midpoints of a 10-unit lixelization.
  DensityOptions o;
  o.method = Method::Heat;
  o.bandwidth_m = 100;
  const network::Lixelization lix(data.net, 10.0);
  ASSERT_EQ(lix.size(), at.size());
  const auto est = estimate(data.net, lix, events, {}, o);
  for (std::size_t i = 0; i < lix.size(); ++i)
    ASSERT_NEAR(est.values[i], network_values[i], 1e-12 * network_values[i] + 1e-15);
}

// Along the network with spatstat's other algorithm: densityEqualSplit(continuous, gaussian,
// epsilon 1e-3, at = "pixels") sums the same paths as our equal split, so at its 3,318 pixel
// positions the two must agree to rounding (measured 1e-13), including the pixels where its
// truncation leaves nothing (value 0). That is the pointwise check along the whole network: the
// heat solutions (ours and spatstat's) are approximations of the same field, ours checked against
// our own equal split with a much smaller epsilon in the next test.
TEST_F(ChicagoReference, EqualSplitAlongNetworkMatchesDensityEqualSplitPixels) {
  std::vector<double> ref;
  const auto at = read_positions("equalsplit_pixels_eps1e-3.csv", &ref);
  ASSERT_GT(ref.size(), 3000u);
  DensityOptions o;
  o.method = Method::EqualSplitContinuous;
  o.kernel = Kernel::Gaussian;
  o.bandwidth_m = 100;
  o.epsilon = 1e-3;
  const auto ours = density_at(data.net, at, events, {}, o).values;
  double worst = 0;
  std::size_t zeros = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    if (ref[i] == 0) {
      ++zeros;
      EXPECT_EQ(ours[i], 0.0) << "pixel " << i + 1;
      continue;
    }
    worst = std::max(worst, std::abs(ours[i] - ref[i]) / ref[i]);
  }
  std::printf("equal split eps 1e-3 along the network: %zu pixels (%zu zero in both), max rel %.2e\n", ref.size(), zeros,
              worst);
  EXPECT_LT(worst, 1e-9);
}

// Our heat kernel against our equal split (epsilon 1e-6) at the same pixel positions: the
// theory's identity, along the network and not only at the points (measured: max 9.5e-4 where
// the density is >= 1/10 of its peak, 1.2e-2 above 1e-3 of it, median 1.2e-4; further out the
// truncated path sums fall behind the heat solution, which loses no mass).
TEST_F(ChicagoHeat, AgreesWithOurEqualSplitAlongTheNetwork) {
  std::vector<double> spatstat_values;
  const auto px = read_positions("equalsplit_pixels_eps1e-3.csv", &spatstat_values);
  DensityOptions h;
  h.method = Method::Heat;
  h.bandwidth_m = 100;
  const auto heat = density_at(data.net, px, events, {}, h).values;
  DensityOptions q = h;
  q.method = Method::EqualSplitContinuous;
  q.kernel = Kernel::Gaussian;
  q.epsilon = 1e-6;
  const auto es = density_at(data.net, px, events, {}, q).values;
  const double peak = *std::max_element(heat.begin(), heat.end());
  double upper = 0;
  std::vector<double> rel;
  for (std::size_t i = 0; i < heat.size(); ++i) {
    const double r = std::abs(heat[i] - es[i]) / es[i];
    rel.push_back(r);
    if (heat[i] >= 0.1 * peak) upper = std::max(upper, r);
  }
  std::sort(rel.begin(), rel.end());
  std::printf("heat vs our equal split (eps 1e-6) along the network: max rel %.3e above 1/10 of the peak, median %.3e\n",
              upper, rel[rel.size() / 2]);
  EXPECT_LT(upper, 2e-3);
  EXPECT_LT(rel[rel.size() / 2], 5e-4);
}

// Our default grid (dx = sigma / 25 = 4) against one twice as fine: our error is second order in
// dx, so the difference is 3/4 of the default grid's own error (measured: 4.65e-3 max where the
// density is above 1e-3 of its peak, median 9.3e-5, against a grid 4 times finer).
TEST_F(ChicagoHeat, OurGridIsConverged) {
  DensityOptions o;
  o.method = Method::Heat;
  o.bandwidth_m = 100;
  o.heat_dx_m = 2.0;
  const auto fine = density_at(data.net, at, events, {}, o).values;
  const double peak = *std::max_element(fine.begin(), fine.end());
  double worst_rel = 0, worst_abs = 0;
  std::vector<double> rel;
  for (std::size_t i = 0; i < fine.size(); ++i) {
    const double d = std::abs(network_values[i] - fine[i]);
    worst_abs = std::max(worst_abs, d / peak);
    if (fine[i] >= 1e-3 * peak) worst_rel = std::max(worst_rel, d / fine[i]);
    rel.push_back(d / fine[i]);
  }
  std::sort(rel.begin(), rel.end());
  std::printf("our grid dx 4 vs dx 2: max rel %.3e where >= 1e-3 of the peak, median %.3e, max %.3e of the peak\n",
              worst_rel, rel[rel.size() / 2], worst_abs);
  EXPECT_LT(worst_rel, 5e-3);
  EXPECT_LT(rel[rel.size() / 2], 5e-4);
  EXPECT_LT(worst_abs, 1e-3);
}

// The heat kernel and the continuous equal split with the Gaussian are the same estimator in
// theory (McSwiggan et al. 2016); ours are two unrelated algorithms (matrix exponential on a grid,
// sum over paths), so agreeing to 1e-3 is evidence that neither carries a bug.
TEST_F(ChicagoHeat, AgreesWithOurEqualSplitContinuousGaussian) {
  DensityOptions o;
  o.method = Method::EqualSplitContinuous;
  o.kernel = Kernel::Gaussian;
  o.bandwidth_m = 100;
  o.epsilon = 1e-6;
  const auto es = density_at(data.net, events, events, {}, o).values;
  const auto a = compare(plain, es);
  std::printf("heat vs our continuous equal split (gaussian, eps 1e-6) at the points: max rel %.3e, median %.3e\n",
              a.max, a.median);
  EXPECT_LT(a.max, 1e-3);
  EXPECT_LT(a.median, 2e-4);
}

// Our equal split is spatstat's densityEqualSplit: the same sums over paths, truncated by the same rule.
TEST_F(ChicagoReference, EqualSplitContinuousGaussianMatchesDensityEqualSplit) {
  DensityOptions o;
  o.method = Method::EqualSplitContinuous;
  o.kernel = Kernel::Gaussian;
  o.bandwidth_m = 100;
  o.leave_one_out = true;
  for (const char* eps : {"1e-3", "1e-4"}) {
    const auto file = test::golden_dir() / (std::string("equalsplit_points_eps") + eps + ".csv");
    if (!std::filesystem::exists(file)) continue;
    o.epsilon = std::stod(eps);
    const auto ref = test::read_csv_columns(file);
    const auto r = density_at(data.net, events, events, {}, o);
    const auto a = compare(r.values, ref.at("value"));
    std::printf("equal split continuous gaussian eps %s at points: max rel %.2e, median %.2e\n", eps, a.max, a.median);
    EXPECT_LT(a.max, 0.01);
  }
}

}  // namespace
}  // namespace tryggve::density
