#pragma once
// Point in polygon for polygons held as plain coordinates (areas of a plan, a
// scenario's `where`, the demo's parks): the one even-odd ray-casting test.
// Many points against many polygons go through network's GEOS-prepared queries instead.
#include "tryggve/core/geometry.hpp"

namespace tryggve {

// Even-odd rule on one closed ring; a point exactly on an edge may fall either way.
bool contains(const Ring& ring, Point p);
// Inside one polygon's outer ring and none of its holes.
bool contains(const MultiPolygon& mp, Point p);

}  // namespace tryggve
