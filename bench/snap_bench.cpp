// Snapping throughput on a city-sized network: 100,800 edges (a jittered
// 225 x 225 street lattice, 100 m blocks, every fourth street bent at its middle),
// 1,000,000 random incidents, at 1 and 2 threads.
//
//   snap_bench                       Google Benchmark run (points/s counters)
//   snap_bench --export DIR [N]      write the network, the first N points (default
//                                    100,000) and their C++ snap results as CSV for the
//                                    osmnx peer (bench/peers/osmnx_nearest_edges.py), then exit
//
// The network and points come from a seeded generator (core/rng.hpp), so every
// run and the peer see the same data.
#include <benchmark/benchmark.h>

#include <oneapi/tbb/global_control.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "tryggve/core/rng.hpp"
#include "tryggve/snap/snapper.hpp"

using namespace tryggve;
using namespace tryggve::network;

namespace {

constexpr int kSide = 225;            // vertices per side: 2 * 225 * 224 = 100,800 edges
constexpr double kBlock = 100.0;      // metres between streets
constexpr double kOx = 300000.0, kOy = 6390000.0;  // SWEREF99 TM-like coordinates
constexpr std::size_t kPoints = 1'000'000;
constexpr double kMaxDistance = 200.0;

Network make_city() {
  Rng rng(20240611, 0);
  std::vector<Point> v;
  v.reserve(kSide * kSide);
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x < kSide; ++x)
      v.push_back({kOx + x * kBlock + rng.uniform(-25, 25), kOy + y * kBlock + rng.uniform(-25, 25)});
  std::vector<Edge> edges;
  edges.reserve(2 * kSide * (kSide - 1));
  auto add = [&](VertexId a, VertexId b) {
    Edge e;
    e.from = a;
    e.to = b;
    e.geometry = {v[a]};
    if (edges.size() % 4 == 0)
      e.geometry.push_back({0.5 * (v[a].x + v[b].x) + rng.uniform(-15, 15), 0.5 * (v[a].y + v[b].y) + rng.uniform(-15, 15)});
    e.geometry.push_back(v[b]);
    e.length = length(e.geometry);
    e.source_id = static_cast<std::int64_t>(edges.size());
    edges.push_back(std::move(e));
  };
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x < kSide; ++x) {
      const auto i = static_cast<VertexId>(y * kSide + x);
      if (x + 1 < kSide) add(i, i + 1);
      if (y + 1 < kSide) add(i, i + kSide);
    }
  return Network(std::move(v), std::move(edges), "EPSG:3006");
}

std::vector<Point> make_points(const Envelope& e, std::size_t n) {
  Rng rng(7, 1);
  std::vector<Point> p(n);
  for (auto& q : p) q = {rng.uniform(e.min_x, e.max_x), rng.uniform(e.min_y, e.max_y)};
  return p;
}

struct City {
  Network net = make_city();
  snap::EdgeIndex index{net};
  std::vector<Point> points = make_points(net.extent(), kPoints);
};
City& city() {
  static City c;
  return c;
}

void BM_BuildIndex(benchmark::State& state) {
  const Network& net = city().net;
  for (auto _ : state) {
    snap::EdgeIndex idx(net);
    benchmark::DoNotOptimize(idx.segment_count());
  }
  state.counters["edges"] = static_cast<double>(net.edge_count());
}
BENCHMARK(BM_BuildIndex)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SnapAll(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  City& c = city();
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  std::vector<snap::SnapResult> res;
  for (auto _ : state) {
    res = snap::snap_all(c.index, c.points, snap::SnapOptions{.max_distance_m = kMaxDistance});
    benchmark::DoNotOptimize(res.data());
  }
  std::size_t found = 0;
  for (const auto& r : res) found += r.found();
  state.counters["threads"] = threads;
  state.counters["edges"] = static_cast<double>(c.net.edge_count());
  state.counters["points"] = static_cast<double>(c.points.size());
  state.counters["found"] = static_cast<double>(found);
  state.counters["points_per_second"] =
      benchmark::Counter(static_cast<double>(c.points.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_SnapAll)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

// One thread, 200,000 of the points, other grid cell sizes (metres; 0 = the
// default from the mean segment length): the evidence for the default.
void BM_SnapCellSize(benchmark::State& state) {
  City& c = city();
  const snap::EdgeIndex idx(c.net, static_cast<double>(state.range(0)));
  const auto pts = std::span<const Point>(c.points).first(200'000);
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, 1);
  for (auto _ : state) {
    for (const auto& p : pts) benchmark::DoNotOptimize(idx.nearest(p, kMaxDistance));
  }
  state.counters["cell_m"] = idx.cell_size();
  state.counters["points_per_second"] =
      benchmark::Counter(static_cast<double>(pts.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_SnapCellSize)->Arg(0)->Arg(40)->Arg(150)->Arg(250)->Unit(benchmark::kMillisecond);

int export_csv(const std::filesystem::path& dir, std::size_t n) {
  std::filesystem::create_directories(dir);
  City& c = city();
  n = std::min(n, c.points.size());
  auto open = [&](const char* name) {
    FILE* f = std::fopen((dir / name).c_str(), "w");
    if (!f) std::perror(name), std::exit(1);
    return f;
  };
  FILE* f = open("nodes.csv");
  std::fprintf(f, "id,x,y\n");
  for (VertexId i = 0; i < c.net.vertex_count(); ++i)
    std::fprintf(f, "%u,%.17g,%.17g\n", i, c.net.vertex(i).x, c.net.vertex(i).y);
  std::fclose(f);
  f = open("edges.csv");
  std::fprintf(f, "id,u,v,wkt\n");
  for (EdgeId e = 0; e < c.net.edge_count(); ++e) {
    const auto& ed = c.net.edge(e);
    std::string wkt = "LINESTRING (";
    for (std::size_t k = 0; k < ed.geometry.size(); ++k) {
      char buf[80];
      std::snprintf(buf, sizeof buf, "%s%.17g %.17g", k ? ", " : "", ed.geometry[k].x, ed.geometry[k].y);
      wkt += buf;
    }
    wkt += ")";
    std::fprintf(f, "%u,%u,%u,\"%s\"\n", e, ed.from, ed.to, wkt.c_str());
  }
  std::fclose(f);
  f = open("points.csv");
  std::fprintf(f, "x,y,edge,distance\n");
  const auto res = snap::snap_all(c.index, std::span(c.points).first(n), snap::SnapOptions{.max_distance_m = kMaxDistance});
  for (std::size_t i = 0; i < n; ++i)
    std::fprintf(f, "%.17g,%.17g,%d,%.17g\n", c.points[i].x, c.points[i].y,
                 res[i].found() ? static_cast<int>(res[i].edge) : -1, res[i].distance);
  std::fclose(f);
  std::printf("wrote %zu vertices, %zu edges, %zu points to %s\n", c.net.vertex_count(), c.net.edge_count(), n,
              dir.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::strcmp(argv[1], "--export") == 0)
    return export_csv(argv[2], argc >= 4 ? std::stoul(argv[3]) : 100'000);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
