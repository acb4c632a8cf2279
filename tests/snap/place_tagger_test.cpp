// Place tagging on hand-made polygons: inside, within 10 m, outside, holes,
// overlapping areas, nearest stop with ties.
#include <gtest/gtest.h>

#include <oneapi/tbb/global_control.h>

#include <cmath>

#include "tryggve/core/error.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/snap/place_tagger.hpp"

using tryggve::MultiPolygon;
using tryggve::Point;
using tryggve::PointFeature;
using tryggve::PolygonFeature;
using tryggve::Ring;
using namespace tryggve::snap;

namespace {

Ring box(double x0, double y0, double x1, double y1) { return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}; }

PolygonFeature poly(std::int64_t id, MultiPolygon mp) {
  PolygonFeature f;
  f.source_id = id;
  f.name = "f" + std::to_string(id);
  f.geometry = std::move(mp);
  return f;
}

PointFeature stop(std::int64_t id, Point p) {
  PointFeature s;
  s.source_id = id;
  s.pos = p;
  return s;
}

// Park 0: 0..100 square with a hole 30..70. Park 1: 112..200 (a gap of 12 m from park 0).
// Park 2: two parts, one far away (a multipolygon), its near part 0..100 x 300..400, given
// with an unclosed ring (closed by the tagger).
std::vector<PolygonFeature> parks() {
  std::vector<PolygonFeature> p;
  p.push_back(poly(10, {{box(0, 0, 100, 100), {box(30, 30, 70, 70)}}}));
  p.push_back(poly(11, {{box(112, 0, 200, 100), {}}}));
  Ring open = box(0, 300, 100, 400);
  open.pop_back();
  p.push_back(poly(12, {{box(5000, 5000, 5100, 5100), {}}, {open, {}}}));
  return p;
}

}  // namespace

TEST(PlaceTagger, ParksInsideNearAndOutside) {
  const PlaceTagger t(parks(), {}, {});
  auto park = [&](Point p) { return t.tag(p); };

  auto in = park({10, 10});
  EXPECT_EQ(in.park, 0u);
  EXPECT_EQ(in.park_distance, 0.0);
  EXPECT_TRUE(in.in_park());

  auto edge = park({0, 50});  // on the boundary counts as in
  EXPECT_EQ(edge.park, 0u);
  EXPECT_EQ(edge.park_distance, 0.0);

  auto near = park({105, 50});  // 5 m from park 0, 7 m from park 1
  EXPECT_EQ(near.park, 0u);
  EXPECT_DOUBLE_EQ(near.park_distance, 5.0);
  EXPECT_FALSE(near.in_park());

  auto nearer1 = park({109, 50});  // 9 m from park 0, 3 m from park 1
  EXPECT_EQ(nearer1.park, 1u);
  EXPECT_DOUBLE_EQ(nearer1.park_distance, 3.0);

  auto tie = park({106, 50});  // 6 m from both: the lower index
  EXPECT_EQ(tie.park, 0u);
  EXPECT_DOUBLE_EQ(tie.park_distance, 6.0);

  auto outside = park({50, 150});  // 50 m north of park 0
  EXPECT_EQ(outside.park, kNoPlace);

  auto diagonal = park({107, 107});  // sqrt(98) = 9.9 m from park 0's corner, 7+ from park 1's (112,100): sqrt(25+49)
  EXPECT_EQ(diagonal.park, 1u);
  EXPECT_DOUBLE_EQ(diagonal.park_distance, std::sqrt(74.0));

  auto far_part = park({50, 405});  // 5 m from park 2's second part (unclosed ring, closed)
  EXPECT_EQ(far_part.park, 2u);
  EXPECT_DOUBLE_EQ(far_part.park_distance, 5.0);
  EXPECT_EQ(park({5050, 5050}).park, 2u);
}

TEST(PlaceTagger, HoleIsOutsideThePark) {
  const PlaceTagger t(parks(), {}, {});
  auto centre = t.tag({50, 50});  // 20 m from the hole's edge
  EXPECT_EQ(centre.park, kNoPlace);
  auto by_edge = t.tag({33, 50});  // in the hole, 3 m from its edge
  EXPECT_EQ(by_edge.park, 0u);
  EXPECT_DOUBLE_EQ(by_edge.park_distance, 3.0);
  EXPECT_FALSE(by_edge.in_park());
  // With no "near" distance, only inside counts.
  const PlaceTagger strict(parks(), {}, {}, PlaceTagOptions{.park_distance_m = 0.0, .stop_radius_m = 50});
  EXPECT_EQ(strict.tag({33, 50}).park, kNoPlace);
  EXPECT_EQ(strict.tag({20, 50}).park, 0u);
}

TEST(PlaceTagger, NearestStopWithinRadius) {
  std::vector<PointFeature> stops{stop(1, {0, 0}), stop(2, {30, 40}), stop(3, {30, 40}), stop(4, {1000, 1000})};
  const PlaceTagger t({}, std::move(stops), {});
  auto s0 = t.tag({0, 0});
  EXPECT_EQ(s0.stop, 0u);
  EXPECT_EQ(s0.stop_distance, 0.0);
  auto dup = t.tag({30, 40});  // two stops at the same place: the lower index
  EXPECT_EQ(dup.stop, 1u);
  EXPECT_EQ(dup.stop_distance, 0.0);
  auto tie = t.tag({15, 20});  // 25 m from stop 0 and from stops 1, 2
  EXPECT_EQ(tie.stop, 0u);
  EXPECT_DOUBLE_EQ(tie.stop_distance, 25.0);
  auto edge = t.tag({30, 90});  // exactly 50 m from stops 1 and 2: inclusive
  EXPECT_EQ(edge.stop, 1u);
  EXPECT_DOUBLE_EQ(edge.stop_distance, 50.0);
  EXPECT_EQ(t.tag({30, 90.001}).stop, kNoPlace);
  EXPECT_EQ(t.tag({500, 500}).stop, kNoPlace);
  auto lone = t.tag({1000, 1049});
  EXPECT_EQ(lone.stop, 3u);
  EXPECT_DOUBLE_EQ(lone.stop_distance, 49.0);
  // Brute force over random points.
  tryggve::Rng rng(5, 0);
  std::vector<PointFeature> many;
  for (int i = 0; i < 300; ++i) many.push_back(stop(i, {rng.uniform(0, 1000), rng.uniform(0, 1000)}));
  const PlaceTagger tm({}, many, {}, PlaceTagOptions{.park_distance_m = 10, .stop_radius_m = 40});
  for (int k = 0; k < 3000; ++k) {
    const Point p{rng.uniform(-50, 1050), rng.uniform(-50, 1050)};
    std::uint32_t best = kNoPlace;
    double bd = INFINITY;
    for (std::uint32_t i = 0; i < many.size(); ++i) {
      const double d = tryggve::distance(p, many[i].pos);
      if (d <= 40 && d < bd) { bd = d; best = i; }
    }
    const auto tag = tm.tag(p);
    ASSERT_EQ(tag.stop, best);
    if (best != kNoPlace) {
      ASSERT_EQ(tag.stop_distance, bd);
    }
  }
}

TEST(PlaceTagger, AreasLowestIndexContaining) {
  std::vector<PolygonFeature> areas;
  areas.push_back(poly(1, {{box(0, 0, 100, 100), {}}}));
  areas.push_back(poly(2, {{box(100, 0, 200, 100), {}}}));  // shares the border x = 100
  areas.push_back(poly(3, {{box(190, 0, 300, 100), {}}}));  // overlaps area 1 by 10 m
  const PlaceTagger t({}, {}, std::move(areas));
  EXPECT_EQ(t.tag({50, 50}).area, 0u);
  EXPECT_EQ(t.tag({100, 50}).area, 0u);  // on the shared border
  EXPECT_EQ(t.tag({150, 50}).area, 1u);
  EXPECT_EQ(t.tag({195, 50}).area, 1u);  // in the overlap
  EXPECT_EQ(t.tag({250, 50}).area, 2u);
  EXPECT_EQ(t.tag({-10, 50}).area, kNoPlace);
  EXPECT_EQ(t.tag({150, 100.5}).area, kNoPlace);
  EXPECT_EQ(t.tag({NAN, 50}).area, kNoPlace);
}

TEST(PlaceTagger, TagAllIsThreadCountIndependent) {
  std::vector<PolygonFeature> areas;
  for (int i = 0; i < 10; ++i)
    for (int j = 0; j < 10; ++j) areas.push_back(poly(i * 10 + j, {{box(i * 100.0, j * 100.0, i * 100.0 + 100, j * 100.0 + 100), {}}}));
  std::vector<PolygonFeature> pk;
  for (int i = 0; i < 30; ++i) pk.push_back(poly(i, {{box(i * 33.0, i * 31.0, i * 33.0 + 20, i * 31.0 + 25), {}}}));
  std::vector<PointFeature> st;
  for (int i = 0; i < 100; ++i) st.push_back(stop(i, {i * 10.0, 1000.0 - i * 10.0}));
  const PlaceTagger t(pk, st, areas);
  tryggve::Rng rng(9, 0);
  std::vector<Point> pts(20000);
  for (auto& p : pts) p = {rng.uniform(-20, 1020), rng.uniform(-20, 1020)};
  std::vector<PlaceTag> one, two;
  {
    tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 1);
    one = t.tag_all(pts);
  }
  {
    tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 2);
    two = t.tag_all(pts);
  }
  std::size_t in_area = 0, near_park = 0;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    ASSERT_EQ(one[i].park, two[i].park);
    ASSERT_EQ(one[i].park_distance == two[i].park_distance || (std::isinf(one[i].park_distance) && std::isinf(two[i].park_distance)), true);
    ASSERT_EQ(one[i].stop, two[i].stop);
    ASSERT_EQ(one[i].area, two[i].area);
    in_area += one[i].area != kNoPlace;
    near_park += one[i].park != kNoPlace;
  }
  EXPECT_GT(in_area, pts.size() * 9 / 10);
  EXPECT_GT(near_park, 0u);
}

TEST(PlaceTagger, BadOptionsAreErrors) {
  EXPECT_THROW(PlaceTagger({}, {}, {}, PlaceTagOptions{.park_distance_m = -1, .stop_radius_m = 50}), tryggve::Error);
  EXPECT_THROW(PlaceTagger({}, {}, {}, PlaceTagOptions{.park_distance_m = 10, .stop_radius_m = NAN}), tryggve::Error);
}
