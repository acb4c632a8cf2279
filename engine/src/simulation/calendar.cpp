#include "tryggve/simulation/calendar.hpp"

#include <algorithm>
#include <cmath>

#include "tryggve/core/error.hpp"

namespace tryggve::simulation {

StudyPeriod local_months(const TimeZone& zone, int year, int month, int count) {
  if (count <= 0 || month < 1 || month > 12)
    throw Error(ErrorCode::BadOption, "simulation period", "need month 1..12 and count > 0");
  const int end_total = year * 12 + (month - 1) + count;
  const Timestamp a = zone.from_local(year, month, 1, 0, 0, 0);
  const Timestamp b = zone.from_local(end_total / 12, end_total % 12 + 1, 1, 0, 0, 0);
  return {a.utc_seconds, b.utc_seconds};
}

HourCalendar::HourCalendar(StudyPeriod period, const TimeZone& zone, Place place, double dusk_threshold_deg)
    : period_(period), zone_(zone), place_(place) {
  if (period.end_utc <= period.start_utc)
    throw Error(ErrorCode::BadOption, "simulation calendar", "the study period is empty (end <= start)");
  if (period.end_utc - period.start_utc > std::int64_t{30} * 366 * 86400)
    throw Error(ErrorCode::BadOption, "simulation calendar", "the study period is longer than 30 years");
  origin_utc_ = period.start_utc - ((period.start_utc % 3600) + 3600) % 3600;
  const auto n = static_cast<std::size_t>((period.end_utc - origin_utc_ + 3599) / 3600);
  hours_.resize(n);
  first_month_index_ = month_index(zone.at_utc(period.start_utc));
  int last_month = first_month_index_;
  for (std::size_t h = 0; h < n; ++h) {
    const std::int64_t t = origin_utc_ + static_cast<std::int64_t>(h) * 3600;
    const Timestamp ts = zone.at_utc(std::max(t, period.start_utc));
    const LocalTime lt = to_local(ts);
    HourInfo& hi = hours_[h];
    hi.hour_of_week = static_cast<std::uint8_t>(lt.weekday * 24 + lt.hour);
    hi.month_of_year = static_cast<std::uint8_t>(lt.month - 1);
    const int mi = month_index(ts);
    hi.month = static_cast<std::int16_t>(mi - first_month_index_);
    last_month = std::max(last_month, mi);
    // Darkness at the middle of each 10-minute slot: a dusk or dawn inside an hour
    // is placed to within 5 minutes, which is what lighting and patrol windows need.
    std::uint8_t mask = 0;
    for (int k = 0; k < kSlotsPerHour; ++k)
      if (sun::is_dark(t + 600 * k + 300, place.lat_deg, place.lon_deg, dusk_threshold_deg))
        mask = static_cast<std::uint8_t>(mask | (1u << k));
    hi.dark_slots = mask;
  }
  month_count_ = last_month - first_month_index_ + 1;
}

double HourCalendar::hour_weight(std::size_t h) const {
  const double a = std::max(static_cast<double>(h), start_hours());
  const double b = std::min(static_cast<double>(h + 1), end_hours());
  return std::max(0.0, b - a);
}

std::int64_t HourCalendar::to_utc(double hours) const {
  return origin_utc_ + static_cast<std::int64_t>(std::floor(hours * 3600.0));
}

std::string HourCalendar::month_label(int m) const { return tryggve::month_label(first_month_index_ + m); }

}  // namespace tryggve::simulation
