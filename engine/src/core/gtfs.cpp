#include "tryggve/core/gtfs.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "tryggve/core/time.hpp"

namespace tryggve::gtfs {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::optional<ServiceSeconds> parse_service_time(std::string_view text, std::string* why) {
  auto fail = [&](std::string w) -> std::optional<ServiceSeconds> {
    if (why) *why = std::move(w);
    return std::nullopt;
  };
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.empty()) return fail("empty time");
  const auto c1 = text.find(':');
  const auto c2 = c1 == std::string_view::npos ? c1 : text.find(':', c1 + 1);
  if (c1 == std::string_view::npos || c2 == std::string_view::npos)
    return fail(fmt::format("time '{}' is not HH:MM:SS", text));
  const auto h = text.substr(0, c1), m = text.substr(c1 + 1, c2 - c1 - 1), s = text.substr(c2 + 1);
  if (!all_digits(h) || h.size() > 2 || !all_digits(m) || m.size() != 2 || !all_digits(s) || s.size() != 2)
    return fail(fmt::format("time '{}' is not HH:MM:SS", text));
  const int hh = to_int(h), mm = to_int(m), ss = to_int(s);
  if (mm > 59 || ss > 59) return fail(fmt::format("time '{}' has minutes or seconds above 59", text));
  const ServiceSeconds v = hh * 3600 + mm * 60 + ss;
  if (v > kMaxServiceSeconds) return fail(fmt::format("time '{}' is beyond 99:59:59", text));
  return v;
}

std::string format_service_time(ServiceSeconds s) {
  if (s == kNoTime) return "";
  return fmt::format("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
}

std::optional<std::int32_t> parse_date(std::string_view text) {
  if (text.size() != 8 || !all_digits(text)) return std::nullopt;
  const int y = to_int(text.substr(0, 4)), m = to_int(text.substr(4, 2)), d = to_int(text.substr(6, 2));
  if (y < 1900 || m < 1 || m > 12 || d < 1) return std::nullopt;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[m - 1] + (m == 2 && leap ? 1 : 0)) return std::nullopt;
  return static_cast<std::int32_t>(days_from_civil(y, m, d));
}

std::string format_date(std::int32_t days) {
  int y, m, d;
  civil_from_days(days, y, m, d);
  return fmt::format("{:04}{:02}{:02}", y, m, d);
}

Mode mode_of_route_type(int t) {
  switch (t) {
    case 0: return Mode::Tram;
    case 1: return Mode::Subway;
    case 2: return Mode::Rail;
    case 3: return Mode::Bus;
    case 4: return Mode::Ferry;
    case 5: return Mode::CableTram;
    case 6: return Mode::Aerial;
    case 7: return Mode::Funicular;
    case 11: return Mode::Trolleybus;
    case 12: return Mode::Monorail;
    default: break;
  }
  // Extended route types (Google's "Extended GTFS Route Types", after HVT).
  if (t >= 100 && t < 200) return Mode::Rail;
  if (t >= 200 && t < 300) return Mode::Bus;     // coach
  if (t >= 400 && t < 500) return Mode::Subway;  // urban railway / metro
  if (t >= 700 && t < 800) return Mode::Bus;
  if (t == 800) return Mode::Trolleybus;
  if (t >= 900 && t < 1000) return Mode::Tram;
  if (t >= 1000 && t < 1100) return Mode::Ferry;
  if (t == 1200) return Mode::Ferry;
  if (t >= 1300 && t < 1400) return Mode::Aerial;
  if (t == 1400) return Mode::Funicular;
  return Mode::Other;
}

const char* to_string(Mode m) {
  switch (m) {
    case Mode::Tram: return "tram";
    case Mode::Subway: return "subway";
    case Mode::Rail: return "rail";
    case Mode::Bus: return "bus";
    case Mode::Ferry: return "ferry";
    case Mode::CableTram: return "cable_tram";
    case Mode::Aerial: return "aerial";
    case Mode::Funicular: return "funicular";
    case Mode::Trolleybus: return "trolleybus";
    case Mode::Monorail: return "monorail";
    case Mode::Other: return "other";
  }
  return "other";
}

const char* swedish_name(Mode m) {
  switch (m) {
    case Mode::Tram: return "spårvagn";
    case Mode::Subway: return "tunnelbana";
    case Mode::Rail: return "tåg";
    case Mode::Bus: return "buss";
    case Mode::Ferry: return "båt";
    case Mode::CableTram: return "kabelspårvagn";
    case Mode::Aerial: return "linbana";
    case Mode::Funicular: return "bergbana";
    case Mode::Trolleybus: return "trådbuss";
    case Mode::Monorail: return "monorail";
    case Mode::Other: return "annat";
  }
  return "annat";
}

bool Service::active(std::int32_t day) const {
  if (std::binary_search(removed.begin(), removed.end(), day)) return false;
  if (std::binary_search(added.begin(), added.end(), day)) return true;
  if (!has_calendar || day < start_day || day > end_day) return false;
  // 1970-01-01 was a Thursday (ISO weekday 3, Monday = 0).
  const int wd = static_cast<int>(((day % 7) + 7 + 3) % 7);
  return weekdays[static_cast<std::size_t>(wd)];
}

std::int32_t Service::first_day() const {
  std::int32_t f = std::numeric_limits<std::int32_t>::max();
  if (has_calendar && start_day <= end_day) f = start_day;
  if (!added.empty()) f = std::min(f, added.front());
  return f;
}

std::int32_t Service::last_day() const {
  std::int32_t l = std::numeric_limits<std::int32_t>::min();
  if (has_calendar && start_day <= end_day) l = end_day;
  if (!added.empty()) l = std::max(l, added.back());
  return l;
}

}  // namespace tryggve::gtfs
