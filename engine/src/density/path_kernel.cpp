#include "path_kernel.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tryggve::density {

using network::EdgeId;
using network::NetworkPosition;

TargetSet TargetSet::lixel_midpoints(const network::Network& net, const network::Lixelization& lix) {
  TargetSet t;
  t.first_.resize(net.edge_count() + 1);
  t.offset_.reserve(lix.size());
  t.slot_.reserve(lix.size());
  for (EdgeId e = 0; e < net.edge_count(); ++e) {
    t.first_[e] = static_cast<std::uint32_t>(t.slot_.size());
    for (auto i = lix.first_lixel(e); i < lix.first_lixel(e + 1); ++i) {
      t.offset_.push_back(lix[i].mid_offset());
      t.slot_.push_back(i);
    }
  }
  t.first_[net.edge_count()] = static_cast<std::uint32_t>(t.slot_.size());
  return t;
}

TargetSet TargetSet::positions(const network::Network& net, std::span<const NetworkPosition> at) {
  // Counting sort by edge; within an edge, by offset (ties by slot, so the order
  // never depends on anything but the input).
  TargetSet t;
  t.first_.assign(net.edge_count() + 1, 0);
  for (const auto& p : at) ++t.first_[p.edge + 1];
  std::partial_sum(t.first_.begin(), t.first_.end(), t.first_.begin());
  std::vector<std::uint32_t> order(at.size());
  std::vector<std::uint32_t> fill(t.first_.begin(), t.first_.end() - 1);
  for (std::uint32_t i = 0; i < at.size(); ++i) order[fill[at[i].edge]++] = i;
  t.offset_.resize(at.size());
  t.slot_.resize(at.size());
  for (EdgeId e = 0; e < net.edge_count(); ++e) {
    auto b = order.begin() + t.first_[e], en = order.begin() + t.first_[e + 1];
    std::sort(b, en, [&](std::uint32_t a, std::uint32_t c) {
      return at[a].offset != at[c].offset ? at[a].offset < at[c].offset : a < c;
    });
  }
  const auto clamp_off = [&](std::uint32_t i) {
    return std::clamp(at[i].offset, 0.0, net.edge(at[i].edge).length);
  };
  for (std::uint32_t k = 0; k < at.size(); ++k) {
    t.slot_[k] = order[k];
    t.offset_[k] = clamp_off(order[k]);
  }
  return t;
}

PathSpreader::PathSpreader(const network::Network& net, const TargetSet& targets)
    : net_(&net), targets_(&targets), ws_(net), edge_stamp_(net.edge_count(), 0) {}

// Adds w * K(base + distance from the given end) to the targets on edge e.
void PathSpreader::deposit(EdgeId e, bool from_end, double base, double w, const KernelFunction& k,
                           std::span<double> out, std::uint32_t exclude) const {
  const double len = net_->edge(e).length;
  const double reach = k.support() - base;
  if (reach <= 0.0) return;
  const std::uint32_t b = targets_->first(e), en = targets_->first(e + 1);
  if (from_end) {
    for (std::uint32_t i = b; i < en; ++i) {
      const double d = targets_->offset(i);
      if (d >= reach) break;  // sorted by offset: the rest are farther
      const std::uint32_t s = targets_->slot(i);
      if (s != exclude) out[s] += w * k(base + d);
    }
  } else {
    for (std::uint32_t i = en; i > b; --i) {
      const double d = len - targets_->offset(i - 1);
      if (d >= reach) break;
      const std::uint32_t s = targets_->slot(i - 1);
      if (s != exclude) out[s] += w * k(base + d);
    }
  }
}

void PathSpreader::spread(NetworkPosition src, double weight, const KernelFunction& k, PathRule rule,
                          double epsilon, std::span<double> out, std::uint32_t exclude) {
  if (rule == PathRule::Simple) return spread_simple(src, weight, k, out, exclude);
  const auto& net = *net_;
  const auto& se = net.edge(src.edge);
  const double off = std::clamp(src.offset, 0.0, se.length);
  last_paths_ = 0;

  // The event's own edge: the plain 1-D kernel, both directions.
  {
    const std::uint32_t b = targets_->first(src.edge), en = targets_->first(src.edge + 1);
    for (std::uint32_t i = b; i < en; ++i) {
      const std::uint32_t s = targets_->slot(i);
      if (s != exclude) out[s] += weight * k(targets_->offset(i) - off);
    }
  }
  // A path is expanded at its vertex only while the mass it can still carry,
  // |w| * tail(distance), is at least epsilon (and it is within the support):
  // exactly spatstat's densityEqualSplit pruning, so results can be compared.
  const auto alive = [&](double dist, double w) {
    return dist < k.support() && std::abs(w) * k.tail(dist) >= epsilon;
  };
  stack_.clear();
  if (alive(off, weight)) stack_.push_back({src.edge, se.from, true, off, weight});
  if (alive(se.length - off, weight)) stack_.push_back({src.edge, se.to, false, se.length - off, weight});

  const bool continuous = rule == PathRule::Continuous;
  while (!stack_.empty()) {
    const Entry h = stack_.back();
    stack_.pop_back();
    ++last_paths_;
    const auto inc = net.incident(h.vertex);
    const auto degree = static_cast<double>(inc.size());
    if (!continuous && inc.size() <= 1) continue;  // dead end: the mass leaves the network
    const double transmit = continuous ? 2.0 / degree * h.weight : h.weight / (degree - 1.0);
    const double reflect = continuous ? (2.0 / degree - 1.0) * h.weight : 0.0;
    for (const auto& in : inc) {
      // The incidence we arrived through is the same edge at the same end (a
      // self-loop's other end is a different incidence and transmits).
      const bool back = in.edge == h.edge && in.at_from == h.at_from;
      if (back && !continuous) continue;
      const double w = back ? reflect : transmit;
      if (w == 0.0) continue;
      deposit(in.edge, in.at_from, h.distance, w, k, out, exclude);
      const double far = h.distance + net.edge(in.edge).length;
      if (alive(far, w)) stack_.push_back({in.edge, in.other, !in.at_from, far, w});
    }
  }
}

void PathSpreader::spread_simple(NetworkPosition src, double weight, const KernelFunction& k,
                                 std::span<double> out, std::uint32_t exclude) {
  const auto& net = *net_;
  ws_.run(src, k.support());
  if (++epoch_ == 0) {
    std::fill(edge_stamp_.begin(), edge_stamp_.end(), 0);
    epoch_ = 1;
  }
  last_paths_ = ws_.reached().size();
  const auto visit = [&](EdgeId e) {
    if (edge_stamp_[e] == epoch_) return;
    edge_stamp_[e] = epoch_;
    for (std::uint32_t i = targets_->first(e); i < targets_->first(e + 1); ++i) {
      const std::uint32_t s = targets_->slot(i);
      if (s == exclude) continue;
      const double d = ws_.distance_to({e, targets_->offset(i)});
      if (d < k.support()) out[s] += weight * k(d);
    }
  };
  visit(src.edge);
  for (const auto v : ws_.reached())
    for (const auto& in : net.incident(v)) visit(in.edge);
}

}  // namespace tryggve::density
