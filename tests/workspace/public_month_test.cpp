// The public month folder (workspace/month.hpp, write_public_month) from a small
// internal one: the situation's small counts and their complements suppressed in
// every file and in the report, a measure's small observed count and the numbers
// it comes back from left out, no name, actor or note of a measure.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "privacy_checks.hpp"
#include "test_data.hpp"
#include "tryggve/core/atomic_file.hpp"
#include "tryggve/report/month_report.hpp"
#include "tryggve/workspace/month.hpp"

using namespace tryggve;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path small_month() {
  const fs::path dir = test::temp_dir("public_month_in");
  write_text_atomically(dir / "situation.json", R"({"months":["2026-10","2026-11"],"units":[
    {"kind":"district","id":"d","name":"Backa","parameters":{
      "all":{"count":[15,15],"level":[2,3],"trend":["none","none"]},
      "robbery":{"count":[3,2],"level":[1,1],"trend":["none","none"]},
      "vandalism":{"count":[12,13],"level":[2,3],"trend":["none","none"]}}},
    {"kind":"area","id":"a1","name":"Norr","parameters":{"all":{"count":[6,3],"level":[2,1],"trend":["none","none"]}}},
    {"kind":"area","id":"a2","name":"Söder","parameters":{"all":{"count":[9,12],"level":[2,3],"trend":["none","none"]}}}]})");
  auto row = [](const char* type, const char* unit, const char* par, int count, int prev) {
    return json{{"unit_type", type}, {"unit", unit}, {"unit_en", unit}, {"parameter", par}, {"parameter_sv", par},
                {"parameter_en", par}, {"count", count}, {"prev", prev}, {"score", count * 1.5}, {"level", 3},
                {"level_label", "3"}, {"trend_label", "-"}};
  };
  const json est = {{"observed", 3}, {"expected", 6.0}, {"rr", 0.5}, {"low", 0.2}, {"high", 0.9}, {"verdict", {{"key", "fewer"}}}};
  const json big = {{"observed", 40}, {"expected", 50.0}, {"rr", 0.8}, {"low", 0.6}, {"high", 1.0}, {"verdict", {{"key", "unclear"}}}};
  json M = {{"month", "2026-11"}, {"next_month", "2026-12"}, {"workspace", "/secret/ws.gpkg"}, {"incidents_in_month", 15},
            {"incidents_up_to_month", 30},
            {"picture", {row("district", "Backa", "all", 15, 15), row("district", "Backa", "robbery", 2, 3),
                         row("district", "Backa", "vandalism", 13, 12), row("area", "Norr", "all", 3, 6),
                         row("area", "Söder", "all", 12, 9)}},
            {"changes", {{{"kind", "level_up"}, {"unit_type", "area"}, {"unit", "Söder"}, {"parameter", "all"}, {"from_level", 2},
                          {"to_level", 4}, {"count", 12}, {"prev", 2}}}},
            {"proposal", {{"patrol", {{{"rank", 1}, {"place", "Kvarnbo torg"}, {"forecast_incidents", 2.0}, {"visits_per_week", 3},
                                       {"map", json()}}}},
                          {"lighting", json::array()}, {"routes", json::array()}}},
            {"followups", {{{"deployment_id", 7}, {"name", "Väktare Anders Svensson"}, {"actor", "anders.svensson"},
                            {"type", "patrol"}, {"place", "Kvarnbo torg"}, {"start", "2026-01-01"}, {"end", ""},
                            {"note", "/secret/path"}, {"model", big}, {"early", est}, {"later", big}, {"model_true", big},
                            {"did", big}, {"wdq", json()}, {"monthly", {{{"month", "2026-11"}, {"observed", 2}}}}}}},
            {"targets", {{{"name", "Rån ned"}, {"baseline", 1.0}, {"baseline_months", 3}, {"target", 0.7}, {"current", 1.0},
                          {"current_months", 3}, {"progress_pct", 0.0}, {"probability", 0.2}, {"due", "2027-06"}}}}};
  write_text_atomically(dir / "month.json", M.dump());
  return dir;
}

}  // namespace

TEST(PublicMonth, NoSmallCountNoNameNoText) {
  const fs::path in = small_month(), out = test::temp_dir("public_month_out");
  ASSERT_FALSE(test::public_folder_leaks(in, 5, {}).empty()) << "the internal folder must hold small counts";
  workspace::write_public_month(in, out, "sv", {5}, /*no_report=*/true);
  write_text_atomically(out / "report.html", report::render_month_html(out, "sv"));
  const auto leaks = test::public_folder_leaks(out, 5, {"Anders", "anders.svensson", "/secret", "incidents_up_to_month"});
  for (const auto& l : leaks) ADD_FAILURE() << l;

  const json P = json::parse(slurp(out / "month.json"));
  EXPECT_EQ(P["audience"], "public");
  // Norr's 3 and, so that 15 - 12 cannot give it back, Söder's 12.
  for (const auto& r : P["picture"])
    if (r["parameter"] == "all" && r["unit_type"] == "area") EXPECT_EQ(r["count"], "<5") << r;
  // The early weeks' 3 and, as early + later = all, one more phase; their ratios with them.
  const auto& f = P["followups"][0];
  EXPECT_EQ(f["early"]["observed"], "<5");
  EXPECT_TRUE(f["early"]["rr"].is_null());
  EXPECT_TRUE(f["model"]["rr"].is_null() || f["later"]["rr"].is_null());
  EXPECT_FALSE(f.contains("monthly"));
  EXPECT_TRUE(P["targets"][0]["current"].is_null());
  EXPECT_FALSE(P["proposal"]["patrol"][0].contains("forecast_incidents"));
  EXPECT_FALSE(P["changes"][0].contains("count"));

  const std::string html = slurp(out / "report.html");
  EXPECT_NE(html.find("Om den här offentliga versionen"), std::string::npos);
  const auto cells = test::count_cells(html);
  EXPECT_GE(std::count(cells.begin(), cells.end(), "&lt;5"), 3) << html;
  EXPECT_EQ(html.find("Väktare"), std::string::npos);
  // English.
  EXPECT_NE(report::render_month_html(out, "en").find("About this public version"), std::string::npos);
  fs::remove_all(in);
  fs::remove_all(out);
}

// Public transport in the public month: lines and stops as the public situation
// picture has them (no time bands), a stretch with fewer than min_count reports
// left out, the uncertain placements only when no small count could be read back.
TEST(PublicMonth, PublicTransportWithoutSmallCountsOrBands) {
  const fs::path in = test::temp_dir("public_month_transit_in"), out = test::temp_dir("public_month_transit_out");
  write_text_atomically(in / "situation.json", R"({"months":["2026-10","2026-11"],
    "time_bands":[{"code":"evening","sv":"kväll 19-24","en":"evening 19-24"}],
    "units":[
    {"kind":"district","id":"d","name":"Backa","parameters":{"all":{"count":[20,21],"level":[2,3],"trend":["none","none"]}}},
    {"kind":"place_type","id":"on_board","name":"Ombord i kollektivtrafiken","name_en":"On board public transport",
     "parameters":{"all":{"count":[8,9],"level":[2,3],"trend":["none","none"]}},"time_bands":{"evening":[3,2]}},
    {"kind":"line","id":"5","name":"spårvagn 5","name_en":"tram 5",
     "parameters":{"all":{"count":[8,9],"level":[2,3],"trend":["none","none"]}},"time_bands":{"evening":[3,2]}}]})");
  const json M = {{"month", "2026-11"}, {"next_month", "2026-12"}, {"incidents_in_month", 21},
                  {"picture", json::array()}, {"changes", json::array()},
                  {"proposal", {{"patrol", json::array()}, {"lighting", json::array()}, {"routes", json::array()}}},
                  {"followups", json::array()}, {"targets", json::array()},
                  {"transit", {{"stretches", {{{"mode", "spårvagn"}, {"line", "5"}, {"from", "Backa kyrka"}, {"to", "Brunnsbo torg"}, {"n", 7}},
                                              {{"mode", "spårvagn"}, {"line", "5"}, {"from", "Brunnsbo torg"}, {"to", "Kvarnbo"}, {"n", 2}}}},
                               {"on_board", 9}, {"uncertain", 2}}}};
  write_text_atomically(in / "month.json", M.dump());
  // Internal: both stretches, the uncertain share and the bands.
  const std::string internal = report::render_month_html(in, "sv");
  EXPECT_NE(internal.find("Kollektivtrafik"), std::string::npos);
  EXPECT_NE(internal.find("spårvagn 5 mellan Brunnsbo torg och Kvarnbo"), std::string::npos);
  EXPECT_NE(internal.find("2 av 9 placeringar ombord"), std::string::npos);
  EXPECT_NE(internal.find("Ombord per tid på dygnet"), std::string::npos);

  workspace::write_public_month(in, out, "sv", {5}, /*no_report=*/true);
  const json P = json::parse(slurp(out / "month.json"));
  ASSERT_EQ(P["transit"]["stretches"].size(), 1u);
  EXPECT_EQ(P["transit"]["stretches"][0]["n"], 7);
  EXPECT_TRUE(P["transit"]["uncertain"].is_null());
  const std::string html = report::render_month_html(out, "sv");
  EXPECT_NE(html.find("Kollektivtrafik"), std::string::npos);
  EXPECT_NE(html.find("spårvagn 5 mellan Backa kyrka och Brunnsbo torg"), std::string::npos);
  EXPECT_EQ(html.find("Brunnsbo torg och Kvarnbo"), std::string::npos);
  EXPECT_EQ(html.find("placeringar ombord"), std::string::npos);
  EXPECT_EQ(html.find("Ombord per tid på dygnet"), std::string::npos) << "no time bands for the public";
  EXPECT_NE(report::render_month_html(out, "en").find("Public transport"), std::string::npos);
  fs::remove_all(in);
  fs::remove_all(out);
}
