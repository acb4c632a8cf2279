#pragma once
// The baseline model of one parameter: a space-time self-exciting point process
// on the network's cells (ETAS; Mohler et al. 2011 JASA, 2015 JASA), fitted by
// expectation-maximisation (stochastic declustering).
//
// Intensity in cell u at calendar time t (events per hour):
//
//   λ_u(t) = μ_u · h[hour_of_week(t)] · m[month_of_year(t)] · D(t)
//          + Σ_{events j before t} θ · ω e^{−ω (t − t_j)} · K(cell_j → u)
//
//   D(t) = δ when dark at the study area (sun below civil dusk) and the parameter
//          is darkness sensitive and not indoor, else 1;
//   K(v → u) = e^{−d(v,u)/σ} · L_u / Z_v,  Z_v = Σ_{u' within cutoff} e^{−d(v,u')/σ} · L_u'
//          (an exponential along the network, midpoint to midpoint, truncated at the
//          cells' neighbour cutoff and normalised over the network actually reachable,
//          so θ is exactly the expected number of direct offspring of an event);
//   h, m have mean 1 over the fit window's hours, so μ_u is the background rate of an
//          average hour and Σ_u μ_u is the area's.
//
// EM: the E-step gives each event i the probability p_i0 that it is background and
// p_ij that event j triggered it (candidates: earlier events within max_lag_days and
// the neighbour cutoff). The M-step is closed form for ω (= Σp / Σ p·Δt), θ (= Σp /
// Σ_j ∫ the kernel's remaining time mass inside the window, an exact edge correction),
// the hour, month and darkness factors (one conditional-maximisation cycle per EM
// iteration, each with a Gamma(a, a) prior centred on 1), σ as the root of dQ/dσ by
// Newton (the normaliser Z depends on σ; fit.cpp's SigmaStep), and the smoothed
// background (below).
//
// Background smoothing: the expected background counts B_u are shrunk toward a
// network-kernel-smoothed rate (Gaussian in network distance, bandwidth
// background_bandwidth_m, blended with the area mean) under a Gamma prior with
// `background_prior_events` pseudo-events: μ_u ∝ (B_u + a) / (1 + a / prior_u). A
// cell with many events keeps its own rate; an empty cell gets its neighbourhood's.
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tryggve/simulation/calendar.hpp"
#include "tryggve/simulation/cells.hpp"
#include "tryggve/simulation/events.hpp"
#include "tryggve/simulation/near_repeat.hpp"
#include "tryggve/taxonomy/taxonomy.hpp"

namespace tryggve::simulation {

// What the model needs to know about a parameter (from the taxonomy:
// traits_from_taxonomy below).
struct ParameterTraits {
  std::string code;
  bool darkness_sensitive = false;
  bool indoor = false;          // setting: indoor (mixed and outdoor count as not indoor)
  double severity_weight = 1.0;
  bool darkness_applies() const { return darkness_sensitive && !indoor; }
};

// One ParameterTraits per taxonomy parameter, in its order: code, darkness
// sensitive, indoor (setting indoor; mixed and outdoor are not), severity weight.
std::vector<ParameterTraits> traits_from_taxonomy(const Taxonomy& taxonomy);

struct EtasParameters {
  std::vector<double> mu;                 // per cell, events per hour at profile 1
  std::array<double, kHoursOfWeek> hour_of_week;
  std::array<double, 12> month_of_year;
  bool darkness_applies = false;
  double dark_factor = 1.0;               // δ
  double theta = 0.0;                     // expected direct offspring per event
  double omega_per_hour = 1.0 / 24.0;     // temporal decay rate (mean delay 1/ω hours)
  double sigma_m = 100.0;                 // spatial decay length along the network
  double max_lag_hours = 60 * 24.0;       // candidates for triggering (E-step, forecasts)
  double outdoor_share = 1.0;             // share of the fitted events flagged outdoor

  // Diagnostics of the fit.
  std::size_t events = 0;
  int iterations = 0;
  bool converged = false;
  double log_likelihood = 0.0;            // at the returned parameters, over the fit window
  double background_share = 1.0;          // Σ p_i0 / n
  // Where θ, ω, σ came from: "em" (EM from FitOptions' start), "em_from_knox" (EM
  // started at the Knox table's estimates), "knox_gate" (no near repeats in the Knox
  // test and none in the likelihood either: fitted with θ = 0), "em_despite_knox"
  // (Knox saw none, the likelihood ratio did: kept), "off" (FitOptions::self_exciting false).
  std::string self_excitation = "em";
  double likelihood_ratio = NAN;          // 2 (ll self-exciting − ll Poisson), where the gate asked
  NearRepeatEvidence near_repeat;         // the Knox evidence the fit used (tested: false when none)

  EtasParameters() { hour_of_week.fill(1.0); month_of_year.fill(1.0); }
  // h · m · E[D] for one calendar hour (dark_fraction in [0, 1]).
  double time_factor(const HourInfo& h, double dark_fraction) const {
    const double d = darkness_applies ? 1.0 + (dark_factor - 1.0) * dark_fraction : 1.0;
    return hour_of_week[h.hour_of_week] * month_of_year[h.month_of_year] * d;
  }
  double total_mu() const;
};

class FitCache;  // fit_cache.hpp

struct FitOptions {
  bool self_exciting = true;          // false: the non-self-exciting (Poisson) model, θ = 0
  int max_iterations = 300;
  double tolerance = 1e-7;            // relative change in log-likelihood to stop
  double max_lag_days = 60.0;
  double theta_init = 0.3, omega_init_per_hour = 1.0 / 48.0, sigma_init_m = 100.0;
  double min_sigma_m = 5.0;           // σ search range [min_sigma_m, cells' cutoff]
  // Background shrinkage (see above). Bandwidth 0 shrinks toward the area mean
  // only: a kernel-smoothed prior lends background to the cells next to clusters
  // and so competes with the trigger's own spatial kernel (on synthetic data it
  // cut the recovered θ by a fifth); the pseudo-count trades that against
  // overfitting per-cell rates (a = 0 gives zero-rate cells and also biases θ
  // down slightly, the incidental-parameter effect). Measured on the recovery test
  // (θ 0.5, 360 cells, ~6,000 events): θ ≈ 0.41-0.44, ω ≈ 15-25% high.
  double background_bandwidth_m = 0.0;
  double background_prior_events = 0.25;
  double global_rate_weight = 0.1;    // weight of the area-mean rate in the smoothed prior
  double profile_prior_events = 1.0;  // Gamma(a, a) prior on each hour/month/dark factor
  // The Knox test that gates and starts the self-excitation (near_repeat.hpp); its
  // mode "em" leaves EM alone with the start above.
  NearRepeatOptions near_repeat;
  // Where fit_parameter looks for this fit first and stores it after (fit_cache.hpp):
  // a hit is the same result, bit for bit. Not an input of the fit (not in its digest).
  std::shared_ptr<FitCache> cache;
};

// Fits one parameter. `events` is the parameter's full sorted history: events with
// t in [t0, t1) are the data, earlier ones (within max_lag_days of t0) only act as
// triggers. The calendar must cover [t0, t1). Throws Error(NoData) without events in
// the window, Error(BadOption) for an inconsistent window. With options.cache, a fit of
// the same inputs found there is returned instead of fitting again (and counted).
EtasParameters fit_parameter(std::span<const CellEvent> events, const CellNetwork& cells,
                             const HourCalendar& calendar, double t0, double t1, bool darkness_applies,
                             const FitOptions& options = {});

struct FittedModel {
  std::vector<ParameterTraits> traits;
  std::vector<EtasParameters> parameters;  // one per parameter, same order
  double fit_start_hours = 0.0, fit_end_hours = 0.0;
};

// Fits every parameter over the calendar's whole period (parameters in parallel,
// each E-step parallel over events; deterministic at any thread count). Parameters
// without any event get a zero-rate model (no error).
FittedModel fit(const EventTable& table, const CellNetwork& cells, const HourCalendar& calendar,
                const std::vector<ParameterTraits>& traits, const FitOptions& options = {});

// Z_v(σ) for every cell (see K above).
std::vector<double> kernel_normalisers(const CellNetwork& cells, double sigma_m);

// Background exposure Σ_hours weight · h · m · E[D] over [t0, t1) (calendar hours).
double background_exposure(const EtasParameters& p, const HourCalendar& calendar, double t0, double t1);

}  // namespace tryggve::simulation
