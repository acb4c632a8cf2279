#pragma once
// Bandwidth selection by leave-one-out likelihood cross-validation (Loader 1999;
// spatstat's bw.lppl): for each candidate h,
//   CV(h) = sum_i w_i log f_{-i}(x_i; h) - integral of f(.; h) over the network,
// with f_{-i} the density at event i without event i. For the mass-conserving
// methods (continuous equal split, heat) the integral is the total weight for
// every h and is not computed. The adaptive (Abramson) bandwidths themselves are
// an option of DensityOptions; this selects the fixed (or pilot) bandwidth.
#include <span>
#include <vector>

#include "tryggve/density/density.hpp"

namespace tryggve::density {

struct BandwidthSelection {
  std::vector<double> candidates;
  std::vector<double> scores;  // CV(h); -infinity where some f_{-i} <= 0
  double best = 0.0;           // the candidate with the highest score (first of ties)
  std::size_t best_index = 0;
};

// `options.bandwidth_m` is ignored (each candidate is tried); everything else is used
// as given (method, kernel, adaptive...). Candidates must be > 0. The lixelization is
// used for the integral term of the non-conserving methods.
BandwidthSelection select_bandwidth_cv(const network::Network& net, const network::Lixelization& lixels,
                                       std::span<const network::NetworkPosition> events,
                                       std::span<const double> weights, const DensityOptions& options,
                                       std::span<const double> candidates);

// n geometrically spaced candidates from lo to hi (inclusive).
std::vector<double> geometric_grid(double lo, double hi, int n);

}  // namespace tryggve::density
