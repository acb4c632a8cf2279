#include "tryggve/network/lixels.hpp"

#include <algorithm>
#include <cmath>

namespace tryggve::network {

Lixelization::Lixelization(const Network& net, double target_length) : target_(target_length) {
  first_.reserve(net.edge_count() + 1);
  for (EdgeId e = 0; e < net.edge_count(); ++e) {
    first_.push_back(static_cast<LixelId>(lixels_.size()));
    const auto& edge = net.edge(e);
    const double len = edge.length;
    const int n = std::max(1, static_cast<int>(std::lround(len / target_length)));
    const double step = len / n;
    for (int i = 0; i < n; ++i) {
      Lixel lx;
      lx.edge = e;
      lx.start = i * step;
      lx.end = (i + 1 == n) ? len : (i + 1) * step;
      lx.mid = interpolate(edge.geometry, lx.mid_offset());
      lixels_.push_back(lx);
    }
  }
  first_.push_back(static_cast<LixelId>(lixels_.size()));
}

LixelId Lixelization::lixel_at(EdgeId e, double offset) const {
  const LixelId n = lixel_count(e);
  const double len = lixels_[first_[e + 1] - 1].end;
  if (len <= 0.0 || n == 1) return first_[e];
  auto i = static_cast<LixelId>(std::floor(offset / len * n));
  return first_[e] + std::min<LixelId>(i, n - 1);
}

}  // namespace tryggve::network
