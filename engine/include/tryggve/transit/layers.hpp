#pragma once
// The lines and stops of a System as map features (pure: the pipeline and the
// workspace write them as the layers `transit_lines` and `transit_stops`, so
// QGIS and the viewer show public transport beside the streets).
//   transit_lines  one LineString per segment (a line's stretch between two
//                  consecutive stops, per direction): the route's short name,
//                  mode, direction and headsign, the two stops' names.
//   transit_stops  one point per station (the stop area: both platforms), with
//                  the lines that serve it.
#include <cstdint>
#include <string>
#include <vector>

#include "tryggve/transit/system.hpp"

namespace tryggve::transit {

struct LineFeature {
  std::uint32_t segment = 0;  // System::segments() index
  std::string route_id, line, mode;  // "5", "spårvagn"
  int direction = -1;
  std::string headsign;
  std::uint32_t index = 0;    // k: from the line's stop k to k + 1
  std::string from_stop, to_stop;  // station names
  std::string from_stop_id, to_stop_id;  // the feed's stop ids (platforms)
  double length_m = 0;
  std::string source;         // SegmentSource: how the geometry was made
  Polyline geometry;
};

struct StopFeature {
  std::uint32_t station = 0;  // System::stations() index
  std::string stop_id, name;
  std::string lines;          // "25, 45, 5": the short names serving it, sorted
  std::size_t platforms = 0;
  Point pos;
};

std::vector<LineFeature> line_features(const System& sys);
std::vector<StopFeature> stop_features(const System& sys);

}  // namespace tryggve::transit
