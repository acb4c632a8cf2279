#pragma once
// The building blocks of the forecasts (methods.hpp): kernel smoothing of counts
// over the units' neighbour lists, the risk-terrain model on the covariates, and
// neighbour lists for units that are points (grid cells).
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "tryggve/core/geometry.hpp"
#include "tryggve/forecast/history.hpp"
#include "tryggve/simulation/cells.hpp"

namespace tryggve::forecast {

// Units at points (grid-cell centres) with a measure each (their area): each one's
// neighbours are the units whose centre lies within cutoff_m in a straight line
// (itself at 0). Throws Error(BadOption) for cutoff_m <= 0 or sizes that differ.
simulation::CellNetwork units_from_points(std::span<const Point> centres, std::vector<double> measure,
                                          double cutoff_m);

// Kernel smoothing that keeps the total: unit v's value is shared among the
// units u in its neighbour list in proportion to k(d_vu) · measure(u), with the
// Gaussian k(d) = exp(-d² / 2b²) cut at the units' cutoff; so
//   s_u = measure(u) · Σ_{v ∈ N(u)} values[v] · k(d_uv) / Z_v,   Z_v = Σ_{u' ∈ N(v)} k(d_vu') · measure(u'),
// (neighbour lists are symmetric). bandwidth_m = 0 returns the values as they are.
std::vector<double> smooth(const simulation::CellNetwork& units, std::span<const double> values, double bandwidth_m);

// The risk-terrain model: a Poisson regression of each month's counts on the
// covariates,
//   E[y_um] = measure(u) · exp(α_m + Σ_j β_j x_j(u, m)),
// x_j(u, m) the covariate (times month m's dark share where it says so), with a
// free level α_m per month (profiled out: the model says where, not how many, so
// each month is a multinomial over the units). Covariates are standardised over
// the units (measure-weighted) before the fit; β is on that scale. Newton's method
// with a small ridge penalty (ridge · Σβ², which keeps a covariate that separates
// perfectly finite), to a relative change in log-likelihood below 1e-10.
struct TerrainModel {
  std::vector<std::string> names;
  std::vector<double> beta;              // per covariate, standardised scale
  std::vector<double> mean, sd;          // the standardisation
  double log_likelihood = 0;             // multinomial, at beta
  int iterations = 0;
  bool converged = false;
  // Share of a month's incidents per unit (sums to 1), for a month with the given dark share.
  std::vector<double> shares(const std::vector<Covariate>& covariates, std::span<const double> measure,
                             double dark_share) const;
};
// Fits on months [from, to] of `history`; dark_share(m) gives each month's share
// of dark hours. Without covariates (or incidents) beta is empty and shares() is
// proportional to the measure. Throws Error(BadValue) for a covariate whose size
// is not the number of units or with a value that is not finite.
TerrainModel fit_terrain(const History& history, const std::vector<Covariate>& covariates,
                         std::span<const double> measure, int from, int to,
                         const std::function<double(int)>& dark_share, double ridge = 1.0);

// Normalises to shares that sum to 1 (all zero stays zero).
std::vector<double> to_shares(std::vector<double> v);

}  // namespace tryggve::forecast
