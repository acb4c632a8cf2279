#include "tryggve/network/distance.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace tryggve::network {

namespace {
constexpr auto kHeapCmp = std::greater<std::pair<double, VertexId>>{};
}

DistanceWorkspace::DistanceWorkspace(const Network& net)
    : net_(&net), dist_(net.vertex_count(), kUnreached), stamp_(net.vertex_count(), 0) {}

void DistanceWorkspace::run(NetworkPosition source, double cutoff) {
  if (++epoch_ == 0) {  // wrapped: clear stamps once every 4 billion runs
    std::fill(stamp_.begin(), stamp_.end(), 0);
    epoch_ = 1;
  }
  source_ = source;
  from_vertex_ = false;
  reached_.clear();
  heap_.clear();
  const Edge& e = net_->edge(source.edge);
  const double off = std::clamp(source.offset, 0.0, e.length);
  auto seed = [&](VertexId v, double d) {
    if (d > cutoff) return;
    if (stamp_[v] != epoch_ || d < dist_[v]) {
      stamp_[v] = epoch_;
      dist_[v] = d;
      heap_.emplace_back(d, v);
      std::push_heap(heap_.begin(), heap_.end(), kHeapCmp);
    }
  };
  seed(e.from, off);
  seed(e.to, e.length - off);
  relax_from_heap(cutoff);
}

void DistanceWorkspace::run_from_vertex(VertexId v, double cutoff) {
  if (++epoch_ == 0) {
    std::fill(stamp_.begin(), stamp_.end(), 0);
    epoch_ = 1;
  }
  from_vertex_ = true;
  source_ = {};
  reached_.clear();
  heap_.clear();
  stamp_[v] = epoch_;
  dist_[v] = 0.0;
  heap_.emplace_back(0.0, v);
  relax_from_heap(cutoff);
}

void DistanceWorkspace::relax_from_heap(double cutoff) {
  // Lazy deletion: a popped entry whose distance is stale is skipped. A vertex is
  // settled when popped with its current distance.
  while (!heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end(), kHeapCmp);
    const auto [d, v] = heap_.back();
    heap_.pop_back();
    if (d > dist_[v]) continue;
    reached_.push_back(v);
    for (const Incidence& inc : net_->incident(v)) {
      const double nd = d + net_->edge(inc.edge).length;
      if (nd > cutoff) continue;
      const VertexId w = inc.other;
      if (stamp_[w] != epoch_ || nd < dist_[w]) {
        stamp_[w] = epoch_;
        dist_[w] = nd;
        heap_.emplace_back(nd, w);
        std::push_heap(heap_.begin(), heap_.end(), kHeapCmp);
      }
    }
  }
}

double DistanceWorkspace::distance_to(NetworkPosition p) const {
  const Edge& e = net_->edge(p.edge);
  const double off = std::clamp(p.offset, 0.0, e.length);
  double best = std::min(vertex_distance(e.from) + off, vertex_distance(e.to) + (e.length - off));
  if (!from_vertex_ && p.edge == source_.edge) best = std::min(best, std::abs(off - source_.offset));
  return best;
}

}  // namespace tryggve::network
