#include "tryggve/network/lixels.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "tryggve/core/limits.hpp"

namespace tryggve::network {

Lixelization::Lixelization(const Network& net, double target_length) : target_(target_length) {
  // Counted in floating point first: a tiny lixel length on a long network must
  // be an Error naming the option, not an int overflow or std::bad_alloc.
  double count = 0;
  for (EdgeId e = 0; e < net.edge_count(); ++e)
    count += std::max(1.0, std::round(net.edge(e).length / target_length));
  const std::string detail = fmt::format("{:.3g} lixels of {} m on {:.1f} km of street", count, target_length,
                                         net.total_length() / 1000.0);
  check_memory(count * static_cast<double>(sizeof(Lixel)), "lixels", "the lixels", detail, "raise --lixel-length-m");
  checked_count(count, std::numeric_limits<LixelId>::max() - 1, "lixels", "the number of lixels (" + detail + ")",
                "raise --lixel-length-m");
  lixels_.reserve(static_cast<std::size_t>(count));
  first_.reserve(net.edge_count() + 1);
  for (EdgeId e = 0; e < net.edge_count(); ++e) {
    first_.push_back(static_cast<LixelId>(lixels_.size()));
    const auto& edge = net.edge(e);
    const double len = edge.length;
    const auto n = static_cast<LixelId>(std::max(1.0, std::round(len / target_length)));
    const double step = len / n;
    for (LixelId i = 0; i < n; ++i) {
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
