#pragma once
// Tags points (incidents) with the places around them: the park they are in or
// next to, the nearest public-transport stop, and the area (primärområde, DeSO)
// that contains them. Results refer to the features by their index in the
// vectors given to the constructor.
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include "tryggve/core/features.hpp"
#include "tryggve/core/geometry.hpp"

namespace tryggve::snap {

inline constexpr std::uint32_t kNoPlace = 0xFFFFFFFFu;

struct PlaceTagOptions {
  // A point outside every park but within this distance of one is tagged with
  // the nearest such park ("by the park").
  double park_distance_m = 10.0;
  // The nearest stop within this radius.
  double stop_radius_m = 50.0;
};

struct PlaceTag {
  std::uint32_t park = kNoPlace;  // index into parks
  double park_distance = std::numeric_limits<double>::infinity();  // 0 inside or on the boundary
  std::uint32_t stop = kNoPlace;  // index into stops
  double stop_distance = std::numeric_limits<double>::infinity();
  std::uint32_t area = kNoPlace;  // index into areas
  bool in_park() const { return park != kNoPlace && park_distance == 0.0; }
};

// Built once, then used from any number of threads.
//
// Parks: a point inside or on the boundary of a park is at distance 0 from it;
// otherwise its distance is the planar distance to the park's boundary. The
// park with the smallest distance <= park_distance_m wins, ties to the lowest
// index (a playground inside a park listed before it is not preferred: order
// the input if that matters). A point in a park's hole is outside that park.
// Stops: the nearest within stop_radius_m (inclusive), ties to the lowest index.
// Areas: the lowest index among the areas containing the point or having it on
// their boundary (neighbouring areas may overlap slightly at borders); none if
// no area contains it.
//
// The polygon work is network::PolygonIndex's (GEOS, kept private to the network
// module); its per-thread GEOS sets are built on first use in each thread.
// Stops use a plain uniform grid with cells of stop_radius_m (exact: the 3x3
// cells around a point hold every stop within the radius).
class PlaceTagger {
 public:
  // Rings with fewer than 4 points (zero area) are ignored; rings that are not
  // closed are closed. Throws Error(BadOption) for negative distances, and
  // Error(WrongGeometryType) naming the feature if GEOS rejects a polygon.
  PlaceTagger(std::vector<PolygonFeature> parks, std::vector<PointFeature> stops,
              std::vector<PolygonFeature> areas, PlaceTagOptions options = {});
  ~PlaceTagger();
  PlaceTagger(PlaceTagger&&) noexcept;
  PlaceTagger& operator=(PlaceTagger&&) noexcept;

  PlaceTag tag(Point p) const;
  // One tag per point, in order; parallel (oneTBB), identical at any thread count.
  std::vector<PlaceTag> tag_all(std::span<const Point> points) const;

  const std::vector<PolygonFeature>& parks() const;
  const std::vector<PointFeature>& stops() const;
  const std::vector<PolygonFeature>& areas() const;
  const PlaceTagOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tryggve::snap
