#include "tryggve/planning/compare.hpp"
#include "interval_json.hpp"

#include <fmt/format.h>

#include "tryggve/core/csv.hpp"
#include "tryggve/core/error.hpp"

namespace tryggve::planning {

using namespace simulation;

std::vector<ComparisonRow> compare_scenarios(const RunResult& run, const std::vector<std::string>& codes,
                                             const std::vector<double>& weights) {
  if (static_cast<int>(codes.size()) != run.parameters)
    throw Error(ErrorCode::BadOption, "scenario comparison",
                fmt::format("{} parameter names for a run with {} parameters", codes.size(), run.parameters));
  std::vector<ComparisonRow> rows;
  for (int s = 1; s < static_cast<int>(run.scenario_count()); ++s) {
    for (int p = -1; p < run.parameters; ++p)
      for (int a = -1; a < run.areas; ++a) {
        Slice sl;
        sl.parameter = p;
        sl.area = a;
        ComparisonRow r;
        r.scenario = run.scenario_names[s];
        r.parameter = p < 0 ? "(all)" : codes[p];
        r.area = a < 0 ? "(all)" : a < static_cast<int>(run.area_names.size()) ? run.area_names[a] : "?";
        r.cost_sek = s < static_cast<int>(run.scenario_cost_sek.size()) ? run.scenario_cost_sek[s] : 0.0;
        r.baseline_true = run.total(0, Measure::True, sl);
        r.scenario_true = run.total(s, Measure::True, sl);
        if (p >= 0 && r.baseline_true.mean == 0.0 && r.scenario_true.mean == 0.0) continue;
        r.difference_true = run.difference(s, Measure::True, sl);
        r.difference_recorded = run.difference(s, Measure::Recorded, sl);
        if (const auto k = run.prevented_per_100k_sek(s, sl)) {
          r.has_cost = true;
          r.prevented_per_100k_sek = k->mean;
        }
        if (!weights.empty()) {
          if (p >= 0) r.harm_difference = weights[p] * r.difference_true.mean;
          else {
            Slice ws = sl;
            ws.parameter_weights = &weights;
            r.harm_difference = run.difference(s, Measure::True, ws).mean;
          }
        }
        rows.push_back(std::move(r));
      }
  }
  return rows;
}

std::string comparison_csv(const std::vector<ComparisonRow>& rows) {
  auto q = [](const std::string& s) { return csv_field(s); };
  std::string s =
      "scenario,parameter,area,cost_sek,baseline_true,scenario_true,difference_true,difference_low,difference_high,"
      "difference_recorded,recorded_low,recorded_high,prevented_per_100k_sek,harm_difference\n";
  for (const auto& r : rows)
    s += fmt::format("{},{},{},{:.0f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{},{:.3f}\n", q(r.scenario),
                     q(r.parameter), q(r.area), r.cost_sek, r.baseline_true.mean, r.scenario_true.mean,
                     r.difference_true.mean, r.difference_true.low, r.difference_true.high,
                     r.difference_recorded.mean, r.difference_recorded.low, r.difference_recorded.high,
                     r.has_cost ? fmt::format("{:.4f}", r.prevented_per_100k_sek) : std::string(), r.harm_difference);
  return s;
}

nlohmann::json to_json(const std::vector<ComparisonRow>& rows) {
  const auto iv = interval_json;
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& r : rows) {
    nlohmann::json j{{"scenario", r.scenario}, {"parameter", r.parameter}, {"area", r.area}, {"cost_sek", r.cost_sek},
                     {"baseline_true", iv(r.baseline_true)}, {"scenario_true", iv(r.scenario_true)},
                     {"difference_true", iv(r.difference_true)}, {"difference_recorded", iv(r.difference_recorded)},
                     {"harm_difference", r.harm_difference}};
    if (r.has_cost) j["prevented_per_100k_sek"] = r.prevented_per_100k_sek;
    arr.push_back(std::move(j));
  }
  return arr;
}

}  // namespace tryggve::planning
