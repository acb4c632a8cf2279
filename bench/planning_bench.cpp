// Planning: the watch list's lazy greedy (CELF) against plain greedy on the same
// objective and candidates (the peer, measured in the same run), and the walk
// route search. A 40 × 40 grid of 100 m streets, 50 m cells, random forecasts
// (heavy-tailed, like crime: most cells near zero).
#include <benchmark/benchmark.h>

#include <cmath>
#include <memory>

#include "tryggve/core/rng.hpp"
#include "tryggve/network/lixels.hpp"
#include "tryggve/planning/patrol.hpp"
#include "tryggve/planning/routes.hpp"

using namespace tryggve;
using namespace tryggve::planning;

namespace {

network::Network grid(int n, double spacing) {
  std::vector<Point> v;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) v.push_back({i * spacing, j * spacing});
  std::vector<network::Edge> edges;
  auto mk = [&](int a, int b) {
    network::Edge e;
    e.from = static_cast<network::VertexId>(a);
    e.to = static_cast<network::VertexId>(b);
    e.geometry = {v[a], v[b]};
    e.length = distance(v[a], v[b]);
    edges.push_back(e);
  };
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      if (i + 1 < n) mk(j * n + i, j * n + i + 1);
      if (j + 1 < n) mk(j * n + i, (j + 1) * n + i);
    }
  return network::Network(v, edges);
}

struct World {
  network::Network net = grid(40, 100.0);
  network::Lixelization lix{net, 50.0};
  simulation::CellNetwork cells{net, lix, 300.0};
  std::vector<PatrolPlace> places = make_places(cells, 150.0);
  std::vector<std::vector<double>> F;
  World() {
    Rng rng(42);
    F.assign(3, std::vector<double>(cells.size()));
    for (auto& f : F)
      for (auto& x : f) x = std::pow(rng.uniform(), 6.0) * 5.0;
  }
};

World& world() {
  static World w;
  return w;
}

void watch_list(benchmark::State& state, bool lazy) {
  auto& w = world();
  PatrolOptions o;
  o.officer_hours_per_week = 1000.0;
  o.max_places = static_cast<int>(state.range(0));
  o.min_spacing_m = 200.0;
  o.lazy = lazy;
  std::size_t evals = 0;
  for (auto _ : state) {
    const auto s = choose_places(w.cells, w.places, w.F, {1.0, 2.0, 3.0}, {0.84, 0.84, 0.77}, o);
    evals = s.evaluations;
    benchmark::DoNotOptimize(s.chosen.data());
  }
  state.counters["gain_evaluations"] = static_cast<double>(evals);
  state.counters["candidates"] = static_cast<double>(w.places.size());
}

void BM_WatchList_CELF(benchmark::State& s) { watch_list(s, true); }
void BM_WatchList_PlainGreedy(benchmark::State& s) { watch_list(s, false); }
BENCHMARK(BM_WatchList_CELF)->Arg(10)->Arg(40)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WatchList_PlainGreedy)->Arg(10)->Arg(40)->Unit(benchmark::kMillisecond);

void BM_WalkRoute(benchmark::State& state) {
  auto& w = world();
  std::vector<double> prize(w.net.edge_count(), 0.0);
  for (simulation::CellId c = 0; c < w.cells.size(); ++c) prize[w.cells.cell(c).edge] += w.F[0][c];
  RouteOptions o;
  o.max_length_m = static_cast<double>(state.range(0));
  o.iterations = 200;
  for (auto _ : state) {
    const auto r = plan_route(w.net, prize, 820, o.max_length_m, {}, o);
    benchmark::DoNotOptimize(r.edges.data());
    state.counters["risk"] = r.risk;
  }
}
BENCHMARK(BM_WalkRoute)->Arg(3000)->Arg(6000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
