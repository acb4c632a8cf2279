// build_network on tiny hand-drawn networks whose answers are worked out by
// hand in the comments (coordinates in metres, y up).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include "chicago.hpp"
#include "test_data.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/network/builder.hpp"

using namespace tryggve;
using namespace tryggve::network;

namespace {

StreetLine L(std::int64_t id, Polyline g, std::string name = {}, std::string highway = {}) {
  StreetLine s;
  s.source_id = id;
  s.geometry = std::move(g);
  s.name = std::move(name);
  s.highway = std::move(highway);
  return s;
}

// The edge joining the vertices at a and b (either direction), or kNoEdge.
EdgeId edge_between(const Network& net, Point a, Point b) {
  for (EdgeId e = 0; e < net.edge_count(); ++e) {
    const Point f = net.vertex(net.edge(e).from), t = net.vertex(net.edge(e).to);
    if ((f == a && t == b) || (f == b && t == a)) return e;
  }
  return kNoEdge;
}

std::vector<double> sorted_lengths(const Network& net) {
  std::vector<double> out;
  for (const auto& e : net.edges()) out.push_back(e.length);
  std::sort(out.begin(), out.end());
  return out;
}

// Every edge's geometry runs from its `from` vertex to its `to` vertex and its
// length is the length of its geometry.
void expect_consistent(const Network& net) {
  for (EdgeId e = 0; e < net.edge_count(); ++e) {
    const auto& E = net.edge(e);
    ASSERT_GE(E.geometry.size(), 2u) << "edge " << e;
    EXPECT_EQ(E.geometry.front(), net.vertex(E.from)) << "edge " << e;
    EXPECT_EQ(E.geometry.back(), net.vertex(E.to)) << "edge " << e;
    EXPECT_NEAR(E.length, length(E.geometry), 1e-9 * (1 + E.length)) << "edge " << e;
    EXPECT_GT(E.length, 0.0) << "edge " << e;
  }
}

BuildOptions with(Noding n) {
  BuildOptions o;
  o.noding = n;
  return o;
}

}  // namespace

// A cross whose two lines share the middle vertex (OSM style):
//
//                 (0,70)
//                   |
//                   70
//                   |
//   (-30,0) --30-- (0,0) ------50------ (50,0)
//                   |
//                   20
//                 (0,-20)
TEST(Builder, CrossWithSharedVertexGivesFourEdges) {
  std::vector<StreetLine> lines{L(1, {{-30, 0}, {0, 0}, {50, 0}}), L(2, {{0, -20}, {0, 0}, {0, 70}})};
  BuildReport r;
  const auto net = build_network(lines, {}, &r);
  expect_consistent(net);
  ASSERT_EQ(net.edge_count(), 4u);
  EXPECT_EQ(net.vertex_count(), 5u);
  EXPECT_EQ(sorted_lengths(net), (std::vector<double>{20, 30, 50, 70}));
  // Numbered along the input: line 1's pieces, then line 2's.
  EXPECT_DOUBLE_EQ(net.edge(0).length, 30);
  EXPECT_DOUBLE_EQ(net.edge(1).length, 50);
  EXPECT_DOUBLE_EQ(net.edge(2).length, 20);
  EXPECT_DOUBLE_EQ(net.edge(3).length, 70);
  EXPECT_EQ(net.vertex(1), (Point{0, 0}));
  EXPECT_EQ(net.degree(1), 4u);
  EXPECT_EQ(r.split_points, 2u);
  EXPECT_EQ(r.components, 1u);
  EXPECT_DOUBLE_EQ(r.total_length, 170);
  EXPECT_EQ(r.input_lines, 2u);
  EXPECT_EQ(r.edges_out, 4u);
  EXPECT_EQ(r.vertices_out, 5u);
}

// The same cross drawn without a vertex at the crossing (a bridge in OSM, or a
// GIS layer without topology):
//
//                 (0,70)
//                   |
//   (-30,0) --------+---------- (50,0)        shared_vertices: 2 edges, 2 components
//                   |                         full: 4 edges meeting at a new vertex (0,0)
//                 (0,-20)
TEST(Builder, CrossingWithoutSharedVertexDependsOnNoding) {
  std::vector<StreetLine> lines{L(1, {{-30, 0}, {50, 0}}), L(2, {{0, -20}, {0, 70}})};
  BuildReport r;
  const auto shared = build_network(lines, with(Noding::SharedVertices), &r);
  EXPECT_EQ(shared.edge_count(), 2u);
  EXPECT_EQ(shared.vertex_count(), 4u);
  EXPECT_EQ(r.components, 2u);
  EXPECT_EQ(r.split_points, 0u);

  const auto full = build_network(lines, with(Noding::Full), &r);
  expect_consistent(full);
  ASSERT_EQ(full.edge_count(), 4u);
  EXPECT_EQ(full.vertex_count(), 5u);
  EXPECT_EQ(sorted_lengths(full), (std::vector<double>{20, 30, 50, 70}));
  EXPECT_EQ(r.components, 1u);
  EXPECT_EQ(r.crossings_added, 1u);
  EXPECT_EQ(r.split_points, 2u);
  EXPECT_EQ(r.input_parts, 4u);  // GEOS's noded pieces
  const EdgeId e = edge_between(full, {-30, 0}, {0, 0});
  ASSERT_NE(e, kNoEdge);
  EXPECT_EQ(full.edge(e).source_id, 1);
  EXPECT_EQ(full.degree(full.edge(e).to), 4u);
}

// Diagonals crossing at a point that is no input vertex:
//
//   (0,10)   (10,10)
//       \     /
//        (5,5)        each piece 5*sqrt(2) long
//       /     \.
//   (0,0)    (10,0)
TEST(Builder, FullNodingDiagonalCrossing) {
  std::vector<StreetLine> lines{L(1, {{0, 0}, {10, 10}}), L(2, {{0, 10}, {10, 0}})};
  LineIndex index;
  const auto net = build_network(lines, with(Noding::Full), nullptr, &index);
  expect_consistent(net);
  ASSERT_EQ(net.edge_count(), 4u);
  for (const auto& e : net.edges()) EXPECT_NEAR(e.length, 5 * std::sqrt(2.0), 1e-12);
  // Each line's pieces keep its direction: line 1 runs (0,0) -> (5,5) -> (10,10).
  EXPECT_EQ(net.vertex(net.edge(0).from), (Point{0, 0}));
  EXPECT_NEAR(net.vertex(net.edge(0).to).x, 5.0, 1e-12);
  EXPECT_EQ(net.vertex(net.edge(1).to), (Point{10, 10}));
  // 10 m along line 1 is 10 - 5*sqrt(2) into its second piece.
  const auto pos = index.locate(0, 10.0, net);
  EXPECT_EQ(pos.edge, 1u);
  EXPECT_NEAR(pos.offset, 10.0 - 5 * std::sqrt(2.0), 1e-9);
}

// T-junction: line 2 ends on an interior vertex of line 1.
//
//                (50,40)
//                   |
//                  40
//                   |
//   (0,0) ---50--- (50,0) ---50--- (100,0)
TEST(Builder, TJunctionAtInteriorVertex) {
  std::vector<StreetLine> lines{L(1, {{0, 0}, {50, 0}, {100, 0}}), L(2, {{50, 0}, {50, 40}})};
  BuildReport r;
  const auto net = build_network(lines, {}, &r);
  expect_consistent(net);
  ASSERT_EQ(net.edge_count(), 3u);
  EXPECT_EQ(net.vertex_count(), 4u);
  EXPECT_EQ(sorted_lengths(net), (std::vector<double>{40, 50, 50}));
  EXPECT_EQ(r.split_points, 1u);
  EXPECT_EQ(r.components, 1u);
  const EdgeId stem = edge_between(net, {50, 0}, {50, 40});
  ASSERT_NE(stem, kNoEdge);
  EXPECT_EQ(net.degree(net.edge(stem).from), 3u);

  // Without the vertex at (50,0) only full noding finds the junction.
  std::vector<StreetLine> bare{L(1, {{0, 0}, {100, 0}}), L(2, {{50, 0}, {50, 40}})};
  EXPECT_EQ(build_network(bare, with(Noding::SharedVertices)).component_count(), 2u);
  const auto full = build_network(bare, with(Noding::Full), &r);
  EXPECT_EQ(full.edge_count(), 3u);
  EXPECT_EQ(full.component_count(), 1u);
  EXPECT_EQ(r.crossings_added, 0u);  // (50,0) was line 2's vertex already
}

// Duplicates: the same way three times (once reversed) and a different route
// between the same two ends, which is kept (a multi-edge, not a duplicate).
//
//   (0,0) ---- (10,0) ---- (20,5)       x3 (second one drawn from (20,5))
//   (0,0) ---- (10,3) ---- (20,5)       kept
TEST(Builder, DuplicatesMergedEitherDirection) {
  std::vector<StreetLine> lines{L(1, {{0, 0}, {10, 0}, {20, 5}}, "a"), L(2, {{20, 5}, {10, 0}, {0, 0}}, "b"),
                                L(3, {{0, 0}, {10, 0}, {20, 5}}, "c"), L(4, {{0, 0}, {10, 3}, {20, 5}}, "d")};
  BuildReport r;
  LineIndex index;
  const auto net = build_network(lines, {}, &r, &index);
  expect_consistent(net);
  ASSERT_EQ(net.edge_count(), 2u);
  EXPECT_EQ(net.vertex_count(), 2u);  // overlapping copies do not split at (10,0)
  EXPECT_EQ(r.duplicates_merged, 2u);
  EXPECT_EQ(r.split_points, 0u);
  EXPECT_EQ(net.edge(0).name, "a");  // the first one is kept
  EXPECT_EQ(net.edge(1).name, "d");
  EXPECT_DOUBLE_EQ(net.edge(0).length, 10 + std::hypot(10, 5));
  // The merged lines still find their place: 10 m along line 2 (drawn backwards).
  const auto pos = index.locate(1, 10.0, net);
  EXPECT_EQ(pos.edge, 0u);
  EXPECT_TRUE(index.pieces(1)[0].reversed);
  EXPECT_NEAR(pos.offset, net.edge(0).length - 10.0, 1e-12);
}

// Lines that overlap for part of their length are merged on the overlap in
// full mode:   A (0,0) ------------ (100,0)
//              B            (50,0) ------------ (150,0)
TEST(Builder, PartialOverlapMergedInFullMode) {
  std::vector<StreetLine> lines{L(1, {{0, 0}, {100, 0}}), L(2, {{50, 0}, {150, 0}})};
  BuildReport r;
  const auto net = build_network(lines, with(Noding::Full), &r);
  expect_consistent(net);
  ASSERT_EQ(net.edge_count(), 3u);
  EXPECT_EQ(net.vertex_count(), 4u);
  EXPECT_EQ(r.duplicates_merged, 1u);
  EXPECT_DOUBLE_EQ(net.total_length(), 150.0);
  EXPECT_EQ(sorted_lengths(net), (std::vector<double>{50, 50, 50}));
}

TEST(Builder, ZeroLengthAndRepeatedPointsDropped) {
  std::vector<StreetLine> lines{L(1, {{5, 5}, {5, 5}}), L(2, {{7, 7}}), L(3, {}),
                                L(4, {{0, 0}, {0, 0}, {10, 0}, {10, 0}})};
  BuildReport r;
  LineIndex index;
  const auto net = build_network(lines, {}, &r, &index);
  ASSERT_EQ(net.edge_count(), 1u);
  EXPECT_EQ(net.edge(0).geometry.size(), 2u);
  EXPECT_EQ(net.edge(0).source_id, 4);
  EXPECT_EQ(r.zero_length_dropped, 3u);
  EXPECT_EQ(r.repeated_points_removed, 3u);  // one in line 1, two in line 4
  EXPECT_EQ(r.input_points, 7u);
  EXPECT_EQ(index.locate(0, 0.0, net).edge, kNoEdge);
}

// A closed ring (a loop road) is one self-loop of its full length:
//
//   (0,10) ---- (10,10)
//     |            |
//   (0,0) ----- (10,0)       40 m, starting and ending at (0,0)
TEST(Builder, ClosedRingIsOneSelfLoop) {
  std::vector<StreetLine> lines{L(1, {{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}})};
  BuildReport r;
  const auto net = build_network(lines, {}, &r);
  expect_consistent(net);
  ASSERT_EQ(net.edge_count(), 1u);
  EXPECT_EQ(net.vertex_count(), 1u);
  EXPECT_EQ(net.edge(0).from, net.edge(0).to);
  EXPECT_DOUBLE_EQ(net.edge(0).length, 40);
  EXPECT_EQ(r.self_loops, 1u);
  EXPECT_EQ(net.degree(0), 2u);

  // With a stub at (10,0) the ring splits there: 10 m + 30 m, and no self-loop.
  lines.push_back(L(2, {{10, 0}, {20, 0}}));
  const auto net2 = build_network(lines, {}, &r);
  expect_consistent(net2);
  EXPECT_EQ(net2.edge_count(), 3u);
  EXPECT_EQ(net2.vertex_count(), 3u);
  EXPECT_EQ(sorted_lengths(net2), (std::vector<double>{10, 10, 30}));
  EXPECT_EQ(r.self_loops, 0u);
}

// A lollipop way passes through B twice:
//
//                 D (15,10)
//                /   \.
//   A (0,0) -- B (10,0) -- C (20,0)      A B C D B: stick A-B and loop B-C-D-B
TEST(Builder, LollipopSplitsWhereTheWayMeetsItself) {
  std::vector<StreetLine> lines{L(1, {{0, 0}, {10, 0}, {20, 0}, {15, 10}, {10, 0}})};
  BuildReport r;
  const auto net = build_network(lines, {}, &r);
  expect_consistent(net);
  ASSERT_EQ(net.edge_count(), 2u);
  EXPECT_DOUBLE_EQ(net.edge(0).length, 10);
  EXPECT_DOUBLE_EQ(net.edge(1).length, 10 + 2 * std::hypot(5, 10));
  EXPECT_EQ(net.edge(1).from, net.edge(1).to);
  EXPECT_EQ(r.self_loops, 1u);
}

// Two components:   (0,0) --100-- (100,0) --100-- (200,0)      and    (500,0) --30-- (530,0)
TEST(Builder, KeepLargestComponent) {
  std::vector<StreetLine> lines{L(1, {{500, 0}, {530, 0}}), L(2, {{0, 0}, {100, 0}}), L(3, {{100, 0}, {200, 0}})};
  BuildReport r;
  LineIndex index;
  BuildOptions o;
  const auto all = build_network(lines, o, &r);
  EXPECT_EQ(all.edge_count(), 3u);
  EXPECT_EQ(r.components, 2u);
  EXPECT_FALSE(r.kept_largest_only);

  o.largest_component_only = true;
  const auto net = build_network(lines, o, &r, &index);
  ASSERT_EQ(net.edge_count(), 2u);
  EXPECT_EQ(net.vertex_count(), 3u);
  EXPECT_EQ(net.component_count(), 1u);
  EXPECT_EQ(r.components, 2u);
  EXPECT_EQ(r.largest_component_edges, 2u);
  EXPECT_DOUBLE_EQ(r.largest_component_length, 200);
  EXPECT_EQ(r.other_components_edges, 1u);
  EXPECT_DOUBLE_EQ(r.other_components_length, 30);
  EXPECT_TRUE(r.kept_largest_only);
  EXPECT_DOUBLE_EQ(r.total_length, 200);
  EXPECT_EQ(r.edges_out, 2u);
  // The removed line locates nowhere; the kept ones are renumbered.
  EXPECT_EQ(index.locate(0, 10, net).edge, kNoEdge);
  EXPECT_EQ(index.locate(2, 10, net).edge, 1u);
  EXPECT_NE(r.summary().find("(removed)"), std::string::npos);
}

TEST(Builder, AttributesCarriedToThePieces) {
  auto a = L(11, {{-30, 0}, {0, 0}, {50, 0}}, "Storgatan", "residential");
  a.lit = Lit::Yes;
  auto b = L(22, {{0, -20}, {0, 0}, {0, 70}}, "Tunnelbanegången", "footway");
  b.lit = Lit::No;
  b.tunnel = true;
  const auto net = build_network({a, b}, {});
  ASSERT_EQ(net.edge_count(), 4u);
  for (EdgeId e : {0u, 1u}) {
    EXPECT_EQ(net.edge(e).source_id, 11);
    EXPECT_EQ(net.edge(e).name, "Storgatan");
    EXPECT_EQ(net.edge(e).highway, "residential");
    EXPECT_EQ(net.edge(e).lit, Lit::Yes);
    EXPECT_FALSE(net.edge(e).tunnel);
  }
  for (EdgeId e : {2u, 3u}) {
    EXPECT_EQ(net.edge(e).source_id, 22);
    EXPECT_EQ(net.edge(e).name, "Tunnelbanegången");
    EXPECT_EQ(net.edge(e).highway, "footway");
    EXPECT_EQ(net.edge(e).lit, Lit::No);
    EXPECT_TRUE(net.edge(e).tunnel);
  }
}

// Offsets along an input line map to the right piece:
//
//                      (30,40) ------70------ (100,40)
//                         |       \.
//                         40       line 2 ends at (30,40): a node
//                         |
//   (0,0) -----30----- (30,0)
//
// Line 1 is 140 m long: pieces [0,70] and [70,140].
TEST(Builder, OffsetsMapToTheRightPiece) {
  std::vector<StreetLine> lines{L(1, {{0, 0}, {30, 0}, {30, 40}, {100, 40}}), L(2, {{30, 40}, {0, 80}}),
                                L(3, {{100, 40}, {30, 40}, {30, 0}, {0, 0}})};  // line 1 drawn backwards
  LineIndex index;
  const auto net = build_network(lines, {}, nullptr, &index);
  ASSERT_EQ(net.edge_count(), 3u);
  ASSERT_EQ(index.pieces(0).size(), 2u);
  EXPECT_DOUBLE_EQ(index.pieces(0)[1].start, 70);
  auto p = index.locate(0, 50, net);
  EXPECT_EQ(p.edge, 0u);
  EXPECT_DOUBLE_EQ(p.offset, 50);
  EXPECT_EQ(net.point_at(p.edge, p.offset), (Point{30, 20}));
  p = index.locate(0, 100, net);
  EXPECT_EQ(p.edge, 1u);
  EXPECT_DOUBLE_EQ(p.offset, 30);
  EXPECT_EQ(net.point_at(p.edge, p.offset), (Point{60, 40}));
  // 10 m along the backwards copy is (90,40): 60 m along edge 1.
  p = index.locate(2, 10, net);
  EXPECT_EQ(p.edge, 1u);
  EXPECT_DOUBLE_EQ(p.offset, 60);
  // Every offset of every line lands on the same point as on the line itself.
  for (std::size_t i = 0; i < lines.size(); ++i)
    for (double d = 0; d <= length(lines[i].geometry); d += 2.5) {
      const auto q = index.locate(i, d, net);
      const Point a = net.point_at(q.edge, q.offset), b = interpolate(lines[i].geometry, d);
      EXPECT_NEAR(a.x, b.x, 1e-9) << "line " << i << " at " << d;
      EXPECT_NEAR(a.y, b.y, 1e-9) << "line " << i << " at " << d;
    }
}

// Sloppy ends: line 2 starts 0.5 mm from line 1's end, line 3 ends 0.6 mm from
// line 1's interior vertex (10,0).
//
//   (0,0) ---- (10,0) ---- (20,0)  (20.0004,0.0003) ---- (30,0)
//                 .
//            (10,0.0006)
//                 |
//              (10,-10)
TEST(Builder, NodeToleranceSnapsLineEnds) {
  std::vector<StreetLine> lines{L(1, {{0, 0}, {10, 0}, {20, 0}}), L(2, {{20.0004, 0.0003}, {30, 0}}),
                                L(3, {{10, -10}, {10, 0.0006}})};
  BuildReport r;
  EXPECT_EQ(build_network(lines, {}, &r).component_count(), 3u);
  BuildOptions o;
  o.node_tolerance_m = 0.001;
  const auto net = build_network(lines, o, &r);
  expect_consistent(net);
  EXPECT_EQ(net.component_count(), 1u);
  EXPECT_EQ(net.edge_count(), 4u);
  EXPECT_EQ(net.vertex_count(), 5u);
  EXPECT_EQ(r.snapped_vertices, 2u);
  EXPECT_EQ(net.edge(2).geometry.front(), (Point{20, 0}));  // line 2 moved, not line 1
  // Interior vertices do not move: two parallel lines 0.5 mm apart stay two.
  std::vector<StreetLine> parallel{L(1, {{0, 0}, {10, 0}, {20, 0}}), L(2, {{0, 50}, {10, 0.0005}, {20, 50}})};
  EXPECT_EQ(build_network(parallel, o).vertex_count(), 4u);
  o.node_tolerance_m = -1;
  EXPECT_THROW(build_network(lines, o), Error);
}

TEST(Builder, BadInputIsAnErrorNamingTheLine) {
  std::vector<StreetLine> lines{L(1, {{0, 0}, {1, 1}}), L(42, {{0, 0}, {NAN, 1}})};
  try {
    build_network(lines, {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadCoordinate);
    EXPECT_NE(e.where().find("source id 42"), std::string::npos) << e.what();
  }
  try {
    build_network({L(1, {{3, 3}})}, {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::EmptyNetwork);
  }
  EXPECT_EQ(parse_noding("full"), Noding::Full);
  EXPECT_THROW(parse_noding("some"), Error);
}

// `none`: lines are edges already; an interior vertex shared by two lines does
// not split them.
TEST(Builder, NoNodingKeepsLinesWhole) {
  std::vector<StreetLine> lines{L(1, {{-30, 0}, {0, 0}, {50, 0}}), L(2, {{0, -20}, {0, 0}, {0, 70}})};
  const auto net = build_network(lines, with(Noding::None));
  EXPECT_EQ(net.edge_count(), 2u);
  EXPECT_EQ(net.vertex_count(), 4u);
}

// spatstat's chicago segments built with noding `none` give spatstat's linnet:
// 338 vertices, 503 edges, and the same ids as the test fixture.
TEST(Builder, ChicagoSegmentsGiveSpatstatsNetwork) {
  TRYGGVE_REQUIRE_SHARED("incidents/chicago_spatstat/chicago_network_segments.csv");
  std::ifstream in(test::shared_data() / "incidents/chicago_spatstat/chicago_network_segments.csv");
  std::string row;
  std::getline(in, row);
  std::vector<StreetLine> lines;
  while (std::getline(in, row)) {
    if (row.empty()) continue;
    const auto f = test::detail::split_csv_line(row);
    lines.push_back(L(std::stoll(f[0]), {{std::stod(f[1]), std::stod(f[2])}, {std::stod(f[3]), std::stod(f[4])}}));
  }
  BuildReport r;
  const auto net = build_network(lines, with(Noding::None), &r);
  EXPECT_EQ(net.vertex_count(), 338u);
  EXPECT_EQ(net.edge_count(), 503u);
  EXPECT_EQ(r.duplicates_merged, 0u);
  EXPECT_EQ(r.zero_length_dropped, 0u);
  EXPECT_EQ(r.components, 1u);
  const auto fixture = test::load_chicago();
  ASSERT_EQ(fixture.net.vertex_count(), net.vertex_count());
  for (VertexId v = 0; v < net.vertex_count(); ++v) EXPECT_EQ(net.vertex(v), fixture.net.vertex(v));
  for (EdgeId e = 0; e < net.edge_count(); ++e) {
    EXPECT_EQ(net.edge(e).from, fixture.net.edge(e).from);
    EXPECT_EQ(net.edge(e).to, fixture.net.edge(e).to);
  }
  EXPECT_NEAR(net.total_length(), fixture.net.total_length(), 1e-6);
  // Segments share only their ends, so shared-vertex noding changes nothing.
  EXPECT_EQ(build_network(lines, with(Noding::SharedVertices)).edge_count(), 503u);
}

namespace {
// An n x n grid of 100 m blocks drawn as whole streets: n rows and n columns,
// every row crossing every column at a shared vertex; 2 n (n - 1) edges.
std::vector<StreetLine> grid_streets(int n, bool vertices_at_crossings) {
  std::vector<StreetLine> lines;
  for (int r = 0; r < n; ++r) {
    Polyline row, col;
    for (int k = 0; k < n; ++k) {
      if (!vertices_at_crossings && k != 0 && k != n - 1) continue;
      row.push_back({100.0 * k, 100.0 * r});
      col.push_back({100.0 * r, 100.0 * k});
    }
    lines.push_back(L(2 * r, row));
    lines.push_back(L(2 * r + 1, col));
  }
  return lines;
}
}  // namespace

TEST(Builder, GridCountsAndSameIdsAtAnyThreadCount) {
  const int n = 224;  // 99,904 edges: a city-sized network
  const auto lines = grid_streets(n, true);
  BuildReport r1, r2;
  Network a, b;
  {
    tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
    a = build_network(lines, {}, &r1);
  }
  {
    tbb::global_control two(tbb::global_control::max_allowed_parallelism, 2);
    b = build_network(lines, {}, &r2);
  }
  EXPECT_EQ(a.edge_count(), 2u * n * (n - 1));
  EXPECT_EQ(a.vertex_count(), static_cast<std::size_t>(n) * n);
  EXPECT_EQ(r1.components, 1u);
  EXPECT_NEAR(a.total_length(), 100.0 * 2 * n * (n - 1), 1e-6);
  ASSERT_EQ(a.edge_count(), b.edge_count());
  ASSERT_EQ(a.vertices(), b.vertices());
  for (EdgeId e = 0; e < a.edge_count(); ++e) {
    ASSERT_EQ(a.edge(e).from, b.edge(e).from);
    ASSERT_EQ(a.edge(e).to, b.edge(e).to);
    ASSERT_EQ(a.edge(e).geometry, b.edge(e).geometry);
  }
  std::printf("[ figures  ] %zu-edge grid, shared_vertices: %.3f s\n", a.edge_count(), r1.seconds);
}

// The same grid drawn with no vertex at the crossings: GEOS must find all of them.
TEST(Builder, GridFullNodingFindsEveryCrossing) {
  const int n = 60;
  BuildReport r;
  const auto net = build_network(grid_streets(n, false), with(Noding::Full), &r);
  EXPECT_EQ(net.edge_count(), 2u * n * (n - 1));
  EXPECT_EQ(net.vertex_count(), static_cast<std::size_t>(n) * n);
  EXPECT_EQ(r.crossings_added, static_cast<std::size_t>(n - 2) * (n - 2));  // border crossings are line ends
  EXPECT_EQ(r.components, 1u);
  EXPECT_NEAR(net.total_length(), 100.0 * 2 * n * (n - 1), 1e-6);
  for (const auto& e : net.edges()) ASSERT_NEAR(e.length, 100.0, 1e-9);
  // And with vertices at the crossings, full noding agrees with shared_vertices.
  const auto same = build_network(grid_streets(n, true), with(Noding::Full));
  EXPECT_EQ(same.edge_count(), net.edge_count());
  std::printf("[ figures  ] %zu-edge grid, full: %.3f s (GEOS %.3f s)\n", net.edge_count(), r.seconds,
              r.noding_seconds);
}
