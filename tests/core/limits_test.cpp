// Bounds before allocation (core/limits.hpp): sizes, the ceiling and its
// overrides, the message that names what to change, checked arithmetic.
#include <cmath>
#include <cstdlib>
#include <limits>

#include <gtest/gtest.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/limits.hpp"
#include "tryggve/core/time.hpp"

using namespace tryggve;

namespace {
// Restores the default ceiling whatever a test set.
struct LimitGuard {
  ~LimitGuard() { set_memory_limit(0); ::unsetenv("TRYGGVE_MAX_MEMORY"); }
};
}  // namespace

TEST(Limits, ByteSizes) {
  EXPECT_EQ(parse_byte_size("16G", "x"), 16ull << 30);
  EXPECT_EQ(parse_byte_size("512 MB", "x"), 512ull << 20);
  EXPECT_EQ(parse_byte_size("2.5GiB", "x"), 5ull << 29);
  EXPECT_EQ(parse_byte_size("800000000", "x"), 800000000ull);
  EXPECT_EQ(parse_byte_size("1e9", "x"), 1000000000ull);
  for (const char* bad : {"", "0", "-1G", "lots", "16Q", "1e40", "nan"})
    EXPECT_THROW(parse_byte_size(bad, "--max-memory"), Error) << bad;
  EXPECT_EQ(format_bytes(41.0 * (1ull << 30)), "41 GB");
  EXPECT_EQ(format_bytes(1.5 * (1 << 20)), "1.5 MB");
  EXPECT_EQ(format_bytes(100), "100 bytes");
}

TEST(Limits, TheCeilingComesFromTheProgramTheEnvironmentOrTheMachine) {
  LimitGuard g;
  const auto machine = memory_limit();
  EXPECT_GT(machine, 64ull << 20);
  ::setenv("TRYGGVE_MAX_MEMORY", "3G", 1);
  EXPECT_EQ(memory_limit(), 3ull << 30);
  set_memory_limit(1 << 20);
  EXPECT_EQ(memory_limit(), 1u << 20);
  set_memory_limit(0);
  ::setenv("TRYGGVE_MAX_MEMORY", "several", 1);
  EXPECT_THROW(memory_limit(), Error);
}

TEST(Limits, AboveTheCeilingIsAnErrorThatNamesTheOption) {
  LimitGuard g;
  set_memory_limit(1ull << 30);
  EXPECT_NO_THROW(check_memory(1e9, "density", "the grid", "", "raise --heat-dx-m"));
  try {
    check_memory(41.0 * (1ull << 30), "density (heat kernel)", "the heat kernel grid",
                 "3.7e+10 nodes: dx 4e-06 m on 93.0 km of street", "raise --heat-dx-m or --bandwidth-m");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::TooLarge);
    EXPECT_EQ(e.exit_code(), 5);
    const std::string w = e.what();
    EXPECT_NE(w.find("the heat kernel grid would need 41 GB (3.7e+10 nodes: dx 4e-06 m on 93.0 km of street)"),
              std::string::npos) << w;
    EXPECT_NE(w.find("raise --heat-dx-m or --bandwidth-m"), std::string::npos) << w;
    EXPECT_NE(w.find("1.0 GB"), std::string::npos) << w;
  }
  // Not finite is too large, never "fits".
  EXPECT_THROW(check_memory(std::numeric_limits<double>::infinity(), "w", "x", "", "y"), Error);
  EXPECT_THROW(check_memory(std::nan(""), "w", "x", "", "y"), Error);
}

TEST(Limits, MonthCubesNameTheirMonths) {
  LimitGuard g;
  set_memory_limit(64ull << 20);
  const int first = (24 - 1970) * 12, last = (2025 - 1970) * 12 + 11;
  try {
    check_month_cube(5000, first, last, 24, "emerging hot spots", "the space-time cube");
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string w = e.what();
    EXPECT_NE(w.find("5000 units x 24024 months, 0024-01 to 2025-12"), std::string::npos) << w;
    EXPECT_NE(w.find("mistyped year"), std::string::npos) << w;
  }
  EXPECT_NO_THROW(check_month_cube(5000, last - 23, last, 24, "emerging hot spots", "the space-time cube"));
}

TEST(Limits, CheckedCountsAndArithmetic) {
  EXPECT_EQ(checked_count(4294967294.0, 4294967294ull, "w", "x", "y"), 4294967294ull);
  EXPECT_THROW(checked_count(4294967295.0, 4294967294ull, "w", "x", "y"), Error);
  EXPECT_THROW(checked_count(std::numeric_limits<double>::infinity(), 10, "w", "x", "y"), Error);
  EXPECT_THROW(checked_count(-1, 10, "w", "x", "y"), Error);
  EXPECT_EQ(checked_mul(1ull << 31, 1ull << 31), 1ull << 62);
  EXPECT_FALSE(checked_mul(1ull << 32, 1ull << 32));
  EXPECT_FALSE(checked_add(~0ull, 1));
}

TEST(Limits, ImplausibleYearsAreNamed) {
  const TimeZone z = TimeZone::utc();
  EXPECT_FALSE(implausible_time(*parse_timestamp("2025-01-01", z, true)));
  EXPECT_FALSE(implausible_time(*parse_timestamp("1900-01-01", z, true)));
  EXPECT_FALSE(implausible_time(*parse_timestamp("2100-12-31 23:59", z, true)));
  EXPECT_EQ(implausible_time(*parse_timestamp("0024-03-05", z, true)), "is in year 24, outside 1900-2100 (a mistyped year?)");
  EXPECT_TRUE(implausible_time(*parse_timestamp("2204-03-05", z, true)));
  EXPECT_TRUE(implausible_time(*parse_timestamp("99999999999", z, true)));
}
