#include "tryggve/forecast/etas.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/month.hpp"
#include "tryggve/core/parallel.hpp"
#include "tryggve/simulation/evaluation.hpp"

namespace tryggve::forecast {

using namespace simulation;

std::vector<double> cascade(const EtasParameters& P, const CellNetwork& units, std::vector<double> x,
                            double window_hours) {
  if (!(P.theta > 0) || !(window_hours > 0)) return x;
  const double wW = P.omega_per_hour * window_hours;
  const double theta = P.theta * (1.0 - (wW > 1e-12 ? (1.0 - std::exp(-wW)) / wW : 1.0));
  if (!(theta > 0)) return x;
  const auto Z = kernel_normalisers(units, P.sigma_m);
  std::vector<double> total = x, next(x.size());
  for (int generation = 0; generation < 200; ++generation) {
    std::fill(next.begin(), next.end(), 0.0);
    double added = 0, sum = 0;
    // Scattered from the units with mass, in unit order: the same sums at any thread count.
    for (std::size_t v = 0; v < x.size(); ++v) {
      if (x[v] == 0 || !(Z[v] > 0)) continue;
      const double f = theta * x[v] / Z[v];
      for (const Neighbour& nb : units.neighbours(static_cast<CellId>(v)))
        next[nb.cell] += f * std::exp(-nb.distance_m / P.sigma_m) * units.cell(nb.cell).weight_length();
    }
    for (std::size_t u = 0; u < x.size(); ++u) {
      total[u] += next[u];
      added += next[u];
      sum += total[u];
    }
    x.swap(next);
    if (!(added > 1e-9 * sum)) break;
  }
  return total;
}

std::vector<double> SelfExcitingForecast::Month::total() const {
  std::vector<double> t(background.size());
  for (std::size_t u = 0; u < t.size(); ++u) t[u] = background[u] + triggered[u];
  return t;
}

FitOptions SelfExcitingForecast::default_fit() {
  FitOptions o;
  o.max_iterations = 20;
  o.max_lag_days = 30;
  return o;
}

SelfExcitingForecast::SelfExcitingForecast(const CellNetwork& units, const History& history,
                                           std::vector<ParameterTraits> traits, Place place, TimeZone zone,
                                           FitOptions fit, int through_month)
    : units_(&units), traits_(std::move(traits)), zone_(std::move(zone)), fit_(std::move(fit)) {
  if (traits_.size() != history.parameters())
    throw Error(ErrorCode::BadOption, "forecast model",
                fmt::format("traits for {} parameters, history of {}", traits_.size(), history.parameters()));
  if (units.size() != history.units())
    throw Error(ErrorCode::BadOption, "forecast model",
                fmt::format("{} units, history on {}", units.size(), history.units()));
  first_ = history.first_month();
  through_ = std::max(through_month, history.last_month() + 1);
  const auto [y, m] = year_month(first_);
  calendar_ = HourCalendar(local_months(zone_, y, m, through_ - first_ + 1), zone_, place);
  events_.resize(traits_.size());
  for (const auto& e : history.events()) events_[e.parameter].push_back(make_cell_event(e.time, e.unit, e.outdoor, calendar_));
  for (auto& v : events_)
    std::stable_sort(v.begin(), v.end(), [](const CellEvent& a, const CellEvent& b) { return a.t < b.t; });
}

double SelfExcitingForecast::month_start(int month) const {
  const auto [y, m] = year_month(month);
  return calendar_.to_hours(zone_.from_local(y, m, 1, 0, 0, 0).utc_seconds);
}

double SelfExcitingForecast::dark_share(int month) const {
  const double a = std::max(month_start(month), calendar_.start_hours());
  const double b = std::min(month_start(month + 1), calendar_.end_hours());
  double dark = 0, hours = 0;
  for (auto h = static_cast<std::size_t>(std::max(0.0, std::floor(a))); h < calendar_.size() && static_cast<double>(h) < b; ++h) {
    const double w = std::min(static_cast<double>(h + 1), b) - std::max(static_cast<double>(h), a);
    if (w <= 0) continue;
    dark += w * calendar_.dark_fraction(h);
    hours += w;
  }
  return hours > 0 ? dark / hours : 0.0;
}

const FittedModel& SelfExcitingForecast::model(int end_month, bool self_exciting) {
  const auto key = std::make_pair(end_month, self_exciting);
  if (auto it = models_.find(key); it != models_.end()) return *it->second;
  return *models_.emplace(key, fit(end_month, self_exciting)).first->second;
}

std::unique_ptr<FittedModel> SelfExcitingForecast::fit(int end_month, bool self_exciting) const {
  if (end_month <= first_)
    throw Error(ErrorCode::NoData, "forecast model", fmt::format("no history before {}", month_label(end_month)));
  if (end_month > through_ + 1)
    throw Error(ErrorCode::BadOption, "forecast model", fmt::format("{} is after the calendar", month_label(end_month)));
  auto out = std::make_unique<FittedModel>();
  out->traits = traits_;
  out->parameters.resize(traits_.size());
  out->fit_start_hours = calendar_.start_hours();
  out->fit_end_hours = month_start(end_month);
  FitOptions fo = fit_;
  fo.self_exciting = self_exciting;
  parallel_for(std::size_t{0}, traits_.size(), [&](std::size_t p) {
    const auto& ev = events_[p];
    if (events_between(ev, out->fit_start_hours, out->fit_end_hours).empty()) {
      EtasParameters z;
      z.mu.assign(units_->size(), 0.0);
      z.darkness_applies = traits_[p].darkness_applies();
      z.converged = true;
      z.self_excitation = self_exciting ? "em" : "off";
      out->parameters[p] = std::move(z);
      return;
    }
    out->parameters[p] = fit_parameter(ev, *units_, calendar_, out->fit_start_hours, out->fit_end_hours,
                                       traits_[p].darkness_applies(), fo);
  });
  return out;
}

const SelfExcitingForecast::Month& SelfExcitingForecast::forecast(int month, bool self_exciting) {
  const auto key = std::make_pair(month, self_exciting);
  if (auto it = months_.find(key); it != months_.end()) return *it->second;
  if (month > through_)
    throw Error(ErrorCode::BadOption, "forecast model", fmt::format("{} is after the calendar", month_label(month)));
  // A fit model() keeps is used as it is; otherwise one is made for this month
  // alone and let go at the end (nothing else reads it: see the header).
  std::unique_ptr<FittedModel> own;
  const auto kept = models_.find(key);
  if (kept == models_.end()) own = fit(month, self_exciting);
  const FittedModel& fm = own ? *own : *kept->second;
  const double t0 = month_start(month), t1 = std::min(month_start(month + 1), calendar_.end_hours());
  auto out = std::make_unique<Month>();
  out->log_likelihood = held_out_log_likelihood(fm, month);
  out->background.assign(units_->size(), 0.0);
  out->triggered.assign(units_->size(), 0.0);
  for (std::size_t p = 0; p < traits_.size(); ++p) {
    const auto& P = fm.parameters[p];
    if (P.total_mu() <= 0 && P.theta <= 0) continue;
    const auto total = expected_counts(P, events_[p], *units_, calendar_, t0, t1);
    const double e = background_exposure(P, calendar_, t0, t1);
    std::vector<double> bg(total.size()), trig(total.size());
    for (std::size_t u = 0; u < total.size(); ++u) {
      bg[u] = P.mu[u] * e;
      trig[u] = std::max(0.0, total[u] - bg[u]);
    }
    bg = cascade(P, *units_, std::move(bg), t1 - t0);
    trig = cascade(P, *units_, std::move(trig), t1 - t0);
    for (std::size_t u = 0; u < total.size(); ++u) {
      out->background[u] += bg[u];
      out->triggered[u] += trig[u];
    }
  }
  return *months_.emplace(key, std::move(out)).first->second;
}

double SelfExcitingForecast::log_likelihood(int month, bool self_exciting) {
  return forecast(month, self_exciting).log_likelihood;
}

void SelfExcitingForecast::forget(int month, bool self_exciting) {
  const auto key = std::make_pair(month, self_exciting);
  months_.erase(key);
  models_.erase(key);
}

double SelfExcitingForecast::held_out_log_likelihood(const FittedModel& fm, int month) const {
  const double t0 = month_start(month), t1 = std::min(month_start(month + 1), calendar_.end_hours());
  double ll = 0;
  for (std::size_t p = 0; p < traits_.size(); ++p) {
    const auto& P = fm.parameters[p];
    const auto in = events_between(events_[p], t0, t1);
    if (P.total_mu() <= 0 && P.theta <= 0) {
      // A parameter never seen before: the model gives it rate 0, so its events are
      // impossible under it. Count them against the model at the naive floor instead
      // of -inf (the same pseudo-event NaiveModel spreads), so one new parameter does
      // not make the whole comparison meaningless.
      if (!in.empty()) {
        const auto naive = NaiveModel::from_counts(events_[p], *units_, calendar_.start_hours(), t0);
        ll += naive.log_likelihood(events_[p], t0, t1);
      }
      continue;
    }
    ll += simulation::log_likelihood(P, events_[p], *units_, calendar_, t0, t1);
  }
  return ll;
}

double SelfExcitingForecast::naive_log_likelihood(int month, int from, int to) const {
  const double t0 = month_start(month), t1 = std::min(month_start(month + 1), calendar_.end_hours());
  const double a = month_start(from), b = month_start(to);
  double ll = 0;
  for (std::size_t p = 0; p < traits_.size(); ++p) {
    const auto naive = NaiveModel::from_counts(events_[p], *units_, a, b);
    ll += naive.log_likelihood(events_[p], t0, t1);
  }
  return ll;
}

std::size_t SelfExcitingForecast::events_in(int month) const {
  const double t0 = month_start(month), t1 = month_start(month + 1);
  std::size_t n = 0;
  for (const auto& ev : events_) n += events_between(ev, t0, t1).size();
  return n;
}

}  // namespace tryggve::forecast
