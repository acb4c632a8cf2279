#include "tryggve/privacy/anonymous_points.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>

#include "tryggve/core/error.hpp"
#include "tryggve/core/polygon.hpp"

namespace tryggve::privacy {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using BPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using Entry = std::pair<BPoint, std::size_t>;

struct AnonymousPoints::Index {
  bgi::rtree<Entry, bgi::rstar<16>> tree;
};

namespace {

// A point that stands for a park: the area centroid of its largest part, or the
// outer ring's vertex nearest to it when the centroid falls outside (a crescent).
std::optional<Point> representative(const MultiPolygon& mp) {
  const Polygon* largest = nullptr;
  double largest_area = -1;
  for (const auto& poly : mp) {
    const double a = area(MultiPolygon{poly});
    if (poly.outer.size() >= 4 && a > largest_area) largest = &poly, largest_area = a;
  }
  if (!largest) return std::nullopt;
  const Ring& r = largest->outer;
  double a2 = 0, cx = 0, cy = 0;
  for (std::size_t i = 0; i + 1 < r.size(); ++i) {
    const double cross = r[i].x * r[i + 1].y - r[i + 1].x * r[i].y;
    a2 += cross;
    cx += (r[i].x + r[i + 1].x) * cross;
    cy += (r[i].y + r[i + 1].y) * cross;
  }
  if (a2 == 0) return r.front();
  Point c{cx / (3 * a2), cy / (3 * a2)};
  if (contains(r, c)) return c;
  Point best = r.front();
  for (const Point& v : r)
    if (distance(v, c) < distance(best, c)) best = v;
  return best;
}

bool public_kind(std::string_view kind) {
  // Places people gather in the open, where a published point names no household.
  static constexpr std::string_view kinds[] = {"square", "marketplace", "pedestrian", "plaza",
                                               "station", "park", "playground", "torg"};
  return std::find(std::begin(kinds), std::end(kinds), kind) != std::end(kinds);
}

}  // namespace

std::vector<PublicPlace> public_places(std::span<const PolygonFeature> parks,
                                       std::span<const PointFeature> stops,
                                       std::span<const PointFeature> places) {
  std::vector<PublicPlace> out;
  for (const auto& p : parks)
    if (auto pos = representative(p.geometry)) out.push_back({*pos, p.name, "park"});
  for (const auto& s : stops) out.push_back({s.pos, s.name, s.kind.empty() ? "stop" : s.kind});
  for (const auto& p : places)
    if (public_kind(p.kind)) out.push_back({p.pos, p.name, p.kind});
  return out;
}

Point segment_position(const network::Network& network, network::EdgeId edge) {
  return network.point_at(edge, network.edge(edge).length / 2);
}

AnonymousPoints::AnonymousPoints(const network::Network& network, std::span<const PublicPlace> places,
                                 std::span<const Point> addresses, const AnonymousPointOptions& options)
    : index_(std::make_unique<Index>()) {
  if (options.min_addresses < 1)
    throw Error(ErrorCode::BadOption, "anonymous map points", "min_addresses must be >= 1");
  std::vector<AnonymousPoint> cand;
  cand.reserve(network.edge_count() + places.size());
  for (network::EdgeId e = 0; e < network.edge_count(); ++e) {
    AnonymousPoint p;
    p.pos = segment_position(network, e);
    p.kind = AnonymousPoint::Kind::StreetSegment;
    p.name = network.edge(e).name;
    p.edge = e;
    cand.push_back(std::move(p));
  }
  for (const auto& pl : places) {
    AnonymousPoint p;
    p.pos = pl.pos;
    p.kind = AnonymousPoint::Kind::PublicPlace;
    p.name = pl.name;
    cand.push_back(std::move(p));
  }
  for (const auto& a : addresses)
    if (!std::isfinite(a.x) || !std::isfinite(a.y))
      throw Error(ErrorCode::BadCoordinate, "anonymous map points", "an address has a non-finite position");
  if (cand.empty())
    throw Error(ErrorCode::NoData, "anonymous map points", "no street segment and no public place to publish at");

  std::vector<Entry> entries;
  entries.reserve(cand.size());
  for (std::size_t i = 0; i < cand.size(); ++i) entries.emplace_back(BPoint(cand[i].pos.x, cand[i].pos.y), i);
  bgi::rtree<Entry, bgi::rstar<16>> tree(entries.begin(), entries.end());
  auto nearest_of = [&](Point p) {
    // The nearest two, so ties at equal distance go to the lower index whatever
    // order the tree returns them in (same inputs, same map).
    std::size_t best = std::numeric_limits<std::size_t>::max();
    double best_d = INFINITY;
    for (auto it = tree.qbegin(bgi::nearest(BPoint(p.x, p.y), 2)); it != tree.qend(); ++it) {
      const double d = distance(cand[it->second].pos, p);
      if (d < best_d || (d == best_d && it->second < best)) best = it->second, best_d = d;
    }
    return best;
  };

  std::vector<std::size_t> owner(addresses.size());
  std::vector<std::size_t> count(cand.size(), 0);
  for (std::size_t a = 0; a < addresses.size(); ++a) ++count[owner[a] = nearest_of(addresses[a])];
  std::vector<bool> alive(cand.size(), true);
  // Removing a point only grows its neighbours' catchments, so a qualifying point
  // with >= k addresses stays qualified; an empty one may fill to 1..k-1 and go in
  // a later pass. Every pass removes at least one point, so this ends.
  for (;;) {
    std::vector<std::size_t> gone;
    for (std::size_t i = 0; i < cand.size(); ++i)
      if (alive[i] && count[i] > 0 && count[i] < options.min_addresses) gone.push_back(i);
    if (gone.empty()) break;
    for (std::size_t i : gone) {
      alive[i] = false;
      tree.remove(Entry(BPoint(cand[i].pos.x, cand[i].pos.y), i));
      ++removed_;
    }
    if (tree.empty())
      throw Error(ErrorCode::NoData, "anonymous map points",
                  fmt::format("only {} addresses in the district: no map point can hold {} or more",
                              addresses.size(), options.min_addresses));
    std::fill(count.begin(), count.end(), 0);
    for (std::size_t a = 0; a < addresses.size(); ++a) {
      if (!alive[owner[a]]) owner[a] = nearest_of(addresses[a]);
      ++count[owner[a]];
    }
  }
  for (std::size_t i = 0; i < cand.size(); ++i)
    if (alive[i]) {
      cand[i].addresses = count[i];
      points_.push_back(std::move(cand[i]));
    }
  std::vector<Entry> kept;
  for (std::size_t i = 0; i < points_.size(); ++i) kept.emplace_back(BPoint(points_[i].pos.x, points_[i].pos.y), i);
  index_->tree = bgi::rtree<Entry, bgi::rstar<16>>(kept.begin(), kept.end());
}

AnonymousPoints::~AnonymousPoints() = default;
AnonymousPoints::AnonymousPoints(AnonymousPoints&&) noexcept = default;
AnonymousPoints& AnonymousPoints::operator=(AnonymousPoints&&) noexcept = default;

std::size_t AnonymousPoints::nearest(Point p) const {
  std::size_t best = std::numeric_limits<std::size_t>::max();
  double best_d = INFINITY;
  for (auto it = index_->tree.qbegin(bgi::nearest(BPoint(p.x, p.y), 2)); it != index_->tree.qend(); ++it) {
    const double d = distance(points_[it->second].pos, p);
    if (d < best_d || (d == best_d && it->second < best)) best = it->second, best_d = d;
  }
  return best;
}

}  // namespace tryggve::privacy
