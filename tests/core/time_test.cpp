// Time stamps, time zones and parsing. Expected instants were computed
// independently with GNU date (`date -u -d '2024-03-31 01:00:00Z' +%s`).
#include <filesystem>
#include <string>

#include <unistd.h>

#include <gtest/gtest.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/time.hpp"

namespace tryggve {
namespace {

constexpr std::int64_t kSpring2024 = 1711846800;  // 2024-03-31T01:00:00Z: Stockholm 02:00 CET -> 03:00 CEST
constexpr std::int64_t kAutumn2024 = 1729990800;  // 2024-10-27T01:00:00Z: Stockholm 03:00 CEST -> 02:00 CET

const TimeZone& stockholm() {
  static const TimeZone z = TimeZone::from_name("Europe/Stockholm");
  return z;
}

Timestamp parse_ok(std::string_view text, const TimeZone& z = stockholm(), bool day_first = true) {
  std::string why;
  auto t = parse_timestamp(text, z, day_first, &why);
  EXPECT_TRUE(t.has_value()) << text << ": " << why;
  return t.value_or(Timestamp{});
}

std::string parse_error(std::string_view text, bool day_first = true) {
  std::string why;
  auto t = parse_timestamp(text, stockholm(), day_first, &why);
  EXPECT_FALSE(t.has_value()) << text << " parsed as " << (t ? to_iso8601(*t) : "");
  return why;
}

TEST(Civil, DaysRoundTripAndKnownValues) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(2024, 1, 1) * 86400, 1704067200);
  for (std::int64_t z = -800000; z <= 800000; z += 37) {
    int y, m, d;
    civil_from_days(z, y, m, d);
    ASSERT_EQ(days_from_civil(y, m, d), z);
  }
}

TEST(Civil, WeekdaysOfKnownDates) {
  auto wd = [](int y, int m, int d) { return to_local({days_from_civil(y, m, d) * 86400, 0}).weekday; };
  EXPECT_EQ(wd(1970, 1, 1), 3);   // Thursday
  EXPECT_EQ(wd(2000, 2, 29), 1);  // Tuesday
  EXPECT_EQ(wd(2024, 3, 5), 1);   // Tuesday
  EXPECT_EQ(wd(2022, 9, 26), 0);  // Monday
  EXPECT_EQ(wd(2024, 3, 31), 6);  // Sunday
  EXPECT_EQ(wd(1969, 12, 28), 6); // Sunday, before the epoch
}

TEST(Civil, MonthIndexAndLabel) {
  const Timestamp t = parse_ok("2024-03-05 14:30");
  EXPECT_EQ(month_index(t), (2024 - 1970) * 12 + 2);
  EXPECT_EQ(month_label(month_index(t)), "2024-03");
  EXPECT_EQ(month_label(0), "1970-01");
  EXPECT_EQ(month_label(-1), "1969-12");
  // The month is the local one: 2024-03-31T23:30Z is already April in Stockholm.
  const Timestamp late = parse_ok("2024-03-31T23:30:00Z");
  EXPECT_EQ(month_label(month_index(late)), "2024-04");
  EXPECT_EQ(month_label(month_index({late.utc_seconds, 0})), "2024-03");
}

TEST(TimeZone, StockholmOffsetsAroundTransitions) {
  const auto& z = stockholm();
  EXPECT_EQ(z.offset_at_utc(kSpring2024 - 1), 3600);
  EXPECT_EQ(z.offset_at_utc(kSpring2024), 7200);
  EXPECT_EQ(z.offset_at_utc(kAutumn2024 - 1), 7200);
  EXPECT_EQ(z.offset_at_utc(kAutumn2024), 3600);
  EXPECT_EQ(z.offset_at_utc(1704067200), 3600);  // New Year
}

TEST(TimeZone, PosixRuleAndBuiltinAgreeWithZoneinfo) {
  const TimeZone rule = TimeZone::from_name("CET-1CEST,M3.5.0,M10.5.0/3");
  for (std::int64_t t = 1640995200; t < 1767225600; t += 3 * 3600 + 17)  // 2022..2025, every ~3 h
    ASSERT_EQ(rule.offset_at_utc(t), stockholm().offset_at_utc(t)) << t;
  EXPECT_EQ(rule.offset_at_utc(kSpring2024), 7200);
  EXPECT_EQ(rule.posix_rule(), "CET-1CEST,M3.5.0,M10.5.0/3");
}

TEST(TimeZone, SpringGapShiftsForward) {
  // 02:30 does not exist on 2024-03-31 in Stockholm; it is read as 03:30 CEST.
  const Timestamp t = stockholm().from_local(2024, 3, 31, 2, 30, 0);
  EXPECT_EQ(t.utc_seconds, kSpring2024 + 1800);
  EXPECT_EQ(to_iso8601(t), "2024-03-31T03:30:00+02:00");
  // Either side of the gap.
  EXPECT_EQ(stockholm().from_local(2024, 3, 31, 1, 59, 59).utc_seconds, kSpring2024 - 1);
  EXPECT_EQ(stockholm().from_local(2024, 3, 31, 3, 0, 0).utc_seconds, kSpring2024);
}

TEST(TimeZone, RepeatedHourTakesSummerReading) {
  // 02:30 occurs twice on 2024-10-27; the first (CEST, +02:00) is taken.
  const Timestamp t = stockholm().from_local(2024, 10, 27, 2, 30, 0);
  EXPECT_EQ(t.utc_seconds, kAutumn2024 - 1800);
  EXPECT_EQ(t.utc_offset_s, 7200);
  // The second reading exists and is an hour later; an explicit offset reaches it.
  const Timestamp second = parse_ok("2024-10-27T02:30:00+01:00");
  EXPECT_EQ(second.utc_seconds - t.utc_seconds, 3600);
  EXPECT_EQ(to_iso8601(second), "2024-10-27T02:30:00+01:00");
  EXPECT_EQ(stockholm().from_local(2024, 10, 27, 3, 0, 0).utc_seconds, kAutumn2024 + 3600);
}

TEST(TimeZone, SouthernHemisphereRule) {
  // Australia/Sydney: AEST-10AEDT,M10.1.0,M4.1.0/3 (summer spans the new year).
  const TimeZone z = TimeZone::from_name("AEST-10AEDT,M10.1.0,M4.1.0/3");
  EXPECT_EQ(z.offset_at_utc(1704067200), 11 * 3600);         // 2024-01-01: summer
  EXPECT_EQ(z.offset_at_utc(1704067200 + 180 * 86400), 10 * 3600);  // late June: winter
}

TEST(TimeZone, ChicagoHistoricTransitionsFromZoneinfo) {
  if (!std::filesystem::exists("/usr/share/zoneinfo/America/Chicago")) GTEST_SKIP() << "no tzdata";
  const TimeZone z = TimeZone::from_name("America/Chicago");
  // Before 2007 US summer time started on the first Sunday of April: the POSIX
  // footer alone (second Sunday of March) would say -5 h here.
  EXPECT_EQ(z.from_local(2006, 3, 20, 12, 0, 0).utc_offset_s, -6 * 3600);
  EXPECT_EQ(z.from_local(2006, 4, 3, 12, 0, 0).utc_offset_s, -5 * 3600);
  EXPECT_EQ(z.from_local(2024, 3, 20, 12, 0, 0).utc_offset_s, -5 * 3600);
  EXPECT_EQ(z.offset_at_utc(1268200800), -6 * 3600);  // 2010-03-10 00:00 CST
}

TEST(TimeZone, BuiltinFallbackWithoutTzdata) {
  // An empty zoneinfo folder of this test's own (ctest runs tests in parallel).
  const auto dir = std::filesystem::temp_directory_path() / ("tryggve_no_tzdata_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  ::setenv("TZDIR", dir.c_str(), 1);
  const TimeZone z = TimeZone::from_name("Europe/Stockholm");
  const TimeZone c = TimeZone::from_name("America/Chicago");
  ::unsetenv("TZDIR");
  std::filesystem::remove_all(dir);
  EXPECT_EQ(z.posix_rule(), "CET-1CEST,M3.5.0,M10.5.0/3");
  EXPECT_EQ(z.offset_at_utc(kSpring2024), 7200);
  EXPECT_EQ(c.offset_at_utc(1268200800), -6 * 3600);
  EXPECT_EQ(TimeZone::utc().offset_at_utc(kSpring2024), 0);
}

TEST(TimeZone, UnknownNameIsAnError) {
  EXPECT_THROW(TimeZone::from_name("Mars/Olympus_Mons"), Error);
  EXPECT_THROW(TimeZone::from_name(""), Error);
  EXPECT_THROW(TimeZone::from_name("CET-1CEST,M13.5.0,M10.5.0"), Error);
  try {
    TimeZone::from_name("Mars/Olympus_Mons");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadOption);
    EXPECT_NE(std::string(e.what()).find("Mars/Olympus_Mons"), std::string::npos);
  }
}

TEST(Parse, SwedishPoliceFormat) {
  const Timestamp t = parse_ok("2022-09-26 15:55:23 +02:00");
  EXPECT_EQ(t.utc_seconds, 1664200523);
  EXPECT_EQ(t.utc_offset_s, 7200);
  EXPECT_EQ(to_iso8601(t), "2022-09-26T15:55:23+02:00");
}

TEST(Parse, IsoVariants) {
  const std::int64_t expect = 1709645400;  // 2024-03-05T13:30:00Z
  EXPECT_EQ(parse_ok("2024-03-05T14:30:00+01:00").utc_seconds, expect);
  EXPECT_EQ(parse_ok("2024-03-05T14:30+0100").utc_seconds, expect);
  EXPECT_EQ(parse_ok("2024-03-05T14:30:00.987+01").utc_seconds, expect);
  EXPECT_EQ(parse_ok("2024-03-05T13:30:00Z").utc_seconds, expect);
  EXPECT_EQ(parse_ok("2024-03-05 13:30:00 UTC").utc_seconds, expect);
  EXPECT_EQ(parse_ok("2024-03-05T08:30:00-05:00").utc_seconds, expect);
  EXPECT_EQ(parse_ok("2024-03-05 14:30").utc_seconds, expect);          // local (Stockholm)
  EXPECT_EQ(parse_ok("2024-03-05 14:30:00,5").utc_seconds, expect);     // decimal comma
  EXPECT_EQ(parse_ok("  2024-03-05T14:30:00  ").utc_seconds, expect);
  EXPECT_EQ(parse_ok("2024/03/05 14:30").utc_seconds, expect);
  // The stored offset is the run zone's, whatever the text said.
  EXPECT_EQ(parse_ok("2024-03-05T13:30:00Z").utc_offset_s, 3600);
}

TEST(Parse, DatesWithoutTimeAreLocalMidnight) {
  const Timestamp t = parse_ok("2024-03-05");
  EXPECT_EQ(to_iso8601(t), "2024-03-05T00:00:00+01:00");
  EXPECT_EQ(to_iso8601(parse_ok("2024-07-01")), "2024-07-01T00:00:00+02:00");
  EXPECT_EQ(to_iso8601(parse_ok("05.03.2024")), "2024-03-05T00:00:00+01:00");
}

TEST(Parse, DayFirstAndMonthFirstLocalForms) {
  EXPECT_EQ(to_iso8601(parse_ok("05.03.2024 14:30")), "2024-03-05T14:30:00+01:00");
  EXPECT_EQ(to_iso8601(parse_ok("5.3.2024 14:30:15")), "2024-03-05T14:30:15+01:00");
  EXPECT_EQ(to_iso8601(parse_ok("05/03/2024 14:30", stockholm(), true)), "2024-03-05T14:30:00+01:00");
  // Dots are day-first even when the source is otherwise month-first.
  EXPECT_EQ(to_iso8601(parse_ok("05.03.2024 14:30", stockholm(), false)), "2024-03-05T14:30:00+01:00");
  const TimeZone chicago = TimeZone::from_name("America/Chicago");
  EXPECT_EQ(to_iso8601(parse_ok("3/5/2010 6:00 PM", chicago, false)), "2010-03-05T18:00:00-06:00");
  EXPECT_EQ(parse_ok("3/5/2010 6:00 PM", chicago, false).utc_seconds, 1267830000 + 3600);  // 2010-03-06T00:00Z
  EXPECT_EQ(to_iso8601(parse_ok("3/5/2010 12:15 am", chicago, false)), "2010-03-05T00:15:00-06:00");
  EXPECT_EQ(to_iso8601(parse_ok("3/5/2010 12:15:30PM", chicago, false)), "2010-03-05T12:15:30-06:00");
  EXPECT_EQ(to_iso8601(parse_ok("1/1/2010", chicago, false)), "2010-01-01T00:00:00-06:00");
}

TEST(Parse, HoustonTimeColumnIsUtc) {
  // Houston's `time` column is UTC (its `hour` column is 0 for "2010-01-01 06:00:00").
  const TimeZone chicago = TimeZone::from_name("America/Chicago");
  const Timestamp t = chicago.at_utc(parse_ok("2010-01-01 06:00:00", TimeZone::utc()).utc_seconds);
  EXPECT_EQ(t.utc_seconds, 1262325600);
  EXPECT_EQ(to_local(t).hour, 0);
  EXPECT_EQ(to_iso8601(t), "2010-01-01T00:00:00-06:00");
}

TEST(Parse, EpochSeconds) {
  const Timestamp t = parse_ok("1664200523");
  EXPECT_EQ(t.utc_seconds, 1664200523);
  EXPECT_EQ(t.utc_offset_s, 7200);
  EXPECT_FALSE(parse_error("12345").empty());
}

TEST(Parse, RejectsImpossibleAndGarbage) {
  EXPECT_NE(parse_error("2024-02-30").find("no day 30"), std::string::npos);
  EXPECT_NE(parse_error("2023-02-29 10:00").find("no day 29"), std::string::npos);
  EXPECT_FALSE(parse_ok("2024-02-29 10:00").utc_seconds == 0);  // leap day exists
  EXPECT_NE(parse_error("2024-03-05 24:00").find("hour 24"), std::string::npos);
  EXPECT_NE(parse_error("2024-03-05 25:10:00").find("hour 25"), std::string::npos);
  EXPECT_NE(parse_error("2024-03-05 12:60").find("minute 60"), std::string::npos);
  EXPECT_NE(parse_error("2024-13-05").find("month 13"), std::string::npos);
  EXPECT_NE(parse_error("").find("empty"), std::string::npos);
  EXPECT_NE(parse_error("   ").find("empty"), std::string::npos);
  EXPECT_FALSE(parse_error("yesterday evening").empty());
  EXPECT_FALSE(parse_error("2024-03-05 14:30 banana").empty());
  EXPECT_FALSE(parse_error("2024-03-05T").empty());
  EXPECT_FALSE(parse_error("2024-03-05 14").empty());
  EXPECT_NE(parse_error("05.03.24 14:30").find("two-digit year"), std::string::npos);
  EXPECT_FALSE(parse_error("13/13/2024", false).empty());
  EXPECT_FALSE(parse_error("3/5/2010 13:00 PM", false).empty());
  EXPECT_FALSE(parse_error("2024-03-05T14:30:00+25:00").empty());
  EXPECT_NE(parse_error("garbage").find("'garbage'"), std::string::npos);  // the reason quotes the text
}

TEST(Parse, RoundTripThroughIso8601) {
  for (std::int64_t t = 1262304000; t < 1798761600; t += 86400 * 7 + 3671) {  // 2010..2026
    const Timestamp a = stockholm().at_utc(t);
    const std::string s = to_iso8601(a);
    const Timestamp b = parse_ok(s);
    ASSERT_EQ(b.utc_seconds, a.utc_seconds) << s;
    ASSERT_EQ(to_iso8601(b), s);
  }
}

}  // namespace
}  // namespace tryggve

// Found by the time stamp fuzzer's round-trip check (tests/fuzz/regressions/
// timestamps/lmt_offset_roundtrip): before standard time a zone's offset has
// seconds, to_iso8601 writes them, and parse_timestamp must read them back.
namespace tryggve {
TEST(Time, LocalMeanTimeOffsetsReadBack) {
  const TimeZone z = TimeZone::from_name("Europe/Stockholm");
  const auto t = parse_timestamp("1850-06-01 12:00", z, true);
  ASSERT_TRUE(t);
  const std::string iso = to_iso8601(*t);
  EXPECT_EQ(iso.substr(19), "+01:12:12") << iso;
  const auto back = parse_timestamp(iso, z, true);
  ASSERT_TRUE(back) << iso;
  EXPECT_EQ(back->utc_seconds, t->utc_seconds);
  EXPECT_FALSE(parse_timestamp("2024-03-05T14:30:00+01:00:60", z, true));
}
}  // namespace tryggve
