#include "tryggve/density/density.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numbers>
#include <string>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/parallel.hpp"
#include "tryggve/density/heat.hpp"
#include "path_kernel.hpp"

namespace tryggve::density {

using network::NetworkPosition;

std::string_view method_name(Method m) {
  switch (m) {
    case Method::Simple: return "simple";
    case Method::EqualSplitDiscontinuous: return "discontinuous";
    case Method::EqualSplitContinuous: return "continuous";
    case Method::Heat: return "heat";
  }
  return "?";
}

std::optional<Method> parse_method(std::string_view name) {
  std::string s(name);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  if (s == "simple") return Method::Simple;
  if (s == "discontinuous" || s == "equal-split-discontinuous") return Method::EqualSplitDiscontinuous;
  if (s == "continuous" || s == "equal-split-continuous" || s == "equal-split") return Method::EqualSplitContinuous;
  if (s == "heat" || s == "diffusion") return Method::Heat;
  return std::nullopt;
}

double integrate(const network::Lixelization& lixels, std::span<const double> per_lixel) {
  double s = 0.0;
  for (std::size_t i = 0; i < lixels.size(); ++i) s += per_lixel[i] * lixels[i].length();
  return s;
}

namespace {

constexpr const char* kWhere = "density options";

void validate(const network::Network& net, std::span<const NetworkPosition> events,
              std::span<const double> weights, const DensityOptions& o) {
  if (!(o.bandwidth_m > 0.0) || !std::isfinite(o.bandwidth_m))
    throw Error(ErrorCode::BadOption, kWhere, fmt::format("bandwidth_m must be > 0 (got {})", o.bandwidth_m));
  if (!(o.epsilon >= 0.0))
    throw Error(ErrorCode::BadOption, kWhere, fmt::format("epsilon must be >= 0 (got {})", o.epsilon));
  if (o.epsilon == 0.0 && o.kernel == Kernel::Gaussian &&
      (o.method == Method::EqualSplitContinuous || o.method == Method::EqualSplitDiscontinuous))
    throw Error(ErrorCode::BadOption, kWhere, "equal split with the Gaussian kernel needs epsilon > 0");
  if (!(o.gaussian_cutoff_sd > 0.0))
    throw Error(ErrorCode::BadOption, kWhere, "gaussian_cutoff_sd must be > 0");
  if (o.heat_dx_m < 0.0)
    throw Error(ErrorCode::BadOption, kWhere, "heat_dx_m must be >= 0 (0 = automatic)");
  if (o.adaptive && !(o.adaptive_clamp >= 1.0))
    throw Error(ErrorCode::BadOption, kWhere, "adaptive_clamp must be >= 1");
  if (!weights.empty() && weights.size() != events.size())
    throw Error(ErrorCode::BadOption, kWhere,
                fmt::format("{} weights for {} events", weights.size(), events.size()));
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& p = events[i];
    if (p.edge >= net.edge_count() || !std::isfinite(p.offset))
      throw Error(ErrorCode::BadValue, fmt::format("event {}", i),
                  fmt::format("position (edge {}, offset {}) is not on the network", p.edge, p.offset));
    if (!weights.empty() && !std::isfinite(weights[i]))
      throw Error(ErrorCode::BadValue, fmt::format("event {}", i), "weight is not finite");
  }
}

PathRule rule_of(Method m) {
  switch (m) {
    case Method::Simple: return PathRule::Simple;
    case Method::EqualSplitDiscontinuous: return PathRule::Discontinuous;
    default: return PathRule::Continuous;
  }
}

double weight_of(std::span<const double> w, std::size_t i) { return w.empty() ? 1.0 : w[i]; }

// Path methods: events are cut into a fixed number of chunks (a function of the
// event count only), each chunk sums into its own buffer in event order, and the
// buffers are added in chunk order: the same floating-point sums at any thread count.
std::vector<double> run_paths(const network::Network& net, const TargetSet& targets,
                              std::span<const NetworkPosition> events, std::span<const double> weights,
                              std::span<const double> bandwidths, const DensityOptions& o,
                              bool leave_one_out) {
  const std::size_t n = events.size(), m = targets.size();
  const std::size_t chunks = std::clamp<std::size_t>(n / 64, 1, 16);
  std::vector<std::vector<double>> buf(chunks);
  const PathRule rule = rule_of(o.method);
  parallel_for(std::size_t{0}, chunks, [&](std::size_t c) {
    buf[c].assign(m, 0.0);
    PathSpreader sp(net, targets);
    const std::size_t b = n * c / chunks, e = n * (c + 1) / chunks;
    for (std::size_t i = b; i < e; ++i) {
      const KernelFunction k(o.kernel, bandwidths.empty() ? o.bandwidth_m : bandwidths[i], o.gaussian_cutoff_sd);
      sp.spread(events[i], weight_of(weights, i), k, rule, o.epsilon, buf[c],
                leave_one_out ? static_cast<std::uint32_t>(i) : kNoTarget);
    }
  });
  std::vector<double> out(m, 0.0);
  parallel_for(IndexRange<std::size_t>(0, m, 4096), [&](const IndexRange<std::size_t>& r) {
    for (std::size_t j = r.begin(); j < r.end(); ++j) {
      double s = 0.0;
      for (std::size_t c = 0; c < chunks; ++c) s += buf[c][j];
      out[j] = s;
    }
  });
  return out;
}

double auto_dx(const DensityOptions& o, double sigma_min) {
  return o.heat_dx_m > 0.0 ? o.heat_dx_m : sigma_min / 25.0;
}

// Heat: one diffusion of all events (or one per bandwidth class, injected at
// staggered times so that each class diffuses for exactly sigma_c^2 / 2).
struct HeatField {
  HeatGrid grid;
  std::vector<double> u;
  std::size_t matvecs = 0;
};

HeatField run_heat(const network::Network& net, std::span<const NetworkPosition> events,
                   std::span<const double> weights, std::span<const double> bandwidths,
                   const DensityOptions& o) {
  double smin = o.bandwidth_m;
  for (double b : bandwidths) smin = std::min(smin, b);
  HeatField f{HeatGrid(net, auto_dx(o, smin)), {}, 0};
  f.u.assign(f.grid.node_count(), 0.0);
  if (bandwidths.empty()) {
    for (std::size_t i = 0; i < events.size(); ++i) f.grid.add_point_mass(events[i], weight_of(weights, i), f.u);
    f.matvecs = f.grid.diffuse(f.u, 0.5 * o.bandwidth_m * o.bandwidth_m);
    return f;
  }
  // Distinct bandwidths (already quantised to classes by the caller), largest first.
  std::vector<double> classes(bandwidths.begin(), bandwidths.end());
  std::sort(classes.begin(), classes.end(), std::greater<>());
  classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
  for (std::size_t c = 0; c < classes.size(); ++c) {
    for (std::size_t i = 0; i < events.size(); ++i)
      if (bandwidths[i] == classes[c]) f.grid.add_point_mass(events[i], weight_of(weights, i), f.u);
    const double next = c + 1 < classes.size() ? classes[c + 1] : 0.0;
    f.matvecs += f.grid.diffuse(f.u, 0.5 * (classes[c] * classes[c] - next * next));
  }
  return f;
}

double phi(double d, double s) { return std::exp(-0.5 * d * d / (s * s)) / (s * std::sqrt(2.0 * std::numbers::pi)); }

// The event's own contribution at its position (heat leave-one-out).
double heat_self_term(const network::Network& net, NetworkPosition p, double sigma, const DensityOptions& o) {
  const auto& e = net.edge(p.edge);
  const double pos = std::clamp(p.offset, 0.0, e.length);
  if (o.heat_self_term == HeatSelfTerm::OneStep) {
    // spatstat.linnet densitypointsLPP(fastmethod = "onestep"), floored at 1 / |L|.
    const double dl = static_cast<double>(net.degree(e.from)), dr = static_cast<double>(net.degree(e.to));
    const double k0 = std::max(0.0, phi(0, sigma) + (2.0 / dl - 1.0) * phi(2 * pos, sigma) +
                                        (2.0 / dr - 1.0) * phi(2 * (e.length - pos), sigma));
    return std::max(k0, 1.0 / net.total_length());
  }
  const NetworkPosition one[] = {p};
  const TargetSet t = TargetSet::positions(net, one);
  PathSpreader sp(net, t);
  double v = 0.0;
  sp.spread(p, 1.0, KernelFunction(Kernel::Gaussian, sigma, o.gaussian_cutoff_sd), PathRule::Continuous,
            o.epsilon, std::span<double>(&v, 1));
  return v;
}

// Abramson bandwidths from a fixed-bandwidth pilot at the events.
std::vector<double> abramson(const network::Network& net, std::span<const NetworkPosition> events,
                             std::span<const double> weights, const DensityOptions& o, double* gmean);

DensityResult evaluate(const network::Network& net, const network::Lixelization* lix,
                       std::span<const NetworkPosition> at, std::span<const NetworkPosition> events,
                       std::span<const double> weights, const DensityOptions& o) {
  validate(net, events, weights, o);
  // After the events: when the query positions are the events, the message names the event.
  for (std::size_t i = 0; i < at.size(); ++i)
    if (at[i].edge >= net.edge_count() || !std::isfinite(at[i].offset))
      throw Error(ErrorCode::BadValue, fmt::format("query position {}", i), "not on the network");
  if (o.leave_one_out && (lix || at.size() != events.size()))
    throw Error(ErrorCode::BadOption, kWhere, "leave_one_out needs the query positions to be the events");
  DensityResult r;
  r.method = o.method;
  r.kernel = o.method == Method::Heat ? Kernel::Gaussian : o.kernel;
  r.bandwidth_used = o.bandwidth_m;
  std::vector<double> bw;
  if (o.adaptive && !events.empty()) {
    bw = abramson(net, events, weights, o, &r.pilot_geometric_mean);
    r.event_bandwidths = bw;
  }
  if (o.method == Method::Heat) {
    auto f = run_heat(net, events, weights, bw, o);
    r.heat_dx_used = f.grid.dx();
    r.heat_matvecs = f.matvecs;
    if (lix) {
      r.values.resize(lix->size());
      for (std::size_t i = 0; i < lix->size(); ++i)
        r.values[i] = f.grid.value_at(f.u, {(*lix)[i].edge, (*lix)[i].mid_offset()});
    } else {
      r.values.resize(at.size());
      parallel_for(std::size_t{0}, at.size(), [&](std::size_t i) {
        double v = f.grid.value_at(f.u, at[i]);
        if (o.leave_one_out) {
          const double s = bw.empty() ? o.bandwidth_m : bw[i];
          v = std::max(0.0, v - weight_of(weights, i) * heat_self_term(net, events[i], s, o));
        }
        r.values[i] = v;
      });
    }
    return r;
  }
  const TargetSet targets = lix ? TargetSet::lixel_midpoints(net, *lix) : TargetSet::positions(net, at);
  r.values = run_paths(net, targets, events, weights, bw, o, o.leave_one_out);
  return r;
}

std::vector<double> abramson(const network::Network& net, std::span<const NetworkPosition> events,
                             std::span<const double> weights, const DensityOptions& o, double* gmean) {
  DensityOptions pilot = o;
  pilot.adaptive = false;
  pilot.leave_one_out = false;
  const auto f = evaluate(net, nullptr, events, events, weights, pilot).values;
  // Geometric mean over events with a positive pilot (a negative-weight field can
  // dip to zero; such events get the largest allowed bandwidth).
  double logsum = 0.0;
  std::size_t npos = 0;
  for (double v : f)
    if (v > 0.0) { logsum += std::log(v); ++npos; }
  const double g = npos ? std::exp(logsum / static_cast<double>(npos)) : 1.0;
  *gmean = g;
  const double lo = o.bandwidth_m / o.adaptive_clamp, hi = o.bandwidth_m * o.adaptive_clamp;
  std::vector<double> h(events.size());
  for (std::size_t i = 0; i < events.size(); ++i)
    h[i] = f[i] > 0.0 ? std::clamp(o.bandwidth_m * std::sqrt(g / f[i]), lo, hi) : hi;
  if (o.method == Method::Heat && o.adaptive_heat_classes > 0) {
    // Quantise to at most N geometric classes between the extremes; each event takes
    // its class's geometric centre, which is what the diffusion then uses.
    const auto [mn, mx] = std::minmax_element(h.begin(), h.end());
    const double a = std::log(*mn), b = std::log(*mx);
    const int nc = o.adaptive_heat_classes;
    if (b - a > 1e-12)
      for (double& x : h) {
        const int c = std::min(nc - 1, static_cast<int>((std::log(x) - a) / (b - a) * nc));
        x = std::exp(a + (c + 0.5) * (b - a) / nc);
      }
  }
  return h;
}

}  // namespace

DensityResult estimate(const network::Network& net, const network::Lixelization& lixels,
                       std::span<const NetworkPosition> events, std::span<const double> weights,
                       const DensityOptions& options) {
  return evaluate(net, &lixels, {}, events, weights, options);
}

DensityResult density_at(const network::Network& net, std::span<const NetworkPosition> at,
                         std::span<const NetworkPosition> events, std::span<const double> weights,
                         const DensityOptions& options) {
  return evaluate(net, nullptr, at, events, weights, options);
}

}  // namespace tryggve::density
