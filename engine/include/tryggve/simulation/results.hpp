#pragma once
// What a Monte Carlo run returns: per scenario (0 = the baseline, "do nothing"),
// per replicate, parameter, area and forecast month, the count of true incidents
// and of recorded ones; per cell the mean true count (for the hotspot picture).
// Summaries are computed on demand from the replicate counts, so any slice
// (one parameter, all areas, months 3-5, ...) has an honest 90% interval, and a
// difference to the baseline is taken replicate by replicate (common random
// numbers), which is what makes small effects visible above Monte Carlo noise.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tryggve::simulation {

enum class Measure { True, Recorded };

struct Interval {
  double mean = 0.0;
  double low = 0.0;   // 5th percentile over replicates
  double high = 0.0;  // 95th percentile over replicates
};

// A slice: -1 means "all" for parameter, area and month; weights (per parameter)
// turn counts into severity-weighted harm when given.
struct Slice {
  int parameter = -1;
  int area = -1;
  int month_from = 0, month_to = -1;  // [from, to); -1 = to the end
  const std::vector<double>* parameter_weights = nullptr;
};

struct RunResult {
  std::vector<std::string> scenario_names;  // [0] = "baseline"
  std::vector<double> scenario_cost_sek;
  std::vector<std::string> area_names;      // the last is "(no area)"
  std::vector<std::string> month_labels;
  int replicates = 0, parameters = 0, areas = 0, months = 0;
  std::size_t cells = 0;
  // [scenario][replicate][parameter][area][month]
  std::vector<std::uint32_t> true_counts, recorded_counts;
  // [scenario][parameter][cell]: mean true count per replicate over the whole forecast
  std::vector<double> cell_mean;
  // [scenario][parameter][cell]: the true counts summed over the replicates
  // (cell_mean's numerator, kept whole so that a what-if's refined run adds to its
  // first answer's exactly); only in runs against a baseline cache, else empty
  std::vector<std::uint64_t> cell_sum;
  // [scenario][replicate][parameter][6]: true counts in scenario s's WDQ zones
  // (response = its intervention cells, buffer = their outer_m ring, control = the
  // rest): [0..2] under the baseline, [3..5] under s. Zero for s = 0.
  std::vector<std::uint32_t> zone_counts;
  std::vector<std::uint64_t> clamped_events;  // per scenario: effects above the headroom (see Simulator)
  // [replicate][parameter][scenario][2]: the incidents the interventions' own
  // effect prevented on their cells in scenario s, and how many of those moved to
  // the displacement ring (simulation/spillover.hpp: never more than the share).
  std::vector<std::uint32_t> spill_counts;

  std::size_t scenario_count() const { return scenario_names.size(); }
  int scenario_index(const std::string& name) const;  // -1 if absent

  // Per-replicate totals of a slice.
  std::vector<double> replicate_totals(int scenario, Measure m, const Slice& s = {}) const;
  Interval total(int scenario, Measure m, const Slice& s = {}) const;
  // scenario − baseline, replicate by replicate (negative = fewer incidents).
  Interval difference(int scenario, Measure m, const Slice& s = {}) const;
  // True incidents prevented (baseline − scenario) per 100,000 SEK of the scenario's cost;
  // nullopt for a scenario without cost.
  std::optional<Interval> prevented_per_100k_sek(int scenario, const Slice& s = {}) const;
  // Weighted displacement quotient with b = baseline, a = scenario (same period,
  // common random numbers), for response/buffer/control areas; the mean is the WDQ
  // of the mean counts, the interval over replicates with a non-zero denominator.
  std::optional<Interval> wdq(int scenario, int response_area, int buffer_area, int control_area,
                              Measure m = Measure::True, int parameter = -1) const;
  // The same with scenario s's own zones (see zone_counts): the WDQ a planner means
  // by "response, buffer, control" for one scenario; nullopt if undefined (no
  // change in the response zone, or an empty control zone).
  std::optional<Interval> wdq_zones(int scenario, int parameter = -1) const;
  // Mean true count per replicate in zone z (0 response, 1 buffer, 2 control) of
  // scenario s, under the baseline (of_scenario false) or under s.
  double zone_mean(int scenario, int zone, bool of_scenario, int parameter = -1) const;
  // Per replicate: incidents prevented on the interventions' cells, and displaced
  // from there to the ring, in scenario s (summed over parameters, or one).
  std::vector<double> core_prevented(int scenario, int parameter = -1) const;
  std::vector<double> displaced(int scenario, int parameter = -1) const;
  // Mean true count per cell, summed over parameters (or one parameter).
  std::vector<double> cell_means(int scenario, int parameter = -1) const;
};

// Bowers & Johnson (2003), with R response, D buffer, C control, b before, a after.
struct WdqFigures {
  double gross_effect;      // Rb − Ra
  double net_effect;        // Rb/Cb − Ra/Ca
  double wdq;               // (Da/Ca − Db/Cb) / (Ra/Ca − Rb/Cb); NaN if the denominator is 0
  double total_net_effect;  // [Rb·Ca/Cb − Ra] + [Db·Ca/Cb − Da]
};
WdqFigures weighted_displacement(double Rb, double Ra, double Db, double Da, double Cb, double Ca);

// 5th/95th percentile and mean of values (linear interpolation between order statistics).
Interval summarise(std::vector<double> values);

}  // namespace tryggve::simulation
