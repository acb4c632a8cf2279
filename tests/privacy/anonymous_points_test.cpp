// police.uk-style anonymous map points on a hand-drawn street.
#include <gtest/gtest.h>

#include "tryggve/core/error.hpp"
#include "tryggve/privacy/anonymous_points.hpp"

using namespace tryggve;
using namespace tryggve::privacy;
using network::Network;

namespace {

// Three 100 m segments along y = 0, middles at x = 50, 150, 250.
Network street() {
  std::vector<Point> v{{0, 0}, {100, 0}, {200, 0}, {300, 0}};
  auto mk = [&](network::VertexId a, network::VertexId b) {
    network::Edge e;
    e.from = a, e.to = b;
    e.geometry = {v[a], v[b]};
    e.length = distance(v[a], v[b]);
    e.name = "Storgatan";
    return e;
  };
  return Network(v, {mk(0, 1), mk(1, 2), mk(2, 3)});
}

void add(std::vector<Point>& out, Point at, int n) {
  for (int i = 0; i < n; ++i) out.push_back({at.x + i * 0.5, at.y + 10});
}

}  // namespace

TEST(AnonymousPoints, ASegmentWithFewAddressesGoesAndItsAddressesMoveOn) {
  std::vector<Point> addr;
  add(addr, {45, 0}, 10);   // segment 0: 10 addresses
  add(addr, {140, 0}, 3);   // segment 1: 3 addresses, nearer 50 than 250 once it goes
  const AnonymousPoints ap(street(), {}, addr);
  ASSERT_EQ(ap.points().size(), 2u);
  EXPECT_EQ(ap.points()[0].edge, 0);
  EXPECT_EQ(ap.points()[0].addresses, 13u);
  EXPECT_EQ(ap.points()[0].pos, (Point{50, 0}));
  EXPECT_EQ(ap.points()[1].edge, 2);
  EXPECT_EQ(ap.points()[1].addresses, 0u);  // an empty catchment names nobody
  EXPECT_EQ(ap.candidates_removed(), 1u);
  // An incident on segment 1 is published at segment 0's middle, never where it was.
  const Point incident{141, 3};
  const auto& p = ap.points()[ap.nearest(incident)];
  EXPECT_EQ(p.pos, (Point{50, 0}));
  EXPECT_NE(p.pos, incident);
}

TEST(AnonymousPoints, AnEmptyPointThatFillsTooLittleGoesInALaterPass) {
  std::vector<Point> addr;
  add(addr, {50, 0}, 2);    // segment 0: 2 -> removed; they move to 150 (100 m) not 250
  add(addr, {250, 0}, 20);  // segment 2: 20
  const AnonymousPoints ap(street(), {}, addr);
  // Segment 1 was empty, got the 2, and goes in the second pass: all 22 at 250.
  ASSERT_EQ(ap.points().size(), 1u);
  EXPECT_EQ(ap.points()[0].edge, 2);
  EXPECT_EQ(ap.points()[0].addresses, 22u);
  EXPECT_EQ(ap.candidates_removed(), 2u);
  for (const auto& p : ap.points()) EXPECT_TRUE(p.addresses == 0 || p.addresses >= 8);
}

TEST(AnonymousPoints, PublicPlacesAreMapPointsToo) {
  std::vector<Point> addr;
  add(addr, {150, 80}, 9);  // nearer the square at (150, 100) than any street middle
  PointFeature square;
  square.pos = {150, 100};
  square.kind = "square";
  square.name = "Torget";
  PointFeature school;
  school.pos = {150, 90};
  school.kind = "school";  // names a small group: not a public map point
  PolygonFeature park;
  park.name = "Parken";
  park.geometry = {Polygon{{{0, 200}, {100, 200}, {100, 300}, {0, 300}, {0, 200}}, {}}};
  const auto places = public_places(std::vector<PolygonFeature>{park}, {}, std::vector<PointFeature>{square, school});
  ASSERT_EQ(places.size(), 2u);
  EXPECT_EQ(places[0].pos, (Point{50, 250}));  // the park's centroid
  const AnonymousPoints ap(street(), places, addr);
  std::size_t at_square = 0;
  for (const auto& p : ap.points()) {
    EXPECT_TRUE(p.addresses == 0 || p.addresses >= 8);
    if (p.kind == AnonymousPoint::Kind::PublicPlace && p.name == "Torget") at_square = p.addresses;
  }
  EXPECT_EQ(at_square, 9u);
}

TEST(AnonymousPoints, TooFewAddressesInTheWholeDistrictIsAClearError) {
  std::vector<Point> addr;
  add(addr, {50, 0}, 7);
  try {
    AnonymousPoints ap(street(), {}, addr);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NoData);
    EXPECT_NE(std::string(e.what()).find("only 7 addresses"), std::string::npos);
  }
}

TEST(AnonymousPoints, SegmentPositionIsTheMiddle) {
  EXPECT_EQ(segment_position(street(), 1), (Point{150, 0}));
}
