#include "tryggve/situation/forecast.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"

namespace tryggve::situation {

std::vector<CoverageScore> score_forecast(std::span<const double> risk, std::span<const double> measure,
                                          std::span<const double> outcome, std::span<const double> coverages) {
  const std::size_t n = risk.size();
  if (measure.size() != n || outcome.size() != n)
    throw Error(ErrorCode::BadValue, "forecast",
                fmt::format("risk, measure and outcome differ in size ({}, {}, {})", n, measure.size(), outcome.size()));
  double A = 0, N = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!(measure[i] > 0) || !std::isfinite(measure[i]))
      throw Error(ErrorCode::BadValue, fmt::format("forecast unit {}", i), "measure must be > 0");
    A += measure[i];
    N += outcome[i];
  }
  std::vector<std::size_t> by_risk;
  for (std::size_t i = 0; i < n; ++i)
    if (risk[i] > 0) by_risk.push_back(i);
  std::stable_sort(by_risk.begin(), by_risk.end(), [&](std::size_t a, std::size_t b) { return risk[a] > risk[b]; });
  std::vector<std::size_t> by_density(n);
  std::iota(by_density.begin(), by_density.end(), 0);
  std::stable_sort(by_density.begin(), by_density.end(),
                   [&](std::size_t a, std::size_t b) { return outcome[a] / measure[a] > outcome[b] / measure[b]; });

  std::vector<CoverageScore> out;
  for (const double c : coverages) {
    CoverageScore s;
    s.coverage = c;
    s.total = N;
    const double budget = c * A;
    double a = 0;
    for (const std::size_t i : by_risk) {
      // A relative slack keeps a budget that is exactly reached (equal cells) from
      // losing its last unit to rounding.
      if (a + measure[i] > budget * (1 + 1e-12) && s.units > 0) break;
      a += measure[i];
      s.hits += outcome[i];
      ++s.units;
      if (a >= budget) break;
    }
    s.measure_share = A > 0 ? a / A : 0;
    s.hit_rate = N > 0 ? s.hits / N : 0;
    s.pai = (N > 0 && a > 0) ? s.hit_rate / s.measure_share : NAN;
    // Best possible n for measure a: fractional knapsack by outcome density.
    double left = a, best = 0;
    for (const std::size_t i : by_density) {
      if (left <= 0 || outcome[i] <= 0) break;
      const double take = std::min(left, measure[i]);
      best += outcome[i] * take / measure[i];
      left -= take;
    }
    s.pai_max = (N > 0 && a > 0) ? (best / N) / s.measure_share : NAN;
    s.pei = (std::isfinite(s.pai) && s.pai_max > 0) ? s.pai / s.pai_max : NAN;
    out.push_back(s);
  }
  return out;
}

std::vector<BacktestSummary> summarise_backtest(const std::vector<BacktestRow>& rows) {
  std::map<std::pair<std::string, double>, BacktestSummary> acc;
  std::vector<std::pair<std::string, double>> order;
  for (const auto& r : rows) {
    const auto key = std::make_pair(r.method, r.score.coverage);
    auto [it, fresh] = acc.try_emplace(key);
    if (fresh) {
      order.push_back(key);
      it->second.method = r.method;
      it->second.coverage = r.score.coverage;
    }
    if (!(r.score.total > 0) || !std::isfinite(r.score.pai)) continue;
    auto& s = it->second;
    ++s.months;
    s.mean_hit_rate += r.score.hit_rate;
    s.mean_pai += r.score.pai;
    s.mean_pei += std::isfinite(r.score.pei) ? r.score.pei : 0;
  }
  std::vector<BacktestSummary> out;
  for (const auto& k : order) {
    auto s = acc[k];
    if (s.months > 0) {
      s.mean_hit_rate /= s.months;
      s.mean_pai /= s.months;
      s.mean_pei /= s.months;
    } else {
      s.mean_hit_rate = s.mean_pai = s.mean_pei = NAN;
    }
    out.push_back(s);
  }
  return out;
}

namespace {
std::string num(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : std::string(); }
}  // namespace

std::string backtest_csv(const std::vector<BacktestRow>& rows) {
  std::string s = "month,method,coverage,units,measure_share,hits,total,hit_rate,pai,pai_max,pei\n";
  for (const auto& r : rows) {
    const auto& c = r.score;
    s += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", r.month, r.method, num(c.coverage), c.units,
                     num(c.measure_share), num(c.hits), num(c.total), num(c.hit_rate), num(c.pai), num(c.pai_max),
                     num(c.pei));
  }
  return s;
}

std::vector<double> parse_coverages(const std::vector<std::string>& percent, const std::string& key) {
  std::vector<double> out;
  for (const auto& t : percent) {
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (t.empty() || *end != '\0' || !(v > 0) || v > 100)
      throw Error(ErrorCode::BadOption, key, fmt::format("coverage '{}' must be a percentage in (0, 100]", t));
    out.push_back(v / 100.0);
  }
  if (out.empty()) throw Error(ErrorCode::BadOption, key, "at least one coverage is needed");
  return out;
}

}  // namespace tryggve::situation
