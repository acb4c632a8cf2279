#pragma once
// The self-exciting (ETAS) forecast on any units: the simulation module's model
// (simulation/model.hpp: per-unit background, hour, month and darkness profiles,
// triggering θ ω e^{−ωt} along the neighbour lists; EM with the Knox gate and
// start), fitted per parameter on the months before the forecast month only, and
// its expected count per unit in that month: the background of the month plus
// what the events before it still trigger in it (simulation::expected_counts).
//
// Fits are cached by the month they end before, so a rolling backtest and the
// cross-validation inside it fit each history once. Not thread-safe (each fit is
// parallel inside: parameters, E-steps); the same at any thread count.
#include <map>
#include <memory>
#include <vector>

#include "tryggve/core/time.hpp"
#include "tryggve/forecast/history.hpp"
#include "tryggve/simulation/calendar.hpp"
#include "tryggve/simulation/cells.hpp"
#include "tryggve/simulation/events.hpp"
#include "tryggve/simulation/model.hpp"

namespace tryggve::forecast {

class SelfExcitingForecast {
 public:
  // The calendar runs from the history's first month through `through_month`
  // (the last month anything will be forecast for; at least the month after the
  // history). `units` and `history` must outlive this.
  SelfExcitingForecast(const simulation::CellNetwork& units, const History& history,
                       std::vector<simulation::ParameterTraits> traits, simulation::Place place, TimeZone zone,
                       simulation::FitOptions fit, int through_month);

  // Expected counts per unit in `month`, split into background and triggered
  // (by events before the month), from the model fitted on the months before it
  // (self_exciting false: the Poisson model, θ = 0, fitted the same way).
  // Throws Error(NoData) when no month comes before `month`, Error(BadOption)
  // for a month after through_month.
  struct Month {
    std::vector<double> background, triggered;
    std::vector<double> total() const;
  };
  const Month& forecast(int month, bool self_exciting = true);
  // The model fitted on [first month, end_month): one EtasParameters per parameter.
  const simulation::FittedModel& model(int end_month, bool self_exciting = true);

  // Held-out log-likelihood of month `month`'s events (all parameters) under the
  // model fitted before it, given every earlier event (simulation::log_likelihood).
  double log_likelihood(int month, bool self_exciting = true);
  // The same for the naive model with constant rates per unit from the counts of
  // [from, to) (simulation::NaiveModel: one pseudo-event spread by measure).
  double naive_log_likelihood(int month, int from, int to) const;
  // Events of `month` (all parameters).
  std::size_t events_in(int month) const;

  const simulation::HourCalendar& calendar() const { return calendar_; }
  // Calendar hours at the start of local month `month`.
  double month_start(int month) const;
  // Share of month `month`'s hours that are dark at the study area (sun below civil dusk).
  double dark_share(int month) const;

 private:
  const simulation::CellNetwork* units_;
  const History* history_;
  std::vector<simulation::ParameterTraits> traits_;
  TimeZone zone_;
  simulation::FitOptions fit_;
  int first_ = 0, through_ = 0;
  simulation::HourCalendar calendar_;
  std::vector<std::vector<simulation::CellEvent>> events_;  // per parameter, sorted by time
  std::map<std::pair<int, bool>, std::unique_ptr<simulation::FittedModel>> models_;
  std::map<std::pair<int, bool>, std::unique_ptr<Month>> months_;
};

}  // namespace tryggve::forecast
