// The demo district's generator: deterministic, and the structure it plants
// (concentration, darkness, near repeats, planted hotspots) is measurable in its
// output, computed here from the incidents themselves, not from its own summary.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <oneapi/tbb/global_control.h>

#include "test_data.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/sun.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/hotspot/knox.hpp"

namespace tryggve::demo {
namespace {

namespace fs = std::filesystem;

DemoOptions small() {
  DemoOptions o;
  o.months = 15;
  o.volume_scale = 0.6;
  return o;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

TEST(DemoGenerator, SameSeedSameFilesAtAnyThreadCount) {
  const auto dir = test::temp_dir("demo_determinism");
  DemoOptions o = small();
  o.months = 3;
  {
    tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
    generate(o, dir / "a");
  }
  generate(o, dir / "b");
  for (const char* f : {"incidents.csv", "incidents_raw.csv", "streets.osm", "truth_segments.csv"})
    EXPECT_TRUE(slurp(dir / "a" / f) == slurp(dir / "b" / f)) << f << " differs between runs";
  EXPECT_TRUE(matches(o, dir / "a"));
  o.seed += 1;
  std::string why;
  EXPECT_FALSE(matches(o, dir / "a", &why));
  EXPECT_NE(why, "");
  generate(o, dir / "c");
  EXPECT_FALSE(slurp(dir / "a" / "incidents.csv") == slurp(dir / "c" / "incidents.csv"));
  // The geometry does not depend on the seed.
  EXPECT_TRUE(slurp(dir / "a" / "streets.osm") == slurp(dir / "c" / "streets.osm"));
  fs::remove_all(dir);
}

TEST(DemoGenerator, BadOptionsAreNamed) {
  DemoOptions o;
  o.months = 0;
  try {
    validate(o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadOption);
    EXPECT_NE(std::string(e.what()).find("months"), std::string::npos) << e.what();
  }
}

class DemoData12 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { data_ = new DemoData(simulate(small())); }
  static void TearDownTestSuite() { delete data_; }
  static DemoData* data_;
};
DemoData* DemoData12::data_ = nullptr;

TEST_F(DemoData12, VolumesAreRealistic) {
  const auto& d = *data_;
  const double per_month = static_cast<double>(d.incidents.size()) / d.options.months;
  // ~700-1,100 a month at scale 1 (the issue: hundreds to a few thousand).
  EXPECT_GT(per_month, 0.6 * 400);
  EXPECT_LT(per_month, 0.6 * 2000);
  std::vector<std::size_t> per_parameter(d.model.parameters.size());
  for (const auto& i : d.incidents) ++per_parameter[i.parameter];
  for (std::size_t p = 0; p < per_parameter.size(); ++p) EXPECT_GT(per_parameter[p], 20u) << d.model.parameters[p].code;
  EXPECT_EQ(d.model.parameters.size(), 15u);
  for (std::size_t k = 1; k < d.incidents.size(); ++k) ASSERT_LE(d.incidents[k - 1].utc, d.incidents[k].utc);
}

TEST_F(DemoData12, CrimeConcentratesOnFewSegments) {
  const auto& d = *data_;
  std::vector<double> per_segment(d.district.segments.size(), 0.0);
  for (const auto& i : d.incidents) per_segment[i.segment] += 1;
  std::sort(per_segment.rbegin(), per_segment.rend());
  double total = 0, top5 = 0;
  for (double c : per_segment) total += c;
  const std::size_t k5 = static_cast<std::size_t>(std::ceil(0.05 * per_segment.size()));
  for (std::size_t k = 0; k < k5; ++k) top5 += per_segment[k];
  std::size_t half = 0;
  for (double acc = 0; acc < 0.5 * total; ++half) acc += per_segment[half];
  const double half_share = static_cast<double>(half) / per_segment.size();
  // Weisburd (2015): 50% of crime on 2.1-6.0% of street segments.
  EXPECT_GT(top5 / total, 0.35) << "top 5% of segments";
  EXPECT_LT(half_share, 0.08) << "segments holding half the incidents";
  EXPECT_GT(half_share, 0.015);
}

TEST_F(DemoData12, OutdoorDarknessSensitiveIncidentsRiseAfterDark) {
  const auto& d = *data_;
  // Recomputed from the sun, per incident; compared with the share of dark hours
  // over the same period, so the ratio measures the darkness factor.
  std::size_t n = 0, dark = 0;
  for (const auto& i : d.incidents) {
    const auto& pm = d.model.parameters[i.parameter];
    if (!pm.darkness_sensitive || !i.outdoor) continue;
    ++n;
    if (sun::is_dark(i.utc, d.district.centre_lat, d.district.centre_lon)) ++dark;
  }
  std::size_t hours = 0, dark_hours = 0;
  for (std::int64_t t = d.start_utc; t < d.end_utc; t += 3600, ++hours)
    if (sun::is_dark(t + 1800, d.district.centre_lat, d.district.centre_lon)) ++dark_hours;
  const double share = static_cast<double>(dark) / n, hour_share = static_cast<double>(dark_hours) / hours;
  ASSERT_GT(n, 1000u);
  EXPECT_GT(share, hour_share + 0.1) << "after-dark share " << share << " vs dark hours " << hour_share;
}

TEST_F(DemoData12, NearRepeatsShowInAKnoxTest) {
  const auto& d = *data_;
  // One self-exciting parameter (vandalism): pairs close in space and time beyond
  // what the same places and times shuffled give.
  std::vector<Point> pts;
  std::vector<double> days;
  for (const auto& i : d.incidents)
    if (d.model.parameters[i.parameter].code == "vandalism" && pts.size() < 2500) {
      pts.push_back(i.pos);
      days.push_back(static_cast<double>(i.utc - d.start_utc) / 86400.0);
    }
  hotspot::KnoxOptions ko;
  ko.space_bands_m = {100, 300};
  ko.time_bands_days = {7, 28};
  ko.permutations = 49;
  const auto k = hotspot::knox_euclidean(pts, days, ko);
  // Offspring are a quarter of the events and most land farther than 100 m or
  // later than a week; background concentration is removed by the permutation.
  EXPECT_GT(k.first_cell_ratio(), 1.1) << "observed/expected within 100 m and 7 days";
  EXPECT_LE(k.at(k.p_value, 0, 0), 0.05);
  // Far apart in time the excess is gone.
  EXPECT_LT(k.at(k.ratio, 0, 1), k.first_cell_ratio());
}

TEST_F(DemoData12, PlantedIntensifyingHotspotGrows) {
  const auto& d = *data_;
  for (const auto& h : d.model.hotspots) {
    if (h.type != "intensifying" && h.type != "new") continue;
    std::vector<char> on(d.district.segments.size(), 0);
    for (auto s : h.segments) on[s] = 1;
    double first = 0, last = 0;
    for (const auto& i : d.incidents) {
      if (!on[i.segment]) continue;
      const int m = d.month_of(i.utc);
      if (m <= 3) first += 1;
      if (m > d.options.months - 3) last += 1;
    }
    EXPECT_GT(last, 1.5 * first + 3) << h.id << " " << h.type << ": first 3 months " << first << ", last 3 " << last;
  }
}

}  // namespace
}  // namespace tryggve::demo
