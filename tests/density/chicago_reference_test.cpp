// The core acceptance test: agreement with spatstat.linnet on `chicago`, sigma = 100.
// Golden values come from tests/golden/density/make_golden.R (see README there).
#include <algorithm>
#include <cmath>

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

TEST_F(ChicagoReference, HeatAtPointsMatchesDensityLpp) {
  DensityOptions o;
  o.method = Method::Heat;
  o.bandwidth_m = 100;
  o.leave_one_out = true;
  const auto ref = test::read_csv_columns(test::golden_dir() / "heat_points.csv");
  const auto loo = density_at(data.net, events, events, {}, o);
  const auto a = compare(loo.values, ref.at("loo"));
  RecordProperty("heat_points_loo_max_rel", std::to_string(a.max));
  std::printf("heat at points (leave-one-out): max rel %.4f%%, median %.4f%%\n", 100 * a.max, 100 * a.median);
  EXPECT_LT(a.max, 0.01);
  o.leave_one_out = false;
  const auto plain = density_at(data.net, events, events, {}, o);
  const auto b = compare(plain.values, ref.at("plain"));
  std::printf("heat at points (plain): max rel %.4f%%, median %.4f%%\n", 100 * b.max, 100 * b.median);
  EXPECT_LT(b.max, 0.01);
}

TEST_F(ChicagoReference, HeatAlongNetworkMatchesDensityfun) {
  std::vector<double> ref;
  const auto at = read_positions("heat_lixels.csv", &ref);
  DensityOptions o;
  o.method = Method::Heat;
  o.bandwidth_m = 100;
  const auto r = density_at(data.net, at, events, {}, o);
  const auto a = compare(r.values, ref);
  std::printf("heat along the network (%zu lixel midpoints): max rel %.4f%%, median %.4f%%\n", at.size(),
              100 * a.max, 100 * a.median);
  EXPECT_LT(a.max, 0.01);
  // The same positions as lixel midpoints of a 10-unit lixelization.
  const network::Lixelization lix(data.net, 10.0);
  ASSERT_EQ(lix.size(), at.size());
  const auto est = estimate(data.net, lix, events, {}, o);
  for (std::size_t i = 0; i < lix.size(); ++i) ASSERT_NEAR(est.values[i], r.values[i], 1e-12 * r.values[i] + 1e-15);
}

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
