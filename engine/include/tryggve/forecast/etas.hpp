#pragma once
// The self-exciting (ETAS) forecast on any units: the simulation module's model
// (simulation/model.hpp: per-unit background, hour, month and darkness profiles,
// triggering θ ω e^{−ωt} along the neighbour lists; EM with the Knox gate and
// start), fitted per parameter on the months before the forecast month only, and
// its expected count per unit in that month: the background of the month and
// what the events before it still trigger in it (simulation::expected_counts),
// each with the near repeats they set off inside the month (cascade() below):
// over a month those are not small (half the events where θ = 0.5), and a
// forecast without them says a month holds 40% fewer incidents than it does.
//
// A month's forecast is cached with the held-out log-likelihood of its events,
// so a rolling backtest and the cross-validation inside it fit each history once.
// The fit itself is let go once both are made: a fit holds a background rate per
// unit and parameter (15 x 1.5 M doubles, 184 MB, on a city of 300,000 streets),
// and a backtest with its cross-validation months and the Poisson comparison
// makes some thirty. Not thread-safe (each fit is parallel inside: parameters,
// E-steps); the same at any thread count.
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

// The near repeats that expected counts x (per unit, over a window of
// window_hours) set off inside the window, generation after generation, added to
// x: x + θ' K x + (θ' K)² x + ..., K the model's spatial kernel (K(v → u) =
// e^{−d/σ} L_u / Z_v over v's neighbours) and θ' = θ (1 − (1 − e^{−ωW}) / (ωW)),
// the offspring per event that fall inside a window of W hours for an event at a
// uniform time in it. Generations are added until one adds less than 1e-9 of the
// total (at most 200). θ = 0 returns x.
std::vector<double> cascade(const simulation::EtasParameters& p, const simulation::CellNetwork& units,
                            std::vector<double> x, double window_hours);

class SelfExcitingForecast {
 public:
  // The fit options for rolling forecasts: the model's own defaults but for at
  // most 20 EM iterations and a 30-day trigger window (the near repeats' reach in
  // EVIDENCE.md is days to weeks). A backtest refits every month; on the demo
  // district 20 and 60 iterations, 30- and 60-day windows give the same maps at
  // 1, 5 and 10% in each of 12 months at half the CPU (bench/README.md).
  static simulation::FitOptions default_fit();

  // The calendar runs from the history's first month through `through_month`
  // (the last month anything will be forecast for; at least the month after the
  // history). `units` must outlive this; the history's events are copied.
  SelfExcitingForecast(const simulation::CellNetwork& units, const History& history,
                       std::vector<simulation::ParameterTraits> traits, simulation::Place place, TimeZone zone,
                       simulation::FitOptions fit, int through_month);

  // Expected counts per unit in `month`, split into background (the month's own
  // background events and their near repeats in the month) and triggered (what
  // the events before the month set off in it, with their near repeats), from the
  // model fitted on the months before it, summed over the parameters
  // (self_exciting false: the Poisson model, θ = 0, fitted the same way).
  // Throws Error(NoData) when no month comes before `month`, Error(BadOption)
  // for a month after through_month.
  // log_likelihood: the held-out log-likelihood of the month's events (all
  // parameters) under the same fit, given every earlier event
  // (simulation::log_likelihood).
  struct Month {
    std::vector<double> background, triggered;
    double log_likelihood = 0;
    std::vector<double> total() const;
  };
  const Month& forecast(int month, bool self_exciting = true);
  // The model fitted on [first month, end_month): one EtasParameters per parameter.
  // Kept for the caller (and used by forecast() while it is kept) until forget().
  const simulation::FittedModel& model(int end_month, bool self_exciting = true);
  // forecast(month, self_exciting).log_likelihood.
  double log_likelihood(int month, bool self_exciting = true);
  // Lets go of the month's forecast and any fit model() kept for it; asking again
  // fits again (the same numbers).
  void forget(int month, bool self_exciting = true);
  // Fits and month forecasts held now (for the memory tests).
  std::size_t fits_held() const { return models_.size(); }
  std::size_t months_held() const { return months_.size(); }
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
  std::unique_ptr<simulation::FittedModel> fit(int end_month, bool self_exciting) const;
  double held_out_log_likelihood(const simulation::FittedModel& fm, int month) const;

  const simulation::CellNetwork* units_;
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
