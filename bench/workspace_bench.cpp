// A month's intake (issue 11): 5,000 reports from 8 actors, each in its own
// file format, into a fresh workspace on the real Helsinki OSM extract, on a
// GeoPackage and on PostgreSQL (when TRYGGVE_BENCH_PG or TRYGGVE_TEST_PG names
// a server where the benchmark may CREATE DATABASE).
//
//   workspace_bench [--benchmark_repetitions=3]
//
// The actors' files come from a seeded generator: positions on the network's
// edges (x/y in EPSG:3067), addresses and stop names from the workspace itself,
// and one report in ten of the police's repeated by another actor 20 m and
// 10 minutes away (cross-actor duplicates to link).
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tryggve/core/log.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/workspace/intake.hpp"
#include "tryggve/workspace/month.hpp"
#include "tryggve/workspace/workspace.hpp"

using namespace tryggve;
using namespace tryggve::workspace;
namespace fs = std::filesystem;

namespace {

constexpr int kPerActor = 625;  // 8 x 625 = 5,000

// The logger is made once per process (spdlog refuses a second one).
// TRYGGVE_BENCH_LOG=1 shows the engine's own log (debug level) with times to the
// millisecond: where a benchmark's time goes, stage by stage.
void quiet_once() {
  static const bool quiet = [] {
    const char* v = std::getenv("TRYGGVE_BENCH_LOG");
    const bool show = v != nullptr && std::string_view(v) == "1";
    log::init(show ? log::Verbosity::Verbose : log::Verbosity::Quiet);
    if (show) spdlog::set_pattern("%H:%M:%S.%e %l: %v");
    return true;
  }();
  (void)quiet;
}

std::string helsinki() { return std::string(TRYGGVE_BENCH_SHARED_DATA) + "/osm/helsinki_centre.osm.pbf"; }

pipeline::MapOptions district() {
  pipeline::MapOptions o;
  o.streets = helsinki();
  o.crs = "EPSG:3067";
  return o;
}

struct ActorFile {
  std::string actor, path;
  std::string source_crs;
};

// Writes the 8 actors' files into `dir` from the workspace's own district.
std::vector<ActorFile> write_files(Workspace& ws, const fs::path& dir) {
  const auto net = ws.load_network();
  const auto addresses = ws.load_addresses();
  const auto stops = ws.load_points("stops");
  std::mt19937_64 rng(20261101);
  auto uni = [&](double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng); };
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  auto on_network = [&] {
    const auto& g = net.edge(static_cast<network::EdgeId>(pick(net.edge_count()))).geometry;
    const std::size_t k = pick(g.size() - 1);
    const double t = uni(0, 1);
    return Point{g[k].x + t * (g[k + 1].x - g[k].x) + uni(-8, 8), g[k].y + t * (g[k + 1].y - g[k].y) + uni(-8, 8)};
  };
  const std::vector<std::string> labels = {"Klotter",        "Slagsmål",        "Drogförsäljning", "Bilbrand",
                                           "Ordningsstörning", "Samling av ungdomar", "Hot",        "Trasig belysning",
                                           "Mopedåkning",    "Krossad ruta"};
  const std::vector<std::string> police = {"Misshandel", "Skadegörelse", "Narkotikabrott", "Rån", "Bråk", "Stöld"};
  auto when = [&] {
    const int day = 1 + static_cast<int>(pick(30)), hour = static_cast<int>(pick(24)), minute = static_cast<int>(pick(60));
    return std::tuple<int, int, int>{day, hour, minute};
  };
  struct Event {
    Point p;
    int day, hour, minute;
  };
  std::vector<Event> police_events;
  std::vector<ActorFile> files;
  auto open = [&](const std::string& name) {
    files.push_back({"", (dir / name).string(), ""});
    return std::ofstream(dir / name);
  };
  {  // polisen: comma, English headers, x/y
    auto f = open("polisen.csv");
    files.back().actor = "polisen", files.back().source_crs = "EPSG:3067";
    f << "id,datetime,type,x,y,summary\n";
    for (int i = 0; i < kPerActor; ++i) {
      const Point p = on_network();
      const auto [d, h, m] = when();
      police_events.push_back({p, d, h, m});
      f << fmt::format("{},2026-11-{:02} {:02}:{:02},{},{:.2f},{:.2f},händelse {} vid gatan\n", 9000 + i, d, h, m,
                       police[pick(police.size())], p.x, p.y, i);
    }
  }
  // One police event in ten is reported again by one of three actors, 20 m and 10 minutes later.
  auto echo = [&](int i, Point& p, int& d, int& h, int& m) {
    if (i % 10 != 0 || i / 10 >= static_cast<int>(police_events.size())) return false;
    const auto& e = police_events[static_cast<std::size_t>(i / 10 * 7 % police_events.size())];
    p = {e.p.x + 12, e.p.y + 16};
    d = e.day, h = e.hour, m = e.minute + 10;
    if (m >= 60) m -= 60, h = (h + 1) % 24;
    return true;
  };
  {  // the school: semicolon, decimal comma, date and clock in two columns
    auto f = open("skola.csv");
    files.back().actor = "Backaskolan", files.back().source_crs = "EPSG:3067";
    f << "Datum;Klockslag;Händelsetyp;X;Y;Kommentar\n";
    for (int i = 0; i < kPerActor; ++i) {
      Point p = on_network();
      auto [d, h, m] = when();
      echo(i, p, d, h, m);
      auto dc = [](double v) {
        std::string s = fmt::format("{:.2f}", v);
        s[s.find('.')] = ',';
        return s;
      };
      f << fmt::format("2026-11-{:02};{:02}:{:02};{};{};{};elever rapporterar {}\n", d, h, m, labels[pick(labels.size())],
                       dc(p.x), dc(p.y), i);
    }
  }
  auto xy_file = [&](const std::string& name, const std::string& actor, const char* header, const char* fmtline, bool echoes) {
    auto f = open(name);
    files.back().actor = actor, files.back().source_crs = "EPSG:3067";
    f << header;
    for (int i = 0; i < kPerActor; ++i) {
      Point p = on_network();
      auto [d, h, m] = when();
      if (echoes) echo(i, p, d, h, m);
      f << fmt::format(fmt::runtime(fmtline), d, h, m, labels[pick(labels.size())], p.x, p.y, i);
    }
  };
  xy_file("stadsdelen.tsv", "stadsdelen", "Tidpunkt\tKategori\tX\tY\tBeskrivning\n",
          "2026-11-{:02} {:02}:{:02}\t{}\t{:.2f}\t{:.2f}\tfältassistenter {}\n", true);
  xy_file("parker.csv", "parkförvaltningen", "time,category,x,y,text\n",
          "2026-11-{:02} {:02}:{:02},{},{:.2f},{:.2f},parkarbetare {}\n", false);
  xy_file("fastighet.csv", "fastighetsägare", "Tidpunkt;Typ;X;Y;Fritext\n",
          "2026-11-{:02} {:02}:{:02};{};{:.2f};{:.2f};fastighetsskötare {}\n", true);
  auto address_file = [&](const std::string& name, const std::string& actor, const char* header, char sep) {
    auto f = open(name);
    files.back().actor = actor;
    f << header;
    for (int i = 0; i < kPerActor; ++i) {
      const auto& a = addresses[pick(addresses.size())];
      const auto [d, h, m] = when();
      f << fmt::format("2026-11-{:02} {:02}:{:02}{}{}{}{} {}{}anmälan {}\n", d, h, m, sep, labels[pick(labels.size())], sep,
                       a.street, a.housenumber, sep, i);
    }
  };
  address_file("bostad.csv", "bostadsbolaget", "Tidpunkt;Kategori;Adress;Beskrivning\n", ';');
  address_file("felanmalan.csv", "felanmälan", "Datum och tid,Ärendetyp,Gatuadress,Meddelande\n", ',');
  {  // Västtrafik: stop names
    auto f = open("vasttrafik.tsv");
    files.back().actor = "Västtrafik";
    f << "Tid\tHändelse\tHållplats\tFritext\n";
    std::vector<std::string> named;
    for (const auto& s : stops)
      if (!s.name.empty()) named.push_back(s.name);
    for (int i = 0; i < kPerActor; ++i) {
      const auto [d, h, m] = when();
      f << fmt::format("2026-11-{:02} {:02}:{:02}\t{}\t{}\tförare rapporterar {}\n", d, h, m, labels[pick(labels.size())],
                       named[pick(named.size())], i);
    }
  }
  return files;
}

std::string pg_server() {
  for (const char* v : {"TRYGGVE_BENCH_PG", "TRYGGVE_TEST_PG"})
    if (const char* s = std::getenv(v); s && *s) return s;
  return {};
}

std::string with_dbname(const std::string& conn, const std::string& db) {
  std::string s = conn;
  const auto p = s.find("dbname=");
  if (p == std::string::npos) return s + " dbname=" + db;
  const auto e = s.find(' ', p);
  return s.replace(p, (e == std::string::npos ? s.size() : e) - p, "dbname=" + db);
}

void BM_MonthIntake(benchmark::State& state) {
  const bool pg = state.range(0) == 1;
  if (pg && pg_server().empty()) {
    state.SkipWithError("no PostgreSQL: set TRYGGVE_BENCH_PG");
    return;
  }
  quiet_once();
  const fs::path dir = fs::temp_directory_path() / fmt::format("tryggve_ws_bench_{}", ::getpid());
  fs::create_directories(dir);
  int run = 0;
  std::size_t reports = 0, rejects = 0, linked = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::string target;
    const std::string db = fmt::format("tryggve_bench_{}_{}", ::getpid(), run++);
    if (pg) {
      io::Database::open(pg_server())->execute("CREATE DATABASE " + db);
      target = with_dbname(pg_server(), db);
    } else {
      target = (dir / (db + ".gpkg")).string();
    }
    std::vector<ActorFile> files;
    {
      auto ws = Workspace::init(target, district());
      files = write_files(ws, dir);
    }
    state.ResumeTiming();
    auto ws = Workspace::open(target);
    reports = rejects = linked = 0;
    for (const auto& f : files) {
      IntakeOptions o;
      o.actor = f.actor;
      o.source_crs = f.source_crs;
      const auto r = intake(ws, {f.path}, o);
      reports += r.files[0].reports, rejects += r.files[0].rejected, linked += r.files[0].linked;
    }
    state.PauseTiming();
    if (pg) {
      auto admin = io::Database::open(pg_server());
      admin->execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }
    state.ResumeTiming();
  }
  fs::remove_all(dir);
  state.counters["reports"] = static_cast<double>(reports);
  state.counters["rejects"] = static_cast<double>(rejects);
  state.counters["cross_actor_links"] = static_cast<double>(linked);
  state.counters["rows_per_s"] =
      benchmark::Counter(static_cast<double>(reports + rejects), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_MonthIntake)->ArgName("postgres")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

// ---- The month on the demo district ------------------------------------------
// The demo district (36 months) and the files its eight actors send each month
// (actors/index.json: the police's CSV, the school's Excel sheet, the housing
// company's and the property owner's sheets by address, Västtrafik's reports by stop
// and on board, the parks department's GeoJSON, the city's felanmälan export and the
// district's GeoPackage), each taken in with its actor, as `tryggve demo` does; the
// workspace holds the demo's GTFS feed. BM_DemoMonth: the history up to the month
// before the last taken in untimed; timed: the last month's eight files + `month`
// (no report, no PDF: chromium is not what is measured). BM_DemoReplay: every month taken in
// and `month` run, one after the other, from the 13th month on (a year of history
// first, as a new workspace would start), TRYGGVE_BENCH_REPLAY_MONTHS of them
// (default: all 24). TRYGGVE_BENCH_VOLUME scales the demo's rates.

struct DemoMonth {
  std::string month;                                       // YYYY-MM
  std::vector<std::pair<std::string, std::string>> files;  // actor, path
};
struct DemoMonths {
  fs::path dir = fs::temp_directory_path() / fmt::format("tryggve_month_bench_{}", ::getpid());
  std::vector<DemoMonth> files;  // by month
  DemoMonths() {
    demo::DemoOptions o;
    o.months = 36;
    // TRYGGVE_BENCH_VOLUME=5: every background rate five times the demo's (about
    // 4,800 reports a month, the month of 5,000), history and month alike.
    if (const char* v = std::getenv("TRYGGVE_BENCH_VOLUME")) o.volume_scale = std::strtod(v, nullptr);
    demo::generate(o, dir / "demo");
    std::ifstream in(dir / "demo" / "actors" / "index.json");
    const auto index = nlohmann::json::parse(in);
    std::map<std::string, DemoMonth> by_month;
    for (const auto& f : index.at("files")) {
      DemoMonth& m = by_month[f.at("month").get<std::string>()];
      m.month = f.at("month").get<std::string>();
      m.files.emplace_back(f.at("actor").get<std::string>(),
                           (dir / "demo" / "actors" / f.at("file").get<std::string>()).string());
    }
    for (auto& [label, m] : by_month) files.push_back(std::move(m));
  }
  ~DemoMonths() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  pipeline::MapOptions inputs() const {
    pipeline::MapOptions o;
    const auto d = dir / "demo";
    o.streets = (d / "streets.osm").string();
    o.areas = (d / "areas.gpkg").string();
    o.parks = (d / "parks.gpkg").string();
    o.stops = (d / "stops.gpkg").string();
    o.lamps = (d / "lamps.gpkg").string();
    o.places = (d / "places.gpkg").string();
    o.gtfs = (d / "gtfs").string();
    o.crs = "EPSG:3006";
    return o;
  }
};
const DemoMonths& demo_months() {
  static const DemoMonths d;
  return d;
}

std::string new_target(bool pg, const fs::path& dir, int run) {
  const std::string db = fmt::format("tryggve_mbench_{}_{}", ::getpid(), run);
  if (!pg) return (dir / (db + ".gpkg")).string();
  io::Database::open(pg_server())->execute("CREATE DATABASE " + db);
  return with_dbname(pg_server(), db);
}
// One month's files, each with its actor; the reports taken in.
std::size_t intake_month(Workspace& ws, const DemoMonth& m) {
  std::size_t reports = 0;
  for (const auto& [actor, path] : m.files) {
    IntakeOptions o;
    o.actor = actor;
    reports += intake(ws, {path}, o).files.at(0).reports;
  }
  return reports;
}
// A fresh workspace (GeoPackage, or a new PostgreSQL database) holding the demo's
// first `months` months of files: the untimed history every month benchmark starts from,
// taken in actor by actor (each actor's files in one intake: the history is not timed).
std::string workspace_with_history(bool pg, const DemoMonths& D, int run, std::size_t months) {
  const std::string target = new_target(pg, D.dir, run);
  auto ws = Workspace::init(target, D.inputs());
  std::map<std::string, std::vector<std::string>> history;  // actor -> its files, month by month
  for (std::size_t k = 0; k < months; ++k)
    for (const auto& [actor, path] : D.files[k].files) history[actor].push_back(path);
  for (const auto& [actor, paths] : history) {
    IntakeOptions o;
    o.actor = actor;
    intake(ws, paths, o);
  }
  return target;
}
void drop_target(bool pg, const std::string& target) {
  if (!pg) return;
  const auto p = target.find("dbname=");
  const std::string db = target.substr(p + 7, target.find(' ', p) == std::string::npos ? std::string::npos : target.find(' ', p) - p - 7);
  io::Database::open(pg_server())->execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
}

// The last month's eight files and `month`, timed, in a workspace holding the history
// before it (untimed), of which the last `run_before` months were also run one after the
// other (their files taken in month by month).
void demo_month(benchmark::State& state, std::size_t run_before, int run, const char* folder) {
  const bool pg = state.range(0) == 1;
  if (pg && pg_server().empty()) {
    state.SkipWithError("no PostgreSQL: set TRYGGVE_BENCH_PG");
    return;
  }
  quiet_once();
  const auto& D = demo_months();
  const std::size_t N = D.files.size();
  std::size_t reports = 0;
  auto month_options = [&](const DemoMonth& m) {
    MonthOptions mo;
    mo.month = m.month;
    mo.out = (D.dir / (folder + mo.month + (pg ? "-pg" : "-gpkg"))).string();
    mo.no_report = true;
    return mo;
  };
  for (auto _ : state) {
    state.PauseTiming();
    const std::string target = workspace_with_history(pg, D, run++, N - 1 - run_before);
    {
      auto ws = Workspace::open(target);
      for (std::size_t k = N - 1 - run_before; k < N - 1; ++k) {
        intake_month(ws, D.files[k]);
        run_month(ws, month_options(D.files[k]));
      }
    }
    state.ResumeTiming();
    auto ws = Workspace::open(target);
    reports = intake_month(ws, D.files.back());
    state.counters["actors"] = static_cast<double>(D.files.back().files.size());
    const auto m = run_month(ws, month_options(D.files.back()));
    state.counters["fits"] = static_cast<double>(m.fits);
    state.counters["fits_remembered"] = static_cast<double>(m.fits_remembered);
    state.PauseTiming();
    drop_target(pg, target);
    state.ResumeTiming();
  }
  state.counters["reports_in_month"] = static_cast<double>(reports);
}

// The first month run in a workspace: every fit is new (30).
void BM_DemoMonth(benchmark::State& state) { demo_month(state, 0, 0, "month-"); }
BENCHMARK(BM_DemoMonth)->ArgName("postgres")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime()->Iterations(1);

// The month as the cycle meets it: the three months before it run first, as the
// steering group would have. Its backtest fits the history up to three months back,
// which is the forecast fit that month's run made: the workspace remembers it, so the
// month fits 15 parameters, not 30 (fits_remembered).
void BM_DemoMonthInCycle(benchmark::State& state) { demo_month(state, 3, 200, "cycle-"); }
BENCHMARK(BM_DemoMonthInCycle)->ArgName("postgres")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime()->Iterations(1);

// The same month run again (the public version after the internal one): the whole
// history and the first run untimed, the second run_month timed.
void BM_DemoMonthRerun(benchmark::State& state) {
  const bool pg = state.range(0) == 1;
  if (pg && pg_server().empty()) {
    state.SkipWithError("no PostgreSQL: set TRYGGVE_BENCH_PG");
    return;
  }
  quiet_once();
  const auto& D = demo_months();
  int run = 50;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string target = workspace_with_history(pg, D, run++, D.files.size());
    auto ws = Workspace::open(target);
    MonthOptions mo;
    mo.month = D.files.back().month;
    mo.out = (D.dir / ("rerun-" + mo.month + (pg ? "-pg" : "-gpkg"))).string();
    mo.no_report = true;
    run_month(ws, mo);
    state.ResumeTiming();
    const auto r = run_month(ws, mo);
    state.counters["fits"] = static_cast<double>(r.fits);
    state.counters["fits_remembered"] = static_cast<double>(r.fits_remembered);
    state.PauseTiming();
    drop_target(pg, target);
    state.ResumeTiming();
  }
}
BENCHMARK(BM_DemoMonthRerun)->ArgName("postgres")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime()->Iterations(1);

void BM_DemoReplay(benchmark::State& state) {
  const bool pg = state.range(0) == 1;
  if (pg && pg_server().empty()) {
    state.SkipWithError("no PostgreSQL: set TRYGGVE_BENCH_PG");
    return;
  }
  quiet_once();
  const auto& D = demo_months();
  const char* env = std::getenv("TRYGGVE_BENCH_REPLAY_MONTHS");
  const std::size_t first = 12;
  const std::size_t n = std::min<std::size_t>(env ? std::strtoul(env, nullptr, 10) : D.files.size() - first, D.files.size() - first);
  int run = 100;
  std::size_t fits = 0, remembered = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string target = workspace_with_history(pg, D, run++, first);
    state.ResumeTiming();
    auto ws = Workspace::open(target);
    for (std::size_t k = first; k < first + n; ++k) {
      intake_month(ws, D.files[k]);
      MonthOptions mo;
      mo.month = D.files[k].month;
      mo.out = (D.dir / ("replay-" + mo.month)).string();
      mo.no_report = true;
      const auto r = run_month(ws, mo);
      fits += r.fits;
      remembered += r.fits_remembered;
    }
    state.PauseTiming();
    drop_target(pg, target);
    state.ResumeTiming();
  }
  state.counters["months"] = static_cast<double>(n);
  state.counters["fits"] = static_cast<double>(fits);
  state.counters["fits_remembered"] = static_cast<double>(remembered);
}
BENCHMARK(BM_DemoReplay)->ArgName("postgres")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime()->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
