#include "tryggve/density/bandwidth.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"

namespace tryggve::density {

std::vector<double> geometric_grid(double lo, double hi, int n) {
  if (!(lo > 0.0) || !(hi >= lo) || n < 1)
    throw Error(ErrorCode::BadOption, "bandwidth grid", fmt::format("need 0 < lo <= hi and n >= 1 (got {}, {}, {})", lo, hi, n));
  std::vector<double> g(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) g[i] = n == 1 ? lo : lo * std::pow(hi / lo, static_cast<double>(i) / (n - 1));
  return g;
}

BandwidthSelection select_bandwidth_cv(const network::Network& net, const network::Lixelization& lixels,
                                       std::span<const network::NetworkPosition> events,
                                       std::span<const double> weights, const DensityOptions& options,
                                       std::span<const double> candidates) {
  if (candidates.empty())
    throw Error(ErrorCode::BadOption, "bandwidth selection", "no candidate bandwidths");
  if (events.size() < 2)
    throw Error(ErrorCode::NoData, "bandwidth selection", "cross-validation needs at least 2 events");
  const bool conserving = options.method == Method::EqualSplitContinuous || options.method == Method::Heat;
  BandwidthSelection sel;
  sel.candidates.assign(candidates.begin(), candidates.end());
  double best = -std::numeric_limits<double>::infinity();
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    DensityOptions o = options;
    o.bandwidth_m = candidates[c];
    o.leave_one_out = true;
    const auto loo = density_at(net, events, events, weights, o).values;
    double score = 0.0;
    for (std::size_t i = 0; i < events.size(); ++i) {
      const double w = weights.empty() ? 1.0 : weights[i];
      if (w == 0.0) continue;
      if (!(loo[i] > 0.0)) { score = -std::numeric_limits<double>::infinity(); break; }
      score += w * std::log(loo[i]);
    }
    if (std::isfinite(score) && !conserving) {
      o.leave_one_out = false;
      score -= integrate(lixels, estimate(net, lixels, events, weights, o).values);
    }
    sel.scores.push_back(score);
    if (score > best) { best = score; sel.best = candidates[c]; sel.best_index = c; }
  }
  if (!std::isfinite(best))
    throw Error(ErrorCode::NoData, "bandwidth selection",
                "every candidate leaves some event with zero density; try larger bandwidths");
  return sel;
}

}  // namespace tryggve::density
