#pragma once
// Taking reports in: files from many actors into the workspace, each row kept
// as a report (with its actor, file, row and raw fields), placed on the street
// network, and made into incidents, cross-actor duplicates linked into one.
//
// All files of one call are ONE transaction: everything or nothing, so a
// failed or killed intake leaves the workspace exactly as it was.
//
// Per file:
//  1. content hash (SHA-256 of the bytes): a file taken in before adds nothing;
//     a file with the same actor and file name but new content is a correction
//     and replaces the earlier file's reports and the incidents only they support;
//  2. read (io::read_incident_table: CSV in any separator and encoding, .xlsx,
//     .ods, GeoPackage, GeoJSON; the profile's field mapping, or the Swedish and
//     English header names); rows with an address or stop and no coordinates are
//     placed by the gazetteer; with a GTFS feed in the workspace (set_gtfs), a
//     row with a line and no coordinates is placed on board from the timetable
//     and a row with a stop at the feed's station (transit::place_row, as the
//     run pipeline's transit reports), the incident keeping its place_type,
//     line, stretch and uncertainty; a stop the feed does not know is looked
//     up in the district's stops; a line without a feed is a reject;
//  3. classify: the profile's own labels first, then the mapping tables;
//  4. same-actor duplicates by the map stage's rules (taxonomy/dedup.hpp:
//     same parameter, within dedup_distance_m and dedup_minutes), within the
//     file and against the actor's earlier reports: rejects naming the kept one
//     (not on-board reports: each is its own event and its point an estimate,
//     as in the run pipeline);
//  5. snap onto the streets and tag park / stop / area as the map stage does;
//  6. cross-actor duplicates (duplicates.hpp): linked into one incident, or a
//     new incident plus a duplicate_review row for uncertain pairs.
// Every row ends as a report or a reject: rows read = reports + rejects, checked.
#include <functional>
#include <string>
#include <vector>

#include "tryggve/core/options.hpp"
#include "tryggve/workspace/duplicates.hpp"
#include "tryggve/workspace/workspace.hpp"

namespace tryggve::workspace {

struct IntakeOptions {
  std::string actor;         // who sent the files (rows with an actor column keep theirs)
  std::string profile;       // a stored profile to read them with ("" = the actor's, if any)
  std::string save_profile;  // store what was used (columns found, mappings) under this name
  // Field mapping, as `tryggve map` names it ("" = the profile's, else auto-detect).
  std::string layer, id_field, time_field, date_field, category_field, actor_field, setting_field, text_field,
      lon_field, lat_field, x_field, y_field, address_field, stop_field, source_crs;
  bool month_first = false;
  std::string timezone;          // "" = the profile's, else the workspace's
  std::string default_setting;   // outdoor | indoor for rows that do not say
  std::string taxonomy;          // "" = the shipped 15 parameters
  std::vector<std::string> mappings{"auto"};
  double max_snap_distance_m = 50.0;
  double park_distance_m = 10.0;
  double stop_radius_m = 50.0;
  double dedup_distance_m = 25.0;
  double dedup_minutes = 30.0;
  DuplicateOptions cross;
  // Called after every row is written and before the commit (tests kill the
  // process here to check that nothing is left behind).
  std::function<void()> before_commit;

  void declare(OptionSet& o);
};

struct FileIntake {
  std::string file;
  std::string status;  // "taken in", "unchanged", "replaced intake N"
  std::int64_t intake_id = -1;
  std::size_t rows_read = 0, reports = 0, rejected = 0, duplicates = 0, linked = 0, review = 0, new_incidents = 0;
  std::vector<std::pair<std::string, std::size_t>> rejects_by_reason;
};

struct IntakeResult {
  std::vector<FileIntake> files;
  std::string summary() const;
};

// Throws tryggve::Error for whole-file problems (nothing is written then).
IntakeResult intake(Workspace& ws, const std::vector<std::string>& files, const IntakeOptions& options);

// SHA-256 of a file's bytes, lower-case hex.
std::string file_sha256(const std::string& path);

}  // namespace tryggve::workspace
