// The one month index (core/time.hpp): calendar month, label and back.
#include <gtest/gtest.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/month.hpp"

using namespace tryggve;

TEST(Month, IndexYearMonthAndLabelAgree) {
  static_assert(month_index(1970, 1) == 0);
  EXPECT_EQ(month_index(2024, 3), 54 * 12 + 2);
  EXPECT_EQ(month_index(1969, 12), -1);
  for (int idx : {-13, -1, 0, 11, 12, 650, 1559}) {
    const YearMonth ym = year_month(idx);
    EXPECT_GE(ym.month, 1);
    EXPECT_LE(ym.month, 12);
    EXPECT_EQ(month_index(ym.year, ym.month), idx);
    EXPECT_EQ(parse_month_label(month_label(idx)), idx) << month_label(idx);
  }
  // The month a time stamp falls in is the same index.
  EXPECT_EQ(month_index(TimeZone::utc().from_local(2024, 3, 31, 23, 59, 59)), month_index(2024, 3));
}

TEST(Month, LabelsAreExactlyYearDashMonth) {
  EXPECT_EQ(parse_month_label("2025-12"), month_index(2025, 12));
  for (const char* bad : {"2025-13", "2025-00", "2025-1", "25-01", "2025/01", "2025-01-01", " 2025-01", "", "abcd-ef"})
    EXPECT_FALSE(parse_month_label(bad).has_value()) << bad;
  EXPECT_EQ(parse_month("2024-02", "forecast_month"), month_index(2024, 2));
  try {
    parse_month("2024-2", "forecast_month");
    FAIL() << "a month without two digits was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadOption);
    EXPECT_NE(std::string(e.what()).find("forecast_month"), std::string::npos);
  }
}
