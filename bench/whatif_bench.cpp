// Instant what-if (issue 14) on the demo district: one edited intervention (the
// demo's weekend patrols at Kvarnbo torg) at 1,000 replicates x 12 months x 15
// parameters, the full path (baseline and scenario simulated together, what every
// edit cost before) against the edit path (the same scenario replayed against the
// cached baseline: only events on the cells it touches are drawn again), and the
// first answer on 100 replicates. The two paths give the same numbers
// (tests/simulation/whatif_test.cpp); the ratio is measured here, in one run.
// BM_ServerWhatIf does the same through the server's job queue as the viewer sees
// it (submit, poll every millisecond): the first answer's latency, the refined
// one's, and the full path's job ("kind":"intervention") in the same run.
#include <benchmark/benchmark.h>

#include <oneapi/tbb/global_control.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "demo_inputs.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/scenario/run.hpp"
#include "tryggve/scenario/scenario.hpp"
#include "tryggve/server/jobs.hpp"
#include "tryggve/server/scenario_runner.hpp"
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
  std::vector<std::int64_t> edit_edges;
  std::shared_ptr<const simulation::BaselineCache> cache;
  Fixture() {
    dir = fs::temp_directory_path() / "tryggve_bench_simulation_demo";
    file = bench::demo_scenario(dir, {"simulate.replicates=1000", "simulate.forecast_months=12"});
    session = std::make_unique<scenario::Session>(file);
    for (const auto& r : session->resolve(file))
      if (r.name == "weekend-patrols") {
        edit = r.scenario;
        for (const auto& iv : r.interventions)
          for (auto e : iv.edges) edit_edges.push_back(static_cast<std::int64_t>(e));
      }
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

// The server's what-if job on a folder holding only the resolved scenario (all a
// job reads); the session and the kept baseline are built by a first job, untimed.
void BM_ServerWhatIf(benchmark::State& state) {
  auto& f = fixture();
  tbb::global_control g(tbb::global_control::max_allowed_parallelism, static_cast<int>(state.range(0)));
  const fs::path served = f.dir.parent_path() / "tryggve_bench_whatif_served";
  fs::create_directories(served);
  std::ofstream(served / "resolved.yaml") << scenario::resolved_yaml(f.file);
  server::ScenarioRunner runner(served);
  server::JobQueue queue(runner.as_job_runner());
  auto request = [&](const char* kind, int visits) {
    nlohmann::json iv = {{"type", "patrol"}, {"edges", f.edit_edges}, {"size", visits}, {"months", 12},
                         {"name", "weekend patrol"}, {"hours", {18, 24}}, {"weekdays", {5, 6}}};
    nlohmann::json r = {{"kind", kind}, {"intervention", iv}, {"replicates", 1000}};
    if (std::string(kind) == "whatif") r["client"] = "bench";
    return r;
  };
  using clock = std::chrono::steady_clock;
  // Submit, poll as the viewer does; seconds to the first answer and to the last.
  auto timed = [&](const nlohmann::json& r) {
    const auto t0 = clock::now();
    const std::string id = queue.submit(r, {}, r.contains("client") ? "whatif:bench" : "");
    double first = -1;
    for (;;) {
      const auto s = *queue.status(id);
      const double t = std::chrono::duration<double>(clock::now() - t0).count();
      if (first < 0 && s.contains("partial")) first = t;
      if (s["state"] != "queued" && s["state"] != "running") {
        if (s["state"] != "done") state.SkipWithError("job failed");
        return std::pair{first < 0 ? t : first, t};
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  };
  timed(request("whatif", 4));  // session, fit and the kept baseline
  double first = 0, refined = 0, full = 0;
  int n = 0, visits = 4;
  for (auto _ : state) {
    ++visits;  // a new edit each time, as a planner dragging
    const auto [a, b] = timed(request("whatif", visits));
    const auto [c, d] = timed(request("intervention", visits));
    first += a;
    refined += b;
    full += d;
    ++n;
    state.SetIterationTime(b);
  }
  state.counters["first_answer_ms"] = 1e3 * first / n;
  state.counters["refined_ms"] = 1e3 * refined / n;
  state.counters["full_path_ms"] = 1e3 * full / n;
  state.counters["speedup_refined"] = full / refined;
  state.counters["speedup_first"] = full / first;
  fs::remove_all(served);
}

}  // namespace

BENCHMARK(BM_ServerWhatIf)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(3);
BENCHMARK(BM_FullPath)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);
BENCHMARK(BM_EditPath)
    ->ArgsProduct({{2}, {100, 1000}})
    ->ArgNames({"threads", "replicates"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3);
BENCHMARK(BM_CacheBaseline)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

BENCHMARK_MAIN();
