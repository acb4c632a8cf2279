// The forecast experiment (issue 13, "forecasts that beat counting"): the rolling
// backtest of every method on the demo district (network lixels) and on real
// Houston data (grid cells), through the same public functions the stages call,
// with the table (method x coverage x data set, ratios against the best naive
// baseline) and what each method costs in CPU time.
//
//   forecast_backtest [--demo DIR] [--houston FILE] [--skip-demo] [--skip-houston]
//                     [--scored N] [--cv-months N] [--objective pei|loglik] [--tie-pei X]
//                     [--model-backtest N] [--cell-m 250]
//
// The demo district is generated into DIR when DIR holds none (the default seed
// and size, as `tryggve demo` makes it). Houston defaults to ../shared/data.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "tryggve/core/log.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/forecast/components.hpp"
#include "tryggve/forecast/etas.hpp"
#include "tryggve/forecast/methods.hpp"
#include "tryggve/pipeline/map_stage.hpp"
#include "tryggve/planning/context.hpp"
#include "tryggve/planning/terrain.hpp"
#include "tryggve/pipeline/grid_stage.hpp"
#include "tryggve/pipeline/hotspots_stage.hpp"

using namespace tryggve;
namespace fs = std::filesystem;

namespace {

struct Args {
  std::string demo = "/tmp/tryggve_forecast_demo";
  std::string houston = std::string(TRYGGVE_BENCH_SHARED_DATA) + "/incidents/houston_crime_2010_jan-jun.csv.gz";
  bool skip_demo = false, skip_houston = false;
  int scored = 12;
  int cv_months = 6;
  std::string objective = "pei";
  double tie_pei = 0.0;
  int model_backtest = 3;
  double cell_m = 250;
  std::string near_repeat = "knox";
  int iterations = forecast::SelfExcitingForecast::default_fit().max_iterations;
  double max_lag_days = forecast::SelfExcitingForecast::default_fit().max_lag_days;
  bool static_oracle = false;
  bool explore = false;
  double etas_cutoff_cells = 3;
};

// CPU seconds of this process (all threads) and wall seconds.
struct Cost {
  std::clock_t c0 = std::clock();
  std::chrono::steady_clock::time_point w0 = std::chrono::steady_clock::now();
  double cpu() const { return static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC; }
  double wall() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count(); }
};

simulation::Place place_of(const io::CrsContext& crs, Envelope e) {
  simulation::Place p;
  if (!crs.has_geographic_reference() || e.empty()) return p;
  Point c{0.5 * (e.min_x + e.max_x), 0.5 * (e.min_y + e.max_y)};
  if (crs.to_wgs84("bench")->apply(c)) p = {c.y, c.x};
  return p;
}

// The stages' own maps (the grid's and the hotspots stage's KDE, Gi* and naive
// baselines): the bench computes and times the forecast module's methods itself.
std::vector<forecast::BacktestRow> existing_methods(const std::vector<forecast::BacktestRow>& rows) {
  std::vector<forecast::BacktestRow> out;
  for (const auto& r : rows)
    if (r.method != forecast::kEtas && r.method != forecast::kMixture) out.push_back(r);
  return out;
}

// Timed methods: each call's CPU and wall time add up per method.
struct Timed {
  std::map<std::string, double> cpu, wall;
  forecast::Method wrap(std::string name, std::function<std::vector<double>(int)> f) {
    return {name, [this, name, f](int m) {
              Cost c;
              auto r = f(m);
              cpu[name] += c.cpu();
              wall[name] += c.wall();
              return r;
            }};
  }
};

void print_table(const std::string& title, const std::vector<forecast::BacktestRow>& rows,
                 const std::vector<double>& coverages, const Timed* timed) {
  const auto summary = forecast::summarise_backtest(rows);
  std::map<double, double> best_naive;
  for (const auto& s : summary)
    if ((s.method == forecast::kAllHistory || s.method == forecast::kLastMonth) && std::isfinite(s.mean_pai))
      best_naive[s.coverage] = std::max(best_naive[s.coverage], s.mean_pai);
  fmt::print("\n{}\n", title);
  fmt::print("{:<12}", "method");
  for (double c : coverages) fmt::print(" | PAI {:>4.0f}% (x naive)  PEI", 100 * c);
  fmt::print(" | cpu s   wall s\n");
  std::vector<std::string> methods;
  for (const auto& s : summary)
    if (std::find(methods.begin(), methods.end(), s.method) == methods.end()) methods.push_back(s.method);
  for (const auto& m : methods) {
    fmt::print("{:<12}", m);
    for (double c : coverages)
      for (const auto& s : summary)
        if (s.method == m && std::abs(s.coverage - c) < 1e-12)
          fmt::print(" | {:>8.2f} ({:>5.3f})  {:>4.2f}", s.mean_pai, s.mean_pai / best_naive[c], s.mean_pei);
    if (timed && timed->cpu.count(m)) fmt::print(" | {:>6.2f} {:>7.2f}", timed->cpu.at(m), timed->wall.at(m));
    fmt::print("\n");
  }
  const auto v = forecast::best_method(rows, {0.01, 0.05});
  fmt::print("best: {} (merit {:.3f} over {} months)", v.best, v.merit, v.months);
  for (const auto& c : v.coverages) fmt::print("; {:.0f}%: x{:.3f} of the best naive", 100 * c.coverage, c.ratio_to_best_naive);
  fmt::print("\n");
}

void print_month_pai(const std::vector<forecast::BacktestRow>& rows, double coverage) {
  std::map<std::string, std::map<std::string, double>> t;
  std::vector<std::string> months;
  for (const auto& r : rows)
    if (std::abs(r.score.coverage - coverage) < 1e-12) {
      t[r.method][r.month] = r.score.pai;
      if (std::find(months.begin(), months.end(), r.month) == months.end()) months.push_back(r.month);
    }
  fmt::print("PAI at {:.0f}% by month:\n{:<12}", 100 * coverage, "");
  for (const auto& m : months) fmt::print(" {:>7}", m.substr(2));
  fmt::print("\n");
  for (const auto& [method, by] : t) {
    fmt::print("{:<12}", method);
    for (const auto& m : months) fmt::print(" {:>7.2f}", by.count(m) ? by.at(m) : NAN);
    fmt::print("\n");
  }
}

void print_choices(const std::vector<forecast::MixtureChoice>& ch) {
  fmt::print("mixture choices (month: folds, parts, cv PEI vs counting all history, cv log-likelihood):\n");
  for (const auto& c : ch)
    fmt::print("  {}: {} folds, {}, cv PEI {:.4f} vs {:.4f}, ll {:.4f}\n", month_label(c.month), c.folds, c.describe(),
               c.cv_pei, c.cv_pei_all_history, c.cv_loglik);
}

void print_model_backtest(const std::vector<forecast::ModelBacktestRow>& rows) {
  fmt::print("model backtest (held-out log-likelihood per incident; PAI/PEI at 1/5/10%):\n");
  for (const auto& r : rows) {
    fmt::print("  {} {:<12} n={:<6} ll/event {:>9.4f}", r.month, r.method, r.events, r.log_likelihood_per_event);
    for (const auto& s : r.scores) fmt::print("  {:.0f}%: {:.2f}/{:.2f}", 100 * s.coverage, s.pai, s.pei);
    fmt::print("\n");
  }
}

forecast::MixtureOptions mixture_options(const Args& a) {
  forecast::MixtureOptions mo;
  mo.cv_months = a.cv_months;
  mo.objective = a.objective;
  mo.min_gain = a.tie_pei;
  return mo;
}

void add_explore(std::vector<forecast::Method>& methods, const simulation::CellNetwork& cells,
                 const forecast::History& history, forecast::Forecaster& fc, forecast::SelfExcitingForecast& model,
                 const std::vector<double>& bands) {
  auto mixw = [](std::vector<double> a, std::vector<double> b, double w) {
    a = forecast::to_shares(std::move(a));
    b = forecast::to_shares(std::move(b));
    for (std::size_t u = 0; u < a.size(); ++u) a[u] = (1 - w) * a[u] + w * b[u];
    return a;
  };
  // Per-parameter all-history counts reweighted by the month's actual per-parameter
  // totals (an oracle of the month's mix of parameters).
  auto per_param = [&](int t) {
    std::vector<std::vector<double>> c(history.parameters(), std::vector<double>(history.units(), 0.0));
    std::vector<double> now(history.parameters(), 0.0);
    for (const auto& e : history.events()) {
      const int m = month_index(e.time);
      if (m < t) c[e.parameter][e.unit] += e.weight;
      else if (m == t) now[e.parameter] += e.weight;
    }
    return std::make_pair(c, now);
  };
  methods.push_back({"oracle_mix", [&, per_param](int t) {
                       auto [c, now] = per_param(t);
                       std::vector<double> r(history.units(), 0.0);
                       for (std::size_t p = 0; p < c.size(); ++p) {
                         const auto sh = forecast::to_shares(c[p]);
                         for (std::size_t u = 0; u < r.size(); ++u) r[u] += now[p] * sh[u];
                       }
                       return r;
                     }});
  methods.push_back({"oracle_static", [&](int t) {
                       auto v = history.decayed_sum(history.first_month(), history.last_month(), 1.0);
                       const auto c = history.counts(t);
                       for (std::size_t u = 0; u < v.size(); ++u) v[u] -= c[u];
                       return v;
                     }});
  for (double d : {0.95, 0.9, 0.8})
    methods.push_back({fmt::format("decay{:.2f}", d), [&, d](int t) {
                         return history.decayed_sum(history.first_month(), t - 1, d);
                       }});
  for (double b : bands)
    for (double w : {1e-4, 0.1, 0.2, 0.3})
      methods.push_back({fmt::format("all+s{:.0f}x{:.2f}", b, w), [&, b, w, mixw](int t) {
                           return mixw(fc.all_history(t), forecast::smooth(cells, fc.all_history(t), b), w);
                         }});
  for (double w : {0.05, 0.1, 0.2})
    methods.push_back({fmt::format("all+trig{:.2f}", w), [&, w, mixw](int t) {
                         return mixw(fc.all_history(t), model.forecast(t).triggered, w);
                       }});
}

void run_demo(const Args& a) {
  Cost total;
  const fs::path dir = a.demo;
  demo::DemoOptions d;
  if (!demo::matches(d, dir)) demo::generate(d, dir);
  pipeline::MapOptions m;
  m.streets = (dir / "streets.osm").string();
  m.incidents = (dir / "incidents_raw.csv").string();
  m.parks = (dir / "parks.gpkg").string();
  m.stops = (dir / "stops.gpkg").string();
  m.lamps = (dir / "lamps.gpkg").string();
  m.areas = (dir / "areas.gpkg").string();
  m.places = (dir / "places.gpkg").string();
  m.crs = "EPSG:3006";
  const auto map = pipeline::run_map(m);

  // The existing methods, as the hotspot stage computes them.
  Cost c_stage;
  pipeline::HotspotStageOptions ho;
  ho.permutations = 0;
  ho.backtest_months = a.scored;
  ho.no_forecast_model = true;
  auto rows = existing_methods(pipeline::run_hotspots(map, ho).backtest);
  const double stage_cpu = c_stage.cpu();

  Cost c_setup;
  const simulation::CellNetwork cells(map.net, map.lixels, 400.0);
  auto events = forecast::events_from_incidents(map.incidents, map.lixel_of, map.taxonomy);
  const forecast::History history(std::move(events), cells.size(), map.taxonomy.size());
  const auto cov = planning::risk_terrain(cells, map.parks, map.stops, map.lamps, map.places);
  simulation::FitOptions fo;
  fo.max_iterations = a.iterations;
  fo.near_repeat.mode = a.near_repeat;
  fo.max_lag_days = a.max_lag_days;
  forecast::SelfExcitingForecast model(cells, history, simulation::traits_from_taxonomy(map.taxonomy),
                                       place_of(map.crs, map.net.extent()), TimeZone::from_name(m.timezone), fo,
                                       history.last_month() + 1);
  forecast::Forecaster fc(cells, history, cov, &model, mixture_options(a));
  const double setup_cpu = c_setup.cpu();
  fmt::print("\n=== demo district: {} lixels, {} incidents, {} .. {}, covariates:", cells.size(), history.events().size(),
             month_label(history.first_month()), month_label(history.last_month()));
  for (const auto& c : cov) fmt::print(" {}", c.name);
  fmt::print("\n");

  Timed timed;
  std::vector<forecast::MixtureChoice> choices;
  std::vector<forecast::Method> methods{
      timed.wrap(forecast::kEtas, [&](int t) { return fc.etas(t); }),
      timed.wrap(forecast::kMixture, [&](int t) {
        forecast::MixtureChoice ch;
        auto r = fc.mixture(t, &ch);
        choices.push_back(ch);
        return r;
      })};
  if (a.explore) add_explore(methods, cells, history, fc, model, {10, 20, 40});
  const int last = history.last_month();
  const int from = last - a.scored + 1;
  std::vector<double> coverages{0.01, 0.05, 0.10};
  const auto mine = forecast::rolling_backtest(history, fc.measure(), methods, from, last, coverages);
  rows.insert(rows.end(), mine.begin(), mine.end());
  print_table(fmt::format("demo district (lixels), {} scored months {} .. {}; existing methods from the hotspot stage "
                          "({:.1f} s CPU incl. density and Gi*, without the model), setup {:.1f} s CPU",
                          a.scored, month_label(from), month_label(last), stage_cpu, setup_cpu),
              rows, coverages, &timed);
  print_month_pai(rows, 0.01);
  print_month_pai(rows, 0.05);
  print_choices(choices);
  if (a.model_backtest > 0) {
    Cost c;
    print_model_backtest(forecast::model_backtest(model, history, fc.measure(), last - a.model_backtest + 1, last, coverages));
    fmt::print("model backtest: {:.1f} s CPU\n", c.cpu());
  }
  fmt::print("demo total: {:.1f} s CPU, {:.1f} s wall\n", total.cpu(), total.wall());
}

void run_houston(const Args& a) {
  Cost total;
  pipeline::GridStageOptions o;
  o.incidents = a.houston;
  o.timezone = "America/Chicago";
  o.analysis.cell_m = a.cell_m;
  o.analysis.permutations = 0;
  o.analysis.backtest_months = a.scored;
  o.analysis.no_forecast_model = true;
  Cost c_grid;
  const auto r = pipeline::run_grid(o);
  const double grid_cpu = c_grid.cpu();
  auto rows = existing_methods(r.backtest);

  Cost c_setup;
  std::vector<Point> centres(r.grid.size());
  for (std::size_t c = 0; c < centres.size(); ++c) centres[c] = r.grid.centre(c);
  forecast::MixtureOptions mo = mixture_options(a);
  mo.smooth_bandwidths_m = {0.5 * a.cell_m, a.cell_m, 2 * a.cell_m};
  mo.recent_bandwidths_m = {0, 0.5 * a.cell_m, a.cell_m, 2 * a.cell_m};
  const auto cells = forecast::units_from_points(centres, std::vector<double>(r.grid.size(), r.grid.cell_area()),
                                                 mo.needed_cutoff_m());
  // The self-exciting model's own neighbours: near repeats reach a few hundred
  // metres (EVIDENCE.md), and every EM iteration walks every list.
  const auto etas_cells = forecast::units_from_points(
      centres, std::vector<double>(r.grid.size(), r.grid.cell_area()), a.etas_cutoff_cells * a.cell_m);
  const Taxonomy tax = Taxonomy::load_default();
  const std::vector<simulation::CellId> unit_of(r.cell_of.begin(), r.cell_of.end());
  auto events = forecast::events_from_incidents(r.incidents, unit_of, tax);
  const forecast::History history(std::move(events), cells.size(), tax.size());
  simulation::FitOptions fo;
  fo.max_iterations = a.iterations;
  fo.near_repeat.mode = a.near_repeat;
  fo.max_lag_days = a.max_lag_days;
  Envelope ext;
  for (const auto& i : r.incidents) ext.expand(i.pos);
  forecast::SelfExcitingForecast model(etas_cells, history, simulation::traits_from_taxonomy(tax), place_of(r.crs, ext),
                                       TimeZone::from_name(o.timezone), fo, history.last_month() + 1);
  forecast::Forecaster fc(cells, history, {}, &model, mo);
  const double setup_cpu = c_setup.cpu();
  fmt::print("\n=== Houston grid: {} cells of {} m, {} incidents, {} .. {}\n", cells.size(), a.cell_m,
             history.events().size(), month_label(history.first_month()), month_label(history.last_month()));

  Timed timed;
  std::vector<forecast::MixtureChoice> choices;
  std::vector<forecast::Method> methods{
      timed.wrap(forecast::kEtas, [&](int t) { return fc.etas(t); }),
      timed.wrap(forecast::kMixture, [&](int t) {
        forecast::MixtureChoice ch;
        auto v = fc.mixture(t, &ch);
        choices.push_back(ch);
        return v;
      })};
  if (a.explore) add_explore(methods, cells, history, fc, model, {125, 250, 500});
  const int last = history.last_month();
  const int from = std::max(history.first_month() + 1, last - a.scored + 1);
  std::vector<double> coverages{0.01, 0.05, 0.10};
  const auto mine = forecast::rolling_backtest(history, fc.measure(), methods, from, last, coverages);
  rows.insert(rows.end(), mine.begin(), mine.end());
  // The target months: April to June (each forecast from the months before it).
  std::vector<forecast::BacktestRow> target;
  for (const auto& row : rows)
    if (row.month >= "2010-04") target.push_back(row);
  print_table(fmt::format("Houston {} m grid, every month {} .. {}; grid stage {:.1f} s CPU, setup {:.1f} s CPU",
                          a.cell_m, month_label(from), month_label(last), grid_cpu, setup_cpu),
              rows, coverages, &timed);
  print_table("Houston, scored on 2010-04 .. 2010-06", target, coverages, nullptr);
  print_month_pai(rows, 0.01);
  print_month_pai(rows, 0.05);
  print_choices(choices);
  if (a.model_backtest > 0) {
    Cost c;
    print_model_backtest(forecast::model_backtest(model, history, fc.measure(), last - a.model_backtest + 1, last, coverages));
    fmt::print("model backtest: {:.1f} s CPU\n", c.cpu());
  }
  fmt::print("Houston total: {:.1f} s CPU, {:.1f} s wall\n", total.cpu(), total.wall());
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(k + " needs a value");
      return argv[++i];
    };
    if (k == "--demo") a.demo = next();
    else if (k == "--houston") a.houston = next();
    else if (k == "--skip-demo") a.skip_demo = true;
    else if (k == "--skip-houston") a.skip_houston = true;
    else if (k == "--scored") a.scored = std::stoi(next());
    else if (k == "--cv-months") a.cv_months = std::stoi(next());
    else if (k == "--objective") a.objective = next();
    else if (k == "--tie-pei") a.tie_pei = std::stod(next());
    else if (k == "--model-backtest") a.model_backtest = std::stoi(next());
    else if (k == "--cell-m") a.cell_m = std::stod(next());
    else if (k == "--near-repeat") a.near_repeat = next();
    else if (k == "--iterations") a.iterations = std::stoi(next());
    else if (k == "--max-lag-days") a.max_lag_days = std::stod(next());
    else if (k == "--oracle") a.static_oracle = true;
    else if (k == "--explore") a.explore = true;
    else if (k == "--etas-cutoff-cells") a.etas_cutoff_cells = std::stod(next());
    else {
      fmt::print(stderr, "unknown option {}\n", k);
      return 2;
    }
  }
  log::init(log::Verbosity::Quiet);
  if (!a.skip_demo) run_demo(a);
  if (!a.skip_houston) run_houston(a);
  return 0;
}
