// Monte Carlo simulation on the demo district: 1,000 replicates x 12 months x all
// 15 parameters, the baseline alone and with the four shipped demo scenarios
// (common random numbers: one generation pass), at 1 and 2 threads.
//
// The demo district is generated into a temporary folder (demo::generate), mapped
// and fitted once through scenario::Session with scenarios/demo.yaml; only
// Session::simulate is timed. The peer is the same run at one thread: the figure
// that matters is the 2-thread time (target < 10 s) and the 1 -> 2 speed-up.
//
//   build-bench/bench/simulation_bench --benchmark_min_time=1 (one iteration is seconds)
#include <benchmark/benchmark.h>

#include <oneapi/tbb/global_control.h>

#include <filesystem>
#include <memory>

#include "demo_inputs.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/scenario/run.hpp"
#include "tryggve/scenario/scenario.hpp"

namespace fs = std::filesystem;
using namespace tryggve;

namespace {

struct Fixture {
  fs::path dir;
  scenario::ScenarioFile file;
  std::unique_ptr<scenario::Session> session;
  std::vector<scenario::ResolvedScenario> scenarios;
  Fixture() {
    dir = fs::temp_directory_path() / "tryggve_bench_simulation_demo";
    file = bench::demo_scenario(dir, {"simulate.replicates=1000", "simulate.forecast_months=12"});
    session = std::make_unique<scenario::Session>(file);
    scenarios = session->resolve(file);
    std::fprintf(stderr, "demo district: %zu cells, %zu edges, %zu incidents fitted, %zu parameters\n",
                 session->cells().size(), session->map().net.edge_count(), session->map().incidents.size(),
                 session->model().parameters.size());
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void BM_MonteCarlo(benchmark::State& state) {
  auto& f = fixture();
  const int threads = static_cast<int>(state.range(0));
  const bool with_scenarios = state.range(1) != 0;
  tbb::global_control g(tbb::global_control::max_allowed_parallelism, threads);
  std::vector<scenario::ResolvedScenario> sc;
  if (with_scenarios) sc = f.scenarios;
  double events = 0;
  for (auto _ : state) {
    const auto r = f.session->simulate(sc, f.file);
    events = r.total(0, simulation::Measure::True).mean;
    benchmark::DoNotOptimize(r.true_counts.data());
    // What the run says (a sanity check printed with the timing, not a measurement).
    for (std::size_t s = 1; s < r.scenario_count(); ++s) {
      const auto d = r.difference(static_cast<int>(s), simulation::Measure::True);
      const auto dr = r.difference(static_cast<int>(s), simulation::Measure::Recorded);
      std::fprintf(stderr, "  %-16s true %+8.1f [%+.1f, %+.1f]  recorded %+8.1f  clamped %llu\n",
                   r.scenario_names[s].c_str(), d.mean, d.low, d.high, dr.mean,
                   static_cast<unsigned long long>(r.clamped_events[s]));
    }
  }
  state.counters["replicates"] = f.file.simulate.replicates;
  state.counters["months"] = f.file.simulate.forecast_months;
  state.counters["scenarios"] = static_cast<double>(sc.size());
  state.counters["baseline_true_per_replicate"] = events;
}

}  // namespace

BENCHMARK(BM_MonteCarlo)
    ->ArgsProduct({{1, 2}, {0, 1}})
    ->ArgNames({"threads", "scenarios"})
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->UseRealTime();

BENCHMARK_MAIN();
