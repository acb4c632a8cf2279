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
                {"n_reports", I}, {"n_actors", I}, {"actors", S}, {"first_report_id", I}, {"text", S}},
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
                {"source_file", S}, {"intervention_json", S}, {"notes", S}, {"created", S}, {"updated", S}},
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
                {"target_change_pct", R}, {"due", S}, {"status", S}, {"notes", S}, {"created", S}},
               true, "the steering group's targets (e.g. drug dealing reports down by a third by a date)"});
  return t;
}

// Indexes for what intake and the month look up.
const std::vector<std::pair<std::string, std::string>>& indexes() {
  static const std::vector<std::pair<std::string, std::string>> ix = {
      {"intakes", "content_sha256"},     {"intakes", "file_name"},        {"reports", "intake_id"},
      {"reports", "time_utc"},           {"incidents", "time_utc"},       {"incidents", "month"},
      {"incident_reports", "incident_id"}, {"incident_reports", "report_id"}, {"intake_rejects", "intake_id"},
      {"addresses", "street_key"},       {"streets", "edge_id"}};
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
  static const std::vector<Migration> m;
  return m;
}

void create_schema(io::Database& db, const io::CrsContext& crs) {
  for (const auto& t : schema()) db.create_table(t.name, t.kind, t.fields, crs);
  for (const auto& [table, cols] : indexes()) db.create_index(table, cols);
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
