#pragma once
// The plan stage: the three users' plans from the mapped incidents, on ONE
// forecast model (planning/context.hpp fits it once; each plan asks it for the
// hours it acts in):
//   patrol    the police watch list for next month (planning/patrol.hpp)
//   lighting  the parks department's lighting ranking (planning/lighting.hpp)
//   routes    safety-walk routes for adults outdoors (planning/routes.hpp)
//   transit_hosts  hosts on board: line stretches x days and hours by own harm
//             per host-hour within a budget (planning/transit_hosts.hpp); only
//             when the map has a transit system and on-board reports, and from
//             the placed reports and the timetable, not the street forecast
// and its part of a run folder, plan/ (names in pipeline/run_folder.hpp): per plan
// a CSV, a JSON and a GeoPackage, each written atomically.
//
// `tryggve plan patrol|lighting|routes` runs one plan, a scenario file's
// `stages.plan` (and `tryggve demo` through it) all three unless one is switched
// off, and the viewer's server re-runs them as a job.
#include <memory>
#include <optional>
#include <string>

#include "tryggve/core/options.hpp"
#include "tryggve/pipeline/map_stage.hpp"
#include "tryggve/pipeline/run_folder.hpp"
#include "tryggve/planning/context.hpp"
#include "tryggve/planning/lighting.hpp"
#include "tryggve/planning/patrol.hpp"
#include "tryggve/planning/routes.hpp"
#include "tryggve/planning/transit_hosts.hpp"
#include "tryggve/simulation/calendar.hpp"

namespace tryggve::pipeline {

struct PlanStageOptions {
  // The forecast all plans share (its time zone is the map stage's).
  planning::ContextOptions context;
  std::string evidence;  // the evidence table CSV; "" = the shipped engine/data/evidence.csv
  bool patrol_enabled = true, lighting_enabled = true, routes_enabled = true;
  bool transit_hosts_enabled = true;  // runs only where the map has lines and on-board reports
  planning::PatrolOptions patrol;
  planning::LightingOptions lighting;
  planning::RouteOptions routes;
  planning::TransitHostOptions transit_hosts;

  // The options shared by the plans: the forecast's and `evidence`. Each plan's
  // own are declared by planning::PatrolOptions etc.
  void declare(OptionSet& o);
  // What can be checked before the data are read and the model fitted (the
  // enabled plans' time windows and start points). Throws Error(BadOption).
  void check() const;
};

// The plans made; absent when switched off.
struct Plans {
  std::optional<planning::PatrolPlan> patrol;
  std::optional<planning::LightingPlan> lighting;
  std::optional<planning::RoutePlan> routes;
  std::optional<planning::TransitHostPlan> transit_hosts;
};

struct PlanResult {
  // The forecast the plans came from; it refers to the map result's network,
  // lixels and taxonomy, which must outlive it.
  std::unique_ptr<planning::PlanningContext> context;
  Plans plans;
};

// Where the sun is for the study area: the network's centre in WGS84, or (a run
// without a CRS) the default place, with a warning.
simulation::Place study_place(const MapResult& map);

// The enabled plans. Throws Error(NoData) when no placed incident has a time and
// a parameter, Error(BadOption) for bad options.
PlanResult run_plan(const MapResult& map, const PlanStageOptions& options);

// The transit-host planner's candidates: per route x line-network edge x time
// slice (pipeline/transit_hotspots.hpp's day groups and bands) the on-board harm
// a week of the latest options.history_months months and the timetable's
// vehicle-hours a week. Empty without a transit system or on-board reports.
// `forecast_weeks`: the weeks the history spans.
std::vector<planning::TransitHostCandidate> transit_host_candidates(const MapResult& map,
                                                                    const planning::TransitHostOptions& options,
                                                                    double* forecast_weeks = nullptr);

// plan/: watch_list.csv/.json, patrol_backtest.csv, patrol.gpkg; lighting.csv/.json,
// lighting.gpkg; routes.csv/.json, routes.gpkg; transit_hosts.csv/.json/.yaml
// (for the plans made).
void write_plan(const RunFolder& folder, const MapResult& map, const PlanResult& result,
                const PlanStageOptions& options);

}  // namespace tryggve::pipeline
