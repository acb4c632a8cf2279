#pragma once
// The map features other than incidents, as read from any source, in the run's CRS.
#include <cstdint>
#include <string>
#include <vector>

#include "tryggve/core/geometry.hpp"

namespace tryggve {

enum class Lit : std::uint8_t { Unknown = 0, Yes = 1, No = 2 };

// One input street line (an OSM way or a feature of a line layer), before noding.
struct StreetLine {
  std::int64_t source_id = 0;  // OSM way id or the layer's FID
  Polyline geometry;
  std::string name;
  std::string highway;  // OSM highway class, or the layer's class field, or ""
  Lit lit = Lit::Unknown;
  bool tunnel = false;
  bool bridge = false;
};

// Parks and open spaces, areas (primärområden, DeSO): polygons with attributes.
struct PolygonFeature {
  std::int64_t source_id = 0;
  std::string name;
  std::string kind;        // park, playground, pitch, grass, ... / area code
  double population = -1;  // residents where known (areas), else -1
  MultiPolygon geometry;
};

// Stops, lamps, places (schools, youth centre, shops): points with attributes.
struct PointFeature {
  std::int64_t source_id = 0;
  std::string name;
  std::string kind;  // bus_stop, tram_stop, station, platform; street_lamp; school ...
  Point pos;
  double radius_m = -1;  // lamps: lit radius where known
};

// An address (OSM addr:street + addr:housenumber on a node, or on a building
// polygon taken at its centroid): the gazetteer for placing reports offline.
struct AddressFeature {
  std::int64_t source_id = 0;  // OSM node, way or relation id
  std::string street, housenumber, postcode, city;
  Point pos;
  bool from_building = false;
};

}  // namespace tryggve
