#pragma once
// Readers for the map's layers: streets, polygons (parks, areas), points
// (stops, lamps, places). Each returns features already in the run's CRS
// (see crs.hpp) and throws tryggve::Error naming the file, layer, feature and
// reason for: missing file (FileNotFound), unknown format (UnknownFormat),
// missing layer (LayerNotFound), empty layer (EmptyLayer), wrong geometry type
// (WrongGeometryType), no CRS where one is needed (MissingCrs), a named field
// that is not there (MissingField).
//
// Per-feature problems (NaN/inf or untransformable coordinates, empty
// geometries) go to `rejects` when one is given (reason BadCoordinate or
// BadGeometry, with the 1-based feature number); without a RejectLog they are
// errors (BadCoordinate / WrongGeometryType). Nothing is dropped silently.
//
// Formats: OpenStreetMap .osm/.pbf through GDAL's OSM driver (tags chosen by
// engine/data/osmconf.ini), and any OGR vector source: GeoPackage, GeoJSON,
// Shapefile, FlatGeobuf, CSV (WKT geometry column, or lat/lon columns for
// points; .csv.gz is read through /vsigzip/, GTFS stops.txt as CSV).
#include <cstdint>
#include <string>
#include <vector>

#include "tryggve/core/features.hpp"
#include "tryggve/core/reject.hpp"
#include "tryggve/io/crs.hpp"

namespace tryggve::io {

// Options every reader takes.
struct LayerOptions {
  std::string layer;             // layer name; "" = the only layer, else the first with a suitable geometry
  std::string assume_crs;        // CRS of data that declare none (e.g. "EPSG:4326"); "" = none
  RejectLog* rejects = nullptr;  // per-feature problems go here; null = they are errors
};

// True for .osm, .osm.pbf, .pbf (case-insensitive).
bool is_osm_path(const std::string& path);

// ---- Streets ---------------------------------------------------------------

struct StreetReadOptions : LayerOptions {
  // Non-OSM layers: which fields hold the name, the road class and lit
  // (yes/no/true/false/1/0/ja/nej). "" = auto-detect (name/namn, highway/class/
  // fclass/type, lit/belysning); a named field that is missing is an Error(MissingField).
  std::string name_field, class_field, lit_field;
};

struct StreetsResult {
  std::vector<StreetLine> lines;  // MultiLineStrings are split into their parts
  bool from_osm = false;
  std::string layer;                      // the layer read
  std::size_t excluded_by_class = 0;      // OSM ways whose highway=* is not walked or driven on
  std::size_t multipart_features = 0;     // features split into several lines
  std::size_t degenerate_parts = 0;       // line parts with fewer than two points (rejected: BadGeometry)
};

// OSM: every highway=* way except the values listed in streets.cpp (not built,
// indoor, platforms, race tracks, guideways...). Keeps name, highway, lit, tunnel, bridge.
StreetsResult read_streets(const std::string& path, CrsContext& crs, const StreetReadOptions& options = {});

// ---- Polygons: parks and open spaces, areas ------------------------------

struct PolygonReadOptions : LayerOptions {
  // OSM only: which multipolygons to take, as key=value ("leisure=park").
  // Default: leisure=park|playground|garden|pitch, landuse=grass|recreation_ground.
  // PolygonFeature::kind is the matching value ("park", "grass").
  std::vector<std::string> osm_tags;
  // Other layers: name field; kind field (an area's id/code, e.g. omrade_kod, or
  // a park's type); population field. "" = auto-detect (name/namn/*_namn;
  // code/kod/*_kod; population/befolkning/folkmangd/invanare); kind falls back to
  // `default_kind`.
  std::string name_field, kind_field, population_field;
  std::string default_kind;
};

std::vector<PolygonFeature> read_polygons(const std::string& path, CrsContext& crs,
                                          const PolygonReadOptions& options = {});

// ---- Points: stops, lamps, places ---------------------------------------

enum class PointSet : std::uint8_t {
  Stops,   // OSM highway=bus_stop, railway=tram_stop|station|halt, public_transport=platform|stop_position
  Lamps,   // OSM highway=street_lamp
  Places,  // OSM amenity=school|kindergarten|college|university|community_centre|youth_centre|library|
           // social_facility, leisure=sports_centre|youth_centre (nodes, and polygon centroids)
};

struct PointReadOptions : LayerOptions {
  PointSet set = PointSet::Stops;
  // Non-OSM: name and kind fields ("" = auto: name/namn/stop_name; kind/type/
  // location_type), kind falls back to `default_kind` (else "stop"/"street_lamp"/"place").
  std::string name_field, kind_field, default_kind;
  // Layers without geometry (CSV): coordinate columns. "" = auto-detect
  // lon/lng/long/longitude/stop_lon + lat/latitude/stop_lat (WGS84), else x/y
  // (in `assume_crs`, or as they are for a local run).
  std::string lon_field, lat_field;
  // Polygons in a point input (places) become their area centroids.
};

std::vector<PointFeature> read_points(const std::string& path, CrsContext& crs,
                                      const PointReadOptions& options = {});

// ---- One pass over an OSM file --------------------------------------------

// Everything Tryggve takes from one OSM file, read in one pass (GDAL's OSM
// driver reads interleaved; re-reading a city-sized .pbf per layer is slow).
struct OsmData {
  StreetsResult streets;
  std::vector<PolygonFeature> parks;
  std::vector<PointFeature> stops, lamps, places;
  std::vector<AddressFeature> addresses;  // only when asked for (OsmReadOptions::addresses)
};
struct OsmReadOptions {
  bool streets = true, parks = true, stops = true, lamps = true, places = true;
  // Nodes and buildings with addr:street and addr:housenumber (the workspace's gazetteer).
  bool addresses = false;
  std::vector<std::string> park_tags;  // as PolygonReadOptions::osm_tags
  RejectLog* rejects = nullptr;
};
OsmData read_osm(const std::string& path, CrsContext& crs, const OsmReadOptions& options = {});

}  // namespace tryggve::io
