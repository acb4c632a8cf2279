// Instant what-if (issue 14) on the demo district: one edited intervention (the
// demo's weekend patrols at Kvarnbo torg) at 1,000 replicates x 12 months x 15
// parameters, the full path (baseline and scenario simulated together, what every
// edit cost before) against the edit path (the same scenario replayed against the
// cached baseline: only events on the cells it touches are drawn again), and the
// first answer on 100 replicates. The two paths give the same numbers
// (tests/simulation/whatif_test.cpp); the ratio is measured here, in one run.
#include <benchmark/benchmark.h>

#include <oneapi/tbb/global_control.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "tryggve/demo/generator.hpp"
#include "tryggve/scenario/run.hpp"
#include "tryggve/scenario/scenario.hpp"
#include "tryggve/simulation/simulator.hpp"

namespace fs = std::filesystem;
using namespace tryggve;

namespace {

struct Fixture {
  fs::path dir;
  scenario::ScenarioFile file;
  std::unique_ptr<scenario::Session> session;
  simulation::EventTable history;  // the same (empty) history for both paths
  std::unique_ptr<simulation::Simulator> sim;
  simulation::Scenario edit;
  std::shared_ptr<const simulation::BaselineCache> cache;
  Fixture() {
    dir = fs::temp_directory_path() / "tryggve_bench_simulation_demo";
    demo::DemoOptions o;
    if (!demo::matches(o, dir)) demo::generate(o, dir);
    const fs::path src = fs::path(__FILE__).parent_path().parent_path();
    std::vector<std::string> sets;
    for (const char* k : {"streets:streets.osm", "incidents:incidents.csv", "parks:parks.gpkg", "stops:stops.gpkg",
                          "lamps:lamps.gpkg", "areas:areas.gpkg", "places:places.gpkg"}) {
      const std::string s(k);
      const auto c = s.find(':');
      sets.push_back("inputs." + s.substr(0, c) + "=" + (dir / s.substr(c + 1)).string());
    }
    sets.push_back("simulate.replicates=1000");
    sets.push_back("simulate.forecast_months=12");
    file = scenario::load(src / "scenarios/demo.yaml", sets);
    session = std::make_unique<scenario::Session>(file);
    for (const auto& r : session->resolve(file))
      if (r.name == "weekend-patrols") edit = r.scenario;
    simulation::SimulatorOptions so;
    so.replicates = 1000;
    so.seed = file.seed;
    sim = std::make_unique<simulation::Simulator>(session->model(), session->cells(), session->forecast(), history,
                                                  simulation::AreaMap{}, session->evidence(), so);
    cache = sim->cache_baseline();
    std::fprintf(stderr, "demo district: %zu cells; baseline cache %.0f MB (estimate %.0f MB) for 1000 replicates\n",
                 session->cells().size(), cache->bytes() / 1e6, sim->cache_bytes_estimate() / 1e6);
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void BM_FullPath(benchmark::State& state) {
  auto& f = fixture();
  tbb::global_control g(tbb::global_control::max_allowed_parallelism, static_cast<int>(state.range(0)));
  for (auto _ : state) {
    const auto r = f.sim->run({f.edit});
    benchmark::DoNotOptimize(r.true_counts.data());
  }
}

void BM_EditPath(benchmark::State& state) {
  auto& f = fixture();
  tbb::global_control g(tbb::global_control::max_allowed_parallelism, static_cast<int>(state.range(0)));
  const int replicates = static_cast<int>(state.range(1));
  double change = 0;
  for (auto _ : state) {
    const auto r = f.sim->run({f.edit}, *f.cache, replicates);
    change = r.difference(1, simulation::Measure::True).mean;
    benchmark::DoNotOptimize(r.true_counts.data());
  }
  state.counters["replicates"] = replicates;
  state.counters["change_true"] = change;
}

void BM_CacheBaseline(benchmark::State& state) {
  auto& f = fixture();
  tbb::global_control g(tbb::global_control::max_allowed_parallelism, static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(f.sim->cache_baseline());
}

}  // namespace

BENCHMARK(BM_FullPath)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);
BENCHMARK(BM_EditPath)
    ->ArgsProduct({{2}, {100, 1000}})
    ->ArgNames({"threads", "replicates"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3);
BENCHMARK(BM_CacheBaseline)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

BENCHMARK_MAIN();
