// The monthly situation picture on a hand-drawn district whose every number is
// worked out in the comments: two streets, two areas, one school.
//
//   (0,0) ---- edge 0, 1000 m ---- (1000,0) -- edge 1, 500 m -- (1500,0)
//   area A (population 2000) holds edge 0, area B (population unknown) edge 1;
//   the school stands at (200, 0); place_radius_m 100. Lixels of 100 m.
//
// Incidents (months 0..13 = 2024-01 .. 2025-02):
//   vandalism (weight 2) in A at (210, 0), one each month 0..11, two in month 12;
//   month 13: three at (210, 0) and one at (800, 0);
//   drug dealing (weight 4) in B at (1200, 0), one in month 13.
#include <cmath>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_data.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/hotspot/mann_kendall.hpp"
#include "tryggve/situation/situation.hpp"

namespace tryggve::situation {
namespace {

MultiPolygon box(double x0, double y0, double x1, double y1) {
  Polygon p;
  p.outer = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}};
  return {p};
}

Timestamp month_start(int year, int month) { return {days_from_civil(year, month, 10) * 86400, 0}; }

snap::MapData district() {
  snap::MapData m;
  m.taxonomy = Taxonomy::load_default();
  std::vector<network::Edge> edges(2);
  edges[0].from = 0, edges[0].to = 1, edges[0].length = 1000, edges[0].geometry = {{0, 0}, {1000, 0}};
  edges[1].from = 1, edges[1].to = 2, edges[1].length = 500, edges[1].geometry = {{1000, 0}, {1500, 0}};
  m.net = network::Network({{0, 0}, {1000, 0}, {1500, 0}}, edges);
  m.lixels = network::Lixelization(m.net, 100);
  PolygonFeature a, b;
  a.name = "A", a.kind = "A1", a.population = 2000, a.geometry = box(-10, -10, 1000, 10);
  b.name = "B", b.kind = "B1", b.population = -1, b.geometry = box(1000, -10, 1510, 10);
  m.areas = {a, b};
  PointFeature school;
  school.name = "Skolan", school.kind = "school", school.pos = {200, 0};
  m.places = {school};
  const ParameterId vandalism = *m.taxonomy.find("vandalism");
  const ParameterId drugs = *m.taxonomy.find("drug_dealing");
  auto add = [&](ParameterId p, Point at, Timestamp t, std::uint32_t area) {
    Incident i;
    i.id = static_cast<std::int64_t>(m.incidents.size() + 1);
    i.pos = at, i.time = t, i.has_time = true, i.parameter = p;
    m.incidents.push_back(i);
    snap::SnapResult s;
    m.snaps.push_back(s);
    m.lixel_of.push_back(0);
    snap::PlaceTag tag;
    tag.area = area;
    m.tags.push_back(tag);
  };
  for (int k = 0; k < 12; ++k) add(vandalism, {210, 0}, month_start(2024, k + 1), 0);
  add(vandalism, {210, 0}, month_start(2025, 1), 0);
  add(vandalism, {210, 0}, month_start(2025, 1), 0);
  for (int k = 0; k < 3; ++k) add(vandalism, {210, 0}, month_start(2025, 2), 0);
  add(vandalism, {800, 0}, month_start(2025, 2), 0);
  add(drugs, {1200, 0}, month_start(2025, 2), 1);
  Incident untimed;
  untimed.parameter = vandalism;
  m.incidents.push_back(untimed);
  m.snaps.emplace_back();
  m.lixel_of.push_back(0);
  m.tags.emplace_back();
  return m;
}

std::size_t unit_of(const SituationPicture& s, const std::string& id) {
  for (std::size_t u = 0; u < s.units.size(); ++u)
    if (s.units[u].id == id) return u;
  ADD_FAILURE() << "no unit " << id;
  return 0;
}

std::size_t param_of(const SituationPicture& s, const std::string& code) {
  for (std::size_t p = 0; p < s.parameters.size(); ++p)
    if (s.parameters[p].code == code) return p;
  ADD_FAILURE() << "no parameter " << code;
  return 0;
}

TEST(Situation, CountsRatesAndChangesByHand) {
  const auto map = district();
  SituationOptions o;
  const auto s = compute_situation(map, o);
  ASSERT_EQ(s.months.size(), 14u);
  EXPECT_EQ(month_label(s.months.front()), "2024-01");
  EXPECT_EQ(month_label(s.months.back()), "2025-02");
  EXPECT_EQ(s.without_time, 1u);
  ASSERT_EQ(s.parameters.size(), map.taxonomy.size() + 1);
  EXPECT_EQ(s.parameters.back().code, "all");
  // Units: district, A, B, school.
  ASSERT_EQ(s.units.size(), 4u);
  const auto A = unit_of(s, "A1"), B = unit_of(s, "B1"), school = unit_of(s, "school"), all = unit_of(s, "all");
  // Street length from the 100 m lixels' midpoints: A 1 km, B 0.5 km; the school's
  // 100 m radius holds the midpoints at 150 and 250 -> 0.2 km.
  EXPECT_NEAR(s.units[A].street_km, 1.0, 1e-9);
  EXPECT_NEAR(s.units[B].street_km, 0.5, 1e-9);
  EXPECT_NEAR(s.units[school].street_km, 0.2, 1e-9);
  EXPECT_NEAR(s.units[all].street_km, 1.5, 1e-9);
  EXPECT_EQ(s.units[all].population, -1);  // B's population is unknown

  const std::size_t feb = 13, jan = 12;
  const auto van = param_of(s, "vandalism"), drug = param_of(s, "drug_dealing"), ALL = s.all_index();
  const auto& c = s.at(feb, A, van);
  EXPECT_DOUBLE_EQ(c.count, 4);
  EXPECT_DOUBLE_EQ(c.score, 8);  // weight 2
  EXPECT_DOUBLE_EQ(c.rate_per_km, 4);
  EXPECT_DOUBLE_EQ(c.rate_per_1000, 2);  // 4 / 2000 residents * 1000
  EXPECT_DOUBLE_EQ(c.prev_count, 2);
  EXPECT_DOUBLE_EQ(c.change_prev, 2);
  EXPECT_DOUBLE_EQ(c.change_prev_pct, 100);
  EXPECT_DOUBLE_EQ(c.year_ago_count, 1);  // 2024-02
  EXPECT_DOUBLE_EQ(c.change_year, 3);
  EXPECT_DOUBLE_EQ(c.change_year_pct, 300);
  // The first month has no previous one; the first year no year-ago month.
  EXPECT_TRUE(std::isnan(s.at(0, A, van).prev_count));
  EXPECT_TRUE(std::isnan(s.at(jan - 1, A, van).change_year));
  // B: one drug-dealing report on 0.5 km; population unknown.
  EXPECT_DOUBLE_EQ(s.at(feb, B, drug).rate_per_km, 2);
  EXPECT_TRUE(std::isnan(s.at(feb, B, drug).rate_per_1000));
  EXPECT_DOUBLE_EQ(s.at(feb, B, ALL).score, 4);
  // The school: three of February's four at (210, 0) are within 100 m.
  EXPECT_DOUBLE_EQ(s.at(feb, school, van).count, 3);
  EXPECT_DOUBLE_EQ(s.at(feb, school, van).rate_per_km, 15);
  // District: 4 + 1 in February, 2 in January; score 8 + 4.
  EXPECT_DOUBLE_EQ(s.at(feb, all, ALL).count, 5);
  EXPECT_DOUBLE_EQ(s.at(feb, all, ALL).change_prev, 3);
  EXPECT_DOUBLE_EQ(s.at(feb, all, ALL).score, 12);
  // A parameter nobody reported: zeros, change 0, % undefined.
  const auto fires = param_of(s, "arson_fire");
  EXPECT_DOUBLE_EQ(s.at(feb, A, fires).count, 0);
  EXPECT_DOUBLE_EQ(s.at(feb, A, fires).change_prev, 0);
  EXPECT_TRUE(std::isnan(s.at(feb, A, fires).change_prev_pct));
}

TEST(Situation, LevelsOwnHistoryAndFixed) {
  const auto map = district();
  SituationOptions o;  // own_history 0.5/0.75/0.9/0.975 over 24 months, at least 6
  auto s = compute_situation(map, o);
  const auto A = unit_of(s, "A1"), van = param_of(s, "vandalism");
  // Months 0..5 have fewer than 6 months of history: level 0 (unknown).
  EXPECT_EQ(s.at(5, A, van).level, 0);
  // 2024-12: history eleven months of 1 report (2 points/km); 1 report is not above
  // any quantile -> level 1.
  EXPECT_EQ(s.at(11, A, van).level, 1);
  // 2025-02: history twelve 1s and one 2 (x2 points/km); quantiles 2, 2, 2, 3.4
  // (0.975: 2 + 0.7 * (4 - 2)); 8 points/km exceeds all four -> level 5.
  EXPECT_EQ(s.at(13, A, van).level, 5);
  EXPECT_EQ(level_label_sv(5), "mycket hög");
  EXPECT_EQ(level_label_en(1), "very low");

  // Fixed thresholds 1, 2, 3, 4 severity points per km per month.
  o.levels = parse_level_scale("fixed", {"1", "2", "3", "4"}, "test");
  s = compute_situation(map, o);
  EXPECT_EQ(s.at(0, A, van).level, 2);   // 2 points/km > 1 only
  EXPECT_EQ(s.at(12, A, van).level, 4);  // 4 points/km > 1, 2, 3
  const auto B = unit_of(s, "B1"), drug = param_of(s, "drug_dealing");
  EXPECT_EQ(s.at(13, B, drug).level, 5);  // 4 points on 0.5 km = 8

  EXPECT_THROW(parse_level_scale("fixed", {}, "test"), Error);
  EXPECT_THROW(parse_level_scale("quantiles", {}, "test"), Error);
  o.levels = parse_level_scale("own_history", {"0.5", "0.4"}, "test");
  EXPECT_THROW(compute_situation(map, o), Error);
  o.levels = parse_level_scale("own_history", {"0.5", "1.5"}, "test");
  EXPECT_THROW(compute_situation(map, o), Error);
}

TEST(Situation, TrendIsMannKendallOnTheLastMonths) {
  const auto map = district();
  SituationOptions o;
  o.trend_months = 12;
  const auto s = compute_situation(map, o);
  const auto A = unit_of(s, "A1"), van = param_of(s, "vandalism");
  // Months 2..13: ten 1s, a 2 and a 4. S = 10 (the 2 above ten earlier values) + 11 = 21;
  // Var S = 12*11*29/18 - 10*9*25/18 = 87.67; z = 20 / sqrt(87.67) = 2.14, p = 0.033.
  const auto& c = s.at(13, A, van);
  EXPECT_DOUBLE_EQ(c.mk.s, 21);
  EXPECT_NEAR(c.mk.var_s, 12.0 * 11 * 29 / 18 - 10.0 * 9 * 25 / 18, 1e-9);
  EXPECT_NEAR(c.mk.z, 20 / std::sqrt(12.0 * 11 * 29 / 18 - 10.0 * 9 * 25 / 18), 1e-9);
  EXPECT_EQ(c.trend, Trend::Increasing);
  EXPECT_EQ(label_sv(c.trend), "ökande");
  // A flat series: no trend; fewer than 4 months: too short.
  EXPECT_EQ(s.at(11, A, van).trend, Trend::NoTrend);
  EXPECT_EQ(s.at(2, A, van).trend, Trend::TooShort);
}

TEST(Situation, CsvAndJson) {
  const auto map = district();
  SituationOptions o;
  o.months = 2;
  const auto s = compute_situation(map, o);
  ASSERT_EQ(s.months.size(), 2u);
  // Reporting fewer months keeps the history: February still compares with a year before.
  EXPECT_DOUBLE_EQ(s.at(1, unit_of(s, "A1"), param_of(s, "vandalism")).change_year, 3);
  std::istringstream f(situation_csv(s));
  std::string header, line;
  std::getline(f, header);
  EXPECT_EQ(header.rfind("month,unit_kind,unit_id,unit_name,parameter,", 0), 0u);
  std::size_t rows = 0;
  bool found = false;
  while (std::getline(f, line)) {
    ++rows;
    if (line.rfind("2025-02,area,A1,A,vandalism,", 0) == 0) {
      found = true;
      EXPECT_NE(line.find(",4,8,1,4,2000,2,2,2,100,1,3,300,5,mycket hög,very high,increasing,ökande,increasing,"),
                std::string::npos)
          << line;
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(rows, 2 * s.units.size() * s.parameters.size());
  const auto j = situation_json(s);
  EXPECT_EQ(j["months"].size(), 2u);
  EXPECT_EQ(j["parameters"].back()["code"], "all");
  EXPECT_EQ(j["units"][1]["id"], "A1");
  EXPECT_EQ(j["units"][1]["parameters"]["vandalism"]["count"][1], 4);
  EXPECT_EQ(j["units"][1]["parameters"]["vandalism"]["level"][1], 5);
  EXPECT_EQ(j["units"][1]["parameters"]["vandalism"]["trend"][1], "increasing");
}

}  // namespace
}  // namespace tryggve::situation
