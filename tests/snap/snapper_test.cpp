// snap_all / snap_incidents: parallel results independent of the thread count,
// and every incident that cannot be placed kept in the reject log with its reason.
#include <gtest/gtest.h>

#include <oneapi/tbb/global_control.h>

#include <cmath>
#include <cstring>

#include "tryggve/core/error.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/snap/snapper.hpp"

using tryggve::Incident;
using tryggve::Point;
using tryggve::RejectLog;
using tryggve::RejectReason;
using namespace tryggve::network;
using namespace tryggve::snap;

namespace {

// A jittered lattice of n x n vertices, 50 m apart, every third edge bent.
Network lattice(int n, std::uint64_t seed) {
  tryggve::Rng rng(seed, 7);
  std::vector<Point> v;
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) v.push_back({x * 50.0 + rng.uniform(-10, 10), y * 50.0 + rng.uniform(-10, 10)});
  std::vector<Edge> edges;
  auto add = [&](VertexId a, VertexId b) {
    Edge e;
    e.from = a;
    e.to = b;
    e.geometry = {v[a]};
    if (edges.size() % 3 == 0)
      e.geometry.push_back({0.5 * (v[a].x + v[b].x) + rng.uniform(-8, 8), 0.5 * (v[a].y + v[b].y) + rng.uniform(-8, 8)});
    e.geometry.push_back(v[b]);
    e.length = tryggve::length(e.geometry);
    edges.push_back(std::move(e));
  };
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      const auto i = static_cast<VertexId>(y * n + x);
      if (x + 1 < n) add(i, i + 1);
      if (y + 1 < n) add(i, i + static_cast<VertexId>(n));
    }
  return Network(std::move(v), std::move(edges));
}

bool bit_equal(const SnapResult& a, const SnapResult& b) {
  return a.edge == b.edge && std::memcmp(&a.offset, &b.offset, sizeof(double)) == 0 &&
         std::memcmp(&a.distance, &b.distance, sizeof(double)) == 0 && a.point == b.point;
}

}  // namespace

TEST(Snapper, ResultsDoNotDependOnThreadCount) {
  const Network net = lattice(60, 3);
  const EdgeIndex idx(net);
  tryggve::Rng rng(11, 0);
  std::vector<Point> pts(200000);
  for (auto& p : pts) p = {rng.uniform(-100, 3100), rng.uniform(-100, 3100)};
  // Coincident points too.
  for (int i = 0; i < 1000; ++i) pts[2 * i + 1] = pts[2 * i];
  const SnapOptions opt{.max_distance_m = 20.0};
  std::vector<SnapResult> one, two;
  {
    tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 1);
    one = snap_all(idx, pts, opt);
  }
  {
    tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 2);
    two = snap_all(idx, pts, opt);
  }
  ASSERT_EQ(one.size(), pts.size());
  ASSERT_EQ(two.size(), pts.size());
  std::size_t found = 0;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    ASSERT_TRUE(bit_equal(one[i], two[i])) << "point " << i;
    found += one[i].found();
  }
  // Some but not all points are within 20 m of a street in a 50 m lattice.
  EXPECT_GT(found, pts.size() / 3);
  EXPECT_LT(found, pts.size());
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(bit_equal(one[2 * i], one[2 * i + 1]));
  // And each equals the single-point query.
  for (std::size_t i = 0; i < pts.size(); i += 997) EXPECT_TRUE(bit_equal(one[i], idx.nearest(pts[i], 20.0)));
}

TEST(Snapper, BadOptionsAreErrors) {
  const Network net = lattice(3, 1);
  const EdgeIndex idx(net);
  const std::vector<Point> pts{{0, 0}};
  EXPECT_THROW(snap_all(idx, pts, SnapOptions{.max_distance_m = -1}), tryggve::Error);
  EXPECT_THROW(snap_all(idx, pts, SnapOptions{.max_distance_m = NAN}), tryggve::Error);
}

TEST(Snapper, UnplaceableIncidentsGoToRejectsWithReasons) {
  // One street from (0,0) to (100,0).
  std::vector<Edge> edges(1);
  edges[0].from = 0;
  edges[0].to = 1;
  edges[0].geometry = {{0, 0}, {100, 0}};
  edges[0].length = 100;
  const Network net({{0, 0}, {100, 0}}, std::move(edges));
  const EdgeIndex idx(net);

  auto incident = [](std::int64_t row, Point p) {
    Incident i;
    i.id = 1000 + row;
    i.source_row = row;
    i.pos = p;
    i.category = "Skadegörelse";
    return i;
  };
  std::vector<Incident> in{
      incident(1, {50, 10}),        // placed: edge 0, offset 50, 10 m
      incident(2, {NAN, 5}),        // bad coordinate
      incident(3, {50, 10}),        // coincident with row 1: placed too
      incident(4, {50, 80}),        // 80 m from the street: too far, nearest within 10 x 30 m
      incident(5, {50, 900}),       // too far, no street within 300 m, but inside the margin
      incident(6, {50, 5000}),      // outside the map (4 km beyond the extent)
      incident(7, {-20, 0}),        // placed at the end of the street
      incident(8, {INFINITY, 0}),   // bad coordinate
  };
  RejectLog rejects;
  const SnapOptions opt{.max_distance_m = 30.0, .outside_margin_m = 1000.0};
  const SnappedIncidents out = snap_incidents(idx, std::move(in), opt, rejects, "incidents.csv");

  ASSERT_EQ(out.incidents.size(), 3u);
  ASSERT_EQ(out.snaps.size(), 3u);
  EXPECT_EQ(out.incidents[0].source_row, 1);
  EXPECT_EQ(out.incidents[1].source_row, 3);
  EXPECT_EQ(out.incidents[2].source_row, 7);
  EXPECT_EQ(out.snaps[0].edge, 0u);
  EXPECT_DOUBLE_EQ(out.snaps[0].offset, 50.0);
  EXPECT_DOUBLE_EQ(out.snaps[0].distance, 10.0);
  EXPECT_TRUE(bit_equal(out.snaps[0], out.snaps[1]));
  EXPECT_DOUBLE_EQ(out.snaps[2].offset, 0.0);
  EXPECT_DOUBLE_EQ(out.snaps[2].distance, 20.0);

  const auto& r = rejects.items();
  ASSERT_EQ(r.size(), 5u);  // nothing lost: 3 placed + 5 rejected = 8
  EXPECT_EQ(r[0].source_row, 2);
  EXPECT_EQ(r[0].reason, RejectReason::BadCoordinate);
  EXPECT_FALSE(r[0].has_pos);
  EXPECT_EQ(r[1].source_row, 4);
  EXPECT_EQ(r[1].reason, RejectReason::TooFarFromStreet);
  EXPECT_NE(r[1].detail.find("80.0 m from the nearest street"), std::string::npos) << r[1].detail;
  EXPECT_EQ(r[2].source_row, 5);
  EXPECT_EQ(r[2].reason, RejectReason::TooFarFromStreet);
  EXPECT_NE(r[2].detail.find("no street within 300 m"), std::string::npos) << r[2].detail;
  EXPECT_EQ(r[3].source_row, 6);
  EXPECT_EQ(r[3].reason, RejectReason::OutsideMap);
  EXPECT_NE(r[3].detail.find("5000 m outside"), std::string::npos) << r[3].detail;
  EXPECT_TRUE(r[3].has_pos);
  EXPECT_EQ(r[4].source_row, 8);
  EXPECT_EQ(r[4].reason, RejectReason::BadCoordinate);
  for (const auto& x : r) {
    EXPECT_EQ(x.file, "incidents.csv");
    EXPECT_NE(x.raw.find("Skadegörelse"), std::string::npos);
  }
}

TEST(Snapper, MarginNeverHidesASnappablePoint) {
  // With a maximum snap distance larger than the margin, a point within the
  // maximum of a street is placed even if it is outside extent + margin.
  std::vector<Edge> edges(1);
  edges[0].from = 0;
  edges[0].to = 1;
  edges[0].geometry = {{0, 0}, {100, 0}};
  edges[0].length = 100;
  const Network net({{0, 0}, {100, 0}}, std::move(edges));
  const EdgeIndex idx(net);
  Incident i;
  i.source_row = 1;
  i.pos = {50, 400};
  RejectLog rejects;
  const auto out = snap_incidents(idx, {i}, SnapOptions{.max_distance_m = 500, .outside_margin_m = 100}, rejects, "x");
  ASSERT_EQ(out.incidents.size(), 1u);
  EXPECT_DOUBLE_EQ(out.snaps[0].distance, 400.0);
  EXPECT_EQ(rejects.size(), 0u);
}
