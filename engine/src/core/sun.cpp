// The sun's position after NOAA's solar calculator (the spreadsheet version of
// Meeus, "Astronomical Algorithms", 2nd ed., ch. 25 low-accuracy method and the
// equation of time of ch. 28). Accuracy is about 0.01 degree in declination and a
// few seconds in the equation of time for years 1800-2100: far finer than the
// minute-level darkness Tryggve needs. Refraction is deliberately left out: civil
// dusk is defined on the geometric elevation (-6 degrees), where refraction is
// small and conventionally ignored.
#include "tryggve/core/sun.hpp"

#include <algorithm>
#include <cmath>

namespace tryggve::sun {

namespace {

constexpr double kDeg = M_PI / 180.0;

double wrap360(double x) {
  x = std::fmod(x, 360.0);
  return x < 0 ? x + 360.0 : x;
}

struct SolarTerms {
  double declination_deg;
  double equation_of_time_min;
};

// Declination and equation of time at Julian century T (from J2000.0). The
// difference between UT and TT (about a minute) moves these by well under the
// stated accuracy, so UTC is used directly, as NOAA's calculator does.
SolarTerms solar_terms(double T) {
  const double L0 = wrap360(280.46646 + T * (36000.76983 + T * 0.0003032));  // mean longitude
  const double M = 357.52911 + T * (35999.05029 - 0.0001537 * T);            // mean anomaly
  const double e = 0.016708634 - T * (0.000042037 + 0.0000001267 * T);       // orbit eccentricity
  const double Mr = M * kDeg;
  const double C = std::sin(Mr) * (1.914602 - T * (0.004817 + 0.000014 * T)) +
                   std::sin(2 * Mr) * (0.019993 - 0.000101 * T) + std::sin(3 * Mr) * 0.000289;
  const double true_long = L0 + C;
  const double omega = (125.04 - 1934.136 * T) * kDeg;
  const double apparent_long = true_long - 0.00569 - 0.00478 * std::sin(omega);
  const double eps0 = 23.0 + (26.0 + (21.448 - T * (46.815 + T * (0.00059 - T * 0.001813))) / 60.0) / 60.0;
  const double eps = (eps0 + 0.00256 * std::cos(omega)) * kDeg;  // corrected obliquity
  const double decl = std::asin(std::sin(eps) * std::sin(apparent_long * kDeg));

  const double y = std::pow(std::tan(eps / 2), 2);
  const double L0r = L0 * kDeg;
  const double eot_rad = y * std::sin(2 * L0r) - 2 * e * std::sin(Mr) +
                         4 * e * y * std::sin(Mr) * std::cos(2 * L0r) -
                         0.5 * y * y * std::sin(4 * L0r) - 1.25 * e * e * std::sin(2 * Mr);
  return {decl / kDeg, 4.0 * eot_rad / kDeg};
}

}  // namespace

double elevation_deg(std::int64_t utc_seconds, double lat_deg, double lon_deg) {
  const double jd = static_cast<double>(utc_seconds) / 86400.0 + 2440587.5;
  const double T = (jd - 2451545.0) / 36525.0;
  const SolarTerms s = solar_terms(T);

  // True solar time in minutes from the UTC minute of the day.
  std::int64_t sod = utc_seconds % 86400;
  if (sod < 0) sod += 86400;
  const double utc_min = static_cast<double>(sod) / 60.0;
  double tst = std::fmod(utc_min + s.equation_of_time_min + 4.0 * lon_deg, 1440.0);
  if (tst < 0) tst += 1440.0;
  const double hour_angle = (tst / 4.0 - 180.0) * kDeg;

  const double lat = lat_deg * kDeg, dec = s.declination_deg * kDeg;
  double cos_zenith = std::sin(lat) * std::sin(dec) + std::cos(lat) * std::cos(dec) * std::cos(hour_angle);
  cos_zenith = std::clamp(cos_zenith, -1.0, 1.0);
  return 90.0 - std::acos(cos_zenith) / kDeg;
}

double dark_fraction_of_hour(std::int64_t utc_hour_start, double lat_deg, double lon_deg, double threshold_deg) {
  // Minute samples at the middle of each minute: 60 evaluations, exact to 1/60 of
  // the hour, which is finer than any dosage or rate the callers use.
  int dark = 0;
  for (int m = 0; m < 60; ++m)
    if (elevation_deg(utc_hour_start + m * 60 + 30, lat_deg, lon_deg) < threshold_deg) ++dark;
  return dark / 60.0;
}

double dark_hours(std::int64_t utc_day_start, double lat_deg, double lon_deg, double threshold_deg) {
  double h = 0;
  for (int i = 0; i < 24; ++i) h += dark_fraction_of_hour(utc_day_start + i * 3600, lat_deg, lon_deg, threshold_deg);
  return h;
}

}  // namespace tryggve::sun
