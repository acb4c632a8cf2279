#include "tryggve/pipeline/map_stage.hpp"

#include <chrono>

#include <fmt/format.h>

#include <unordered_map>

#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/csv.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/json_text.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/io/incidents.hpp"
#include "tryggve/io/readers.hpp"
#include "tryggve/io/vector_writer.hpp"
#include "tryggve/snap/snapper.hpp"
#include "tryggve/taxonomy/classifier.hpp"
#include "tryggve/taxonomy/dedup.hpp"

namespace tryggve::pipeline {

namespace fs = std::filesystem;

void MapOptions::declare(OptionSet& o) {
  o.text("streets", streets, "Street lines: OSM .osm/.pbf or any line layer (GeoPackage, GeoJSON, Shapefile, FlatGeobuf)", true)
      .text("incidents", incidents, "Incidents: CSV (lat/lon or x/y), GeoJSON, GeoPackage, Shapefile")
      .text("parks", parks, "Parks and open spaces (polygons); default: from the OSM streets file")
      .text("stops", stops, "Public-transport stops (points, GTFS stops.txt or CSV); default: from the OSM streets file")
      .text("lamps", lamps, "Street lamps (points); default: from the OSM streets file")
      .text("areas", areas, "Areas (polygons: primärområden, DeSO)")
      .text("places", places, "Places: schools, youth centres, squares (points or polygons); default: from OSM")
      .text("gtfs", gtfs, "Public transport: a GTFS feed (.zip or folder); writes the transit_lines and transit_stops layers")
      .text("transit_reports", transit_reports,
            "Transit operator's reports (Västtrafik's export: line and minute on board, or a stop); needs --gtfs")
      .text("crs", crs, "Run CRS: EPSG:NNNN, 'auto' (UTM zone of the data) or 'local' (no CRS, coordinates as they are)")
      .text("timezone", timezone, "Time zone of times without an offset (IANA name or POSIX rule)")
      .text("incidents_layer", incidents_layer, "Layer of the incident file (default: the only/first)")
      .text("id_field", id_field, "Incident id column (default: auto-detect)")
      .text("time_field", time_field, "Time column (default: auto-detect)")
      .text("date_field", date_field, "Separate date column, joined with a time-only column")
      .text("category_field", category_field, "Category column (default: auto-detect)")
      .text("actor_field", actor_field, "Reporting actor column (police, school, housing ...)")
      .text("setting_field", setting_field, "Indoor/outdoor column")
      .text("text_field", text_field, "Free-text column")
      .text("lon_field", lon_field, "Longitude column (WGS84)")
      .text("lat_field", lat_field, "Latitude column (WGS84)")
      .text("x_field", x_field, "x column (in --source-crs)")
      .text("y_field", y_field, "y column (in --source-crs)")
      .text("source_crs", source_crs, "CRS of x/y columns, or of an incident layer that declares none")
      .flag("month_first", month_first, "Ambiguous dates are month first, US style (03/05/2024 = March 5); default: day first")
      .text("default_actor", default_actor, "Actor for rows without one")
      .text("areas_layer", areas_layer, "Layer of the areas file")
      .text("areas_name_field", areas_name_field, "Area name field (default: auto-detect)")
      .text("areas_code_field", areas_code_field, "Area code field (default: auto-detect)")
      .text("areas_population_field", areas_population_field, "Area population field (default: auto-detect)")
      .text("taxonomy", taxonomy, "Taxonomy file (default: the shipped 15 parameters)")
      .list("mappings", mappings, "Category mapping tables, in priority order: auto, polisen, houston, chicago, tryggve or CSV paths")
      .choice("noding", noding, "How lines are split into edges", {"auto", "shared_vertices", "full", "none"})
      .real("node_tolerance_m", node_tolerance_m, "Merge line ends this close to another vertex (CRS units)", 0.0, 1e4)
      .flag("largest_component_only", largest_component_only, "Keep only the largest connected component")
      .real("lixel_length_m", lixel_length_m, "Target lixel length (CRS units)", 0.01, 1e6)
      .real("max_snap_distance_m", max_snap_distance_m, "Farthest an incident may lie from a street (CRS units)", 0.0, 1e6)
      .real("park_distance_m", park_distance_m, "An incident this close to a park counts as at the park", 0.0, 1e4)
      .real("stop_radius_m", stop_radius_m, "Nearest stop within this radius", 0.0, 1e5)
      .flag("no_dedup", no_dedup, "Keep duplicate reports (default: same parameter, place and time are one incident)")
      .real("dedup_distance_m", dedup_distance_m, "Duplicate reports: at most this far apart", 0.0, 1e4)
      .real("dedup_minutes", dedup_minutes, "Duplicate reports: at most this many minutes apart", 0.0, 1e6);
}

}  // namespace tryggve::pipeline

namespace tryggve::pipeline {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

network::Noding choose_noding(const std::string& spec, bool from_osm) {
  if (spec == "auto") return from_osm ? network::Noding::SharedVertices : network::Noding::Full;
  return network::parse_noding(spec);
}

const char* setting_text(Setting s) {
  return s == Setting::Outdoor ? "outdoor" : s == Setting::Indoor ? "indoor" : "";
}

}  // namespace

std::string MapResult::summary() const {
  std::string s = net_report.summary();
  if (!s.empty() && s.back() != '\n') s += '\n';
  s += fmt::format("lixels: {} (target {} {})\n", lixels.size(), lixels.target_length(), crs.is_local() ? "units" : "m");
  if (!incidents_file.empty()) {
    s += fmt::format("incidents: {} read, {} placed, {} rejected\n", incidents_read, incidents.size(), rejects.size());
    const std::string r = rejects.summary();
    if (!r.empty()) s += "  " + r + "\n";
  }
  s += fmt::format("parks {}, stops {}, lamps {}, areas {}, places {}\n", parks.size(), stops.size(), lamps.size(),
                   areas.size(), places.size());
  if (transit_system) {
    s += transit_summary;
    if (transit_reports_read)
      s += fmt::format("transit reports: {} read, {} placed on board or at a stop\n", transit_reports_read,
                       transit_reports_placed);
  }
  return s;
}

nlohmann::json MapResult::summary_json() const {
  nlohmann::json j;
  j["crs"] = crs.describe();
  j["network"] = {{"edges", net.edge_count()},
                  {"vertices", net.vertex_count()},
                  {"total_length", net.total_length()},
                  {"components", net.component_count()},
                  {"lixels", lixels.size()},
                  {"lixel_length_target", lixels.target_length()},
                  {"noding", network::to_string(net_report.noding)}};
  j["incidents"] = {{"read", incidents_read}, {"placed", incidents.size()}, {"rejected", rejects.size()}};
  nlohmann::json by_reason = nlohmann::json::object();
  for (const auto& [reason, n] : rejects.counts()) by_reason[to_string(reason)] = n;
  j["rejects"] = by_reason;
  nlohmann::json params = nlohmann::json::array();
  const auto counts = counts_by_parameter();
  for (const auto& p : taxonomy.parameters())
    params.push_back({{"code", p.code}, {"name_sv", p.name_sv}, {"name_en", p.name_en}, {"count", counts[p.id]}});
  j["parameters"] = params;
  j["layers"] = {{"parks", parks.size()}, {"stops", stops.size()}, {"lamps", lamps.size()},
                 {"areas", areas.size()}, {"places", places.size()}};
  if (transit_system) {
    std::size_t on_board = 0, at_stop = 0, uncertain = 0;
    for (const auto& t : transit) {
      on_board += t.kind == transit::PlaceKind::OnBoard;
      at_stop += t.kind == transit::PlaceKind::Stop;
      uncertain += t.kind == transit::PlaceKind::OnBoard && t.uncertain;
    }
    j["transit"] = {{"lines", transit_system->lines().size()},
                    {"segments", transit_system->segments().size()},
                    {"stations", transit_system->stations().size()},
                    {"reports_read", transit_reports_read},
                    {"reports_placed", transit_reports_placed},
                    {"on_board", on_board},
                    {"at_stop", at_stop},
                    {"on_board_uncertain", uncertain}};
    j["layers"]["transit_lines"] = transit_system->segments().size();
    j["layers"]["transit_stops"] = transit_system->stations().size();
  }
  return j;
}

std::optional<Point> MapResult::centre_lon_lat() const {
  const Envelope e = net.extent();
  if (!crs.has_geographic_reference() || e.empty()) return std::nullopt;
  Point c{0.5 * (e.min_x + e.max_x), 0.5 * (e.min_y + e.max_y)};
  if (!crs.to_wgs84(crs.describe())->apply(c))
    throw Error(ErrorCode::BadCrs, crs.describe(), "cannot find the network centre in WGS84");
  return c;
}

MapResult run_map(const MapOptions& opt) {
  if (opt.streets.empty()) throw Error(ErrorCode::Usage, "map", "--streets is required");
  MapResult r;
  r.crs = io::CrsContext::from_spec(opt.crs);
  r.timezone = opt.timezone;
  r.month_first = opt.month_first;
  r.tag_options.park_distance_m = opt.park_distance_m;
  r.tag_options.stop_radius_m = opt.stop_radius_m;
  r.taxonomy = opt.taxonomy.empty() ? Taxonomy::load_default() : Taxonomy::load(opt.taxonomy);
  const TimeZone zone = TimeZone::from_name(opt.timezone);

  // Streets (and, from an OSM file, everything else it holds in one pass).
  auto t0 = Clock::now();
  std::vector<StreetLine> lines;
  if (io::is_osm_path(opt.streets)) {
    io::OsmReadOptions o;
    o.parks = opt.parks.empty();
    o.stops = opt.stops.empty();
    o.lamps = opt.lamps.empty();
    o.places = opt.places.empty();
    io::OsmData osm = io::read_osm(opt.streets, r.crs, o);
    lines = std::move(osm.streets.lines);
    r.streets_from_osm = true;
    if (o.parks) r.parks = std::move(osm.parks);
    if (o.stops) r.stops = std::move(osm.stops);
    if (o.lamps) r.lamps = std::move(osm.lamps);
    if (o.places) r.places = std::move(osm.places);
    log::info("read {} street lines from OSM {} ({:.2f} s; {} ways not walked or driven on left out)", lines.size(),
              opt.streets, seconds_since(t0), osm.streets.excluded_by_class);
  } else {
    auto s = io::read_streets(opt.streets, r.crs);
    lines = std::move(s.lines);
    log::info("read {} street lines from {} ({:.2f} s)", lines.size(), opt.streets, seconds_since(t0));
  }

  network::BuildOptions bo;
  bo.noding = choose_noding(opt.noding, r.streets_from_osm);
  bo.node_tolerance_m = opt.node_tolerance_m;
  bo.largest_component_only = opt.largest_component_only;
  bo.crs_wkt = r.crs.wkt();
  r.net = network::build_network(std::move(lines), bo, &r.net_report);
  r.lixels = network::Lixelization(r.net, opt.lixel_length_m);

  // Other layers.
  if (!opt.parks.empty()) {
    io::PolygonReadOptions o;
    o.default_kind = "park";
    r.parks = io::read_polygons(opt.parks, r.crs, o);
  }
  if (!opt.areas.empty()) {
    io::PolygonReadOptions o;
    o.layer = opt.areas_layer;
    o.name_field = opt.areas_name_field;
    o.kind_field = opt.areas_code_field;
    o.population_field = opt.areas_population_field;
    o.default_kind = "area";
    r.areas = io::read_polygons(opt.areas, r.crs, o);
  }
  auto read_pts = [&](const std::string& path, io::PointSet set) {
    io::PointReadOptions o;
    o.set = set;
    return io::read_points(path, r.crs, o);
  };
  if (!opt.stops.empty()) r.stops = read_pts(opt.stops, io::PointSet::Stops);
  if (!opt.lamps.empty()) r.lamps = read_pts(opt.lamps, io::PointSet::Lamps);
  if (!opt.places.empty()) r.places = read_pts(opt.places, io::PointSet::Places);

  if (!opt.transit_reports.empty() && opt.gtfs.empty())
    throw Error(ErrorCode::Usage, "map", "--transit-reports needs --gtfs (the feed the reports are placed on)");
  if (!opt.gtfs.empty()) {
    t0 = Clock::now();
    TransitNetwork tn = load_transit(opt.gtfs, r.crs, r.rejects);
    r.transit_system = tn.system;
    r.transit_summary = tn.read_report.summary(&r.rejects) + "\n" + tn.build_report.summary() + "\n";
    log::info("built {} transit lines from {} ({:.2f} s)", r.transit_system->lines().size(), opt.gtfs, seconds_since(t0));
  }
  if (opt.incidents.empty() && opt.transit_reports.empty()) return r;
  const Classifier classifier(r.taxonomy, opt.mappings);
  const snap::EdgeIndex index(r.net);
  snap::SnapOptions so;
  so.max_distance_m = opt.max_snap_distance_m;
  DedupOptions dd;
  dd.max_distance_m = opt.dedup_distance_m;
  dd.max_minutes = opt.dedup_minutes;

  if (!opt.incidents.empty()) {
    // Incidents: read -> classify -> dedup -> snap -> tag.
    r.incidents_file = opt.incidents;
    io::IncidentFieldMapping m;
    m.layer = opt.incidents_layer;
    m.id = opt.id_field;
    m.time = opt.time_field;
    m.date = opt.date_field;
    m.category = opt.category_field;
    m.actor = opt.actor_field;
    m.setting = opt.setting_field;
    m.text = opt.text_field;
    m.lon = opt.lon_field;
    m.lat = opt.lat_field;
    m.x = opt.x_field;
    m.y = opt.y_field;
    m.source_crs = opt.source_crs;
    m.day_first = !opt.month_first;
    m.default_actor = opt.default_actor;
    m.expected_extent = r.net.extent();  // swapped lat/lon columns are one named mistake, not every row rejected
    t0 = Clock::now();
    const std::size_t rejects_before = r.rejects.size();  // the feed's own rejects come first
    std::vector<Incident> incidents = io::read_incidents(opt.incidents, r.crs, m, zone, r.rejects);
    r.incidents_read = incidents.size() + r.rejects.size() - rejects_before;
    incidents = classifier.classify_all(std::move(incidents), r.rejects, opt.incidents);
    if (!opt.no_dedup) incidents = remove_duplicates(std::move(incidents), r.rejects, opt.incidents, dd);
    log::info("read {} incidents from {} ({:.2f} s)", r.incidents_read, opt.incidents, seconds_since(t0));

    t0 = Clock::now();
    auto snapped = snap::snap_incidents(index, std::move(incidents), so, r.rejects, opt.incidents);
    r.incidents = std::move(snapped.incidents);
    r.snaps = std::move(snapped.snaps);
  }

  if (!opt.transit_reports.empty()) {
    // Transit reports: place on board / at the stop -> classify -> snap the
    // place's point to the streets (so the street analyses count them too).
    // Each step keeps the input order and drops rows to rejects, so a report's
    // place is found again by its row. No duplicate removal: an operator's
    // reports are each their own event, and an on-board point is an estimate
    // (two reports from one busy tram would look like one).
    if (r.incidents_file.empty()) r.incidents_file = opt.transit_reports;
    const transit::Placer placer(*r.transit_system);
    TransitReports tr =
        read_transit_reports(opt.transit_reports, placer, r.crs, zone, opt.default_actor, r.rejects);
    r.transit_reports_read = tr.rows_read;
    r.incidents_read += tr.rows_read;
    std::unordered_map<std::int64_t, std::size_t> place_of_row;
    for (std::size_t k = 0; k < tr.incidents.size(); ++k) place_of_row[tr.incidents[k].source_row] = k;
    std::vector<Incident> inc = classifier.classify_all(std::move(tr.incidents), r.rejects, opt.transit_reports);
    auto snapped = snap::snap_incidents(index, std::move(inc), so, r.rejects, opt.transit_reports);
    r.transit.resize(r.incidents.size());
    for (std::size_t k = 0; k < snapped.incidents.size(); ++k) {
      r.transit.push_back(tr.places[place_of_row.at(snapped.incidents[k].source_row)]);
      r.incidents.push_back(std::move(snapped.incidents[k]));
      r.snaps.push_back(snapped.snaps[k]);
    }
    r.transit_reports_placed = snapped.incidents.size();
  }
  r.lixel_of.resize(r.incidents.size());
  for (std::size_t i = 0; i < r.incidents.size(); ++i)
    r.lixel_of[i] = r.lixels.lixel_at(r.snaps[i].edge, r.snaps[i].offset);

  const snap::PlaceTagger tagger(r.parks, r.stops, r.areas, r.tag_options);
  std::vector<Point> pts;
  pts.reserve(r.incidents.size());
  for (const auto& i : r.incidents) pts.push_back(i.pos);
  r.tags = tagger.tag_all(pts);
  r.rejects.sort();
  log::info("snapped and tagged {} incidents ({:.2f} s)", r.incidents.size(), seconds_since(t0));
  return r;
}

void write_map(const MapResult& r, const fs::path& out, const std::string& lang) {
  using io::FieldType;
  const auto t0 = Clock::now();
  io::VectorWriter w(out, r.crs, {.lang = lang});
  io::write_edges(w, r.net);
  io::write_lixels(w, r.net, r.lixels);

  auto& inc = w.add_layer(outputs::kIncidentsLayer, io::GeometryKind::Point,
                          {{"incident_id", FieldType::Int64}, {"source_row", FieldType::Int64},
                           {"time", FieldType::DateTime}, {"month", FieldType::String},
                           {"parameter", FieldType::String}, {"parameter_sv", FieldType::String},
                           {"parameter_en", FieldType::String}, {"severity", FieldType::Real},
                           {"category", FieldType::String}, {"actor", FieldType::String},
                           {"setting", FieldType::String}, {"weight", FieldType::Real},
                           {"edge_id", FieldType::Int64}, {"offset_m", FieldType::Real},
                           {"snap_distance_m", FieldType::Real}, {"snap_x", FieldType::Real},
                           {"snap_y", FieldType::Real}, {"lixel_id", FieldType::Int64},
                           {"park_id", FieldType::Int64}, {"park_name", FieldType::String},
                           {"park_distance_m", FieldType::Real}, {"stop_id", FieldType::Int64},
                           {"stop_name", FieldType::String}, {"stop_distance_m", FieldType::Real},
                           {"area_id", FieldType::Int64}, {"area_name", FieldType::String},
                           {"place_type", FieldType::String}, {"line", FieldType::String},
                           {"transit_mode", FieldType::String},
                           {"transit_from", FieldType::String}, {"transit_to", FieldType::String},
                           {"transit_stop", FieldType::String}, {"stretch_m", FieldType::Real},
                           {"uncertain", FieldType::Int64}, {"text", FieldType::String}});
  for (std::size_t k = 0; k < r.incidents.size(); ++k) {
    const Incident& i = r.incidents[k];
    const auto& s = r.snaps[k];
    const auto& t = r.tags[k];
    const Parameter& p = r.taxonomy[i.parameter];
    io::FieldValue time, month;
    if (i.has_time) {
      time = i.time;
      month = month_label(month_index(i.time));
    }
    auto idx = [](std::uint32_t v) { return v == snap::kNoPlace ? io::FieldValue() : io::FieldValue(v); };
    const transit::TransitPlace* tp = r.transit_place(k);
    const bool onb = tp && tp->kind == transit::PlaceKind::OnBoard;
    inc.add({i.id, i.source_row, time, month, p.code, p.name_sv, p.name_en, p.weight, i.category, i.actor,
             setting_text(i.setting), i.weight, s.edge, s.offset, s.distance, s.point.x, s.point.y, r.lixel_of[k],
             idx(t.park), t.park == snap::kNoPlace ? io::FieldValue() : io::FieldValue(r.parks[t.park].name),
             t.park == snap::kNoPlace ? io::FieldValue() : io::FieldValue(t.park_distance), idx(t.stop),
             t.stop == snap::kNoPlace ? io::FieldValue() : io::FieldValue(r.stops[t.stop].name),
             t.stop == snap::kNoPlace ? io::FieldValue() : io::FieldValue(t.stop_distance), idx(t.area),
             t.area == snap::kNoPlace ? io::FieldValue() : io::FieldValue(r.areas[t.area].name),
             tp ? io::FieldValue(transit::to_string(tp->kind)) : io::FieldValue(),
             tp && !tp->line.empty() ? io::FieldValue(tp->line) : io::FieldValue(),
             tp && !tp->mode.empty() ? io::FieldValue(tp->mode) : io::FieldValue(),
             onb ? io::FieldValue(tp->from_stop) : io::FieldValue(), onb ? io::FieldValue(tp->to_stop) : io::FieldValue(),
             tp && !onb ? io::FieldValue(tp->station_name) : io::FieldValue(),
             onb ? io::FieldValue(tp->stretch_m) : io::FieldValue(), onb ? io::FieldValue(tp->uncertain) : io::FieldValue(),
             i.text},
            i.pos);
  }

  auto& rej = w.add_layer(outputs::kRejectsLayer, io::GeometryKind::Point,
                          {{"file", FieldType::String}, {"source_row", FieldType::Int64},
                           {"reason", FieldType::String}, {"detail", FieldType::String}, {"raw", FieldType::String}});
  for (const auto& x : r.rejects.items()) {
    io::Geometry g;
    if (x.has_pos) g = x.pos;
    rej.add({x.file, x.source_row, to_string(x.reason), x.detail, x.raw}, g);
  }
  if (!r.parks.empty()) io::write_polygons(w, outputs::kParksLayer, r.parks);
  if (!r.stops.empty()) io::write_points(w, outputs::kStopsLayer, r.stops);
  if (!r.lamps.empty()) io::write_points(w, outputs::kLampsLayer, r.lamps);
  if (!r.areas.empty()) io::write_polygons(w, outputs::kAreasLayer, r.areas);
  if (!r.places.empty()) io::write_points(w, outputs::kPlacesLayer, r.places);
  if (r.transit_system) write_transit_layers(w, *r.transit_system);
  w.commit();
  log::info("wrote {} ({:.2f} s)", out.string(), seconds_since(t0));
}

void write_rejects_csv(const RejectLog& rejects, const fs::path& out) {
  std::string text = "file,source_row,reason,detail,x,y,raw\n";
  for (const auto& x : rejects.items()) {
    text += fmt::format("{},{},{},{},{},{},{}\n", csv_field(x.file), x.source_row, csv_field(to_string(x.reason)),
                        csv_field(x.detail), x.has_pos ? fmt::format("{:.3f}", x.pos.x) : std::string(),
                        x.has_pos ? fmt::format("{:.3f}", x.pos.y) : std::string(), csv_field(x.raw));
  }
  write_text_atomically(out, text);
}

void write_map_outputs(const MapResult& result, const RunFolder& folder) {
  folder.create();
  write_map(result, folder.file(outputs::kMapGpkg), folder.lang());
  write_text_atomically(folder.file(outputs::kMapSummaryJson), json_text(result.summary_json(), 2) + "\n");
  write_rejects_csv(result.rejects, folder.file(outputs::kRejectsCsv));
}

}  // namespace tryggve::pipeline
