// On-board and at-stop placement on the straight-street feed (feed_builder.hpp):
// tram 5 Alfa - Beta - Gamma - Delta, 1 km apart, east 08:00-08:07 (dwell at
// Gamma 08:04-08:05), west 08:01-08:07, a Friday night trip at 24:30 (00:30 on
// Saturday), on weekday service except Friday 2025-06-06 (removed) and with
// Saturday 2025-06-07 added. Stretches are worked out by hand from the window
// [t - 180 s, t + 60 s + 60 s]; weights against a Monte Carlo of the model the
// placement states (true time uniform in the stated minute, delay triangular on
// [-60 s, 180 s] with its mode at 45 s).
#include <gtest/gtest.h>

#include "feed_builder.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/transit/placement.hpp"

namespace tryggve::transit {
namespace {

using test::FeedBuilder;
using test::stockholm;
using test::Street;

// The chance that the scheduled moment of the vehicle's position falls in each
// interval (seconds after 08:00), for a report stated at `stated` s after 08:00,
// normalised over the intervals; `median` (optional) gets the median moment in them.
std::vector<double> monte_carlo(double stated, const std::vector<std::pair<double, double>>& intervals,
                                double* median = nullptr) {
  Rng rng(7);
  const double a = -60, b = 180, c = 45;
  std::vector<double> n(intervals.size(), 0.0), taus;
  for (int i = 0; i < 400000; ++i) {
    const double u = rng.uniform();
    const double delay = u < (c - a) / (b - a) ? a + std::sqrt(u * (b - a) * (c - a))
                                               : b - std::sqrt((1 - u) * (b - a) * (b - c));
    const double tau = stated + rng.uniform(0, 60) - delay;
    for (std::size_t k = 0; k < intervals.size(); ++k)
      if (tau >= intervals[k].first && tau < intervals[k].second) {
        ++n[k];
        taus.push_back(tau);
        break;
      }
  }
  double total = 0;
  for (double x : n) total += x;
  for (double& x : n) x /= total;
  if (median) {
    std::nth_element(taus.begin(), taus.begin() + static_cast<std::ptrdiff_t>(taus.size() / 2), taus.end());
    *median = taus[taus.size() / 2];
  }
  return n;
}

class Placing : public ::testing::Test {
 protected:
  Placing() : sys(build(street.b.f)), placer(sys) {}
  Street street;
  System sys;
  Placer placer;
  OnBoardReport report(int h, int m, int day = 4) {
    OnBoardReport r;
    r.line = "spårvagn 5";
    r.time = stockholm(2025, 6, day, h, m);  // Wednesday 4 June unless said
    return r;
  }
  const Line& line_of(const Piece& p) { return sys.lines()[sys.segments()[p.segment].line]; }
};

TEST_F(Placing, WithDirectionOneVehicleItsStretchWeightedByTime) {
  OnBoardReport r = report(8, 1);
  r.direction = "mot Delta";
  const auto res = placer.on_board(r);
  ASSERT_TRUE(res.placed) << res.detail;
  const Placement& p = res.placement;
  EXPECT_EQ(p.vehicles, 1u);
  EXPECT_EQ(p.widened_s, 0);
  // Window 07:58-08:03; the run is under way from 08:00: Alfa-Beta 08:00-08:02 (all of it),
  // Beta-Gamma 08:02-08:03 (the first half).
  ASSERT_EQ(p.pieces.size(), 2u);
  EXPECT_EQ(p.pieces[0].segment, sys.lines()[0].segment(0));
  EXPECT_NEAR(p.pieces[0].from_m, 0.0, 1e-9);
  EXPECT_NEAR(p.pieces[0].to_m, 1000.0, 1e-9);
  EXPECT_EQ(p.pieces[1].segment, sys.lines()[0].segment(1));
  EXPECT_NEAR(p.pieces[1].to_m, 500.0, 1e-9);
  double median = 0;
  const auto mc = monte_carlo(60, {{0, 120}, {120, 180}}, &median);
  EXPECT_NEAR(p.pieces[0].weight, mc[0], 0.005);
  EXPECT_NEAR(p.pieces[1].weight, mc[1], 0.005);
  EXPECT_NEAR(p.stretch_m, 1500.0, 1e-9);
  EXPECT_TRUE(p.uncertain());
  // The most likely point: the median moment, on Alfa-Beta at 1000 m per 120 s.
  ASSERT_LT(median, 120.0);
  EXPECT_EQ(p.segment, sys.lines()[0].segment(0));
  EXPECT_NEAR(p.offset_m, median / 120.0 * 1000.0, 15.0);
  EXPECT_NEAR(p.pos.x, p.offset_m, 1e-9);
  EXPECT_EQ(p.service_day, FeedBuilder::day({2025, 6, 4}));
}

TEST_F(Placing, WithoutDirectionBothVehiclesCarryTheirShare) {
  const auto res = placer.on_board(report(8, 1));
  ASSERT_TRUE(res.placed) << res.detail;
  const Placement& p = res.placement;
  EXPECT_EQ(p.vehicles, 2u);
  // East under way 08:00-08:03 of the window, west (Delta-Gamma) 08:01-08:03:
  // each vehicle's share is the chance of its moments, the two added.
  double east = 0, west = 0;
  for (const auto& pc : p.pieces) (line_of(pc).direction == 0 ? east : west) += pc.weight;
  const auto w = monte_carlo(60, {{60, 180}, {0, 60}});  // the moments both run, those only east runs
  EXPECT_NEAR(east, 1.0 / (2.0 - w[1]), 0.005);
  EXPECT_NEAR(west, (1.0 - w[1]) / (2.0 - w[1]), 0.005);
  // The most likely point is on the heavier vehicle's stretch.
  EXPECT_EQ(sys.segments()[p.segment].line, 0u);
}

TEST_F(Placing, AStopPairGivesTheDirectionAndTheStretch) {
  OnBoardReport r = report(8, 3);
  r.from_stop = "Beta";
  r.to_stop = "Gamma, Göteborg";
  const auto res = placer.on_board(r);
  ASSERT_TRUE(res.placed) << res.detail;
  const Placement& p = res.placement;
  // Only eastbound runs from Beta to Gamma; window 08:00-08:05 clipped to Beta-Gamma:
  // moving 08:02-08:04 (120 s), dwelling at Gamma 08:04-08:05 (60 s).
  EXPECT_EQ(p.vehicles, 1u);
  ASSERT_EQ(p.pieces.size(), 2u);
  EXPECT_EQ(p.pieces[0].segment, sys.lines()[0].segment(1));
  const auto mc = monte_carlo(180, {{120, 240}, {240, 300}});
  EXPECT_NEAR(p.pieces[0].weight, mc[0], 0.005);
  EXPECT_NEAR(p.pieces[1].from_m, p.pieces[1].to_m, 1e-12);  // at the stop
  EXPECT_NEAR(p.pieces[1].weight, mc[1], 0.005);
  // A pair the line never runs in that order on any line of the route fails.
  r.from_stop = "Delta";
  r.to_stop = "Delta";
  const auto bad = placer.on_board(r);
  EXPECT_FALSE(bad.placed);
  EXPECT_EQ(bad.reason, RejectReason::UnknownReference);
}

TEST_F(Placing, TripAndVehicleNarrowToOneRun) {
  OnBoardReport r = report(8, 2);
  r.trip_id = "T5_0801";
  auto res = placer.on_board(r);
  ASSERT_TRUE(res.placed) << res.detail;
  EXPECT_EQ(res.placement.vehicles, 1u);
  for (const auto& pc : res.placement.pieces) EXPECT_EQ(line_of(pc).direction, 1);
  r.trip_id.clear();
  r.vehicle = "V1";
  res = placer.on_board(r);
  ASSERT_TRUE(res.placed) << res.detail;
  for (const auto& pc : res.placement.pieces) EXPECT_EQ(line_of(pc).direction, 0);
  r.vehicle = "V9";
  EXPECT_FALSE(placer.on_board(r).placed);
  r.vehicle.clear();
  r.trip_id = "NOPE";
  EXPECT_EQ(placer.on_board(r).reason, RejectReason::UnknownReference);
}

TEST_F(Placing, NightTripBelongsToTheDayBefore) {
  // Saturday 00:31 is 24:31 on Friday's timetable.
  const auto res = placer.on_board(report(0, 31, 7));
  ASSERT_TRUE(res.placed) << res.detail;
  EXPECT_EQ(res.placement.service_day, FeedBuilder::day({2025, 6, 6}));
  EXPECT_EQ(sys.feed().trips[sys.runs()[res.placement.run].trip].id, "T5_N2430");
}

TEST_F(Placing, LateReportsWidenTheWindowAndSaySo) {
  OnBoardReport r = report(8, 12);
  r.direction = "Delta";
  const auto res = placer.on_board(r);
  ASSERT_TRUE(res.placed) << res.detail;
  // Window 08:09-08:14 misses the 08:07 arrival; two one-minute steps reach it.
  EXPECT_EQ(res.placement.widened_s, 120);
  EXPECT_EQ(res.placement.segment, sys.lines()[0].segment(2));
  EXPECT_NEAR(res.placement.offset_m, 1000.0, 1e-9);
}

TEST_F(Placing, RejectsSayWhyAndWhatItCouldHaveBeen) {
  // No service on the holiday: the nearest runs are named.
  auto res = placer.on_board(report(8, 1, 6));
  EXPECT_FALSE(res.placed);
  EXPECT_EQ(res.reason, RejectReason::NotInService);
  EXPECT_NE(res.detail.find("no vehicle of spårvagn 5"), std::string::npos) << res.detail;
  ASSERT_EQ(res.candidates.size(), 2u);
  EXPECT_NE(res.candidates[0].find("last before"), std::string::npos) << res.candidates[0];
  EXPECT_NE(res.candidates[0].find("2025-06-05"), std::string::npos) << res.candidates[0];
  EXPECT_NE(res.candidates[1].find("T5_N2430"), std::string::npos) << res.candidates[1];
  // Unknown line, with the lines there are.
  OnBoardReport r = report(8, 1);
  r.line = "7";
  res = placer.on_board(r);
  EXPECT_EQ(res.reason, RejectReason::UnknownReference);
  EXPECT_EQ(res.candidates, (std::vector<std::string>{"buss 25", "spårvagn 5"}));
  // The mode has to fit: there is no bus 5.
  r.line = "buss 5";
  EXPECT_EQ(placer.on_board(r).reason, RejectReason::UnknownReference);
  // An unknown direction, with the headsigns and termini.
  r.line = "5:an";
  r.direction = "mot Kiruna";
  res = placer.on_board(r);
  EXPECT_EQ(res.reason, RejectReason::UnknownReference);
  EXPECT_NE(std::find(res.candidates.begin(), res.candidates.end(), "Delta"), res.candidates.end());
  // A stop the line does not have, with the names it nearly is.
  r.direction.clear();
  r.from_stop = "Btea";
  r.to_stop = "Gamma";
  res = placer.on_board(r);
  EXPECT_EQ(res.reason, RejectReason::UnknownReference);
  EXPECT_EQ(res.candidates, (std::vector<std::string>{"Beta, Göteborg"}));
}

TEST_F(Placing, AtAStopOrPlatform) {
  auto res = placer.at_stop({"Beta, Göteborg läge A", ""});
  ASSERT_TRUE(res.placed) << res.detail;
  EXPECT_EQ(res.placement.station, sys.station_of(street.north[1]));
  EXPECT_EQ(res.placement.stop, street.north[1]);
  res = placer.at_stop({"BETA", "spårvagn 5"});
  ASSERT_TRUE(res.placed) << res.detail;
  EXPECT_EQ(res.placement.stop, kNone);
  EXPECT_EQ(res.placement.pos, (Point{1000, 0}));
  res = placer.at_stop({"C2", ""});  // a stop_id
  ASSERT_TRUE(res.placed);
  EXPECT_EQ(res.placement.stop, street.south[2]);
  res = placer.at_stop({"Deltta", ""});
  EXPECT_FALSE(res.placed);
  EXPECT_EQ(res.candidates, (std::vector<std::string>{"Delta, Göteborg"}));
}

TEST(PlacingNames, FoldAndShortNames) {
  EXPECT_EQ(fold("  Kvarnbo   TORG "), "kvarnbo torg");
  EXPECT_EQ(fold("ÅÄÖ Éa"), "åäö éa");
  EXPECT_EQ(short_name("Brunnsbotorget, Göteborg"), "brunnsbotorget");
}

}  // namespace
}  // namespace tryggve::transit

// Stretches for interventions (hosts on board): segments and stations between
// two stops, both directions unless one is named; errors name the candidates.
namespace tryggve::transit {
namespace {

TEST_F(Placing, StretchBetweenTwoStopsBothWaysOrOneDirection) {
  const auto& segs = sys.segments();
  auto stations_of = [&](const Stretch& s) {
    std::vector<std::string> v;
    for (Index st : s.stations) v.push_back(short_name(sys.stations()[st].name));
    return v;
  };
  // Beta - Delta, named against the line's order: tram 5 east (segments 1, 2) and
  // west (Delta - Gamma - Beta), three stations.
  auto r = placer.stretch({"5", "Delta", "beta", ""});
  ASSERT_TRUE(r.found) << r.detail;
  EXPECT_EQ(r.stretch.route, street.tram);
  ASSERT_EQ(r.stretch.segments.size(), 4u);
  double length = 0;
  for (auto k : r.stretch.segments) length += segs[k].length;
  EXPECT_NEAR(length, 4000.0, 1.0);  // 2 km each way
  EXPECT_EQ(stations_of(r.stretch), (std::vector<std::string>{"beta", "gamma", "delta"}));
  // One direction: only the eastbound line's two segments.
  r = placer.stretch({"spårvagn 5", "Beta, Göteborg", "S_D", "Delta"});
  ASSERT_TRUE(r.found) << r.detail;
  ASSERT_EQ(r.stretch.segments.size(), 2u);
  for (auto k : r.stretch.segments) EXPECT_EQ(sys.lines()[segs[k].line].direction, 0);
  // The whole line: all six segments, four stations.
  r = placer.stretch({"5", "", "", ""});
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.stretch.segments.size(), 6u);
  EXPECT_EQ(r.stretch.stations.size(), 4u);
}

TEST_F(Placing, StretchErrorsNameTheCandidates) {
  auto r = placer.stretch({"7", "", "", ""});
  EXPECT_FALSE(r.found);
  EXPECT_NE(r.detail.find("line '7' is not in the feed"), std::string::npos);
  EXPECT_NE(std::find(r.candidates.begin(), r.candidates.end(), "spårvagn 5"), r.candidates.end());
  r = placer.stretch({"5", "Betta", "Delta", ""});
  EXPECT_FALSE(r.found);
  EXPECT_NE(r.detail.find("stop 'Betta' is not on spårvagn 5"), std::string::npos);
  EXPECT_TRUE(r.about_stops);
  ASSERT_FALSE(r.candidates.empty());
  EXPECT_EQ(r.candidates.front(), "Beta, Göteborg");
  // Delta is not on bus 25 (Alfa - Gamma).
  r = placer.stretch({"25", "Alfa", "Delta", ""});
  EXPECT_FALSE(r.found);
  EXPECT_NE(r.detail.find("stop 'Delta' is not on buss 25"), std::string::npos);
  r = placer.stretch({"5", "Beta", "Beta", ""});
  EXPECT_FALSE(r.found);
  EXPECT_NE(r.detail.find("does not run between"), std::string::npos);
  r = placer.stretch({"5", "Beta", "", ""});
  EXPECT_FALSE(r.found);
  r = placer.stretch({"5", "Alfa", "Beta", "Epsilon"});
  EXPECT_FALSE(r.found);
  EXPECT_NE(r.detail.find("direction 'Epsilon'"), std::string::npos);
  EXPECT_FALSE(r.about_stops);
}

}  // namespace
}  // namespace tryggve::transit
