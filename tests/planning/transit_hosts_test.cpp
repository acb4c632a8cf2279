// The transit-host planner (planning/transit_hosts.hpp) on a hand feed whose
// ranking can be worked out on paper: tram 7 along y = 0 through ten stops 500 m
// apart, a departure every ten minutes from 06:00 to 23:50 every day of 2025, two
// minutes per stretch. June's on-board reports (history_months 1: 30 days, 30/7 weeks):
//   12 on Friday evenings between S4 and S5   2.8 harm a week; 30 runs x 2 min = 1.0
//                                             vehicle-hour a week, the window 5 h -> 10 host-hours
//    3 on Saturday days between S7 and S8     0.7 harm a week; runs leaving S7 from 09:04
//                                             to 14:54 (36 x 2 min) = 1.2 vh, window 6 h -> 12 host-hours
//    8 on Monday-Thursday evenings, S1-S2     1.867 harm a week; 4.0 vh, window 4 x 5 h -> 40 host-hours
// Harm per host-hour: 0.28, 0.058, 0.047; with 25 host-hours the first two fit
// (22) and the third does not.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "../transit/feed_builder.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/pipeline/evidence_file.hpp"
#include "tryggve/pipeline/plan_stage.hpp"
#include "tryggve/planning/transit_hosts.hpp"
#include "tryggve/scenario/scenario.hpp"
#include "tryggve/transit/place.hpp"

namespace tryggve::planning {
namespace {

struct HandRun {
  pipeline::MapResult map;
  HandRun() {
    map.transit_system = std::make_shared<const transit::System>(transit::build(test::Line7Feed().b.f));
    const transit::Placer placer(*map.transit_system);
    auto report = [&](int from, int day, int h, int mi) {
      transit::TransitRequest q;
      q.kind = transit::PlaceKind::OnBoard;
      q.on_board.line = "7";
      q.on_board.time = test::stockholm(2025, 6, day, h, mi);
      q.on_board.from_stop = "S" + std::to_string(from);
      q.on_board.to_stop = "S" + std::to_string(from + 1);
      const auto r = transit::place_report(placer, q);
      ASSERT_TRUE(r.placed) << r.detail;
      Incident inc;
      inc.time = q.on_board.time;
      inc.has_time = true;
      inc.pos = r.place.pos;
      map.incidents.push_back(inc);
      map.transit.push_back(r.place);
    };
    for (int k = 0; k < 12; ++k) report(4, 6 + 7 * (k % 4), 20 + k % 3, 9 + 10 * (k % 5));  // Fridays
    for (int day : {7, 14, 21}) report(7, day, 10, 15);                                     // Saturdays
    for (int day : {2, 3, 4, 5, 9, 10, 11, 12}) report(1, day, 20, 3);                      // Monday-Thursday
  }
};

TEST(TransitHosts, HandFeedRanksByOwnHarmPerHostHourWithinTheBudget) {
  const HandRun run;
  TransitHostOptions o;
  o.history_months = 1;
  o.host_hours_per_week = 25;
  double weeks = 0;
  auto cands = pipeline::transit_host_candidates(run.map, o, &weeks);
  EXPECT_NEAR(weeks, 30.0 / 7.0, 1e-9);
  ASSERT_EQ(cands.size(), 3u);
  auto find = [&](const std::string& from, const std::string& weekdays) -> const TransitHostCandidate& {
    for (const auto& c : cands)
      if ((c.from_stop == from || c.to_stop == from) && c.weekdays == weekdays) return c;
    ADD_FAILURE() << from << " " << weekdays;
    return cands.front();
  };
  const auto& fri = find("S4", "fri");
  EXPECT_NEAR(fri.harm_per_week, 12 / weeks, 1e-9);
  EXPECT_NEAR(fri.vehicle_hours_per_week, 1.0, 1e-9);
  EXPECT_EQ(fri.from_hour, 19);
  EXPECT_EQ(fri.to_hour, 24);
  EXPECT_NEAR(find("S7", "sat").vehicle_hours_per_week, 1.2, 1e-9);
  EXPECT_NEAR(find("S1", "mon-thu").vehicle_hours_per_week, 4.0, 1e-9);

  const auto evidence = pipeline::load_evidence_or_default("");
  const auto plan = plan_transit_hosts(cands, evidence, o);
  ASSERT_EQ(plan.items.size(), 2u);
  EXPECT_EQ(plan.items[0].stretch.weekdays, "fri");
  EXPECT_EQ(plan.items[1].stretch.weekdays, "sat");
  EXPECT_NEAR(plan.items[0].host_hours_per_week, 10.0, 1e-9);
  EXPECT_NEAR(plan.host_hours_used, 22.0, 1e-9);
  // The effect is the transit_host row's: 0.95 [0.80, 1.10], so 1 - RR has its
  // 5-95% ends at 0.20 and -0.10 and a mean a little above 0.05.
  EXPECT_NEAR(plan.effect_high, 0.20, 1e-6);
  EXPECT_NEAR(plan.effect_low, -0.10, 1e-6);
  EXPECT_GT(plan.effect_mean, 0.04);
  EXPECT_LT(plan.effect_mean, 0.07);
  EXPECT_NEAR(plan.items[0].harm_prevented_per_week.mean, fri.harm_per_week * plan.effect_mean, 1e-12);
  EXPECT_LT(plan.items[0].harm_prevented_per_week.low, 0.0);  // the interval includes a rise
  // A budget that holds all three takes them in the same order.
  o.host_hours_per_week = 100;
  const auto all = plan_transit_hosts(cands, evidence, o);
  ASSERT_EQ(all.items.size(), 3u);
  EXPECT_EQ(all.items[2].stretch.weekdays, "mon-thu");
  // A stretch busier than one team: its vehicle-hours, not the window, set the cost.
  TransitHostCandidate busy = fri;
  busy.vehicle_hours_per_week = 30;
  o.coverage = 0.5;
  const auto one = plan_transit_hosts({busy}, evidence, o);
  ASSERT_EQ(one.items.size(), 1u);
  EXPECT_NEAR(one.items[0].host_hours_per_week, 2 * 0.5 * 30, 1e-9);
  EXPECT_NEAR(one.items[0].harm_prevented_per_week.mean, 0.5 * busy.harm_per_week * one.effect_mean, 1e-12);

  // The items are interventions a scenario file reads as they are.
  const std::string yaml = "version: 1\nname: hosts\ninputs:\n  streets: s.osm\n  incidents: i.csv\ninterventions:\n" +
                           scenario_yaml(plan, o);
  const auto f = scenario::parse(yaml, "transit_hosts.yaml");
  ASSERT_EQ(f.scenarios.at(0).interventions.size(), 2u);
  const auto& iv = f.scenarios[0].interventions[0];
  EXPECT_EQ(iv.type, "transit_host");
  EXPECT_EQ(iv.hosts, 2);
  EXPECT_EQ(iv.when.from_hour, 19);
  EXPECT_EQ(iv.when.to_hour, 24);
}

TEST(TransitHosts, AScenarioFileSetsThePlanAndCanSwitchItOff) {
  const std::string head = "version: 1\nname: s\ninputs:\n  streets: s.osm\n  incidents: i.csv\n";
  auto f = scenario::parse(head + "stages:\n  plan:\n    transit_hosts:\n      host_hours_per_week: 40\n      coverage: 0.5\n",
                           "plan.yaml");
  EXPECT_TRUE(f.plan.transit_hosts_enabled);
  EXPECT_EQ(f.plan.transit_hosts.host_hours_per_week, 40.0);
  EXPECT_EQ(f.plan.transit_hosts.coverage, 0.5);
  f = scenario::parse(head + "stages:\n  plan:\n    transit_hosts: false\n", "plan.yaml");
  EXPECT_FALSE(f.plan.transit_hosts_enabled);
  try {
    scenario::parse(head + "stages:\n  plan:\n    transit_hosts:\n      coverage: 2\n", "plan.yaml");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("stages.plan.transit_hosts.coverage"), std::string::npos) << e.what();
  }
}

TEST(TransitHosts, WithoutTheEvidenceRowOrWithABadBudgetTheErrorNamesTheOption) {
  const HandRun run;
  TransitHostOptions o;
  o.evidence_key = "no_such_row";
  const auto evidence = pipeline::load_evidence_or_default("");
  try {
    plan_transit_hosts(pipeline::transit_host_candidates(run.map, o), evidence, o);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_row"), std::string::npos) << e.what();
  }
  o = {};
  o.coverage = 0;
  EXPECT_THROW(o.check(), Error);
}

}  // namespace
}  // namespace tryggve::planning
