#include "tryggve/core/time_window.hpp"

#include <charconv>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/month.hpp"

namespace tryggve {

namespace {

// The first day of a bound and the day after its last: a date is one day, a month all of its days.
std::pair<std::int64_t, std::int64_t> parse_bound(const std::string& text, const std::string& flag) {
  int y = 0, m = 0, d = 0;
  const char* b = text.data();
  const char* e = b + text.size();
  auto num = [&](int& out, std::size_t digits) {
    if (static_cast<std::size_t>(e - b) < digits) return false;
    auto [p, ec] = std::from_chars(b, b + digits, out);
    if (ec != std::errc() || p != b + digits) return false;
    b = p;
    return true;
  };
  bool ok = num(y, 4) && b != e && *b++ == '-' && num(m, 2) && m >= 1 && m <= 12;
  bool has_day = false;
  if (ok && b != e) {
    ok = *b++ == '-' && num(d, 2) && b == e;
    has_day = true;
  }
  if (!ok)
    throw Error(ErrorCode::BadOption, flag, fmt::format("'{}' is not a date (YYYY-MM-DD) or a month (YYYY-MM)", text));
  if (!has_day) {
    const YearMonth next = year_month(month_index(y, m) + 1);
    return {days_from_civil(y, m, 1), days_from_civil(next.year, next.month, 1)};
  }
  const std::int64_t day = days_from_civil(y, m, d);
  int yy, mm, dd;
  civil_from_days(day, yy, mm, dd);
  if (yy != y || mm != m || dd != d) throw Error(ErrorCode::BadOption, flag, fmt::format("'{}' is not a real date", text));
  return {day, day + 1};
}

}  // namespace

std::int64_t local_day(const Timestamp& t) {
  const std::int64_t s = t.utc_seconds + t.utc_offset_s;
  return s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
}

bool DayWindow::contains(const Timestamp& t) const {
  const std::int64_t d = local_day(t);
  return d >= first_day && d < end_day;
}

DayWindow parse_day_window(const std::string& from, const std::string& to, const std::string& from_flag,
                           const std::string& to_flag) {
  DayWindow w;
  if (!from.empty()) w.first_day = parse_bound(from, from_flag).first;
  if (!to.empty()) w.end_day = parse_bound(to, to_flag).second;
  if (w.first_day >= w.end_day)
    throw Error(ErrorCode::BadOption, from_flag, fmt::format("the window starts ({}) after it ends ({})", from, to));
  return w;
}

}  // namespace tryggve
