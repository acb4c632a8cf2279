#include "tryggve/simulation/results.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>

#include "tryggve/core/error.hpp"

namespace tryggve::simulation {

namespace {
double quantile_sorted(const std::vector<double>& v, double q) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto i = static_cast<std::size_t>(std::floor(pos));
  const double f = pos - static_cast<double>(i);
  return i + 1 < v.size() ? v[i] * (1 - f) + v[i + 1] * f : v[i];
}
}  // namespace

Interval summarise(std::vector<double> v) {
  Interval r;
  if (v.empty()) {
    r.mean = r.low = r.high = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  r.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  std::sort(v.begin(), v.end());
  r.low = quantile_sorted(v, 0.05);
  r.high = quantile_sorted(v, 0.95);
  return r;
}

WdqFigures weighted_displacement(double Rb, double Ra, double Db, double Da, double Cb, double Ca) {
  WdqFigures f;
  f.gross_effect = Rb - Ra;
  f.net_effect = Rb / Cb - Ra / Ca;
  const double den = Ra / Ca - Rb / Cb;
  f.wdq = den == 0.0 ? std::numeric_limits<double>::quiet_NaN() : (Da / Ca - Db / Cb) / den;
  f.total_net_effect = (Rb * (Ca / Cb) - Ra) + (Db * (Ca / Cb) - Da);
  return f;
}

int RunResult::scenario_index(const std::string& name) const {
  for (std::size_t i = 0; i < scenario_names.size(); ++i)
    if (scenario_names[i] == name) return static_cast<int>(i);
  return -1;
}

std::vector<double> RunResult::replicate_totals(int scenario, Measure m, const Slice& s) const {
  if (scenario < 0 || scenario >= static_cast<int>(scenario_count()))
    throw Error(ErrorCode::BadOption, "simulation results", "no scenario " + std::to_string(scenario));
  const auto& c = m == Measure::True ? true_counts : recorded_counts;
  const int mt = s.month_to < 0 ? months : std::min(s.month_to, months);
  std::vector<double> out(replicates, 0.0);
  const std::size_t per_rep = static_cast<std::size_t>(parameters) * areas * months;
  for (int r = 0; r < replicates; ++r) {
    const std::size_t base = (static_cast<std::size_t>(scenario) * replicates + r) * per_rep;
    double sum = 0.0;
    for (int p = 0; p < parameters; ++p) {
      if (s.parameter >= 0 && p != s.parameter) continue;
      const double w = s.parameter_weights ? (*s.parameter_weights)[p] : 1.0;
      for (int a = 0; a < areas; ++a) {
        if (s.area >= 0 && a != s.area) continue;
        const std::size_t o = base + (static_cast<std::size_t>(p) * areas + a) * months;
        for (int mo = s.month_from; mo < mt; ++mo) sum += w * c[o + mo];
      }
    }
    out[r] = sum;
  }
  return out;
}

Interval RunResult::total(int scenario, Measure m, const Slice& s) const {
  return summarise(replicate_totals(scenario, m, s));
}

Interval RunResult::difference(int scenario, Measure m, const Slice& s) const {
  auto a = replicate_totals(scenario, m, s);
  const auto b = replicate_totals(0, m, s);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] -= b[i];
  return summarise(std::move(a));
}

std::optional<Interval> RunResult::prevented_per_100k_sek(int scenario, const Slice& s) const {
  const double cost = scenario_cost_sek.at(scenario);
  if (!(cost > 0)) return std::nullopt;
  auto a = replicate_totals(0, Measure::True, s);
  const auto b = replicate_totals(scenario, Measure::True, s);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = (a[i] - b[i]) / cost * 1e5;
  return summarise(std::move(a));
}

double RunResult::zone_mean(int scenario, int zone, bool of_scenario, int parameter) const {
  if (scenario <= 0 || scenario >= static_cast<int>(scenario_count()) || zone < 0 || zone > 2) return 0.0;
  double sum = 0.0;
  for (int r = 0; r < replicates; ++r)
    for (int p = 0; p < parameters; ++p) {
      if (parameter >= 0 && p != parameter) continue;
      sum += zone_counts[((static_cast<std::size_t>(scenario) * replicates + r) * parameters + p) * 6 +
                         (of_scenario ? 3 : 0) + zone];
    }
  return replicates > 0 ? sum / replicates : 0.0;
}

std::optional<Interval> RunResult::wdq_zones(int scenario, int parameter) const {
  if (scenario <= 0 || scenario >= static_cast<int>(scenario_count()) || zone_counts.empty()) return std::nullopt;
  std::array<double, 6> mean{};
  std::vector<double> per;
  for (int r = 0; r < replicates; ++r) {
    std::array<double, 6> z{};
    for (int p = 0; p < parameters; ++p) {
      if (parameter >= 0 && p != parameter) continue;
      const std::uint32_t* c = &zone_counts[((static_cast<std::size_t>(scenario) * replicates + r) * parameters + p) * 6];
      for (int k = 0; k < 6; ++k) z[k] += c[k];
    }
    for (int k = 0; k < 6; ++k) mean[k] += z[k] / replicates;
    if (z[2] > 0 && z[5] > 0) {
      const double w = weighted_displacement(z[0], z[3], z[1], z[4], z[2], z[5]).wdq;
      if (std::isfinite(w)) per.push_back(w);
    }
  }
  if (!(mean[2] > 0 && mean[5] > 0)) return std::nullopt;
  const double central = weighted_displacement(mean[0], mean[3], mean[1], mean[4], mean[2], mean[5]).wdq;
  if (!std::isfinite(central)) return std::nullopt;
  Interval out = summarise(std::move(per));
  out.mean = central;
  return out;
}

std::optional<Interval> RunResult::wdq(int scenario, int R, int D, int C, Measure m, int parameter) const {
  Slice s;
  s.parameter = parameter;
  s.area = R;
  const auto Rb = replicate_totals(0, m, s), Ra = replicate_totals(scenario, m, s);
  s.area = D;
  const auto Db = replicate_totals(0, m, s), Da = replicate_totals(scenario, m, s);
  s.area = C;
  const auto Cb = replicate_totals(0, m, s), Ca = replicate_totals(scenario, m, s);
  auto mean = [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / v.size(); };
  const double central = weighted_displacement(mean(Rb), mean(Ra), mean(Db), mean(Da), mean(Cb), mean(Ca)).wdq;
  if (!std::isfinite(central)) return std::nullopt;
  std::vector<double> per;
  for (int r = 0; r < replicates; ++r) {
    if (Cb[r] <= 0 || Ca[r] <= 0) continue;
    const double w = weighted_displacement(Rb[r], Ra[r], Db[r], Da[r], Cb[r], Ca[r]).wdq;
    if (std::isfinite(w)) per.push_back(w);
  }
  Interval out = summarise(std::move(per));
  out.mean = central;
  return out;
}

namespace {
std::vector<double> spill_totals(const RunResult& r, int scenario, int parameter, int which) {
  std::vector<double> out(static_cast<std::size_t>(r.replicates), 0.0);
  const auto S = r.scenario_count();
  if (scenario <= 0 || static_cast<std::size_t>(scenario) >= S || r.spill_counts.empty()) return out;
  for (int rep = 0; rep < r.replicates; ++rep)
    for (int p = 0; p < r.parameters; ++p) {
      if (parameter >= 0 && p != parameter) continue;
      out[rep] += r.spill_counts[((static_cast<std::size_t>(rep) * r.parameters + p) * S + scenario) * 2 + which];
    }
  return out;
}
}  // namespace

std::vector<double> RunResult::core_prevented(int scenario, int parameter) const {
  return spill_totals(*this, scenario, parameter, 0);
}

std::vector<double> RunResult::displaced(int scenario, int parameter) const {
  return spill_totals(*this, scenario, parameter, 1);
}

std::vector<double> RunResult::cell_means(int scenario, int parameter) const {
  std::vector<double> out(cells, 0.0);
  for (int p = 0; p < parameters; ++p) {
    if (parameter >= 0 && p != parameter) continue;
    const std::size_t o = (static_cast<std::size_t>(scenario) * parameters + p) * cells;
    for (std::size_t c = 0; c < cells; ++c) out[c] += cell_mean[o + c];
  }
  return out;
}

}  // namespace tryggve::simulation
