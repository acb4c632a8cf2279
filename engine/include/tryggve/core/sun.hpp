#pragma once
// The sun's position, for darkness: lighting only acts, and outdoor incidents
// only rise, when it is dark at that place and hour. Computed from the real
// solar geometry (NOAA's algorithm after Meeus), never from clock time.
#include <cstdint>

namespace tryggve::sun {

// Solar elevation in degrees above the horizon (refraction not included) at a
// UTC instant and a place (latitude, longitude in degrees, east positive).
double elevation_deg(std::int64_t utc_seconds, double lat_deg, double lon_deg);

// Civil darkness: the sun at least 6 degrees below the horizon.
inline constexpr double kCivilDusk = -6.0;
inline bool is_dark(std::int64_t utc_seconds, double lat_deg, double lon_deg,
                    double threshold_deg = kCivilDusk) {
  return elevation_deg(utc_seconds, lat_deg, lon_deg) < threshold_deg;
}

// Fraction of the hour starting at `utc_hour_start` that is dark (sampled every minute).
double dark_fraction_of_hour(std::int64_t utc_hour_start, double lat_deg, double lon_deg,
                             double threshold_deg = kCivilDusk);

// Hours of darkness on a civil day (local midnight to midnight given as UTC bounds).
double dark_hours(std::int64_t utc_day_start, double lat_deg, double lon_deg,
                  double threshold_deg = kCivilDusk);

}  // namespace tryggve::sun
