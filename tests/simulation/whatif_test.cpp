// Instant what-if (issue 14): a scenario run against the cached baseline equals a
// full run of the same scenarios with the same seed, to the last count, whatever
// the edit (lighting, patrols with a reaction, displacement into a ring, a rise in
// reporting), with near repeats, for any number of replicates the cache holds and
// at any thread count.
#include <gtest/gtest.h>

#include <oneapi/tbb/global_control.h>

#include <numeric>

#include "sim_fixture.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/simulation/intervention.hpp"

using namespace tryggve;
using namespace tryggve::simulation;
using namespace tryggve::simtest;

namespace {

const char* kEvidence =
    "intervention,parameter,rr_central,rr_low,rr_high,applies_when,source,note\n"
    "lighting,outdoor_dark,0.64,0.50,0.85,dark,test,\n"
    "hotspot_policing,*,0.84,0.75,0.93,present,test,\n"
    "adults_outdoors,*,0.98,0.85,1.10,present,test,\n"
    "displacement,*,0.13,0.03,0.40,always,test,\n"
    "diffusion,*,0.14,0.03,0.50,always,test,\n"
    "reporting_rate,*,0.50,0.33,0.80,always,test,\n"
    "reporting_presence,*,1.10,1.00,1.30,always,test,\n";

// Two parameters (one darkness-sensitive) with near repeats on a 10 x 10 grid, two
// winter months at Backa.
struct WhatIfWorld {
  World w{10, 100.0, 50.0, 400.0};
  HourCalendar cal{local_months(stockholm(), 2025, 11, 2), stockholm(), Place{57.75, 11.98}};
  FittedModel model;
  EventTable history;
  EvidenceTable evidence = EvidenceTable::parse(kEvidence, "test.csv");
  WhatIfWorld() {
    for (int p = 0; p < 2; ++p) {
      auto P = truth(*w.cells, cal, (p ? 900.0 : 1400.0) / cal.size(), p ? 0.2 : 0.35, 1.0 / 48.0, 80.0, p ? 1.0 : 1.8);
      P.darkness_applies = p == 0;
      model.traits.push_back({p ? "public_disorder" : "street_robbery", p == 0, false, 1.0});
      model.parameters.push_back(P);
    }
  }
  Simulator simulator(int replicates) const {
    SimulatorOptions o;
    o.replicates = replicates;
    o.seed = 20261202;
    return Simulator(model, *w.cells, cal, history, {}, evidence, o);
  }
  std::vector<CellId> edge_cells(network::EdgeId first, int n) const {
    std::vector<CellId> v;
    for (network::EdgeId e = first; e < first + static_cast<network::EdgeId>(n); ++e)
      for (CellId k = 0; k < w.cells->cell_count(e); ++k) v.push_back(w.cells->first_cell(e) + k);
    return v;
  }
};

void expect_same(const RunResult& a, const RunResult& b) {
  EXPECT_EQ(a.replicates, b.replicates);
  EXPECT_EQ(a.true_counts, b.true_counts);
  EXPECT_EQ(a.recorded_counts, b.recorded_counts);
  EXPECT_EQ(a.zone_counts, b.zone_counts);
  EXPECT_EQ(a.spill_counts, b.spill_counts);
  EXPECT_EQ(a.clamped_events, b.clamped_events);
  EXPECT_EQ(a.cell_mean, b.cell_mean);
  if (!a.cell_sum.empty() && !b.cell_sum.empty()) EXPECT_EQ(a.cell_sum, b.cell_sum);  // replays only
}

std::vector<Scenario> edits(const WhatIfWorld& ww) {
  Intervention light = make_lighting("one street", ww.edge_cells(40, 1), 10, 1e5);
  Intervention patrol = make_patrol("square", ww.edge_cells(90, 3), WeeklyWindow{0b0110000, 18, 24}, 8, 15, 1e5);
  patrol.reaction.parameters = {1};
  patrol.reaction.peak_rise = 0.3;
  patrol.reaction.decay_weeks = 3;
  patrol.spillover.displacement_share = 0.4;  // plenty of moved incidents
  Intervention adults = make_adult_presence("evenings", ww.edge_cells(20, 8), WeeklyWindow{0x7F, 17, 22}, 6, 1e5);
  return {Scenario{"light", {light}}, Scenario{"patrol", {patrol}}, Scenario{"adults", {adults}},
          Scenario{"all", {light, patrol, adults}}};
}

}  // namespace

TEST(WhatIf, ReplayOfTheCachedBaselineEqualsAFullRun) {
  const WhatIfWorld ww;
  const Simulator sim = ww.simulator(40);
  const auto cache = sim.cache_baseline();
  ASSERT_EQ(cache->replicates(), 40);
  EXPECT_GT(cache->bytes(), 0u);
  EXPECT_LT(cache->bytes(), 4 * sim.cache_bytes_estimate());
  for (const auto& sc : edits(ww)) {
    SCOPED_TRACE(sc.name);
    const RunResult full = sim.run({sc});
    const RunResult fast = sim.run({sc}, *cache);
    expect_same(full, fast);
    // The scenario changed something (the test could fail).
    EXPECT_NE(full.difference(1, Measure::True).mean, 0.0);
  }
  // Several scenarios at once, as the viewer compares them.
  expect_same(sim.run(edits(ww)), sim.run(edits(ww), *cache));
}

// A replay walks only the events that can differ, in the full run's queue order:
// the events the baseline never had (here the offspring of events a strong
// reaction adds) take their place among the baseline's. The order decides which
// prevented events the displacement account moves to the ring, so an event the
// baseline never had that lands on a patrolled street and is prevented there must
// be counted in its place.
TEST(WhatIf, EventsTheBaselineNeverHadKeepTheirPlaceInTheQueue) {
  const WhatIfWorld ww;
  const Simulator sim = ww.simulator(30);
  const auto cache = sim.cache_baseline();
  Intervention patrol = make_patrol("rising", ww.edge_cells(90, 6), WeeklyWindow{0x7F, 0, 24}, 40, 30, 1e5);
  patrol.reaction.parameters = {0, 1};
  patrol.reaction.peak_rise = 0.45;  // more disorder at first than the patrol prevents (within the headroom)
  patrol.reaction.decay_weeks = 12;
  patrol.spillover.displacement_share = 0.5;
  const Scenario sc{"rising", {patrol}};
  const RunResult full = sim.run({sc});
  expect_same(full, sim.run({sc}, *cache));
  EXPECT_GT(full.difference(1, Measure::True).mean, 0.0) << "the reaction added no events: nothing new to place";
  EXPECT_EQ(full.clamped_events[1], 0u) << "the reaction went over the headroom: no event it adds is prevented";
  std::uint64_t moved = 0;
  for (std::size_t i = 1; i < full.spill_counts.size(); i += 2) moved += full.spill_counts[i];
  EXPECT_GT(moved, 0u);
}

TEST(WhatIf, FirstAnswerOnFewReplicatesEqualsTheirFullRun) {
  const WhatIfWorld ww;
  const Simulator big = ww.simulator(40), small = ww.simulator(8);
  const auto cache = big.cache_baseline();
  const auto sc = edits(ww)[1];
  // The first 8 replicates of the cache are the 8 replicates of a run with 8.
  expect_same(small.run({sc}), big.run({sc}, *cache, 8));
  EXPECT_THROW(big.run({sc}, *cache, 41), Error);
}

// The viewer's refined answer goes on from its first one: the first replicates'
// counts are taken from it and only the rest drawn. The same result as drawing them
// all, with several scenarios at once (each array's scenario-major layout), at one
// and two threads.
TEST(WhatIf, RefinedAnswerGoesOnFromTheFirst) {
  const WhatIfWorld ww;
  const Simulator sim = ww.simulator(40);
  const auto cache = sim.cache_baseline();
  const auto sc = edits(ww);
  const RunResult whole = sim.run(sc, *cache);
  for (int threads : {1, 2}) {
    tbb::global_control g(tbb::global_control::max_allowed_parallelism, threads);
    const RunResult head = sim.run(sc, *cache, 8);
    expect_same(whole, sim.run(sc, *cache, -1, &head));
    expect_same(sim.run(sc, *cache, 25), sim.run(sc, *cache, 25, &head));
    // A head of all the replicates asked leaves nothing to draw.
    expect_same(whole, sim.run(sc, *cache, 40, &whole));
  }
  std::uint64_t sum = 0;
  for (auto x : whole.spill_counts) sum += x;
  EXPECT_GT(sum, 0u) << "no edit prevented or displaced anything: the spill-over arrays go untested";
  // Not this run's head: more replicates than asked, other scenarios, a damaged array.
  const RunResult head = sim.run(sc, *cache, 8);
  EXPECT_THROW(sim.run(sc, *cache, 6, &head), Error);
  EXPECT_THROW(sim.run({sc[0]}, *cache, 20, &head), Error);
  RunResult bad = head;
  bad.cell_sum.pop_back();
  EXPECT_THROW(sim.run(sc, *cache, 20, &bad), Error);
}

TEST(WhatIf, SameNumbersAtOneAndTwoThreads) {
  const WhatIfWorld ww;
  const Simulator sim = ww.simulator(24);
  std::shared_ptr<const BaselineCache> c1, c2;
  RunResult one, two;
  const auto sc = edits(ww)[3];
  {
    tbb::global_control g(tbb::global_control::max_allowed_parallelism, 1);
    c1 = sim.cache_baseline();
    one = sim.run({sc}, *c1);
  }
  {
    tbb::global_control g(tbb::global_control::max_allowed_parallelism, 2);
    c2 = sim.cache_baseline();
    two = sim.run({sc}, *c2);
  }
  expect_same(one, two);
}

TEST(WhatIf, RefusesACacheTooLargeForItsLimit) {
  const WhatIfWorld ww;
  const Simulator sim = ww.simulator(40);
  try {
    sim.cache_baseline(1000);
    FAIL() << "expected a refusal";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("fewer replicates"), std::string::npos) << e.what();
  }
}
