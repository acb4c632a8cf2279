#pragma once
// The transit-host planner: which stretches of which lines, on which days and
// hours, to staff with hosts (trygghetsvärdar, ordningsvakter ombord) within a
// budget of host-hours a week.
//
// Candidates (made by the plan stage from the map's transit system and its
// on-board incidents, pipeline/plan_stage.hpp): one per line x stretch between
// two consecutive stops (both directions) x time slice (a day group and a time
// band, e.g. Friday 19-24). Each carries
//   harm_per_week           the severity-weighted on-board incidents of that line
//                           on that stretch in that slice, per week of the history
//                           (each report's weight spread over the stretch its
//                           placement can lie on): the forecast is the recent rate
//   vehicle_hours_per_week  the scheduled time the line's vehicles spend on the
//                           stretch in that slice, per week (from the timetable)
// Staffing it: hosts_per_vehicle hosts on a `coverage` share of those
// vehicle-hours, and at least one team on duty through the whole window:
//   host-hours = hosts_per_vehicle x max(coverage x vehicle-hours, window hours)
// (window hours a week: the slice's hours x its days). Without the floor a slice
// with two night trips and one report would cost minutes and top the ranking on a
// single report; a team is hired for the window, not for the minutes on board.
// Prevented a week = harm x coverage x (1 - RR), RR from the evidence row
// `transit_host` (a staffed vehicle while staffed): the mean over the row's
// two-piece log-normal (quadrature, no random draws) and the 90% interval at its
// 5th and 95th percentiles. The row's interval includes a rise (RR > 1), so the
// low end is negative: hosts may prevent nothing or add reports.
//
// Ranking by the stretch's own prevented harm per host-hour: nothing from
// neighbours (no diffusion counted as a benefit; issue 13). Greedy under the
// budget: best first; a candidate that does not fit what is left is skipped and
// the next tried. Ties: more harm first, then line, stretch and slice order.
// Every item becomes a `transit_host` intervention (line, between, weekdays and
// hours) that a scenario file reads as it is (scenario_yaml()).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tryggve/core/options.hpp"
#include "tryggve/simulation/evidence.hpp"
#include "tryggve/simulation/results.hpp"

namespace tryggve::planning {

struct TransitHostOptions {
  double host_hours_per_week = 80.0;   // the budget
  int hosts_per_vehicle = 2;           // hosts work in pairs
  double coverage = 1.0;               // share of the stretch's vehicles staffed in the slice
  double sek_per_host_hour = 450.0;    // wage and overheads (an assumption: change it)
  int history_months = 6;              // the latest months of on-board reports the forecast reads
  int max_items = 10;                  // at most this many stretches (0: no limit)
  double min_harm_per_week = 0.0;      // candidates with less forecast harm are not ranked
  std::string evidence_key = "transit_host";
  void declare(OptionSet& o);
  // Throws Error(BadOption) naming the option.
  void check() const;
};

struct TransitHostCandidate {
  std::string route_id, line, mode;   // "R5", "5", "spårvagn"
  std::string from_stop, to_stop;     // the stretch's stops (station names)
  std::int64_t stretch_id = -1;       // the line network's edge
  std::string weekdays;               // scenario grammar: "mon-thu", "fri"
  int from_hour = 0, to_hour = 24;    // local hours [from, to)
  std::string slice_sv, slice_en;     // "fredag kväll 19-24"
  double incidents_per_week = 0;
  double harm_per_week = 0;
  double vehicle_hours_per_week = 0;
  double window_hours_per_week = 0;   // (to_hour - from_hour) x days of the week in `weekdays`
};

struct TransitHostItem {
  int rank = 0;
  TransitHostCandidate stretch;
  double host_hours_per_week = 0;
  double cost_sek_per_week = 0;
  simulation::Interval harm_prevented_per_week;  // mean, 5%, 95%
  double prevented_per_host_hour = 0;            // mean
};

struct TransitHostPlan {
  std::vector<TransitHostItem> items;
  std::size_t candidates = 0;          // ranked (with harm and vehicles)
  double host_hours_used = 0;
  simulation::Interval harm_prevented_per_week;  // the items' sum
  double effect_mean = 0, effect_low = 0, effect_high = 0;  // 1 - RR: mean, 5%, 95%
  std::string evidence_source;
  double forecast_weeks = 0;           // the history the rates are per week of
};

// Throws Error(NoData) when the evidence table has no `evidence_key` row.
TransitHostPlan plan_transit_hosts(std::vector<TransitHostCandidate> candidates,
                                   const simulation::EvidenceTable& evidence, const TransitHostOptions& options);

// 1 - RR of a row: mean over its two-piece log-normal and the 5th / 95th percentiles.
struct Effect {
  double mean = 0, low = 0, high = 0;
};
Effect host_effect(const simulation::EvidenceRow& row);

std::string transit_hosts_csv(const TransitHostPlan& plan);
nlohmann::json to_json(const TransitHostPlan& plan, const TransitHostOptions& options);
// The items as a scenario file's `interventions:` list (two-space indented
// entries, `- type: transit_host` ...): paste under a scenario's interventions.
std::string scenario_yaml(const TransitHostPlan& plan, const TransitHostOptions& options);

}  // namespace tryggve::planning
