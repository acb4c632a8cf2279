#pragma once
// Space-time network density: network kernel (any method of density.hpp) times
// a kernel in time with its own bandwidth in days,
//   lambda(x, t) = sum_i w_i K_net(x, x_i) K_time(t - t_i),
// in events per unit length per day. For a window [from, to) (a month, say) the
// value is the window's mean of lambda(x, t), i.e. K_time is replaced by its
// integral over the window divided by the window's length. Events whose time
// weight is zero are dropped before the spatial step, so a short time bandwidth
// makes the spatial work small.
#include <span>
#include <vector>

#include "tryggve/density/density.hpp"

namespace tryggve::density {

struct TimeKernel {
  Kernel kernel = Kernel::Epanechnikov;
  double bandwidth_days = 14.0;  // support radius (compact) or sd (Gaussian), kernel.hpp
};

struct TimeQuery {
  double from_day = 0.0;  // an instant when to_day == from_day
  double to_day = 0.0;    // exclusive end of a window; must be >= from_day
};

// Time weight of each event for the query (multiplied by its weight), per day.
std::vector<double> time_weights(std::span<const double> times_days, std::span<const double> weights,
                                 const TimeKernel& tk, const TimeQuery& q);

DensityResult space_time_estimate(const network::Network& net, const network::Lixelization& lixels,
                                  std::span<const network::NetworkPosition> events,
                                  std::span<const double> times_days, std::span<const double> weights,
                                  const DensityOptions& space, const TimeKernel& time, const TimeQuery& q);

}  // namespace tryggve::density
