#pragma once
// The hours of a study period, each with what the model needs to know about it:
// local hour of the week, local month of the year, the period's month bin, and
// which 10-minute slots of the hour are dark at the study area (from the sun's
// real position, civil dusk by default; never from clock time).
//
// Time inside the simulation module is measured in hours (double) since the
// calendar's origin: the first whole UTC hour at or before the period start.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "tryggve/core/sun.hpp"
#include "tryggve/core/time.hpp"

namespace tryggve::simulation {

// [start_utc, end_utc) in seconds since the epoch.
struct StudyPeriod {
  std::int64_t start_utc = 0;
  std::int64_t end_utc = 0;
};

// `count` whole local months starting at local midnight on the 1st of
// year-month in `zone` (e.g. a 12-month forecast from 2025-01).
StudyPeriod local_months(const TimeZone& zone, int year, int month, int count);

struct Place {
  double lat_deg = 57.75;  // default: Backa, Göteborg
  double lon_deg = 11.98;
};

struct HourInfo {
  std::uint8_t hour_of_week = 0;   // local: weekday (0 = Monday) * 24 + hour
  std::uint8_t month_of_year = 0;  // local: 0 = January
  std::uint8_t dark_slots = 0;     // bit k: the sun below the threshold at minute 10k+5
  std::int16_t month = 0;          // local month bin since the period's first month
};

inline constexpr int kHoursOfWeek = 168;
inline constexpr int kSlotsPerHour = 6;

class HourCalendar {
 public:
  HourCalendar() = default;
  // Throws Error(BadOption) if the period is empty or longer than 30 years.
  HourCalendar(StudyPeriod period, const TimeZone& zone, Place place,
               double dusk_threshold_deg = sun::kCivilDusk);

  std::int64_t origin_utc() const { return origin_utc_; }
  StudyPeriod period() const { return period_; }
  Place place() const { return place_; }
  const TimeZone& zone() const { return zone_; }
  // Number of hours (the last may be partial; it still counts whole, see hour_weight).
  std::size_t size() const { return hours_.size(); }
  const HourInfo& operator[](std::size_t h) const { return hours_[h]; }
  const std::vector<HourInfo>& hours() const { return hours_; }
  // Share of hour h inside the period (1 except possibly at both ends).
  double hour_weight(std::size_t h) const;
  // Period start and end in calendar hours.
  double start_hours() const { return (period_.start_utc - origin_utc_) / 3600.0; }
  double end_hours() const { return (period_.end_utc - origin_utc_) / 3600.0; }
  double to_hours(std::int64_t utc_seconds) const { return (utc_seconds - origin_utc_) / 3600.0; }
  std::int64_t to_utc(double hours) const;

  double dark_fraction(std::size_t h) const {
    return __builtin_popcount(hours_[h].dark_slots) / static_cast<double>(kSlotsPerHour);
  }
  // Whether calendar time t (hours) is dark; t must lie inside the calendar.
  bool is_dark(double t) const {
    const auto h = static_cast<std::size_t>(t);
    const int slot = static_cast<int>((t - static_cast<double>(h)) * kSlotsPerHour);
    return (hours_[h].dark_slots >> (slot < kSlotsPerHour ? slot : kSlotsPerHour - 1)) & 1u;
  }
  bool contains(double t) const { return t >= start_hours() && t < end_hours(); }
  int month_count() const { return month_count_; }
  // "2025-03" for month bin m.
  std::string month_label(int m) const;

 private:
  StudyPeriod period_{};
  TimeZone zone_ = TimeZone::utc();
  Place place_{};
  std::int64_t origin_utc_ = 0;
  std::vector<HourInfo> hours_;
  int first_month_index_ = 0;
  int month_count_ = 0;
};

}  // namespace tryggve::simulation
