// Shortest paths with their geometry, checked against the distances of
// DistanceWorkspace (the same network, the same positions) and by hand.
#include <gtest/gtest.h>

#include "tryggve/core/rng.hpp"
#include "tryggve/network/distance.hpp"
#include "tryggve/network/path.hpp"

namespace tryggve::network {
namespace {

// An n x n lattice of 100 m blocks, vertex (i, j) at (100 i, 100 j), edges along rows then columns.
Network lattice(int n) {
  std::vector<Point> v;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) v.push_back({100.0 * i, 100.0 * j});
  std::vector<Edge> e;
  auto id = [&](int i, int j) { return static_cast<VertexId>(j * n + i); };
  auto add = [&](VertexId a, VertexId b) {
    Edge ed;
    ed.from = a;
    ed.to = b;
    ed.geometry = {v[a], v[b]};
    ed.length = 100.0;
    e.push_back(ed);
  };
  for (int j = 0; j < n; ++j)
    for (int i = 0; i + 1 < n; ++i) add(id(i, j), id(i + 1, j));
  for (int i = 0; i < n; ++i)
    for (int j = 0; j + 1 < n; ++j) add(id(i, j), id(i, j + 1));
  return Network(std::move(v), std::move(e));
}

TEST(PathFinder, ByHandOnALattice) {
  const Network net = lattice(3);
  PathFinder pf(net);
  // Edge 0 runs (0,0)-(100,0); edge 5 runs (100,200)-(200,200) (row 2, second edge).
  const auto p = pf.find({0, 30.0}, {5, 50.0});
  ASSERT_TRUE(p);
  // From (30,0) east to (100,0), north 200 m to (100,200), east to (150,200).
  EXPECT_DOUBLE_EQ(p->length, 70.0 + 200.0 + 50.0);
  EXPECT_EQ(p->geometry.front(), (Point{30, 0}));
  EXPECT_EQ(p->geometry.back(), (Point{150, 200}));
  EXPECT_NEAR(length(p->geometry), p->length, 1e-9);
  EXPECT_EQ(p->edges.front(), 0u);
  EXPECT_EQ(p->edges.back(), 5u);
  // Both on one edge: the stretch between them, backwards when to comes first.
  const auto q = pf.find({0, 80.0}, {0, 20.0});
  ASSERT_TRUE(q);
  EXPECT_DOUBLE_EQ(q->length, 60.0);
  EXPECT_EQ(q->geometry.front(), (Point{80, 0}));
  EXPECT_EQ(q->geometry.back(), (Point{20, 0}));
  // Out of reach.
  EXPECT_FALSE(pf.find({0, 30.0}, {5, 50.0}, 100.0));
  EXPECT_FALSE(pf.find({kNoEdge, 0.0}, {5, 50.0}));
}

TEST(PathFinder, LengthsEqualTheDistanceWorkspaceAndGeometriesTheirLengths) {
  const Network net = lattice(12);
  PathFinder pf(net);
  DistanceWorkspace dw(net);
  Rng rng(20250604);
  for (int k = 0; k < 300; ++k) {
    const NetworkPosition a{static_cast<EdgeId>(rng.below(net.edge_count())), rng.uniform(0, 100)};
    const NetworkPosition b{static_cast<EdgeId>(rng.below(net.edge_count())), rng.uniform(0, 100)};
    dw.run(a, kUnreached);
    const auto p = pf.find(a, b);
    ASSERT_TRUE(p);
    EXPECT_NEAR(p->length, dw.distance_to(b), 1e-9) << k;
    EXPECT_NEAR(length(p->geometry), p->length, 1e-6) << k;
    EXPECT_NEAR(distance(p->geometry.front(), net.point_at(a.edge, a.offset)), 0.0, 1e-9);
    EXPECT_NEAR(distance(p->geometry.back(), net.point_at(b.edge, b.offset)), 0.0, 1e-9);
  }
}

}  // namespace
}  // namespace tryggve::network
