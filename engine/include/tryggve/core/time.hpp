#pragma once
// Time stamps. Incidents carry an instant (UTC seconds since the epoch) and the
// UTC offset that was in force where and when it happened, so that local hour,
// weekday and month (what patrol plans and profiles are about) are exact even
// across daylight-saving changes. Parsing accepts ISO 8601 with or without an
// offset and common local formats; times without an offset are read in the
// run's time zone (default Europe/Stockholm).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tryggve {

struct Timestamp {
  std::int64_t utc_seconds = 0;   // seconds since 1970-01-01T00:00:00Z
  std::int32_t utc_offset_s = 0;  // local time = utc_seconds + utc_offset_s
  friend auto operator<=>(const Timestamp& a, const Timestamp& b) { return a.utc_seconds <=> b.utc_seconds; }
  friend bool operator==(const Timestamp& a, const Timestamp& b) { return a.utc_seconds == b.utc_seconds; }
};

// Broken-down local civil time.
struct LocalTime {
  int year = 1970, month = 1, day = 1;  // month 1..12, day 1..31
  int hour = 0, minute = 0, second = 0;
  int weekday = 3;  // ISO: 0 = Monday .. 6 = Sunday (1970-01-01 was a Thursday)
};

LocalTime to_local(const Timestamp& t);
// "2024-03-05T14:30:00+01:00"
std::string to_iso8601(const Timestamp& t);
// Months since 1970-01 in local time: the bin index for monthly analyses.
int month_index(const Timestamp& t);
// "2024-03" for a month index.
std::string month_label(int month_index);
// Days since 1970-01-01 (civil), and its inverse.
std::int64_t days_from_civil(int y, int m, int d);
void civil_from_days(std::int64_t z, int& y, int& m, int& d);

// A time zone with its daylight-saving rule, from a POSIX TZ rule
// ("CET-1CEST,M3.5.0,M10.5.0/3") or an IANA name ("Europe/Stockholm"), whose
// current rule is read from the system's zoneinfo (the POSIX footer of the TZif file).
class TimeZone {
 public:
  static TimeZone utc();
  // Throws Error(BadOption) if the name is neither a known IANA zone nor a POSIX rule.
  static TimeZone from_name(const std::string& name_or_posix_rule);

  const std::string& name() const { return name_; }
  // The POSIX rule used after the last listed transition ("CET-1CEST,M3.5.0,M10.5.0/3").
  const std::string& posix_rule() const { return rule_; }
  // Offset (seconds east of UTC) in force at the given UTC instant.
  std::int32_t offset_at_utc(std::int64_t utc_seconds) const;
  // Interpret a local civil time in this zone. Ambiguous times (the repeated hour
  // in autumn) take the first (summer-time) reading; times in the spring gap are
  // shifted forward, as most civil software does.
  Timestamp from_local(int y, int mo, int d, int h, int mi, int s) const;
  // The instant with the offset in force in this zone (for sources that store UTC
  // but whose local hour matters, e.g. Houston's `time` column).
  Timestamp at_utc(std::int64_t utc_seconds) const { return {utc_seconds, offset_at_utc(utc_seconds)}; }

 private:
  std::string name_;
  std::string rule_;
  // Parsed POSIX rule.
  std::int32_t std_offset_s_ = 0, dst_offset_s_ = 0;
  bool has_dst_ = false;
  struct Rule { int month = 0, week = 0, weekday = 0; int julian = -1; bool julian_no_leap = false; std::int32_t time_s = 7200; };
  Rule start_{}, end_{};
  // Historical transitions from the TZif file (empty for a bare POSIX rule): before
  // the last one the table decides, after it the POSIX rule does. That keeps old
  // data right (e.g. US rules before 2007) without a second code path.
  std::vector<std::int64_t> trans_utc_;
  std::vector<std::int32_t> trans_offset_s_;  // offset in force from trans_utc_[i] on
  std::int32_t initial_offset_s_ = 0;         // before the first transition
  void parse_posix(const std::string& rule);
  std::int64_t transition_utc(int year, const Rule& r, std::int32_t offset_before) const;
};

// Incident times outside these years are taken for typing mistakes (0024 for
// 2024, 2204 for 2024), not for incidents: the readers reject such rows. Every
// month range sized from data is then at most 201 years of months, and no
// single row can make an analysis allocate for 24,000 months.
inline constexpr int kFirstPlausibleYear = 1900;
inline constexpr int kLastPlausibleYear = 2100;
// Why a parsed time is not a plausible incident time ("is in year 24, outside
// 1900-2100"), or nullopt when it is.
std::optional<std::string> implausible_time(const Timestamp& t);

// Parses a time stamp. Accepted:
//  - ISO 8601: 2024-03-05T14:30[:00[.fff]][Z|+01:00|+0100], also with a space for 'T'
//  - "2024-03-05 14:30:00 +01:00" (Swedish police notices)
//  - dates alone: 2024-03-05 (local midnight)
//  - day-first local forms: 05.03.2024 14:30, 05/03/2024 14:30 when `day_first`;
//    month-first 3/5/2010 [6:00[:00] [AM|PM]] when !day_first (US data, e.g. Houston)
//  - Unix epoch seconds when the text is all digits and has 9-11 characters.
//  - an explicit offset (Z, UTC, +01:00, +0100, +01, and +01:12:12 as to_iso8601
//    writes local mean time) fixes the instant; the stored
//    utc_offset_s is then the zone's offset at that instant, so local hours agree
//    between sources that write UTC and sources that write local time.
//  - fractional seconds are accepted and truncated to the whole second.
// Impossible dates (2024-02-30), hours > 23, minutes/seconds > 59, two-digit years
// and trailing text are rejected.
// Returns nullopt with `why` filled if the text is empty or not a time.
std::optional<Timestamp> parse_timestamp(std::string_view text, const TimeZone& zone,
                                         bool day_first, std::string* why = nullptr);

}  // namespace tryggve
