#pragma once
// Polygons as WKT text: the scenario files' `polygon:` (in the run CRS) and the
// viewer's drawn areas (GeoJSON in WGS84, handed on as WKT in the run CRS).
#include <optional>
#include <string>
#include <vector>

#include "tryggve/core/geometry.hpp"
#include "tryggve/io/crs.hpp"

namespace tryggve::io {

struct ParsedWkt {
  std::string type;        // the geometry's WKT name: POLYGON, MULTIPOLYGON, POINT, ...
  MultiPolygon polygons;   // the polygons (rings closed) when type is POLYGON or MULTIPOLYGON
};

// nullopt if the text is not WKT.
std::optional<ParsedWkt> parse_wkt(const std::string& wkt);

// A ring of WGS84 longitude/latitude points as a POLYGON's WKT in the run CRS
// (unchanged when the run is local). nullopt if it cannot be transformed.
std::optional<std::string> wgs84_ring_as_wkt(const std::vector<Point>& ring_lon_lat, const CrsContext& crs);

}  // namespace tryggve::io
