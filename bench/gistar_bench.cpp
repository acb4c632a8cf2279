// Getis-Ord Gi* with 999 conditional permutations on 99,000 lixels (a 100 x 100
// street lattice of 100 m blocks, 19,800 edges, 20 m lixels), binary network-distance
// band of 100 m (self included: 22.8 neighbours per lixel on average, 2.26 million
// weights), counts from a seeded Poisson field with a few planted hot spots. At 1 and
// 2 threads; the weights are built once, outside the timed loop (BM_BuildWeights
// times them on their own).
//
//   gistar_bench                    Google Benchmark run
//   gistar_bench --export DIR       write weights.csv (write_weights_csv) and
//                                   values.csv (unit, count, Tryggve's analytical z)
//                                   for the spdep peer (bench/peers/spdep_localG_perm.R)
//
// bench/run_gistar_bench.sh runs both and prints the ratio.
#include <benchmark/benchmark.h>

#include <oneapi/tbb/global_control.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/hotspot/local_stats.hpp"
#include "tryggve/hotspot/weights.hpp"
#include "tryggve/network/lixels.hpp"

using namespace tryggve;
using namespace tryggve::hotspot;

namespace {

constexpr int kSide = 100;
constexpr double kBlock = 100.0, kLixel = 20.0, kBand = 100.0;
constexpr std::size_t kPermutations = 999;

struct Problem {
  network::Network net;
  network::Lixelization lix;
  SpatialUnits units;
  Weights w;
  std::vector<double> x;
};

network::Network lattice() {
  std::vector<Point> v;
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x < kSide; ++x) v.push_back({x * kBlock, y * kBlock});
  std::vector<network::Edge> edges;
  auto add = [&](int a, int b) {
    network::Edge e;
    e.from = static_cast<network::VertexId>(a);
    e.to = static_cast<network::VertexId>(b);
    e.geometry = {v[a], v[b]};
    e.length = kBlock;
    edges.push_back(std::move(e));
  };
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x + 1 < kSide; ++x) add(y * kSide + x, y * kSide + x + 1);
  for (int y = 0; y + 1 < kSide; ++y)
    for (int x = 0; x < kSide; ++x) add(y * kSide + x, (y + 1) * kSide + x);
  return network::Network(std::move(v), std::move(edges));
}

WeightsOptions band() {
  WeightsOptions o;
  o.scheme = WeightScheme::DistanceBand;
  o.max_distance_m = kBand;
  o.self = SelfWeight::Include;
  return o;
}

const Problem& problem() {
  static const Problem p = [] {
    Problem p{lattice(), {}, {}, {}, {}};
    p.lix = network::Lixelization(p.net, kLixel);
    p.units = SpatialUnits::lixels(p.net, p.lix);
    p.w = build_weights(p.net, p.units, band());
    Rng rng(20240612, 0);
    const Point hot[] = {{2000, 3000}, {7500, 6000}, {5000, 5000}, {3000, 8000}};
    p.x.resize(p.units.size());
    for (std::size_t i = 0; i < p.x.size(); ++i) {
      const Point m = p.net.point_at(p.units[i].edge, p.units[i].mid_offset());
      double mean = 0.3;
      for (const Point& h : hot) mean += 3.0 * std::exp(-distance(m, h) / 300.0);
      p.x[i] = static_cast<double>(rng.poisson(mean));
    }
    return p;
  }();
  return p;
}

void BM_GiStar999(benchmark::State& state) {
  const auto& p = problem();
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(state.range(0)));
  LocalOptions o;
  o.permutations = kPermutations;
  o.seed = 42;
  std::size_t hot = 0;
  for (auto _ : state) {
    const auto r = gi_star(p.w, p.x, o);
    hot = 0;
    for (const auto& s : r.stats) hot += s.hot_cold > 0;
    benchmark::DoNotOptimize(hot);
  }
  state.counters["units"] = static_cast<double>(p.units.size());
  state.counters["nonzero"] = static_cast<double>(p.w.nonzero_count());
  state.counters["threads"] = static_cast<double>(state.range(0));
  state.counters["hot_units"] = static_cast<double>(hot);
}
BENCHMARK(BM_GiStar999)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1.0);

void BM_BuildWeights(benchmark::State& state) {
  const auto& p = problem();
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(build_weights(p.net, p.units, band()).nonzero_count());
  state.counters["threads"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_BuildWeights)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

int export_for_peer(const std::filesystem::path& dir) {
  const auto& p = problem();
  std::filesystem::create_directories(dir);
  write_weights_csv(p.w, dir / "weights.csv");
  LocalOptions o;
  o.permutations = 0;
  const auto r = gi_star(p.w, p.x, o);
  std::string out = "unit,count,z\n";
  for (std::size_t i = 0; i < p.x.size(); ++i) out += fmt::format("{},{},{}\n", i, p.x[i], r.stats[i].z);
  write_text_atomically(dir / "values.csv", out);
  std::printf("exported %zu units, %zu weights to %s\n", p.units.size(), p.w.nonzero_count(), dir.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::strcmp(argv[1], "--export") == 0) return export_for_peer(argv[2]);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
