#include "tryggve/server/scenario_runner.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/io/wkt.hpp"
#include "tryggve/pipeline/plan_stage.hpp"
#include "tryggve/pipeline/run_folder.hpp"
#include "tryggve/pipeline/simulate_stage.hpp"
#include "tryggve/scenario/run.hpp"
#include "tryggve/scenario/scenario.hpp"
#include "tryggve/simulation/results.hpp"
#include "tryggve/simulation/simulator.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace tryggve::server {
namespace {

json iv(const simulation::Interval& i) { return {{"mean", i.mean}, {"lo", i.low}, {"hi", i.high}}; }

// The drawn area (WGS84 lon/lat) as WKT in the run's CRS, which is what the
// scenario file's `polygon` takes.
std::string polygon_wkt(const json& area, const io::CrsContext& crs) {
  std::vector<Point> ring;
  for (const auto& p : area["coordinates"][0]) ring.push_back({p[0].get<double>(), p[1].get<double>()});
  auto wkt = io::wgs84_ring_as_wkt(ring, crs);
  if (!wkt) throw Error(ErrorCode::BadOption, "request.intervention.area", "cannot be transformed into the run's CRS");
  return *wkt;
}

const char* type_sv(const std::string& t) {
  return t == "lighting" ? "belysning" : t == "patrol" ? "polispatrull" : t == "transit_host" ? "trygghetsvärdar" : "vuxna ute";
}

}  // namespace

ScenarioRunner::ScenarioRunner(fs::path run_dir, std::size_t whatif_cache_bytes)
    : dir_(std::move(run_dir)), cache_limit_(whatif_cache_bytes) {}
ScenarioRunner::~ScenarioRunner() = default;
ScenarioRunner::Kept::~Kept() = default;

json ScenarioRunner::run_plans(const json& request, const scenario::ScenarioFile& file, JobContext& ctx) {
  // The run's own plan options (its stages.plan, or the defaults), the plans asked for.
  pipeline::PlanStageOptions o = scenario::plan_options(file);
  std::vector<std::string> names;
  for (const auto& p : request["plans"]) names.push_back(p);
  auto asked = [&](const char* n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  o.patrol_enabled = asked("patrol");
  o.lighting_enabled = asked("lighting");
  o.routes_enabled = asked("routes");
  o.transit_hosts_enabled = asked("transit_hosts");
  ctx.progress(0.3, "forecast and plans");
  const auto& map = session_->map();
  const auto r = pipeline::run_plan(map, o);
  ctx.throw_if_cancelled();
  ctx.progress(0.9, "writing plan/");
  pipeline::write_plan(dir_, map, r, o);
  json out;
  out["plans"] = names;
  std::string en, sv;
  if (const auto& p = r.plans.patrol) {
    out["patrol"] = {{"month", p->month}, {"places", p->items.size()}, {"officer_hours", p->officer_hours_used},
                     {"harm_prevented", iv(p->harm_prevented)}};
    en += fmt::format("watch list for {}: {} places; ", p->month, p->items.size());
    sv += fmt::format("bevakningslista för {}: {} platser; ", p->month, p->items.size());
  }
  if (const auto& l = r.plans.lighting) {
    out["lighting"] = {{"first_month", l->first_month}, {"projects", l->projects.size()},
                       {"unlit_km", l->unlit_length_m / 1000.0}};
    en += fmt::format("{} lighting projects; ", l->projects.size());
    sv += fmt::format("{} belysningsprojekt; ", l->projects.size());
  }
  if (const auto& w = r.plans.routes) {
    json routes = json::array();
    for (const auto& route : w->routes)
      routes.push_back({{"walker", route.walker}, {"length_m", route.length_m}, {"risk_share", route.risk_share}});
    out["routes"] = routes;
    en += fmt::format("{} walk routes; ", w->routes.size());
    sv += fmt::format("{} promenadrutter; ", w->routes.size());
  }
  out["summary_en"] = en + "written to plan/";
  out["summary_sv"] = sv + "skrivna till plan/";
  ctx.progress(1.0, "done");
  return out;
}

JobRunner ScenarioRunner::as_job_runner() {
  return [this](const json& req, JobContext& ctx) { return run(req, ctx); };
}

namespace {

// The viewer's one edited intervention as the file's only scenario.
void edited_scenario(const json& v, scenario::ScenarioFile& file, const scenario::Session& session) {
  scenario::InterventionSpec spec;
  const std::string type = v["type"];
  spec.type = type == "adults" ? "adults_outdoors" : type;
  spec.name = v["name"];
  scenario::WhereSpec w;
  for (const auto& e : v["edges"]) w.edges.push_back(e.get<std::int64_t>());
  if (v.contains("area")) w.polygons.push_back(polygon_wkt(v["area"], session.map().crs));
  if (v.contains("line")) {
    scenario::LineStretchSpec l;
    l.line = v["line"];
    if (v.contains("between")) l.from_stop = v["between"][0], l.to_stop = v["between"][1];
    if (v.contains("direction")) l.direction = v["direction"];
    w.lines.push_back(std::move(l));
  }
  spec.where.push_back(std::move(w));
  scenario::MonthRange mr;
  mr.from_index = 0;
  mr.to_index = std::min(v["months"].get<int>(), file.simulate.forecast_months) - 1;
  spec.when.months.push_back(mr);
  if (v.contains("hours")) {
    spec.when.from_hour = v["hours"][0];
    spec.when.to_hour = v["hours"][1];
  }
  if (v.contains("weekdays")) {
    std::uint8_t mask = 0;
    for (const auto& d : v["weekdays"]) mask |= static_cast<std::uint8_t>(1u << (d.get<int>() - 1));  // Monday = bit 0
    spec.when.weekdays = mask;
    spec.when.weekdays_given = true;
  }
  const int size = v["size"];
  if (spec.type == "lighting") spec.lamps = size;
  if (spec.type == "patrol") spec.visits_per_week = size;
  if (spec.type == "adults_outdoors") spec.adults = size;
  if (spec.type == "transit_host") spec.hosts = size;
  if (v.contains("reaction")) {
    const json& r = v["reaction"];
    for (const auto& c : r["parameters"]) spec.reaction_parameters.push_back(c.get<std::string>());
    spec.reaction_peak_rise = r["peak_rise"];
    spec.reaction_decay_weeks = r["decay_weeks"];
  }
  scenario::ScenarioSpec sc;
  sc.name = "viewer";
  sc.description = fmt::format("{} from the viewer", spec.name);
  sc.interventions.push_back(std::move(spec));
  file.scenarios = {std::move(sc)};
}

}  // namespace

json ScenarioRunner::answer(const json& request, const simulation::RunResult& res,
                            const std::vector<scenario::ResolvedScenario>& scenarios, const scenario::ScenarioFile& file) const {
  const std::string kind = request["kind"];
  using simulation::Measure;
  json out;
  out["replicates"] = res.replicates;
  out["months"] = res.month_labels;
  out["interval"] = "90 % (5–95 percentile over replicates)";
  out["baseline"] = iv(res.total(0, Measure::True));
  out["scenario"] = iv(res.total(1, Measure::True));
  out["change"] = iv(res.difference(1, Measure::True));
  // What the reports will show beside what happens: presence raises the reporting
  // rate, so recorded counts can rise while true ones fall (the viewer shows both).
  out["recorded"] = {{"baseline", iv(res.total(0, Measure::Recorded))},
                     {"scenario", iv(res.total(1, Measure::Recorded))},
                     {"change", iv(res.difference(1, Measure::Recorded))}};
  {
    const auto b = res.replicate_totals(0, Measure::True), s = res.replicate_totals(1, Measure::True);
    std::vector<double> share;
    for (std::size_t r = 0; r < b.size(); ++r)
      if (b[r] > 0) share.push_back((s[r] - b[r]) / b[r]);
    if (!share.empty()) out["change_share"] = iv(simulation::summarise(share));
  }
  // Per edge: the mean count change summed over the edge's cells.
  const auto cb = res.cell_means(0), cs = res.cell_means(1);
  std::map<std::int64_t, std::pair<double, double>> by_edge;
  const auto& cells = session_->cells();
  for (std::size_t c = 0; c < cells.size() && c < cb.size(); ++c) {
    const double d = cs[c] - cb[c];
    auto& e = by_edge[static_cast<std::int64_t>(cells.cell(static_cast<simulation::CellId>(c)).edge)];
    e.first += cb[c];
    e.second += d;
  }
  json edges = json::array();
  for (const auto& [id, e] : by_edge)
    if (std::abs(e.second) > 1e-9) edges.push_back({{"edge_id", id}, {"baseline", e.first}, {"change", e.second}});
  out["edges"] = edges;
  std::size_t ncells = 0;
  for (const auto& i : scenarios[0].interventions) ncells += i.cells.size();
  out["cells"] = ncells;
  const double m = out["change"]["mean"], lo = out["change"]["lo"], hi = out["change"]["hi"];
  const std::string what = kind == "scenario" ? std::string(request["scenario"]) : std::string(request["intervention"]["type"]);
  out["summary_en"] = fmt::format("{}: {:+.1f} incidents over {} months (90 % interval {:+.1f} to {:+.1f}), {} street cells covered",
                                  what, m, res.months, lo, hi, ncells);
  out["summary_sv"] = fmt::format("{}: {:+.1f} händelser på {} månader (90 % intervall {:+.1f} till {:+.1f}), {} gatuceller berörda",
                                  kind == "scenario" ? what.c_str() : type_sv(what), m, res.months, lo, hi, ncells);
  // Without the parameter x area x month slices: large, slow to summarise, and the
  // viewer has the totals.
  json full = session_->result_json(res, 1, scenarios[0], file, false);
  out["result"] = std::move(full);
  return out;
}

ScenarioRunner::Kept& ScenarioRunner::kept_baseline(const scenario::ScenarioFile& file, JobContext& ctx) {
  // One kept baseline per (seed, simulate options): the request may change the
  // seed or the replicates; everything else comes from the run's file.
  const auto& o = file.simulate;
  std::string rates;
  for (const auto& r : o.reporting_rates) rates += r + ";";
  const std::string key = fmt::format("seed={} replicates={} headroom={} rate={} rates={}", file.seed, o.replicates,
                                      o.headroom, o.reporting_rate, rates);
  ++clock_;
  for (auto& k : kept_)
    if (k->key == key) {
      k->used = clock_;
      return *k;
    }
  auto k = std::make_unique<Kept>();
  k->key = key;
  k->used = clock_;
  pipeline::RunControl control;
  control.cancelled = [this] { return cancel_now_ && cancel_now_(); };
  const auto& fit = session_->fit();
  k->sim = std::make_unique<simulation::Simulator>(
      fit.model, *fit.cells, fit.forecast, fit.history, fit.areas, fit.evidence,
      pipeline::simulator_options(fit, o, file.seed, session_->map().taxonomy, control,
                                  file.where_of("stages.simulate.reporting_rates")));
  const std::size_t need = k->sim->cache_bytes_estimate();
  if (need > cache_limit_)
    throw Error(ErrorCode::BadOption, "--whatif-cache-mb",
                fmt::format("keeping this run's baseline for instant what-ifs needs about {} MB ({} replicates), the "
                            "limit is {} MB: raise --whatif-cache-mb or ask for fewer replicates",
                            (need >> 20) + 1, o.replicates, cache_limit_ >> 20));
  // Least recently used first out, until the new one fits beside the rest.
  auto held = [&] {
    std::size_t b = 0;
    for (const auto& x : kept_) b += x->cache->bytes();
    return b;
  };
  while (!kept_.empty() && held() + need > cache_limit_) {
    auto lru = std::min_element(kept_.begin(), kept_.end(), [](const auto& a, const auto& b) { return a->used < b->used; });
    log::info("what-if: dropping the kept baseline ({}) to make room", (*lru)->key);
    kept_.erase(lru);
  }
  ctx.progress(0.05, "keeping the baseline");
  k->cache = k->sim->cache_baseline(cache_limit_);
  kept_.push_back(std::move(k));
  return *kept_.back();
}

json ScenarioRunner::run(const json& request, JobContext& ctx) {
  std::lock_guard lock(mu_);
  const fs::path resolved = dir_ / outputs::kResolvedScenario;
  std::error_code ec;
  if (!fs::is_regular_file(resolved, ec))
    throw Error(ErrorCode::FileNotFound, resolved.string(),
                "this run folder has no resolved scenario, so the viewer cannot re-run it: make it with "
                "`tryggve run SCENARIO.yaml --out DIR` (or `tryggve demo`)");
  scenario::RunControl control;
  control.progress = [&ctx](const std::string& step, double f) { ctx.progress(f, step); };
  control.cancelled = [&ctx] { return ctx.cancel_requested(); };
  // The kept simulators ask this job, whichever job built them.
  cancel_now_ = [&ctx] { return ctx.cancel_requested(); };
  struct Reset {
    std::function<bool()>& f;
    ~Reset() { f = nullptr; }
  } reset{cancel_now_};

  // The file is re-read for every job (it may have been re-run); the session is
  // kept while the file's inputs and fit stay the same.
  auto file = std::make_unique<scenario::ScenarioFile>(scenario::load(resolved));
  if (request.contains("replicates")) file->simulate.replicates = request["replicates"].get<int>();
  if (request.contains("seed")) file->seed = request["seed"].get<std::uint64_t>();
  const std::string kind = request["kind"];
  // Plans need the map only; scenarios and interventions the fitted model too.
  const bool need_fit = kind != "plan";
  if (need_fit && !file->simulate_enabled)
    throw Error(ErrorCode::BadScenario, resolved.string(), "the run's scenario does not simulate");
  if (!session_ || !session_->reusable_for(*file) || (need_fit && !session_->fitted())) {
    ctx.progress(0.0, need_fit ? "map + fit" : "map");
    kept_.clear();  // the kept simulators point into the old session
    session_.reset();
    session_ = std::make_unique<scenario::Session>(*file, control, need_fit);
  }
  ctx.throw_if_cancelled();

  if (kind == "plan") return run_plans(request, *file, ctx);
  if (kind == "scenario") {
    const std::string name = request["scenario"];
    std::vector<scenario::ScenarioSpec> keep;
    for (const auto& s : file->scenarios)
      if (s.name == name) keep.push_back(s);
    if (keep.empty()) {
      std::string names;
      for (const auto& s : file->scenarios) names += (names.empty() ? "" : ", ") + s.name;
      throw Error(ErrorCode::BadOption, "request.scenario", fmt::format("no scenario '{}' in {} (has: {})", name, resolved.string(), names));
    }
    file->scenarios = keep;
  } else {
    edited_scenario(request["intervention"], *file, *session_);
  }

  const auto scenarios = session_->resolve(*file);
  ctx.throw_if_cancelled();
  if (kind == "whatif") {
    // Against the kept baseline: a first answer on kFirstReplicates replicates at
    // once, then the whole count. Each equals a full run with that many replicates
    // (Simulator::run with a cache), so the refined answer only narrows the interval.
    Kept& k = kept_baseline(*file, ctx);
    std::vector<simulation::Scenario> sc;
    for (const auto& s : scenarios) sc.push_back(s.scenario);
    const int all = k.cache->replicates();
    const int first = std::min(kFirstReplicates, all);
    ctx.progress(0.1, fmt::format("simulating {} replicates", first));
    const simulation::RunResult head = k.sim->run(sc, *k.cache, first);
    json out = answer(request, head, scenarios, *file);
    if (first < all) {
      out["refining"] = true;
      ctx.partial(std::move(out));
      ctx.progress(first / static_cast<double>(all), fmt::format("refining to {} replicates", all));
      // The first answer's replicates are taken as they are: only the rest are drawn.
      out = answer(request, k.sim->run(sc, *k.cache, all, &head), scenarios, *file);
    }
    out["refining"] = false;
    ctx.progress(1.0, "done");
    return out;
  }
  const simulation::RunResult res = session_->simulate(scenarios, *file, control);
  json out = answer(request, res, scenarios, *file);
  ctx.progress(1.0, "done");
  return out;
}

}  // namespace tryggve::server
