#pragma once
// Walk routes for safety walks and adults outdoors: a closed walk on the network
// from a start point, within a length (or time) limit, that passes the most
// evening risk — the orienteering problem (NP-hard), solved heuristically:
//
//  1. prizes: each edge's forecast severity-weighted risk in the walk windows
//     (planning/context.hpp); an edge's prize counts once however often it is walked;
//  2. targets: the `candidates` richest edges that fit a there-and-back loop alone;
//     network distances between their ends by Dijkstra (never through a forbidden edge);
//  3. greedy insertion by prize per added metre, 2-opt on the order (edges may be
//     walked either way), then a randomised ruin-and-recreate search (remove a few
//     targets, re-insert greedily, keep the better) with a fixed seed;
//  4. the walk is the shortest paths between consecutive targets; its risk is
//     counted exactly over the distinct edges walked.
// Several walkers: routes are planned one after the other and an edge one walker
// uses is forbidden to the next, so no two routes share an edge (they may meet at
// a vertex, e.g. the common start). The limit is never exceeded.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tryggve/core/options.hpp"
#include "tryggve/network/network.hpp"
#include "tryggve/planning/context.hpp"

namespace tryggve::planning {

struct RouteOptions {
  double max_length_m = 3000.0;
  double max_minutes = 0.0;            // > 0: the limit is max_minutes at walking_speed_kmh (the shorter wins)
  double walking_speed_kmh = 4.0;
  std::string windows = "daily 18-23";
  int walkers = 1;
  std::string starts;                  // "x,y; x,y" in the run's CRS, one per walker (the last repeats);
                                       // empty: each walker at the riskiest street still free
  int candidates = 120;
  int iterations = 300;
  std::int64_t seed = 0;
  void declare(OptionSet& o);
  double limit_m() const;
};

struct Route {
  int walker = 0;
  network::VertexId start = 0;
  std::vector<network::EdgeId> edges;  // in walking order
  std::vector<network::VertexId> vertices;  // the walk's vertices, start first and last
  double length_m = 0.0;
  double risk = 0.0;                   // over the distinct edges walked
  double risk_share = 0.0;             // of the whole network's risk in the windows
};

// One route from `start` within `limit_m`, avoiding `forbidden` edges (may be
// empty). Deterministic for a seed and stream.
Route plan_route(const network::Network& net, const std::vector<double>& edge_prize, network::VertexId start,
                 double limit_m, const std::vector<char>& forbidden, const RouteOptions& options,
                 std::uint64_t stream = 0);

// Routes for every walker, no shared edges: walker k starts at starts[min(k, size-1)],
// or, without starts, at the end of the riskiest street no earlier walker uses.
std::vector<Route> plan_routes(const network::Network& net, const std::vector<double>& edge_prize,
                               const std::vector<network::VertexId>& starts, const RouteOptions& options);

struct RoutePlan {
  std::string month;
  std::vector<Route> routes;
  std::vector<double> edge_risk;       // per edge
  double total_risk = 0.0;
  double limit_m = 0.0;
};

// Parses "x,y; x,y" (Error(BadOption, "routes.starts") on a bad pair).
std::vector<Point> parse_points(const std::string& text, const std::string& where);
network::VertexId nearest_vertex(const network::Network& net, Point p);

RoutePlan plan_walks(const PlanningContext& ctx, const RouteOptions& options);

std::string routes_csv(const RoutePlan& plan, const network::Network& net);
nlohmann::json to_json(const RoutePlan& plan, const RouteOptions& options, const network::Network& net);

}  // namespace tryggve::planning
