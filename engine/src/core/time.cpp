#include "tryggve/core/time.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/month.hpp"

namespace tryggve {

// ---------------------------------------------------------------------------
// Civil calendar (proleptic Gregorian). Howard Hinnant's public-domain
// algorithms ("chrono-compatible low-level date algorithms"): exact for any
// year, no tables, no loops.
std::int64_t days_from_civil(int y, int m, int d) {
  const std::int64_t yy = static_cast<std::int64_t>(y) - (m <= 2 ? 1 : 0);
  const std::int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
  const std::int64_t yoe = yy - era * 400;                              // [0, 399]
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;  // [0, 365]
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;       // [0, 146096]
  return era * 146097 + doe - 719468;
}

void civil_from_days(std::int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
}

namespace {

constexpr std::int64_t kDay = 86400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
std::int64_t floor_mod(std::int64_t a, std::int64_t b) { return a - floor_div(a, b) * b; }

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

}  // namespace

LocalTime to_local(const Timestamp& t) {
  const std::int64_t local = t.utc_seconds + t.utc_offset_s;
  const std::int64_t days = floor_div(local, kDay);
  const std::int64_t secs = local - days * kDay;
  LocalTime lt;
  civil_from_days(days, lt.year, lt.month, lt.day);
  lt.hour = static_cast<int>(secs / 3600);
  lt.minute = static_cast<int>(secs / 60 % 60);
  lt.second = static_cast<int>(secs % 60);
  lt.weekday = static_cast<int>(floor_mod(days + 3, 7));  // day 0 was a Thursday (ISO 3)
  return lt;
}

std::string to_iso8601(const Timestamp& t) {
  const LocalTime lt = to_local(t);
  const std::int32_t off = t.utc_offset_s;
  const char sign = off < 0 ? '-' : '+';
  const std::int32_t a = off < 0 ? -off : off;
  std::string s = fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}{}{:02d}:{:02d}", lt.year, lt.month, lt.day,
                              lt.hour, lt.minute, lt.second, sign, a / 3600, a / 60 % 60);
  if (a % 60 != 0) s += fmt::format(":{:02d}", a % 60);  // only local mean time has odd seconds
  return s;
}

int month_index(const Timestamp& t) {
  const LocalTime lt = to_local(t);
  return month_index(lt.year, lt.month);
}

YearMonth year_month(int idx) {
  return {static_cast<int>(1970 + floor_div(idx, 12)), static_cast<int>(floor_mod(idx, 12) + 1)};
}

std::string month_label(int idx) {
  const YearMonth ym = year_month(idx);
  return fmt::format("{:04d}-{:02d}", ym.year, ym.month);
}

// ---------------------------------------------------------------------------
// Time zones.

namespace {

// Cursor over a POSIX TZ string (POSIX.1-2017 8.3, with the RFC 8536 extension
// that transition times may be negative or up to 167 h).
struct PosixCursor {
  std::string_view s;
  std::size_t i = 0;
  bool end() const { return i >= s.size(); }
  char peek() const { return end() ? '\0' : s[i]; }
  bool isdigit_at() const { return !end() && s[i] >= '0' && s[i] <= '9'; }
  int number(int max_digits) {
    if (!isdigit_at()) throw std::invalid_argument(fmt::format("expected a number at position {}", i + 1));
    int v = 0, n = 0;
    while (isdigit_at() && n < max_digits) v = v * 10 + (s[i++] - '0'), ++n;
    return v;
  }
  std::string name() {
    std::string out;
    if (peek() == '<') {
      ++i;
      while (!end() && s[i] != '>') out += s[i++];
      if (end()) throw std::invalid_argument("unterminated <...> zone abbreviation");
      ++i;
    } else {
      while (!end() && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z'))) out += s[i++];
    }
    if (out.size() < 3) throw std::invalid_argument(fmt::format("zone abbreviation at position {} is shorter than 3 characters", i + 1));
    return out;
  }
  // [+-]hh[:mm[:ss]] in seconds.
  std::int32_t hms(int max_hours) {
    int sign = 1;
    if (peek() == '+' || peek() == '-') sign = s[i++] == '-' ? -1 : 1;
    const int h = number(3);
    int mi = 0, se = 0;
    if (peek() == ':') { ++i; mi = number(2); if (peek() == ':') { ++i; se = number(2); } }
    if (h > max_hours || mi > 59 || se > 59) throw std::invalid_argument("time or offset out of range");
    return sign * (h * 3600 + mi * 60 + se);
  }
};

}  // namespace

void TimeZone::parse_posix(const std::string& rule) {
  PosixCursor c{rule};
  c.name();
  // POSIX offsets count west of Greenwich ("CET-1"); ours count east.
  std_offset_s_ = -c.hms(24);
  has_dst_ = false;
  dst_offset_s_ = std_offset_s_;
  if (!c.end()) {
    c.name();
    has_dst_ = true;
    dst_offset_s_ = std_offset_s_ + 3600;
    if (c.peek() != ',' && !c.end()) dst_offset_s_ = -c.hms(24);
    std::string_view rules = c.end() ? std::string_view("M3.2.0,M11.1.0")  // POSIX default (US)
                                     : std::string_view(rule).substr(c.i + (c.peek() == ',' ? 1 : 0));
    if (!c.end() && c.peek() != ',') throw std::invalid_argument("expected ',' before the daylight-saving rule");
    PosixCursor r{rules};
    auto one = [&r](Rule& out) {
      out = Rule{};
      if (r.peek() == 'M') {
        ++r.i;
        out.month = r.number(2);
        if (r.peek() != '.') throw std::invalid_argument("expected '.' in Mm.w.d");
        ++r.i;
        out.week = r.number(1);
        if (r.peek() != '.') throw std::invalid_argument("expected '.' in Mm.w.d");
        ++r.i;
        out.weekday = r.number(1);
        if (out.month < 1 || out.month > 12 || out.week < 1 || out.week > 5 || out.weekday > 6)
          throw std::invalid_argument("Mm.w.d out of range");
      } else if (r.peek() == 'J') {
        ++r.i;
        out.julian = r.number(3);
        out.julian_no_leap = true;
        if (out.julian < 1 || out.julian > 365) throw std::invalid_argument("Jn day out of range 1..365");
      } else {
        out.julian = r.number(3);
        if (out.julian > 365) throw std::invalid_argument("day n out of range 0..365");
      }
      out.time_s = 7200;
      if (r.peek() == '/') { ++r.i; out.time_s = r.hms(167); }
    };
    one(start_);
    if (r.peek() != ',') throw std::invalid_argument("expected ',' between start and end rules");
    ++r.i;
    one(end_);
    if (!r.end()) throw std::invalid_argument(fmt::format("unexpected text '{}' after the rule", r.s.substr(r.i)));
  }
  rule_ = rule;
}

std::int64_t TimeZone::transition_utc(int year, const Rule& r, std::int32_t offset_before) const {
  std::int64_t day = 0;
  if (r.julian >= 0) {
    day = days_from_civil(year, 1, 1) + r.julian;
    if (r.julian_no_leap) day -= 1 - ((is_leap(year) && r.julian >= 60) ? 1 : 0);  // Jn never counts Feb 29
  } else {
    const std::int64_t first = days_from_civil(year, r.month, 1);
    const int wd_first = static_cast<int>(floor_mod(first + 4, 7));  // 0 = Sunday; day 0 was a Thursday
    day = first + (r.weekday - wd_first + 7) % 7 + (r.week - 1) * 7;
    while (day >= first + days_in_month(year, r.month)) day -= 7;  // week 5 = "last"
  }
  return day * kDay + r.time_s - offset_before;
}

std::int32_t TimeZone::offset_at_utc(std::int64_t t) const {
  if (!trans_utc_.empty() && (t < trans_utc_.back() || rule_.empty())) {
    const auto it = std::upper_bound(trans_utc_.begin(), trans_utc_.end(), t);
    if (it == trans_utc_.begin()) return initial_offset_s_;
    return trans_offset_s_[static_cast<std::size_t>(it - trans_utc_.begin() - 1)];
  }
  if (!has_dst_) return std_offset_s_;
  int y = 0, m = 0, d = 0;
  civil_from_days(floor_div(t + std_offset_s_, kDay), y, m, d);
  const std::int64_t s = transition_utc(y, start_, std_offset_s_);
  const std::int64_t e = transition_utc(y, end_, dst_offset_s_);
  const bool dst = s < e ? (t >= s && t < e) : !(t >= e && t < s);  // southern hemisphere: summer spans new year
  return dst ? dst_offset_s_ : std_offset_s_;
}

Timestamp TimeZone::from_local(int y, int mo, int d, int h, int mi, int s) const {
  const std::int64_t local = days_from_civil(y, mo, d) * kDay + h * 3600 + mi * 60 + s;
  // The offsets in force a day either side bracket any transition near `local`
  // (real zones never change twice within two days).
  const std::int32_t before = offset_at_utc(local - kDay);
  const std::int32_t after = offset_at_utc(local + kDay);
  const std::int64_t ub = local - before, ua = local - after;
  const bool ok_b = offset_at_utc(ub) == before, ok_a = offset_at_utc(ua) == after;
  std::int64_t u = 0;
  if (ok_b && ok_a) u = std::min(ub, ua);  // repeated hour: the earlier (summer-time) reading
  else if (ok_b) u = ub;
  else if (ok_a) u = ua;
  else u = ub;  // in the spring gap: read with the old offset, i.e. shifted forward past the gap
  return {u, offset_at_utc(u)};
}

TimeZone TimeZone::utc() {
  TimeZone z;
  z.name_ = "UTC";
  z.parse_posix("UTC0");
  return z;
}

namespace {

// RFC 8536 TZif, version 2 or later.
struct TzifData {
  std::vector<std::int64_t> times;
  std::vector<std::int32_t> offsets;
  std::int32_t initial = 0;
  std::string footer;
};

std::int64_t be(const unsigned char* p, int n) {
  std::uint64_t v = 0;
  for (int k = 0; k < n; ++k) v = (v << 8) | p[k];
  if (n == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

TzifData read_tzif(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::invalid_argument("cannot open " + path.string());
  const std::string raw((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const auto* b = reinterpret_cast<const unsigned char*>(raw.data());
  const std::size_t n = raw.size();
  auto header = [&](std::size_t at, std::int64_t cnt[6]) {
    if (at + 44 > n || raw.compare(at, 4, "TZif") != 0) throw std::invalid_argument(path.string() + " is not a TZif file");
    for (int k = 0; k < 6; ++k) cnt[k] = be(b + at + 20 + 4 * k, 4);  // isut, isstd, leap, time, type, char
    return static_cast<char>(b[at + 4]);
  };
  std::int64_t c[6];
  const char version = header(0, c);
  if (version < '2') throw std::invalid_argument(path.string() + " is TZif version 1 (no 64-bit data, no rule)");
  std::size_t at = 44 + static_cast<std::size_t>(c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
  header(at, c);
  const std::size_t timecnt = static_cast<std::size_t>(c[3]), typecnt = static_cast<std::size_t>(c[4]);
  at += 44;
  const std::size_t body = timecnt * 8 + timecnt + typecnt * 6 + static_cast<std::size_t>(c[5] + c[2] * 12 + c[1] + c[0]);
  if (typecnt == 0 || at + body > n) throw std::invalid_argument(path.string() + " is truncated");
  TzifData out;
  const unsigned char* types = b + at + timecnt * 8 + timecnt;
  auto type_offset = [&](std::size_t k) -> std::int32_t {
    if (k >= typecnt) throw std::invalid_argument(path.string() + ": transition type out of range");
    return static_cast<std::int32_t>(be(types + 6 * k, 4));
  };
  for (std::size_t k = 0; k < timecnt; ++k) {
    out.times.push_back(be(b + at + 8 * k, 8));
    out.offsets.push_back(type_offset(b[at + timecnt * 8 + k]));
  }
  out.initial = type_offset(0);  // RFC 8536 3.2: before the first transition, type 0 applies
  at += body;
  if (at < n && raw[at] == '\n') {
    const std::size_t e = raw.find('\n', at + 1);
    if (e != std::string::npos) out.footer = raw.substr(at + 1, e - at - 1);
  }
  return out;
}

// Used only when the system has no tzdata (a minimal container): the three
// zones Tryggve's shipped data need. The rules are the current ones.
const char* builtin_rule(const std::string& name) {
  if (name == "Europe/Stockholm") return "CET-1CEST,M3.5.0,M10.5.0/3";
  if (name == "UTC" || name == "Etc/UTC" || name == "GMT" || name == "Etc/GMT" || name == "Z") return "UTC0";
  if (name == "America/Chicago" || name == "US/Central") return "CST6CDT,M3.2.0,M11.1.0";
  return nullptr;
}

bool looks_like_zone_name(const std::string& s) {
  if (s.empty() || s.find("..") != std::string::npos || s.front() == '/') return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '/' ||
           ch == '_' || ch == '-' || ch == '+';
  });
}

}  // namespace

TimeZone TimeZone::from_name(const std::string& name) {
  TimeZone z;
  z.name_ = name;
  std::string tzif_problem;
  if (looks_like_zone_name(name)) {
    const char* dir = std::getenv("TZDIR");
    const std::filesystem::path path = std::filesystem::path(dir && *dir ? dir : "/usr/share/zoneinfo") / name;
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) {
      try {
        TzifData t = read_tzif(path);
        z.trans_utc_ = std::move(t.times);
        z.trans_offset_s_ = std::move(t.offsets);
        z.initial_offset_s_ = t.initial;
        if (!t.footer.empty()) z.parse_posix(t.footer);
        else z.std_offset_s_ = z.trans_offset_s_.empty() ? z.initial_offset_s_ : z.trans_offset_s_.back();
        return z;
      } catch (const std::invalid_argument& e) {
        tzif_problem = e.what();  // fall through to the built-in table / POSIX reading
        z = TimeZone{};
        z.name_ = name;
      }
    }
  }
  if (const char* rule = builtin_rule(name)) {
    z.parse_posix(rule);
    return z;
  }
  try {
    z.parse_posix(name);
    return z;
  } catch (const std::invalid_argument& e) {
    std::string msg = fmt::format("'{}' is neither a known time zone nor a POSIX TZ rule ({})", name, e.what());
    if (!tzif_problem.empty()) msg += "; zoneinfo: " + tzif_problem;
    throw Error(ErrorCode::BadOption, "time zone", msg);
  }
}

std::optional<std::string> implausible_time(const Timestamp& t) {
  const int y = to_local(t).year;
  if (y >= kFirstPlausibleYear && y <= kLastPlausibleYear) return std::nullopt;
  return fmt::format("is in year {}, outside {}-{} (a mistyped year?)", y, kFirstPlausibleYear, kLastPlausibleYear);
}

// ---------------------------------------------------------------------------
// Parsing.

namespace {

struct Scan {
  std::string_view s;
  std::size_t i = 0;
  bool end() const { return i >= s.size(); }
  char peek() const { return end() ? '\0' : s[i]; }
  static bool digit(char c) { return c >= '0' && c <= '9'; }
  // Up to max digits; returns the count read (0 if none).
  int digits(int max, int& value) {
    value = 0;
    int n = 0;
    while (!end() && digit(s[i]) && n < max) value = value * 10 + (s[i++] - '0'), ++n;
    return n;
  }
  void spaces() { while (!end() && (s[i] == ' ' || s[i] == '\t')) ++i; }
  bool word_ci(std::string_view w) {
    if (s.size() - i < w.size()) return false;
    for (std::size_t k = 0; k < w.size(); ++k) {
      char a = s[i + k];
      if (a >= 'a' && a <= 'z') a = static_cast<char>(a - 'a' + 'A');
      if (a != w[k]) return false;
    }
    i += w.size();
    return true;
  }
};

bool fail(std::string* why, std::string msg) {
  if (why) *why = std::move(msg);
  return false;
}

}  // namespace

std::optional<Timestamp> parse_timestamp(std::string_view text, const TimeZone& zone, bool day_first,
                                         std::string* why) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  auto bad = [&](const std::string& msg) -> std::optional<Timestamp> {
    if (why) fail(why, fmt::format("time '{}' {}", text, msg));  // formatted only on failure: parsing is a hot path
    return std::nullopt;
  };
  if (text.empty()) {
    fail(why, "time stamp is empty");
    return std::nullopt;
  }

  // Unix epoch seconds (9-11 digits covers 1973..5138; shorter runs of digits are
  // more likely a compact date or a row number than a time).
  if (std::all_of(text.begin(), text.end(), Scan::digit)) {
    if (text.size() < 9 || text.size() > 11) return bad("is all digits but not 9-11 long (epoch seconds)");
    const std::int64_t v = std::strtoll(std::string(text).c_str(), nullptr, 10);
    return zone.at_utc(v);
  }

  Scan sc{text};
  int y = 0, mo = 0, d = 0;
  int a = 0;
  const int na = sc.digits(4, a);
  const char sep = sc.peek();
  if (na == 0) return bad("does not start with a date");
  if (na == 4 && (sep == '-' || sep == '/')) {
    // ISO 8601 calendar date (the '/' variant is common in exports).
    y = a;
    ++sc.i;
    if (sc.digits(2, mo) == 0 || sc.peek() != sep) return bad("is not a date (expected YYYY-MM-DD)");
    ++sc.i;
    if (sc.digits(2, d) == 0) return bad("is not a date (expected YYYY-MM-DD)");
  } else if (na <= 2 && (sep == '.' || sep == '/' || sep == '-')) {
    int b = 0, c = 0;
    ++sc.i;
    if (sc.digits(2, b) == 0 || sc.peek() != sep) return bad("is not a date (expected DD.MM.YYYY or M/D/YYYY)");
    ++sc.i;
    const int nc = sc.digits(4, c);
    if (nc != 4) return bad(nc == 2 ? "has a two-digit year, which is ambiguous" : "is not a date (year must have 4 digits)");
    // Dotted dates are day-first everywhere they are used (Nordic, German); slashes
    // and dashes depend on the source (US data is month-first).
    const bool dmy = sep == '.' || day_first;
    d = dmy ? a : b;
    mo = dmy ? b : a;
    y = c;
  } else {
    return bad("is not a recognised date (expected YYYY-MM-DD, DD.MM.YYYY or M/D/YYYY)");
  }
  if (Scan::digit(sc.peek())) return bad("is not a date (too many digits)");
  if (mo < 1 || mo > 12) return bad(fmt::format("has month {} (must be 1-12)", mo));
  if (y < 1) return bad("has year 0");
  if (d < 1 || d > days_in_month(y, mo))
    return bad(fmt::format("is not a date: {:04d}-{:02d} has no day {}", y, mo, d));

  int h = 0, mi = 0, se = 0;
  std::optional<std::int32_t> explicit_offset;
  if (!sc.end()) {
    if (sc.peek() == 'T' || sc.peek() == 't') ++sc.i;
    else if (sc.peek() == ' ' || sc.peek() == '\t') sc.spaces();
    else return bad(fmt::format("has unexpected '{}' after the date", sc.s.substr(sc.i)));
    const int nh = sc.digits(2, h);
    if (nh == 0 || sc.peek() != ':') return bad("has no valid time of day after the date (expected HH:MM)");
    ++sc.i;
    if (sc.digits(2, mi) != 2) return bad("has no valid minutes (expected HH:MM)");
    if (sc.peek() == ':') {
      ++sc.i;
      if (sc.digits(2, se) != 2) return bad("has no valid seconds (expected HH:MM:SS)");
      if (sc.peek() == '.' || sc.peek() == ',') {  // fractional seconds: kept to the whole second
        ++sc.i;
        int ignored = 0;
        if (sc.digits(1, ignored) == 0) return bad("has a decimal point without digits");
        while (Scan::digit(sc.peek())) ++sc.i;
      }
    }
    if (Scan::digit(sc.peek())) return bad("has too many digits in the time");
    sc.spaces();
    if (sc.word_ci("AM") || sc.word_ci("PM")) {
      const bool pm = sc.s[sc.i - 2] == 'P' || sc.s[sc.i - 2] == 'p';
      if (h < 1 || h > 12) return bad(fmt::format("has hour {} with AM/PM (must be 1-12)", h));
      h = (h % 12) + (pm ? 12 : 0);
      sc.spaces();
    }
    if (sc.peek() == 'Z' || sc.peek() == 'z') {
      ++sc.i;
      explicit_offset = 0;
    } else if (sc.word_ci("UTC") || sc.word_ci("GMT")) {
      explicit_offset = 0;
    } else if (sc.peek() == '+' || sc.peek() == '-') {
      const int sign = sc.s[sc.i++] == '-' ? -1 : 1;
      int oh = 0, om = 0, os = 0;
      if (sc.digits(2, oh) != 2) return bad("has a UTC offset without two-digit hours (+HH:MM)");
      if (sc.peek() == ':') ++sc.i;
      if (Scan::digit(sc.peek()) && sc.digits(2, om) != 2) return bad("has a UTC offset with bad minutes");
      // Seconds in an offset: local mean time before standard time (Stockholm
      // +01:12:12 until 1879), as to_iso8601 writes it; it must read back.
      if (sc.peek() == ':' && sc.i + 1 < sc.s.size() && Scan::digit(sc.s[sc.i + 1])) {
        ++sc.i;
        if (sc.digits(2, os) != 2) return bad("has a UTC offset with bad seconds");
      }
      if (oh > 18 || om > 59 || os > 59)
        return bad(fmt::format("has UTC offset {:02d}:{:02d}{} out of range", oh, om, os ? fmt::format(":{:02d}", os) : ""));
      explicit_offset = sign * (oh * 3600 + om * 60 + os);
    }
    sc.spaces();
    if (!sc.end()) return bad(fmt::format("has unexpected '{}' after the time", sc.s.substr(sc.i)));
    if (h > 23) return bad(fmt::format("has hour {} (must be 0-23)", h));
    if (mi > 59) return bad(fmt::format("has minute {} (must be 0-59)", mi));
    if (se > 59) return bad(fmt::format("has second {} (must be 0-59)", se));
  }

  if (explicit_offset) {
    // The offset fixes the instant; the stored offset is the run zone's at that
    // instant, so local hours from sources that write UTC and sources that write
    // local time agree.
    const std::int64_t utc = days_from_civil(y, mo, d) * kDay + h * 3600 + mi * 60 + se - *explicit_offset;
    return zone.at_utc(utc);
  }
  return zone.from_local(y, mo, d, h, mi, se);
}

}  // namespace tryggve
