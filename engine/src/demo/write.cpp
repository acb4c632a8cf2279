// Writing the demo folder: the map as a user would bring it (OSM XML streets,
// GeoPackage layers in EPSG:3006), the incidents as CSV (clean and raw), the
// truth as JSON and CSV, and a README that says the district is synthetic.
// Everything goes into a temporary sibling folder that is renamed into place
// when complete.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "internal.hpp"
#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/csv.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/strings.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/core/version.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/io/crs.hpp"
#include "tryggve/io/vector_writer.hpp"

namespace tryggve::demo {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

const char* kFiles[] = {"streets.osm",   "parks.gpkg",        "stops.gpkg", "lamps.gpkg",
                        "areas.gpkg",    "places.gpkg",       "incidents.csv", "incidents_raw.csv",
                        "truth.json",    "truth_segments.csv", "README.md", "deployments.yaml",
                        "actors/index.json"};



void write_file(const fs::path& p, const std::string& content) {
  std::ofstream f(p, std::ios::binary);
  f << content;
  f.close();
  if (!f) throw Error(ErrorCode::OutputFailed, p.string(), "cannot write file");
}

// --- OSM XML ----------------------------------------------------------------------

std::string osm_xml(const District& d) {
  std::ostringstream o;
  o << "<?xml version='1.0' encoding='UTF-8'?>\n";
  o << "<osm version='0.6' generator='tryggve demo-map (SYNTHETIC district)' upload='never'>\n";
  double lon0, lat0, lon1, lat1;
  sweref_to_wgs84(d.origin, lon0, lat0);
  sweref_to_wgs84({d.origin.x + d.size_m, d.origin.y + d.size_m}, lon1, lat1);
  o << fmt::format("  <bounds minlat='{:.7f}' minlon='{:.7f}' maxlat='{:.7f}' maxlon='{:.7f}'/>\n", std::min(lat0, lat1),
                   std::min(lon0, lon1), std::max(lat0, lat1), std::max(lon0, lon1));
  auto node = [&](std::int64_t id, Point p, const Tags& tags) {
    double lon, lat;
    sweref_to_wgs84(p, lon, lat);
    o << fmt::format("  <node id='{}' version='1' visible='true' lat='{:.7f}' lon='{:.7f}'", id, lat, lon);
    if (tags.empty()) {
      o << "/>\n";
      return;
    }
    o << ">\n";
    for (const auto& [k, v] : tags) o << "    <tag k='" << xml_escape(k) << "' v='" << xml_escape(v) << "'/>\n";
    o << "  </node>\n";
  };
  for (const auto& n : d.nodes) node(n.id, n.pos, n.tags);
  // Parks as closed ways with their own nodes (ids after the district's nodes).
  std::int64_t next_node = static_cast<std::int64_t>(d.nodes.size()) + 1;
  std::vector<std::vector<std::int64_t>> park_nodes;
  for (const auto& pk : d.parks) {
    std::vector<std::int64_t> ids;
    for (std::size_t i = 0; i + 1 < pk.ring.size(); ++i) {
      node(next_node, pk.ring[i], {});
      ids.push_back(next_node++);
    }
    ids.push_back(ids.front());
    park_nodes.push_back(ids);
  }
  // Street addresses as the tagged nodes OSM mappers put at entrances.
  for (const auto& a : demo_addresses(d))
    node(next_node++, a.pos, {{"addr:street", a.street}, {"addr:housenumber", a.number}, {"addr:city", "Göteborg"}});
  for (const auto& w : d.ways) {
    o << fmt::format("  <way id='{}' version='1' visible='true'>\n", w.id);
    for (auto n : w.nodes) o << fmt::format("    <nd ref='{}'/>\n", d.nodes[n].id);
    for (const auto& [k, v] : w.tags) o << "    <tag k='" << xml_escape(k) << "' v='" << xml_escape(v) << "'/>\n";
    o << "  </way>\n";
  }
  std::int64_t next_way = static_cast<std::int64_t>(d.ways.size()) + 1;
  for (std::size_t i = 0; i < d.parks.size(); ++i) {
    const auto& pk = d.parks[i];
    o << fmt::format("  <way id='{}' version='1' visible='true'>\n", next_way++);
    for (auto n : park_nodes[i]) o << fmt::format("    <nd ref='{}'/>\n", n);
    if (pk.kind == "wood") o << "    <tag k='landuse' v='forest'/>\n    <tag k='leisure' v='park'/>\n";
    else if (pk.kind == "water") o << "    <tag k='natural' v='water'/>\n";
    else o << "    <tag k='leisure' v='" << xml_escape(pk.kind) << "'/>\n";
    o << "    <tag k='name' v='" << xml_escape(pk.name) << "'/>\n";
    o << "  </way>\n";
  }
  o << "</osm>\n";
  return o.str();
}

// --- GeoPackage layers ------------------------------------------------------------

// One layer per file, in EPSG:3006, through the project's atomic writer. The
// GeoPackages' timestamps are pinned, so the same seed gives the same bytes.
void write_layers(const fs::path& dir, const District& d) {
  using io::FieldType;
  using io::GeometryKind;
  const io::CrsContext crs = io::CrsContext::from_spec("EPSG:3006");
  const io::VectorWriter::Options pinned{.fixed_timestamp = true};
  auto polygon = [](const Ring& r) { return MultiPolygon{Polygon{r, {}}}; };
  {
    io::VectorWriter w(dir / "parks.gpkg", crs, pinned);
    auto& L = w.add_layer("parks", GeometryKind::Polygon, {{"name", FieldType::String}, {"kind", FieldType::String}});
    for (const auto& p : d.parks) L.add({p.name, p.kind}, polygon(p.ring));
    w.commit();
  }
  {
    io::VectorWriter w(dir / "areas.gpkg", crs, pinned);
    auto& L = w.add_layer("areas", GeometryKind::Polygon,
                          {{"name", FieldType::String}, {"code", FieldType::String}, {"population", FieldType::Int64}});
    for (const auto& a : d.areas) L.add({a.name, a.code, a.population}, polygon(a.ring));
    w.commit();
  }
  {
    io::VectorWriter w(dir / "stops.gpkg", crs, pinned);
    auto& L = w.add_layer("stops", GeometryKind::Point,
                          {{"name", FieldType::String}, {"kind", FieldType::String}, {"modes", FieldType::String},
                           {"osm_id", FieldType::Int64}});
    for (const auto& s : d.stops)
      L.add({s.name, s.tram ? "tram_stop" : "bus_stop", s.tram ? "tram;bus" : "bus", s.node_id}, s.pos);
    w.commit();
  }
  {
    io::VectorWriter w(dir / "lamps.gpkg", crs, pinned);
    auto& L = w.add_layer("lamps", GeometryKind::Point,
                          {{"kind", FieldType::String}, {"installed", FieldType::Date}, {"radius_m", FieldType::Real},
                           {"osm_id", FieldType::Int64}});
    for (const auto& l : d.lamps) L.add({"street_lamp", l.installed, 20.0, l.node_id}, l.pos);
    w.commit();
  }
  {
    io::VectorWriter w(dir / "places.gpkg", crs, pinned);
    auto& L = w.add_layer("places", GeometryKind::Point, {{"name", FieldType::String}, {"kind", FieldType::String}});
    for (const auto& p : d.places) L.add({p.name, p.kind}, p.pos);
    w.commit();
  }
}

// --- incidents ------------------------------------------------------------------------

struct RawResult {
  std::string csv;
  std::size_t rows = 0;
  std::map<std::string, std::vector<std::int64_t>> defects;  // kind -> ids
  std::vector<std::pair<std::int64_t, std::int64_t>> duplicates;  // (duplicate id, original id)
};

std::string setting_label(const DemoIncident& i) { return i.outdoor ? "outdoor" : "indoor"; }

std::string clean_csv(const DemoData& data) {
  std::string o = "id,time,category,actor,setting,lat,lon,text\n";
  o.reserve(data.incidents.size() * 140);
  for (const auto& i : data.incidents) {
    double lon, lat;
    sweref_to_wgs84(i.pos, lon, lat);
    o += fmt::format("{},{},{},{},{},{:.6f},{:.6f},{}\n", i.id, cal::iso8601(i.utc, i.utc_offset_s),
                     data.model.parameters[i.parameter].code, csv_field(kActors[i.actor]), setting_label(i), lat, lon,
                     csv_field(i.text));
  }
  return o;
}

// The raw file: the same reports as a real export would hold them. Police reports
// carry the parameter's Swedish name, the others its code; a few percent of rows
// have one imperfection each, and some incidents are reported twice.
RawResult raw_csv(const DemoData& data) {
  RawResult r;
  const auto& o = data.options;
  Rng rng(o.seed, 5000);
  std::int64_t next_id = static_cast<std::int64_t>(data.incidents.size()) + 1;
  std::string& out = r.csv;
  out = "id,time,category,actor,setting,lat,lon,text\n";
  static const char* kBadTimes[] = {"2025-02-30 19:30", "31/13/2025 21:00", "igår kväll", "25:61",
                                    "2025-1O-12T18:00:00+02:00", "kl 22", "2025-09-31T24:10:00"};
  static const char* kUnknown[] = {"Övrigt", "nedskräpning", "hundar utan koppel", "okänd", "misc", "hittegods",
                                   "Annat"};
  const double r0 = o.raw_defect_rate;
  // Shares of rows per kind (one kind per row at most).
  const std::pair<const char*, double> kinds[] = {{"missing_time", 1.5 * r0},     {"malformed_time", 1.0 * r0},
                                                  {"outside_district", 1.0 * r0}, {"swapped_lat_lon", 0.5 * r0},
                                                  {"unknown_category", 1.5 * r0}};
  for (const auto& i : data.incidents) {
    const ParameterModel& pm = data.model.parameters[i.parameter];
    double lon, lat;
    sweref_to_wgs84(i.pos, lon, lat);
    std::string time = cal::iso8601(i.utc, i.utc_offset_s);
    std::string category = i.actor == 0 ? pm.name_sv : pm.code;
    std::string lat_s = fmt::format("{:.6f}", lat), lon_s = fmt::format("{:.6f}", lon);
    double u = rng.uniform();
    std::string kind;
    for (const auto& [k, share] : kinds) {
      if (u < share) { kind = k; break; }
      u -= share;
    }
    if (kind == "missing_time") time.clear();
    else if (kind == "malformed_time") time = kBadTimes[rng.below(std::size(kBadTimes))];
    else if (kind == "outside_district") {
      switch (rng.below(3)) {
        case 0: lat_s = fmt::format("{:.6f}", lat + rng.uniform(0.05, 0.2)); break;  // 5-20 km north
        case 1: lon_s = fmt::format("{:.6f}", lon - rng.uniform(0.1, 0.3)); break;  // out at sea to the west
        default: lat_s = "0"; lon_s = "0"; break;                                    // "null island"
      }
    } else if (kind == "swapped_lat_lon") std::swap(lat_s, lon_s);
    else if (kind == "unknown_category") category = kUnknown[rng.below(std::size(kUnknown))];
    if (!kind.empty()) r.defects[kind].push_back(i.id);
    out += fmt::format("{},{},{},{},{},{},{},{}\n", i.id, time, csv_field(category), csv_field(kActors[i.actor]),
                       setting_label(i), lat_s, lon_s, csv_field(i.text));
    ++r.rows;
    // A second report of the same incident by another actor a few minutes later
    // and a few metres away (only of rows without another imperfection).
    if (kind.empty() && rng.uniform() < o.raw_duplicate_rate) {
      std::uint8_t a2 = static_cast<std::uint8_t>((i.actor + 1 + rng.below(kActors.size() - 1)) % kActors.size());
      const std::int64_t t2 = i.utc + 120 + static_cast<std::int64_t>(rng.below(13 * 60));
      const double ang = rng.uniform(0, 2 * M_PI), dist = rng.uniform(3, 15);
      double lon2, lat2;
      sweref_to_wgs84({i.pos.x + dist * std::cos(ang), i.pos.y + dist * std::sin(ang)}, lon2, lat2);
      const std::string cat2 = a2 == 0 ? pm.name_sv : pm.code;
      out += fmt::format("{},{},{},{},{},{:.6f},{:.6f},{}\n", next_id, cal::iso8601(t2, cal::stockholm_offset(t2)),
                         csv_field(cat2), csv_field(kActors[a2]), setting_label(i), lat2, lon2, csv_field(i.text));
      r.duplicates.push_back({next_id, i.id});
      r.defects["duplicate"].push_back(next_id);
      ++next_id;
      ++r.rows;
    }
  }
  return r;
}

// --- truth ------------------------------------------------------------------------------

json point_json(Point p) { return json::array({std::round(p.x * 100) / 100, std::round(p.y * 100) / 100}); }
json wgs_json(Point p) {
  double lon, lat;
  sweref_to_wgs84(p, lon, lat);
  return json::array({std::round(lon * 1e7) / 1e7, std::round(lat * 1e7) / 1e7});
}

json options_json(const DemoOptions& o, const std::vector<ParameterModel>& params, const std::string& source) {
  json codes = json::array();
  for (const auto& p : params) codes.push_back(p.code);
  return {{"seed", o.seed},
          {"months", o.months},
          {"start", fmt::format("{:04}-{:02}", o.start_year, o.start_month)},
          {"volume_scale", o.volume_scale},
          {"raw_defect_rate", o.raw_defect_rate},
          {"raw_duplicate_rate", o.raw_duplicate_rate},
          {"generator_version", kGeneratorVersion},
          {"parameter_codes", codes},
          {"parameters_source", source}};
}

json truth_json(const DemoData& data, const DemoSummary& sum, const RawResult& raw, const std::string& source) {
  const auto& o = data.options;
  const auto& d = data.district;
  const auto& m = data.model;
  json j;
  j["synthetic"] = true;
  j["note"] =
      "SYNTHETIC demo district and incidents generated by 'tryggve demo-map'. Not real streets, not real incidents. "
      "Every number below is the ground truth the data were generated from.";
  j["generator"] = {{"name", "tryggve demo-map"}, {"version", kGeneratorVersion}, {"tryggve", kVersion}};
  j["options"] = options_json(o, m.parameters, source);
  j["period"] = {{"first_month", month_label(o, 1)},
                 {"last_month", month_label(o, o.months)},
                 {"start", cal::iso8601(data.start_utc, cal::stockholm_offset(data.start_utc))},
                 {"end_exclusive", cal::iso8601(data.end_utc, cal::stockholm_offset(data.end_utc))},
                 {"time_zone", "Europe/Stockholm"},
                 {"month_numbering", "month 1 is the first month of the period"}};
  double net_len = 0;
  for (const auto& s : d.segments) net_len += s.length_m;
  j["district"] = {{"crs", "EPSG:3006"},
                   {"origin_sw", point_json(d.origin)},
                   {"size_m", d.size_m},
                   {"centre_wgs84_lon_lat", json::array({d.centre_lon, d.centre_lat})},
                   {"nodes", d.nodes.size()},
                   {"ways", d.ways.size()},
                   {"segments", d.segments.size()},
                   {"network_length_m", std::round(net_len)},
                   {"lamps", d.lamps.size()},
                   {"stops", d.stops.size()},
                   {"population", [&] {
                      int s = 0;
                      for (const auto& a : d.areas) s += a.population;
                      return s;
                    }()}};
  j["model"] = {
      {"intensity",
       "lambda_p(s,t) = mu_p * w_p(s) * hour_p[h] * weekday_p[d] * season_p[m] * school_p(t) * dark_p(s,t) * "
       "hotspot_p(s,month) * patrol_p(s,t) + sum_i n_p * Exp(t - t_i; mean trigger_mean_days) * walk(s | s_i; mean "
       "trigger_mean_m)"},
      {"time_unit", "mu_per_hour is per hour; w_p sums to 1 over segments (truth_segments.csv)"},
      {"spatial_weight",
       "w_p(s) proportional to (length_m + length_floor_m) * affinity_p[way class] * segment_effect(s) * prod_f (1 + "
       "(affinity_p[near_f] - 1) * exp(-distance_f / scale_f))"},
      {"segment_effect_sigma", m.segment_effect_sigma},
      {"length_floor_m", m.length_floor_m},
      {"proximity_scale_m",
       {{"near_square", m.proximity_scale_m},
        {"near_stop", m.proximity_scale_m * 0.6},
        {"near_school", m.proximity_scale_m * 1.6},
        {"near_youth_centre", m.proximity_scale_m},
        {"near_shopping_centre", m.proximity_scale_m}}},
      {"darkness",
       {{"threshold_deg", m.darkness_threshold_deg},
        {"sun", "NOAA solar position at the district centre, minute by minute"},
        {"rule",
         "while dark, darkness-sensitive parameters x darkness_factor, and x 1/lighting_relative_risk on unlit "
         "segments"},
        {"lighting_relative_risk", m.lighting_relative_risk}}},
      {"school",
       "school-related parameters x school_off_factor on non-school days: weekends, 14 Jun - 17 Aug, 21 Dec - 7 Jan, "
       "ISO weeks 8 and 44"},
      {"self_excitation",
       "each event has Poisson(branching_ratio) direct offspring of the same parameter; delay ~ Exponential(mean "
       "trigger_mean_days); place: a random walk along the network from the parent of length ~ Exponential(mean "
       "trigger_mean_m), random initial direction, uniform choice among the other segments at every node, turning "
       "back at dead ends; offspring after the period are not observed"},
      {"calibration",
       "mu_per_hour makes the expected count over the first 12 months (background / (1 - branching_ratio)) equal 12 * "
       "target_per_month * volume_scale"}};
  json params = json::array();
  for (std::size_t p = 0; p < m.parameters.size(); ++p) {
    const auto& pm = m.parameters[p];
    json actors = json::object();
    for (std::size_t a = 0; a < kActors.size(); ++a) actors[kActors[a]] = pm.actor[a];
    json aff = json::object();
    for (const auto& [k, v] : pm.affinity) aff[k] = v;
    params.push_back({{"code", pm.code},
                      {"name_sv", pm.name_sv},
                      {"name_en", pm.name_en},
                      {"setting", pm.setting},
                      {"outdoor_share", pm.outdoor_share},
                      {"darkness_sensitive", pm.darkness_sensitive},
                      {"darkness_factor", pm.darkness_factor},
                      {"school_related", pm.school_related},
                      {"school_off_factor", pm.school_off_factor},
                      {"target_per_month", pm.target_per_month * o.volume_scale},
                      {"mu_per_hour", pm.mu_per_hour},
                      {"hour", pm.hour},
                      {"weekday_mon_first", pm.weekday},
                      {"season_jan_first", pm.season},
                      {"branching_ratio", pm.branching_ratio},
                      {"trigger_mean_days", pm.trigger_mean_days},
                      {"trigger_mean_m", pm.trigger_mean_m},
                      {"affinity", aff},
                      {"actor_weights", actors},
                      {"generated", sum.per_parameter[p]}});
  }
  j["parameters"] = params;
  json hs = json::array();
  for (const auto& h : m.hotspots) {
    json segs = json::array();
    for (auto s : h.segments) {
      const Segment& seg = d.segments[s];
      segs.push_back({{"segment_id", s},
                      {"way_id", d.ways[seg.way].id},
                      {"from_node", d.nodes[seg.from].id},
                      {"to_node", d.nodes[seg.to].id},
                      {"mid", point_json(seg.mid)},
                      {"kind", to_string(seg.kind)}});
    }
    json monthly = json::array();
    for (int mo = 1; mo <= o.months; ++mo) monthly.push_back(std::round(h.multiplier(mo) * 1000) / 1000);
    hs.push_back({{"id", h.id},
                  {"type", h.type},
                  {"description", h.description},
                  {"centre", point_json(h.centre)},
                  {"centre_wgs84_lon_lat", wgs_json(h.centre)},
                  {"parameters", h.parameters},
                  {"rule", "multiplier(month) = month < from_month ? 1 : max(floor, a + b * (month - 1))"},
                  {"from_month", h.from_month},
                  {"a", h.a},
                  {"b", h.b},
                  {"floor", h.floor},
                  {"multiplier_by_month", monthly},
                  {"segments", segs}});
  }
  j["hotspots"] = hs;
  json lamps = json::array();
  for (const auto& l : d.lamps)
    if (l.lamp_line) lamps.push_back(l.node_id);
  json patrol_wd = json::array();
  const char* wd[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  json adults_wd = json::array();
  for (int i = 0; i < 7; ++i) {
    if (m.patrol_weekdays[i]) patrol_wd.push_back(wd[i]);
    if (m.adults_weekdays[i]) adults_wd.push_back(wd[i]);
  }
  j["interventions"] = json::array(
      {{{"type", "lighting"},
        {"name", "lamp line along Parkstråket through Ekbackaparken"},
        {"month", m.lamp_line_month},
        {"switched_on", d.lamp_line_installed},
        {"segments", d.lamp_line_segments},
        {"lamp_osm_ids", lamps},
        {"effect",
         "from this month the segments are lit: the dark-hour rate of darkness-sensitive parameters on them is "
         "multiplied by lighting_relative_risk"},
        {"relative_risk_dark_hours", m.lighting_relative_risk},
        {"applies_to", "darkness-sensitive parameters, while the sun is below -6 degrees"}},
       {{"type", "patrol"},
        {"name", "foot patrols at Kvarnbo torg and its main stop"},
        {"first_month", m.patrol_first_month},
        {"last_month", m.patrol_last_month},
        {"from", month_start_date(o, m.patrol_first_month)},
        {"until_exclusive", month_start_date(o, m.patrol_last_month + 1)},
        {"weekdays", patrol_wd},
        {"local_hours", fmt::format("{:02}:00-{:02}:59", m.patrol_first_hour, m.patrol_last_hour)},
        {"radius_m", m.patrol_radius_m},
        {"segments", m.patrol_segments},
        {"relative_risk", m.patrol_relative_risk},
        {"applies_to", "parameters whose setting is not indoor, during patrol hours, on these segments"}},
       {{"type", "adults_outdoors"},
        {"name", "adults outdoors in the evenings at Fritidsgården Navet and Kvarnbo torg"},
        {"first_month", m.adults_first_month},
        {"from", month_start_date(o, m.adults_first_month)},
        {"weekdays", adults_wd},
        {"local_hours", fmt::format("{:02}:00-{:02}:59", m.adults_first_hour, m.adults_last_hour)},
        {"radius_m", m.adults_radius_m},
        {"segments", m.adults_segments},
        {"relative_risk_true", m.adults_relative_risk},
        {"early_rise", m.adults_early_rise},
        {"early_rise_decay_weeks", m.adults_early_decay_weeks},
        {"early_rise_parameters", m.adults_reacting},
        {"reporting_uplift", m.adults_reporting_uplift},
        {"applies_to",
         "parameters whose setting is not indoor, while the adults are out, on these segments: true incidents x "
         "relative_risk_true x (1 + early_rise e^(-weeks / decay) for the reacting parameters); recorded incidents a "
         "further x (1 + reporting_uplift) (incidents.csv holds recorded incidents; the generator flags the extra "
         "reports)"}}});
  j["planted_effects_on_offspring"] =
      "an offspring landing on a treated segment while an intervention acts is kept with its relative risk (lighting, "
      "patrol, adults' relative_risk_true), as the simulation's thinning treats the whole intensity";
  json per_month = json::object();
  for (std::size_t mo = 0; mo < sum.per_month.size(); ++mo) per_month[month_label(o, static_cast<int>(mo) + 1)] = sum.per_month[mo];
  json per_param = json::object();
  for (std::size_t p = 0; p < m.parameters.size(); ++p) per_param[m.parameters[p].code] = sum.per_parameter[p];
  j["counts"] = {{"incidents", sum.incidents},
                 {"background", sum.background},
                 {"offspring", sum.offspring},
                 {"per_parameter", per_param},
                 {"per_month", per_month},
                 {"top5pct_segment_share", sum.top5_segment_share},
                 {"segment_share_holding_half", sum.segment_share_for_half},
                 {"dark_share_outdoor_darkness_sensitive", sum.dark_share_outdoor_sensitive},
                 {"dark_share_of_hours", sum.dark_share_of_hours}};
  json defects = json::object();
  for (const auto& [k, ids] : raw.defects) defects[k] = ids;
  json dups = json::array();
  for (const auto& [a, b] : raw.duplicates) dups.push_back(json::array({a, b}));
  j["raw"] = {{"rows", raw.rows},
              {"category_labels", "police reports (actor polis) carry the Swedish name, the others the code"},
              {"defect_ids", defects},
              {"duplicate_of", dups}};
  return j;
}

std::string segments_csv(const DemoData& data) {
  const auto& d = data.district;
  const auto& m = data.model;
  std::string o = "segment_id,way_id,from_node,to_node,length_m,highway,name,kind,lit,lamp_line,tunnel,in_park,x_mid,y_mid,segment_effect";
  for (const auto& p : m.parameters) o += ",w_" + p.code;
  o += "\n";
  for (const auto& s : d.segments) {
    const Way& w = d.ways[s.way];
    o += fmt::format("{},{},{},{},{:.2f},{},{},{},{},{},{},{},{:.2f},{:.2f},{:.6f}", s.id, w.id, d.nodes[s.from].id,
                     d.nodes[s.to].id, s.length_m, w.highway, csv_field(w.name), to_string(s.kind), s.lit ? "yes" : "no",
                     s.lamp_line ? "yes" : "no", w.tunnel ? "yes" : "no", s.in_park ? "yes" : "no", s.mid.x, s.mid.y,
                     m.segment_effect[s.id]);
    for (std::size_t p = 0; p < m.parameters.size(); ++p) o += fmt::format(",{:.8g}", m.weight[p][s.id]);
    o += "\n";
  }
  return o;
}

std::string readme(const DemoData& data, const DemoSummary& sum) {
  const auto& o = data.options;
  std::string r;
  r += "# SYNTHETIC demo district (Tryggve)\n\n";
  r += "**Everything in this folder is synthetic.** The streets, parks, stops, lamps, schools, neighbourhoods,\n"
       "population figures and incidents were generated by `tryggve demo-map`. The district is placed at the\n"
       "real position of Hisingsbacka, Göteborg (57.75 N, 11.98 E) only so that sunrise, sunset and darkness are\n"
       "right; it is not a map of Backa and the incidents are not real events.\n\n";
  r += fmt::format("Generated with seed {}, {} months from {} to {}, generator version {}.\n"
                   "Regenerate with `tryggve demo-map --out <folder> --seed {} --months {}`.\n\n",
                   o.seed, o.months, month_label(o, 1), month_label(o, o.months), kGeneratorVersion, o.seed, o.months);
  r += "| file | contents |\n|---|---|\n";
  r += "| streets.osm | OSM XML: streets, paths, the square, tunnels (tunnel=yes), lamps (highway=street_lamp), stops "
       "(highway=bus_stop / railway=tram_stop, public_transport=platform), parks; WGS84, positive ids from 1 |\n";
  r += "| parks.gpkg | parks, a wood, a pond (EPSG:3006) |\n";
  r += "| stops.gpkg | tram and bus stops (EPSG:3006) |\n";
  r += "| lamps.gpkg | street lamps with their `installed` date (EPSG:3006) |\n";
  r += "| areas.gpkg | neighbourhoods (like primärområden): name, code, population (EPSG:3006) |\n";
  r += "| places.gpkg | schools, youth centre, shopping centre, square, library, playground (EPSG:3006) |\n";
  r += "| incidents.csv | clean incidents: id, time (ISO 8601 with offset), category (parameter code), actor, "
       "setting, lat, lon (WGS84), text |\n";
  r += "| incidents_raw.csv | the same reports as an export would hold them, with imperfections: missing or "
       "malformed times, coordinates outside the district or swapped, unknown categories, duplicate reports; "
       "police reports use the Swedish category name |\n";
  r += "| truth.json | every model parameter, the planted hotspots, the historical interventions, counts |\n";
  r += "| truth_segments.csv | every street segment with its background weight per parameter |\n";
  r += "| gtfs/ | GTFS feed of tram 5 and buses 25 and 45: stop areas with platforms A/B, shapes along the streets, "
       "timetables that follow the day, night trips as 24:00+ times, holidays in calendar_dates |\n";
  r += "| transit_reports.csv | Västtrafik's reports from on board (line, minute, and sometimes the direction, a stop "
       "pair, the trip or the vehicle) and at stops (stop, sometimes the platform) |\n";
  r += "| actors/YYYY-MM/ | each month's reports as each actor sends them: polisen.csv (semicolon, local time), "
       "skolan.xlsx (Excel, addresses), bostadsbolaget.csv (Windows-1252, addresses), vasttrafik.csv (by stop), "
       "parkforvaltningen.geojson, felanmalan.csv (the city's error-reporting export), fastighetsagaren.ods (a property "
       "owner's LibreOffice sheet, addresses), stadsdelen.gpkg (the district's field staff, SWEREF 99 TM points); "
       "actors/index.json names each "
       "file's actor; planted police/school duplicates and rejects are in truth.json's actor_files |\n";
  r += "| deployments.yaml | the historical interventions (and a placebo) as recorded deployments: the scenario "
       "grammar plus start and end dates |\n";
  r += "| transit_truth.csv | the truth of each of those reports: trip, service day, delay, true time, segment, offset, "
       "position |\n\n";
  r += fmt::format("{} incidents ({} background, {} near-repeat offspring); {} raw rows.\n", sum.incidents,
                   sum.background, sum.offspring, sum.raw_rows);
  r += fmt::format("{} trips in the transit feed; {} on-board and {} at-stop reports by Västtrafik.\n", sum.transit_trips,
                   sum.transit_on_board, sum.transit_at_stop);
  r += fmt::format("{:.1f}% of incidents lie on the top 5% of segments; half of them on {:.1f}% of segments.\n",
                   100 * sum.top5_segment_share, 100 * sum.segment_share_for_half);
  r += "\nThe model is described in maps/README.md of the Tryggve repository and in truth.json.\n";
  return r;
}

}  // namespace

DemoSummary summarise(const DemoData& data) {
  DemoSummary s;
  const std::size_t P = data.model.parameters.size(), S = data.district.segments.size();
  s.incidents = data.incidents.size();
  s.per_parameter.assign(P, 0);
  s.per_month.assign(static_cast<std::size_t>(data.options.months), 0);
  std::vector<std::size_t> per_seg(S, 0);
  std::size_t sens = 0, sens_dark = 0;
  for (const auto& i : data.incidents) {
    (i.offspring ? s.offspring : s.background)++;
    s.per_parameter[i.parameter]++;
    const int mo = data.month_of(i.utc);
    if (mo >= 1 && mo <= data.options.months) s.per_month[static_cast<std::size_t>(mo - 1)]++;
    per_seg[i.segment]++;
    if (data.model.parameters[i.parameter].darkness_sensitive && i.outdoor) {
      ++sens;
      sens_dark += i.dark;
    }
  }
  std::sort(per_seg.begin(), per_seg.end(), std::greater<>());
  const auto top = static_cast<std::size_t>(std::ceil(0.05 * static_cast<double>(S)));
  std::size_t acc = 0;
  for (std::size_t k = 0; k < top; ++k) acc += per_seg[k];
  s.top5_segment_share = s.incidents ? static_cast<double>(acc) / static_cast<double>(s.incidents) : 0;
  acc = 0;
  for (std::size_t k = 0; k < S; ++k) {
    acc += per_seg[k];
    if (2 * acc >= s.incidents) {
      s.segment_share_for_half = static_cast<double>(k + 1) / static_cast<double>(S);
      break;
    }
  }
  s.dark_share_outdoor_sensitive = sens ? static_cast<double>(sens_dark) / static_cast<double>(sens) : 0;
  const auto hrs = cal::hours(data.options.start_year, data.options.start_month, data.options.months,
                              data.district.centre_lat, data.district.centre_lon, data.model.darkness_threshold_deg);
  double dark = 0;
  for (const auto& h : hrs) dark += h.dark_count / 60.0;
  s.dark_share_of_hours = dark / static_cast<double>(hrs.size());
  return s;
}

DemoSummary generate(const DemoOptions& options, const fs::path& out_dir) {
  validate(options);
  DemoData data = simulate(options);
  DemoSummary sum = summarise(data);
  std::string source;
  demo_parameters(options, &source);

  const fs::path final_dir = fs::absolute(out_dir).lexically_normal();
  // The folder is complete or absent (core/atomic_file.hpp): a reader never sees
  // a half-written district.
  AtomicFolder staging(final_dir);
  const fs::path tmp = staging.temp_path();
  try {
    write_file(tmp / "streets.osm", osm_xml(data.district));
    write_layers(tmp, data.district);
    write_file(tmp / "incidents.csv", clean_csv(data));
    const RawResult raw = raw_csv(data);
    write_file(tmp / "incidents_raw.csv", raw.csv);
    sum.raw_rows = raw.rows;
    for (const auto& [k, ids] : raw.defects) sum.raw_defects[k] = ids.size();
    write_file(tmp / "truth_segments.csv", segments_csv(data));
    const DemoTransit transit = simulate_transit(options, data.district, data.model);
    write_transit(tmp, transit, data.model);
    sum.transit_trips = transit.trips.size();
    for (const auto& r : transit.reports) (r.on_board ? sum.transit_on_board : sum.transit_at_stop)++;
    json truth = truth_json(data, sum, raw, source);
    truth["transit"] = transit_truth_json(transit);
    truth["actor_files"] = write_actor_files(tmp / "actors", data, transit);
    write_file(tmp / "deployments.yaml", deployments_yaml(data));
    write_file(tmp / "truth.json", truth.dump(1) + "\n");
    write_file(tmp / "README.md", readme(data, sum));
    staging.commit();
  } catch (const fs::filesystem_error& e) {
    throw Error(ErrorCode::OutputFailed, final_dir.string(), e.what());
  }
  sum.out_dir = final_dir;
  return sum;
}

bool matches(const DemoOptions& options, const fs::path& out_dir, std::string* why) {
  auto fail = [&](std::string w) {
    if (why) *why = std::move(w);
    return false;
  };
  for (const char* f : kFiles)
    if (!fs::exists(out_dir / f)) return fail(fmt::format("{} is missing", (out_dir / f).string()));
  for (const auto& f : transit_files())
    if (!fs::exists(out_dir / f)) return fail(fmt::format("{} is missing", (out_dir / f).string()));
  json j;
  try {
    std::ifstream in(out_dir / "truth.json");
    j = json::parse(in);
  } catch (const std::exception& e) {
    return fail(fmt::format("{}: {}", (out_dir / "truth.json").string(), e.what()));
  }
  std::string source;
  const auto params = demo_parameters(options, &source);
  json want = options_json(options, params, source);
  want.erase("parameters_source");
  json have = j.value("options", json::object());
  have.erase("parameters_source");
  if (have != want) return fail(fmt::format("generated with other options: {} (wanted {})", have.dump(), want.dump()));
  return true;
}

}  // namespace tryggve::demo
