// Network kernel density, at city scale and against spatstat.linnet on the same inputs.
//
//   BM_City*     a 100,800-edge jittered street lattice (225 x 225 vertices, 100 m blocks,
//                every fourth street bent), 100,000 random incidents, 20 m lixels (about
//                504,000), bandwidth 300 m: heat (sigma 300) and the path methods (quartic,
//                support radius 300 m), at 1 and 2 threads.
//   BM_Chicago*  spatstat's chicago (read with pipeline::run_map, --crs local), heat sigma 100:
//                leave-one-out at the 116 points (density.lpp(at = "points")) and on the
//                network (3,111 midpoints of 10-unit lixels; spatstat: density.lpp()).
//   BM_Lattice*  100 x 100 lattice, 10-unit blocks (19,800 segments), 10,000 uniform points,
//                heat sigma 30, leave-one-out at the points. With TRYGGVE_BENCH_LATTICE_DIR set
//                (bench/run_density_bench.sh) the lattice and points are the ones
//                bench/peers/spatstat_lattice.R drew and timed; otherwise generated here.
//
// Each case reports work counters (lixels or points per second, heat matvecs).
#include <benchmark/benchmark.h>

#include <oneapi/tbb/global_control.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "tryggve/core/rng.hpp"
#include "tryggve/density/density.hpp"
#include "tryggve/network/lixels.hpp"
#include "tryggve/pipeline/map_stage.hpp"

using namespace tryggve;
using namespace tryggve::network;
using namespace tryggve::density;
namespace fs = std::filesystem;

namespace {

constexpr int kSide = 225;          // 2 * 225 * 224 = 100,800 edges
constexpr double kBlock = 100.0;
constexpr std::size_t kIncidents = 100'000;

Network make_city() {
  Rng rng(20240611, 0);
  std::vector<Point> v;
  v.reserve(kSide * kSide);
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x < kSide; ++x) v.push_back({x * kBlock + rng.uniform(-25, 25), y * kBlock + rng.uniform(-25, 25)});
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
  return Network(std::move(v), std::move(edges));
}

// Uniform on the network: an edge with probability proportional to its length.
std::vector<NetworkPosition> uniform_positions(const Network& net, std::size_t n, std::uint64_t seed) {
  std::vector<double> cum(net.edge_count());
  double s = 0;
  for (EdgeId e = 0; e < net.edge_count(); ++e) cum[e] = s += net.edge(e).length;
  Rng rng(seed, 2);
  std::vector<NetworkPosition> p(n);
  for (auto& q : p) {
    const double u = rng.uniform(0.0, s);
    const auto e = static_cast<EdgeId>(std::min<std::size_t>(
        static_cast<std::size_t>(std::upper_bound(cum.begin(), cum.end(), u) - cum.begin()), net.edge_count() - 1));
    q = {e, rng.uniform(0.0, net.edge(e).length)};
  }
  return p;
}

struct City {
  Network net = make_city();
  Lixelization lix{net, 20.0};
  std::vector<NetworkPosition> events = uniform_positions(net, kIncidents, 11);
};
City& city() {
  static City c;
  return c;
}

void city_case(benchmark::State& state, Method m, Kernel k) {
  auto& c = city();
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(state.range(0)));
  DensityOptions o;
  o.method = m;
  o.kernel = k;
  o.bandwidth_m = 300.0;
  DensityResult r;
  for (auto _ : state) {
    r = estimate(c.net, c.lix, c.events, {}, o);
    benchmark::DoNotOptimize(r.values.data());
  }
  state.counters["edges"] = static_cast<double>(c.net.edge_count());
  state.counters["lixels"] = static_cast<double>(c.lix.size());
  state.counters["incidents"] = static_cast<double>(c.events.size());
  state.counters["mass"] = integrate(c.lix, r.values);
  if (m == Method::Heat) state.counters["matvecs"] = static_cast<double>(r.heat_matvecs);
}
void BM_CityHeat(benchmark::State& s) { city_case(s, Method::Heat, Kernel::Gaussian); }
void BM_CityContinuousQuartic(benchmark::State& s) { city_case(s, Method::EqualSplitContinuous, Kernel::Quartic); }
void BM_CityDiscontinuousQuartic(benchmark::State& s) { city_case(s, Method::EqualSplitDiscontinuous, Kernel::Quartic); }
void BM_CitySimpleQuartic(benchmark::State& s) { city_case(s, Method::Simple, Kernel::Quartic); }
BENCHMARK(BM_CityHeat)->Arg(1)->Arg(2)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_CityContinuousQuartic)->Arg(1)->Arg(2)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_CityDiscontinuousQuartic)->Arg(2)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_CitySimpleQuartic)->Arg(2)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

// ---- chicago -----------------------------------------------------------------

struct Chicago {
  pipeline::MapResult m;
  std::vector<NetworkPosition> events;
  Lixelization lix10;
  Chicago() {
    pipeline::MapOptions o;
    const fs::path d = fs::path(TRYGGVE_BENCH_SHARED_DATA) / "incidents/chicago_spatstat";
    o.streets = (d / "chicago_network.geojson").string();
    o.incidents = (d / "chicago_crimes.csv").string();
    o.crs = "local";
    o.noding = "none";
    o.lixel_length_m = 10.0;
    m = pipeline::run_map(o);
    for (const auto& s : m.snaps) events.push_back(s.position());
    lix10 = Lixelization(m.net, 10.0);
  }
};
Chicago& chicago() {
  static Chicago c;
  return c;
}

void BM_ChicagoHeatPoints(benchmark::State& state) {
  auto& c = chicago();
  DensityOptions o;
  o.bandwidth_m = 100.0;
  o.leave_one_out = true;
  for (auto _ : state) benchmark::DoNotOptimize(density_at(c.m.net, c.events, c.events, {}, o).values.data());
  state.counters["points"] = static_cast<double>(c.events.size());
}
void BM_ChicagoHeatNetwork(benchmark::State& state) {
  auto& c = chicago();
  DensityOptions o;
  o.bandwidth_m = 100.0;
  for (auto _ : state) benchmark::DoNotOptimize(estimate(c.m.net, c.lix10, c.events, {}, o).values.data());
  state.counters["lixels"] = static_cast<double>(c.lix10.size());
}
BENCHMARK(BM_ChicagoHeatPoints)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ChicagoHeatNetwork)->Unit(benchmark::kMillisecond)->UseRealTime();

// ---- lattice -----------------------------------------------------------------

std::vector<std::vector<double>> read_csv(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::vector<double>> rows;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<double> r;
    std::stringstream ls(line);
    for (std::string f; std::getline(ls, f, ',');) r.push_back(std::stod(f));
    if (!r.empty()) rows.push_back(std::move(r));
  }
  return rows;
}

struct Lattice {
  Network net;
  std::vector<NetworkPosition> events;
  Lattice() {
    const char* dir = std::getenv("TRYGGVE_BENCH_LATTICE_DIR");
    std::vector<std::vector<double>> seg;
    if (dir) {
      seg = read_csv(fs::path(dir) / "lattice_segments.csv");
    } else {
      for (int j = 0; j < 100; ++j)
        for (int i = 0; i < 100; ++i) {
          if (i + 1 < 100) seg.push_back({10.0 * i, 10.0 * j, 10.0 * (i + 1), 10.0 * j});
          if (j + 1 < 100) seg.push_back({10.0 * i, 10.0 * j, 10.0 * i, 10.0 * (j + 1)});
        }
    }
    std::map<std::pair<double, double>, VertexId> index;
    std::vector<Point> v;
    std::vector<Edge> edges;
    auto vid = [&](double x, double y) {
      auto [it, added] = index.try_emplace({x, y}, static_cast<VertexId>(v.size()));
      if (added) v.push_back({x, y});
      return it->second;
    };
    for (const auto& s : seg) {
      Edge e;
      e.from = vid(s[0], s[1]);
      e.to = vid(s[2], s[3]);
      e.geometry = {{s[0], s[1]}, {s[2], s[3]}};
      e.length = distance(e.geometry[0], e.geometry[1]);
      edges.push_back(std::move(e));
    }
    net = Network(std::move(v), std::move(edges));
    if (dir) {
      for (const auto& p : read_csv(fs::path(dir) / "lattice_points.csv")) {
        const auto e = static_cast<EdgeId>(p[0] - 1);
        events.push_back({e, p[1] * net.edge(e).length});
      }
    } else {
      events = uniform_positions(net, 10'000, 42);
    }
  }
};

void BM_LatticeHeatPoints(benchmark::State& state) {
  static Lattice c;
  DensityOptions o;
  o.bandwidth_m = 30.0;
  o.leave_one_out = true;
  DensityResult r;
  for (auto _ : state) {
    r = density_at(c.net, c.events, c.events, {}, o);
    benchmark::DoNotOptimize(r.values.data());
  }
  state.counters["segments"] = static_cast<double>(c.net.edge_count());
  state.counters["points"] = static_cast<double>(c.events.size());
  state.counters["matvecs"] = static_cast<double>(r.heat_matvecs);
  // Our values next to spatstat's, so the run script can compare them.
  if (const char* dir = std::getenv("TRYGGVE_BENCH_LATTICE_DIR")) {
    std::ofstream out(fs::path(dir) / "lattice_ours.csv");
    out << "value\n";
    out.precision(17);
    for (double v : r.values) out << v << "\n";
  }
}
BENCHMARK(BM_LatticeHeatPoints)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
