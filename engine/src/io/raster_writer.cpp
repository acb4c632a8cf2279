#include "tryggve/io/raster_writer.hpp"

#include <gdal_priv.h>

#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/io/gdal_env.hpp"

namespace tryggve::io {

void write_geotiff(const std::filesystem::path& path, const CrsContext& crs, const RasterGrid& g,
                   const std::vector<RasterBand>& bands) {
  ensure_gdal();
  for (const auto& b : bands)
    if (b.values.size() != g.nx * g.ny)
      throw Error(ErrorCode::Internal, path.string(), "band '" + b.name + "' does not match the grid");
  AtomicOutput out(path);
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
  if (!drv) throw Error(ErrorCode::OutputFailed, path.string(), "GDAL has no GTiff driver");
  char** copts = nullptr;
  copts = CSLSetNameValue(copts, "COMPRESS", "DEFLATE");
  copts = CSLSetNameValue(copts, "TILED", "YES");
  {
    GDALDataset* ds = drv->Create(out.temp_path().c_str(), static_cast<int>(g.nx), static_cast<int>(g.ny),
                                  static_cast<int>(bands.size()), GDT_Float32, copts);
    CSLDestroy(copts);
    if (!ds) throw Error(ErrorCode::OutputFailed, path.string(), "GDAL could not create the GeoTIFF");
    const double top = g.min_y + g.ny * g.cell;
    double gt[6] = {g.min_x, g.cell, 0.0, top, 0.0, -g.cell};
    ds->SetGeoTransform(gt);
    if (!crs.is_local() && crs.srs()) {
      const std::string wkt = crs.wkt();
      ds->SetProjection(wkt.c_str());
    }
    std::vector<float> row(g.nx);
    bool ok = true;
    for (std::size_t b = 0; b < bands.size(); ++b) {
      GDALRasterBand* band = ds->GetRasterBand(static_cast<int>(b) + 1);
      band->SetDescription(bands[b].name.c_str());
      for (std::size_t y = 0; y < g.ny && ok; ++y) {
        const std::size_t grow = g.ny - 1 - y;  // raster rows run north to south
        for (std::size_t x = 0; x < g.nx; ++x) row[x] = static_cast<float>(bands[b].values[grow * g.nx + x]);
        ok = band->RasterIO(GF_Write, 0, static_cast<int>(y), static_cast<int>(g.nx), 1, row.data(),
                            static_cast<int>(g.nx), 1, GDT_Float32, 0, 0) == CE_None;
      }
    }
    GDALClose(ds);
    if (!ok) throw Error(ErrorCode::OutputFailed, path.string(), "writing a GeoTIFF band failed");
  }
  out.commit();
}

}  // namespace tryggve::io
