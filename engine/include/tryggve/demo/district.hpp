#pragma once
// The demo district: a SYNTHETIC Swedish suburb of about 3 x 3 km, placed at
// Hisingsbacka's real position (about 57.75 N, 11.98 E) so that sun and darkness
// are right, laid out the way suburbs of the 1960s-70s were (SCAFT traffic
// separation): an arterial ring road with a through road, collector streets
// ending in residential loops and cul-de-sacs, a pedestrian square (torg) with
// a shopping centre, footpaths and cycle paths through parks and between housing
// blocks, pedestrian tunnels under the ring, villa streets outside it.
//
// The geometry does not depend on the incident seed: scenarios and documents can
// name its places and segments. Everything is in SWEREF99 TM (EPSG:3006), metres.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tryggve/core/geometry.hpp"

namespace tryggve::demo {

using Tags = std::vector<std::pair<std::string, std::string>>;

// Where a segment lies, for the incident model's location affinities.
enum class SegmentKind : std::uint8_t {
  Arterial,     // primary / secondary roads
  Collector,    // tertiary
  Residential,  // residential streets, loops and cul-de-sacs
  Service,      // parking and delivery roads
  Footway,      // footways and cycleways between housing blocks
  ParkPath,     // footways and paths inside parks and woods
  Square,       // the pedestrian torg
  Steps,
  StopAccess,   // the short path from the road to a stop's platform
  Tunnel,       // pedestrian tunnel under the ring road
};
const char* to_string(SegmentKind k);

struct Node {
  // Positive ids from 1: GDAL's OSM driver rejects negative (unsaved-data) ids
  // unless OSM_USE_CUSTOM_INDEXING=NO, so a user's tools could not read them.
  std::int64_t id = 0;
  Point pos;
  Tags tags;  // non-empty for stops and lamps (street lamps are nodes of no way)
};

struct Way {
  std::int64_t id = 0;            // positive, from 1
  std::vector<std::uint32_t> nodes;  // indices into District::nodes
  Tags tags;                      // highway, name, lit, tunnel, layer, ...
  std::string highway, name;
  bool lit = false;
  bool tunnel = false;
  SegmentKind kind = SegmentKind::Residential;
};

// A street segment exactly as a network builder that splits OSM ways at shared
// nodes and way ends produces it: segment ids are stable for a given generator
// version, and `way_id`, `from_node`, `to_node` and `mid` find it again in any
// network built from streets.osm.
struct Segment {
  std::uint32_t id = 0;
  std::uint32_t way = 0;  // index into District::ways
  std::uint32_t from = 0, to = 0;  // node indices
  Polyline geometry;
  double length_m = 0;
  Point mid;  // the point halfway along
  SegmentKind kind = SegmentKind::Residential;
  bool lit = false;        // as tagged now (the end of the simulated period)
  bool lamp_line = false;  // lit only since the historical lighting intervention
  bool in_park = false;
};

struct Lamp {
  std::int64_t node_id = 0;  // the OSM node id
  Point pos;
  std::uint32_t way = 0;     // the way it lights
  std::string installed;     // "YYYY-MM-DD"
  bool lamp_line = false;    // part of the historical lighting intervention
};

struct Stop {
  std::int64_t node_id = 0;
  std::string name;
  Point pos;
  bool tram = false;         // served by tram as well as bus
  std::uint32_t segment = 0; // the access path's segment
};

struct Place {
  std::int64_t id = 0;
  std::string name;
  std::string kind;  // school, youth_centre, shopping_centre, square, library
  Point pos;
};

struct PolygonArea {
  std::int64_t id = 0;
  std::string name;
  std::string kind;  // parks: park, wood, playground; areas: the area code
  std::string code;  // areas only
  int population = 0;  // areas only
  Ring ring;         // closed
};

struct District {
  Point origin;   // SWEREF99 TM of the district's south-west corner
  double size_m = 3000;
  double centre_lat = 0, centre_lon = 0;  // WGS84, for the sun
  std::vector<Node> nodes;   // way nodes first, then stop and lamp nodes
  std::vector<Way> ways;
  std::vector<Segment> segments;
  std::vector<Lamp> lamps;
  std::vector<Stop> stops;
  std::vector<Place> places;
  std::vector<PolygonArea> parks;
  std::vector<PolygonArea> areas;
  std::string lamp_line_installed;  // date the lamp line was switched on
  // The segments of the pedestrian square (torg) and of the lamp line.
  std::vector<std::uint32_t> square_segments, lamp_line_segments;

  Envelope extent() const {
    return {origin.x, origin.y, origin.x + size_m, origin.y + size_m};
  }
  const Place* place(const std::string& kind) const {
    for (const auto& p : places)
      if (p.kind == kind) return &p;
    return nullptr;
  }
};

// Builds the district. `lamp_line_installed` ("YYYY-MM-DD") is when the lamps of
// the historical lighting intervention were switched on (recorded on those lamps).
// Throws Error(BadCrs) if PROJ cannot place the district in EPSG:3006.
District build_district(const std::string& lamp_line_installed);

// SWEREF99 TM of a WGS84 position (traditional GIS order: lon, lat) and back.
Point wgs84_to_sweref(double lon_deg, double lat_deg);
void sweref_to_wgs84(Point p, double& lon_deg, double& lat_deg);

}  // namespace tryggve::demo
