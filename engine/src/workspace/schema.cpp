#include "tryggve/workspace/schema.hpp"

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/version.hpp"

namespace tryggve::workspace {

using io::FieldType;
using io::GeometryKind;

namespace {

constexpr FieldType I = FieldType::Int64;
constexpr FieldType R = FieldType::Real;
constexpr FieldType S = FieldType::String;

// Version 2: each month's progress towards each target.
TableSpec target_progress_spec() {
  return {"target_progress", GeometryKind::None,
          {{"month", S}, {"target_id", I}, {"current_value", R}, {"baseline_value", R}, {"target_value", R},
           {"progress_pct", R}, {"expected_at_due", R}, {"expected_lo", R}, {"expected_hi", R}, {"probability", R},
           {"planned_rr", R}, {"detail_json", S}, {"created", S}},
          false, "each month's progress towards each target and the probability of meeting it by its date"};
}

// Version 3: public transport. The GTFS feed is kept as its files (text, each
// with its sha256), not as normalised tables: io::read_gtfs is the one reader
// that checks a feed, so the workspace rebuilds exactly the System the run
// pipeline builds from the same files, the feed's identity is its files'
// hashes, and no second copy of GTFS's schema has to follow the reader. What
// QGIS shows are the derived layers transit_lines and transit_stops (the run
// folder's map.gpkg layers of the same names).
std::vector<TableSpec> transit_specs() {
  return {{"transit_feed", GeometryKind::None,
           {{"file_name", S}, {"bytes", I}, {"sha256", S}, {"content", S}, {"source", S}, {"feed_sha256", S},
            {"created", S}},
           false, "the GTFS feed's files as they were given (text), each with its sha256; feed_sha256 names the feed"},
          {"transit_lines", GeometryKind::Line,
           {{"segment_id", I}, {"route_id", S}, {"line", S}, {"mode", S}, {"direction", I}, {"headsign", S},
            {"stop_index", I}, {"from_stop", S}, {"to_stop", S}, {"from_stop_id", S}, {"to_stop_id", S},
            {"length_m", R}, {"geometry_source", S}},
           false, "each line's segments between consecutive stops, per direction (from the feed)"},
          {"transit_stops", GeometryKind::Point,
           {{"station_id", I}, {"stop_id", S}, {"name", S}, {"lines", S}, {"platforms", I}}, false,
           "the feed's stations (stop areas) with the lines that serve them"}};
}

// Version 3: where an incident is on public transport (the map stage's columns).
std::vector<io::FieldDef> incident_transit_fields() {
  return {{"place_type", S},   {"line", S},         {"transit_mode", S},    {"transit_from", S}, {"transit_to", S},
          {"transit_stop", S}, {"transit_stop_id", S}, {"stretch_m", R},     {"uncertain", I}};
}

// Version 4: the model fits the month made, by the digest of their inputs
// (simulation/fit_cache.hpp), so the next month, a re-run and a deployment's
// follow-up take them instead of fitting again. `parameters` is the fit as JSON
// that reads back to the same bits; rows of another software_version are ignored.
TableSpec model_fits_spec() {
  return {"model_fits", GeometryKind::None,
          {{"digest", S}, {"parameters", S}, {"software_version", S}, {"created", S}},
          false, "the self-exciting model's fits by the SHA-256 of their inputs (events, cells, calendar, options)"};
}

std::vector<TableSpec> make_schema() {
  std::vector<TableSpec> t;
  t.push_back({"workspace_meta", GeometryKind::None, {{"key", S}, {"value", S}}, false,
               "schema_version, crs, crs_wkt, timezone, created, software_version, taxonomy"});
  t.push_back({"schema_migrations", GeometryKind::None,
               {{"from_version", I}, {"to_version", I}, {"what", S}, {"applied", S}, {"software_version", S}}, false,
               "every migration applied to this workspace"});
  // The district.
  t.push_back({"streets", GeometryKind::Line,
               {{"edge_id", I}, {"from_vertex", I}, {"to_vertex", I}, {"name", S}, {"class", S}, {"lit", S},
                {"tunnel", I}, {"length_m", R}, {"component", I}, {"source_id", I}},
               false, "the street network's edges (edge_id = position in the network)"});
  t.push_back({"areas", GeometryKind::Polygon,
               {{"area_id", I}, {"source_id", I}, {"name", S}, {"code", S}, {"population", R}}, false,
               "areas (primärområden, DeSO) with population where known"});
  t.push_back({"parks", GeometryKind::Polygon, {{"park_id", I}, {"source_id", I}, {"name", S}, {"kind", S}}, false,
               "parks and open spaces"});
  t.push_back({"stops", GeometryKind::Point, {{"stop_id", I}, {"source_id", I}, {"name", S}, {"kind", S}}, false,
               "public-transport stops"});
  t.push_back({"lamps", GeometryKind::Point, {{"lamp_id", I}, {"source_id", I}, {"kind", S}, {"radius_m", R}}, false,
               "street lamps"});
  t.push_back({"places", GeometryKind::Point, {{"place_id", I}, {"source_id", I}, {"name", S}, {"kind", S}}, false,
               "schools, youth centres, libraries, sports centres"});
  t.push_back({"addresses", GeometryKind::Point,
               {{"address_id", I}, {"source_id", I}, {"street", S}, {"housenumber", S}, {"postcode", S}, {"city", S},
                {"street_key", S}, {"number_key", S}, {"source", S}},
               false, "OSM addr:* of nodes and buildings (centroids): the offline gazetteer"});
  // Who reports, and how their files look.
  t.push_back({"actors", GeometryKind::None, {{"name", S}, {"kind", S}, {"profile", S}, {"created", S}}, false,
               "police, schools, city district, Västtrafik, parks, housing, property owners, citizens"});
  t.push_back({"profiles", GeometryKind::None,
               {{"name", S}, {"actor", S}, {"profile_json", S}, {"created", S}, {"updated", S}}, false,
               "field mapping, category mapping, time zone, default setting (JSON)"});
  // Intake.
  t.push_back({"intakes", GeometryKind::None,
               {{"file_name", S}, {"file_path", S}, {"content_sha256", S}, {"bytes", I}, {"actor", S}, {"profile", S},
                {"format", S}, {"rows_read", I}, {"rows_placed", I}, {"rows_rejected", I}, {"duplicates", I},
                {"cross_actor_links", I}, {"review_pairs", I}, {"new_incidents", I}, {"started", S},
                {"started_utc", I}, {"finished", S}, {"status", S}, {"replaces_intake", I}, {"replaced_by", I},
                {"software_version", S}},
               false, "one row per file taken in; status committed | replaced"});
  t.push_back({"reports", GeometryKind::Point,
               {{"intake_id", I}, {"actor", S}, {"source_file", S}, {"source_row", I}, {"source_id", S},
                {"raw_json", S}, {"time", S}, {"time_utc", I}, {"month", S}, {"category", S}, {"parameter", S},
                {"setting", S}, {"address", S}, {"placed_by", S}, {"snap_distance_m", R}, {"edge_id", I},
                {"text", S}},
               false, "every row taken in, as reported (geometry: the reported or geocoded position)"});
  t.push_back({"incidents", GeometryKind::Point,
               {{"edge_id", I}, {"offset_m", R}, {"time", S}, {"time_utc", I}, {"month", S}, {"parameter", S},
                {"parameter_sv", S}, {"parameter_en", S}, {"severity", R}, {"setting", S}, {"park_id", I},
                {"park_name", S}, {"stop_id", I}, {"stop_name", S}, {"area_id", I}, {"area_name", S},
                {"n_reports", I}, {"n_actors", I}, {"actors", S}, {"first_report_id", I}, {"text", S},
                {"place_type", S}, {"line", S}, {"transit_mode", S}, {"transit_from", S}, {"transit_to", S},
                {"transit_stop", S}, {"transit_stop_id", S}, {"stretch_m", R}, {"uncertain", I}},
               false, "one per event (geometry: on the street); reports of several actors are linked, not deleted"});
  t.push_back({"incident_reports", GeometryKind::None,
               {{"incident_id", I}, {"report_id", I}, {"link", S}, {"score", R}}, false,
               "which incident each report belongs to (link: first | cross_actor)"});
  t.push_back({"duplicate_review", GeometryKind::None,
               {{"report_id", I}, {"incident_id", I}, {"candidate_incident_id", I}, {"score", R}, {"distance_m", R},
                {"minutes", R}, {"parameter_score", R}, {"text_score", R}, {"status", S}, {"created", S}},
               false, "uncertain cross-actor pairs: the report made its own incident; a person decides"});
  t.push_back({"intake_rejects", GeometryKind::Point,
               {{"intake_id", I}, {"file", S}, {"source_row", I}, {"reason", S}, {"detail", S}, {"raw", S}}, false,
               "every row not taken in, with its reason"});
  // Reserved for the month and the follow-up (issue 11, part 2).
  t.push_back({"assessments", GeometryKind::None,
               {{"month", S}, {"unit_type", S}, {"unit_id", I}, {"unit_name", S}, {"parameter", S},
                {"incidents", I}, {"reports", I}, {"actors", I}, {"severity", R}, {"rate_per_km", R},
                {"rate_per_1000", R}, {"change_prev", R}, {"change_prev_pct", R}, {"change_year", R},
                {"change_year_pct", R}, {"level", I}, {"trend", S}, {"suppressed", I}, {"created", S},
                {"run_folder", S}},
               true, "the month's situation picture per unit (district, area, place type) and parameter"});
  t.push_back({"proposals", GeometryKind::Line,
               {{"month", S}, {"made_in_month", S}, {"kind", S}, {"rank", I}, {"edge_ids", S}, {"place_name", S},
                {"windows", S}, {"dose", R}, {"dose_unit", S}, {"cost_sek", R}, {"prevented", R},
                {"prevented_lo", R}, {"prevented_hi", R}, {"status", S}, {"deployment_id", I}, {"detail_json", S},
                {"created", S}},
               true, "next month's proposed deployment (patrol places, lighting projects, walk routes)"});
  t.push_back({"deployments", GeometryKind::Polygon,
               {{"name", S}, {"type", S}, {"where_json", S}, {"when_json", S}, {"dose", R}, {"dose_unit", S},
                {"cost_sek", R}, {"planned_start", S}, {"planned_end", S}, {"actual_start", S}, {"actual_end", S},
                {"actual_start_utc", I}, {"actual_end_utc", I}, {"proposal_id", I}, {"actor", S},
                {"source_file", S}, {"intervention_json", S}, {"notes", S}, {"created", S}, {"updated", S},
                {"source_sha256", S}},
               true, "measures actually deployed (the scenario files' intervention grammar + actual dates)"});
  t.push_back({"followups", GeometryKind::None,
               {{"deployment_id", I}, {"month", S}, {"phase", S}, {"observed", R}, {"expected", R},
                {"expected_lo", R}, {"expected_hi", R}, {"relative_risk", R}, {"rr_lo", R}, {"rr_hi", R},
                {"comparison_area", S}, {"did_estimate", R}, {"did_lo", R}, {"did_hi", R}, {"ring_observed", R},
                {"ring_expected", R}, {"wdq", R}, {"recorded_vs_true", S}, {"detail_json", S}, {"created", S}},
               true, "each deployment's follow-up: observed vs counterfactual, comparison area, displacement"});
  t.push_back({"targets", GeometryKind::None,
               {{"name", S}, {"parameter", S}, {"unit_type", S}, {"unit_id", I}, {"unit_name", S},
                {"baseline_from", S}, {"baseline_to", S}, {"baseline_value", R}, {"target_value", R},
                {"target_change_pct", R}, {"due", S}, {"status", S}, {"notes", S}, {"created", S}, {"source_file", S},
                {"source_sha256", S}},
               true, "the steering group's targets (e.g. drug dealing reports down by a third by a date)"});
  t.push_back(target_progress_spec());
  for (auto& x : transit_specs()) t.push_back(std::move(x));
  t.push_back(model_fits_spec());
  return t;
}

// Indexes for what intake and the month look up.
const std::vector<std::pair<std::string, std::string>>& indexes() {
  static const std::vector<std::pair<std::string, std::string>> ix = {
      {"intakes", "content_sha256"},     {"intakes", "file_name"},        {"reports", "intake_id"},
      {"reports", "time_utc"},           {"incidents", "time_utc"},       {"incidents", "month"},
      {"incident_reports", "incident_id"}, {"incident_reports", "report_id"}, {"intake_rejects", "intake_id"},
      {"addresses", "street_key"},       {"streets", "edge_id"},          {"assessments", "month"},
      {"proposals", "made_in_month"},    {"followups", "month"},          {"target_progress", "month"},
      {"incidents", "line"}};
  return ix;
}

}  // namespace

const std::vector<TableSpec>& schema() {
  static const std::vector<TableSpec> s = make_schema();
  return s;
}

const TableSpec& table_spec(const std::string& name) {
  for (const auto& t : schema())
    if (t.name == name) return t;
  throw Error(ErrorCode::Internal, "workspace schema", "no table " + name);
}

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> m = {
      {1, 2, "deployment and target files remembered by content (source_sha256, targets.source_file); target_progress",
       [](io::Database& db, const io::CrsContext& crs) {
         // Plain SQL both back ends understand; the tables were created empty in version 1.
         db.execute("ALTER TABLE deployments ADD COLUMN source_sha256 TEXT");
         db.execute("ALTER TABLE targets ADD COLUMN source_file TEXT");
         db.execute("ALTER TABLE targets ADD COLUMN source_sha256 TEXT");
         const auto t = target_progress_spec();
         db.create_table(t.name, t.kind, t.fields, crs);
         for (const char* ix : {"assessments", "proposals", "followups", "target_progress"})
           db.create_index(ix, std::string(ix) == "proposals" ? "made_in_month" : "month");
       }},
      {2, 3, "public transport: the GTFS feed (transit_feed), transit_lines, transit_stops; incidents' place_type, "
             "line, transit_mode, transit_from/to, transit_stop(_id), stretch_m, uncertain",
       [](io::Database& db, const io::CrsContext& crs) {
         // The column types each back end's OGR driver reads back as String, Real, Int64.
         const bool pg = db.backend() == io::DbBackend::PostgreSQL;
         for (const auto& f : incident_transit_fields())
           db.execute(fmt::format("ALTER TABLE incidents ADD COLUMN {} {}", f.name,
                                  f.type == FieldType::String ? "TEXT"
                                  : f.type == FieldType::Real ? (pg ? "DOUBLE PRECISION" : "REAL")
                                                              : (pg ? "BIGINT" : "INTEGER")));
         for (const auto& t : transit_specs()) db.create_table(t.name, t.kind, t.fields, crs);
         db.create_index("incidents", "line");
       }},
      {3, 4, "remembered model fits (model_fits: digest, parameters, software_version, created)",
       [](io::Database& db, const io::CrsContext& crs) {
         const auto t = model_fits_spec();
         db.create_table(t.name, t.kind, t.fields, crs);
         db.create_index(t.name, "digest", true);
       }}};
  return m;
}

void create_schema(io::Database& db, const io::CrsContext& crs) {
  for (const auto& t : schema()) db.create_table(t.name, t.kind, t.fields, crs);
  for (const auto& [table, cols] : indexes()) db.create_index(table, cols);
  db.create_index("model_fits", "digest", true);  // one row per digest: the month replaces, never adds a second
}

void migrate(io::Database& db, const io::CrsContext& crs, int found, int target, const std::vector<Migration>& steps) {
  if (found > target)
    throw Error(ErrorCode::BadWorkspace, db.name(),
                fmt::format("the workspace has schema version {}, newer than this Tryggve ({}) knows ({}): use the "
                            "Tryggve that wrote it, or a newer one",
                            found, kVersion, target));
  if (found < 1) throw Error(ErrorCode::BadWorkspace, db.name(), fmt::format("schema version {} is not valid", found));
  for (int v = found; v < target; ++v) {
    const Migration* step = nullptr;
    for (const auto& m : steps)
      if (m.from == v && m.to == v + 1) step = &m;
    if (!step)
      throw Error(ErrorCode::BadWorkspace, db.name(),
                  fmt::format("no migration from schema version {} to {}", v, v + 1));
    step->apply(db, crs);
    db.insert("schema_migrations", {"from_version", "to_version", "what", "applied", "software_version"},
              {v, v + 1, step->what, to_iso8601(TimeZone::utc().at_utc(std::time(nullptr))), kVersion});
    db.execute(fmt::format("UPDATE workspace_meta SET value = '{}' WHERE key = 'schema_version'", v + 1));
  }
}

}  // namespace tryggve::workspace
