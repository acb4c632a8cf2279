#include "tryggve/scenario/run.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>
#include <ogr_spatialref.h>

#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/json_text.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/core/progress.hpp"
#include "tryggve/core/version.hpp"
#include "tryggve/hotspot/local_stats.hpp"
#include "tryggve/hotspot/weights.hpp"
#include "tryggve/io/crs.hpp"
#include "tryggve/pipeline/outputs.hpp"
#include "tryggve/planning/compare.hpp"
#include "tryggve/scenario/model_outputs.hpp"
#include "tryggve/simulation/events.hpp"
#include "tryggve/simulation/simulator.hpp"
#include "tryggve/snap/place_tagger.hpp"
#include "where.hpp"

namespace fs = std::filesystem;

namespace tryggve::scenario {

using namespace tryggve::simulation;

struct Session::Impl {
  ScenarioFile file;  // the one the map and fit were made for
  pipeline::MapResult map;
  std::unique_ptr<CellNetwork> cells;
  std::unique_ptr<detail::Resolver> resolver;
  std::vector<ParameterTraits> traits;
  std::vector<ObservedEvent> observed;  // placed incidents before the forecast start
  Place place;
  TimeZone zone = TimeZone::utc();
  int forecast_first_month = 0;  // month index (months since 1970-01)
  HourCalendar forecast;
  EventTable history;  // mapped with the forecast calendar (negative times)
  EvidenceTable evidence;
  AreaMap areas;
  bool fitted = false;
  FittedModel model;
};

namespace {

void step(const RunControl& c, const std::string& name, double f) {
  if (c.cancelled && c.cancelled()) throw Error(ErrorCode::Interrupted, name, "cancelled");
  Progress::throw_if_cancelled();
  if (c.progress) c.progress(name, f);
}

std::string fit_key(const ScenarioFile& f) {
  OptionSet a("inputs");
  pipeline::MapOptions m = f.inputs;
  m.declare(a);
  std::string k;
  for (const auto& [key, v] : a.resolved()) k += key + "=" + v + ";";
  const auto& s = f.simulate;
  k += fmt::format("fit={};start={};K={};cut={};lag={};it={};tol={};ev={};lat={};lon={};nr={};ka={};kp={};seed={}",
                   s.fit_months, s.forecast_start, s.forecast_months, s.cell_cutoff_m, s.max_lag_days, s.max_iterations,
                   s.tolerance, s.evidence, s.latitude_deg, s.longitude_deg, s.near_repeat, s.knox_alpha,
                   s.knox_permutations, f.seed);
  return k;
}

Place place_of(const pipeline::MapResult& map, const SimulateOptions& s) {
  Place p;
  bool have_lat = s.latitude_deg != "auto" && !s.latitude_deg.empty();
  bool have_lon = s.longitude_deg != "auto" && !s.longitude_deg.empty();
  if (have_lat) p.lat_deg = std::stod(s.latitude_deg);
  if (have_lon) p.lon_deg = std::stod(s.longitude_deg);
  if (have_lat && have_lon) return p;
  const Envelope e = map.net.extent();
  if (map.crs.is_local() || !map.crs.srs() || e.empty()) {
    log::warn("simulate: no CRS to find the sun from; using latitude {:.2f}, longitude {:.2f} (set "
              "stages.simulate.latitude_deg / longitude_deg)", p.lat_deg, p.lon_deg);
    return p;
  }
  OGRSpatialReference wgs;
  wgs.importFromEPSG(4326);
  wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(map.crs.srs(), &wgs));
  double x = 0.5 * (e.min_x + e.max_x), y = 0.5 * (e.min_y + e.max_y);
  if (!ct || !ct->Transform(1, &x, &y)) throw Error(ErrorCode::BadCrs, map.crs.describe(), "cannot find the network centre in WGS84");
  if (!have_lon) p.lon_deg = x;
  if (!have_lat) p.lat_deg = y;
  return p;
}

int parse_label(const std::string& s) { return (std::stoi(s.substr(0, 4)) - 1970) * 12 + std::stoi(s.substr(5, 2)) - 1; }

StudyPeriod months_from(const TimeZone& z, int month_index, int count) {
  return local_months(z, 1970 + month_index / 12, month_index % 12 + 1, count);
}

}  // namespace

Session::Session(const ScenarioFile& file, const RunControl& control, bool fit) : impl_(std::make_unique<Impl>()) {
  Impl& I = *impl_;
  I.file = file;
  step(control, "map", 0.0);
  I.map = pipeline::run_map(file.inputs);
  step(control, "cells", 0.2);
  I.cells = std::make_unique<CellNetwork>(I.map.net, I.map.lixels, file.simulate.cell_cutoff_m);
  I.resolver = std::make_unique<detail::Resolver>(I.map, *I.cells, file.inputs.park_distance_m);
  I.evidence = file.simulate.evidence.empty() ? EvidenceTable::load_default() : EvidenceTable::load(file.simulate.evidence);
  I.zone = TimeZone::from_name(file.inputs.timezone);
  for (const auto& p : I.map.taxonomy.parameters())
    I.traits.push_back({p.code, p.darkness_sensitive, p.setting == ParameterSetting::Indoor, p.weight});

  // The forecast starts the month after the last incident unless told otherwise.
  std::int64_t last = std::numeric_limits<std::int64_t>::min();
  for (const auto& inc : I.map.incidents)
    if (inc.has_time && inc.parameter != kNoParameter) last = std::max(last, inc.time.utc_seconds);
  if (!file.simulate.forecast_start.empty()) {
    I.forecast_first_month = parse_label(file.simulate.forecast_start);
  } else {
    if (last == std::numeric_limits<std::int64_t>::min())
      throw Error(ErrorCode::NoData, file.inputs.incidents.empty() ? file.file.string() : file.inputs.incidents,
                  "no placed incident with a time: nothing to fit (give inputs.incidents)");
    I.forecast_first_month = month_index(I.zone.at_utc(last)) + 1;
  }
  I.place = place_of(I.map, file.simulate);
  I.forecast = HourCalendar(months_from(I.zone, I.forecast_first_month, file.simulate.forecast_months), I.zone, I.place);
  const std::int64_t t_forecast = I.forecast.period().start_utc;
  std::size_t untimed = 0, after_start = 0;
  for (std::size_t i = 0; i < I.map.incidents.size(); ++i) {
    const auto& inc = I.map.incidents[i];
    if (!inc.has_time || inc.parameter == kNoParameter) { ++untimed; continue; }
    if (inc.time.utc_seconds >= t_forecast) { ++after_start; continue; }
    I.observed.push_back({I.map.snaps[i].position(), inc.time, inc.parameter, inc.setting != Setting::Indoor});
  }
  // Placed incidents the model cannot use are said, not silently lost.
  if (untimed) log::warn("simulate: {} placed incidents have no time and are not used by the model fit", untimed);
  if (after_start)
    log::warn("simulate: {} incidents at or after the forecast start {} are not history and are not used", after_start,
              file.simulate.forecast_start);
  I.history = make_event_table(I.observed, *I.cells, I.forecast, I.traits.size());
  if (I.history.after_end || I.history.bad_parameter || I.history.bad_position)
    log::warn("simulate: {} events after the forecast, {} with an unknown parameter, {} off the network were left out",
              I.history.after_end, I.history.bad_parameter, I.history.bad_position);

  // Areas for the results: the area each cell's midpoint lies in.
  {
    std::vector<std::string> names;
    for (std::size_t a = 0; a < I.map.areas.size(); ++a) {
      const auto& f = I.map.areas[a];
      names.push_back(!f.name.empty() ? f.name : !f.kind.empty() ? f.kind : fmt::format("area {}", a + 1));
    }
    std::vector<int> area_of(I.cells->size(), -1);
    if (!I.map.areas.empty()) {
      snap::PlaceTagger tagger({}, {}, I.map.areas);
      std::vector<Point> mids(I.cells->size());
      for (CellId c = 0; c < I.cells->size(); ++c) mids[c] = I.map.lixels[c].mid;
      const auto tags = tagger.tag_all(mids);
      for (CellId c = 0; c < I.cells->size(); ++c)
        if (tags[c].area != snap::kNoPlace) area_of[c] = static_cast<int>(tags[c].area);
    }
    I.areas.area_of_cell = std::move(area_of);
    I.areas.names = std::move(names);
  }
  if (fit && file.simulate_enabled) {
    step(control, "fit", 0.3);
    if (I.observed.empty())
      throw Error(ErrorCode::NoData, file.inputs.incidents.empty() ? file.file.string() : file.inputs.incidents,
                  "no placed incident before the forecast start " + month_label(I.forecast_first_month));
    // Fit on the fit_months before the forecast, ending at the last incident when
    // the data stop inside the last month (a partial month is not an empty one).
    StudyPeriod fp = months_from(I.zone, I.forecast_first_month - file.simulate.fit_months, file.simulate.fit_months);
    std::int64_t last_before = std::numeric_limits<std::int64_t>::min();
    for (const auto& e : I.observed) last_before = std::max(last_before, e.time.utc_seconds);
    fp.end_utc = std::min(fp.end_utc, last_before + 1);
    if (fp.end_utc <= fp.start_utc)
      throw Error(ErrorCode::NoData, file.where_of("stages.simulate.fit_months"),
                  fmt::format("stages.simulate.fit_months: no incident in the {} months before {}", file.simulate.fit_months,
                              month_label(I.forecast_first_month)));
    HourCalendar fit_cal(fp, I.zone, I.place);
    const EventTable table = make_event_table(I.observed, *I.cells, fit_cal, I.traits.size());
    FitOptions fo;
    fo.max_lag_days = file.simulate.max_lag_days;
    fo.max_iterations = file.simulate.max_iterations;
    fo.tolerance = file.simulate.tolerance;
    fo.near_repeat.mode = file.simulate.near_repeat;
    fo.near_repeat.alpha = file.simulate.knox_alpha;
    fo.near_repeat.permutations = static_cast<std::size_t>(file.simulate.knox_permutations);
    fo.near_repeat.seed = file.seed;
    I.model = simulation::fit(table, *I.cells, fit_cal, I.traits, fo);
    // The model's time origin is the fit calendar's; the simulator reads only
    // rates, profiles and kernels, so it carries over to the forecast calendar.
    I.fitted = true;
  }
  step(control, "prepared", 0.6);
}

Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

const pipeline::MapResult& Session::map() const { return impl_->map; }
const CellNetwork& Session::cells() const { return *impl_->cells; }
const HourCalendar& Session::forecast() const { return impl_->forecast; }
const EvidenceTable& Session::evidence() const { return impl_->evidence; }
bool Session::fitted() const { return impl_->fitted; }
std::string Session::forecast_start() const { return month_label(impl_->forecast_first_month); }
const FittedModel& Session::model() const {
  if (!impl_->fitted) throw Error(ErrorCode::Internal, "scenario session", "the model was not fitted");
  return impl_->model;
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
      a = parse_label(m.from_label) - first_month_index;
      b = parse_label(m.to_label) - first_month_index;
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
  return "adults_outdoors";
}

std::vector<ParameterId> codes_to_ids(const Taxonomy& tax, const std::vector<std::string>& codes, const std::string& where,
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

}  // namespace

std::vector<ResolvedScenario> Session::resolve(const ScenarioFile& file) const {
  const Impl& I = *impl_;
  std::vector<std::string> keys;
  for (const auto& r : I.evidence.rows())
    if (std::find(keys.begin(), keys.end(), r.intervention) == keys.end()) keys.push_back(r.intervention);
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
      for (std::size_t j = 0; j < iv.where.size(); ++j) {
        const std::string p = iv.where.size() == 1 ? iv.at.path + ".where" : fmt::format("{}.where[{}]", iv.at.path, j);
        auto c = I.resolver->resolve(iv.where[j], where, p);
        cells.insert(cells.end(), c.begin(), c.end());
      }
      std::sort(cells.begin(), cells.end());
      cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
      const auto spans = resolve_months(iv.when, I.forecast, I.forecast_first_month,
                                        iv.when.at.file_line.empty() ? where : iv.when.at.file_line, iv.at.path + ".when.months");
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
      const auto only = codes_to_ids(I.map.taxonomy, iv.parameters, kw("parameters"), iv.at.path + ".parameters");
      const auto reacts = codes_to_ids(I.map.taxonomy, iv.reaction_parameters, kw("reaction"), iv.at.path + ".reaction.parameters");
      WeeklyWindow win{iv.when.weekdays, iv.when.from_hour, iv.when.to_hour};
      Intervention base;
      if (iv.type == "lighting") base = make_lighting(iv.name, cells, iv.lamps, iv.cost_sek);
      else if (iv.type == "patrol") base = make_patrol(iv.name, cells, win, iv.visits_per_week, iv.visit_minutes, iv.cost_sek);
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
      // One simulation intervention per month span; the cost is counted once.
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
      for (CellId c : cells) ri.edges.push_back(I.cells->cell(c).edge);
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
  if (!I.fitted) throw Error(ErrorCode::Internal, "scenario session", "simulate() needs a fitted session");
  SimulatorOptions o;
  o.replicates = file.simulate.replicates;
  o.seed = file.seed;
  o.headroom = file.simulate.headroom;
  o.default_reporting_rate = file.simulate.reporting_rate;
  if (!file.simulate.reporting_rates.empty()) {
    o.reporting_rate.assign(I.traits.size(), file.simulate.reporting_rate);
    for (const auto& r : file.simulate.reporting_rates) {
      const auto eq = r.find('=');
      const auto ids = codes_to_ids(I.map.taxonomy, {r.substr(0, eq)}, file.where_of("stages.simulate.reporting_rates"),
                                    "stages.simulate.reporting_rates");
      o.reporting_rate[ids[0]] = std::stod(r.substr(eq + 1));
    }
  }
  auto cancel = control.cancelled;
  o.cancelled = [cancel] { return Progress::cancel_requested() || (cancel && cancel()); };
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

nlohmann::json Session::result_json(const RunResult& res, int s, const ResolvedScenario& spec,
                                    const ScenarioFile& file) const {
  const Impl& I = *impl_;
  using nlohmann::json;
  json j;
  j["scenario"] = spec.name;
  j["description"] = spec.description;
  j["run"] = file.name;
  j["tryggve_version"] = kVersion;
  j["seed"] = file.seed;
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
  for (int p = 0; p < res.parameters; ++p)
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
  j["by_parameter_area_month"] = cellsj;
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
    const int k = file.simulate.top_k;
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

void Session::write_scenarios(const RunResult& res, const std::vector<ResolvedScenario>& scenarios,
                              const ScenarioFile& file, const fs::path& dir) const {
  const Impl& I = *impl_;
  for (std::size_t k = 0; k < scenarios.size(); ++k) {
    const int s = static_cast<int>(k) + 1;
    const fs::path d = dir / outputs::kScenariosDir / scenarios[k].name;
    std::error_code ec;
    fs::create_directories(d, ec);
    if (ec) throw Error(ErrorCode::OutputFailed, d.string(), "cannot create folder: " + ec.message());
    write_text_atomically(d / "result.json", json_text(result_json(res, s, scenarios[k], file), 1) + "\n");
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
    write_text_atomically(d / "areas.csv", areas);
    const auto b = res.cell_means(0), sv = res.cell_means(s);
    std::string cells = "cell,edge,start_m,end_m,area,baseline_mean,scenario_mean,difference\n";
    for (CellId c = 0; c < I.cells->size(); ++c) {
      const auto& cl = I.cells->cell(c);
      const int a = I.areas.area_of_cell[c];
      cells += fmt::format("{},{},{:.2f},{:.2f},\"{}\",{:.5f},{:.5f},{:.5f}\n", c, cl.edge, cl.start, cl.end,
                           a < 0 ? "" : I.areas.names[a], b[c], sv[c], sv[c] - b[c]);
    }
    write_text_atomically(d / "cells.csv", cells);
  }
}

RunSummary run(const ScenarioFile& file, const fs::path& out, const RunControl& control, Session* session) {
  std::unique_ptr<Session> own;
  if (!session || !session->reusable_for(file)) {
    own = std::make_unique<Session>(file, control, true);
    session = own.get();
  }
  const auto scenarios = session->resolve(file);
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) throw Error(ErrorCode::OutputFailed, out.string(), "cannot create folder: " + ec.message());
  step(control, "write map", 0.6);
  pipeline::write_map_outputs(session->map(), out);
  if (file.hotspots_enabled) {
    step(control, "hotspots", 0.6);
    situation::HotspotStageOptions h = file.hotspots;
    if (h.seed == 0) h.seed = static_cast<std::int64_t>(file.seed & 0x7FFFFFFFFFFFFFFFull);
    h.park_distance_m = file.inputs.park_distance_m;
    h.stop_radius_m = file.inputs.stop_radius_m;
    situation::run_hotspot_stage(session->map(), h, out);
  }
  RunSummary sum;
  sum.out = out;
  sum.forecast_start = session->forecast_start();
  for (const auto& s : scenarios) sum.scenarios.push_back(s.name);
  if (file.simulate_enabled) {
    sum.result = session->simulate(scenarios, file, control);
    step(control, "write", 0.9);
    write_text_atomically(out / outputs::kModelCsv, model_csv(session->model()));
    write_text_atomically(out / outputs::kModelJson, json_text(model_json(session->model()), 1) + "\n");
    session->write_scenarios(sum.result, scenarios, file, out);
    // The scenarios side by side (per parameter and area, cost, prevented per
    // 100,000 SEK): what the planners' table and the report show.
    std::vector<std::string> codes;
    std::vector<double> weights;
    for (const auto& p : session->map().taxonomy.parameters()) {
      codes.push_back(p.code);
      weights.push_back(p.weight);
    }
    fs::create_directories(out / outputs::kPlanDir, ec);
    write_text_atomically(out / outputs::kScenarioComparisonCsv,
                          planning::comparison_csv(planning::compare_scenarios(sum.result, codes, weights)));
  }
  write_text_atomically(out / outputs::kResolvedScenario, resolved_yaml(file, session->forecast_start()));
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
