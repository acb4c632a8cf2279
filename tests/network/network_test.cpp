#include <gtest/gtest.h>

#include "tryggve/core/error.hpp"
#include "tryggve/network/lixels.hpp"
#include "tryggve/network/network.hpp"

using namespace tryggve;
using namespace tryggve::network;

namespace {
// A "T" and a separate stick:
//
//   0 ---100--- 1 ---100--- 2        5 --30-- 6
//               |
//              50
//               |
//               3
Network tee_and_stick() {
  std::vector<Point> v{{0, 0}, {100, 0}, {200, 0}, {100, -50}, {999, 999}, {500, 0}, {530, 0}};
  auto mk = [&](VertexId a, VertexId b) {
    Edge e;
    e.from = a; e.to = b; e.geometry = {v[a], v[b]}; e.length = distance(v[a], v[b]);
    return e;
  };
  return Network(v, {mk(0, 1), mk(1, 2), mk(1, 3), mk(5, 6)});
}
}  // namespace

TEST(Network, AdjacencyAndComponents) {
  const auto net = tee_and_stick();
  EXPECT_EQ(net.degree(1), 3u);
  EXPECT_EQ(net.degree(0), 1u);
  EXPECT_EQ(net.degree(4), 0u);
  ASSERT_EQ(net.component_count(), 2u);  // the isolated vertex 4 is not a component
  EXPECT_EQ(net.component_edge_counts()[0], 3u);
  EXPECT_EQ(net.component_edge_counts()[1], 1u);
  EXPECT_DOUBLE_EQ(net.total_length(), 280.0);
  EXPECT_DOUBLE_EQ(net.component_lengths()[0], 250.0);
  const auto big = net.largest_component();
  EXPECT_EQ(big.edge_count(), 3u);
  EXPECT_EQ(big.vertex_count(), 4u);
  EXPECT_DOUBLE_EQ(big.total_length(), 250.0);
}

TEST(Lixels, EqualPiecesNearTarget) {
  const auto net = tee_and_stick();
  Lixelization lx(net, 20.0);
  EXPECT_EQ(lx.lixel_count(0), 5u);   // 100 m -> 5 x 20 m
  EXPECT_EQ(lx.lixel_count(2), 3u);   // 50 m -> round(2.5) = 3 (x 16.7 m)
  EXPECT_EQ(lx.lixel_count(3), 2u);   // 30 m -> round(1.5) = 2
  EXPECT_NEAR(lx[lx.first_lixel(2)].length(), 50.0 / 3, 1e-12);
  EXPECT_EQ(lx.lixel_at(0, 0.0), lx.first_lixel(0));
  EXPECT_EQ(lx.lixel_at(0, 39.9), lx.first_lixel(0) + 1);
  EXPECT_EQ(lx.lixel_at(0, 100.0), lx.first_lixel(0) + 4);
  EXPECT_DOUBLE_EQ(lx[lx.first_lixel(0)].mid.x, 10.0);
}

TEST(Lixels, ATinyLengthIsAnErrorNotAnOverflow) {
  Edge edge;
  edge.from = 0, edge.to = 1, edge.geometry = {{0, 0}, {1000, 0}}, edge.length = 1000;
  const Network net({{0, 0}, {1000, 0}}, {edge});
  try {
    Lixelization lix(net, 1e-7);  // 1e10 lixels: once an int overflow in the count
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::TooLarge);
    EXPECT_NE(std::string(e.what()).find("--lixel-length-m"), std::string::npos) << e.what();
  }
  EXPECT_EQ(Lixelization(net, 0.5).size(), 2000u);
}
