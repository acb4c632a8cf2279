#include "tryggve/hotspot/runs.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tryggve/core/csv.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/limits.hpp"
#include "tryggve/core/month.hpp"
#include "tryggve/core/time_window.hpp"

namespace tryggve::hotspot {

namespace {

void check_inputs(const HotspotIncidents& in, const char* what) {
  if (!in.net) throw Error(ErrorCode::BadOption, what, "no network");
  const std::size_t n = in.positions.size();
  if (in.times.size() != n || in.has_time.size() != n || in.parameters.size() != n ||
      (!in.weights.empty() && in.weights.size() != n))
    throw Error(ErrorCode::BadOption, what, "incident vectors of different lengths");
}

std::vector<network::NetworkPosition> positions_of(const HotspotIncidents& in, const Selected& s) {
  std::vector<network::NetworkPosition> p;
  p.reserve(s.index.size());
  for (std::size_t k : s.index) p.push_back(in.positions[k]);
  return p;
}

std::vector<double> unit_values(const HotspotIncidents& in, const Selected& s, const SpatialUnits& units) {
  const auto pos = positions_of(in, s);
  return count_per_unit(units, pos, &s.weight);
}

std::uint64_t seed_of(std::int64_t s) { return s == 0 ? default_seed() : static_cast<std::uint64_t>(s); }

// The columns every per-unit table starts with.
void unit_columns(UnitTable& t, const network::Network& net, const SpatialUnits& units,
                  const std::vector<double>& values) {
  auto& id = t.add("unit_id", TableColumn::Type::Integer);
  auto& edge = t.add("edge_id", TableColumn::Type::Integer);
  auto& a = t.add("start_m", TableColumn::Type::Real);
  auto& b = t.add("end_m", TableColumn::Type::Real);
  auto& len = t.add("length_m", TableColumn::Type::Real);
  auto& cnt = t.add("count", TableColumn::Type::Real);
  t.geometry.reserve(units.size());
  for (UnitId i = 0; i < units.size(); ++i) {
    const Unit& u = units[i];
    id.numbers.push_back(i);
    edge.numbers.push_back(u.edge);
    a.numbers.push_back(u.start);
    b.numbers.push_back(u.end);
    len.numbers.push_back(u.length());
    cnt.numbers.push_back(values[i]);
    t.geometry.push_back(substring(net.edge(u.edge).geometry, u.start, u.end));
  }
}


}  // namespace

// ---- Selection --------------------------------------------------------------------

void IncidentSelection::declare(OptionSet& o) {
  o.list("parameters", parameters, "Only these parameters (taxonomy codes, comma-separated); default: all")
      .text("from", from, "First day (YYYY-MM-DD) or month (YYYY-MM) of the time window, local time; default: open")
      .text("to", to, "Last day (YYYY-MM-DD) or month (YYYY-MM) of the time window, inclusive; default: open")
      .flag("severity_weights", severity_weights,
            "Each incident counts its parameter's severity weight (taxonomy) instead of 1");
}

nlohmann::json Selected::summary_json() const {
  nlohmann::json j;
  j["selected"] = index.size();
  double w = 0;
  for (double v : weight) w += v;
  j["selected_weight"] = w;
  j["left_out"] = {{"parameter", dropped_parameter},
                   {"outside_window", dropped_window},
                   {"no_time", dropped_no_time},
                   {"unsnapped", dropped_unsnapped}};
  return j;
}

Selected select_incidents(const HotspotIncidents& in, const IncidentSelection& sel) {
  check_inputs(in, "hotspot selection");
  Selected s;
  std::vector<std::uint8_t> keep_param;
  if (!sel.parameters.empty()) {
    if (!in.taxonomy) throw Error(ErrorCode::BadOption, "parameters", "no taxonomy to look the parameter codes up in");
    keep_param.assign(in.taxonomy->parameters().size(), 0);
    std::vector<std::string> codes;
    for (const auto& p : in.taxonomy->parameters()) codes.push_back(p.code);
    for (const auto& c : sel.parameters) {
      const auto id = in.taxonomy->find(c);
      if (!id) {
        const std::string near = closest_key(c, codes);
        throw Error(ErrorCode::BadOption, "parameters",
                    fmt::format("unknown parameter '{}'{}", c, near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
      }
      keep_param[*id] = 1;
    }
  }
  if (sel.severity_weights && !in.taxonomy)
    throw Error(ErrorCode::BadOption, "severity_weights", "no taxonomy to take the severity weights from");
  const DayWindow window = parse_day_window(sel.from, sel.to, "from", "to");
  if (!sel.from.empty()) s.first_day = window.first_day;
  if (!sel.to.empty()) s.last_day = window.end_day - 1;
  for (std::size_t k = 0; k < in.positions.size(); ++k) {
    if (in.positions[k].edge == network::kNoEdge) { ++s.dropped_unsnapped; continue; }
    const ParameterId p = in.parameters[k];
    if (!keep_param.empty() && (p == kNoParameter || p >= keep_param.size() || !keep_param[p])) {
      ++s.dropped_parameter;
      continue;
    }
    if (!window.open()) {
      if (!in.has_time[k]) { ++s.dropped_no_time; continue; }
      if (!window.contains(in.times[k])) { ++s.dropped_window; continue; }
    }
    double w = in.weights.empty() ? 1.0 : in.weights[k];
    if (sel.severity_weights) {
      if (p == kNoParameter || p >= in.taxonomy->parameters().size())
        throw Error(ErrorCode::BadValue, fmt::format("{} incident {}", in.source, k), "no parameter for its severity weight");
      w *= in.taxonomy->parameters()[p].weight;
    }
    s.index.push_back(k);
    s.weight.push_back(w);
  }
  return s;
}

// ---- Units and weights ---------------------------------------------------------------

void UnitWeightsOptions::declare(OptionSet& o) {
  o.choice("units", units, "Spatial units: whole street segments or lixels (--lixel-length-m)", {"segments", "lixels"})
      .choice("weights", weights,
              "Neighbours: network distance band, inverse network distance, kernel of network distance, "
              "or contiguity (units sharing an end point)",
              {"distance_band", "inverse_distance", "kernel", "contiguity"})
      .real("distance_m", distance_m, "Band, inverse-distance cut-off or kernel bandwidth, along the network (CRS units)",
            1e-6, 1e7)
      .choice("kernel", kernel, "Kernel of --weights kernel", {"quartic", "epanechnikov", "triangular", "uniform", "gaussian"})
      .real("power", power, "Inverse-distance exponent", 0.0, 10.0)
      .real("min_distance_m", min_distance_m, "Inverse distance: shorter distances (and self) count as this", 1e-9, 1e6)
      .choice("style", style, "Weights as they are (binary for band and contiguity) or row-standardised", {"binary", "row"});
}

WeightsOptions UnitWeightsOptions::resolve(SelfWeight self) const {
  WeightsOptions w;
  w.scheme = parse_weight_scheme(weights);
  w.max_distance_m = distance_m;
  w.bandwidth_m = distance_m;
  w.kernel = parse_kernel_shape(kernel);
  w.power = power;
  w.min_distance_m = min_distance_m;
  w.style = parse_weight_style(style);
  w.self = self;
  return w;
}

SpatialUnits make_units(const HotspotIncidents& in, const UnitWeightsOptions& o) {
  if (o.units == "segments") return SpatialUnits::segments(*in.net);
  if (o.units != "lixels") throw Error(ErrorCode::BadOption, "units", fmt::format("'{}' is not segments or lixels", o.units));
  if (!in.lixels) throw Error(ErrorCode::BadOption, "units", "lixels asked for but the network has none");
  return SpatialUnits::lixels(*in.net, *in.lixels);
}

// ---- Tables ----------------------------------------------------------------------------

std::size_t UnitTable::rows() const {
  if (columns.empty()) return 0;
  const auto& c = columns.front();
  return c.type == TableColumn::Type::Text ? c.texts.size() : c.numbers.size();
}

TableColumn& UnitTable::add(std::string name, TableColumn::Type type) {
  columns.push_back({std::move(name), type, {}, {}});
  return columns.back();
}

const TableColumn& UnitTable::column(const std::string& name) const {
  for (const auto& c : columns)
    if (c.name == name) return c;
  throw Error(ErrorCode::BadValue, this->name, fmt::format("no column '{}'", name));
}

std::string UnitTable::csv() const {
  std::string out;
  for (std::size_t c = 0; c < columns.size(); ++c) out += (c ? "," : "") + csv_field(columns[c].name);
  out += '\n';
  const std::size_t n = rows();
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c) out += ',';
      const auto& col = columns[c];
      if (col.type == TableColumn::Type::Text) { out += csv_field(col.texts[r]); continue; }
      const double v = col.numbers[r];
      if (std::isnan(v)) continue;
      if (col.type == TableColumn::Type::Integer) out += fmt::format("{}", static_cast<std::int64_t>(v));
      else out += fmt::format("{}", v);  // shortest text that reads back to the same double
    }
    out += '\n';
  }
  return out;
}

// ---- Gi* -----------------------------------------------------------------------------------

void GiStarOptions::declare(OptionSet& o) {
  selection.declare(o);
  weights.declare(o);
  o.choice("statistic", statistic, "Getis-Ord Gi* (self included), Gi (self excluded) or local Moran's I",
           {"gi_star", "gi", "local_moran"})
      .integer("permutations", permutations, "Conditional permutations for the pseudo p-values (0: analytical only)", 0,
               1000000)
      .integer("seed", seed, "Random seed of the permutations (0: TRYGGVE_SEED or the built-in default)", 0)
      .flag("fdr", fdr, "Classify on Benjamini-Hochberg false-discovery-rate adjusted p (the default)")
      .flag("no_fdr", no_fdr, "Classify on the unadjusted p")
      .choice("classify_by", classify_by, "Which p classifies: the permutation p (when permutations > 0) or the normal p of z",
              {"permutation", "analytical"});
}

LocalOptions GiStarOptions::local_options() const {
  LocalOptions l;
  l.permutations = static_cast<std::size_t>(permutations);
  l.seed = seed_of(seed);
  l.fdr = fdr && !no_fdr;
  l.classify_by = classify_by == "analytical" ? Significance::Analytical : Significance::Permutation;
  return l;
}

nlohmann::json GiStarRun::summary_json() const {
  nlohmann::json j;
  j["statistic"] = moran ? "local_moran" : (result.star ? "gi_star" : "gi");
  j["units"] = {{"kind", to_string(units.kind())}, {"count", units.size()}};
  j["weights"] = {{"nonzero", weights.nonzero_count()},
                  {"mean_cardinality", weights.mean_cardinality()},
                  {"isolates", weights.isolate_count()},
                  {"style", to_string(weights.style)}};
  j["incidents"] = selected.summary_json();
  j["permutations"] = result.permutations;
  j["seed"] = result.seed;
  j["classified_by"] = to_string(result.classified_by);
  j["fdr"] = result.fdr;
  std::map<std::string, std::size_t> classes;
  for (const auto& s : result.stats) ++classes[class_label(s, moran)];
  j["classes"] = classes;
  return j;
}

GiStarRun run_gistar(const HotspotIncidents& in, const GiStarOptions& opt) {
  check_inputs(in, "gistar");
  GiStarRun r;
  r.moran = opt.statistic == "local_moran";
  r.selected = select_incidents(in, opt.selection);
  r.units = make_units(in, opt.weights);
  r.values = unit_values(in, r.selected, r.units);
  const SelfWeight self = opt.statistic == "gi_star" ? SelfWeight::Include : SelfWeight::Exclude;
  r.weights = build_weights(*in.net, r.units, opt.weights.resolve(self));
  const LocalOptions lo = opt.local_options();
  r.result = r.moran ? local_moran(r.weights, r.values, lo) : gi_star(r.weights, r.values, lo);
  return r;
}

UnitTable gistar_table(const network::Network& net, const GiStarRun& run) {
  UnitTable t;
  t.name = run.moran ? "local_moran" : (run.result.star ? "gistar" : "gi");
  unit_columns(t, net, run.units, run.values);
  auto& stat = t.add(run.moran ? "moran_i" : "g", TableColumn::Type::Real);
  auto& z = t.add("z", TableColumn::Type::Real);
  auto& pn = t.add("p_norm", TableColumn::Type::Real);
  auto& ps = t.add("p_sim", TableColumn::Type::Real);
  auto& zs = t.add("z_sim", TableColumn::Type::Real);
  auto& pf = t.add("p_fdr", TableColumn::Type::Real);
  auto& conf = t.add("confidence", TableColumn::Type::Integer);
  auto& cls = t.add("class", TableColumn::Type::Text);
  for (const auto& s : run.result.stats) {
    stat.numbers.push_back(s.statistic);
    z.numbers.push_back(s.z);
    pn.numbers.push_back(s.p_norm);
    ps.numbers.push_back(s.p_sim);
    zs.numbers.push_back(s.z_sim);
    pf.numbers.push_back(s.p_fdr);
    conf.numbers.push_back(s.confidence);
    cls.texts.push_back(class_label(s, run.moran));
  }
  return t;
}

// ---- Emerging hot spots ------------------------------------------------------------------

void EmergingRunOptions::declare(OptionSet& o) {
  selection.declare(o);
  weights.declare(o);
  o.integer("time_lags", time_lags, "Months before each month in its neighbourhood (ArcGIS's neighbourhood time step)", 0, 120)
      .real("alpha", alpha, "A month is hot or cold when its p is at most this", 1e-9, 0.5)
      .real("trend_alpha", trend_alpha, "Mann-Kendall trend significance", 1e-9, 0.5)
      .integer("permutations", permutations, "Permutations per space-time cell (0: analytical p, as ArcGIS)", 0, 100000)
      .integer("seed", seed, "Random seed of the permutations (0: TRYGGVE_SEED or the built-in default)", 0)
      .flag("fdr", fdr, "Benjamini-Hochberg adjust the cells' p over the whole cube first");
}

nlohmann::json EmergingRun::summary_json() const {
  nlohmann::json j;
  j["units"] = {{"kind", to_string(units.kind())}, {"count", units.size()}};
  j["months"] = {{"first", month_label(cube.first_bin)},
                 {"last", month_label(cube.first_bin + static_cast<int>(cube.n_steps) - 1)},
                 {"count", cube.n_steps}};
  j["incidents"] = selected.summary_json();
  j["p_from"] = to_string(result.p_from);
  nlohmann::json classes = nlohmann::json::object();
  for (int c = 0; c < kEmergingClassCount; ++c)
    if (result.class_counts[c]) classes[std::string(to_string(static_cast<EmergingClass>(c)))] = result.class_counts[c];
  j["classes"] = classes;
  return j;
}

EmergingRun run_emerging(const HotspotIncidents& in, const EmergingRunOptions& opt) {
  check_inputs(in, "emerging");
  EmergingRun r;
  r.selected = select_incidents(in, opt.selection);
  // Every incident of a cube needs a month.
  std::vector<std::size_t> timed;
  std::vector<double> timed_w;
  int lo = INT32_MAX, hi = INT32_MIN;
  for (std::size_t k = 0; k < r.selected.index.size(); ++k) {
    const std::size_t i = r.selected.index[k];
    if (!in.has_time[i]) { ++r.selected.dropped_no_time; continue; }
    timed.push_back(i);
    timed_w.push_back(r.selected.weight[k]);
    const int m = month_index(in.times[i]);
    lo = std::min(lo, m);
    hi = std::max(hi, m);
  }
  r.selected.index = std::move(timed);
  r.selected.weight = std::move(timed_w);
  if (r.selected.index.empty()) throw Error(ErrorCode::NoData, in.source, "no selected incident has a time");
  auto month_of_day = [](std::int64_t day) {
    int y, m, d;
    civil_from_days(day, y, m, d);
    return month_index(y, m);
  };
  if (r.selected.first_day != INT64_MIN) lo = month_of_day(r.selected.first_day);
  if (r.selected.last_day != INT64_MAX) hi = month_of_day(r.selected.last_day);
  if (hi - lo + 1 < 3)
    throw Error(ErrorCode::NoData, in.source,
                fmt::format("emerging hot spots need at least 3 months, the data span {}", hi - lo + 1));
  r.units = make_units(in, opt.weights);
  r.cube.n_units = r.units.size();
  r.cube.first_bin = lo;
  r.cube.n_steps = static_cast<std::size_t>(hi - lo + 1);
  check_month_cube(static_cast<double>(r.cube.n_units), lo, hi, 3 * 8, in.source, "the emerging hot spots' space-time cube");
  r.cube.values.assign(r.cube.n_units * r.cube.n_steps, 0.0);
  for (std::size_t k = 0; k < r.selected.index.size(); ++k) {
    const std::size_t i = r.selected.index[k];
    const std::size_t t = static_cast<std::size_t>(month_index(in.times[i]) - lo);
    r.cube.values[t * r.cube.n_units + r.units.unit_at(in.positions[i])] += r.selected.weight[k];
  }
  r.weights = build_weights(*in.net, r.units, opt.weights.resolve(SelfWeight::Include));
  EmergingOptions eo;
  eo.time_lags = static_cast<std::size_t>(opt.time_lags);
  eo.alpha = opt.alpha;
  eo.trend_alpha = opt.trend_alpha;
  eo.permutations = static_cast<std::size_t>(opt.permutations);
  eo.seed = seed_of(opt.seed);
  eo.fdr = opt.fdr;
  r.alpha = opt.alpha;
  r.result = emerging_hotspots(r.weights, r.cube, eo);
  return r;
}

UnitTable emerging_table(const network::Network& net, const EmergingRun& run) {
  UnitTable t;
  t.name = "emerging";
  std::vector<double> totals(run.units.size(), 0.0);
  for (std::size_t s = 0; s < run.cube.n_steps; ++s)
    for (std::size_t i = 0; i < run.units.size(); ++i) totals[i] += run.cube.at(i, s);
  unit_columns(t, net, run.units, totals);
  auto& cls = t.add("class", TableColumn::Type::Text);
  auto& tau = t.add("trend_tau", TableColumn::Type::Real);
  auto& tp = t.add("trend_p", TableColumn::Type::Real);
  auto& tz = t.add("trend_z", TableColumn::Type::Real);
  auto& hot = t.add("hot_months", TableColumn::Type::Integer);
  auto& cold = t.add("cold_months", TableColumn::Type::Integer);
  auto& months = t.add("months", TableColumn::Type::Integer);
  auto& lz = t.add("last_z", TableColumn::Type::Real);
  auto& lp = t.add("last_p", TableColumn::Type::Real);
  for (const auto& loc : run.result.locations) {
    std::size_t h = 0, c = 0;
    for (std::size_t s = 0; s < loc.z.size(); ++s)
      if (loc.p[s] <= run.alpha) { h += loc.z[s] > 0; c += loc.z[s] < 0; }
    cls.texts.emplace_back(to_string(loc.cls));
    tau.numbers.push_back(loc.trend.tau);
    tp.numbers.push_back(loc.trend.p);
    tz.numbers.push_back(loc.trend.z);
    months.numbers.push_back(static_cast<double>(loc.z.size()));
    lz.numbers.push_back(loc.z.empty() ? NAN : loc.z.back());
    lp.numbers.push_back(loc.p.empty() ? NAN : loc.p.back());
    hot.numbers.push_back(static_cast<double>(h));
    cold.numbers.push_back(static_cast<double>(c));
  }
  return t;
}

// ---- Knox ---------------------------------------------------------------------------------

void KnoxRunOptions::declare(OptionSet& o) {
  selection.declare(o);
  o.list("space_bands_m", space_bands_m, "Upper edges of the distance bands, ascending (CRS units)")
      .list("time_bands_days", time_bands_days, "Upper edges of the time bands in days, ascending")
      .choice("method", method,
              "Expected pairs and p-values from Monte-Carlo permutations of the event times, or from the exact mean "
              "and variance over all permutations (moments: one pass over the pairs, for large sets)",
              {"permutation", "moments"})
      .integer("permutations", permutations, "Monte-Carlo permutations of the event times (method permutation)", 1,
               1000000)
      .integer("seed", seed, "Random seed of the permutations (0: TRYGGVE_SEED or the built-in default)", 0)
      .choice("distance", distance, "Distance between events: along the network or straight-line", {"network", "euclidean"})
      .real("near_m", near_m, "Pooled near-repeat test: pairs within this distance (CRS units; 0: the first band)", 0.0, 1e7)
      .real("near_days", near_days, "Pooled near-repeat test: and within this many days (0: the first band)", 0.0, 1e5);
}

nlohmann::json KnoxRun::summary_json() const {
  const KnoxResult& k = result;
  nlohmann::json j;
  j["distance"] = distance;
  j["events"] = k.events;
  j["close_pairs"] = k.close_pairs;
  j["method"] = knox_method_name(k.method);
  j["permutations"] = k.permutations;
  j["first_cell_ratio"] = k.first_cell_ratio();
  j["first_cell_p"] = k.p_value.empty() ? NAN : k.p_value[0];
  j["space_bands_m"] = k.space_bands_m;
  j["time_bands_days"] = k.time_bands_days;
  j["observed"] = k.observed;
  j["expected"] = k.expected;
  j["ratio"] = k.ratio;
  j["p_value"] = k.p_value;
  j["near"] = {{"within_m", k.space_bands_m[k.near_space_bands - 1]},
               {"within_days", k.time_bands_days[k.near_time_bands - 1]},
               {"observed", k.near_observed},
               {"expected", k.near_expected},
               {"ratio", k.near_expected > 0 ? k.near_observed / k.near_expected : NAN},
               {"p_value", k.near_p_value}};
  j["incidents"] = selected.summary_json();
  return j;
}

KnoxRun run_knox(const HotspotIncidents& in, const KnoxRunOptions& opt) {
  check_inputs(in, "knox");
  KnoxRun r;
  r.distance = opt.distance;
  r.selected = select_incidents(in, opt.selection);
  auto bands = [](const std::vector<std::string>& texts, const char* key) {
    std::vector<double> v;
    for (const auto& s : texts) {
      double x = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
      if (ec != std::errc() || p != s.data() + s.size() || !(x > 0))
        throw Error(ErrorCode::BadOption, key, fmt::format("'{}' is not a positive number", s));
      if (!v.empty() && !(x > v.back()))
        throw Error(ErrorCode::BadOption, key, fmt::format("band edges must ascend: {} after {}", x, v.back()));
      v.push_back(x);
    }
    if (v.empty()) throw Error(ErrorCode::BadOption, key, "needs at least one band");
    return v;
  };
  KnoxOptions ko;
  ko.space_bands_m = bands(opt.space_bands_m, "space_bands_m");
  ko.time_bands_days = bands(opt.time_bands_days, "time_bands_days");
  ko.method = knox_method_named(opt.method);
  ko.permutations = static_cast<std::size_t>(opt.permutations);
  ko.seed = seed_of(opt.seed);
  ko.near_m = opt.near_m;
  ko.near_days = opt.near_days;
  std::vector<network::NetworkPosition> pos;
  std::vector<double> days;
  std::vector<std::size_t> kept;
  for (std::size_t i : r.selected.index) {
    if (!in.has_time[i]) { ++r.selected.dropped_no_time; continue; }
    kept.push_back(i);
    pos.push_back(in.positions[i]);
    days.push_back(static_cast<double>(in.times[i].utc_seconds) / 86400.0);
  }
  r.selected.index = kept;
  r.selected.weight.assign(kept.size(), 1.0);  // Knox counts pairs of events, not weights
  if (kept.size() < 2) throw Error(ErrorCode::NoData, in.source, "Knox test needs at least 2 events with a time");
  if (opt.distance == "euclidean") {
    std::vector<Point> pts;
    for (const auto& p : pos) pts.push_back(in.net->point_at(p.edge, p.offset));
    r.result = knox_euclidean(pts, days, ko);
  } else {
    r.result = knox_network(*in.net, pos, days, ko);
  }
  return r;
}

UnitTable knox_table(const KnoxRun& run) {
  const KnoxResult& k = run.result;
  UnitTable t;
  t.name = "knox";
  auto& sb = t.add("space_band", TableColumn::Type::Integer);
  auto& s0 = t.add("space_from_m", TableColumn::Type::Real);
  auto& s1 = t.add("space_to_m", TableColumn::Type::Real);
  auto& tb = t.add("time_band", TableColumn::Type::Integer);
  auto& t0 = t.add("time_from_days", TableColumn::Type::Real);
  auto& t1 = t.add("time_to_days", TableColumn::Type::Real);
  auto& ob = t.add("observed", TableColumn::Type::Real);
  auto& ex = t.add("expected", TableColumn::Type::Real);
  auto& ra = t.add("ratio", TableColumn::Type::Real);
  auto& pv = t.add("p_value", TableColumn::Type::Real);
  for (std::size_t s = 0; s < k.space_bands_m.size(); ++s)
    for (std::size_t u = 0; u < k.time_bands_days.size(); ++u) {
      sb.numbers.push_back(static_cast<double>(s));
      s0.numbers.push_back(s ? k.space_bands_m[s - 1] : 0.0);
      s1.numbers.push_back(k.space_bands_m[s]);
      tb.numbers.push_back(static_cast<double>(u));
      t0.numbers.push_back(u ? k.time_bands_days[u - 1] : 0.0);
      t1.numbers.push_back(k.time_bands_days[u]);
      ob.numbers.push_back(k.at(k.observed, s, u));
      ex.numbers.push_back(k.at(k.expected, s, u));
      ra.numbers.push_back(k.at(k.ratio, s, u));
      pv.numbers.push_back(k.at(k.p_value, s, u));
    }
  return t;
}

}  // namespace tryggve::hotspot
