#pragma once
// The simulate stage: the Monte Carlo of the baseline and every scenario on a
// fitted model (common random numbers: what an intervention does not reach is
// identical between scenarios), and its part of a run folder:
// scenarios/NAME/{result.json, areas.csv, cells.csv} and
// plan/scenario_comparison.csv.
//
// A scenario arrives resolved: its interventions turned into cells and forecast
// months (scenario files resolve `where` and `when` in scenario/run.hpp; the
// viewer's edits and, next, the monthly cycle's deployments the same way).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tryggve/core/incident.hpp"
#include "tryggve/pipeline/control.hpp"
#include "tryggve/pipeline/fit_stage.hpp"
#include "tryggve/pipeline/run_folder.hpp"
#include "tryggve/simulation/intervention.hpp"
#include "tryggve/simulation/results.hpp"
#include "tryggve/simulation/simulator.hpp"
#include "tryggve/taxonomy/taxonomy.hpp"

namespace tryggve::pipeline {

// One resolved intervention with what it covers (for result.json and the viewer).
struct ResolvedIntervention {
  std::string name, type;
  std::vector<simulation::CellId> cells;
  std::vector<network::EdgeId> edges;
  int start_month = 0, end_month = 0;  // forecast months [start, end)
  double cost_sek = 0.0;
  std::string evidence_key;
};

struct ResolvedScenario {
  std::string name, description;
  simulation::Scenario scenario;  // interventions split per month range
  std::vector<ResolvedIntervention> interventions;
};

// What result.json says about the run it belongs to.
struct RunInfo {
  std::string name;       // the run (scenario file) name
  std::uint64_t seed = 0;
  int top_k = 20;         // size of the top-k hotspot cell sets compared before/after
};

// Baseline + scenarios, options.replicates replicates of the forecast months.
// `where_rates` names options.reporting_rates in messages. Throws
// Error(BadScenario) for an unknown parameter code in reporting_rates,
// Error(Interrupted) when cancelled.
simulation::RunResult run_simulate(const FitResult& fit, const std::vector<ResolvedScenario>& scenarios,
                                   const SimulateOptions& options, std::uint64_t seed, const Taxonomy& taxonomy,
                                   const RunControl& control = {},
                                   const std::string& where_rates = "stages.simulate.reporting_rates");

// The simulator's options for the stage (what run_simulate uses): kept
// simulators (the viewer's what-if, sweeps) must draw what a run draws.
simulation::SimulatorOptions simulator_options(const FitResult& fit, const SimulateOptions& options, std::uint64_t seed,
                                               const Taxonomy& taxonomy, const RunControl& control = {},
                                               const std::string& where_rates = "stages.simulate.reporting_rates");

// result.json of scenario `s` (index into the result, >= 1). Without `slices`, it
// leaves out by_parameter_area_month: a summary of every parameter x area x month
// (sorting the replicates of each), most of the cost at 1,000 replicates, and the
// viewer's what-if shows the totals only.
nlohmann::json scenario_result_json(const FitResult& fit, const simulation::RunResult& result, int s,
                                    const ResolvedScenario& spec, const RunInfo& run, bool slices = true);

// DIR/scenarios/NAME/{result.json, areas.csv, cells.csv} for every scenario.
void write_scenarios(const RunFolder& folder, const FitResult& fit, const simulation::RunResult& result,
                     const std::vector<ResolvedScenario>& scenarios, const RunInfo& run);

// DIR/plan/scenario_comparison.csv: the scenarios side by side (planning/compare.hpp).
void write_scenario_comparison(const RunFolder& folder, const simulation::RunResult& result, const Taxonomy& taxonomy);

// Parameter codes to ids; Error(BadScenario) at `where` naming `path`, the code,
// the closest code and every code otherwise.
std::vector<ParameterId> parameter_ids(const Taxonomy& taxonomy, const std::vector<std::string>& codes,
                                       const std::string& where, const std::string& path);

}  // namespace tryggve::pipeline
