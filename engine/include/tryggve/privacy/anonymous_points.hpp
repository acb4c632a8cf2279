#pragma once
// police.uk's anonymous map points: a published incident sits not where it
// happened but at a map point (the middle of a street segment, or a public place
// such as a park, square or stop) whose catchment (the addresses nearer to it
// than to any other map point) holds at least `min_addresses` addresses or none.
// A point whose catchment holds 1 .. min_addresses-1 addresses is removed and its
// addresses go to their next nearest point, repeated until every point qualifies;
// an incident is then published at the map point nearest to it. The original
// position is never part of the result.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tryggve/core/features.hpp"
#include "tryggve/core/geometry.hpp"
#include "tryggve/network/network.hpp"

namespace tryggve::privacy {

struct AnonymousPointOptions {
  std::size_t min_addresses = 8;  // police.uk's rule
};

struct PublicPlace {
  Point pos;
  std::string name;
  std::string kind;  // park, square, bus_stop ...
};

// Public places from the district's layers: parks (at their area centroid, or the
// nearest vertex of the outer ring when the centroid falls outside), stops, and
// places of a public kind (square, marketplace, station ...). Schools and youth
// centres are not public map points: they name a small group.
std::vector<PublicPlace> public_places(std::span<const PolygonFeature> parks,
                                       std::span<const PointFeature> stops,
                                       std::span<const PointFeature> places);

struct AnonymousPoint {
  enum class Kind : std::uint8_t { StreetSegment, PublicPlace };
  Point pos;
  Kind kind = Kind::StreetSegment;
  std::string name;             // the street's or the place's name
  std::int64_t edge = -1;       // StreetSegment: the network edge
  std::size_t addresses = 0;    // the catchment's size: 0 or >= min_addresses
};

class AnonymousPoints {
 public:
  // Candidates: the middle of every edge of `network` and every public place.
  // Throws Error (NoData) when no candidate qualifies (fewer than min_addresses
  // addresses in a district whose every candidate has some).
  AnonymousPoints(const network::Network& network, std::span<const PublicPlace> places,
                  std::span<const Point> addresses, const AnonymousPointOptions& options = {});
  ~AnonymousPoints();
  AnonymousPoints(AnonymousPoints&&) noexcept;
  AnonymousPoints& operator=(AnonymousPoints&&) noexcept;

  const std::vector<AnonymousPoint>& points() const { return points_; }
  // The map point an incident at `p` is published at (index into points()).
  std::size_t nearest(Point p) const;
  std::size_t candidates_removed() const { return removed_; }

 private:
  struct Index;
  std::vector<AnonymousPoint> points_;
  std::unique_ptr<Index> index_;
  std::size_t removed_ = 0;
};

// The position an internal export shows: the middle of the incident's street
// segment (its edge), so a point names a street, not a door.
Point segment_position(const network::Network& network, network::EdgeId edge);

}  // namespace tryggve::privacy
