#include "tryggve/core/json_text.hpp"
#include "tryggve/pipeline/simulate_stage.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/progress.hpp"
#include "tryggve/core/version.hpp"
#include "tryggve/hotspot/local_stats.hpp"
#include "tryggve/hotspot/weights.hpp"
#include "tryggve/planning/compare.hpp"

namespace fs = std::filesystem;

namespace tryggve::pipeline {

using namespace tryggve::simulation;

std::vector<ParameterId> parameter_ids(const Taxonomy& tax, const std::vector<std::string>& codes, const std::string& where,
                                      const std::string& path) {
  std::vector<ParameterId> out;
  std::vector<std::string> all;
  for (const auto& p : tax.parameters()) all.push_back(p.code);
  for (const auto& c : codes) {
    const auto id = tax.find(c);
    if (!id) {
      const std::string hint = closest_key(c, all);
      std::string list;
      for (const auto& a : all) list += (list.empty() ? "" : ", ") + a;
      throw Error(ErrorCode::BadScenario, where,
                  fmt::format("{}: no parameter '{}'{} (parameters: {})", path, c,
                              hint.empty() ? "" : " (did you mean '" + hint + "'?)", list));
    }
    out.push_back(*id);
  }
  return out;
}

SimulatorOptions simulator_options(const FitResult& I, const SimulateOptions& options, std::uint64_t seed,
                                   const Taxonomy& taxonomy, const RunControl& control, const std::string& where_rates) {
  SimulatorOptions o;
  o.replicates = options.replicates;
  o.seed = seed;
  o.headroom = options.headroom;
  o.default_reporting_rate = options.reporting_rate;
  if (!options.reporting_rates.empty()) {
    o.reporting_rate.assign(I.traits.size(), options.reporting_rate);
    for (const auto& r : options.reporting_rates) {
      const auto eq = r.find('=');
      const auto ids = parameter_ids(taxonomy, {r.substr(0, eq)}, where_rates, "stages.simulate.reporting_rates");
      o.reporting_rate[ids[0]] = std::stod(r.substr(eq + 1));
    }
  }
  auto cancel = control.cancelled;
  o.cancelled = [cancel] { return Progress::cancel_requested() || (cancel && cancel()); };
  return o;
}

RunResult run_simulate(const FitResult& I, const std::vector<ResolvedScenario>& scenarios, const SimulateOptions& options,
                       std::uint64_t seed, const Taxonomy& taxonomy, const RunControl& control,
                       const std::string& where_rates) {
  if (!I.fitted) throw Error(ErrorCode::Internal, "simulate stage", "simulating needs a fitted model (run_fit with fit_model)");
  const SimulatorOptions o = simulator_options(I, options, seed, taxonomy, control, where_rates);
  std::vector<Scenario> sc;
  for (const auto& s : scenarios) sc.push_back(s.scenario);
  step(control, "simulate", 0.6);
  Simulator sim(I.model, *I.cells, I.forecast, I.history, I.areas, I.evidence, o);
  RunResult res = sim.run(sc);
  // Scenario folders and result.json carry the scenario's own name; the
  // simulation's per-month-span split is internal.
  return res;
}

namespace {

nlohmann::json interval(const Interval& i) { return {{"mean", i.mean}, {"low", i.low}, {"high", i.high}}; }

// Per-replicate values of one (parameter, area, month) cell of the count array: O(R).
std::vector<double> values(const RunResult& r, int s, Measure m, int p, int a, int mo) {
  const auto& c = m == Measure::True ? r.true_counts : r.recorded_counts;
  const std::size_t slice = static_cast<std::size_t>(r.areas) * r.months;
  std::vector<double> v(r.replicates);
  for (int k = 0; k < r.replicates; ++k)
    v[k] = c[((static_cast<std::size_t>(s) * r.replicates + k) * r.parameters + p) * slice +
             static_cast<std::size_t>(a) * r.months + mo];
  return v;
}

Interval diff(std::vector<double> a, const std::vector<double>& b) {
  for (std::size_t i = 0; i < a.size(); ++i) a[i] -= b[i];
  return summarise(std::move(a));
}

std::vector<std::uint32_t> top_k(const std::vector<double>& v, int k) {
  std::vector<std::uint32_t> idx(v.size());
  for (std::uint32_t i = 0; i < idx.size(); ++i) idx[i] = i;
  const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(k), idx.size());
  std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(n), idx.end(),
                    [&](auto a, auto b) { return v[a] > v[b] || (v[a] == v[b] && a < b); });
  idx.resize(n);
  return idx;
}

}  // namespace

nlohmann::json scenario_result_json(const FitResult& I, const RunResult& res, int s, const ResolvedScenario& spec,
                                    const RunInfo& run, bool slices) {
  using nlohmann::json;
  json j;
  j["scenario"] = spec.name;
  j["description"] = spec.description;
  j["run"] = run.name;
  j["tryggve_version"] = kVersion;
  j["seed"] = run.seed;
  j["replicates"] = res.replicates;
  j["months"] = res.month_labels;
  j["areas"] = res.area_names;
  std::vector<std::string> codes;
  for (const auto& t : I.traits) codes.push_back(t.code);
  j["parameters"] = codes;
  j["interval"] = "90% (5th-95th percentile over replicates)";
  const double cost = res.scenario_cost_sek[s];
  j["cost_sek"] = cost;
  std::vector<double> weights;
  for (const auto& t : I.traits) weights.push_back(t.severity_weight);
  Slice harm;
  harm.parameter_weights = &weights;
  j["totals"] = {
      {"baseline_true", interval(res.total(0, Measure::True))},
      {"baseline_recorded", interval(res.total(0, Measure::Recorded))},
      {"true", interval(res.total(s, Measure::True))},
      {"recorded", interval(res.total(s, Measure::Recorded))},
      {"difference_true", interval(res.difference(s, Measure::True))},
      {"difference_recorded", interval(res.difference(s, Measure::Recorded))},
      {"difference_harm_weighted", interval(res.difference(s, Measure::True, harm))},
  };
  if (auto p = res.prevented_per_100k_sek(s)) j["prevented_per_100k_sek"] = interval(*p);
  else j["prevented_per_100k_sek"] = nullptr;
  {
    json w;
    std::size_t n[3] = {0, 0, 0};
    // Zones as the simulator saw them: recompute from the resolved interventions.
    std::vector<CellId> core;
    for (const auto& iv : spec.interventions) core.insert(core.end(), iv.cells.begin(), iv.cells.end());
    std::sort(core.begin(), core.end());
    core.erase(std::unique(core.begin(), core.end()), core.end());
    n[0] = core.size();
    // The same zones as the simulator's: each intervention's own outer_m ring.
    std::vector<char> zone(I.cells->size(), 2);
    for (const auto& iv : spec.scenario.interventions)
      for (auto [c, d] : I.cells->within(iv.cells, std::max(iv.spillover.outer_m, 0.0))) zone[c] = 1;
    for (CellId c : core) zone[c] = 0;
    n[0] = n[1] = n[2] = 0;
    for (char z : zone) ++n[static_cast<int>(z)];
    w["response_cells"] = n[0];
    w["buffer_cells"] = n[1];
    w["control_cells"] = n[2];
    const char* zn[] = {"response", "buffer", "control"};
    for (int z = 0; z < 3; ++z)
      w[zn[z]] = {{"baseline_true", res.zone_mean(s, z, false)}, {"scenario_true", res.zone_mean(s, z, true)}};
    if (auto q = res.wdq_zones(s)) w["wdq"] = interval(*q);
    else w["wdq"] = nullptr;
    w["note"] = "Bowers & Johnson (2003): WDQ > 0 diffusion of benefits, < 0 displacement; baseline = before, scenario = after";
    j["wdq"] = w;
  }
  {
    // Displacement conserves incidents: what moved is a share of what the
    // interventions prevented on their own streets (simulation/spillover.hpp).
    json sp;
    sp["prevented_on_core"] = interval(summarise(res.core_prevented(s)));
    sp["displaced_to_ring"] = interval(summarise(res.displaced(s)));
    sp["note"] =
        "incidents prevented by the interventions' own effect on their cells, and how many of them moved to the "
        "displacement ring (a share from the evidence table, Guerette & Bowers 2009); diffusion of benefits is bounded "
        "by a share of the core's effect";
    j["spillover"] = sp;
  }
  j["clamped_events"] = res.clamped_events[s];
  // Per parameter, and per parameter x area x month.
  json by_p = json::array();
  for (int p = 0; p < res.parameters; ++p) {
    Slice sl;
    sl.parameter = p;
    by_p.push_back({{"parameter", codes[p]},
                    {"baseline_true", interval(res.total(0, Measure::True, sl))},
                    {"true", interval(res.total(s, Measure::True, sl))},
                    {"recorded", interval(res.total(s, Measure::Recorded, sl))},
                    {"difference_true", interval(res.difference(s, Measure::True, sl))},
                    {"difference_recorded", interval(res.difference(s, Measure::Recorded, sl))}});
  }
  j["by_parameter"] = by_p;
  json cellsj = json::array();
  for (int p = 0; slices && p < res.parameters; ++p)
    for (int a = 0; a < res.areas; ++a)
      for (int m = 0; m < res.months; ++m) {
        const auto bt = values(res, 0, Measure::True, p, a, m), st = values(res, s, Measure::True, p, a, m);
        const auto br = values(res, 0, Measure::Recorded, p, a, m), sr = values(res, s, Measure::Recorded, p, a, m);
        double sum = 0;
        for (double x : bt) sum += x;
        for (double x : st) sum += x;
        if (sum == 0) continue;  // nothing happens in this slice in any replicate
        cellsj.push_back({{"parameter", codes[p]},
                          {"area", res.area_names[a]},
                          {"month", res.month_labels[m]},
                          {"baseline_true", interval(summarise(bt))},
                          {"true", interval(summarise(st))},
                          {"baseline_recorded", interval(summarise(br))},
                          {"recorded", interval(summarise(sr))},
                          {"difference_true", interval(diff(st, bt))},
                          {"difference_recorded", interval(diff(sr, br))}});
      }
  if (slices) j["by_parameter_area_month"] = cellsj;
  // The hotspot picture before and after: mean density per cell, top-k cells.
  {
    const auto b = res.cell_means(0), a = res.cell_means(s);
    double lb = 0, la = 0;
    std::vector<double> db(b.size()), da(a.size());
    for (std::size_t c = 0; c < b.size(); ++c) {
      const double len = I.cells->cell(static_cast<CellId>(c)).weight_length() / 1000.0;
      db[c] = b[c] / len;
      da[c] = a[c] / len;
      lb += b[c];
      la += a[c];
    }
    const double km = I.cells->total_length() / 1000.0;
    const int k = run.top_k;
    const auto tb = top_k(db, k), ta = top_k(da, k);
    std::set<std::uint32_t> sb(tb.begin(), tb.end()), sa(ta.begin(), ta.end());
    std::vector<std::uint32_t> left, entered;
    for (auto c : tb) if (!sa.count(c)) left.push_back(c);
    for (auto c : ta) if (!sb.count(c)) entered.push_back(c);
    j["hotspots"] = {{"mean_density_per_km_baseline", km > 0 ? lb / km : 0.0},
                     {"mean_density_per_km_scenario", km > 0 ? la / km : 0.0},
                     {"top_k", k},
                     {"top_k_baseline", tb},
                     {"top_k_scenario", ta},
                     {"left_top_k", left},
                     {"entered_top_k", entered},
                     {"kept_in_top_k", tb.size() - left.size()},
                     {"note", "incidents per km of street over the forecast (true counts, mean over replicates); cells are lixels"}};
    // Gi* classes before and after on the same cells: a binary network-distance band
    // (the cells' own neighbour lists, self included), analytical z, BH-adjusted p.
    const double band = std::min(300.0, I.cells->cutoff_m());
    hotspot::Weights w;
    w.self_included = true;
    w.offsets.reserve(I.cells->size() + 1);
    for (CellId c = 0; c < I.cells->size(); ++c) {
      for (const auto& nb : I.cells->neighbours(c))
        if (nb.distance_m <= band) {
          w.neighbours.push_back(nb.cell);
          w.weights.push_back(1.0);
        }
      w.offsets.push_back(w.neighbours.size());
    }
    if (I.cells->size() >= 3) {
      hotspot::LocalOptions lo;
      lo.permutations = 0;
      lo.classify_by = hotspot::Significance::Analytical;
      const auto gb = hotspot::gi_star(w, db, lo), ga = hotspot::gi_star(w, da, lo);
      std::map<std::string, int> cb, ca;
      int changed = 0;
      for (std::size_t c = 0; c < db.size(); ++c) {
        const std::string lb_ = hotspot::class_label(gb.stats[c], false), la_ = hotspot::class_label(ga.stats[c], false);
        ++cb[lb_];
        ++ca[la_];
        changed += lb_ != la_;
      }
      j["hotspots"]["gistar"] = {{"band_m", band},
                                 {"classes_baseline", cb},
                                 {"classes_scenario", ca},
                                 {"cells_changing_class", changed},
                                 {"note", "Gi* per cell on incidents per km, binary network-distance band, analytical z, "
                                          "Benjamini-Hochberg; classes hot_99 .. cold_90, none"}};
    }
  }
  json ivs = json::array();
  for (const auto& iv : spec.interventions)
    ivs.push_back({{"name", iv.name}, {"type", iv.type}, {"cells", iv.cells.size()}, {"edges", iv.edges},
                   {"start_month", res.month_labels[iv.start_month]}, {"end_month", res.month_labels[iv.end_month - 1]},
                   {"cost_sek", iv.cost_sek}, {"evidence", iv.evidence_key}});
  j["interventions"] = ivs;
  return j;
}

void write_scenarios(const RunFolder& folder, const FitResult& I, const RunResult& res,
                     const std::vector<ResolvedScenario>& scenarios, const RunInfo& run) {
  for (std::size_t k = 0; k < scenarios.size(); ++k) {
    const int s = static_cast<int>(k) + 1;
    const fs::path d = folder.scenario_dir(scenarios[k].name);
    RunFolder(d).create();
    write_text_atomically(d / outputs::kScenarioResultJson, json_text(scenario_result_json(I, res, s, scenarios[k], run), 1) + "\n");
    std::string areas = "area,parameter,month,measure,baseline_mean,baseline_low,baseline_high,scenario_mean,scenario_low,"
                        "scenario_high,difference_mean,difference_low,difference_high\n";
    auto row = [&](const std::string& a, const std::string& p, const std::string& m, const char* meas,
                   const std::vector<double>& b, const std::vector<double>& sv) {
      const auto ib = summarise(b), is = summarise(sv), id = diff(sv, b);
      areas += fmt::format("\"{}\",{},{},{},{:.4f},{},{},{:.4f},{},{},{:.4f},{},{}\n", a, p, m, meas, ib.mean, ib.low, ib.high,
                           is.mean, is.low, is.high, id.mean, id.low, id.high);
    };
    for (int a = 0; a < res.areas; ++a) {
      for (Measure meas : {Measure::True, Measure::Recorded}) {
        const char* mn = meas == Measure::True ? "true" : "recorded";
        Slice sl;
        sl.area = a;
        row(res.area_names[a], "all", "all", mn, res.replicate_totals(0, meas, sl), res.replicate_totals(s, meas, sl));
        for (int p = 0; p < res.parameters; ++p)
          for (int m = 0; m < res.months; ++m) {
            const auto b = values(res, 0, meas, p, a, m), sv = values(res, s, meas, p, a, m);
            if (std::all_of(b.begin(), b.end(), [](double x) { return x == 0; }) &&
                std::all_of(sv.begin(), sv.end(), [](double x) { return x == 0; }))
              continue;
            row(res.area_names[a], I.traits[p].code, res.month_labels[m], mn, b, sv);
          }
      }
    }
    write_text_atomically(d / outputs::kScenarioAreasCsv, areas);
    const auto b = res.cell_means(0), sv = res.cell_means(s);
    std::string cells = "cell,edge,start_m,end_m,area,baseline_mean,scenario_mean,difference\n";
    for (CellId c = 0; c < I.cells->size(); ++c) {
      const auto& cl = I.cells->cell(c);
      const int a = I.areas.area_of_cell[c];
      cells += fmt::format("{},{},{:.2f},{:.2f},\"{}\",{:.5f},{:.5f},{:.5f}\n", c, cl.edge, cl.start, cl.end,
                           a < 0 ? "" : I.areas.names[a], b[c], sv[c], sv[c] - b[c]);
    }
    write_text_atomically(d / outputs::kScenarioCellsCsv, cells);
  }
}

void write_scenario_comparison(const RunFolder& folder, const RunResult& result, const Taxonomy& taxonomy) {
  // The scenarios side by side (per parameter and area, cost, prevented per
  // 100,000 SEK): what the planners' table and the report show.
  std::vector<std::string> codes;
  std::vector<double> weights;
  for (const auto& p : taxonomy.parameters()) {
    codes.push_back(p.code);
    weights.push_back(p.weight);
  }
  folder.create(outputs::kPlanDir);
  write_text_atomically(folder.file(outputs::kScenarioComparisonCsv),
                        planning::comparison_csv(planning::compare_scenarios(result, codes, weights)));
}

}  // namespace tryggve::pipeline
