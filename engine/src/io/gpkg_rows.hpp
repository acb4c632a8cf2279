#pragma once
// GeoPackage rows written straight through SQLite (internal to io).
//
// GDAL's CreateFeature costs most of a GeoPackage write once the index is
// packed (gpkg_rtree.hpp): per row it copies the values into an OGRFeature,
// formats time stamps through printf, builds the geometry from an OGRGeometry
// and checks the statement's shape. For the layers that dominate the map stage
// (points and lines of integers, reals, text and time stamps) the writer
// instead lets GDAL create the table and its GeoPackage bookkeeping as always,
// then binds each row by index into one prepared INSERT on GDAL's own SQLite
// connection, with the geometry as GeoPackage binary encoded here: the same
// bytes GDAL writes (a header with the SRS id, an envelope for lines, then
// little-endian WKB) and the same time stamp text ("2024-03-05T14:30:00.000+01:00").
// What GDAL would have kept up row by row (the feature count, the layer's
// extent) is written once after GDAL has closed the file (finish_rows).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tryggve/core/geometry.hpp"
#include "tryggve/io/vector_writer.hpp"

class GDALDataset;
class OGRLayer;
struct sqlite3;
struct sqlite3_stmt;

namespace tryggve::io::detail {

// SQLite settings for the temporary GeoPackage on GDAL's connection: a 128 MB
// page cache that holds a big layer's B-tree (the default 2 MB spilled pages to
// the file and read them back: 10-20% of the writer's CPU at 100,000
// incidents), temporary tables in memory. Neither changes the file's bytes.
// (locking_mode = EXCLUSIVE measured no different and is left out.)
void tune_temporary(GDALDataset& ds);

// Whether a layer can take the direct path: a GeoPackage point or line layer
// whose fields are all Int64, Real, String or DateTime.
bool direct_rows_fit(GeometryKind kind, const std::vector<FieldDef>& fields);

// What finish_rows writes for a layer after GDAL closed the file.
struct RowsSummary {
  std::string table;
  std::int64_t count = 0;
  Envelope extent;  // of every coordinate written; empty() when nothing had one
  std::vector<std::string> triggers;  // GDAL's feature-count triggers, put back afterwards
};

class DirectRows {
 public:
  // Makes GDAL create the table now, takes its feature-count triggers off and
  // prepares the INSERT. Throws Error(OutputFailed) naming `where`.
  DirectRows(GDALDataset& ds, OGRLayer& layer, const std::string& table, GeometryKind kind,
             const std::vector<FieldDef>& fields, std::string where);
  ~DirectRows();
  DirectRows(const DirectRows&) = delete;
  DirectRows& operator=(const DirectRows&) = delete;

  // Inserts one row (values already checked against the fields' types by the
  // caller's rules, see VectorWriter::Layer::add) and sets its fid; false with
  // SQLite's reason in error() when SQLite refuses.
  bool insert(const std::vector<FieldValue>& values, const Geometry& g, std::int64_t& fid);
  std::string error() const;
  const RowsSummary& summary() const { return summary_; }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* st_ = nullptr;
  GeometryKind kind_;
  std::vector<FieldType> types_;
  std::int32_t srs_id_ = 0;
  std::vector<unsigned char> blob_;
  std::string text_;
  RowsSummary summary_;
};

// After GDAL has closed `file`: writes each layer's feature count and extent
// into the GeoPackage's tables and restores the feature-count triggers.
void finish_rows(const std::filesystem::path& file, const std::vector<RowsSummary>& layers, const std::string& where);

}  // namespace tryggve::io::detail
