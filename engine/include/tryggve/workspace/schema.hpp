#pragma once
// The workspace's tables: one schema for GeoPackage and PostgreSQL, versioned
// (workspace_meta.schema_version) with migrations from version to version.
// Every table is documented in the README ("The workspace"). Tables with a
// geometry hold it in `geom` (the workspace's CRS); every table's key is `fid`,
// and the *_id columns that name a row elsewhere are that row's fid.
//
// Times are stored twice where they are compared: `time` as local ISO 8601 text
// with its UTC offset ("2026-11-03T21:40:00+01:00", what a person reads in QGIS)
// and `time_utc` as seconds since 1970 (what the queries compare).
#include <functional>
#include <string>
#include <vector>

#include "tryggve/io/database.hpp"

namespace tryggve::workspace {

// The schema this build writes and reads.
// 2: deployments/targets by content, target_progress; 3: public transport (the
// GTFS feed, transit_lines, transit_stops, the incidents' transit columns); 4: the
// remembered model fits (model_fits).
inline constexpr int kSchemaVersion = 4;

struct TableSpec {
  std::string name;
  io::GeometryKind kind = io::GeometryKind::None;
  std::vector<io::FieldDef> fields;
  // Reserved: created empty now for the month / follow-up part of the cycle,
  // so that part needs no migration.
  bool reserved = false;
  std::string description;
};

// The tables of kSchemaVersion, in creation order.
const std::vector<TableSpec>& schema();
const TableSpec& table_spec(const std::string& name);

// One step from `from` to `to` (= from + 1), run inside the opening
// transaction; the step is recorded in schema_migrations.
struct Migration {
  int from = 0, to = 0;
  std::string what;
  std::function<void(io::Database&, const io::CrsContext&)> apply;
};
// The built-in steps (1 -> 2: deployment files by content, target_progress;
// 2 -> 3: public transport; 3 -> 4: model_fits).
const std::vector<Migration>& migrations();

// Creates every table of the schema and its indexes (no rows).
void create_schema(io::Database& db, const io::CrsContext& crs);

// Brings a workspace of `found` version to `target` with `steps`, inside a
// transaction the caller holds. Throws Error(BadWorkspace) for a version newer
// than `target` (a newer Tryggve wrote it) or a missing step.
void migrate(io::Database& db, const io::CrsContext& crs, int found, int target, const std::vector<Migration>& steps);

}  // namespace tryggve::workspace
