// Lines, segments, the line network and timetables, on feeds small enough to
// check by hand (tests/transit/feed_builder.hpp).
#include <gtest/gtest.h>

#include "feed_builder.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/density/density.hpp"
#include "tryggve/hotspot/local_stats.hpp"
#include "tryggve/hotspot/units.hpp"
#include "tryggve/hotspot/weights.hpp"
#include "tryggve/transit/placement.hpp"
#include "tryggve/transit/system.hpp"

namespace tryggve::transit {
namespace {

using test::FeedBuilder;
using test::Street;

TEST(TransitBuild, LinesSegmentsAndOneEdgePerStretch) {
  Street s;
  BuildReport rep;
  const System sys = build(s.b.f, {}, &rep);
  // Tram east, tram west (the night trip shares the east line), bus.
  ASSERT_EQ(sys.lines().size(), 3u);
  EXPECT_EQ(sys.lines()[0].trips, 2u);
  EXPECT_EQ(sys.lines()[0].headsign, "Delta");
  ASSERT_EQ(sys.segments().size(), 3u + 3u + 2u);
  // Platforms 10 m off the shape are cut at their projections: 1 km segments.
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_NEAR(sys.segments()[k].length, 1000.0, 1e-9);
    EXPECT_EQ(sys.segments()[k].source, SegmentSource::Shape);
    EXPECT_NEAR(sys.lines()[0].chainage[k + 1], 1000.0 * static_cast<double>(k + 1), 1e-9);
  }
  // Stations are the vertices: both platforms of a stop are one place.
  EXPECT_EQ(sys.station_of(s.north[1]), sys.station_of(s.south[1]));
  // Tram both ways and the bus share the edges between stations: 3 edges, 1 km each.
  ASSERT_EQ(sys.network().edge_count(), 3u);
  EXPECT_EQ(sys.network().vertex_count(), 4u);
  for (const auto& e : sys.network().edges()) EXPECT_NEAR(e.length, 1000.0, 1e-9);
  EXPECT_EQ(sys.network().edge(0).name, "5, 25");
  EXPECT_EQ(sys.network().edge(0).highway, "tram;bus");
  EXPECT_EQ(sys.segments_on(0).size(), 3u);  // tram east, tram west, bus
  // The westbound segment Beta -> Alfa runs against the edge Alfa -> Beta.
  const Segment& west_ba = sys.segments()[sys.lines()[1].segment(2)];
  EXPECT_EQ(west_ba.edge, 0u);
  EXPECT_TRUE(west_ba.reversed);
  EXPECT_NEAR(west_ba.edge_offset(300.0), 700.0, 1e-9);
  EXPECT_FALSE(sys.segments()[0].reversed);
  // The bus has no shape and no streets were given: straight from platform to platform.
  EXPECT_EQ(sys.segments()[6].source, SegmentSource::Straight);
  EXPECT_EQ(rep.segments_by_source[static_cast<std::size_t>(SegmentSource::Straight)], 2u);
  EXPECT_EQ(rep.runs, 4u);
  EXPECT_NE(rep.summary().find("3 network edges"), std::string::npos) << rep.summary();
}

TEST(TransitBuild, RunPositionsFromTheTimetable) {
  Street s;
  const System sys = build(s.b.f);
  const transit::Run& east = sys.runs()[0];
  auto hms = [](int h, int m, int sec = 0) { return h * 3600 + m * 60 + sec; };
  RunPosition p = sys.position(east, hms(8, 1));
  EXPECT_EQ(p.segment, 0u);
  EXPECT_NEAR(p.offset, 500.0, 1e-9);
  EXPECT_FALSE(p.at_stop);
  p = sys.position(east, hms(8, 4, 30));  // dwelling at Gamma
  EXPECT_TRUE(p.at_stop);
  EXPECT_EQ(p.segment, 2u);
  EXPECT_NEAR(p.chainage, 2000.0, 1e-9);
  p = sys.position(east, hms(8, 6));
  EXPECT_EQ(p.segment, 2u);
  EXPECT_NEAR(p.offset, 500.0, 1e-9);
  p = sys.position(east, hms(9, 0));
  EXPECT_TRUE(p.at_stop);
  EXPECT_NEAR(p.chainage, 3000.0, 1e-9);
}

TEST(TransitBuild, ShapeCutsMonotoneAtTheRightPass) {
  // A U-turn: east along y = 0, up to y = 30, back west along y = 30. The first
  // stop is 16 m from the outbound leg and 14 m from the return leg: the nearest
  // pass is the wrong one, since the next stop is on the outbound leg.
  FeedBuilder b;
  const Index p1 = b.platform("P1", "Ett", {500, 16}), p2 = b.platform("P2", "Två", {950, 2}),
              p3 = b.platform("P3", "Tre", {100, 29});
  const Index r = b.route("R", "1", 3), sv = b.service("S", "1111111", {2025, 1, 1}, {2025, 12, 31});
  const Index sh = b.shape("U", {{0, 0}, {1000, 0}, {1000, 30}, {0, 30}});
  b.trip("T", r, sv, "Tre", 0, sh, {{p1, "10:00:00"}, {p2, "10:02:00"}, {p3, "10:05:00"}});
  BuildReport rep;
  const System sys = build(b.f, {}, &rep);
  const Line& l = sys.lines()[0];
  EXPECT_NEAR(l.chainage[1], 450.0, 1e-9);          // 500 -> 950 along the outbound leg
  EXPECT_NEAR(l.chainage[2], 450.0 + 980.0, 1e-9);  // 950 -> 1000, up 30, back to x = 100
  EXPECT_EQ(rep.unmonotone_cuts, 0u);
  EXPECT_EQ(rep.stops_far_from_shape, 0u);
  EXPECT_EQ(sys.segments()[1].geometry.size(), 4u);  // the turn is kept
}

TEST(TransitBuild, ShapeDistTraveledCutsWhereTheFeedSays) {
  // Distances in km on the shape and the stops; the middle stop sits 40 m off the
  // line, beside 700 m, but the feed says it is at 0.6 km.
  FeedBuilder b;
  const Index a = b.platform("A", "A", {0, 5}), m = b.platform("M", "M", {700, 40}), z = b.platform("Z", "Z", {1000, 5});
  const Index r = b.route("R", "1", 3), sv = b.service("S", "1111111", {2025, 1, 1}, {2025, 12, 31});
  const Index sh = b.shape("L", {{0, 0}, {500, 0}, {1000, 0}}, {0.0, 0.5, 1.0});
  b.trip("T", r, sv, "Z", 0, sh, {{a, "10:00:00", "", 0.0}, {m, "10:01:00", "", 0.6}, {z, "10:02:00", "", 1.0}});
  BuildOptions o;
  o.max_stop_distance_m = 50;
  BuildReport rep;
  const System sys = build(b.f, o, &rep);
  EXPECT_EQ(sys.segments()[0].source, SegmentSource::ShapeDistance);
  EXPECT_NEAR(sys.segments()[0].length, 600.0, 1e-9);
  EXPECT_NEAR(sys.segments()[1].length, 400.0, 1e-9);
  // 40 m from the line but 100 m from where the feed puts it: counted, named.
  EXPECT_EQ(rep.stops_far_from_shape, 1u);
  EXPECT_NE(rep.worst_stop.find("'M'"), std::string::npos) << rep.worst_stop;
}

TEST(TransitBuild, WithoutShapeAlongTheStreetsGivenAsData) {
  // Streets: an L from (0,0) east to (1000,0) and north to (1000,1000); the bus
  // stops at both ends, so the straight line would cut the corner.
  std::vector<Point> v = {{0, 0}, {1000, 0}, {1000, 1000}};
  std::vector<network::Edge> e(2);
  e[0].from = 0, e[0].to = 1, e[0].geometry = {v[0], v[1]}, e[0].length = 1000;
  e[1].from = 1, e[1].to = 2, e[1].geometry = {v[1], v[2]}, e[1].length = 1000;
  const network::Network streets(v, e);
  FeedBuilder b;
  const Index a = b.platform("A", "A", {0, 8}), z = b.platform("Z", "Z", {992, 1000});
  const Index r = b.route("R", "1", 3), sv = b.service("S", "1111111", {2025, 1, 1}, {2025, 12, 31});
  b.trip("T", r, sv, "Z", 0, gtfs::kNone, {{a, "10:00:00"}, {z, "10:04:00"}});
  BuildOptions o;
  o.streets = &streets;
  o.stop_positions = {{0, 0.0}, {1, 1000.0}};  // where each stop meets the street (a snap, done by the caller)
  const System sys = build(b.f, o);
  EXPECT_EQ(sys.segments()[0].source, SegmentSource::Streets);
  EXPECT_NEAR(sys.segments()[0].length, 2000.0, 1e-9);
  EXPECT_EQ(sys.segments()[0].geometry.size(), 3u);
  // A detour beyond the limit is not taken.
  o.max_detour_factor = 1.0;
  o.streets = &streets;
  const System straight = build(b.f, o);
  EXPECT_EQ(straight.segments()[0].source, SegmentSource::Straight);
}

TEST(TransitBuild, FrequenciesBecomeRuns) {
  Street s;
  s.b.frequency(s.b.f.find_trip("T25_0900"), "06:00:00", "07:00:00", 600);
  BuildReport rep;
  const System sys = build(s.b.f, {}, &rep);
  EXPECT_EQ(rep.frequency_runs, 6u);
  EXPECT_EQ(rep.runs, 3u + 6u);  // the template itself is not a run
  std::vector<ServiceSeconds> starts;
  for (std::uint32_t r : sys.runs_of_route(s.bus)) starts.push_back(sys.runs()[r].start);
  EXPECT_EQ(starts, (std::vector<ServiceSeconds>{21600, 22200, 22800, 23400, 24000, 24600}));
  EXPECT_EQ(sys.arrival(sys.runs()[sys.runs_of_route(s.bus)[1]], 2), 22200 + 360);
}

TEST(TransitBuild, BadTimeZoneAndEmptyFeed) {
  Street s;
  s.b.f.timezone = "Mars/Olympus";
  try {
    build(s.b.f);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadValue);
    EXPECT_NE(std::string(e.what()).find("Mars/Olympus"), std::string::npos);
  }
  FeedBuilder empty;
  EXPECT_THROW(build(empty.f), Error);
}

// Density and Gi* run on the line network as on streets: mass is conserved and
// the counts per segment add up to the reports placed.
TEST(TransitBuild, DensityAndGiStarOnLines) {
  Street s;
  const System sys = build(s.b.f);
  const Placer placer(sys);
  std::vector<network::NetworkPosition> pos;
  std::vector<double> w;
  std::size_t placed = 0;
  for (int m : {1, 2, 3, 4, 5, 6}) {
    OnBoardReport r;
    r.line = "5";
    r.time = test::stockholm(2025, 6, 4, 8, m);
    const auto res = placer.on_board(r);
    ASSERT_TRUE(res.placed) << res.detail;
    ++placed;
    EXPECT_EQ(weighted_positions(sys, res.placement, 50.0, pos, w), 0u);
  }
  double total = 0;
  for (double x : w) total += x;
  EXPECT_NEAR(total, static_cast<double>(placed), 1e-9);
  const network::Lixelization lix(sys.network(), 50.0);
  density::DensityOptions o;
  o.method = density::Method::Heat;
  o.bandwidth_m = 200;
  const auto d = density::estimate(sys.network(), lix, pos, w, o);
  EXPECT_NEAR(density::integrate(lix, d.values), total, 0.01 * total);
  const auto segs = hotspot::SpatialUnits::segments(sys.network());
  const auto counts = hotspot::count_per_unit(segs, pos, &w);
  double sum = 0;
  for (double c : counts) sum += c;
  EXPECT_NEAR(sum, total, 1e-9);
  // Gi* per lixel with a 300 m band: the lixel holding most of the weight is hot, not cold.
  const auto units = hotspot::SpatialUnits::lixels(sys.network(), lix);
  const auto x = hotspot::count_per_unit(units, pos, &w);
  hotspot::WeightsOptions wo;
  wo.max_distance_m = 300;
  const auto gi = hotspot::gi_star(hotspot::build_weights(sys.network(), units, wo), x, {.permutations = 0});
  ASSERT_EQ(gi.stats.size(), units.size());
  const std::size_t top = static_cast<std::size_t>(std::max_element(x.begin(), x.end()) - x.begin());
  EXPECT_GT(gi.stats[top].z, 0.0);
}

}  // namespace
}  // namespace tryggve::transit
