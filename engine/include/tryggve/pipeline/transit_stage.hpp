#pragma once
// Public transport in the map stage: a GTFS feed (zip or folder) built into a
// transit::System on the run's CRS, and an operator's transit reports
// (Västtrafik's export: one row per report, with a line and a minute on board or
// a stop; transit/place.hpp says which columns) placed on it. Each placed report
// becomes an incident at its most likely point with its TransitPlace (place type
// on_board or stop, the line, the stretch); every row that cannot be placed is a
// reject with the file, the row, the reason and the candidates, so rows read =
// placed + rejected.
//
// The layers `transit_lines` (one LineString per segment between two stops,
// per direction) and `transit_stops` (one point per station) go to map.gpkg and
// to a workspace, written by the same function.
#include <memory>
#include <string>
#include <vector>

#include "tryggve/core/incident.hpp"
#include "tryggve/core/reject.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/io/crs.hpp"
#include "tryggve/io/gtfs.hpp"
#include "tryggve/io/vector_writer.hpp"
#include "tryggve/transit/place.hpp"
#include "tryggve/transit/system.hpp"

namespace tryggve::pipeline {

inline constexpr const char* kTransitLinesLayer = "transit_lines";
inline constexpr const char* kTransitStopsLayer = "transit_stops";

struct TransitNetwork {
  std::shared_ptr<const transit::System> system;
  io::GtfsReport read_report;
  transit::BuildReport build_report;
};

// Reads and builds the feed. The feed's per-row problems go to `rejects` (with
// the feed file and row); whole-feed problems throw as io::read_gtfs does.
TransitNetwork load_transit(const std::string& gtfs_path, io::CrsContext& crs, RejectLog& rejects);

// Transit reports read from a file: incidents (unclassified; pos = the place's
// point) and their places, parallel. Rows that cannot be placed go to rejects.
struct TransitReports {
  std::vector<Incident> incidents;
  std::vector<transit::TransitPlace> places;
  std::size_t rows_read = 0;
};
TransitReports read_transit_reports(const std::string& path, const transit::Placer& placer, io::CrsContext& crs,
                                    const TimeZone& zone, const std::string& default_actor, RejectLog& rejects);

// Adds the two layers to an output (labels in the writer's language).
void write_transit_layers(io::VectorWriter& w, const transit::System& sys);

}  // namespace tryggve::pipeline
