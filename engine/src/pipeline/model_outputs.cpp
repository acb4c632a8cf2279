#include "model_outputs.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "tryggve/core/atomic_file.hpp"

namespace tryggve::pipeline {

namespace {

// Empty for NaN (not tested / not estimated): a CSV reader sees a missing value.
std::string num(double v, int digits = 6) { return std::isfinite(v) ? fmt::format("{:.{}g}", v, digits) : std::string(); }
nlohmann::json jnum(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

double mean_delay_days(const simulation::EtasParameters& p) {
  return p.theta > 0 && p.omega_per_hour > 0 ? 1.0 / (24.0 * p.omega_per_hour) : NAN;
}

}  // namespace

std::string model_csv(const simulation::FittedModel& m) {
  std::string s =
      "parameter,events,self_excitation,theta,mean_delay_days,sigma_m,dark_factor,background_share,iterations,converged,"
      "log_likelihood,likelihood_ratio,knox_close_pairs,knox_near_m,knox_near_days,knox_near_ratio,knox_near_p,knox_extent_m,"
      "knox_extent_days,knox_theta,knox_mean_delay_days,knox_sigma_m\n";
  for (std::size_t p = 0; p < m.parameters.size(); ++p) {
    const auto& P = m.parameters[p];
    const auto& nr = P.near_repeat;
    const bool se = P.theta > 0;
    s += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}", m.traits[p].code, P.events, P.self_excitation, num(P.theta),
                     num(mean_delay_days(P)), se ? num(P.sigma_m) : "", P.darkness_applies ? num(P.dark_factor) : "",
                     num(P.background_share), P.iterations, P.converged ? "true" : "false", num(P.log_likelihood, 10),
                     num(P.likelihood_ratio));
    if (nr.tested) {
      const auto& k = nr.knox;
      s += fmt::format(",{},{},{},{},{},{},{},{},{},{}\n", k.close_pairs, num(k.space_bands_m[k.near_space_bands - 1]),
                       num(k.time_bands_days[k.near_time_bands - 1]), num(nr.near_ratio), num(nr.near_p_value),
                       num(nr.extent_m), num(nr.extent_days), num(nr.theta), num(nr.mean_delay_days()), num(nr.sigma_m));
    } else {
      s += ",,,,,,,,,,\n";
    }
  }
  return s;
}

nlohmann::json model_json(const simulation::FittedModel& m) {
  nlohmann::json params = nlohmann::json::array();
  for (std::size_t p = 0; p < m.parameters.size(); ++p) {
    const auto& P = m.parameters[p];
    const auto& nr = P.near_repeat;
    nlohmann::json j = {{"parameter", m.traits[p].code},
                        {"events", P.events},
                        {"self_excitation", P.self_excitation},
                        {"theta", P.theta},
                        {"mean_delay_days", jnum(mean_delay_days(P))},
                        {"sigma_m", P.theta > 0 ? jnum(P.sigma_m) : nlohmann::json(nullptr)},
                        {"darkness_applies", P.darkness_applies},
                        {"dark_factor", P.dark_factor},
                        {"background_share", P.background_share},
                        {"background_events_per_hour", P.total_mu()},
                        {"iterations", P.iterations},
                        {"converged", P.converged},
                        {"log_likelihood", P.log_likelihood},
                        {"likelihood_ratio_vs_poisson", jnum(P.likelihood_ratio)}};
    if (nr.tested) {
      const auto& k = nr.knox;
      j["knox"] = {{"events", k.events},
                   {"close_pairs", k.close_pairs},
                   {"method", hotspot::knox_method_name(k.method)},
                   {"permutations", k.permutations},
                   {"alpha", nr.alpha},
                   {"detected", nr.detected},
                   {"near", {{"within_m", k.space_bands_m[k.near_space_bands - 1]},
                             {"within_days", k.time_bands_days[k.near_time_bands - 1]},
                             {"observed", k.near_observed},
                             {"expected", k.near_expected},
                             {"ratio", jnum(nr.near_ratio)},
                             {"p_value", jnum(nr.near_p_value)}}},
                   {"extent_m", nr.extent_m},
                   {"extent_days", nr.extent_days},
                   {"excess_pairs", nr.excess_pairs},
                   {"estimates", {{"theta", jnum(nr.theta)},
                                  {"mean_delay_days", jnum(nr.mean_delay_days())},
                                  {"sigma_m", jnum(nr.sigma_m)}}},
                   {"space_bands_m", k.space_bands_m},
                   {"time_bands_days", k.time_bands_days},
                   {"observed", k.observed},
                   {"expected", k.expected},
                   {"p_value", k.p_value},
                   {"note", std::string("Knox test on the model's cells (midpoint network distance), pairs i < j, ") +
                                (k.method == hotspot::KnoxMethod::Moments
                                     ? "expected pairs and p-values from the exact moments over all permutations of "
                                       "the event times"
                                     : "event times permuted") +
                                "; the near region's one p-value gates the self-excitation"}};
    }
    params.push_back(std::move(j));
  }
  return {{"fit_start_hours", m.fit_start_hours},
          {"fit_end_hours", m.fit_end_hours},
          {"model", "ETAS on the network's cells, fitted by EM (see engine/include/tryggve/simulation/model.hpp)"},
          {"parameters", params}};
}

void write_model_backtest(const RunFolder& folder, const std::vector<forecast::ModelBacktestRow>& rows,
                          const char* csv_name, const char* json_name) {
  if (rows.empty()) return;
  write_text_atomically(folder.file(csv_name), forecast::model_backtest_csv(rows));
  std::vector<std::string> months;
  for (const auto& r : rows)
    if (std::find(months.begin(), months.end(), r.month) == months.end()) months.push_back(r.month);
  const nlohmann::json j = {{"months", months}, {"methods", forecast::model_backtest_json(rows)}};
  write_text_atomically(folder.file(json_name), j.dump(1) + "\n");
}

}  // namespace tryggve::pipeline
