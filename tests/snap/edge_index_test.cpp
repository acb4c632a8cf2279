// Nearest-edge index: hand-drawn networks with answers worked out by hand, and
// random networks against an independent brute-force scan.
#include <gtest/gtest.h>

#include <cmath>

#include "chicago.hpp"
#include "test_data.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/snap/edge_index.hpp"

using tryggve::Point;
using tryggve::Polyline;
using namespace tryggve::network;
using tryggve::snap::EdgeIndex;
using tryggve::snap::SnapResult;

namespace {

// A network from polylines; vertices are the polylines' ends, merged when equal.
Network make_network(const std::vector<Polyline>& lines) {
  std::vector<Point> verts;
  auto vid = [&](Point p) {
    for (VertexId i = 0; i < verts.size(); ++i)
      if (verts[i] == p) return i;
    verts.push_back(p);
    return static_cast<VertexId>(verts.size() - 1);
  };
  std::vector<Edge> edges;
  for (const auto& l : lines) {
    Edge e;
    e.from = vid(l.front());
    e.to = vid(l.back());
    e.geometry = l;
    e.length = tryggve::length(l);
    edges.push_back(std::move(e));
  }
  return Network(std::move(verts), std::move(edges));
}

//   (0,200)                             edge 3: (0,200)-(30,240)-(130,240)
//      \__________
//
//   (0,100)? none      (100,100)
//                         |  edge 1
//   (0,0) ---edge 0--- (100,0) ---edge 2--- (200,0)   (edge 2 drawn from (200,0) to (100,0))
Network hand_network() {
  return make_network({
      {{0, 0}, {100, 0}},
      {{100, 0}, {100, 100}},
      {{200, 0}, {100, 0}},
      {{0, 200}, {30, 240}, {130, 240}},
  });
}

}  // namespace

TEST(EdgeIndex, PointOffTheMiddleOfAnEdge) {
  const Network net = hand_network();
  const EdgeIndex idx(net);
  const SnapResult r = idx.nearest({40, 5}, 50);
  ASSERT_TRUE(r.found());
  EXPECT_EQ(r.edge, 0u);
  EXPECT_DOUBLE_EQ(r.offset, 40.0);
  EXPECT_DOUBLE_EQ(r.distance, 5.0);
  EXPECT_EQ(r.point, (Point{40, 0}));
  // The offset runs from the edge's `from` vertex, whichever way it is drawn.
  const SnapResult r2 = idx.nearest({150, 3}, 50);
  EXPECT_EQ(r2.edge, 2u);
  EXPECT_DOUBLE_EQ(r2.offset, 50.0);
  EXPECT_DOUBLE_EQ(r2.distance, 3.0);
}

TEST(EdgeIndex, VertexSharedByThreeEdgesGoesToLowestEdgeId) {
  const Network net = hand_network();
  const EdgeIndex idx(net);
  // 10 below (100,0): 10 from edges 0, 1 and 2 alike, all at the shared vertex.
  const SnapResult r = idx.nearest({100, -10}, 50);
  ASSERT_TRUE(r.found());
  EXPECT_EQ(r.edge, 0u);
  EXPECT_DOUBLE_EQ(r.offset, 100.0);  // the vertex is edge 0's `to` end
  EXPECT_DOUBLE_EQ(r.distance, 10.0);
  EXPECT_EQ(r.point, (Point{100, 0}));
}

TEST(EdgeIndex, BeyondMaxDistanceIsNone) {
  const Network net = hand_network();
  const EdgeIndex idx(net);
  EXPECT_FALSE(idx.nearest({50, 170}, 20).found());  // 58 from edge 3, 86 from edge 1
  EXPECT_FALSE(idx.nearest({5000, 5000}, 100).found());
  EXPECT_FALSE(idx.nearest({NAN, 0}, 100).found());
  EXPECT_FALSE(idx.nearest({INFINITY, 0}, 100).found());
  // Exactly at the maximum counts.
  const SnapResult r = idx.nearest({40, -20}, 20);
  ASSERT_TRUE(r.found());
  EXPECT_EQ(r.edge, 0u);
  EXPECT_DOUBLE_EQ(r.distance, 20.0);
  // Far outside the network but within the maximum.
  const SnapResult far = idx.nearest({-300, 0}, 1000);
  ASSERT_TRUE(far.found());
  EXPECT_EQ(far.edge, 0u);
  EXPECT_DOUBLE_EQ(far.offset, 0.0);
  EXPECT_DOUBLE_EQ(far.distance, 300.0);
}

TEST(EdgeIndex, OffsetAccumulatesAlongPolylineSegments) {
  const Network net = hand_network();
  const EdgeIndex idx(net);
  // Edge 3: first segment (0,200)-(30,240) is 50 long, the second runs from x=30 to 130 at y=240.
  const SnapResult r = idx.nearest({80, 250}, 50);
  ASSERT_TRUE(r.found());
  EXPECT_EQ(r.edge, 3u);
  EXPECT_DOUBLE_EQ(r.offset, 100.0);  // 50 + 50
  EXPECT_DOUBLE_EQ(r.distance, 10.0);
  EXPECT_EQ(r.point, (Point{80, 240}));
  // On the inner vertex: both segments give offset 50 at distance 0.
  const SnapResult v = idx.nearest({30, 240}, 1);
  EXPECT_EQ(v.edge, 3u);
  EXPECT_DOUBLE_EQ(v.offset, 50.0);
  EXPECT_EQ(v.distance, 0.0);
}

TEST(EdgeIndex, PointExactlyOnTheLine) {
  const Network net = hand_network();
  const EdgeIndex idx(net);
  const SnapResult r = idx.nearest({60, 0}, 0.0);
  ASSERT_TRUE(r.found());
  EXPECT_EQ(r.edge, 0u);
  EXPECT_EQ(r.distance, 0.0);
  EXPECT_DOUBLE_EQ(r.offset, 60.0);
  const SnapResult mid = idx.nearest({15, 220}, 0.0);  // middle of edge 3's first segment
  ASSERT_TRUE(mid.found());
  EXPECT_EQ(mid.edge, 3u);
  EXPECT_NEAR(mid.offset, 25.0, 1e-12);
  EXPECT_NEAR(mid.distance, 0.0, 1e-12);
}

TEST(EdgeIndex, EmptyNetworkFindsNothing) {
  const Network net;
  const EdgeIndex idx(net);
  EXPECT_EQ(idx.segment_count(), 0u);
  EXPECT_FALSE(idx.nearest({0, 0}, 1e9).found());
}

namespace {

// The brute force the index must equal: every segment, same distance kernel,
// strict order (distance, edge, offset).
SnapResult brute_force(const Network& net, Point p, double max_d) {
  SnapResult best;
  double best_d2 = INFINITY;
  for (EdgeId e = 0; e < net.edge_count(); ++e) {
    const auto& g = net.edge(e).geometry;
    double start = 0.0;
    for (std::size_t i = 0; i + 1 < g.size(); ++i) {
      const auto hit = tryggve::snap::closest_on_segment_exact(p, g[i], g[i + 1]);
      // Offsets: accumulated segment lengths, the last segment ending at the edge's length.
      const double len = std::hypot(g[i + 1].x - g[i].x, g[i + 1].y - g[i].y), L = net.edge(e).length;
      const double end = i + 2 == g.size() ? L : std::min(start + len, L);
      const double off = hit.t <= 0.0 ? std::min(start, L) : hit.t >= 1.0 ? end : std::min(start + hit.t * len, end);
      const bool better = hit.dist2 < best_d2 || (hit.dist2 == best_d2 && (e < best.edge || (e == best.edge && off < best.offset)));
      if (better) {
        best_d2 = hit.dist2;
        best.edge = e;
        best.offset = off;
        best.distance = std::sqrt(hit.dist2);
        best.point = hit.point;
      }
      start += std::hypot(g[i + 1].x - g[i].x, g[i + 1].y - g[i].y);
    }
  }
  if (!(best.distance <= max_d)) return {};
  return best;
}

void expect_same(const SnapResult& a, const SnapResult& b, Point p) {
  ASSERT_EQ(a.found(), b.found()) << "at " << p.x << "," << p.y;
  if (!a.found()) return;
  ASSERT_EQ(a.edge, b.edge) << "at " << p.x << "," << p.y;
  ASSERT_EQ(a.distance, b.distance) << "at " << p.x << "," << p.y;
  ASSERT_EQ(a.offset, b.offset) << "at " << p.x << "," << p.y;
  ASSERT_EQ(a.point, b.point);
}

}  // namespace

TEST(EdgeIndex, RandomNetworkEqualsBruteForce) {
  tryggve::Rng rng(20240611, 1);
  // Random streets in a 2 km square, a third of them bent polylines, in a
  // non-trivial CRS position (SWEREF99-like coordinates) so rounding is realistic.
  const double ox = 319000, oy = 6400000;
  std::vector<Polyline> lines;
  for (int i = 0; i < 400; ++i) {
    Point a{ox + rng.uniform(0, 2000), oy + rng.uniform(0, 2000)};
    Polyline l{a};
    const int parts = i % 3 == 0 ? 1 + static_cast<int>(rng.below(4)) : 1;
    for (int k = 0; k < parts; ++k) {
      const double len = rng.uniform(5, 150), ang = rng.uniform(0, 2 * M_PI);
      l.push_back({l.back().x + len * std::cos(ang), l.back().y + len * std::sin(ang)});
    }
    lines.push_back(l);
  }
  const Network net = make_network(lines);
  for (double cell : {0.0, 7.0, 400.0}) {
    const EdgeIndex idx(net, cell);
    for (int i = 0; i < 2000; ++i) {
      const Point p{ox + rng.uniform(-300, 2300), oy + rng.uniform(-300, 2300)};
      const double max_d = i % 2 ? 40.0 : 1e9;
      const SnapResult expect = brute_force(net, p, max_d);
      expect_same(idx.nearest(p, max_d), expect, p);
      expect_same(idx.nearest_brute_force(p, max_d), expect, p);
    }
  }
}

TEST(EdgeIndex, IntegerLatticeTiesEqualBruteForce) {
  // A 10 m lattice queried at lattice and half-lattice points: many exact ties
  // between edges, all of which must go to the lowest edge id and offset.
  std::vector<Polyline> lines;
  for (int y = 0; y <= 8; ++y)
    for (int x = 0; x < 8; ++x) lines.push_back({{x * 10.0, y * 10.0}, {x * 10.0 + 10, y * 10.0}});
  for (int x = 0; x <= 8; ++x)
    for (int y = 8; y > 0; --y) lines.push_back({{x * 10.0, y * 10.0}, {x * 10.0, y * 10.0 - 10}});
  const Network net = make_network(lines);
  const EdgeIndex idx(net);
  for (int i = -4; i <= 20; ++i)
    for (int j = -4; j <= 20; ++j) {
      const Point p{i * 5.0, j * 5.0};
      expect_same(idx.nearest(p, 1e9), brute_force(net, p, 1e9), p);
      expect_same(idx.nearest(p, 5.0), brute_force(net, p, 5.0), p);
    }
}

TEST(EdgeIndex, ChicagoCrimesLieOnTheNetwork) {
  TRYGGVE_REQUIRE_SHARED("incidents/chicago_spatstat/chicago_crimes.csv");
  const auto d = tryggve::test::load_chicago();
  ASSERT_EQ(d.crime_points.size(), 116u);
  const EdgeIndex idx(d.net);
  for (std::size_t i = 0; i < d.crime_points.size(); ++i) {
    const SnapResult r = idx.nearest(d.crime_points[i], 1e-6);  // feet
    ASSERT_TRUE(r.found()) << "crime " << i;
    EXPECT_LE(r.distance, 1e-6);
    // Same place as the fixture's own brute force (edges may tie at a vertex:
    // then the network position must still be the same point).
    const Point a = d.net.point_at(r.edge, r.offset), b = d.net.point_at(d.crimes[i].edge, d.crimes[i].offset);
    EXPECT_LE(tryggve::distance(a, b), 1e-6) << "crime " << i;
    if (r.edge == d.crimes[i].edge) {
      EXPECT_NEAR(r.offset, d.crimes[i].offset, 1e-6);
    }
  }
}
