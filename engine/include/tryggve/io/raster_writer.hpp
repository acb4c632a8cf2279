#pragma once
// Writing a north-up raster of square cells as a GeoTIFF (tiled, DEFLATE),
// atomically (core/atomic_file.hpp): the grid mode's cell values as QGIS opens them.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "tryggve/io/crs.hpp"

namespace tryggve::io {

struct RasterBand {
  std::string name;            // the band's description
  std::vector<double> values;  // nx * ny, row by row from the SOUTH (row 0 is the southernmost)
};

struct RasterGrid {
  double min_x = 0, min_y = 0;  // the south-west corner, in the CRS
  double cell = 1;              // side of a square cell, in CRS units
  std::size_t nx = 0, ny = 0;
};

// One Float32 band per RasterBand, in order; the CRS is written unless local.
// Throws Error(OutputFailed) naming the file.
void write_geotiff(const std::filesystem::path& path, const CrsContext& crs, const RasterGrid& grid,
                   const std::vector<RasterBand>& bands);

}  // namespace tryggve::io
