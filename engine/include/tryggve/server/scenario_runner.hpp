#pragma once
// The viewer's jobs on the scenario runner (scenario/run.hpp): re-run one of the
// run folder's scenarios, or one intervention edited in the page, against the
// run's baseline; or re-make the plans (the plan stage) into the folder's plan/.
//
// The run folder must hold resolved.yaml (written by `tryggve run`): it names the
// inputs, the fit and the seed, so the re-run uses the same map, model and random
// numbers as the run on disk. The prepared Session (map stage, cells, model fit)
// is built on the first job and kept, so every further edit costs one Monte Carlo
// pass; with common random numbers, what an edit does not reach stays identical.
#include <filesystem>
#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>

#include "tryggve/server/jobs.hpp"

namespace tryggve::scenario {
class Session;
struct ScenarioFile;
}  // namespace tryggve::scenario

namespace tryggve::server {

class ScenarioRunner {
 public:
  explicit ScenarioRunner(std::filesystem::path run_dir);
  ~ScenarioRunner();

  // Runs a request validated by validate_job_request. For an intervention:
  //   {"baseline","scenario","change": {mean, lo, hi} true incidents over the
  //    forecast months, "change_share": {mean, lo, hi} (scenario - baseline) /
  //    baseline per replicate, "edges": [{edge_id, baseline, change}] for every
  //    edge whose mean count changes, "months", "replicates", "interval",
  //    "cells" (resolved), "summary_sv", "summary_en", "result" (result.json)}.
  // For a scenario: the same totals and "result". For plans (the plan stage on
  // the run's map, with the run's own plan options, written into its plan/):
  //   {"plans", "patrol": {month, places, officer_hours, harm_prevented},
  //    "lighting": {first_month, projects, unlit_km}, "routes": [{walker, length_m,
  //    risk_share}], "summary_sv", "summary_en"}; the lists are then /api/plan's.
  // Throws Error(FileNotFound) if the folder has no resolved.yaml,
  // Error(BadScenario/BadOption) from the runner.
  nlohmann::json run(const nlohmann::json& request, JobContext& ctx);

  // As a JobRunner for the Server (the runner must outlive it).
  JobRunner as_job_runner();

 private:
  nlohmann::json run_plans(const nlohmann::json& request, const scenario::ScenarioFile& file, JobContext& ctx);
  std::filesystem::path dir_;
  std::mutex mu_;  // one job at a time uses the session
  std::unique_ptr<scenario::ScenarioFile> file_;
  std::unique_ptr<scenario::Session> session_;
};

}  // namespace tryggve::server
