#pragma once
// Scenarios side by side, from one Monte Carlo run (simulation::RunResult): per
// scenario, parameter and area, the baseline and the scenario's expected true and
// recorded incidents, the difference with its 90% interval (taken replicate by
// replicate: common random numbers), the cost and the incidents prevented per
// 100,000 SEK. Rows with parameter or area "(all)" are the totals.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tryggve/simulation/results.hpp"

namespace tryggve::planning {

struct ComparisonRow {
  std::string scenario, parameter, area;  // "(all)" for totals
  double cost_sek = 0.0;
  simulation::Interval baseline_true, scenario_true, difference_true, difference_recorded;
  double prevented_per_100k_sek = 0.0;     // mean; 0 without cost
  bool has_cost = false;
  double harm_difference = 0.0;            // severity-weighted mean difference (weights given)
};

// parameter_codes[p] names parameter p; weights (may be empty) weight the harm column.
// Every scenario after the baseline; parameters with no incidents in the baseline
// and the scenario are left out of the per-parameter rows.
std::vector<ComparisonRow> compare_scenarios(const simulation::RunResult& run,
                                             const std::vector<std::string>& parameter_codes,
                                             const std::vector<double>& weights = {});

std::string comparison_csv(const std::vector<ComparisonRow>& rows);
nlohmann::json to_json(const std::vector<ComparisonRow>& rows);

}  // namespace tryggve::planning
