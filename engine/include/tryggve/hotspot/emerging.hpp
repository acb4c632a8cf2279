#pragma once
// Emerging hot spot analysis (ArcGIS Pro's Space Time Pattern Mining; sfdep's
// emerging_hotspot_analysis): counts per unit per time step (month) form a
// space-time cube; Gi* is computed for every cell (i, t) with a time-lagged
// neighbourhood (i's spatial neighbours at t, t-1, ..., t-k: ArcGIS's
// "neighbourhood time step", sfdep's k; see sfdep #41 for why the lags belong
// there) against the mean and variance of the whole cube; each location's
// z-series gets a Mann-Kendall trend test, and the location one of 17 classes.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "tryggve/core/rng.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/hotspot/local_stats.hpp"
#include "tryggve/hotspot/mann_kendall.hpp"
#include "tryggve/hotspot/units.hpp"
#include "tryggve/hotspot/weights.hpp"

namespace tryggve::hotspot {

enum class EmergingClass : std::uint8_t {
  NoPattern,
  NewHot, ConsecutiveHot, IntensifyingHot, PersistentHot, DiminishingHot, SporadicHot, OscillatingHot, HistoricalHot,
  NewCold, ConsecutiveCold, IntensifyingCold, PersistentCold, DiminishingCold, SporadicCold, OscillatingCold,
  HistoricalCold,
};
inline constexpr int kEmergingClassCount = 17;
// "new_hot", "consecutive_cold", ..., "no_pattern".
std::string_view to_string(EmergingClass c);

// The classification of one location (let "hot" be a step with p <= alpha and z > 0,
// "cold" with p <= alpha and z < 0, n the number of steps; MK the Mann-Kendall test
// on z, significant when its p <= trend_alpha). Hot rules; cold ones mirror them:
//  - >= 90% of steps hot, final hot: intensifying (MK significant, tau > 0),
//    diminishing (MK significant, tau < 0), else persistent;
//  - >= 90% of steps hot, final not hot: historical;
//  - final hot, otherwise (< 90% hot):
//      new:          the final step is the only significant step (hot or cold);
//      consecutive:  an uninterrupted run of hot steps at the end, no significant
//                    step (hot or cold) before it, the run longer than one step;
//      oscillating:  some earlier step was a significant cold spot;
//      sporadic:     otherwise (hot on and off, never cold);
//  - final not significant: sporadic if some step was hot and none cold;
//  - everything else: no pattern.
// These are ArcGIS's definitions made mutually exclusive; they agree with sfdep's
// rule list where sfdep's rules do not overlap.
EmergingClass classify_emerging(std::span<const double> z, std::span<const double> p, double alpha,
                                double trend_alpha, MannKendall* trend = nullptr);

// Values of a space-time cube, cell (unit i, step t) at values[t * n_units + i].
struct SpaceTimeCube {
  std::size_t n_units = 0, n_steps = 0;
  int first_bin = 0;  // e.g. month_index of step 0
  std::vector<double> values;
  double at(std::size_t unit, std::size_t step) const { return values[step * n_units + unit]; }
};

// Counts of events per unit and bin, bins first_bin .. first_bin + n_steps - 1
// (events outside are ignored, unsnapped ones skipped). With n_steps == 0 the range
// spans the events' bins.
SpaceTimeCube bin_counts(const SpatialUnits& units, const std::vector<network::NetworkPosition>& positions,
                         const std::vector<int>& bins, int first_bin = 0, std::size_t n_steps = 0);
// Monthly bins in local time (core/time.hpp month_index).
SpaceTimeCube monthly_counts(const SpatialUnits& units, const std::vector<network::NetworkPosition>& positions,
                             const std::vector<Timestamp>& times);

struct EmergingOptions {
  std::size_t time_lags = 1;     // k: neighbourhood includes t-1 .. t-k
  double alpha = 0.05;           // a step is hot/cold when its p <= alpha
  double trend_alpha = 0.05;     // Mann-Kendall significance
  std::size_t permutations = 0;  // 0: analytical p per cell (ArcGIS); > 0: permutation p (sfdep)
  std::uint64_t seed = default_seed();
  bool fdr = false;              // BH-adjust the per-cell p over the whole cube first
};

struct EmergingLocation {
  EmergingClass cls = EmergingClass::NoPattern;
  MannKendall trend;
  std::vector<double> z, p;  // per step: Gi* z and the p used (perm or analytical, FDR if asked)
};
struct EmergingResult {
  std::vector<EmergingLocation> locations;
  std::size_t n_steps = 0;
  int first_bin = 0;
  Significance p_from = Significance::Analytical;
  std::vector<std::size_t> class_counts;  // by EmergingClass value
};

// `spatial` are the units' spatial weights with self included (Gi*); binary is usual.
// Row-standardised spatial weights give row-standardised space-time weights.
EmergingResult emerging_hotspots(const Weights& spatial, const SpaceTimeCube& cube, const EmergingOptions& opt = {});

}  // namespace tryggve::hotspot
