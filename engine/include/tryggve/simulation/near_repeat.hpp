#pragma once
// Near-repeat evidence for the self-exciting model: a Knox test (hotspot/knox.hpp;
// Johnson & Bowers 2004, Ratcliffe's Near Repeat Calculator) run on the fit's own
// events and cells, whose result feeds the ETAS fit (model.hpp) in two ways.
//
//  - A gate. When the pooled near region (pairs within near_m and near_days) holds
//    no more pairs than the permutations of the event times give (p > alpha), and the
//    likelihood ratio of the self-exciting fit against the Poisson fit agrees (below the
//    χ²(3) quantile at the same alpha; fit.cpp says why both), the parameter is fitted
//    without self-excitation (θ = 0). EM on a Poisson history still finds a small
//    spurious θ, and a model that forecasts near repeats nobody has seen sends patrols
//    after them.
//  - A start. Otherwise EM starts from moment estimates read off the Knox table. A
//    triggered event and its parent make one close pair, so the pairs in excess of
//    the permutation expectation in cell (s, t) are about
//
//        excess(s, t) ≈ n θ · G_s(σ) · F_t(ω),
//
//    F_t(ω) = e^{−ω a_t} − e^{−ω b_t}, the share of the exponential delay in time band
//    (a_t, b_t]; G_s(σ) = the mean over the events' cells of the model's own trigger
//    kernel K (model.hpp) in distance band s, on the model's own cell network. The fit is
//    weighted least squares (weight 1 / expected pairs, a Poisson count's variance) over a
//    log grid of σ and ω, with nθ in closed form. Two children of one parent also make a
//    close pair (about θ/2 more pairs per triggered event), so the estimate is first order
//    and a little high; EM corrects it. The table, the gate's p-value and the estimates are
//    kept with the fitted parameters so that the run can report them beside EM's values.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tryggve/core/rng.hpp"
#include "tryggve/hotspot/knox.hpp"
#include "tryggve/simulation/cells.hpp"
#include "tryggve/simulation/events.hpp"

namespace tryggve::simulation {

struct NearRepeatOptions {
  std::string mode = "knox";  // knox: gate and start from the Knox table | em: EM alone (FitOptions' start)
  double alpha = 0.05;        // the gate's significance level (pooled near region, one test)
  // How the Knox table's expected counts and p-values are found (hotspot/knox.hpp):
  // Moments costs the events per cell and the close pairs within the longest time band
  // (knox_sites), Permutation a pass over every close pair per permutation.
  hotspot::KnoxMethod method = hotspot::KnoxMethod::Moments;
  std::size_t permutations = 99;  // Permutation: the gate's p-value in steps of 0.01
  double near_m = 100.0;      // the pooled near region: within this network distance (rounded up to a band edge)
  double near_days = 7.0;     // and within this many days
  double band_m = 50.0;       // width of the distance bands
  // The table reaches this far (or to the cells' cutoff if nearer). The permutations
  // cost one step per pair of events this close, and pairs grow with the distance
  // squared in a dense district; near repeats are seen within 100-200 m (EVIDENCE.md).
  double max_m = 200.0;
  // Upper edges of the time bands in days; cut at the fit's max_lag_days (which is always the last edge).
  std::vector<double> time_bands_days{1, 2, 3, 5, 7, 10, 14, 21, 30, 45, 60, 90};
  std::uint64_t seed = default_seed();
};

struct NearRepeatEvidence {
  bool tested = false;    // a Knox test was run (mode knox, self-exciting fit, at least 2 events)
  bool detected = false;  // the near region's p-value <= alpha
  double alpha = 0.05;
  hotspot::KnoxResult knox;  // the table, on the cells' midpoint distances
  double near_ratio = NAN, near_p_value = NAN;
  // How far the near-repeat pattern reaches: the last band edge out to which every band
  // from the first is significant on its own (p <= alpha), along the first time band
  // (extent_m) and along the first distance band (extent_days); 0 when the first is not.
  double extent_m = 0.0, extent_days = 0.0;
  double excess_pairs = 0.0;  // Σ (observed − expected) over the table
  // Moment estimates (detected only; NaN otherwise).
  double theta = NAN, omega_per_hour = NAN, sigma_m = NAN;
  double mean_delay_days() const { return omega_per_hour > 0 ? 1.0 / (24.0 * omega_per_hour) : NAN; }
};

// The Knox test and the moment estimates for one parameter's events (times in hours,
// sorted, as the fit sees them) on `cells`, out to the cells' cutoff and max_lag_days.
// Deterministic at any thread count.
NearRepeatEvidence near_repeat_evidence(std::span<const CellEvent> events, const CellNetwork& cells,
                                        double max_lag_days, const NearRepeatOptions& options = {});

// The model's expected share of trigger-kernel mass in each distance band (G_s(σ) above)
// for events in `events`' cells; exposed for tests. `edges_m` ascending; the mass beyond
// the last edge (out to the cutoff) is in no band.
std::vector<double> kernel_band_shares(std::span<const CellEvent> events, const CellNetwork& cells,
                                       const std::vector<double>& edges_m, double sigma_m);

}  // namespace tryggve::simulation
