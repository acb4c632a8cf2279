#pragma once
// What the three planners share: the incident history turned into the
// simulation's cells, calendars and fitted model, and forecasts restricted to
// the hours a plan acts in (patrol windows, evening walks, dark hours).
//
//   incidents (snapped) ─> cells (lixels) ─> fit ETAS on the history months
//                       ─> forecast calendar (the next months, real darkness)
//                       ─> per-cell expected counts in chosen hours
//
// The history is the whole local months from the first incident's month up to
// (not including) the forecast's first month; the forecast starts by default in
// the month after the last incident.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tryggve/core/features.hpp"
#include "tryggve/core/options.hpp"
#include "tryggve/network/lixels.hpp"
#include "tryggve/network/network.hpp"
#include "tryggve/simulation/calendar.hpp"
#include "tryggve/simulation/cells.hpp"
#include "tryggve/simulation/events.hpp"
#include "tryggve/simulation/intervention.hpp"
#include "tryggve/simulation/model.hpp"
#include "tryggve/taxonomy/taxonomy.hpp"

namespace tryggve::planning {

using simulation::CellId;

// The model's view of each taxonomy parameter (code, darkness, indoor, severity weight).
std::vector<simulation::ParameterTraits> parameter_traits(const Taxonomy& taxonomy);

// Weekly windows from text: "fri,sat 18-24", "mon-fri 17-22; sat,sun 12-24",
// "daily 18-2" (wraps past midnight: the hours after midnight belong to the
// evening before). Days: mon tue wed thu fri sat sun (or Swedish mån tis ons tor
// fre lör sön), ranges with '-', "daily"/"all". Throws Error(BadOption, where, ...)
// naming the part that does not parse.
std::vector<simulation::WeeklyWindow> parse_windows(const std::string& text, const std::string& where);
// True if any window holds the local hour of the week.
bool in_windows(const std::vector<simulation::WeeklyWindow>& windows, int hour_of_week);
double window_hours_per_week(const std::vector<simulation::WeeklyWindow>& windows);

struct ContextOptions {
  double cell_cutoff_m = 400.0;     // neighbour lists: the reach of near repeats and spill-over
  std::string forecast_month;       // "YYYY-MM"; "" = the month after the last incident
  int forecast_months = 1;          // patrol and route plans: the next month; lighting uses 12
  std::string timezone = "Europe/Stockholm";  // not declared: the map stage's timezone option sets it
  int max_iterations = 60;          // EM iterations per parameter
  bool no_self_excitation = false;  // fit the Poisson model (θ = 0) instead
  // Remembered fits (simulation/fit_cache.hpp; the month passes the workspace's): not an option.
  std::shared_ptr<simulation::FitCache> fit_cache;
  void declare(OptionSet& o);
};

// Which hours a forecast counts, and how: weight(h) in [0, 1] multiplies hour h
// of the forecast calendar; dark_only counts only the dark part of each hour
// (background at the fitted dark factor, weighted by the hour's dark fraction).
struct HourFilter {
  std::function<double(const simulation::HourInfo&)> weight;  // null: every hour
  bool dark_only = false;
};

// Expected count per cell in [t0, t1) of the forecast calendar, counting only the
// hours of `filter`, given the events before t0 (they trigger near repeats). The
// same model as simulation::expected_counts (which it equals for an all-hours
// filter and cascade = false); with cascade the background part is multiplied by
// 1 / (1 − θ), the expected size of the family each background event starts
// (offspring land in the same places' neighbourhood within days, so over a month
// they are part of what a plan can prevent).
std::vector<double> filtered_counts(const simulation::EtasParameters& p, std::span<const simulation::CellEvent> events,
                                    const simulation::CellNetwork& cells, const simulation::HourCalendar& calendar,
                                    double t0, double t1, const HourFilter& filter, bool cascade = true);

// One history and its fitted model. Non-copyable: the cells keep references to
// the network and lixels, which must outlive the context.
class PlanningContext {
 public:
  // `events` are the snapped incidents (any order). Throws Error(NoData) if there
  // are none or the history before the forecast month is empty, Error(BadOption)
  // for a bad forecast month or time zone.
  PlanningContext(const network::Network& net, const network::Lixelization& lix, const Taxonomy& taxonomy,
                  std::vector<simulation::ObservedEvent> events, simulation::Place place, ContextOptions options);
  PlanningContext(const PlanningContext&) = delete;
  PlanningContext& operator=(const PlanningContext&) = delete;

  const network::Network& network() const { return *net_; }
  const simulation::CellNetwork& cells() const { return *cells_; }
  const std::vector<simulation::ParameterTraits>& traits() const { return traits_; }
  const Taxonomy& taxonomy() const { return *taxonomy_; }
  const ContextOptions& options() const { return options_; }
  simulation::Place place() const { return place_; }
  const TimeZone& zone() const { return zone_; }

  // First and last local month index (core/time.hpp month_index) of the history,
  // and the forecast's first month.
  int first_month() const { return first_month_; }
  int forecast_first_month() const { return forecast_month_; }

  // A model fitted on the history months [first_month(), end_month) (cached by
  // end_month; the plan's model is end_month = forecast_first_month()).
  const simulation::FittedModel& model(int end_month) const;
  const simulation::FittedModel& model() const { return model(forecast_month_); }

  // A calendar of `count` local months starting at `month` (a month index), and
  // the history mapped onto it (history before it has negative times).
  struct Window {
    simulation::HourCalendar calendar;
    simulation::EventTable events;
  };
  std::shared_ptr<const Window> window(int month, int count) const;

  // Expected counts per parameter and cell over [month, month + count), from the
  // model fitted before `model_end_month`, counting only the hours of `filter`.
  std::vector<std::vector<double>> forecast(int month, int count, const HourFilter& filter,
                                            int model_end_month) const;
  std::vector<std::vector<double>> forecast(int month, int count, const HourFilter& filter) const {
    return forecast(month, count, filter, forecast_month_);
  }

 private:
  const network::Network* net_;
  const network::Lixelization* lix_;
  const Taxonomy* taxonomy_;
  std::unique_ptr<simulation::CellNetwork> cells_;
  std::vector<simulation::ParameterTraits> traits_;
  std::vector<simulation::ObservedEvent> events_;
  simulation::Place place_;
  ContextOptions options_;
  TimeZone zone_;
  int first_month_ = 0, forecast_month_ = 0;
  mutable std::vector<std::pair<int, std::shared_ptr<simulation::FittedModel>>> models_;
  mutable std::vector<std::pair<std::pair<int, int>, std::shared_ptr<Window>>> windows_;
};

}  // namespace tryggve::planning
