#include "calendar.hpp"

#include <fmt/format.h>

#include "tryggve/core/sun.hpp"

namespace tryggve::demo::cal {

// Howard Hinnant's civil-date algorithms (public domain).
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yoe + era * 400 + (m <= 2));
}

int weekday(std::int64_t days) {
  // 1970-01-01 was a Thursday (ISO 3 with Monday = 0).
  return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

namespace {
std::int64_t last_sunday(int y, int m) {
  const int last_day = m == 3 || m == 10 ? 31 : 30;
  const std::int64_t d = days_from_civil(y, m, last_day);
  return d - (weekday(d) + 1) % 7;  // Sunday is ISO 6
}
}  // namespace

std::int32_t stockholm_offset(std::int64_t utc) {
  std::int64_t days = utc / 86400;
  if (utc % 86400 < 0) --days;
  int y, m, d;
  civil_from_days(days, y, m, d);
  const std::int64_t start = last_sunday(y, 3) * 86400 + 3600;
  const std::int64_t end = last_sunday(y, 10) * 86400 + 3600;
  return utc >= start && utc < end ? 7200 : 3600;
}

std::int64_t stockholm_midnight(int y, int m, int d) {
  const std::int64_t local = days_from_civil(y, m, d) * 86400;
  // Midnight is never inside a transition (they happen at 02:00/03:00 local).
  return local - stockholm_offset(local - 3600);
}

std::string iso8601(std::int64_t utc, std::int32_t offset_s) {
  const std::int64_t local = utc + offset_s;
  std::int64_t days = local / 86400;
  std::int64_t sod = local % 86400;
  if (sod < 0) { sod += 86400; --days; }
  int y, m, d;
  civil_from_days(days, y, m, d);
  const int oh = offset_s / 3600, om = (std::abs(offset_s) % 3600) / 60;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}", y, m, d, sod / 3600, (sod / 60) % 60, sod % 60,
                     offset_s < 0 ? '-' : '+', std::abs(oh), om);
}

bool school_day(int y, int m, int d) {
  const std::int64_t days = days_from_civil(y, m, d);
  if (weekday(days) >= 5) return false;
  if ((m == 6 && d >= 14) || m == 7 || (m == 8 && d < 18)) return false;  // summer holiday
  if ((m == 12 && d >= 21) || (m == 1 && d <= 7)) return false;          // Christmas
  // ISO week number: the week containing this date's Thursday.
  const std::int64_t thursday = days - weekday(days) + 3;
  int ty, tm, td;
  civil_from_days(thursday, ty, tm, td);
  const int week = static_cast<int>((thursday - days_from_civil(ty, 1, 1)) / 7) + 1;
  return week != 8 && week != 44;  // sportlov in Göteborg, höstlov
}

std::vector<Hour> hours(int start_year, int start_month, int months, double lat, double lon, double threshold_deg) {
  int ey = start_year, em = start_month + months;
  while (em > 12) { em -= 12; ++ey; }
  const std::int64_t t0 = stockholm_midnight(start_year, start_month, 1);
  const std::int64_t t1 = stockholm_midnight(ey, em, 1);
  std::vector<Hour> out;
  out.reserve(static_cast<std::size_t>((t1 - t0) / 3600));
  for (std::int64_t t = t0; t < t1; t += 3600) {
    Hour h;
    h.utc = t;
    h.offset = stockholm_offset(t);
    const std::int64_t local = t + h.offset;
    const std::int64_t days = local / 86400;
    int y, m, d;
    civil_from_days(days, y, m, d);
    h.calendar_month = m;
    h.month = (y - start_year) * 12 + (m - start_month) + 1;
    h.hour = static_cast<int>((local % 86400) / 3600);
    h.weekday = weekday(days);
    h.school_day = school_day(y, m, d);
    // Only evaluate minute by minute near twilight; whole hours well away from the
    // threshold are uniformly dark or light.
    const double e0 = sun::elevation_deg(t, lat, lon), e1 = sun::elevation_deg(t + 3600, lat, lon);
    if (e0 < threshold_deg - 3 && e1 < threshold_deg - 3) {
      h.dark_minutes = ~0ULL >> 4;  // 60 bits
      h.dark_count = 60;
    } else if (e0 > threshold_deg + 3 && e1 > threshold_deg + 3) {
      h.dark_minutes = 0;
      h.dark_count = 0;
    } else {
      for (int mi = 0; mi < 60; ++mi)
        if (sun::elevation_deg(t + mi * 60 + 30, lat, lon) < threshold_deg) {
          h.dark_minutes |= 1ULL << mi;
          ++h.dark_count;
        }
    }
    out.push_back(h);
  }
  return out;
}

}  // namespace tryggve::demo::cal
