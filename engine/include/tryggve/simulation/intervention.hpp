#pragma once
// Interventions a planner can try, and scenarios (named sets of them).
//
// Each intervention says where (cells), when (months of the forecast, and for
// patrols / adult presence the local weekdays and hours), how much, and what it
// costs. Its effect on each parameter comes from the evidence table (row
// `evidence_key` × parameter), drawn once per replicate from the row's interval
// and shared by every scenario in that replicate (common random numbers).
//
//  - Lighting acts only on darkness-sensitive, not-indoor parameters, and only
//    when it is dark at the study area at that instant (the sun, not the clock); a
//    mixed-setting parameter's effect is scaled by its share of outdoor events.
//  - Patrols act during their windows with a dose after the Koper curve: the effect
//    of the evidence row (a hot-spot programme of ~15-minute visits about every 2 h)
//    is scaled by dose(visit) = (1 − e^{−v/5 min}) / (1 − e^{−15/5}) (rising to ~15
//    minutes, little gain beyond) and by min(1, visits / (window hours / 2)); after a
//    window ends, residual deterrence decays as e^{−Δ/residual_minutes}.
//  - Adult presence (adults outdoors, safety walks, night walks) acts during its
//    window (evening after office hours by default).
//  - Transit hosts (trygghetsvärdar, ordningsvakter ombord) act during their window
//    on a line's stretch (its streets and stops, scenario/where: `line`), scaled by
//    `coverage`, the share of the line's vehicles in the window that carry hosts: the
//    evidence row is read as the effect on a staffed vehicle, so a half-staffed
//    window gives half the reduction. No dose-response beyond that is known.
// Around every intervention, spill-over (simulation/spillover.hpp): a share of the
// incidents it prevents moves to the ring beyond buffer_m (displacement, which
// conserves incidents), and a benefit that decays with network distance reaches
// the cells inside buffer_m (diffusion), bounded by the core's own effect. The
// shares come from the evidence table (Guerette & Bowers 2009) unless fixed here.
// Optional short-term reaction: a temporary rise for chosen parameters at the
// intervention's cells, peak_rise at the start decaying with decay_weeks.
// Reporting: while present, the chance that an incident is recorded is multiplied
// by (1 + reporting_uplift) (capped at 1), so recorded counts can rise while true
// incidence falls; results keep both.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "tryggve/core/incident.hpp"
#include "tryggve/simulation/cells.hpp"
#include "tryggve/simulation/spillover.hpp"

namespace tryggve::simulation {

enum class InterventionType { Lighting, Patrol, AdultPresence, TransitHost };
const char* to_string(InterventionType t);

// Local weekly window: weekdays (bit 0 = Monday .. bit 6 = Sunday) and hours
// [from_hour, to_hour); to_hour <= from_hour wraps past midnight (22 → 2).
struct WeeklyWindow {
  std::uint8_t weekdays = 0x7F;
  int from_hour = 0, to_hour = 24;
  bool contains(int hour_of_week) const;
  double hours_per_week() const;
};

struct Reaction {
  std::vector<ParameterId> parameters;  // empty: no reaction
  double peak_rise = 0.0;               // e.g. 0.2 = +20% in the first days
  double decay_weeks = 4.0;
  // Forecast month the reaction starts from (-1: the intervention's own start). An
  // intervention split into month spans keeps one origin: more trouble at first
  // means at the very first start, not again at every span.
  int start_month = -1;
};

struct Intervention {
  std::string name;
  InterventionType type = InterventionType::Lighting;
  std::string evidence_key;             // row key in the evidence table (see make_*)
  std::vector<CellId> cells;            // where
  int start_month = 0;                  // forecast months [start_month, end_month)
  int end_month = std::numeric_limits<int>::max();
  WeeklyWindow window;                  // patrol / presence hours (unused by lighting)
  // Patrol dosage.
  double visits_per_week = 0.0;
  double visit_minutes = 15.0;
  double residual_minutes = 30.0;
  // Adult presence: how many (for the record and cost; the evidence gives no dose-response).
  int adults = 0;
  // Lighting: lamps (for the record and cost).
  int lamps = 0;
  // Transit hosts: per staffed vehicle (for the record and cost) and the share of
  // vehicles in the window that are staffed (0 .. 1, scales the effect).
  int hosts = 0;
  double coverage = 1.0;
  // More of what happens is seen and reported while it is there: recorded share x
  // (1 + uplift). NaN: drawn per replicate from the evidence row reporting_presence.
  double reporting_uplift = 0.0;
  Reaction reaction;
  Spillover spillover;
  std::vector<ParameterId> only_parameters;  // empty: every parameter with evidence
  double cost_sek = 0.0;
};

// Factories with the type's default evidence key and reporting uplift (patrols and
// adults: NaN, i.e. drawn from the evidence table's reporting_presence row, an
// assumption with an interval; lighting: none).
Intervention make_lighting(std::string name, std::vector<CellId> cells, int lamps, double cost_sek);
Intervention make_patrol(std::string name, std::vector<CellId> cells, WeeklyWindow window,
                         double visits_per_week, double visit_minutes, double cost_sek);
Intervention make_adult_presence(std::string name, std::vector<CellId> cells, WeeklyWindow window, int adults,
                                 double cost_sek);
Intervention make_transit_host(std::string name, std::vector<CellId> cells, WeeklyWindow window, int hosts,
                               double coverage, double cost_sek);

// Koper-curve dose of one visit relative to a 15-minute visit.
double patrol_visit_dose(double visit_minutes);

struct Scenario {
  std::string name;
  std::vector<Intervention> interventions;
  double cost_sek() const;
};

}  // namespace tryggve::simulation
