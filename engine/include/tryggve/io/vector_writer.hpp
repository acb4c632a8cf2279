#pragma once
// Writing results: one multi-layer output dataset, written atomically.
//
// The format follows the extension: .gpkg (GeoPackage, the default), .xlsx or .ods
// (one sheet per layer, attributes only: what an office sends), .geojson/.json,
// .fgb (FlatGeobuf), .csv (geometry as WKT). With a one-layer format the first layer goes to `path` and every
// further layer to "<stem>.<layer><ext>" beside it.
//
// Everything is written to temporaries in the same folder (core/atomic_file.hpp)
// and renamed into place by commit(); a writer destroyed without commit() (an
// exception, a failed run) removes them, so no half-written output is left.
// A GeoPackage carries QGIS layer styles (`layer_styles`, QGIS's own table): it
// opens in QGIS styled and labelled, in Options::lang.
// Features are inserted in transactions, so a million rows take seconds.
// The CRS comes from the CrsContext (none for a local run); the GeoPackage
// loads in QGIS as is (geometry column "geom", SRS registered, spatial index).
//
//   VectorWriter out("map.gpkg", crs);
//   auto& inc = out.add_layer("incidents", GeometryKind::Point,
//                             {{"id", FieldType::Int64}, {"time", FieldType::DateTime},
//                              {"category", FieldType::String}, {"snap_m", FieldType::Real}});
//   inc.add({i.id, i.time, i.category, d}, i.pos);  // values in field order; {} = null
//   out.commit();
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tryggve/core/features.hpp"
#include "tryggve/core/geometry.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/io/crs.hpp"

class GDALDataset;
class OGRLayer;

namespace tryggve::network {
class Network;
class Lixelization;
}  // namespace tryggve::network

namespace tryggve::io {

// Date takes its value as text YYYY-MM-DD.
enum class FieldType : std::uint8_t { Int64, Real, String, DateTime, Date };
enum class GeometryKind : std::uint8_t { None, Point, Line, Polygon };

struct FieldDef {
  std::string name;
  FieldType type = FieldType::String;
};

// One attribute value. Null by default; converts from integers, floating
// point, text and time stamps (a DateTime keeps its UTC offset).
class FieldValue {
 public:
  FieldValue() = default;
  FieldValue(std::nullopt_t) {}
  FieldValue(int v) : v_(static_cast<std::int64_t>(v)) {}
  FieldValue(unsigned v) : v_(static_cast<std::int64_t>(v)) {}
  FieldValue(long v) : v_(static_cast<std::int64_t>(v)) {}
  FieldValue(long long v) : v_(static_cast<std::int64_t>(v)) {}
  FieldValue(unsigned long v) : v_(static_cast<std::int64_t>(v)) {}
  FieldValue(unsigned long long v) : v_(static_cast<std::int64_t>(v)) {}
  FieldValue(bool v) : v_(static_cast<std::int64_t>(v)) {}
  FieldValue(double v) : v_(v) {}
  FieldValue(float v) : v_(static_cast<double>(v)) {}
  FieldValue(std::string v) : v_(std::move(v)) {}
  FieldValue(const char* v) : v_(std::string(v)) {}
  FieldValue(std::string_view v) : v_(std::string(v)) {}
  FieldValue(Timestamp v) : v_(v) {}
  template <class T>
  FieldValue(const std::optional<T>& o) : FieldValue() {
    if (o) *this = FieldValue(*o);
  }
  using Storage = std::variant<std::monostate, std::int64_t, double, std::string, Timestamp>;
  const Storage& value() const { return v_; }
  bool is_null() const { return v_.index() == 0; }

 private:
  Storage v_;
};

// A feature's geometry: none, a point, a line or a (multi)polygon.
using Geometry = std::variant<std::monostate, Point, Polyline, MultiPolygon>;

class VectorWriter {
 public:
  struct Part;
  class Layer {
   public:
    // Appends a feature: `values` in the order of the layer's fields (fewer
    // values leave the rest null); the geometry must match the layer's kind
    // (std::monostate for a null geometry). Throws Error(OutputFailed) naming
    // the layer and feature on a type mismatch or a driver failure.
    void add(const std::vector<FieldValue>& values, const Geometry& geometry = {});
    const std::string& name() const { return name_; }
    std::size_t size() const { return count_; }
    const std::vector<FieldDef>& fields() const { return fields_; }

   private:
    friend class VectorWriter;
    Layer() = default;
    void collect_style_value(const std::vector<FieldValue>& values);
    Part* part_ = nullptr;  // the file this layer lives in
    OGRLayer* layer_ = nullptr;
    std::string name_;
    GeometryKind kind_ = GeometryKind::None;
    std::vector<FieldDef> fields_;
    std::vector<int> index_;  // our field i -> OGR field index
    std::size_t count_ = 0;
    bool in_transaction_ = false;
    int style_field_ = -1;              // the field whose values the QGIS style classes
    std::vector<double> style_values_;  // its values as written
  };

  struct Options {
    // GeoPackages record when they were written: a fixed time (2000-01-01) makes
    // the same content give the same bytes (the generated demo district).
    bool fixed_timestamp = false;
    // Language of the QGIS styles' legend labels ("sv" or "en"): a GeoPackage gets a
    // `layer_styles` table with a default style per geometry layer (io/layer_styles.cpp).
    std::string lang = "sv";
  };
  // Throws Error(OutputFailed) for an unknown extension or an unwritable folder.
  VectorWriter(std::filesystem::path path, const CrsContext& crs, Options options);
  VectorWriter(std::filesystem::path path, const CrsContext& crs) : VectorWriter(std::move(path), crs, Options{}) {}
  ~VectorWriter();  // without commit(): removes every temporary
  VectorWriter(const VectorWriter&) = delete;
  VectorWriter& operator=(const VectorWriter&) = delete;

  // A new layer (names must be unique). The returned reference stays valid
  // until commit() or destruction.
  Layer& add_layer(const std::string& name, GeometryKind kind, std::vector<FieldDef> fields);
  // Closes every dataset (building spatial indexes) and renames the files into
  // place. Throws Error(OutputFailed); after a throw nothing is left behind.
  void commit();

  // The files commit() writes (path first).
  std::vector<std::filesystem::path> outputs() const;
  const std::string& driver() const { return driver_; }

 private:
  Part& part_for(const std::string& layer);
  std::filesystem::path path_;
  std::string driver_;
  bool multi_layer_ = true;
  OGRSpatialReference* srs_ = nullptr;  // reference-counted by GDAL; released in the destructor
  std::vector<std::unique_ptr<Part>> parts_;     // one per file
  std::vector<std::unique_ptr<Layer>> layers_;
  bool committed_ = false;
  bool fixed_timestamp_ = false;
  std::string lang_ = "sv";
};

// ---- Convenience writers ----------------------------------------------------

// `edges`: edge_id, from_vertex, to_vertex, length_m, name, highway, lit
// ("yes"/"no"/""), tunnel (0/1), component; line geometry.
VectorWriter::Layer& write_edges(VectorWriter& out, const network::Network& net, const std::string& layer = "edges");
// `lixels`: lixel_id, edge_id, start_m, end_m, length_m; line geometry (the
// part of the edge between start and end).
VectorWriter::Layer& write_lixels(VectorWriter& out, const network::Network& net, const network::Lixelization& lix,
                                  const std::string& layer = "lixels");
// Parks, areas: source_id, name, kind, population (null when unknown), area_m2; polygon geometry.
VectorWriter::Layer& write_polygons(VectorWriter& out, const std::string& layer, const std::vector<PolygonFeature>& items);
// Stops, lamps, places: source_id, name, kind, radius_m (null when unknown); point geometry.
VectorWriter::Layer& write_points(VectorWriter& out, const std::string& layer, const std::vector<PointFeature>& items);
// Input street lines (before noding): source_id, name, highway, lit, tunnel, bridge.
VectorWriter::Layer& write_streets(VectorWriter& out, const std::string& layer, const std::vector<StreetLine>& items);

}  // namespace tryggve::io
