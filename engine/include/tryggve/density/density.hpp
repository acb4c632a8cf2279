#pragma once
// Network kernel density: events at network positions (with weights) smoothed
// along the street network, evaluated per lixel or at any positions.
// Units: events (sum of weights) per unit of network length, per CRS unit, like
// spatstat.linnet. Integrated over the network the density gives the number of
// events, less what a method lets leave at dead ends.
//
// Methods (see path_kernel.hpp and heat.hpp for the algorithms):
//   Simple                  kernel of the shortest-path distance (Xie & Yan 2008).
//                           Not mass-conserving: mass multiplies at junctions.
//   EqualSplitDiscontinuous Okabe & Sugihara's discontinuous equal split: at a
//                           vertex of degree d the mass going forward is split
//                           equally among the d-1 other edges; lost at dead ends.
//   EqualSplitContinuous    Okabe & Sugihara's continuous rule (Sugihara, Satoh &
//                           Okabe 2010; McSwiggan et al. 2016): 2/d transmitted into
//                           each other edge, 2/d - 1 reflected back (a dead end
//                           reflects everything). Mass-conserving and continuous.
//                           Recursion truncated as spatstat's densityEqualSplit does.
//   Heat                    the heat kernel / diffusion estimator (McSwiggan, Baddeley
//                           & Nair 2016; spatstat's density.lpp default): the heat
//                           equation on the network, Kirchhoff conditions at
//                           junctions, reflecting (Neumann) dead ends. Always
//                           Gaussian-like with sigma = bandwidth_m (the kernel
//                           option is ignored). In theory equal to EqualSplitContinuous
//                           with the Gaussian kernel and no truncation.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "tryggve/density/kernel.hpp"
#include "tryggve/network/lixels.hpp"
#include "tryggve/network/network.hpp"

namespace tryggve::density {

enum class Method { Simple, EqualSplitDiscontinuous, EqualSplitContinuous, Heat };
std::string_view method_name(Method m);
// "simple", "discontinuous", "continuous", "heat" (also "equal-split-*", "diffusion").
std::optional<Method> parse_method(std::string_view name);

// Leave-one-out at the events for the heat method: the event's own contribution
// K(x_i, x_i) has to be subtracted from the diffused field.
enum class HeatSelfTerm {
  // spatstat's fast rule (densitypointsLPP "onestep"): phi(0) plus one reflection
  // off each end of the event's edge with coefficient 2/d - 1, floored at
  // 1/total length, result floored at 0. Matches density.lpp(at="points").
  OneStep,
  // The exact self term: the sum over all closed paths from x_i back to x_i with
  // the continuous equal-split Gaussian (truncated at `epsilon`).
  PathSum,
};

struct DensityOptions {
  Method method = Method::Heat;
  Kernel kernel = Kernel::Gaussian;
  // Gaussian and Heat: the standard deviation sigma; compact kernels: the support
  // radius (kernel.hpp). With `adaptive`, the pilot (global) bandwidth h0.
  double bandwidth_m = 0.0;
  // Abramson's adaptive bandwidth: h_i = h0 * sqrt(g / f_pilot(x_i)), with
  // f_pilot the fixed-bandwidth estimate (same method) at the events and g its
  // geometric mean; h_i is clamped to [h0 / adaptive_clamp, h0 * adaptive_clamp].
  bool adaptive = false;
  double adaptive_clamp = 10.0;
  // Heat with adaptive bandwidths diffuses events in classes of similar
  // bandwidth; this many classes at most (geometric bins; each event's reported
  // bandwidth is its class's).
  int adaptive_heat_classes = 32;
  // Equal split: a travelling path is dropped once |weight| * tail(distance) < epsilon
  // (spatstat's densityEqualSplit rule, whose default is 1e-6).
  double epsilon = 1e-6;
  // Gaussian kernel (not Heat): contributions beyond this many sigma are ignored.
  double gaussian_cutoff_sd = 8.0;
  // Heat: target spacing of the finite-element grid along each edge; 0 = auto
  // (bandwidth / 25, which keeps the discretisation error near 1e-4 relative).
  double heat_dx_m = 0.0;
  // density_at only: positions[i] is event i and event i's own contribution is left out.
  bool leave_one_out = false;
  HeatSelfTerm heat_self_term = HeatSelfTerm::OneStep;
};

struct DensityResult {
  // Per lixel (estimate: the density at the lixel's midpoint) or per position (density_at).
  std::vector<double> values;
  Method method = Method::Heat;
  Kernel kernel = Kernel::Gaussian;
  double bandwidth_used = 0.0;            // the fixed bandwidth, or h0 when adaptive
  std::vector<double> event_bandwidths;   // adaptive only: h_i per event
  double pilot_geometric_mean = 0.0;      // adaptive only: g
  double heat_dx_used = 0.0;              // heat only: the grid spacing actually used
  std::size_t heat_matvecs = 0;           // heat only: operator applications (work done)
};

// Density at every lixel's midpoint. `weights` empty means all 1; otherwise one per
// event (negative weights are allowed and simply subtract). Filtering (by category,
// time window, mask) is the caller's: pass the events and weights you want counted.
// Throws Error(BadOption) for inconsistent options, Error(BadValue) naming the event
// for a position off the network.
DensityResult estimate(const network::Network& net, const network::Lixelization& lixels,
                       std::span<const network::NetworkPosition> events,
                       std::span<const double> weights, const DensityOptions& options);

// Density at arbitrary positions (e.g. at the events, with options.leave_one_out).
DensityResult density_at(const network::Network& net, std::span<const network::NetworkPosition> at,
                         std::span<const network::NetworkPosition> events,
                         std::span<const double> weights, const DensityOptions& options);

// Integral of a per-lixel density over the network (sum of value * lixel length):
// the expected number of events; used by the mass checks and by cross-validation.
double integrate(const network::Lixelization& lixels, std::span<const double> per_lixel);

}  // namespace tryggve::density
