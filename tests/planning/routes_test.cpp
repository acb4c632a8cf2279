// Walk routes: the only risky loop that fits is found; limits, closure and
// no-overlap hold on random grids.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "plan_fixture.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/planning/routes.hpp"

using namespace tryggve;
using namespace tryggve::planning;

namespace {

// The walk must be connected, start and end at the start vertex, and its length
// and risk must be what its edges say.
void check_walk(const network::Network& net, const Route& r, const std::vector<double>& prize, double limit) {
  ASSERT_EQ(r.vertices.size(), r.edges.size() + 1);
  EXPECT_EQ(r.vertices.front(), r.start);
  EXPECT_EQ(r.vertices.back(), r.start);
  double len = 0;
  for (std::size_t k = 0; k < r.edges.size(); ++k) {
    const auto& e = net.edge(r.edges[k]);
    const bool joins = (e.from == r.vertices[k] && e.to == r.vertices[k + 1]) ||
                       (e.to == r.vertices[k] && e.from == r.vertices[k + 1]);
    EXPECT_TRUE(joins) << "step " << k;
    len += e.length;
  }
  EXPECT_NEAR(len, r.length_m, 1e-6);
  EXPECT_LE(r.length_m, limit + 1e-6);
  std::set<network::EdgeId> distinct(r.edges.begin(), r.edges.end());
  double risk = 0;
  for (auto e : distinct) risk += prize[e];
  EXPECT_NEAR(risk, r.risk, 1e-9);
}

}  // namespace

TEST(Routes, TheOnlyRiskyLoopThatFits) {
  // Start S = vertex 0. A near square loop of 4 × 100 m (risk 1 per edge); a far
  // square (risk 3 per edge) at the end of a 500 m riskless path.
  //
  //   far square            path             near square
  //  [9]-[8]                                   [3]-[2]
  //   |   |                                     |   |
  //  [6]-[7] ──────────── 500 m ─────────────  [0]-[1]
  std::vector<Point> v = {{0, 0}, {100, 0}, {100, 100}, {0, 100}, {}, {}, {-500, 0}, {-400, 0}, {-400, 100}, {-500, 100}};
  v[4] = {-200, 0};
  v[5] = {-300, 0};
  const auto net = plantest::make_net(v, {{0, 1}, {1, 2}, {2, 3}, {3, 0},       // near square: edges 0-3
                                          {0, 4}, {4, 5}, {5, 7},                // the path: 200 + 100 + 100
                                          {7, 6}, {6, 9}, {9, 8}, {8, 7}});      // far square: edges 7-10
  std::vector<double> prize(net.edge_count(), 0.0);
  for (int e = 0; e < 4; ++e) prize[e] = 1.0;
  for (int e = 7; e < 11; ++e) prize[e] = 3.0;
  RouteOptions o;
  o.iterations = 50;
  o.seed = 3;
  // 500 m: only the near loop fits (the far square needs 400 + 2 × 400 m).
  Route r = plan_route(net, prize, 0, 500.0, {}, o);
  check_walk(net, r, prize, 500.0);
  EXPECT_NEAR(r.risk, 4.0, 1e-12);
  EXPECT_NEAR(r.length_m, 400.0, 1e-9);
  // 1,300 m: the far square (12) beats the near one (4); both need 1,600 m.
  r = plan_route(net, prize, 0, 1300.0, {}, o);
  check_walk(net, r, prize, 1300.0);
  EXPECT_NEAR(r.risk, 12.0, 1e-12);
  EXPECT_NEAR(r.length_m, 1200.0, 1e-9);
  // 1,600 m: both.
  r = plan_route(net, prize, 0, 1600.0, {}, o);
  check_walk(net, r, prize, 1600.0);
  EXPECT_NEAR(r.risk, 16.0, 1e-12);
  // 150 m: nothing fits a closed walk with risk; an empty walk, not a violation.
  r = plan_route(net, prize, 0, 150.0, {}, o);
  EXPECT_TRUE(r.edges.empty());
  EXPECT_EQ(r.length_m, 0.0);
}

TEST(Routes, TimeLimitUsesWalkingSpeed) {
  RouteOptions o;
  o.max_length_m = 10000;
  o.max_minutes = 45;
  o.walking_speed_kmh = 4.0;
  EXPECT_NEAR(o.limit_m(), 3000.0, 1e-9);
  o.max_length_m = 2000;
  EXPECT_NEAR(o.limit_m(), 2000.0, 1e-9);
}

TEST(Routes, RandomGridsKeepLimitsAndNeverShareEdges) {
  const auto net = plantest::grid(8, 100.0);
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    Rng rng(500 + seed);
    std::vector<double> prize(net.edge_count());
    for (auto& p : prize) p = rng.uniform() < 0.4 ? rng.uniform() * 5 : 0.01;
    RouteOptions o;
    o.max_length_m = rng.uniform(300.0, 3000.0);
    o.walkers = 1 + static_cast<int>(rng.below(3));
    o.iterations = 30;
    o.candidates = 40;
    o.seed = static_cast<std::int64_t>(seed);
    const network::VertexId start = static_cast<network::VertexId>(rng.below(net.vertex_count()));
    const auto routes = plan_routes(net, prize, {start}, o);
    ASSERT_EQ(static_cast<int>(routes.size()), o.walkers);
    std::set<network::EdgeId> used;
    for (const auto& r : routes) {
      check_walk(net, r, prize, o.max_length_m);
      for (auto e : std::set<network::EdgeId>(r.edges.begin(), r.edges.end()))
        EXPECT_TRUE(used.insert(e).second) << "seed " << seed << ": edge " << e << " on two routes";
    }
    // Every edge has some risk and the start's own edges fit: the first walker collects some.
    EXPECT_GT(routes[0].risk, 0.0) << "seed " << seed;
    // Same seed, same routes.
    const auto again = plan_routes(net, prize, {start}, o);
    for (std::size_t k = 0; k < routes.size(); ++k) EXPECT_EQ(again[k].edges, routes[k].edges);
  }
}

TEST(Routes, ParsePoints) {
  const auto p = parse_points(" 10.5, 20 ; 30,40", "t");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_DOUBLE_EQ(p[0].x, 10.5);
  EXPECT_DOUBLE_EQ(p[1].y, 40.0);
  EXPECT_TRUE(parse_points("", "t").empty());
  EXPECT_THROW(parse_points("10;20", "t"), Error);
  EXPECT_THROW(parse_points("1,2,3", "t"), Error);
}
