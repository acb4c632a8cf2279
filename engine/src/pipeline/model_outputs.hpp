#pragma once
// The fitted baseline model as a run writes it (model.csv, model.json): per
// parameter what EM found beside what the Knox near-repeat test said, so an analyst
// can see why a parameter has near repeats in the forecast, or why it has none.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tryggve/forecast/methods.hpp"
#include "tryggve/pipeline/run_folder.hpp"
#include "tryggve/simulation/model.hpp"

namespace tryggve::pipeline {

// One row per parameter: parameter, events, self_excitation (em | em_from_knox |
// knox_gate | em_despite_knox | off), theta, mean_delay_days, sigma_m, dark_factor, background_share,
// iterations, converged, log_likelihood, likelihood_ratio (where the gate asked), then the Knox test's knox_close_pairs,
// knox_near_m, knox_near_days, knox_near_ratio, knox_near_p, knox_extent_m,
// knox_extent_days, knox_theta, knox_mean_delay_days, knox_sigma_m (empty when not tested).
std::string model_csv(const simulation::FittedModel& model);
// The same per parameter, with each Knox table (bands, observed, expected, p-values).
nlohmann::json model_json(const simulation::FittedModel& model);

// The model's backtest on held-back months (forecast::model_backtest) as a run
// writes it: `csv_name` (forecast::model_backtest_csv) and `json_name` ({"months":
// the months scored, "methods": forecast::model_backtest_json}), atomically.
// Nothing is written for no rows. Throws Error(OutputFailed).
void write_model_backtest(const RunFolder& folder, const std::vector<forecast::ModelBacktestRow>& rows,
                          const char* csv_name, const char* json_name);

}  // namespace tryggve::pipeline
