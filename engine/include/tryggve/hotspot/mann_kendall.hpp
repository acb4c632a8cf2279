#pragma once
// Mann-Kendall test for a monotonic trend in a series (here: one location's Gi*
// z-scores over the time steps of an emerging hot spot analysis).
#include <span>

namespace tryggve::hotspot {

struct MannKendall {
  double s = 0;      // sum over i < j of sign(x_j - x_i)
  double var_s = 0;  // n(n-1)(2n+5)/18 less the tie correction sum t(t-1)(2t+5)/18
  double z = 0;      // (s - 1)/sd for s > 0, (s + 1)/sd for s < 0, else 0 (continuity correction)
  double tau = 0;    // Kendall's tau-b against time, s / sqrt(n0 (n0 - sum t(t-1)/2)),
                     // as Kendall::MannKendall reports it (sfdep); 0 for a constant series
  double p = 1;      // two-sided, normal approximation (as ArcGIS and pymannkendall)
};

// NaN values are not allowed (Error BadValue); fewer than 3 values give p = 1.
MannKendall mann_kendall(std::span<const double> x);

}  // namespace tryggve::hotspot
