#pragma once
// A GeoPackage spatial index loaded in one go (internal to io).
//
// SQLite's R*Tree inserts one row at a time, and each insert walks and splits
// nodes: for a million features that is three quarters of the time GDAL 3.6
// spends writing a GeoPackage (bench/gpkg_writer_bench.cpp). The writer instead
// lets GDAL create the index on the empty table (the virtual table, its triggers
// and the gpkg_extensions row, exactly as GDAL writes them), keeps the triggers
// off while it inserts, then packs the whole tree at once (Sort-Tile-Recursive)
// into the R*Tree's own shadow tables and puts the triggers back. SQLite's
// rtreecheck() accepts the result, and it answers the same queries.
#include <cstdint>
#include <string>
#include <vector>

#include "tryggve/core/geometry.hpp"
#include "tryggve/io/vector_writer.hpp"

class GDALDataset;

namespace tryggve::io::detail {

// One feature's box as the R*Tree stores it: 32-bit floats rounded outwards the
// way SQLite rounds them (rtreeValueDown / rtreeValueUp), so the box holds the
// geometry's exact double envelope.
struct RtreeEntry {
  std::int64_t id = 0;
  float min_x = 0, max_x = 0, min_y = 0, max_y = 0;
};

// The entry of a feature's geometry; false for a null or empty geometry (GDAL
// leaves those out of the index too).
bool rtree_entry(std::int64_t fid, const Geometry& g, RtreeEntry& out);

// GeoPackage layers whose index is packed after the inserts. Both calls throw
// Error(OutputFailed) naming `where` when SQLite refuses.
class DeferredRtree {
 public:
  // Creates the index on the (still empty) table and takes its triggers off.
  DeferredRtree(GDALDataset& ds, std::string table, std::string geom_column, std::string where);
  void add(const RtreeEntry& e) { entries_.push_back(e); }
  // Packs the entries into the index and restores the triggers. Call outside a
  // transaction of the caller's; it runs its own.
  void finish(GDALDataset& ds);

 private:
  std::string table_, rtree_, where_;
  std::vector<std::string> triggers_;  // CREATE TRIGGER statements, as GDAL wrote them
  std::vector<RtreeEntry> entries_;
  bool finished_ = false;
};

}  // namespace tryggve::io::detail
