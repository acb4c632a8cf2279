#pragma once
// Monte Carlo forecasts of the fitted model over the next months, under the
// baseline and under scenarios, with common random numbers.
//
// How scenarios share randomness (and why re-evaluating one edited intervention
// is cheap):
//  - Every replicate simulates ONE dominating process that does not depend on any
//    scenario: background events at `headroom`/reporting_rate times the fitted rate,
//    offspring at `headroom`·θ per event (branching structure, exponential delays,
//    offspring cells drawn from the network kernel). Each event carries its own
//    uniforms (u for existence, v for being recorded).
//  - A scenario is a thinning of that process: an event exists in scenario s iff
//    its parent exists in s and u < RR_s(cell, time, parameter) / headroom, and is
//    recorded iff it exists and v < reporting probability_s. The surviving events
//    are exactly the self-exciting process whose intensity (background and
//    triggering alike) is RR_s times the baseline's; children of prevented events
//    vanish with them. The baseline is the same thinning with RR = 1.
//  - Randomness is addressed, not sequenced: background events come from a stream
//    keyed by (replicate, parameter); each event's own uniforms and offspring come
//    from a stream keyed by its genealogical address (parent key, child number).
//    So the numbers an event gets never depend on which scenarios are evaluated,
//    on what another place's intervention did, or on the thread count. Offspring
//    are only expanded for events alive in at least one evaluated scenario, which
//    is what keeps the cost near one baseline run.
//  - Hence evaluating a scenario next to the baseline costs one generation pass
//    (about the benchmark's figure / number of cores), and editing one intervention
//    and re-running gives the same numbers everywhere the edit does not reach.
//  - Effects drawn from the evidence intervals are per (replicate, evidence row):
//    replicate r has the same "true effect of lighting" in every scenario.
// An effect above the headroom (e.g. a large displacement rise times a reaction)
// cannot be represented by thinning; it is clamped at the headroom and counted in
// RunResult::clamped_events. Raise `headroom` if that count is not 0.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tryggve/core/rng.hpp"
#include "tryggve/simulation/calendar.hpp"
#include "tryggve/simulation/cells.hpp"
#include "tryggve/simulation/events.hpp"
#include "tryggve/simulation/evidence.hpp"
#include "tryggve/simulation/intervention.hpp"
#include "tryggve/simulation/model.hpp"
#include "tryggve/simulation/results.hpp"

namespace tryggve::simulation {

struct SimulatorOptions {
  int replicates = 1000;
  // Simulates replicates [first_replicate, first_replicate + replicates) of the
  // seed's sequence: a sweep splits a run into blocks (on ranks or machines) whose
  // results, put side by side, are the whole run's.
  int first_replicate = 0;
  std::uint64_t seed = default_seed();
  double headroom = 1.5;
  // Share of true incidents that are recorded without any intervention, per
  // parameter (empty: default_reporting_rate for all); 0 = drawn per replicate
  // from the evidence table's reporting_rate row (Brå's crime survey NTU: about a
  // third of crimes against persons reach the police). The model is fitted to
  // recorded incidents; true incidence is recorded / rate.
  std::vector<double> reporting_rate;
  double default_reporting_rate = 0.0;
  // Checked between (replicate, parameter) tasks: returning true stops the run
  // with Error(Interrupted). Empty: never cancelled.
  std::function<bool()> cancelled;
};

// Areas for results: area_of_cell[c] in [0, names.size()) or -1 (no area).
struct AreaMap {
  std::vector<int> area_of_cell;
  std::vector<std::string> names;
  // One area per cell from an edge -> area map (segment level).
  static AreaMap from_edges(const CellNetwork& cells, const std::vector<int>& area_of_edge,
                            std::vector<std::string> names);
};

// One simulated event (simulate_events).
struct SimulatedEvent {
  double t;       // calendar hours
  CellId cell;
  bool recorded;
  bool triggered;  // an offspring (of a simulated or a history event)
};

// A baseline's replicates kept in memory for instant what-ifs (Simulator::
// cache_baseline): each replicate's dominating process with its genealogy and the
// baseline's fate of every event.
class BaselineCache {
 public:
  ~BaselineCache();
  int replicates() const;
  std::size_t bytes() const;
  struct Impl;
  std::unique_ptr<Impl> impl;
};

class Simulator {
 public:
  // `forecast` is the calendar of the months to simulate; `history` holds the past
  // events mapped with that same calendar (negative times): those within the
  // model's max lag of the start keep triggering near repeats into the forecast.
  // All references must outlive the simulator. Throws Error(BadOption) on
  // inconsistent sizes or options.
  Simulator(const FittedModel& model, const CellNetwork& cells, const HourCalendar& forecast,
            const EventTable& history, AreaMap areas, const EvidenceTable& evidence, SimulatorOptions options);

  // Runs the baseline plus the scenarios (result scenario 0 = "baseline", then the
  // given ones in order). At most 63 scenarios per run. Deterministic for a seed at
  // any thread count.
  RunResult run(const std::vector<Scenario>& scenarios) const;

  // Instant what-if: keeps every replicate's baseline (cache_baseline, about one
  // baseline run's time and bytes() of memory; throws Error(BadOption)
  // when the estimate exceeds max_bytes), then runs scenarios against it, walking
  // only what they can change: the events on the cells they touch (their cores and
  // spill-over rings, drawn again) or count in a WDQ zone, and the cascades that
  // start there; everything else keeps the baseline's counts. The result equals
  // run(scenarios) over the first `replicates` replicates (-1: all the cache holds)
  // to the last count, at any thread count. Given `head`, this call's own result
  // for the same scenarios and cache on fewer replicates (the viewer's first
  // answer), only the replicates after head's are drawn and head's counts are taken
  // as they are: the same result as without it, for what is left of the work.
  std::shared_ptr<const BaselineCache> cache_baseline(std::size_t max_bytes = std::size_t{4} << 30) const;
  RunResult run(const std::vector<Scenario>& scenarios, const BaselineCache& cache, int replicates = -1,
                const RunResult* head = nullptr) const;
  // The cache's memory, estimated before building it.
  std::size_t cache_bytes_estimate() const;

  // The baseline's events for one parameter and replicate (tests, synthetic data).
  std::vector<SimulatedEvent> simulate_events(ParameterId parameter, int replicate) const;

  const SimulatorOptions& options() const { return opt_; }

  struct Impl;

 private:
  RunResult run_impl(const std::vector<Scenario>& scenarios, const BaselineCache* replay, int replicates,
                     BaselineCache* record, const RunResult* head = nullptr) const;

 public:

 private:
  const FittedModel* model_;
  const CellNetwork* cells_;
  const HourCalendar* cal_;
  const EventTable* history_;
  AreaMap areas_;
  const EvidenceTable* evidence_;
  SimulatorOptions opt_;
  // Per parameter samplers (alias tables for cells and hours, offspring kernels).
  std::shared_ptr<const void> samplers_;
};

}  // namespace tryggve::simulation
