#include "tryggve/simulation/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "tryggve/core/parallel.hpp"

namespace tryggve::simulation {

namespace {
std::size_t lower(std::span<const CellEvent> ev, double t) {
  return static_cast<std::size_t>(
      std::lower_bound(ev.begin(), ev.end(), t, [](const CellEvent& e, double x) { return e.t < x; }) - ev.begin());
}
}  // namespace

double log_likelihood(const EtasParameters& P, std::span<const CellEvent> ev, const CellNetwork& cells,
                      const HourCalendar& cal, double t0, double t1) {
  const std::size_t a = lower(ev, t0), b = lower(ev, t1);
  const double lag = P.max_lag_hours;
  std::vector<double> Z;
  std::vector<std::vector<std::uint32_t>> by_cell;
  if (P.theta > 0) {
    Z = kernel_normalisers(cells, P.sigma_m);
    by_cell.resize(cells.size());
    for (std::size_t j = lower(ev, t0 - lag); j < b; ++j) by_cell[ev[j].cell].push_back(static_cast<std::uint32_t>(j));
  }
  std::vector<double> ll(b - a, 0.0);
  parallel_for(IndexRange<std::size_t>(a, b, 64), [&](const auto& r) {
    for (std::size_t i = r.begin(); i != r.end(); ++i) {
      const CellEvent& e = ev[i];
      double lam = P.mu[e.cell] * P.hour_of_week[e.hour_of_week] * P.month_of_year[e.month_of_year];
      if (P.darkness_applies && e.dark) lam *= P.dark_factor;
      if (P.theta > 0) {
        const double Lu = cells.cell(e.cell).weight_length();
        for (const Neighbour& nb : cells.neighbours(e.cell)) {
          const auto& list = by_cell[nb.cell];
          auto it = std::lower_bound(list.begin(), list.end(), e.t - lag,
                                     [&](std::uint32_t j, double t) { return ev[j].t < t; });
          for (; it != list.end() && ev[*it].t < e.t; ++it)
            lam += P.theta * P.omega_per_hour * std::exp(-P.omega_per_hour * (e.t - ev[*it].t)) *
                   std::exp(-nb.distance_m / P.sigma_m) * Lu / Z[nb.cell];
        }
      }
      ll[i - a] = std::log(std::max(lam, 1e-300));
    }
  });
  double total = std::accumulate(ll.begin(), ll.end(), 0.0);
  total -= P.total_mu() * background_exposure(P, cal, t0, t1);
  if (P.theta > 0)
    for (std::size_t j = lower(ev, t0 - lag); j < b; ++j)
      total -= P.theta * (std::exp(-P.omega_per_hour * std::max(0.0, t0 - ev[j].t)) -
                          std::exp(-P.omega_per_hour * (t1 - ev[j].t)));
  return total;
}

std::vector<double> expected_counts(const EtasParameters& P, std::span<const CellEvent> ev, const CellNetwork& cells,
                                    const HourCalendar& cal, double t0, double t1) {
  const double e = background_exposure(P, cal, t0, t1);
  std::vector<double> out(cells.size());
  for (std::size_t u = 0; u < cells.size(); ++u) out[u] = P.mu[u] * e;
  if (P.theta > 0) {
    const auto Z = kernel_normalisers(cells, P.sigma_m);
    for (std::size_t j = lower(ev, t0 - P.max_lag_hours); j < lower(ev, t0); ++j) {
      const double mass = P.theta * (std::exp(-P.omega_per_hour * (t0 - ev[j].t)) - std::exp(-P.omega_per_hour * (t1 - ev[j].t)));
      const CellId v = ev[j].cell;
      for (const Neighbour& nb : cells.neighbours(v))
        out[nb.cell] += mass * std::exp(-nb.distance_m / P.sigma_m) * cells.cell(nb.cell).weight_length() / Z[v];
    }
  }
  return out;
}

NaiveModel NaiveModel::from_counts(std::span<const CellEvent> ev, const CellNetwork& cells, double from, double to) {
  NaiveModel m;
  m.rate_per_hour.assign(cells.size(), 0.0);
  for (std::size_t i = lower(ev, from); i < lower(ev, to); ++i) m.rate_per_hour[ev[i].cell] += 1.0;
  const double len = cells.total_length();
  for (std::size_t u = 0; u < cells.size(); ++u)
    m.rate_per_hour[u] = (m.rate_per_hour[u] + cells.cell(static_cast<CellId>(u)).weight_length() / len) / (to - from);
  return m;
}

double NaiveModel::log_likelihood(std::span<const CellEvent> ev, double t0, double t1) const {
  double ll = 0.0;
  for (std::size_t i = lower(ev, t0); i < lower(ev, t1); ++i) ll += std::log(rate_per_hour[ev[i].cell]);
  return ll - std::accumulate(rate_per_hour.begin(), rate_per_hour.end(), 0.0) * (t1 - t0);
}

HitRate hit_rate(const std::vector<double>& score, std::span<const CellEvent> events, const CellNetwork& cells,
                 double coverage) {
  std::vector<CellId> order(cells.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](CellId a, CellId b) { return score[a] > score[b]; });
  std::vector<char> flagged(cells.size(), 0);
  const double budget = coverage * cells.total_length();
  double used = 0.0;
  for (CellId c : order) {
    if (used + cells.length(c) > budget) break;
    used += cells.length(c);
    flagged[c] = 1;
  }
  HitRate h;
  h.events = events.size();
  for (const auto& e : events) h.hits += flagged[e.cell];
  h.area_share = used / cells.total_length();
  h.hit_rate = h.events ? static_cast<double>(h.hits) / h.events : 0.0;
  h.pai = h.area_share > 0 ? h.hit_rate / h.area_share : 0.0;
  return h;
}

Backtest backtest(const EtasParameters& etas, const EtasParameters& poisson, std::span<const CellEvent> ev,
                  const CellNetwork& cells, const HourCalendar& cal, double train_start, double t0, double t1,
                  double window_hours, double coverage) {
  Backtest bt;
  bt.test_events = lower(ev, t1) - lower(ev, t0);
  bt.etas.loglik = log_likelihood(etas, ev, cells, cal, t0, t1);
  bt.poisson.loglik = log_likelihood(poisson, ev, cells, cal, t0, t1);
  const double month = 30.4375 * 24.0;
  const auto last = NaiveModel::from_counts(ev, cells, std::max(train_start, t0 - month), t0);
  const auto all = NaiveModel::from_counts(ev, cells, train_start, t0);
  bt.last_month.loglik = last.log_likelihood(ev, t0, t1);
  bt.all_history.loglik = all.log_likelihood(ev, t0, t1);

  // Rolling windows: each model re-forecasts from everything before the window.
  std::size_t hits[4] = {0, 0, 0, 0}, n = 0;
  double share[4] = {0, 0, 0, 0};
  for (double a = t0; a < t1; a += window_hours) {
    const double b = std::min(a + window_hours, t1);
    const auto win = events_between(ev, a, b);
    const auto s_etas = expected_counts(etas, ev, cells, cal, a, b);
    const auto s_pois = expected_counts(poisson, ev, cells, cal, a, b);
    const auto s_last = NaiveModel::from_counts(ev, cells, std::max(train_start, a - month), a).rate_per_hour;
    const auto s_all = NaiveModel::from_counts(ev, cells, train_start, a).rate_per_hour;
    const std::vector<double>* sc[4] = {&s_etas, &s_pois, &s_last, &s_all};
    for (int k = 0; k < 4; ++k) {
      const HitRate h = hit_rate(*sc[k], win, cells, coverage);
      hits[k] += h.hits;
      share[k] += h.area_share;
    }
    n += win.size();
    ++bt.windows;
  }
  BacktestScores* out[4] = {&bt.etas, &bt.poisson, &bt.last_month, &bt.all_history};
  for (int k = 0; k < 4; ++k) {
    out[k]->hit_rate = n ? static_cast<double>(hits[k]) / n : 0.0;
    const double mean_share = share[k] / std::max(1, bt.windows);
    out[k]->pai = mean_share > 0 ? out[k]->hit_rate / mean_share : 0.0;
  }
  return bt;
}

}  // namespace tryggve::simulation
