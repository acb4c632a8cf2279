#include "tryggve/scenario/run.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/json_text.hpp"
#include "tryggve/core/month.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/pipeline/hotspots_stage.hpp"
#include "tryggve/pipeline/run_folder.hpp"
#include "where.hpp"

namespace fs = std::filesystem;

namespace tryggve::scenario {

using namespace tryggve::simulation;
using pipeline::step;

struct Session::Impl {
  ScenarioFile file;  // the one the map and fit were made for
  pipeline::MapResult map;
  pipeline::FitResult fit;
  std::unique_ptr<detail::Resolver> resolver;
};

namespace {

std::string fit_key(const ScenarioFile& f) {
  OptionSet a("inputs");
  pipeline::MapOptions m = f.inputs;
  m.declare(a);
  std::string k;
  for (const auto& [key, v] : a.resolved()) k += key + "=" + v + ";";
  const auto& s = f.simulate;
  k += fmt::format("fit={};start={};K={};cut={};lag={};it={};tol={};ev={};lat={};lon={};nr={};ka={};km={};kp={};seed={}",
                   s.fit_months, s.forecast_start, s.forecast_months, s.cell_cutoff_m, s.max_lag_days, s.max_iterations,
                   s.tolerance, s.evidence, s.latitude_deg, s.longitude_deg, s.near_repeat, s.knox_alpha,
                   s.knox_method, s.knox_permutations, f.seed);
  return k;
}

pipeline::RunInfo run_info(const ScenarioFile& f) { return {f.name, f.seed, f.simulate.top_k}; }

}  // namespace

Session::Session(const ScenarioFile& file, const RunControl& control, bool fit) : impl_(std::make_unique<Impl>()) {
  Impl& I = *impl_;
  I.file = file;
  step(control, "map", 0.0);
  I.map = pipeline::run_map(file.inputs);
  pipeline::FitWhere where;
  where.data = file.inputs.incidents.empty() ? file.file.string() : file.inputs.incidents;
  where.fit_months = file.where_of("stages.simulate.fit_months");
  I.fit = pipeline::run_fit(I.map, file.simulate, file.seed, fit && file.simulate_enabled, control, where);
  I.resolver = std::make_unique<detail::Resolver>(I.map, *I.fit.cells, file.inputs.park_distance_m);
  step(control, "prepared", 0.6);
}

Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

const pipeline::MapResult& Session::map() const { return impl_->map; }
const pipeline::FitResult& Session::fit() const { return impl_->fit; }
const CellNetwork& Session::cells() const { return *impl_->fit.cells; }
const HourCalendar& Session::forecast() const { return impl_->fit.forecast; }
const EvidenceTable& Session::evidence() const { return impl_->fit.evidence; }
bool Session::fitted() const { return impl_->fit.fitted; }
std::string Session::forecast_start() const { return impl_->fit.forecast_start(); }
const FittedModel& Session::model() const {
  if (!impl_->fit.fitted) throw Error(ErrorCode::Internal, "scenario session", "the model was not fitted");
  return impl_->fit.model;
}
bool Session::reusable_for(const ScenarioFile& other) const { return fit_key(other) == fit_key(impl_->file); }

namespace {

struct MonthSpan {
  int from, to;  // [from, to)
};

std::vector<MonthSpan> resolve_months(const WhenSpec& w, const HourCalendar& cal, int first_month_index,
                                      const std::string& default_where, const std::string& path) {
  const int K = cal.month_count();
  std::vector<MonthSpan> spans;
  if (w.months.empty()) return {{0, K}};
  for (const auto& m : w.months) {
    int a, b;
    if (!m.from_label.empty()) {
      a = parse_month(m.from_label, path) - first_month_index;
      b = parse_month(m.to_label, path) - first_month_index;
    } else {
      a = m.from_index;
      b = m.to_index;
    }
    if (a < 0 || b >= K)
      throw Error(ErrorCode::BadScenario, m.at.file_line.empty() ? default_where : m.at.file_line,
                  fmt::format("{}: {} is outside the forecast {}..{} (months 0..{})", m.at.path.empty() ? path : m.at.path,
                              m.from_label.empty() ? fmt::format("{}..{}", m.from_index, m.to_index)
                                                   : m.from_label + ".." + m.to_label,
                              cal.month_label(0), cal.month_label(K - 1), K - 1));
    spans.push_back({a, b + 1});
  }
  std::sort(spans.begin(), spans.end(), [](auto x, auto y) { return x.from < y.from; });
  std::vector<MonthSpan> merged;
  for (auto s : spans) {
    if (!merged.empty() && s.from <= merged.back().to) merged.back().to = std::max(merged.back().to, s.to);
    else merged.push_back(s);
  }
  return merged;
}

std::string default_evidence_key(const std::string& type) {
  if (type == "lighting") return "lighting";
  if (type == "patrol") return "hotspot_policing";
  if (type == "transit_host") return "transit_host";
  return "adults_outdoors";
}

}  // namespace

namespace {

// The one translation of a spec into the simulation's intervention (months aside).
Intervention build_intervention(const InterventionSpec& iv, const detail::Resolver& resolver,
                                const Taxonomy& taxonomy, const EvidenceTable& evidence, std::vector<CellId>& cells) {
  const std::string& where = iv.at.file_line;
  cells.clear();
  for (std::size_t j = 0; j < iv.where.size(); ++j) {
    const std::string p = iv.where.size() == 1 ? iv.at.path + ".where" : fmt::format("{}.where[{}]", iv.at.path, j);
    auto c = resolver.resolve(iv.where[j], where, p);
    cells.insert(cells.end(), c.begin(), c.end());
  }
  std::sort(cells.begin(), cells.end());
  cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
  std::vector<std::string> keys;
  for (const auto& r : evidence.rows())
    if (std::find(keys.begin(), keys.end(), r.intervention) == keys.end()) keys.push_back(r.intervention);
  const std::string ev = iv.evidence.empty() ? default_evidence_key(iv.type) : iv.evidence;
  if (std::find(keys.begin(), keys.end(), ev) == keys.end()) {
    const std::string hint = closest_key(ev, keys);
    std::string list;
    for (const auto& x : keys) list += (list.empty() ? "" : ", ") + x;
    auto it = iv.keys_at.find("evidence");
    throw Error(ErrorCode::BadScenario, it == iv.keys_at.end() ? where : it->second.file_line,
                fmt::format("{}.evidence: no evidence row '{}'{} (rows: {})", iv.at.path, ev,
                            hint.empty() ? "" : " (did you mean '" + hint + "'?)", list));
  }
  auto kw = [&](const char* key) {
    auto it = iv.keys_at.find(key);
    return it == iv.keys_at.end() ? where : it->second.file_line;
  };
  const auto only = pipeline::parameter_ids(taxonomy, iv.parameters, kw("parameters"), iv.at.path + ".parameters");
  const auto reacts = pipeline::parameter_ids(taxonomy, iv.reaction_parameters, kw("reaction"), iv.at.path + ".reaction.parameters");
  WeeklyWindow win{iv.when.weekdays, iv.when.from_hour, iv.when.to_hour};
  Intervention base;
  if (iv.type == "lighting") base = make_lighting(iv.name, cells, iv.lamps, iv.cost_sek);
  else if (iv.type == "patrol") base = make_patrol(iv.name, cells, win, iv.visits_per_week, iv.visit_minutes, iv.cost_sek);
  else if (iv.type == "transit_host") base = make_transit_host(iv.name, cells, win, iv.hosts, iv.coverage, iv.cost_sek);
  else base = make_adult_presence(iv.name, cells, win, iv.adults, iv.cost_sek);
  base.evidence_key = ev;
  base.residual_minutes = iv.residual_minutes;
  if (iv.reporting_uplift) base.reporting_uplift = *iv.reporting_uplift;
  base.only_parameters = only;
  base.reaction.parameters = reacts;
  base.reaction.peak_rise = iv.reaction_peak_rise;
  base.reaction.decay_weeks = iv.reaction_decay_weeks;
  base.spillover.enabled = iv.spillover_enabled;
  for (const auto& [key, v] : iv.spillover) {
    if (key == "buffer_m") base.spillover.buffer_m = v;
    else if (key == "diffusion_share") base.spillover.diffusion_share = v;
    else if (key == "diffusion_decay_m") base.spillover.diffusion_decay_m = v;
    else if (key == "outer_m") base.spillover.outer_m = v;
    else if (key == "displacement_share") base.spillover.displacement_share = v;
  }
  if (base.spillover.outer_m < base.spillover.buffer_m)
    throw Error(ErrorCode::BadScenario, kw("spillover"),
                fmt::format("{}.spillover: outer_m ({}) must be >= buffer_m ({})", iv.at.path, base.spillover.outer_m,
                            base.spillover.buffer_m));
  return base;
}

}  // namespace

Intervention make_intervention(const InterventionSpec& iv, const pipeline::MapResult& map, const CellNetwork& cells,
                               const EvidenceTable& evidence, double park_buffer_m, std::vector<CellId>* cells_out,
                               const transit::System* transit) {
  const detail::Resolver resolver(map, cells, park_buffer_m, transit);
  std::vector<CellId> c;
  Intervention x = build_intervention(iv, resolver, map.taxonomy, evidence, c);
  if (cells_out) *cells_out = std::move(c);
  return x;
}

std::vector<ResolvedScenario> Session::resolve(const ScenarioFile& file) const {
  const Impl& I = *impl_;
  std::vector<ResolvedScenario> out;
  for (const auto& sc : file.scenarios) {
    ResolvedScenario rs;
    rs.name = sc.name;
    rs.description = sc.description;
    rs.scenario.name = sc.name;
    for (std::size_t k = 0; k < sc.interventions.size(); ++k) {
      const InterventionSpec& iv = sc.interventions[k];
      const std::string& where = iv.at.file_line;
      std::vector<CellId> cells;
      Intervention base = build_intervention(iv, *I.resolver, I.map.taxonomy, I.fit.evidence, cells);
      const std::string ev = base.evidence_key;
      const auto spans = resolve_months(iv.when, I.fit.forecast, I.fit.forecast_first_month,
                                        iv.when.at.file_line.empty() ? where : iv.when.at.file_line, iv.at.path + ".when.months");
      // One simulation intervention per month span; the cost is counted once, and the
      // early reaction decays from the first span's start only.
      base.reaction.start_month = spans.front().from;
      for (const auto& sp : spans) base.reaction.start_month = std::min(base.reaction.start_month, sp.from);
      for (std::size_t j = 0; j < spans.size(); ++j) {
        Intervention x = base;
        x.start_month = spans[j].from;
        x.end_month = spans[j].to;
        if (j > 0) x.cost_sek = 0.0;
        rs.scenario.interventions.push_back(std::move(x));
      }
      ResolvedIntervention ri;
      ri.name = iv.name;
      ri.type = iv.type;
      ri.cells = cells;
      for (CellId c : cells) ri.edges.push_back(I.fit.cells->cell(c).edge);
      std::sort(ri.edges.begin(), ri.edges.end());
      ri.edges.erase(std::unique(ri.edges.begin(), ri.edges.end()), ri.edges.end());
      ri.start_month = spans.front().from;
      ri.end_month = spans.back().to;
      ri.cost_sek = iv.cost_sek;
      ri.evidence_key = ev;
      rs.interventions.push_back(std::move(ri));
    }
    out.push_back(std::move(rs));
  }
  return out;
}

RunResult Session::simulate(const std::vector<ResolvedScenario>& scenarios, const ScenarioFile& file,
                            const RunControl& control) const {
  const Impl& I = *impl_;
  if (!I.fit.fitted) throw Error(ErrorCode::Internal, "scenario session", "simulate() needs a fitted session");
  return pipeline::run_simulate(I.fit, scenarios, file.simulate, file.seed, I.map.taxonomy, control,
                                file.where_of("stages.simulate.reporting_rates"));
}

nlohmann::json Session::result_json(const RunResult& res, int s, const ResolvedScenario& spec,
                                    const ScenarioFile& file, bool slices) const {
  return pipeline::scenario_result_json(impl_->fit, res, s, spec, run_info(file), slices);
}

void Session::write_scenarios(const RunResult& res, const std::vector<ResolvedScenario>& scenarios,
                              const ScenarioFile& file, const fs::path& dir) const {
  pipeline::write_scenarios(dir, impl_->fit, res, scenarios, run_info(file));
}

pipeline::PlanStageOptions plan_options(const ScenarioFile& file) {
  pipeline::PlanStageOptions o = file.plan;
  if (o.evidence.empty()) o.evidence = file.simulate.evidence;
  return o;
}

RunSummary run(const ScenarioFile& file, const pipeline::RunFolder& out, const RunControl& control, Session* session) {
  std::unique_ptr<Session> own;
  if (!session || !session->reusable_for(file)) {
    own = std::make_unique<Session>(file, control, true);
    session = own.get();
  }
  const auto scenarios = session->resolve(file);
  const pipeline::RunFolder& folder = out;
  folder.create();
  step(control, "write map", 0.6);
  pipeline::write_map_outputs(session->map(), folder);
  if (file.hotspots_enabled) {
    step(control, "hotspots", 0.6);
    pipeline::HotspotStageOptions h = file.hotspots;
    if (h.seed == 0) h.seed = static_cast<std::int64_t>(file.seed & 0x7FFFFFFFFFFFFFFFull);
    pipeline::run_hotspot_stage(session->map(), h, folder);
  }
  RunSummary sum;
  sum.out = out.dir();
  sum.forecast_start = session->forecast_start();
  for (const auto& s : scenarios) sum.scenarios.push_back(s.name);
  if (file.simulate_enabled) {
    sum.result = session->simulate(scenarios, file, control);
    step(control, "write", 0.9);
    pipeline::write_fit(folder, session->fit());
    session->write_scenarios(sum.result, scenarios, file, out.dir());
    pipeline::write_scenario_comparison(folder, sum.result, session->map().taxonomy);
  }
  if (file.plan_enabled) {
    step(control, "plan", 0.95);
    const auto plan = plan_options(file);
    auto r = pipeline::run_plan(session->map(), plan);
    pipeline::write_plan(folder, session->map(), r, plan);
    sum.plans = std::move(r.plans);
  }
  write_text_atomically(folder.file(outputs::kResolvedScenario), resolved_yaml(file, session->forecast_start()));
  step(control, "done", 1.0);
  return sum;
}

std::vector<std::string> validate(const ScenarioFile& file, const RunControl& control) {
  Session s(file, control, false);
  std::vector<std::string> lines;
  for (const auto& r : s.resolve(file)) {
    std::size_t cells = 0;
    for (const auto& iv : r.interventions) cells += iv.cells.size();
    lines.push_back(fmt::format("{}: {} intervention{}, {} cells, cost {:.0f} SEK", r.name, r.interventions.size(),
                                r.interventions.size() == 1 ? "" : "s", cells, r.scenario.cost_sek()));
  }
  return lines;
}

}  // namespace tryggve::scenario
