#include "tryggve/planning/routes.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <queue>
#include <unordered_map>

#include <fmt/format.h>

#include "tryggve/core/csv.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/rng.hpp"

namespace tryggve::planning {

using network::EdgeId;
using network::VertexId;

void RouteOptions::declare(OptionSet& o) {
  o.real("max_length_m", max_length_m, "Longest walk (closed, back to the start)", 50.0, 100000.0);
  o.real("max_minutes", max_minutes, "Longest walk in minutes at the walking speed (0: length only)", 0.0, 1440.0);
  o.real("walking_speed_kmh", walking_speed_kmh, "Walking speed for the time limit", 1.0, 10.0);
  o.text("windows", windows, "Hours whose risk the walk should pass, e.g. 'daily 18-23' or 'fri,sat 19-24'");
  o.integer("walkers", walkers, "Number of walkers or groups; their routes share no edge", 1, 100);
  o.text("starts", starts, "Start points 'x,y; x,y' in the run's CRS, one per walker (default: the riskiest street)");
  o.integer("candidates", candidates, "Riskiest edges considered as targets per walker", 2, 2000);
  o.integer("iterations", iterations, "Ruin-and-recreate iterations of the local search", 0, 100000);
  o.integer("seed", seed, "Seed for the local search (0: TRYGGVE_SEED or the default)", 0);
}

double RouteOptions::limit_m() const {
  double l = max_length_m;
  if (max_minutes > 0) l = std::min(l, max_minutes / 60.0 * walking_speed_kmh * 1000.0);
  return l;
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Dijkstra over the edges not forbidden, with the predecessor edge for paths.
struct Tree {
  std::vector<double> dist;
  std::vector<EdgeId> pred;
};

Tree dijkstra(const network::Network& net, VertexId s, double cutoff, const std::vector<char>& forbidden) {
  Tree t;
  t.dist.assign(net.vertex_count(), kInf);
  t.pred.assign(net.vertex_count(), network::kNoEdge);
  using QE = std::pair<double, VertexId>;
  std::priority_queue<QE, std::vector<QE>, std::greater<>> q;
  t.dist[s] = 0.0;
  q.push({0.0, s});
  while (!q.empty()) {
    const auto [d, v] = q.top();
    q.pop();
    if (d > t.dist[v]) continue;
    for (const auto& inc : net.incident(v)) {
      if (!forbidden.empty() && forbidden[inc.edge]) continue;
      const double nd = d + net.edge(inc.edge).length;
      if (nd > cutoff || nd >= t.dist[inc.other]) continue;
      t.dist[inc.other] = nd;
      t.pred[inc.other] = inc.edge;
      q.push({nd, inc.other});
    }
  }
  return t;
}

struct Target {
  EdgeId edge;
  int a, b;  // terminal indices of from / to
  double len, prize;
};

struct Visit {
  int target;
  bool forward;  // walked from -> to
};

struct Solver {
  const std::vector<Target>& targets;
  const std::vector<std::vector<double>>& D;  // terminal x terminal
  double limit;
  int start_terminal = 0;

  int entry(const Visit& v) const { return v.forward ? targets[v.target].a : targets[v.target].b; }
  int exit(const Visit& v) const { return v.forward ? targets[v.target].b : targets[v.target].a; }
  double length(const std::vector<Visit>& r) const {
    double l = 0.0;
    int at = start_terminal;
    for (const auto& v : r) {
      l += D[at][entry(v)] + targets[v.target].len;
      at = exit(v);
    }
    return l + D[at][start_terminal];
  }
  double prize(const std::vector<Visit>& r) const {
    double p = 0.0;
    for (const auto& v : r) p += targets[v.target].prize;
    return p;
  }
  // Greedy insertion by prize per added metre until nothing fits.
  void insert_all(std::vector<Visit>& r, std::vector<char>& used) const {
    double len = length(r);
    for (;;) {
      double best_ratio = -1.0, best_len = 0.0;
      std::size_t best_pos = 0;
      Visit best{-1, true};
      for (std::size_t t = 0; t < targets.size(); ++t) {
        if (used[t]) continue;
        for (std::size_t pos = 0; pos <= r.size(); ++pos) {
          const int before = pos == 0 ? start_terminal : exit(r[pos - 1]);
          const int after = pos == r.size() ? start_terminal : entry(r[pos]);
          for (bool fwd : {true, false}) {
            const Visit v{static_cast<int>(t), fwd};
            const double delta = D[before][entry(v)] + targets[t].len + D[exit(v)][after] - D[before][after];
            if (!std::isfinite(delta) || len + delta > limit + 1e-9) continue;
            const double ratio = targets[t].prize / std::max(delta, 1e-6);
            if (ratio > best_ratio) { best_ratio = ratio; best = v; best_pos = pos; best_len = len + delta; }
          }
        }
      }
      if (best.target < 0) return;
      r.insert(r.begin() + static_cast<std::ptrdiff_t>(best_pos), best);
      used[best.target] = 1;
      len = best_len;
    }
  }
  // 2-opt (reverse a stretch, walking its edges the other way) and single flips.
  void improve(std::vector<Visit>& r) const {
    double len = length(r);
    for (bool better = true; better;) {
      better = false;
      for (std::size_t i = 0; i < r.size(); ++i) {
        r[i].forward = !r[i].forward;
        const double l = length(r);
        if (l < len - 1e-9) { len = l; better = true; }
        else r[i].forward = !r[i].forward;
      }
      for (std::size_t i = 0; i + 1 < r.size(); ++i)
        for (std::size_t j = i + 1; j < r.size(); ++j) {
          std::reverse(r.begin() + static_cast<std::ptrdiff_t>(i), r.begin() + static_cast<std::ptrdiff_t>(j) + 1);
          for (std::size_t k = i; k <= j; ++k) r[k].forward = !r[k].forward;
          const double l = length(r);
          if (l < len - 1e-9) { len = l; better = true; continue; }
          for (std::size_t k = i; k <= j; ++k) r[k].forward = !r[k].forward;
          std::reverse(r.begin() + static_cast<std::ptrdiff_t>(i), r.begin() + static_cast<std::ptrdiff_t>(j) + 1);
        }
    }
  }
};

}  // namespace

Route plan_route(const network::Network& net, const std::vector<double>& prize, VertexId start, double limit,
                 const std::vector<char>& forbidden, const RouteOptions& o, std::uint64_t stream) {
  Route route;
  route.start = start;
  route.vertices = {start};
  const Tree t0 = dijkstra(net, start, limit, forbidden);
  // Targets: edges that fit a there-and-back loop on their own, richest first.
  std::vector<EdgeId> cand;
  for (EdgeId e = 0; e < net.edge_count(); ++e) {
    if (prize[e] <= 0 || (!forbidden.empty() && forbidden[e])) continue;
    const auto& ed = net.edge(e);
    if (t0.dist[ed.from] + ed.length + t0.dist[ed.to] <= limit + 1e-9) cand.push_back(e);
  }
  std::stable_sort(cand.begin(), cand.end(), [&](EdgeId a, EdgeId b) { return prize[a] > prize[b]; });
  if (static_cast<int>(cand.size()) > o.candidates) cand.resize(static_cast<std::size_t>(o.candidates));
  if (cand.empty()) return route;

  std::vector<VertexId> terminals{start};
  std::unordered_map<VertexId, int> index{{start, 0}};
  auto term = [&](VertexId v) {
    const auto [it, fresh] = index.emplace(v, static_cast<int>(terminals.size()));
    if (fresh) terminals.push_back(v);
    return it->second;
  };
  std::vector<Target> targets;
  for (EdgeId e : cand) {
    const auto& ed = net.edge(e);
    targets.push_back({e, term(ed.from), term(ed.to), ed.length, prize[e]});
  }
  std::vector<Tree> trees(terminals.size());
  std::vector<std::vector<double>> D(terminals.size(), std::vector<double>(terminals.size(), kInf));
  for (std::size_t i = 0; i < terminals.size(); ++i) {
    trees[i] = i == 0 ? t0 : dijkstra(net, terminals[i], limit, forbidden);
    for (std::size_t j = 0; j < terminals.size(); ++j) D[i][j] = trees[i].dist[terminals[j]];
  }
  Solver S{targets, D, limit, 0};
  std::vector<Visit> best;
  std::vector<char> used(targets.size(), 0);
  S.insert_all(best, used);
  S.improve(best);
  S.insert_all(best, used);
  double best_prize = S.prize(best), best_len = S.length(best);
  Rng rng(o.seed ? static_cast<std::uint64_t>(o.seed) : default_seed(), 0x200C7Eu + stream);
  for (int it = 0; it < o.iterations && !best.empty(); ++it) {
    std::vector<Visit> r = best;
    std::vector<char> u(targets.size(), 0);
    // Ruin: a few targets most of the time, now and then the whole route, so the
    // search can leave a cheap nearby loop for a richer one farther away.
    const std::size_t remove = rng.uniform() < 0.2 ? r.size() : 1 + rng.below(std::min<std::size_t>(3, r.size()));
    for (std::size_t k = 0; k < remove && !r.empty(); ++k) r.erase(r.begin() + static_cast<std::ptrdiff_t>(rng.below(r.size())));
    for (const auto& v : r) u[v.target] = 1;
    // Forbid re-inserting what was just removed in this round's first pass, so the
    // search actually moves; a second pass may bring them back.
    std::vector<char> u2 = u;
    for (const auto& v : best) u2[v.target] = 1;
    S.improve(r);
    S.insert_all(r, u2);
    for (const auto& v : r) u[v.target] = 1;
    S.insert_all(r, u);
    S.improve(r);
    S.insert_all(r, u);
    const double p = S.prize(r), l = S.length(r);
    if (p > best_prize + 1e-12 || (std::abs(p - best_prize) <= 1e-12 && l < best_len - 1e-9)) {
      best = std::move(r);
      best_prize = p;
      best_len = l;
    }
  }
  // The walk: shortest paths between consecutive targets.
  auto walk_to = [&](int from_terminal, int to_terminal) {
    std::vector<EdgeId> path;
    const Tree& tr = trees[from_terminal];
    VertexId v = terminals[to_terminal];
    while (v != terminals[from_terminal]) {
      const EdgeId e = tr.pred[v];
      path.push_back(e);
      const auto& ed = net.edge(e);
      v = ed.from == v ? ed.to : ed.from;
    }
    std::reverse(path.begin(), path.end());
    for (EdgeId e : path) {
      const auto& ed = net.edge(e);
      const VertexId last = route.vertices.back();
      route.vertices.push_back(ed.from == last ? ed.to : ed.from);
      route.edges.push_back(e);
      route.length_m += ed.length;
    }
  };
  int at = 0;
  for (const auto& v : best) {
    walk_to(at, S.entry(v));
    const auto& tg = targets[v.target];
    route.edges.push_back(tg.edge);
    route.vertices.push_back(terminals[S.exit(v)]);
    route.length_m += tg.len;
    at = S.exit(v);
  }
  walk_to(at, 0);
  std::vector<EdgeId> distinct = route.edges;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  for (EdgeId e : distinct) route.risk += prize[e];
  return route;
}

std::vector<Route> plan_routes(const network::Network& net, const std::vector<double>& prize,
                               const std::vector<VertexId>& starts, const RouteOptions& o) {
  std::vector<char> forbidden(net.edge_count(), 0);
  std::vector<Route> out;
  for (int k = 0; k < o.walkers; ++k) {
    VertexId s = 0;
    if (!starts.empty()) {
      s = starts[std::min<std::size_t>(static_cast<std::size_t>(k), starts.size() - 1)];
    } else {
      // No start given: the riskiest street no earlier walker uses.
      double best = -1.0;
      for (EdgeId e = 0; e < net.edge_count(); ++e)
        if (!forbidden[e] && prize[e] > best) { best = prize[e]; s = net.edge(e).from; }
      if (best < 0) throw Error(ErrorCode::BadOption, "routes.walkers", "no street left for another walker");
    }
    Route r = plan_route(net, prize, s, o.limit_m(), forbidden, o, static_cast<std::uint64_t>(k));
    r.walker = k + 1;
    for (EdgeId e : r.edges) forbidden[e] = 1;
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<Point> parse_points(const std::string& text, const std::string& where) {
  std::vector<Point> out;
  std::size_t i = 0;
  while (i <= text.size()) {
    const std::size_t j = std::min(text.find(';', i), text.size());
    const std::string part = text.substr(i, j - i);
    i = j + 1;
    if (part.find_first_not_of(" \t") == std::string::npos) continue;
    double x = 0, y = 0;
    char extra = 0;
    if (std::sscanf(part.c_str(), " %lf , %lf %c", &x, &y, &extra) != 2 || !std::isfinite(x) || !std::isfinite(y))
      throw Error(ErrorCode::BadOption, where, fmt::format("'{}' is not a point x,y", part));
    out.push_back({x, y});
  }
  return out;
}

VertexId nearest_vertex(const network::Network& net, Point p) {
  VertexId best = 0;
  double bd = kInf;
  for (VertexId v = 0; v < net.vertex_count(); ++v) {
    if (net.degree(v) == 0) continue;
    const double d = distance(net.vertex(v), p);
    if (d < bd) { bd = d; best = v; }
  }
  return best;
}

RoutePlan plan_walks(const PlanningContext& ctx, const RouteOptions& o) {
  const auto windows = parse_windows(o.windows, "routes.windows");
  const auto& net = ctx.network();
  const auto& cells = ctx.cells();
  RoutePlan plan;
  plan.month = month_label(ctx.forecast_first_month());
  plan.limit_m = o.limit_m();
  HourFilter f;
  f.weight = [windows](const simulation::HourInfo& h) { return in_windows(windows, h.hour_of_week) ? 1.0 : 0.0; };
  const auto F = ctx.forecast(ctx.forecast_first_month(), 1, f);
  plan.edge_risk.assign(net.edge_count(), 0.0);
  for (std::size_t p = 0; p < F.size(); ++p) {
    const double w = ctx.traits()[p].severity_weight;
    for (CellId c = 0; c < cells.size(); ++c) plan.edge_risk[cells.cell(c).edge] += w * F[p][c];
  }
  for (double r : plan.edge_risk) plan.total_risk += r;
  std::vector<VertexId> starts;
  for (const Point& p : parse_points(o.starts, "routes.starts")) starts.push_back(nearest_vertex(net, p));
  plan.routes = plan_routes(net, plan.edge_risk, starts, o);
  for (auto& r : plan.routes) r.risk_share = plan.total_risk > 0 ? r.risk / plan.total_risk : 0.0;
  return plan;
}

std::string routes_csv(const RoutePlan& plan, const network::Network& net) {
  std::string s = "walker,step,edge_id,street,length_m,risk,start_x,start_y\n";
  std::vector<char> counted(net.edge_count(), 0);
  for (const auto& r : plan.routes)
    for (std::size_t k = 0; k < r.edges.size(); ++k) {
      const auto& e = net.edge(r.edges[k]);
      const Point p = net.vertex(r.vertices[k]);
      const std::string name = csv_field(e.name);
      const double risk = counted[r.edges[k]] ? 0.0 : plan.edge_risk[r.edges[k]];
      counted[r.edges[k]] = 1;
      s += fmt::format("{},{},{},{},{:.1f},{:.5f},{:.2f},{:.2f}\n", r.walker, k + 1, r.edges[k], name, e.length, risk,
                       p.x, p.y);
    }
  return s;
}

nlohmann::json to_json(const RoutePlan& plan, const RouteOptions& o, const network::Network& net) {
  nlohmann::json j;
  j["month"] = plan.month;
  j["windows"] = o.windows;
  j["limit_m"] = plan.limit_m;
  j["network_risk_in_windows"] = plan.total_risk;
  auto& arr = j["routes"] = nlohmann::json::array();
  for (const auto& r : plan.routes) {
    const Point s = net.vertex(r.start);
    arr.push_back({{"walker", r.walker}, {"start", {s.x, s.y}}, {"length_m", r.length_m}, {"edges", r.edges.size()},
                   {"risk", r.risk}, {"risk_share", r.risk_share}});
  }
  return j;
}

}  // namespace tryggve::planning
