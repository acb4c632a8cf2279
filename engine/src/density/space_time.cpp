#include "tryggve/density/space_time.hpp"

#include <cmath>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"

namespace tryggve::density {

std::vector<double> time_weights(std::span<const double> times_days, std::span<const double> weights,
                                 const TimeKernel& tk, const TimeQuery& q) {
  if (!(tk.bandwidth_days > 0.0))
    throw Error(ErrorCode::BadOption, "time kernel", fmt::format("bandwidth_days must be > 0 (got {})", tk.bandwidth_days));
  if (!(q.to_day >= q.from_day))
    throw Error(ErrorCode::BadOption, "time query", "to_day must not be before from_day");
  if (!weights.empty() && weights.size() != times_days.size())
    throw Error(ErrorCode::BadOption, "time query", fmt::format("{} weights for {} times", weights.size(), times_days.size()));
  const KernelFunction k(tk.kernel, tk.bandwidth_days);
  const double span = q.to_day - q.from_day;
  std::vector<double> w(times_days.size());
  for (std::size_t i = 0; i < times_days.size(); ++i) {
    const double t = times_days[i];
    if (!std::isfinite(t)) throw Error(ErrorCode::BadTime, fmt::format("event {}", i), "time is not finite");
    // Window mean of K(t' - t_i) over [from, to) = (tail(from - t_i) - tail(to - t_i)) / span.
    const double kt = span > 0.0 ? (k.tail(q.from_day - t) - k.tail(q.to_day - t)) / span : k(q.from_day - t);
    w[i] = kt * (weights.empty() ? 1.0 : weights[i]);
  }
  return w;
}

DensityResult space_time_estimate(const network::Network& net, const network::Lixelization& lixels,
                                  std::span<const network::NetworkPosition> events,
                                  std::span<const double> times_days, std::span<const double> weights,
                                  const DensityOptions& space, const TimeKernel& time, const TimeQuery& q) {
  if (times_days.size() != events.size())
    throw Error(ErrorCode::BadOption, "space-time density", fmt::format("{} times for {} events", times_days.size(), events.size()));
  const auto tw = time_weights(times_days, weights, time, q);
  std::vector<network::NetworkPosition> ev;
  std::vector<double> w;
  for (std::size_t i = 0; i < events.size(); ++i)
    if (tw[i] != 0.0) { ev.push_back(events[i]); w.push_back(tw[i]); }
  if (space.adaptive)
    throw Error(ErrorCode::BadOption, "space-time density", "adaptive bandwidth is not supported in space-time mode");
  return estimate(net, lixels, ev, w, space);
}

}  // namespace tryggve::density
