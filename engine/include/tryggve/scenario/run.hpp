#pragma once
// Running a scenario file: the file's stages in order, each a pipeline stage
// (pipeline/*_stage.hpp), with what only a scenario file has: its interventions'
// `where` and `when` resolved against the map and the forecast.
//
//   Session s(file);                 // map stage + fit stage, once
//   auto scen = s.resolve(file);     // where/when -> cells and months (validation)
//   auto res  = s.simulate(scen, file);   // the simulate stage: baseline + scenarios (CRN)
//   s.write_scenarios(res, scen, file, dir);   // scenarios/NAME/{result.json,areas.csv,cells.csv}
//
// The viewer edits one intervention and re-runs: it keeps the Session (the
// network, cells, fitted model and history stay), re-resolves and re-simulates;
// common random numbers make every number the edit does not reach identical.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tryggve/pipeline/control.hpp"
#include "tryggve/pipeline/fit_stage.hpp"
#include "tryggve/pipeline/map_stage.hpp"
#include "tryggve/pipeline/run_folder.hpp"
#include "tryggve/pipeline/plan_stage.hpp"
#include "tryggve/pipeline/simulate_stage.hpp"
#include "tryggve/scenario/scenario.hpp"
#include "tryggve/transit/system.hpp"

namespace tryggve::scenario {

using pipeline::ResolvedIntervention;
using pipeline::ResolvedScenario;
using pipeline::RunControl;

class Session {
 public:
  // Runs the map stage and, when `fit` is true and the file simulates, the fit
  // stage. Throws tryggve::Error from any stage.
  explicit Session(const ScenarioFile& file, const RunControl& control = {}, bool fit = true);
  ~Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;

  const pipeline::MapResult& map() const;
  const pipeline::FitResult& fit() const;
  const simulation::CellNetwork& cells() const;
  const simulation::FittedModel& model() const;           // throws if not fitted
  const simulation::HourCalendar& forecast() const;
  const simulation::EvidenceTable& evidence() const;
  std::string forecast_start() const;                     // YYYY-MM, resolved
  bool fitted() const;
  // True if `other` needs no new map or fit (same inputs and fit options).
  bool reusable_for(const ScenarioFile& other) const;

  // Resolves every scenario's where/when against the map and the forecast.
  // Throws Error(BadScenario) "FILE:LINE", "PATH: what was expected", e.g.
  // "interventions[2].where.park: no park named 'Kvarnparken' (parks: ...)".
  std::vector<ResolvedScenario> resolve(const ScenarioFile& file) const;

  // The simulate stage: baseline + scenarios, N replicates of the forecast months (file.simulate).
  simulation::RunResult simulate(const std::vector<ResolvedScenario>& scenarios, const ScenarioFile& file,
                                 const RunControl& control = {}) const;

  // result.json of one scenario (index into the result, >= 1); `slices` as in
  // pipeline::scenario_result_json.
  nlohmann::json result_json(const simulation::RunResult& res, int scenario, const ResolvedScenario& spec,
                             const ScenarioFile& file, bool slices = true) const;
  // Writes DIR/scenarios/NAME/{result.json, areas.csv, cells.csv} for every scenario.
  void write_scenarios(const simulation::RunResult& res, const std::vector<ResolvedScenario>& scenarios,
                       const ScenarioFile& file, const std::filesystem::path& dir) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// One intervention as the simulation and the follow-up take it: `where` resolved to
// cells on `map` (the scenario rules: names in the map's layers, network radii),
// the evidence key checked against `evidence`, parameters against the taxonomy.
// Its start/end months are left at 0 (the caller knows its period). The cells go
// to *cells_out when given; `transit` is the map's public-transport system, for
// `where: line`. Throws Error(BadScenario) naming the file line and key.
simulation::Intervention make_intervention(const InterventionSpec& iv, const pipeline::MapResult& map,
                                           const simulation::CellNetwork& cells,
                                           const simulation::EvidenceTable& evidence, double park_buffer_m,
                                           std::vector<simulation::CellId>* cells_out = nullptr,
                                           const transit::System* transit = nullptr);

struct RunSummary {
  std::filesystem::path out;
  std::vector<std::string> scenarios;
  simulation::RunResult result;
  std::string forecast_start;
  pipeline::Plans plans;  // when the file has stages.plan
};

// The plan stage's options as the file gives them, its evidence "" meaning the
// simulate stage's table (one evidence table per run).
pipeline::PlanStageOptions plan_options(const ScenarioFile& file);

// `tryggve run`: the map stage's outputs (map.gpkg, map_summary.json, rejects.csv),
// the hotspots stage when the file asks for it, the fit and simulate stages (model,
// per-scenario outputs, the scenario comparison), the plan stage when the file asks
// for it (plan/, on the same map) and resolved.yaml at `out`. Pass a Session to
// reuse its map and fit (it must be reusable_for(file)).
// `out` carries the language of the GeoPackages' QGIS styles (a plain path: Swedish).
RunSummary run(const ScenarioFile& file, const pipeline::RunFolder& out, const RunControl& control = {},
               Session* session = nullptr);

// `tryggve validate`: everything run checks before the model fit (file, keys,
// ranges, the map stage, that every named place exists, months in the forecast).
// Returns one line per scenario ("NAME: 3 interventions, 412 cells").
std::vector<std::string> validate(const ScenarioFile& file, const RunControl& control = {});

}  // namespace tryggve::scenario
