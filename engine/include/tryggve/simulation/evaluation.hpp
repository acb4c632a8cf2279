#pragma once
// How good is a forecast? Held-out log-likelihood and PAI (Chainey et al.; hit
// rate over the share of network length flagged), for the fitted ETAS model, the
// non-self-exciting model (θ = 0) and naive baselines (last month's counts,
// all-history counts).
#include <span>
#include <vector>

#include "tryggve/simulation/calendar.hpp"
#include "tryggve/simulation/cells.hpp"
#include "tryggve/simulation/events.hpp"
#include "tryggve/simulation/model.hpp"

namespace tryggve::simulation {

// Log-likelihood of the events in [t0, t1) under the model with its parameters
// held fixed, conditioning on every earlier event (triggering from before t0 counts).
// The calendar must cover [t0, t1).
double log_likelihood(const EtasParameters& p, std::span<const CellEvent> sorted_events, const CellNetwork& cells,
                      const HourCalendar& calendar, double t0, double t1);

// Expected count per cell in [t0, t1) given the events before t0 (a proper
// forecast: events inside the window are not used).
std::vector<double> expected_counts(const EtasParameters& p, std::span<const CellEvent> sorted_events,
                                    const CellNetwork& cells, const HourCalendar& calendar, double t0, double t1);

// A naive model: a constant rate per cell from the counts of [from, to), with one
// pseudo-event spread over the network by length so no cell has rate 0.
struct NaiveModel {
  std::vector<double> rate_per_hour;  // per cell
  static NaiveModel from_counts(std::span<const CellEvent> sorted_events, const CellNetwork& cells, double from,
                                double to);
  double log_likelihood(std::span<const CellEvent> sorted_events, double t0, double t1) const;
};

struct HitRate {
  double hit_rate = 0.0;    // n / N
  double area_share = 0.0;  // a / A (share of network length flagged)
  double pai = 0.0;         // hit_rate / area_share
  std::size_t hits = 0, events = 0;
};
// Flags the highest-scoring cells until `coverage` of the network length would be
// exceeded (ties by cell id) and counts the events that fall in them.
HitRate hit_rate(const std::vector<double>& score, std::span<const CellEvent> events, const CellNetwork& cells,
                 double coverage = 0.05);

struct BacktestScores {
  double loglik = 0.0;  // held-out log-likelihood over the test window
  double pai = 0.0;     // rolling: Σ hits / Σ events over windows, over the mean area share
  double hit_rate = 0.0;
};
struct Backtest {
  BacktestScores etas, poisson, last_month, all_history;
  std::size_t test_events = 0;
  int windows = 0;
};
// Fits nothing: scores given fitted models on [t0, t1) with rolling forecast
// windows of `window_hours` (each forecast uses only events before the window).
Backtest backtest(const EtasParameters& etas, const EtasParameters& poisson, std::span<const CellEvent> sorted_events,
                  const CellNetwork& cells, const HourCalendar& calendar, double train_start, double t0, double t1,
                  double window_hours = 24.0, double coverage = 0.05);

}  // namespace tryggve::simulation
