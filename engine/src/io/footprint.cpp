#include "tryggve/io/footprint.hpp"

#include <memory>

#include <ogr_geometry.h>

#include "ogr_util.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/io/gdal_env.hpp"

namespace tryggve::io {

MultiPolygon line_footprint(std::span<const Polyline> lines, double half_width_m) {
  ensure_gdal();
  OGRMultiLineString ml;
  for (const auto& l : lines) {
    if (l.size() < 2) continue;
    OGRLineString ls;
    for (const auto& p : l) ls.addPoint(p.x, p.y);
    ml.addGeometry(&ls);
  }
  MultiPolygon out;
  if (ml.IsEmpty()) return out;
  // Buffering the whole multi-line at once unions the pieces where they meet.
  std::unique_ptr<OGRGeometry> b(ml.Buffer(half_width_m, 4));
  if (!b) throw Error(ErrorCode::Internal, "footprint", "GEOS could not buffer the streets");
  detail::append_polygons(b.get(), out);
  return out;
}

}  // namespace tryggve::io
