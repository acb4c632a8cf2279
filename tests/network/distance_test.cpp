#include <gtest/gtest.h>

#include "tryggve/network/distance.hpp"

using namespace tryggve;
using namespace tryggve::network;

namespace {
// A square with a tail, unit-free:
//
//   3 ----100---- 2
//   |             |
//  100           100
//   |             |
//   0 ----100---- 1 ---50--- 4
Network square_with_tail() {
  std::vector<Point> v{{0, 0}, {100, 0}, {100, 100}, {0, 100}, {150, 0}};
  auto mk = [&](VertexId a, VertexId b) {
    Edge e;
    e.from = a; e.to = b; e.geometry = {v[a], v[b]}; e.length = distance(v[a], v[b]);
    return e;
  };
  return Network(v, {mk(0, 1), mk(1, 2), mk(2, 3), mk(3, 0), mk(1, 4)});
}
}  // namespace

TEST(DistanceWorkspace, FromPositionByHand) {
  const auto net = square_with_tail();
  DistanceWorkspace ws(net);
  ws.run({0, 30.0}, 1e9);  // 30 along edge 0 (0 -> 1)
  EXPECT_DOUBLE_EQ(ws.vertex_distance(0), 30.0);
  EXPECT_DOUBLE_EQ(ws.vertex_distance(1), 70.0);
  EXPECT_DOUBLE_EQ(ws.vertex_distance(4), 120.0);
  EXPECT_DOUBLE_EQ(ws.vertex_distance(2), 170.0);
  EXPECT_DOUBLE_EQ(ws.vertex_distance(3), 130.0);
  // Same edge: the direct stretch, not around the square.
  EXPECT_DOUBLE_EQ(ws.distance_to({0, 80.0}), 50.0);
  // Edge 2 runs 2 -> 3; offset 10 is 10 from vertex 2 and 90 from vertex 3.
  EXPECT_DOUBLE_EQ(ws.distance_to({2, 10.0}), 180.0);
  EXPECT_DOUBLE_EQ(ws.distance_to({2, 90.0}), 140.0);
}

TEST(DistanceWorkspace, CutoffAndReuse) {
  const auto net = square_with_tail();
  DistanceWorkspace ws(net);
  ws.run({0, 30.0}, 100.0);
  EXPECT_EQ(ws.vertex_distance(2), kUnreached);
  EXPECT_EQ(ws.reached().size(), 2u);  // vertices 0 (30) and 1 (70)
  ws.run_from_vertex(4, 60.0);
  EXPECT_DOUBLE_EQ(ws.vertex_distance(1), 50.0);
  EXPECT_EQ(ws.vertex_distance(0), kUnreached);  // stale value from the previous run is not seen
}
