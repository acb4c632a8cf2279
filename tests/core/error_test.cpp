#include <gtest/gtest.h>

#include "tryggve/core/error.hpp"

using namespace tryggve;

TEST(Error, MessageNamesPlaceReasonAndCode) {
  Error e(ErrorCode::BadTime, "incidents.csv:row 17", "time '31/02/2024' is not a date");
  EXPECT_STREQ(e.what(), "incidents.csv:row 17: time '31/02/2024' is not a date [E311 BadTime]");
  EXPECT_EQ(e.exit_code(), 4);
}

TEST(Error, CatalogueExitCodes) {
  EXPECT_EQ(error_info(ErrorCode::FileNotFound).exit_code, 3);
  EXPECT_EQ(error_info(ErrorCode::BadScenario).exit_code, 5);
  EXPECT_EQ(error_info(ErrorCode::OutputFailed).exit_code, 6);
  EXPECT_EQ(error_info(ErrorCode::Interrupted).exit_code, 130);
}
