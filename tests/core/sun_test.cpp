// Solar position: checked against values worked out by hand from published
// figures (Meeus's example 25.a/28.a) and against the darkness facts for
// Göteborg in ../shared/EVIDENCE.md.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "tryggve/core/sun.hpp"

using namespace tryggve;

namespace {

// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm), so the
// test does not lean on core/time.
std::int64_t days(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
std::int64_t utc(int y, int m, int d, int h = 0, int mi = 0) { return days(y, m, d) * 86400 + h * 3600 + mi * 60; }

constexpr double kGbgLat = 57.7, kGbgLon = 11.97;

// Local clock minute (after local noon) at which the sun first drops below -6 degrees.
double civil_dusk_local_minutes(int y, int m, int d, int utc_offset_h) {
  const std::int64_t noon_utc = utc(y, m, d, 12 - utc_offset_h);
  for (int s = 0; s < 14 * 3600; s += 30)
    if (sun::elevation_deg(noon_utc + s, kGbgLat, kGbgLon) < sun::kCivilDusk) return 12 * 60 + s / 60.0;
  return -1;
}

}  // namespace

// Meeus example 25.a / 28.a: 1992-10-13 0h TD, apparent declination -7.78507
// degrees, equation of time +13m42.7s (13.712 min). By hand:
//  - at lon 176.5722 E the true solar time is 12:00, so at lat 45 N the
//    elevation is 90 - (45 + 7.78507) = 37.2149;
//  - at lon 86.5722 E the hour angle is -90 and at the equator the elevation is
//    asin(cos(dec) * cos(-90)) = 0 (this one checks the equation of time: 1 min = 0.25 deg);
//  - at lon 0 the hour angle is 13.712/4 - 180 = -176.572 degrees: elevation
//    asin(cos(7.78507) * cos(176.572)) = -81.497.
TEST(Sun, MatchesMeeusWorkedExample) {
  const std::int64_t t = utc(1992, 10, 13);
  EXPECT_NEAR(sun::elevation_deg(t, 45.0, 176.5722), 37.2149, 0.02);
  EXPECT_NEAR(sun::elevation_deg(t, 0.0, 86.5722), 0.0, 0.02);
  EXPECT_NEAR(sun::elevation_deg(t, 0.0, 0.0), -81.497, 0.02);
}

TEST(Sun, NoonElevationAtEquinoxIsNinetyMinusLatitude) {
  // March equinox 2024: 2024-03-20 03:06 UTC; by local noon at Göteborg the
  // declination has grown to about +0.15 degrees.
  double best = -90;
  for (int m = 0; m < 24 * 60; ++m) best = std::max(best, sun::elevation_deg(utc(2024, 3, 20) + m * 60, kGbgLat, kGbgLon));
  EXPECT_NEAR(best, 90.0 - kGbgLat, 0.3);
  // And the sun culminates near 12:00 - 4 min/deg * 11.97 deg - equation of time (-7.6 min) = 11:20 UTC.
  double at_noon = sun::elevation_deg(utc(2024, 3, 20, 11, 20), kGbgLat, kGbgLon);
  EXPECT_NEAR(at_noon, best, 0.01);
}

TEST(Sun, CivilDuskInGoteborgMatchesEvidence) {
  // EVIDENCE.md: civil dusk about 16:15 in December and about 23:26 in June.
  const double dec = civil_dusk_local_minutes(2024, 12, 15, 1);  // CET
  const double jun = civil_dusk_local_minutes(2024, 6, 24, 2);   // CEST
  EXPECT_NEAR(dec, 16 * 60 + 15, 8) << "December dusk at minute " << dec;
  EXPECT_NEAR(jun, 23 * 60 + 26, 8) << "June dusk at minute " << jun;
}

TEST(Sun, DarkFractionAndDarkHours) {
  // Midnight in December: fully dark; midday in June: fully light.
  EXPECT_DOUBLE_EQ(sun::dark_fraction_of_hour(utc(2024, 12, 15, 23), kGbgLat, kGbgLon), 1.0);
  EXPECT_DOUBLE_EQ(sun::dark_fraction_of_hour(utc(2024, 6, 21, 10), kGbgLat, kGbgLon), 0.0);
  // The hour that contains December's dusk (15:00-16:00 UTC) is partly dark.
  const double f = sun::dark_fraction_of_hour(utc(2024, 12, 15, 15), kGbgLat, kGbgLon);
  EXPECT_GT(f, 0.5);
  EXPECT_LT(f, 1.0);
  // Civil darkness: about 16 h in mid-December, about 2-3 h at midsummer at 57.7 N
  // (the sun dips to about -8.9 degrees at midnight).
  const double h_dec = sun::dark_hours(utc(2024, 12, 14, 23), kGbgLat, kGbgLon);
  const double h_jun = sun::dark_hours(utc(2024, 6, 20, 22), kGbgLat, kGbgLon);
  EXPECT_NEAR(h_dec, 15.9, 0.6);
  EXPECT_GT(h_jun, 1.0);
  EXPECT_LT(h_jun, 3.5);
  // Polar day: at 70 N the sun never goes below -6 degrees at midsummer.
  EXPECT_DOUBLE_EQ(sun::dark_hours(utc(2024, 6, 21), 70.0, 20.0), 0.0);
}
