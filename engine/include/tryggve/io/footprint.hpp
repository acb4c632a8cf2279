#pragma once
// The footprint of a measure on the map: the streets it covers as one area, so a
// deployment shows in QGIS and the viewer as what it covered (the streets, the
// park's paths, the place's surroundings), not as a point or a list of ids.
#include <span>

#include "tryggve/core/geometry.hpp"

namespace tryggve::io {

// The union of the lines buffered by half_width_m (GEOS through GDAL, round caps),
// in the lines' own CRS (metres). Empty lines give an empty result; Error(Internal)
// if GEOS fails.
MultiPolygon line_footprint(std::span<const Polyline> lines, double half_width_m);

}  // namespace tryggve::io
