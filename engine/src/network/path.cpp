#include "tryggve/network/path.hpp"

#include <algorithm>
#include <functional>
#include <queue>

namespace tryggve::network {

PathFinder::PathFinder(const Network& net)
    : net_(&net), dist_(net.vertex_count(), kUnreached), pred_edge_(net.vertex_count(), kNoEdge),
      stamp_(net.vertex_count(), 0) {}

namespace {

// The part of edge e's geometry from offset a to offset b, in that direction (a > b runs backwards).
Polyline along(const Network& net, EdgeId e, double a, double b) {
  if (a <= b) return substring(net.edge(e).geometry, a, b);
  Polyline p = substring(net.edge(e).geometry, b, a);
  std::reverse(p.begin(), p.end());
  return p;
}

void append(Polyline& out, const Polyline& part) {
  for (const auto& p : part)
    if (out.empty() || !(out.back() == p)) out.push_back(p);
}

}  // namespace

std::optional<Path> PathFinder::find(NetworkPosition from, NetworkPosition to, double max_length) {
  const Network& net = *net_;
  if (from.edge == kNoEdge || to.edge == kNoEdge || from.edge >= net.edge_count() || to.edge >= net.edge_count())
    return std::nullopt;
  const Edge& fe = net.edge(from.edge);
  const Edge& te = net.edge(to.edge);
  from.offset = std::clamp(from.offset, 0.0, fe.length);
  to.offset = std::clamp(to.offset, 0.0, te.length);

  if (++epoch_ == 0) {
    std::fill(stamp_.begin(), stamp_.end(), 0);
    epoch_ = 1;
  }
  auto dist = [&](VertexId v) { return stamp_[v] == epoch_ ? dist_[v] : kUnreached; };
  using Item = std::pair<double, VertexId>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
  auto seed = [&](VertexId v, double d) {
    if (d < dist(v)) {
      dist_[v] = d;
      stamp_[v] = epoch_;
      pred_edge_[v] = kNoEdge;
      heap.push({d, v});
    }
  };
  seed(fe.from, from.offset);
  seed(fe.to, fe.length - from.offset);

  // Best so far: straight along the shared edge when both lie on one.
  double best = kUnreached;
  bool direct = false;
  if (from.edge == to.edge) {
    best = std::abs(from.offset - to.offset);
    direct = true;
  }
  VertexId best_end = 0;
  auto consider = [&](VertexId v, double rest) {
    const double d = dist(v) + rest;
    if (d < best) {
      best = d;
      best_end = v;
      direct = false;
    }
  };
  const double limit = std::min(max_length, kUnreached);
  while (!heap.empty()) {
    const auto [d, v] = heap.top();
    heap.pop();
    if (d > dist(v)) continue;
    if (d >= best || d > limit) break;
    if (v == te.from) consider(v, to.offset);
    if (v == te.to) consider(v, te.length - to.offset);
    for (const Incidence& inc : net.incident(v)) {
      const double nd = d + net.edge(inc.edge).length;
      if (nd < dist(inc.other)) {
        dist_[inc.other] = nd;
        stamp_[inc.other] = epoch_;
        pred_edge_[inc.other] = inc.edge;
        heap.push({nd, inc.other});
      }
    }
  }
  if (!(best <= limit)) return std::nullopt;

  Path path;
  path.length = best;
  if (direct) {
    path.edges.push_back(from.edge);
    path.geometry = along(net, from.edge, from.offset, to.offset);
    return path;
  }
  // Walk back from the vertex where the path enters `to`'s edge.
  std::vector<std::pair<EdgeId, VertexId>> back;  // (edge, the vertex it leads to)
  VertexId v = best_end;
  while (pred_edge_[v] != kNoEdge) {
    const EdgeId e = pred_edge_[v];
    back.push_back({e, v});
    const Edge& ed = net.edge(e);
    v = ed.from == v ? ed.to : ed.from;
  }
  // v is where the path leaves `from`'s edge.
  path.edges.push_back(from.edge);
  append(path.geometry, along(net, from.edge, from.offset, v == fe.from ? 0.0 : fe.length));
  for (auto it = back.rbegin(); it != back.rend(); ++it) {
    const Edge& ed = net.edge(it->first);
    const bool forward = ed.to == it->second;
    path.edges.push_back(it->first);
    append(path.geometry, along(net, it->first, forward ? 0.0 : ed.length, forward ? ed.length : 0.0));
  }
  path.edges.push_back(to.edge);
  append(path.geometry, along(net, to.edge, best_end == te.from ? 0.0 : te.length, to.offset));
  if (path.geometry.size() == 1) path.geometry.push_back(path.geometry.front());
  return path;
}

}  // namespace tryggve::network
