#include "tryggve/workspace/month.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/core/month.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/core/version.hpp"
#include "tryggve/io/database.hpp"
#include "tryggve/pipeline/evidence_file.hpp"
#include "tryggve/pipeline/hotspots_stage.hpp"
#include "tryggve/pipeline/plan_stage.hpp"
#include "tryggve/privacy/privacy.hpp"
#include "tryggve/report/month_report.hpp"
#include "tryggve/scenario/run.hpp"
#include "tryggve/simulation/followup.hpp"
#include "tryggve/workspace/deploy.hpp"
#include "tryggve/workspace/model_fits.hpp"

namespace fs = std::filesystem;

namespace tryggve::workspace {

using io::Database;
using io::FieldValue;
using nlohmann::json;

void MonthOptions::declare(OptionSet& o) {
  o.choice("lang", lang, "Language of the report and the place descriptions", {"sv", "en"});
  o.text("out", out, "Month folder (default: month-YYYY-MM next to a .gpkg workspace, else in the current folder)");
  o.text("evidence", evidence, "Evidence table CSV (default: the shipped engine/data/evidence.csv)");
  o.real("officer_hours_per_week", officer_hours_per_week, "Police hours a week for next month's watch list", 0.0, 10000.0);
  o.real("sek_per_officer_hour", sek_per_officer_hour, "Cost of one police hour (SEK) for the proposal's cost", 0.0, 1e6);
  o.integer("lighting_projects", lighting_projects, "Lighting projects proposed (the best N by prevented per SEK)", 0, 1000);
  o.integer("patrol_backtest_months", patrol_backtest_months, "Months the watch list is backtested on (0: none)", 0, 36);
  o.integer("followup_pre_months", followup_pre_months, "History before a deployment its counterfactual is fitted on (months, at most)", 6, 120);
  o.integer("target_draws", target_draws, "Monte Carlo draws for the probability of meeting each target", 100, 1000000);
  o.flag("no_report", no_report, "Do not write report.html / report.pdf");
  o.choice("audience", audience, "Who reads the month folder: internal (analysts) or public (aggregates only, counts below --min-count suppressed)",
           {"internal", "public"});
  o.integer("min_count", min_count, "Public audience: counts below this are shown as <k", 2, 1000);
}

std::pair<std::int64_t, std::int64_t> month_bounds(const std::string& label, const TimeZone& zone, const std::string& what) {
  const auto idx = parse_month_label(label);
  if (!idx || *idx < month_index(1970, 1) || *idx > month_index(2200, 12))
    throw Error(ErrorCode::BadOption, what, fmt::format("expected a month YYYY-MM, got '{}'", label));
  const YearMonth first = year_month(*idx), next = year_month(*idx + 1);
  return {zone.from_local(first.year, first.month, 1, 0, 0, 0).utc_seconds,
          zone.from_local(next.year, next.month, 1, 0, 0, 0).utc_seconds};
}

pipeline::MapResult load_map(Workspace& ws, std::optional<std::int64_t> before_utc, double lixel_length_m) {
  pipeline::MapResult m;
  m.crs = ws.crs();
  m.timezone = ws.timezone_name().empty() ? "Europe/Stockholm" : ws.timezone_name();
  const std::string tax = ws.meta("taxonomy");
  m.taxonomy = !tax.empty() && fs::exists(tax) ? Taxonomy::load(tax) : Taxonomy::load_default();
  m.net = ws.load_network();
  m.lixels = network::Lixelization(m.net, lixel_length_m);
  m.parks = ws.load_polygons("parks");
  m.areas = ws.load_polygons("areas");
  m.stops = ws.load_points("stops");
  m.places = ws.load_points("places");
  for (const auto& r : ws.db().read("lamps", {"source_id", "kind"})) {
    PointFeature p;
    p.source_id = r.integer(0).value_or(0);
    p.kind = r.text(1);
    if (const auto* pt = std::get_if<Point>(&r.geometry)) p.pos = *pt;
    m.lamps.push_back(std::move(p));
  }
  m.incidents_file = ws.db().name();
  const std::string where = before_utc ? fmt::format("time_utc < {}", *before_utc) : std::string();
  const auto rows = ws.db().read("incidents", {"edge_id", "offset_m", "time_utc", "parameter", "setting", "park_id", "stop_id",
                                               "area_id", "n_actors", "actors", "text", "place_type", "line",
                                               "transit_mode", "transit_from", "transit_to", "transit_stop",
                                               "transit_stop_id", "stretch_m", "uncertain"},
                                 where);
  // Public transport: the places intake found on the workspace's feed, so the
  // situation picture has its on-board, per-line and per-stop units as a run's has.
  m.transit_system = ws.load_transit();
  const auto& zone = ws.zone();
  for (const auto& r : rows) {
    const auto edge = r.integer(0);
    const auto t = r.integer(2);
    const auto p = m.taxonomy.find(r.text(3));
    if (!edge || *edge < 0 || static_cast<std::size_t>(*edge) >= m.net.edge_count() || !t || !p)
      throw Error(ErrorCode::BadWorkspace, ws.db().name(),
                  fmt::format("incidents row {}: no edge, time or known parameter ('{}')", r.fid, r.text(3)));
    Incident in;
    in.id = r.fid;
    in.source_row = r.fid;
    in.time = zone.at_utc(*t);
    in.has_time = true;
    in.parameter = *p;
    const std::string s = r.text(4);
    in.setting = s == "outdoor" ? Setting::Outdoor : s == "indoor" ? Setting::Indoor : Setting::Unknown;
    in.actor = r.text(9);
    in.text = r.text(10);
    snap::SnapResult sr;
    sr.edge = static_cast<network::EdgeId>(*edge);
    sr.offset = std::clamp(r.real(1).value_or(0.0), 0.0, m.net.edge(sr.edge).length);
    sr.distance = 0.0;
    sr.point = m.net.point_at(sr.edge, sr.offset);
    in.pos = std::get_if<Point>(&r.geometry) ? *std::get_if<Point>(&r.geometry) : sr.point;
    snap::PlaceTag tag;
    if (auto v = r.integer(5)) tag.park = static_cast<std::uint32_t>(*v), tag.park_distance = 0.0;
    if (auto v = r.integer(6)) tag.stop = static_cast<std::uint32_t>(*v), tag.stop_distance = 0.0;
    if (auto v = r.integer(7)) tag.area = static_cast<std::uint32_t>(*v);
    if (const auto kind = transit::parse_place_kind(r.text(11)); kind != transit::PlaceKind::None) {
      if (m.transit.size() < m.incidents.size()) m.transit.resize(m.incidents.size());
      transit::TransitPlace tp;
      tp.kind = kind;
      tp.pos = in.pos;
      tp.line = r.text(12);
      tp.mode = r.text(13);
      tp.from_stop = r.text(14);
      tp.to_stop = r.text(15);
      tp.station_name = r.text(16);
      tp.station_id = r.text(17);
      tp.stretch_m = r.real(18).value_or(0.0);
      tp.uncertain = r.integer(19).value_or(0) != 0;
      if (kind == transit::PlaceKind::Stop && tp.station_id.empty()) tp.station_id = tp.station_name;
      m.transit.push_back(std::move(tp));
    } else if (!m.transit.empty()) {
      m.transit.emplace_back();
    }
    m.lixel_of.push_back(m.lixels.lixel_at(sr.edge, sr.offset));
    m.incidents.push_back(std::move(in));
    m.snaps.push_back(sr);
    m.tags.push_back(tag);
  }
  m.incidents_read = m.incidents.size();
  return m;
}

namespace {

bool is_path(const std::string& highway) {
  return highway == "footway" || highway == "path" || highway == "cycleway" || highway == "pedestrian" || highway == "steps";
}

Point edge_mid(const network::Network& net, network::EdgeId e) {
  return net.point_at(e, net.edge(e).length / 2);
}

}  // namespace

std::string describe_edge(const pipeline::MapResult& map, std::uint32_t edge, const std::string& lang) {
  const bool sv = lang != "en";
  const auto& e = map.net.edge(edge);
  if (!e.name.empty()) return e.name;
  const Point mid = edge_mid(map.net, edge);
  std::string best;
  double best_d = std::numeric_limits<double>::infinity();
  auto consider = [&](const std::string& name, double d) {
    if (!name.empty() && d < best_d) best = name, best_d = d;
  };
  for (const auto& p : map.places) consider(p.name, distance(p.pos, mid));
  for (const auto& s : map.stops) consider(s.name, distance(s.pos, mid));
  for (const auto& p : map.parks) {
    double d = std::numeric_limits<double>::infinity();
    for (const auto& poly : p.geometry)
      for (const auto& q : poly.outer) d = std::min(d, distance(q, mid));
    consider(p.name, d);
  }
  // Named streets count from their nearest point, so a long street is found at its side.
  for (network::EdgeId k = 0; k < map.net.edge_count(); ++k) {
    const auto& o = map.net.edge(k);
    if (o.name.empty()) continue;
    double d = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i + 1 < o.geometry.size(); ++i)
      d = std::min(d, distance(mid, closest_on_segment(mid, o.geometry[i], o.geometry[i + 1])));
    consider(o.name, d);
  }
  const std::string kind = is_path(e.highway) ? (sv ? "gångvägen" : "the path") : (sv ? "gatan" : "the street");
  if (best.empty()) return fmt::format(fmt::runtime(sv ? "{} (utan namn)" : "{} (no name)"), kind);
  return fmt::format(fmt::runtime(sv ? "{} vid {}" : "{} by {}"), kind, best);
}

namespace {

// A small map of the streets around a place for the report: lines in the
// workspace's CRS within radius_m of the centre, the place's own edges marked.
json small_map(const pipeline::MapResult& map, const std::vector<network::EdgeId>& edges, double radius_m = 250.0) {
  if (edges.empty()) return json();
  double cx = 0, cy = 0;
  for (auto e : edges) {
    const Point p = edge_mid(map.net, e);
    cx += p.x, cy += p.y;
  }
  cx /= edges.size(), cy /= edges.size();
  double r = radius_m;
  for (auto e : edges) r = std::max(r, distance(edge_mid(map.net, e), {cx, cy}) + 80.0);
  json lines = json::array(), marked = json::array(), labels = json::array();
  std::vector<char> mark(map.net.edge_count(), 0);
  for (auto e : edges) mark[e] = 1;
  std::map<std::string, std::pair<double, Point>> names;
  for (network::EdgeId k = 0; k < map.net.edge_count(); ++k) {
    const auto& g = map.net.edge(k).geometry;
    bool near = false;
    for (const auto& q : g) near |= std::abs(q.x - cx) < r && std::abs(q.y - cy) < r;
    if (!near) continue;
    json l = json::array();
    for (const auto& q : g) l.push_back({std::round((q.x - cx) * 10) / 10, std::round((q.y - cy) * 10) / 10});
    (mark[k] ? marked : lines).push_back(std::move(l));
    const auto& nm = map.net.edge(k).name;
    if (!nm.empty()) {
      auto& slot = names[nm];
      if (map.net.edge(k).length > slot.first) slot = {map.net.edge(k).length, edge_mid(map.net, k)};
    }
  }
  for (const auto& [nm, v] : names)
    if (std::abs(v.second.x - cx) < r * 0.9 && std::abs(v.second.y - cy) < r * 0.9)
      labels.push_back({{"text", nm}, {"x", std::round(v.second.x - cx)}, {"y", std::round(v.second.y - cy)}});
  for (const auto& s : map.stops)
    if (std::abs(s.pos.x - cx) < r && std::abs(s.pos.y - cy) < r && !s.name.empty())
      labels.push_back({{"text", s.name}, {"x", std::round(s.pos.x - cx)}, {"y", std::round(s.pos.y - cy)}, {"stop", true}});
  return {{"radius_m", std::round(r)}, {"lines", lines}, {"marked", marked}, {"labels", labels}};
}

FieldValue num(double v) { return std::isfinite(v) ? FieldValue(v) : FieldValue(); }
json jnum(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

std::string month_label_of(int idx) { return month_label(idx); }
int month_index_of(const std::string& label) { return parse_month(label, "month"); }

// Plain words for an interval on a relative risk: what a reader may say.
json verdict(double rr, double lo, double hi) {
  const std::string key = simulation::verdict_key(rr, lo, hi);
  if (key == "unknown") return {{"key", key}};
  return {{"key", key}, {"rr", rr}, {"low", lo}, {"high", hi}};
}

// Poisson log-linear trend fitted by IRLS on y_t (t = 0..n-1): log mu = a + b t.
// Returns a, b and their covariance (the inverse Fisher information).
struct Trend {
  double a = 0, b = 0, vaa = 0, vab = 0, vbb = 0;
  bool ok = false;
};
Trend poisson_trend(const std::vector<double>& y) {
  Trend T;
  const std::size_t n = y.size();
  double sum = 0;
  for (double v : y) sum += v;
  if (n < 3 || sum <= 0) {
    T.a = std::log(std::max(sum / std::max<std::size_t>(n, 1), 0.1));
    T.vaa = 1.0 / std::max(sum, 1.0);
    return T;
  }
  T.a = std::log(sum / n);
  for (int it = 0; it < 50; ++it) {
    double s00 = 0, s01 = 0, s11 = 0, g0 = 0, g1 = 0;
    for (std::size_t t = 0; t < n; ++t) {
      const double mu = std::exp(T.a + T.b * t);
      s00 += mu, s01 += mu * t, s11 += mu * t * t;
      g0 += y[t] - mu, g1 += (y[t] - mu) * t;
    }
    const double det = s00 * s11 - s01 * s01;
    if (!(det > 0)) break;
    const double da = (s11 * g0 - s01 * g1) / det, db = (-s01 * g0 + s00 * g1) / det;
    T.a += da, T.b += db;
    T.vaa = s11 / det, T.vab = -s01 / det, T.vbb = s00 / det;
    if (std::abs(da) + std::abs(db) < 1e-10) break;
  }
  // Over-dispersion: scale the covariance by the Pearson dispersion (>= 1).
  double chi = 0;
  for (std::size_t t = 0; t < n; ++t) {
    const double mu = std::exp(T.a + T.b * t);
    chi += (y[t] - mu) * (y[t] - mu) / mu;
  }
  const double phi = std::max(1.0, chi / static_cast<double>(n - 2));
  T.vaa *= phi, T.vab *= phi, T.vbb *= phi;
  T.ok = true;
  return T;
}

// The same district and incidents on longer lixels (the follow-up's cells).
void coarser(pipeline::MapResult& out, const pipeline::MapResult& map, double lixel_m) {
  static_cast<snap::MapData&>(out) = static_cast<const snap::MapData&>(map);
  out.crs = map.crs;
  out.timezone = map.timezone;
  out.lixels = network::Lixelization(out.net, lixel_m);
  for (std::size_t k = 0; k < out.incidents.size(); ++k)
    out.lixel_of[k] = out.lixels.lixel_at(out.snaps[k].edge, out.snaps[k].offset);
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
  return o + "\"";
}
std::string csv_num(double v, int digits = 3) { return std::isfinite(v) ? fmt::format("{:.{}f}", v, digits) : ""; }

}  // namespace

std::string MonthResult::summary() const {
  std::string s = fmt::format(
      "{}: {} incidents up to the month; {} assessment rows, {} changes, {} proposals, {} follow-ups, {} targets -> {}\n",
      month, incidents, assessments, changes, proposals, followups, targets, folder.string());
  s += fmt::format("  model fits: {} made, {} remembered (workspace model_fits)\n", fits, fits_remembered);
  for (const auto& n : notes) s += "  note: " + n + "\n";
  return s;
}

MonthResult run_month(Workspace& ws, const MonthOptions& o) {
  MonthResult R;
  R.month = o.month;
  const TimeZone& zone = ws.zone();
  const auto [m_start, m_end] = month_bounds(o.month, zone, "month");
  const int M = month_index_of(o.month);
  const std::string next = month_label_of(M + 1), prev = month_label_of(M - 1);
  const std::uint64_t seed = o.seed ? o.seed : default_seed();
  const bool sv = o.lang != "en";
  const bool is_public = privacy::parse_audience(o.audience) == privacy::Audience::Public;

  pipeline::MapResult map = load_map(ws, m_end);
  R.incidents = map.incidents.size();
  if (map.incidents.empty())
    throw Error(ErrorCode::NoData, ws.db().name(), fmt::format("no incidents up to the end of {}: take reports in first", o.month));
  std::size_t in_month = 0;
  for (const auto& i : map.incidents) in_month += i.time.utc_seconds >= m_start;
  if (in_month == 0)
    throw Error(ErrorCode::NoData, ws.db().name(),
                fmt::format("no incidents in {} (the latest taken in is {}): take the month's reports in first", o.month,
                            month_label(month_index(std::max_element(map.incidents.begin(), map.incidents.end(),
                                                                     [](auto& a, auto& b) { return a.time < b.time; })->time))));

  fs::path dir = o.out.empty() ? (ws.db().backend() == io::DbBackend::GeoPackage
                                      ? fs::absolute(ws.db().name()).parent_path() / ("month-" + o.month)
                                      : fs::current_path() / ("month-" + o.month))
                               : fs::absolute(o.out);
  fs::create_directories(dir.parent_path());
  // Public: the internal folder is only a scratch copy the public one is made from,
  // never committed (its destructor removes it).
  AtomicFolder folder(is_public ? dir.parent_path() / (dir.filename().string() + ".internal") : dir);
  const pipeline::RunFolder rf(folder.temp_path(), o.lang);
  const std::string now = now_iso(zone);
  // Every fit of the month goes through the workspace's remembered fits: the same
  // windows come back month after month (simulation/fit_cache.hpp).
  const auto fit_cache = std::make_shared<WorkspaceFitCache>(ws.db());

  // ---- The situation picture and what changed ------------------------------
  pipeline::HotspotStageOptions ho;
  ho.no_backtest = true;
  ho.permutations = 99;
  ho.seed = static_cast<std::int64_t>(seed & 0x7FFFFFFFFFFFLL);
  auto hs = pipeline::run_hotspots(map, ho);
  pipeline::write_hotspots(rf, map, hs);
  const auto& S = hs.situation;
  const auto mit = std::find(S.months.begin(), S.months.end(), M);
  if (mit == S.months.end()) throw Error(ErrorCode::Internal, "month", "the situation picture lacks " + o.month);
  const std::size_t mi = static_cast<std::size_t>(mit - S.months.begin());
  std::vector<std::vector<FieldValue>> assessment_rows;
  json picture = json::array(), changes = json::array();
  for (std::size_t u = 0; u < S.units.size(); ++u) {
    const auto& unit = S.units[u];
    for (std::size_t p = 0; p < S.parameters.size(); ++p) {
      const auto& c = S.at(mi, u, p);
      const auto& par = S.parameters[p];
      const std::int64_t unit_id = unit.kind == "area" ? static_cast<std::int64_t>(unit.area_index) : -1;
      assessment_rows.push_back({o.month, unit.kind, unit_id < 0 ? FieldValue() : FieldValue(unit_id),
                                 sv ? unit.name : (unit.name_en.empty() ? unit.name : unit.name_en), par.code,
                                 static_cast<std::int64_t>(std::llround(c.count)), FieldValue(), FieldValue(), c.score,
                                 num(c.rate_per_km), num(c.rate_per_1000), num(c.change_prev), num(c.change_prev_pct),
                                 num(c.change_year), num(c.change_year_pct), static_cast<std::int64_t>(c.level),
                                 std::string(situation::to_string(c.trend)), std::int64_t{0}, now, dir.string()});
      if (c.count > 0 || c.level > 0)
        picture.push_back({{"unit_type", unit.kind}, {"unit", unit.name}, {"unit_en", unit.name_en.empty() ? unit.name : unit.name_en},
                           {"parameter", par.code}, {"parameter_sv", par.name_sv}, {"parameter_en", par.name_en},
                           {"count", c.count}, {"score", c.score}, {"prev", jnum(c.prev_count)},
                           {"year_ago", jnum(c.year_ago_count)}, {"change_prev_pct", jnum(c.change_prev_pct)},
                           {"level", c.level}, {"trend", std::string(situation::to_string(c.trend))},
                           {"level_label", std::string(sv ? situation::level_label_sv(c.level) : situation::level_label_en(c.level))},
                           {"trend_label", std::string(sv ? situation::label_sv(c.trend) : situation::label_en(c.trend))}});
      // Places crossing a level: both months judged, the level moved.
      if (mi > 0) {
        const auto& pc = S.at(mi - 1, u, p);
        // Only what a reader should look at: two steps or more, into or out of 4-5, on counts that mean something.
        if (c.level > 0 && pc.level > 0 && std::abs(c.level - pc.level) >= 2 && (c.level >= 4 || pc.level >= 4) &&
            std::max(c.count, pc.count) >= 5)
          changes.push_back({{"kind", c.level > pc.level ? "level_up" : "level_down"}, {"unit_type", unit.kind},
                             {"unit", unit.name}, {"unit_en", unit.name_en.empty() ? unit.name : unit.name_en},
                             {"parameter", par.code}, {"parameter_sv", par.name_sv}, {"parameter_en", par.name_en},
                             {"from_level", pc.level}, {"to_level", c.level}, {"count", c.count}, {"prev", pc.count},
                             {"from_label", std::string(sv ? situation::level_label_sv(pc.level) : situation::level_label_en(pc.level))},
                             {"to_label", std::string(sv ? situation::level_label_sv(c.level) : situation::level_label_en(c.level))}});
      }
    }
  }
  // New and intensifying hot spots on the streets (emerging classes, the latest month last).
  if (hs.emerging_ok) {
    std::vector<std::pair<double, json>> hot;
    for (std::size_t s = 0; s < hs.emerging.locations.size(); ++s) {
      const auto cls = hs.emerging.locations[s].cls;
      if (cls != hotspot::EmergingClass::NewHot && cls != hotspot::EmergingClass::IntensifyingHot &&
          cls != hotspot::EmergingClass::ConsecutiveHot)
        continue;
      const auto e = static_cast<network::EdgeId>(s);
      const double z = hs.emerging.locations[s].z.empty() ? 0.0 : hs.emerging.locations[s].z.back();
      hot.push_back({z, {{"kind", std::string(hotspot::to_string(cls))}, {"edge", e}, {"place", describe_edge(map, e, o.lang)},
                         {"z", z}, {"map", small_map(map, {e})}}});
    }
    std::sort(hot.begin(), hot.end(), [](auto& a, auto& b) { return a.first > b.first; });
    for (std::size_t k = 0; k < hot.size() && k < 15; ++k) changes.push_back(std::move(hot[k].second));
  }
  R.changes = changes.size();
  {
    std::string csv = "kind,unit_type,unit,parameter,from_level,to_level,count,previous,place,edge\n";
    for (const auto& c : changes)
      csv += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", c["kind"].get<std::string>(), c.value("unit_type", ""),
                         csv_field(c.value("unit", "")), c.value("parameter", ""),
                         c.contains("from_level") ? std::to_string(c["from_level"].get<int>()) : "",
                         c.contains("to_level") ? std::to_string(c["to_level"].get<int>()) : "",
                         c.contains("count") ? csv_num(c["count"].get<double>(), 0) : "",
                         c.contains("prev") ? csv_num(c["prev"].get<double>(), 0) : "", csv_field(c.value("place", "")),
                         c.contains("edge") ? std::to_string(c["edge"].get<std::int64_t>()) : "");
    write_text_atomically(rf.file("changes.csv"), csv);
    write_text_atomically(rf.file("changes.json"), changes.dump(1));
  }

  // ---- Next month's proposal -------------------------------------------------
  pipeline::PlanStageOptions po;
  po.context.forecast_month = next;
  po.context.timezone = map.timezone;
  po.evidence = o.evidence;
  po.patrol.officer_hours_per_week = o.officer_hours_per_week;
  po.lighting.top = o.lighting_projects;
  po.patrol.backtest_months = o.patrol_backtest_months;
  po.context.fit_cache = fit_cache;
  po.check();
  const auto plan = pipeline::run_plan(map, po);
  pipeline::write_plan(rf, map, plan, po);
  struct ProposalRow {
    std::vector<FieldValue> values;
    io::Geometry geom;
  };
  std::vector<ProposalRow> proposals;
  json proposal = {{"month", next}, {"patrol", json::array()}, {"lighting", json::array()}, {"routes", json::array()}};
  auto edge_line = [&](const std::vector<network::EdgeId>& edges) {
    Polyline l;
    for (auto e : edges)
      for (const auto& q : map.net.edge(e).geometry) l.push_back(q);
    return l;
  };
  auto edges_of_cells = [&](const std::vector<simulation::CellId>& cells, const simulation::CellNetwork& cn) {
    std::vector<network::EdgeId> v;
    for (auto c : cells) v.push_back(cn.cell(c).edge);
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  };
  auto edge_list = [](const std::vector<network::EdgeId>& v) {
    std::string s;
    for (auto e : v) s += (s.empty() ? "" : " ") + std::to_string(e);
    return s;
  };
  const double weeks = 30.44 / 7.0;
  if (plan.plans.patrol) {
    const auto& P = *plan.plans.patrol;
    for (const auto& it : P.items) {
      const std::vector<network::EdgeId> edges = {it.place.edge};
      const double cost = it.officer_hours_per_week * weeks * o.sek_per_officer_hour;
      // The plan's interval is for the whole list; each place carries its share of it.
      const double share = it.marginal_harm_prevented / std::max(P.harm_prevented.mean, 1e-9);
      const double prevented = P.incidents_prevented.mean * share, lo = P.incidents_prevented.low * share,
                   hi = P.incidents_prevented.high * share;
      const std::string place = describe_edge(map, it.place.edge, o.lang);
      json d = {{"street", it.street}, {"visits_per_week", it.visits_per_week}, {"officer_hours_per_week", it.officer_hours_per_week},
                {"forecast_incidents", it.forecast_incidents}};
      proposals.push_back({{next, o.month, "patrol", static_cast<std::int64_t>(it.rank), edge_list(edges), place,
                            po.patrol.windows, static_cast<double>(it.visits_per_week), "visits_per_week", cost, prevented, lo,
                            hi, "proposed", FieldValue(), d.dump(), now},
                           edge_line(edges)});
      proposal["patrol"].push_back({{"rank", it.rank}, {"place", place}, {"edges", edges}, {"visits_per_week", it.visits_per_week},
                                    {"officer_hours_per_week", it.officer_hours_per_week}, {"cost_sek", cost},
                                    {"forecast_incidents", it.forecast_incidents}, {"prevented", prevented},
                                    {"prevented_lo", lo}, {"prevented_hi", hi}, {"windows", po.patrol.windows},
                                    {"map", small_map(map, edges)}});
    }
    proposal["patrol_total"] = {{"officer_hours_per_week", P.officer_hours_used},
                                {"prevented", P.incidents_prevented.mean}, {"prevented_lo", P.incidents_prevented.low},
                                {"prevented_hi", P.incidents_prevented.high},
                                {"cost_sek", P.officer_hours_used * weeks * o.sek_per_officer_hour}};
  }
  if (plan.plans.lighting) {
    const auto& L = *plan.plans.lighting;
    const auto& cn = plan.context->cells();
    int n = 0;
    for (const auto& pr : L.projects) {
      if (n++ >= o.lighting_projects) break;
      const auto edges = edges_of_cells(pr.cells, cn);
      // The planner names parks and named streets; an unnamed path gets the nearest name.
      const bool unnamed = pr.name.empty() || pr.name.find("(unnamed)") != std::string::npos;
      std::string place = unnamed && !edges.empty() ? describe_edge(map, edges.front(), o.lang) : pr.name;
      json d = {{"kind", pr.kind}, {"length_m", pr.length_m}, {"per_year", true},
                {"prevented_per_100k_sek", pr.prevented_per_100k_sek.mean}};
      proposals.push_back({{next, o.month, "lighting", static_cast<std::int64_t>(pr.rank), edge_list(edges), place,
                            std::string("dark"), static_cast<double>(pr.lamps), "lamps", pr.cost_sek,
                            pr.prevented_per_year.mean, pr.prevented_per_year.low, pr.prevented_per_year.high, "proposed",
                            FieldValue(), d.dump(), now},
                           edge_line(edges)});
      proposal["lighting"].push_back({{"rank", pr.rank}, {"place", place}, {"kind", pr.kind}, {"lamps", pr.lamps},
                                      {"length_m", pr.length_m}, {"cost_sek", pr.cost_sek},
                                      {"prevented_per_year", pr.prevented_per_year.mean},
                                      {"prevented_lo", pr.prevented_per_year.low}, {"prevented_hi", pr.prevented_per_year.high},
                                      {"edges", edges}, {"map", small_map(map, edges)}});
    }
  }
  if (plan.plans.routes) {
    const auto& Rt = *plan.plans.routes;
    for (const auto& r : Rt.routes) {
      std::vector<network::EdgeId> uniq = r.edges;
      std::sort(uniq.begin(), uniq.end());
      uniq.erase(std::unique(uniq.begin(), uniq.end()), uniq.end());
      std::vector<std::string> streets;
      for (auto e : r.edges) {
        const std::string nm = describe_edge(map, e, o.lang);
        if (streets.empty() || streets.back() != nm)
          if (std::find(streets.begin(), streets.end(), nm) == streets.end()) streets.push_back(nm);
      }
      std::string via;
      for (std::size_t k = 0; k < streets.size() && k < 6; ++k) via += (k ? ", " : "") + streets[k];
      proposals.push_back({{next, o.month, "route", static_cast<std::int64_t>(r.walker + 1), edge_list(r.edges), via,
                            po.routes.windows, r.length_m, "m", 0.0, FieldValue(), FieldValue(), FieldValue(), "proposed",
                            FieldValue(), json({{"risk_share", r.risk_share}}).dump(), now},
                           edge_line(r.edges)});
      proposal["routes"].push_back({{"walker", r.walker + 1}, {"length_m", r.length_m}, {"risk_share", r.risk_share},
                                    {"via", via}, {"windows", po.routes.windows}, {"map", small_map(map, uniq, 400.0)}});
    }
  }
  R.proposals = proposals.size();

  // ---- Follow-up of every deployment so far ----------------------------------
  const auto deployments = load_deployments(ws);
  pipeline::MapResult fmap;  // the follow-up's coarser cells
  std::unique_ptr<simulation::CellNetwork> fcells;
  simulation::HourCalendar fcal;
  simulation::EventTable fevents;
  std::vector<simulation::ParameterTraits> traits;
  const auto evidence = pipeline::load_evidence_or_default(o.evidence);
  int first_month = M;
  for (const auto& i : map.incidents) first_month = std::min(first_month, month_index(i.time));
  json followups = json::array();
  std::vector<std::vector<FieldValue>> followup_rows;
  std::vector<std::pair<const StoredDeployment*, simulation::Intervention>> resolved;
  bool any = false;
  for (const auto& d : deployments) any |= d.start_utc < m_end;
  if (any) {
    coarser(fmap, map, o.followup_lixel_m);
    fcells = std::make_unique<simulation::CellNetwork>(fmap.net, fmap.lixels, o.followup_cutoff_m);
    const auto [y0, m0] = year_month(first_month);
    fcal = simulation::HourCalendar(simulation::local_months(zone, y0, m0, M - first_month + 1), zone, pipeline::study_place(map));
    for (const auto& p : map.taxonomy.parameters())
      traits.push_back({p.code, p.darkness_sensitive, p.setting == ParameterSetting::Indoor, p.weight});
    std::vector<simulation::ObservedEvent> obs;
    obs.reserve(map.incidents.size());
    for (std::size_t k = 0; k < map.incidents.size(); ++k)
      obs.push_back({{map.snaps[k].edge, map.snaps[k].offset}, map.incidents[k].time, map.incidents[k].parameter,
                     map.incidents[k].setting != Setting::Indoor});
    fevents = simulation::make_event_table(obs, *fcells, fcal, traits.size());
  }
  std::string fcsv =
      "deployment_id,name,type,start,end,phase,observed,expected,rr,rr_lo,rr_hi,did_rr,did_lo,did_hi,wdq,wdq_lo,wdq_hi,"
      "comparison_cells,verdict,note\n";
  for (const auto& d : deployments) {
    if (d.start_utc >= m_end) continue;
    json f = {{"deployment_id", d.id}, {"name", d.name}, {"type", d.type}, {"start", d.actual_start},
              {"end", d.actual_end}, {"cost_sek", d.cost_sek}, {"actor", d.actor}};
    std::vector<simulation::CellId> cells;
    simulation::Intervention iv = scenario::make_intervention(d.spec, fmap, *fcells, evidence, 10.0, &cells);
    const auto edges = edges_of_cells(cells, *fcells);
    f["place"] = edges.empty() ? std::string() : describe_edge(map, edges.front(), o.lang);
    f["map"] = small_map(map, edges);
    simulation::Deployment dep;
    dep.intervention = iv;
    dep.start_hours = fcal.to_hours(d.start_utc);
    dep.end_hours = fcal.to_hours(std::min(d.end_utc.value_or(m_end), m_end));
    const double months_before = (d.start_utc - fcal.period().start_utc) / (3600.0 * 24 * 30.44);
    simulation::FollowupOptions fo;
    fo.pre_months = std::min(o.followup_pre_months, static_cast<int>(std::floor(months_before)));
    fo.seed = seed;
    fo.fit.cache = fit_cache;
    std::string note;
    std::optional<simulation::FollowupResult> res;
    if (fo.pre_months < 6) {
      note = fmt::format("only {:.0f} months of history before it started: no counterfactual (6 needed)", std::max(0.0, months_before));
    } else {
      try {
        res = simulation::follow_up(fevents, *fcells, fcal, traits, evidence, dep, fo);
      } catch (const Error& e) {
        note = e.what();
      }
    }
    auto est = [&](const simulation::Estimate& e) {
      return json{{"observed", e.observed}, {"expected", e.expected}, {"rr", jnum(e.rr)}, {"low", jnum(e.low)},
                  {"high", jnum(e.high)}, {"verdict", verdict(e.rr, e.low, e.high)}};
    };
    auto add_row = [&](const std::string& phase, const simulation::Estimate& e, bool with_did) {
      const auto& r = *res;
      std::string cmp = fmt::format("{} cells", r.comparison_cells.size());
      followup_rows.push_back({d.id, o.month, phase, e.observed, e.expected, FieldValue(), FieldValue(), num(e.rr), num(e.low),
                               num(e.high), with_did ? FieldValue(cmp) : FieldValue(), with_did ? num(r.did.rr) : FieldValue(),
                               with_did ? num(r.did.low) : FieldValue(), with_did ? num(r.did.high) : FieldValue(),
                               with_did ? FieldValue(r.wdq_counts[3]) : FieldValue(), FieldValue(),
                               with_did && r.wdq ? FieldValue(r.wdq->mean) : FieldValue(),
                               phase == "true" ? "true" : "recorded",
                               json({{"active_hours", r.active_hours}, {"reporting_uplift", r.reporting_uplift},
                                     {"wdq_lo", r.wdq ? jnum(r.wdq->low) : json()}, {"wdq_hi", r.wdq ? jnum(r.wdq->high) : json()},
                                     {"note", r.note}})
                                   .dump(),
                               now});
      const auto v = verdict(e.rr, e.low, e.high);
      fcsv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", d.id, csv_field(d.name), d.type,
                          d.actual_start, d.actual_end, phase, csv_num(e.observed, 0), csv_num(e.expected, 1), csv_num(e.rr),
                          csv_num(e.low), csv_num(e.high), with_did ? csv_num(r.did.rr) : "", with_did ? csv_num(r.did.low) : "",
                          with_did ? csv_num(r.did.high) : "", with_did && r.wdq ? csv_num(r.wdq->mean) : "",
                          with_did && r.wdq ? csv_num(r.wdq->low) : "", with_did && r.wdq ? csv_num(r.wdq->high) : "",
                          with_did ? std::to_string(r.comparison_cells.size()) : "", v["key"].get<std::string>(),
                          csv_field(r.note));
    };
    if (res) {
      const auto& r = *res;
      f["active_hours"] = r.active_hours;
      f["model"] = est(r.model);
      f["model_true"] = est(r.model_true);
      f["early"] = est(r.early);
      f["later"] = est(r.later);
      f["did"] = est(r.did);
      f["wdq"] = r.wdq ? json{{"wdq", r.wdq->mean}, {"low", r.wdq->low}, {"high", r.wdq->high}} : json();
      f["reporting_uplift"] = r.reporting_uplift;
      f["comparison_cells"] = r.comparison_cells.size();
      f["pre_observed"] = r.pre_observed_core;
      json monthly = json::array();
      for (const auto& mm : r.monthly) monthly.push_back({{"month", mm.month}, {"observed", mm.observed}, {"expected", mm.expected}});
      f["monthly"] = monthly;
      f["note"] = r.note;
      add_row("all", r.model, true);
      add_row("early", r.early, false);
      add_row("later", r.later, false);
      add_row("true", r.model_true, false);
    } else {
      f["note"] = note;
      followup_rows.push_back({d.id, o.month, "none", FieldValue(), FieldValue(), FieldValue(), FieldValue(), FieldValue(),
                               FieldValue(), FieldValue(), FieldValue(), FieldValue(), FieldValue(), FieldValue(), FieldValue(),
                               FieldValue(), FieldValue(), "recorded", json({{"note", note}}).dump(), now});
      fcsv += fmt::format("{},{},{},{},{},none,,,,,,,,,,,,,unknown,{}\n", d.id, csv_field(d.name), d.type, d.actual_start,
                          d.actual_end, csv_field(note));
      R.notes.push_back(fmt::format("deployment {} '{}': {}", d.id, d.name, note));
    }
    followups.push_back(std::move(f));
    ++R.followups;
  }
  write_text_atomically(rf.file("followup.csv"), fcsv);
  write_text_atomically(rf.file("followup.json"), followups.dump(1));

  // ---- Targets ---------------------------------------------------------------
  const auto targets = load_targets(ws);
  json tjson = json::array();
  std::vector<std::vector<FieldValue>> progress_rows;
  std::string tcsv = "target_id,name,parameter,unit,baseline,target,current,progress_pct,due,expected_at_due,expected_lo,expected_hi,probability,planned_rr\n";
  for (const auto& t : targets) {
    json tj = {{"target_id", t.id}, {"name", t.name}, {"parameter", t.parameter}, {"unit_type", t.unit_type},
               {"unit", t.unit_type == "area" ? t.unit_name : (sv ? "hela stadsdelen" : "the whole district")},
               {"due", t.due}, {"reduction_pct", t.reduction_pct}, {"baseline_from", t.baseline_from}, {"baseline_to", t.baseline_to}};
    // The months behind the averages, so the public folder can tell an average of small counts.
    const auto pid = map.taxonomy.find(t.parameter);
    std::size_t unit = S.units.size();
    for (std::size_t u = 0; u < S.units.size(); ++u)
      if ((t.unit_type == "district" && S.units[u].kind == "district") ||
          (t.unit_type == "area" && S.units[u].kind == "area" && static_cast<std::int64_t>(S.units[u].area_index) == t.unit_id))
        unit = u;
    if (pid) tj["parameter_sv"] = map.taxonomy[*pid].name_sv, tj["parameter_en"] = map.taxonomy[*pid].name_en;
    auto count_at = [&](int month) -> double {
      const auto it = std::find(S.months.begin(), S.months.end(), month);
      if (it == S.months.end()) return month < S.months.front() ? NAN : 0.0;
      return S.at(static_cast<std::size_t>(it - S.months.begin()), unit, *pid).count;
    };
    const int b0 = month_index_of(t.baseline_from), b1 = month_index_of(t.baseline_to), due = month_index_of(t.due);
    double bsum = 0;
    int bn = 0;
    for (int k = b0; k <= b1 && k <= M; ++k)
      if (const double c = count_at(k); std::isfinite(c)) bsum += c, ++bn;
    if (!pid || unit == S.units.size() || bn == 0) {
      tj["note"] = bn == 0 ? "the baseline months are not in the data yet" : "no such parameter or area in this workspace";
      tjson.push_back(tj);
      continue;
    }
    const double baseline = bsum / bn, target = baseline * (1 - t.reduction_pct / 100.0);
    double cur = 0;
    int cn = 0;
    for (int k = M - 2; k <= M; ++k)
      if (const double c = count_at(k); std::isfinite(c)) cur += c, ++cn;
    cur /= std::max(cn, 1);
    const double progress = baseline > target ? (baseline - cur) / (baseline - target) * 100.0 : NAN;
    // The forecast: a Poisson log-linear trend on the last 24 months (over-dispersion
    // scaled), the planned deployments' evidence RR on their share of these incidents.
    std::vector<double> y;
    const int y_from = std::max(M - 23, S.months.front());
    for (int k = y_from; k <= M; ++k) y.push_back(count_at(k));
    const Trend T = poisson_trend(y);
    // Planned deployments: recorded with a start after this month, running at the due month.
    struct Planned { double share; const simulation::EvidenceRow* row; };
    std::vector<Planned> planned;
    for (const auto& d : deployments) {
      if (d.start_utc < m_end) continue;
      const auto [due_start, due_end] = month_bounds(t.due, zone, "due");
      if (d.start_utc >= due_end || (d.end_utc && *d.end_utc <= due_start)) continue;
      if (!fcells) {
        coarser(fmap, map, o.followup_lixel_m);
        fcells = std::make_unique<simulation::CellNetwork>(fmap.net, fmap.lixels, o.followup_cutoff_m);
        if (traits.empty())
          for (const auto& p : map.taxonomy.parameters())
            traits.push_back({p.code, p.darkness_sensitive, p.setting == ParameterSetting::Indoor, p.weight});
      }
      std::vector<simulation::CellId> cells;
      const auto iv = scenario::make_intervention(d.spec, fmap, *fcells, evidence, 10.0, &cells);
      const auto* row = simulation::acting_row(iv, traits[*pid], *pid, evidence);
      if (!row) continue;
      std::vector<char> in(fcells->size(), 0);
      for (auto c : cells) in[c] = 1;
      double n_all = 0, n_in = 0;
      for (std::size_t k = 0; k < map.incidents.size(); ++k) {
        const auto& inc = map.incidents[k];
        if (inc.parameter != *pid || month_index(inc.time) < M - 11) continue;
        if (t.unit_type == "area" && map.tags[k].area != static_cast<std::uint32_t>(t.unit_id)) continue;
        n_all += 1;
        const auto lx = fmap.lixels.lixel_at(map.snaps[k].edge, map.snaps[k].offset);
        n_in += in[lx];  // cells are the lixels
      }
      if (n_all > 0 && n_in > 0) planned.push_back({n_in / n_all, row});
    }
    Rng rng(seed, 0x7A26E7ULL + static_cast<std::uint64_t>(t.id));
    std::vector<double> outcome;
    outcome.reserve(static_cast<std::size_t>(o.target_draws));
    int success = 0;
    double rr_mean = 0;
    const double h = static_cast<double>(due - y_from);
    for (int k = 0; k < o.target_draws; ++k) {
      // (a, b) from their normal approximation (Cholesky of the 2x2 covariance).
      const double z1 = rng.normal(), z2 = rng.normal();
      const double l11 = std::sqrt(std::max(T.vaa, 0.0));
      const double l21 = l11 > 0 ? T.vab / l11 : 0.0;
      const double l22 = std::sqrt(std::max(T.vbb - l21 * l21, 0.0));
      const double a = T.a + l11 * z1, b = T.b + l21 * z1 + l22 * z2;
      double mult = 1.0;
      for (const auto& pl : planned) {
        // log RR normal with the evidence's 90% interval.
        const double mu = std::log(pl.row->rr_central);
        const double sd = (std::log(pl.row->rr_high) - std::log(pl.row->rr_low)) / (2 * 1.6449);
        mult *= 1.0 - pl.share * (1.0 - std::exp(mu + sd * rng.normal()));
      }
      rr_mean += mult;
      double tot = 0;
      for (int j = 0; j < 3; ++j) tot += static_cast<double>(rng.poisson(std::exp(a + b * (h - j)) * mult));
      const double avg = tot / 3.0;
      outcome.push_back(avg);
      success += avg <= target;
    }
    std::sort(outcome.begin(), outcome.end());
    auto q = [&](double p) { return outcome[static_cast<std::size_t>(p * (outcome.size() - 1))]; };
    const double prob = static_cast<double>(success) / o.target_draws;
    rr_mean /= o.target_draws;
    tj.update({{"baseline", baseline}, {"target", target}, {"current", cur}, {"progress_pct", jnum(progress)},
               {"expected_at_due", q(0.5)}, {"expected_lo", q(0.05)}, {"expected_hi", q(0.95)}, {"probability", prob},
               {"planned_deployments", planned.size()}, {"planned_rr", rr_mean}, {"trend_per_year", std::exp(T.b * 12) - 1},
               {"baseline_months", bn}, {"current_months", cn}});
    progress_rows.push_back({o.month, t.id, cur, baseline, target, num(progress), q(0.5), q(0.05), q(0.95), prob, rr_mean,
                             tj.dump(), now});
    tcsv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", t.id, csv_field(t.name), t.parameter,
                        csv_field(tj["unit"].get<std::string>()), csv_num(baseline, 2), csv_num(target, 2), csv_num(cur, 2),
                        csv_num(progress, 1), t.due, csv_num(q(0.5), 2), csv_num(q(0.05), 2), csv_num(q(0.95), 2),
                        csv_num(prob, 3), csv_num(rr_mean, 3));
    tjson.push_back(std::move(tj));
    ++R.targets;
  }
  write_text_atomically(rf.file("targets.csv"), tcsv);

  // ---- Public transport: the busiest stretches and the uncertain placements ----
  // (the whole period up to the month's end, as the run report counts them; the
  // per-line and per-stop picture is in situation.json).
  json transit = nullptr;
  if (map.transit_system) {
    json stretches = json::array();
    for (const auto& r : ws.db().query(fmt::format(
             "SELECT transit_mode, line, transit_from, transit_to, COUNT(*) AS n FROM incidents WHERE place_type = "
             "'on_board' AND time_utc < {} GROUP BY transit_mode, line, transit_from, transit_to ORDER BY n DESC, line "
             "LIMIT 5",
             m_end)))
      stretches.push_back({{"mode", r.text(0)}, {"line", r.text(1)}, {"from", r.text(2)}, {"to", r.text(3)},
                           {"n", r.integer(4).value_or(0)}});
    const auto unc = ws.db().query(fmt::format(
        "SELECT COUNT(*), SUM(uncertain) FROM incidents WHERE place_type = 'on_board' AND time_utc < {}", m_end));
    transit = {{"stretches", stretches},
               {"on_board", unc.empty() ? 0 : unc[0].integer(0).value_or(0)},
               {"uncertain", unc.empty() ? 0 : unc[0].integer(1).value_or(0)}};
  }

  // ---- month.json: everything the report and the viewer read ------------------
  json areas = json::array();
  for (const auto& a : map.areas) areas.push_back(a.name);
  json mj = {{"month", o.month},
             {"next_month", next},
             {"previous_month", prev},
             {"lang", o.lang},
             {"workspace", ws.db().name()},
             {"software_version", kVersion},
             {"created", now},
             {"incidents_up_to_month", map.incidents.size()},
             {"incidents_in_month", in_month},
             {"parameters", json::array()},
             {"picture", picture},
             {"changes", changes},
             {"proposal", proposal},
             {"followups", followups},
             {"targets", tjson},
             {"areas", areas},
             {"sek_per_officer_hour", o.sek_per_officer_hour}};
  if (!transit.is_null()) mj["transit"] = transit;
  for (const auto& p : map.taxonomy.parameters())
    mj["parameters"].push_back({{"code", p.code}, {"sv", p.name_sv}, {"en", p.name_en}});
  write_text_atomically(rf.file("month.json"), mj.dump(1));
  if (!o.no_report && !is_public) {
    const auto rep = report::write_month_report(folder.temp_path(), o.lang);
    if (!rep.pdf) R.notes.push_back(rep.pdf_note);
  }
  std::optional<AtomicFolder> public_folder;
  if (is_public) {
    public_folder.emplace(dir);
    const auto rep = write_public_month(folder.temp_path(), public_folder->temp_path(), o.lang, {o.min_count}, o.no_report);
    if (!o.no_report && !rep.pdf) R.notes.push_back(rep.pdf_note);
  }

  // ---- The month's rows, replacing any earlier run of the same month ------------
  auto& db = ws.db();
  {
    io::Transaction tx(db);
    const std::string qm = Database::quote(o.month);
    db.execute("DELETE FROM assessments WHERE month = " + qm);
    db.execute("DELETE FROM proposals WHERE made_in_month = " + qm);
    db.execute("DELETE FROM followups WHERE month = " + qm);
    db.execute("DELETE FROM target_progress WHERE month = " + qm);
    const std::vector<std::string> acols = {"month", "unit_type", "unit_id", "unit_name", "parameter", "incidents", "reports",
                                            "actors", "severity", "rate_per_km", "rate_per_1000", "change_prev",
                                            "change_prev_pct", "change_year", "change_year_pct", "level", "trend",
                                            "suppressed", "created", "run_folder"};
    for (const auto& r : assessment_rows) db.insert("assessments", acols, r);
    const std::vector<std::string> pcols = {"month", "made_in_month", "kind", "rank", "edge_ids", "place_name", "windows",
                                            "dose", "dose_unit", "cost_sek", "prevented", "prevented_lo", "prevented_hi",
                                            "status", "deployment_id", "detail_json", "created"};
    for (const auto& p : proposals) db.insert("proposals", pcols, p.values, p.geom);
    const std::vector<std::string> fcols = {"deployment_id", "month", "phase", "observed", "expected", "expected_lo",
                                            "expected_hi", "relative_risk", "rr_lo", "rr_hi", "comparison_area",
                                            "did_estimate", "did_lo", "did_hi", "ring_observed", "ring_expected", "wdq",
                                            "recorded_vs_true", "detail_json", "created"};
    for (const auto& f : followup_rows) db.insert("followups", fcols, f);
    const std::vector<std::string> tcols = {"month", "target_id", "current_value", "baseline_value", "target_value",
                                            "progress_pct", "expected_at_due", "expected_lo", "expected_hi", "probability",
                                            "planned_rr", "detail_json", "created"};
    for (const auto& t : progress_rows) db.insert("target_progress", tcols, t);
    fit_cache->write(now);
    tx.commit();
  }
  R.fits = fit_cache->fits();
  R.fits_remembered = fit_cache->hits();
  R.assessments = assessment_rows.size();
  (public_folder ? *public_folder : folder).commit();
  R.folder = dir;
  return R;
}

}  // namespace tryggve::workspace
