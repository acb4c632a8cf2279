// Public transport at the size of a regional feed: a generated GTFS feed of
// 150 routes x 2 directions x 40 stops x 120 trips a day (1.44 million stop_times
// rows, about Västtrafik's Gothenburg share), read as a whole against the
// baseline of GDAL's CSV driver alone reading the same stop_times.txt, the lines
// built, and on-board reports placed.
//
//   gtfs_bench [--benchmark_filter=...]   (GTFS_BENCH_ROUTES=N for another size)
#include <benchmark/benchmark.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "tryggve/core/rng.hpp"
#include "tryggve/io/gdal_env.hpp"
#include "tryggve/io/gtfs.hpp"
#include "tryggve/transit/placement.hpp"
#include "tryggve/transit/system.hpp"

namespace fs = std::filesystem;
using namespace tryggve;

namespace {

int routes() {
  const char* e = std::getenv("GTFS_BENCH_ROUTES");
  return e ? std::max(1, std::atoi(e)) : 150;
}
constexpr int kStops = 40, kTripsPerDirection = 120;

// Straight routes across a 20 km square around Gothenburg, stops 400 m apart,
// each with two platforms under a station; trips every ~8 minutes 05-21.
// The generated feed's folder, removed when the program ends.
struct TempFeed {
  fs::path dir;
  ~TempFeed() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

const fs::path& feed() {
  static const TempFeed tmp{[] {
    const fs::path d = fs::temp_directory_path() / fmt::format("tryggve_gtfs_bench_{}_{}", routes(), ::getpid());
    fs::create_directories(d);
    std::ofstream(d / "agency.txt") << "agency_id,agency_name,agency_url,agency_timezone\nA,Bench,https://example.org,Europe/Stockholm\n";
    std::ofstream(d / "calendar.txt")
        << "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
        << "S,1,1,1,1,1,1,1,20250101,20251231\n";
    std::ofstream stops(d / "stops.txt"), rts(d / "routes.txt"), trips(d / "trips.txt"), times(d / "stop_times.txt"),
        shapes(d / "shapes.txt");
    stops << "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station,platform_code\n";
    rts << "route_id,route_short_name,route_type\n";
    trips << "route_id,service_id,trip_id,trip_headsign,direction_id,shape_id\n";
    times << "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n";
    shapes << "shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence\n";
    Rng rng(2025);
    for (int r = 0; r < routes(); ++r) {
      const double lat0 = 57.62 + rng.uniform(0, 0.18), lon0 = 11.80 + rng.uniform(0, 0.30);
      const double ang = rng.uniform(0, 6.283);
      const double dlat = 0.0036 * std::sin(ang), dlon = 0.0067 * std::cos(ang);  // about 400 m
      rts << fmt::format("R{},{},{}\n", r, r + 1, r % 5 == 0 ? 900 : 700);
      for (int k = 0; k < kStops; ++k) {
        const double lat = lat0 + k * dlat, lon = lon0 + k * dlon;
        stops << fmt::format("S{}_{},Stop {} {},{:.6f},{:.6f},1,,\n", r, k, r, k, lat, lon);
        for (int side = 0; side < 2; ++side)
          stops << fmt::format("P{}_{}_{},Stop {} {},{:.6f},{:.6f},0,S{}_{},{}\n", r, k, side, r, k,
                               lat + (side ? -1 : 1) * 0.0001, lon, r, k, side ? 'B' : 'A');
      }
      for (int dir = 0; dir < 2; ++dir) {
        for (int k = 0; k < kStops; ++k) {
          const int kk = dir ? kStops - 1 - k : k;
          shapes << fmt::format("SH{}_{},{:.6f},{:.6f},{}\n", r, dir, lat0 + kk * dlat, lon0 + kk * dlon, k + 1);
        }
        for (int t = 0; t < kTripsPerDirection; ++t) {
          const int dep = 5 * 3600 + t * 8 * 60 + r * 7 + dir * 240;
          trips << fmt::format("R{},S,T{}_{}_{},End {},{},SH{}_{}\n", r, r, dir, t, dir, dir, r, dir);
          for (int k = 0; k < kStops; ++k) {
            const int at = dep + k * 75;
            const int kk = dir ? kStops - 1 - k : k;
            times << fmt::format("T{}_{}_{},{:02}:{:02}:{:02},{:02}:{:02}:{:02},P{}_{}_{},{}\n", r, dir, t, at / 3600,
                                 at / 60 % 60, at % 60, at / 3600, at / 60 % 60, at % 60, r, kk, dir, k + 1);
          }
        }
      }
    }
    return d;
  }()};
  return tmp.dir;
}

long peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

std::size_t stop_time_rows() { return static_cast<std::size_t>(routes()) * 2 * kTripsPerDirection * kStops; }

// Baseline: GDAL's CSV driver alone, every field of every row as text.
void BM_OgrCsvScanStopTimes(benchmark::State& state) {
  io::ensure_gdal();
  for (auto _ : state) {
    const char* oo[] = {"AUTODETECT_TYPE=NO", "EMPTY_STRING_AS_NULL=NO", nullptr};
    GDALDatasetUniquePtr ds(GDALDataset::Open(("CSV:" + (feed() / "stop_times.txt").string()).c_str(),
                                              GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, oo, nullptr));
    OGRLayer* l = ds->GetLayer(0);
    std::size_t chars = 0;
    for (OGRFeatureUniquePtr f(l->GetNextFeature()); f; f.reset(l->GetNextFeature()))
      for (int i = 0; i < f->GetFieldCount(); ++i) chars += std::strlen(f->GetFieldAsString(i));
    benchmark::DoNotOptimize(chars);
  }
  state.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(stop_time_rows()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_OgrCsvScanStopTimes)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_ReadGtfs(benchmark::State& state) {
  feed();
  const long before = peak_rss_mb();
  for (auto _ : state) {
    io::CrsContext crs = io::CrsContext::from_spec("EPSG:3006");
    RejectLog rejects;
    io::GtfsReadOptions o;
    o.rejects = &rejects;
    const auto f = io::read_gtfs(feed().string(), crs, o);
    benchmark::DoNotOptimize(f.stop_times.size());
    if (rejects.size()) state.SkipWithError(rejects.summary().c_str());
  }
  state.counters["stop_time_rows_per_s"] =
      benchmark::Counter(static_cast<double>(stop_time_rows()), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["peak_rss_mb"] = static_cast<double>(peak_rss_mb());
  state.counters["peak_rss_growth_mb"] = static_cast<double>(peak_rss_mb() - before);
}
BENCHMARK(BM_ReadGtfs)->Unit(benchmark::kMillisecond)->Iterations(1);

struct Built {
  transit::System sys;
};
const Built& built() {
  static const Built b = [] {
    io::CrsContext crs = io::CrsContext::from_spec("EPSG:3006");
    return Built{transit::build(io::read_gtfs(feed().string(), crs))};
  }();
  return b;
}

void BM_BuildLines(benchmark::State& state) {
  io::CrsContext crs = io::CrsContext::from_spec("EPSG:3006");
  const gtfs::Feed f = io::read_gtfs(feed().string(), crs);
  for (auto _ : state) {
    transit::BuildReport rep;
    const auto sys = transit::build(f, {}, &rep);
    benchmark::DoNotOptimize(sys.segments().size());
    state.counters["segments"] = static_cast<double>(rep.segments);
    state.counters["edges"] = static_cast<double>(rep.edges);
  }
}
BENCHMARK(BM_BuildLines)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_PlaceOnBoard(benchmark::State& state) {
  const auto& sys = built().sys;
  const transit::Placer placer(sys);
  const TimeZone tz = TimeZone::from_name("Europe/Stockholm");
  Rng rng(7);
  std::vector<transit::OnBoardReport> reports(10000);
  for (auto& r : reports) {
    r.line = std::to_string(1 + rng.below(static_cast<std::uint64_t>(routes())));
    r.time = tz.from_local(2025, 3, 12, 6 + static_cast<int>(rng.below(14)), static_cast<int>(rng.below(60)), 0);
    if (rng.uniform() < 0.5) r.direction = rng.uniform() < 0.5 ? "End 0" : "End 1";
  }
  std::size_t placed = 0;
  for (auto _ : state)
    for (const auto& r : reports) placed += placer.on_board(r).placed;
  state.counters["placed_share"] = static_cast<double>(placed) / static_cast<double>(reports.size() * state.iterations());
  state.counters["reports_per_s"] =
      benchmark::Counter(static_cast<double>(reports.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_PlaceOnBoard)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
