// The public report (--audience public): no count from 1 to 4 in its tables and
// charts, "<5" in their place, complements where a total would give one back.
#include <gtest/gtest.h>

#include <regex>

#include "privacy_checks.hpp"
#include "test_data.hpp"
#include "tryggve/core/atomic_file.hpp"
#include "tryggve/pipeline/run_folder.hpp"
#include "tryggve/report/report.hpp"

using namespace tryggve;
using test::count_cells;
namespace fs = std::filesystem;

namespace {

fs::path small_run() {
  const fs::path dir = test::temp_dir("report_public");
  write_text_atomically(dir / outputs::kSituationJson, R"({"months":["2025-01","2025-02"],"units":[
    {"kind":"district","id":"d","name":"Backa","name_en":"Backa","parameters":{"all":{"count":[15,15],"rate_per_km":[1,1]}}},
    {"kind":"area","id":"a1","name":"Norr","name_en":"Norr","parameters":{"all":{"count":[6,3],"rate_per_km":[0.6,0.3]}}},
    {"kind":"area","id":"a2","name":"Söder","name_en":"Söder","parameters":{"all":{"count":[9,12],"rate_per_km":[0.9,1.2]}}}]})");
  write_text_atomically(dir / outputs::kMapSummaryJson, R"({"incidents":{"placed":50,"read":51,"rejected":1},
    "parameters":[{"code":"robbery","name_en":"Robbery","name_sv":"Rån","count":2},
                  {"code":"vandalism","name_en":"Vandalism","name_sv":"Skadegörelse","count":40},
                  {"code":"arson_fire","name_en":"Arson","name_sv":"Brand","count":8}]})");
  return dir;
}

}  // namespace

TEST(PublicReport, NoCountFromOneToFour) {
  const fs::path dir = small_run();
  const std::string internal = report::render_html(dir, "en", nullptr);
  const auto in_cells = count_cells(internal);
  EXPECT_TRUE(std::any_of(in_cells.begin(), in_cells.end(), [](const std::string& c) { return test::small(c); })) << "the test data must hold small counts";

  const std::string pub = report::render_html(dir, "en", nullptr, privacy::Audience::Public);
  const auto cells = count_cells(pub);
  ASSERT_GE(cells.size(), 6u);
  for (const auto& c : cells) EXPECT_FALSE(test::small(c)) << c;
  // Norr's 3 and, so that 15 - 12 cannot give it back, Söder's 12 too.
  EXPECT_EQ(std::count(cells.begin(), cells.end(), "&lt;5"), 4) << pub;
  EXPECT_EQ(std::find(cells.begin(), cells.end(), "12"), cells.end());
  // The chart draws no bar or number for the suppressed count.
  EXPECT_NE(pub.find("robbery &lt;5"), std::string::npos);
  EXPECT_EQ(pub.find(">2</text>"), std::string::npos);
}
