// The one meaning of --from/--to (core/time_window.hpp): inclusive days and months.
#include <gtest/gtest.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/time_window.hpp"

using namespace tryggve;

namespace {
Timestamp local(int y, int mo, int d, int h, int mi) { return TimeZone::from_name("Europe/Stockholm").from_local(y, mo, d, h, mi, 0); }
}  // namespace

TEST(DayWindow, BothEndsInclusiveForDaysAndMonths) {
  const DayWindow days = parse_day_window("2025-01-01", "2025-01-31");
  EXPECT_TRUE(days.contains(local(2025, 1, 1, 0, 0)));
  EXPECT_TRUE(days.contains(local(2025, 1, 31, 23, 59)));
  EXPECT_FALSE(days.contains(local(2025, 2, 1, 0, 0)));
  EXPECT_FALSE(days.contains(local(2024, 12, 31, 23, 59)));

  const DayWindow months = parse_day_window("2024-12", "2025-02");
  EXPECT_TRUE(months.contains(local(2024, 12, 1, 0, 5)));
  EXPECT_TRUE(months.contains(local(2025, 2, 28, 22, 0)));
  EXPECT_FALSE(months.contains(local(2025, 3, 1, 0, 0)));
  EXPECT_EQ(months.end_day - months.first_day, 31 + 31 + 28);

  // One end open; both open.
  EXPECT_TRUE(parse_day_window("", "2025-01").contains(local(1990, 6, 1, 12, 0)));
  EXPECT_FALSE(parse_day_window("2025-01", "").contains(local(2024, 12, 31, 12, 0)));
  EXPECT_TRUE(parse_day_window("", "").open());
  // A one-day window is that day.
  const DayWindow one = parse_day_window("2024-02-29", "2024-02-29");
  EXPECT_EQ(one.end_day - one.first_day, 1);
}

TEST(DayWindow, BadBoundsNameTheirFlag) {
  auto where_of = [](const std::string& from, const std::string& to) {
    try {
      parse_day_window(from, to);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::BadOption);
      return e.where();
    }
    return std::string("no error");
  };
  EXPECT_EQ(where_of("2025-13", ""), "--from");
  EXPECT_EQ(where_of("", "2025-02-30"), "--to");
  EXPECT_EQ(where_of("2025-01-01 12:00", ""), "--from");
  EXPECT_EQ(where_of("2025-03", "2025-02"), "--from");
}
