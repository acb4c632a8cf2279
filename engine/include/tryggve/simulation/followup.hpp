#pragma once
// Follow-up of a measure that was actually deployed ("redovisa resultat"): did it
// work, and how sure are we? Three views of the same question, each with a 90%
// interval, on the incidents the measure can act on (the evidence table's rows for
// its evidence key, as the simulation uses them) in the hours it acts (lighting:
// the dark hours; patrols and adults outdoors: their weekly windows):
//
//  1. Against the model's counterfactual. The self-exciting model (model.hpp, the
//     simulation's) is fitted to the history before the start only; over the
//     deployment period its conditional intensity on the core's cells, given the
//     incidents that really happened, is the count expected without the measure:
//       E = Σ_p Σ_core [ μ_u · exposure_p(active hours) + Σ_j θ ω e^{−ω(t − t_j)} K(c_j → u) ],
//     and RR = observed / E (the same semantics as the simulation, whose thinning
//     scales the whole intensity). The interval combines the Poisson count
//     (Garwood's exact limits) with the uncertainty of the core's fitted rate (its
//     own pre-period count), in quadrature on the log scale.
//  2. Against a comparison area of similar streets, chosen automatically: cells
//     outside the measure's spill-over ring (and for lighting, unlit like the core
//     was) whose fitted pre-period rate is closest to the core's, enough of them to
//     expect at least three times the core's count. Difference in differences on
//     the log scale: RR = (post_T / pre_T) / (post_C / pre_C), var = Σ 1/n.
//  3. Spill-over: the weighted displacement quotient (Bowers & Johnson 2003) with the
//     core as response, the ring within outer_m as buffer and the comparison area as
//     control, before and after, with a parametric (Poisson) bootstrap interval.
//
// The early rise ("more trouble at first") is shown apart: view 1 for the first
// early_weeks and for the rest. Recorded and true counts are kept apart: a measure
// that brings people outside raises the share of incidents reported (the
// intervention's reporting_uplift, as in the simulation), so the true RR is the
// recorded one divided by (1 + uplift); a rise in reports is not read as failure.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "tryggve/simulation/calendar.hpp"
#include "tryggve/simulation/cells.hpp"
#include "tryggve/simulation/events.hpp"
#include "tryggve/simulation/evidence.hpp"
#include "tryggve/simulation/intervention.hpp"
#include "tryggve/simulation/model.hpp"
#include "tryggve/simulation/results.hpp"

namespace tryggve::simulation {

struct Deployment {
  // What was done, in the scenario grammar (type, cells, weekly window, evidence
  // key, reporting uplift, spill-over rings); its start_month/end_month are unused.
  Intervention intervention;
  // When it really ran, in the calendar's hours; end may be the end of the data.
  double start_hours = 0.0, end_hours = 0.0;
};

struct FollowupOptions {
  int pre_months = 24;          // history before the start the counterfactual is fitted on
  FitOptions fit;
  double early_weeks = 6.0;     // the early-rise period, shown apart
  double comparison_factor = 3.0;  // comparison area: expect at least this x the core's count
  double confidence = 0.90;
  std::uint64_t seed = 0;       // the WDQ bootstrap (0: default_seed())
  int bootstrap = 2000;
};

struct Estimate {
  double observed = 0.0;   // incidents counted (recorded)
  double expected = 0.0;   // what the view expects without the measure
  double rr = std::numeric_limits<double>::quiet_NaN();
  double low = std::numeric_limits<double>::quiet_NaN();
  double high = std::numeric_limits<double>::quiet_NaN();
  bool defined() const { return rr == rr; }
};

struct FollowupMonth {
  std::string month;       // "2025-07"
  double observed = 0.0, expected = 0.0;  // core, active hours; expected = the model's counterfactual
};

struct FollowupResult {
  std::vector<ParameterId> parameters;  // the incidents the measure can act on
  std::string active_hours;             // "dark", "window" or "all"
  double pre_start_hours = 0.0;         // the fit window [pre_start, start)
  std::size_t core_cells = 0, ring_cells = 0;
  std::vector<CellId> comparison_cells;
  double pre_observed_core = 0.0;       // the core's incidents in the fit window (active hours)

  Estimate model;                 // view 1, whole period, recorded incidents
  Estimate model_true;            // the same, corrected for the reporting uplift
  Estimate early, later;          // view 1 for the first early_weeks and after
  Estimate did;                   // view 2
  std::optional<Interval> wdq;    // view 3 (nullopt when undefined)
  double wdq_counts[6] = {};      // Rb, Ra, Db, Da, Cb, Ca
  double reporting_uplift = 0.0;
  std::vector<FollowupMonth> monthly;
  std::string note;               // what could not be estimated and why
};

// The evidence row through which `iv` acts on parameter p, or nullptr: lighting
// only on darkness-sensitive parameters that are not indoor; a parameter list
// restricts it. The one rule the simulation and the follow-up share.
const EvidenceRow* acting_row(const Intervention& iv, const ParameterTraits& p, std::size_t p_index,
                              const EvidenceTable& evidence);

// Follows one deployment up. `events` must hold the whole history (incidents of
// every parameter, recorded), `calendar` cover [start − pre_months, end). Throws
// Error(BadOption) for an empty core, a period outside the calendar, or nothing
// the measure can act on; Error(NoData) without incidents before the start.
FollowupResult follow_up(const EventTable& events, const CellNetwork& cells, const HourCalendar& calendar,
                         const std::vector<ParameterTraits>& traits, const EvidenceTable& evidence,
                         const Deployment& deployment, const FollowupOptions& options = {});

// What a reader may say of a relative risk and its 90% interval, as one word the
// month report, the follow-up table and the viewer all use: "fewer_clear" (the
// interval ends below 0.9), "fewer_slight", "more_clear" (starts above 1.1),
// "more_slight", "no_change" (holds 1 and is narrow), "unclear_wide" (holds 1,
// high/low > 2: too early to say), "unknown" (not estimated).
std::string verdict_key(double rr, double low, double high);

}  // namespace tryggve::simulation
