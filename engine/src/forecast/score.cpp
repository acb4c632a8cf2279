#include "tryggve/forecast/score.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"

namespace tryggve::forecast {

Scorer::Scorer(std::span<const double> measure, std::span<const double> outcome, std::span<const double> coverages)
    : measure_(measure.begin(), measure.end()), outcome_(outcome.begin(), outcome.end()),
      coverages_(coverages.begin(), coverages.end()) {
  const std::size_t n = measure.size();
  if (outcome.size() != n)
    throw Error(ErrorCode::BadValue, "forecast",
                fmt::format("measure and outcome differ in size ({}, {})", n, outcome.size()));
  for (std::size_t i = 0; i < n; ++i) {
    if (!(measure[i] > 0) || !std::isfinite(measure[i]))
      throw Error(ErrorCode::BadValue, fmt::format("forecast unit {}", i), "measure must be > 0");
    A_ += measure[i];
    N_ += outcome[i];
    min_measure_ = i == 0 ? measure[i] : std::min(min_measure_, measure[i]);
  }
  for (std::size_t i = 0; i < n; ++i)
    if (outcome[i] > 0) by_density_.push_back(i);
  std::stable_sort(by_density_.begin(), by_density_.end(),
                   [&](std::size_t a, std::size_t b) { return outcome[a] / measure[a] > outcome[b] / measure[b]; });
  for (const double c : coverages) max_coverage_ = std::max(max_coverage_, c);
}

std::vector<CoverageScore> Scorer::score(std::span<const double> risk) const {
  const std::size_t n = measure_.size();
  if (risk.size() != n)
    throw Error(ErrorCode::BadValue, "forecast", fmt::format("{} risks for {} units", risk.size(), n));
  std::vector<std::size_t> by_risk;
  for (std::size_t i = 0; i < n; ++i)
    if (risk[i] > 0) by_risk.push_back(i);
  // Risk descending, ties by unit index: a total order, so sorting only the head
  // gives the same units as sorting everything. The head must reach the largest
  // budget; it is grown until it does.
  auto before = [&](std::size_t a, std::size_t b) { return risk[a] > risk[b] || (risk[a] == risk[b] && a < b); };
  const double enough = min_measure_ > 0 ? std::ceil(max_coverage_ * A_ / min_measure_) + 2 : 0.0;
  std::size_t head = enough < static_cast<double>(by_risk.size()) ? static_cast<std::size_t>(enough) : by_risk.size();
  for (;;) {
    std::partial_sort(by_risk.begin(), by_risk.begin() + static_cast<std::ptrdiff_t>(head), by_risk.end(), before);
    double a = 0;
    for (std::size_t k = 0; k < head; ++k) a += measure_[by_risk[k]];
    if (head == by_risk.size() || a >= max_coverage_ * A_) break;
    head = std::min(by_risk.size(), 2 * head);
  }

  std::vector<CoverageScore> out;
  for (const double c : coverages_) {
    CoverageScore s;
    s.coverage = c;
    s.total = N_;
    const double budget = c * A_;
    double a = 0;
    for (std::size_t k = 0; k < head; ++k) {
      const std::size_t i = by_risk[k];
      // A relative slack keeps a budget that is exactly reached (equal cells) from
      // losing its last unit to rounding.
      if (a + measure_[i] > budget * (1 + 1e-12) && s.units > 0) break;
      a += measure_[i];
      s.hits += outcome_[i];
      ++s.units;
      if (a >= budget) break;
    }
    s.measure_share = A_ > 0 ? a / A_ : 0;
    s.hit_rate = N_ > 0 ? s.hits / N_ : 0;
    s.pai = (N_ > 0 && a > 0) ? s.hit_rate / s.measure_share : NAN;
    // Best possible n for measure a: fractional knapsack by outcome density.
    double left = a, best = 0;
    for (const std::size_t i : by_density_) {
      if (left <= 0) break;
      const double take = std::min(left, measure_[i]);
      best += outcome_[i] * take / measure_[i];
      left -= take;
    }
    s.pai_max = (N_ > 0 && a > 0) ? (best / N_) / s.measure_share : NAN;
    s.pei = (std::isfinite(s.pai) && s.pai_max > 0) ? s.pai / s.pai_max : NAN;
    out.push_back(s);
  }
  return out;
}

std::vector<CoverageScore> score_forecast(std::span<const double> risk, std::span<const double> measure,
                                          std::span<const double> outcome, std::span<const double> coverages) {
  if (measure.size() != risk.size() || outcome.size() != risk.size())
    throw Error(ErrorCode::BadValue, "forecast",
                fmt::format("risk, measure and outcome differ in size ({}, {}, {})", risk.size(), measure.size(),
                            outcome.size()));
  return Scorer(measure, outcome, coverages).score(risk);
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

bool Verdict::beats_naive() const {
  for (const auto& c : coverages)
    if (!(c.ratio_to_best_naive > 1.0)) return false;
  return !coverages.empty();
}

Verdict best_method(const std::vector<BacktestRow>& rows, const std::vector<double>& coverages,
                    const std::vector<std::string>& naive) {
  const auto summary = summarise_backtest(rows);
  auto mean_pai = [&](const std::string& method, double c) {
    for (const auto& s : summary)
      if (s.method == method && std::abs(s.coverage - c) < 1e-12) return std::make_pair(s.mean_pai, s.months);
    return std::make_pair(static_cast<double>(NAN), std::size_t{0});
  };
  std::vector<std::string> methods;
  for (const auto& s : summary)
    if (std::find(methods.begin(), methods.end(), s.method) == methods.end()) methods.push_back(s.method);
  std::vector<std::string> baselines;
  for (const auto& b : naive)
    if (std::find(methods.begin(), methods.end(), b) != methods.end()) baselines.push_back(b);
  if (baselines.empty() || coverages.empty())
    throw Error(ErrorCode::NoData, "forecast backtest", "no naive baseline (all_history, last_month) was scored");
  std::vector<double> best_naive(coverages.size(), NAN);
  for (std::size_t k = 0; k < coverages.size(); ++k)
    for (const auto& b : baselines) {
      const double v = mean_pai(b, coverages[k]).first;
      if (std::isfinite(v) && !(v <= best_naive[k])) best_naive[k] = v;
    }
  Verdict out;
  for (const auto& m : methods) {
    double log_sum = 0;
    bool ok = true;
    for (std::size_t k = 0; k < coverages.size() && ok; ++k) {
      const double v = mean_pai(m, coverages[k]).first;
      ok = std::isfinite(v) && v > 0 && best_naive[k] > 0;
      if (ok) log_sum += std::log(v / best_naive[k]);
    }
    if (!ok) continue;
    const double merit = std::exp(log_sum / static_cast<double>(coverages.size()));
    if (out.best.empty() || merit > out.merit) {
      out.best = m;
      out.merit = merit;
    }
  }
  if (out.best.empty())
    throw Error(ErrorCode::NoData, "forecast backtest", "no method has a PAI at every coverage asked");
  for (std::size_t k = 0; k < coverages.size(); ++k) {
    Verdict::AtCoverage a;
    a.coverage = coverages[k];
    const auto [pai, months] = mean_pai(out.best, coverages[k]);
    a.best_pai = pai;
    out.months = std::max(out.months, months);
    for (const auto& b : baselines) {
      const double v = mean_pai(b, coverages[k]).first;
      a.baselines.push_back(b);
      a.baseline_pai.push_back(v);
      a.ratio.push_back(v > 0 ? pai / v : NAN);
    }
    a.ratio_to_best_naive = best_naive[k] > 0 ? pai / best_naive[k] : NAN;
    out.coverages.push_back(std::move(a));
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

}  // namespace tryggve::forecast
