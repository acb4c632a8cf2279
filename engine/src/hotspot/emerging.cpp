#include "tryggve/hotspot/emerging.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/hotspot_classes.hpp"
#include "tryggve/core/limits.hpp"

namespace tryggve::hotspot {

std::string_view to_string(EmergingClass c) {
  // hotspot_classes::emerging() lists the classes in the enum's order.
  static_assert(kEmergingClassCount == 17);
  const auto all = hotspot_classes::emerging();
  const auto i = static_cast<std::size_t>(c);
  return i < all.size() ? all[i].code : "?";
}

namespace {

// The hot-side rules with `sign` = +1; the cold side is the mirror image (sign = -1).
// The class ids are laid out so that cold = hot + 8.
EmergingClass classify_side(const std::vector<int>& state, int sign, const MannKendall& mk, double trend_alpha) {
  const std::size_t n = state.size();
  std::size_t same = 0, opposite = 0;
  for (int s : state) { same += s == sign; opposite += s == -sign; }
  const auto cls = [&](EmergingClass hot) {
    return sign > 0 ? hot : static_cast<EmergingClass>(static_cast<int>(hot) + 8);
  };
  const bool final_same = state[n - 1] == sign;
  if (static_cast<double>(same) >= 0.9 * static_cast<double>(n)) {
    if (!final_same) return cls(EmergingClass::HistoricalHot);
    const bool trend = mk.p <= trend_alpha;
    // A hot spot intensifies when z rises; a cold spot intensifies when z falls.
    if (trend && mk.tau * sign > 0) return cls(EmergingClass::IntensifyingHot);
    if (trend && mk.tau * sign < 0) return cls(EmergingClass::DiminishingHot);
    return cls(EmergingClass::PersistentHot);
  }
  if (final_same) {
    if (same == 1 && opposite == 0) return cls(EmergingClass::NewHot);
    std::size_t run = 0;
    while (run < n && state[n - 1 - run] == sign) ++run;
    bool any_before = false;
    for (std::size_t t = 0; t + run < n; ++t) any_before |= state[t] != 0;
    if (!any_before) return cls(EmergingClass::ConsecutiveHot);
    if (opposite > 0) return cls(EmergingClass::OscillatingHot);
    return cls(EmergingClass::SporadicHot);
  }
  if (state[n - 1] == 0 && same > 0 && opposite == 0) return cls(EmergingClass::SporadicHot);
  return EmergingClass::NoPattern;
}

}  // namespace

EmergingClass classify_emerging(std::span<const double> z, std::span<const double> p, double alpha,
                                double trend_alpha, MannKendall* trend) {
  if (z.size() != p.size())
    throw Error(ErrorCode::BadOption, "classify_emerging", fmt::format("{} z for {} p", z.size(), p.size()));
  const MannKendall mk = mann_kendall(z);
  if (trend) *trend = mk;
  if (z.empty()) return EmergingClass::NoPattern;
  std::vector<int> state(z.size(), 0);
  for (std::size_t t = 0; t < z.size(); ++t)
    if (p[t] <= alpha) state[t] = z[t] > 0 ? 1 : (z[t] < 0 ? -1 : 0);
  const EmergingClass hot = classify_side(state, +1, mk, trend_alpha);
  if (hot != EmergingClass::NoPattern) return hot;
  return classify_side(state, -1, mk, trend_alpha);
}

SpaceTimeCube bin_counts(const SpatialUnits& units, const std::vector<network::NetworkPosition>& positions,
                         const std::vector<int>& bins, int first_bin, std::size_t n_steps) {
  if (positions.size() != bins.size())
    throw Error(ErrorCode::BadOption, "bin_counts", fmt::format("{} positions for {} bins", positions.size(), bins.size()));
  SpaceTimeCube c;
  c.n_units = units.size();
  if (n_steps == 0) {
    int lo = INT32_MAX, hi = INT32_MIN;
    for (std::size_t k = 0; k < bins.size(); ++k)
      if (positions[k].edge != network::kNoEdge) { lo = std::min(lo, bins[k]); hi = std::max(hi, bins[k]); }
    if (lo > hi) throw Error(ErrorCode::NoData, "bin_counts", "no snapped events to bin");
    first_bin = lo;
    n_steps = static_cast<std::size_t>(hi - lo) + 1;
  }
  c.first_bin = first_bin;
  c.n_steps = n_steps;
  // The counts, and each location's z and p per step in emerging_hotspots().
  check_month_cube(static_cast<double>(c.n_units), first_bin, first_bin + static_cast<int>(n_steps) - 1, 3 * 8,
                   "emerging hot spots", "the space-time cube");
  c.values.assign(c.n_units * n_steps, 0.0);
  for (std::size_t k = 0; k < bins.size(); ++k) {
    if (positions[k].edge == network::kNoEdge) continue;
    const long t = static_cast<long>(bins[k]) - first_bin;
    if (t < 0 || t >= static_cast<long>(n_steps)) continue;
    c.values[static_cast<std::size_t>(t) * c.n_units + units.unit_at(positions[k])] += 1.0;
  }
  return c;
}

SpaceTimeCube monthly_counts(const SpatialUnits& units, const std::vector<network::NetworkPosition>& positions,
                             const std::vector<Timestamp>& times) {
  std::vector<int> bins(times.size());
  for (std::size_t k = 0; k < times.size(); ++k) bins[k] = month_index(times[k]);
  return bin_counts(units, positions, bins);
}

EmergingResult emerging_hotspots(const Weights& spatial, const SpaceTimeCube& cube, const EmergingOptions& opt) {
  if (spatial.size() != cube.n_units)
    throw Error(ErrorCode::BadOption, "emerging_hotspots",
                fmt::format("weights for {} units, cube has {}", spatial.size(), cube.n_units));
  if (!spatial.self_included)
    throw Error(ErrorCode::BadOption, "emerging_hotspots", "spatial weights must include self (Gi*)");
  if (cube.n_steps < 2) throw Error(ErrorCode::NoData, "emerging_hotspots", "needs at least 2 time steps");
  // The cells' neighbourhoods row by row, never stored: on a city they would take
  // more memory than everything else in the hotspot stage (weights.hpp).
  const SpaceTimeRows st(spatial, cube.n_steps, opt.time_lags);
  LocalOptions lo;
  lo.permutations = opt.permutations;
  lo.seed = opt.seed;
  lo.fdr = opt.fdr;
  lo.classify_by = opt.permutations > 0 ? Significance::Permutation : Significance::Analytical;
  const LocalResult g = gi_star(st, cube.values, lo);

  EmergingResult r;
  r.n_steps = cube.n_steps;
  r.first_bin = cube.first_bin;
  r.p_from = g.classified_by;
  r.class_counts.assign(kEmergingClassCount, 0);
  r.locations.resize(cube.n_units);
  const std::size_t n = cube.n_units;
  for (std::size_t i = 0; i < n; ++i) {
    EmergingLocation& loc = r.locations[i];
    loc.z.resize(cube.n_steps);
    loc.p.resize(cube.n_steps);
    for (std::size_t t = 0; t < cube.n_steps; ++t) {
      const LocalStat& s = g.stats[t * n + i];
      // A cell whose neighbourhood has no variance (all zero) has no z: treat as 0, p 1.
      loc.z[t] = std::isfinite(s.z) ? s.z : 0.0;
      const double p = opt.fdr ? s.p_fdr : (lo.classify_by == Significance::Permutation ? s.p_sim : s.p_norm);
      loc.p[t] = std::isfinite(p) ? p : 1.0;
    }
    loc.cls = classify_emerging(loc.z, loc.p, opt.alpha, opt.trend_alpha, &loc.trend);
    ++r.class_counts[static_cast<int>(loc.cls)];
  }
  return r;
}

}  // namespace tryggve::hotspot
