#pragma once
// The `map` stage: everything issue "Foundation" asks of `tryggve map`, as one
// call the CLI, scenario runs, the demo and the server share.
//
//   read streets ─> build network ─> lixels
//   read incidents ─> classify (15 parameters) ─> remove duplicate reports
//                  ─> snap to the nearest edge ─> tag park / stop / area
//   read parks, stops, lamps, areas, places (or take them from the OSM file)
//   read a GTFS feed ─> transit lines; transit reports ─> placed on board / at
//                  stops (transit_stage.hpp) ─> classify ─> snap ─> tag
//
// Every incident that cannot be placed ends in `rejects` with its reason.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tryggve/core/options.hpp"
#include "tryggve/core/reject.hpp"
#include "tryggve/io/crs.hpp"
#include "tryggve/network/builder.hpp"
#include "tryggve/pipeline/run_folder.hpp"
#include "tryggve/pipeline/transit_stage.hpp"
#include "tryggve/snap/map_data.hpp"

namespace tryggve::pipeline {

struct MapOptions {
  // Inputs.
  std::string streets, incidents, parks, stops, lamps, areas, places;
  std::string gtfs;             // a GTFS feed (zip or folder): the transit_lines/transit_stops layers
  std::string transit_reports;  // an operator's on-board and at-stop reports (needs gtfs)
  std::string crs = "auto";
  std::string timezone = "Europe/Stockholm";
  // Incident columns ("" = auto-detect; see io/incidents.hpp).
  std::string incidents_layer, id_field, time_field, date_field, category_field, actor_field, setting_field,
      text_field, lon_field, lat_field, x_field, y_field, source_crs;
  bool month_first = false;
  std::string default_actor;
  // Areas.
  std::string areas_layer, areas_name_field, areas_code_field, areas_population_field;
  // Classification.
  std::string taxonomy;                     // "" = engine/data/taxonomy.yaml
  std::vector<std::string> mappings{"auto"};
  // Network.
  std::string noding = "auto";  // auto: shared_vertices for OSM, full for other line layers
  double node_tolerance_m = 0.0;
  bool largest_component_only = false;
  double lixel_length_m = 20.0;
  // Snapping and tagging.
  double max_snap_distance_m = 50.0;
  double park_distance_m = 10.0;
  double stop_radius_m = 50.0;
  // Duplicate reports.
  bool no_dedup = false;  // keep duplicate reports
  double dedup_distance_m = 25.0;
  double dedup_minutes = 30.0;

  void declare(OptionSet& o);
};

// The mapped district (snap::MapData: what the analyses read) and where it came
// from: the run's CRS, how the network was built, what was read and rejected, and
// how times were read (the stages that parse dates given by the user read them
// the same way).
struct MapResult : snap::MapData {
  io::CrsContext crs;
  network::BuildReport net_report;
  bool streets_from_osm = false;
  std::size_t incidents_read = 0;  // rows/features in the incident file
  RejectLog rejects;
  // Public transport (when a feed was given).
  std::shared_ptr<const transit::System> transit_system;
  std::string transit_summary;  // the feed's and the lines' summary lines
  std::size_t transit_reports_read = 0, transit_reports_placed = 0;
  std::string timezone = "Europe/Stockholm";
  bool month_first = false;

  // The lines printed at the end of a run.
  std::string summary() const;
  nlohmann::json summary_json() const;
  // The centre of the network's extent as WGS84 longitude (x) and latitude (y):
  // where the sun is for darkness. nullopt for a run without a CRS or without
  // streets. Throws Error(BadCrs) if it cannot be transformed.
  std::optional<Point> centre_lon_lat() const;
};

// Runs the stage. Whole-run problems throw tryggve::Error; per-row problems go to rejects.
MapResult run_map(const MapOptions& options);

// Writes the GeoPackage (atomically): edges, lixels, incidents, rejects, and the
// parks/stops/lamps/areas/places layers that were given or found in the OSM file.
void write_map(const MapResult& result, const std::filesystem::path& out, const std::string& lang = "sv");

// Every rejected row as CSV (file, source_row, reason, detail, x, y, raw), atomically.
void write_rejects_csv(const RejectLog& rejects, const std::filesystem::path& out);

// The map stage's part of a run folder: map.gpkg, map_summary.json and rejects.csv
// (the folder is created if missing).
void write_map_outputs(const MapResult& result, const RunFolder& folder);

}  // namespace tryggve::pipeline
