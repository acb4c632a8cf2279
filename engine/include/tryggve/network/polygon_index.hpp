#pragma once
// Polygons (parks, areas) asked which of them hold a point and how far a point is
// from them. Results refer to the polygons by their index in the vector given to
// the constructor.
//
// GEOS does the polygon work and stays private to this module (as Boost.Graph
// does): its reentrant C API with one context per thread, an STRtree over the
// polygons' envelopes and prepared geometries for the point-in-polygon and
// distance tests. GEOS's prepared geometries build their internal indexes lazily
// on first use (mutable state), and its STRtree builds itself on the first query,
// so sharing them between threads would race: each thread builds its own set from
// the immutable input on first use (cheap next to querying many points, and the
// inputs are small: parks, areas).
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "tryggve/core/features.hpp"
#include "tryggve/core/geometry.hpp"

namespace tryggve::network {

class PolygonIndex {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

  struct Nearest {
    std::uint32_t index = kNone;
    double distance = std::numeric_limits<double>::infinity();  // 0 inside or on the boundary
  };

  PolygonIndex();
  // Rings with fewer than 4 points (zero area) are ignored; rings that are not
  // closed are closed. `what` names the features in messages ("park", "area").
  // Throws Error(WrongGeometryType) naming the feature if GEOS rejects a polygon.
  PolygonIndex(std::vector<PolygonFeature> polygons, std::string what);
  ~PolygonIndex();
  PolygonIndex(PolygonIndex&&) noexcept;
  PolygonIndex& operator=(PolygonIndex&&) noexcept;

  const std::vector<PolygonFeature>& polygons() const;
  bool empty() const { return polygons().empty(); }

  // The lowest index among the polygons containing `p` or having it on their
  // boundary (a point in a hole is outside); kNone if there is none.
  std::uint32_t first_covering(Point p) const;

  // The polygon nearest to `p` within `max_distance` (inclusive): distance 0
  // inside or on the boundary, else the planar distance to the boundary; ties to
  // the lowest index. {kNone, inf} if none is that near.
  Nearest nearest_within(Point p, double max_distance) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tryggve::network
