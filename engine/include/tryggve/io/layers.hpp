#pragma once
// Reading layers back from files Tryggve wrote (a run folder's GeoPackages), for
// the viewer's server and the report: what a layer holds, the layer as GeoJSON in
// WGS84, a filtered copy into a new GeoPackage, a table query, and line
// geometries in one common CRS. GDAL stays inside io; callers see only these
// plain types.
//
// Every call opens its own dataset, so the functions are thread-safe.
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tryggve/core/geometry.hpp"

namespace tryggve::io {

class Transform;

// What one layer of a file holds.
struct LayerSummary {
  std::string layer;
  std::string geometry;  // OGR's name: Point, Line String, Multi Polygon, ...; "None" for tables
  std::int64_t features = 0;
  std::vector<std::pair<std::string, std::string>> fields;  // name, type: Integer, Real, String, DateTime
};

// The named layers present in `file`, in the order asked (absent ones left out).
// A missing file gives an empty list; a file that cannot be opened (being replaced,
// broken) too, with a warning in the log.
std::vector<LayerSummary> describe_layers(const std::filesystem::path& file, const std::vector<std::string>& layers);

// A condition on one text field: at_least <= value <= at_most (text order; "" =
// open) and value in any_of (empty = any). `where` names it in errors.
struct FieldCondition {
  std::string field;
  std::string at_least, at_most;
  std::vector<std::string> any_of;
  std::string where;
};

// Which features of a layer, and which of their fields.
struct LayerQuery {
  std::vector<FieldCondition> conditions;          // all must hold
  std::optional<std::array<double, 4>> bbox_wgs84;  // min_lon, min_lat, max_lon, max_lat
  std::int64_t limit = 0;                           // at most this many features (0 = all)
  std::vector<std::string> fields;                  // properties to include; empty = all
  std::string fields_where = "fields";              // names `fields` in errors
};

// The layer as a GeoJSON FeatureCollection in EPSG:4326 (lon, lat order; a layer
// without a CRS keeps its coordinates and says so in "crs_note"), each feature's
// "id" its FID, with "name", "count" and "not_transformable" (features outside
// the projection's domain, left out). Throws Error(FileUnreadable),
// Error(LayerNotFound), Error(BadOption) naming a condition's `where` for a field
// the layer lacks.
std::string layer_geojson(const std::filesystem::path& file, const std::string& layer, const std::string& name,
                          const LayerQuery& query);

// One layer to copy into an export.
struct LayerCopy {
  std::filesystem::path file;
  std::string layer;  // in `file`
  std::string name;   // in the export
  LayerQuery query;   // its conditions, bbox (fields and limit are not applied)
};
// Writes the layers, filtered, into a new GeoPackage at `out` (atomically), in
// their own CRS. Throws Error(FileUnreadable) / Error(OutputFailed).
void export_layers(const std::vector<LayerCopy>& layers, const std::filesystem::path& out);

// The rows of an OGR SQL query on `file` (every value as text, "" for null);
// empty if the file cannot be opened or the query fails.
std::vector<std::vector<std::string>> query_rows(const std::filesystem::path& file, const std::string& sql);

// A transformation from the layer's CRS into WGS84 longitude/latitude; null when
// the file or layer is missing, the layer has no CRS, or it is WGS84 already.
std::unique_ptr<Transform> layer_to_wgs84(const std::filesystem::path& file, const std::string& layer);

// Line layers read into one CRS: the first layer read that has a CRS fixes it, and
// later layers in another CRS are reprojected into it (so a plan made with another
// --crs is drawn on the map, not off it).
class LineReader {
 public:
  struct Lines {
    std::vector<Polyline> lines;
    std::vector<double> value;  // one per line: the field asked for (0 where null)
  };
  LineReader();
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  // The layer's LineString features and one numeric field; empty if the file or
  // layer is missing.
  Lines read(const std::filesystem::path& file, const std::string& layer, const std::string& field = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tryggve::io
