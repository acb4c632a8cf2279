#include "tryggve/snap/place_tagger.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <tuple>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/parallel.hpp"
#include "tryggve/network/polygon_index.hpp"

namespace tryggve::snap {

namespace {

struct StopCell {
  std::int64_t cx, cy;
  std::uint32_t index;
  friend bool operator<(const StopCell& a, const StopCell& b) {
    return std::tie(a.cx, a.cy, a.index) < std::tie(b.cx, b.cy, b.index);
  }
};

}  // namespace

struct PlaceTagger::Impl {
  network::PolygonIndex parks, areas;
  std::vector<PointFeature> stops;
  PlaceTagOptions options;
  // Stops bucketed by grid cell, sorted by (cell, index).
  double stop_cell = 1.0, stop_ox = 0.0, stop_oy = 0.0;
  std::vector<StopCell> stop_cells;

  void nearest_stop(Point p, PlaceTag& tag) const {
    if (stop_cells.empty()) return;
    const double r = options.stop_radius_m;
    const double slack = 1e-9 * stop_cell;
    const auto c = [&](double v, double o) { return static_cast<std::int64_t>(std::floor((v - o) / stop_cell)); };
    const std::int64_t x0 = c(p.x - r - slack, stop_ox), x1 = c(p.x + r + slack, stop_ox);
    const std::int64_t y0 = c(p.y - r - slack, stop_oy), y1 = c(p.y + r + slack, stop_oy);
    for (std::int64_t cx = x0; cx <= x1; ++cx)
      for (std::int64_t cy = y0; cy <= y1; ++cy) {
        auto it = std::lower_bound(stop_cells.begin(), stop_cells.end(), StopCell{cx, cy, 0});
        for (; it != stop_cells.end() && it->cx == cx && it->cy == cy; ++it) {
          const double d = distance(p, stops[it->index].pos);
          if (d > r) continue;
          if (d < tag.stop_distance || (d == tag.stop_distance && it->index < tag.stop)) {
            tag.stop = it->index;
            tag.stop_distance = d;
          }
        }
      }
  }
};

PlaceTagger::PlaceTagger(std::vector<PolygonFeature> parks, std::vector<PointFeature> stops,
                         std::vector<PolygonFeature> areas, PlaceTagOptions options)
    : impl_(std::make_unique<Impl>()) {
  if (!(options.park_distance_m >= 0.0) || !std::isfinite(options.park_distance_m))
    throw Error(ErrorCode::BadOption, "park_distance_m", fmt::format("must be >= 0, got {}", options.park_distance_m));
  if (!(options.stop_radius_m >= 0.0) || !std::isfinite(options.stop_radius_m))
    throw Error(ErrorCode::BadOption, "stop_radius_m", fmt::format("must be >= 0, got {}", options.stop_radius_m));
  auto& m = *impl_;
  m.parks = network::PolygonIndex(std::move(parks), "park");
  m.stops = std::move(stops);
  m.areas = network::PolygonIndex(std::move(areas), "area");
  m.options = options;

  Envelope ext;
  for (const auto& s : m.stops)
    if (std::isfinite(s.pos.x) && std::isfinite(s.pos.y)) ext.expand(s.pos);
  if (!ext.empty()) {
    // Cells of one radius (at least a metre, and few enough to index with int64).
    m.stop_cell = std::max({options.stop_radius_m, 1.0, ext.width() / 1e9, ext.height() / 1e9});
    m.stop_ox = ext.min_x;
    m.stop_oy = ext.min_y;
    for (std::uint32_t i = 0; i < m.stops.size(); ++i) {
      const Point q = m.stops[i].pos;
      if (!std::isfinite(q.x) || !std::isfinite(q.y)) continue;
      m.stop_cells.push_back({static_cast<std::int64_t>(std::floor((q.x - m.stop_ox) / m.stop_cell)),
                              static_cast<std::int64_t>(std::floor((q.y - m.stop_oy) / m.stop_cell)), i});
    }
    std::sort(m.stop_cells.begin(), m.stop_cells.end());
  }
}

PlaceTagger::~PlaceTagger() = default;
PlaceTagger::PlaceTagger(PlaceTagger&&) noexcept = default;
PlaceTagger& PlaceTagger::operator=(PlaceTagger&&) noexcept = default;

const std::vector<PolygonFeature>& PlaceTagger::parks() const { return impl_->parks.polygons(); }
const std::vector<PointFeature>& PlaceTagger::stops() const { return impl_->stops; }
const std::vector<PolygonFeature>& PlaceTagger::areas() const { return impl_->areas.polygons(); }
const PlaceTagOptions& PlaceTagger::options() const { return impl_->options; }

PlaceTag PlaceTagger::tag(Point p) const {
  PlaceTag tag;
  if (!std::isfinite(p.x) || !std::isfinite(p.y)) return tag;
  const auto& m = *impl_;
  m.nearest_stop(p, tag);
  if (!m.parks.empty()) {
    const auto park = m.parks.nearest_within(p, m.options.park_distance_m);
    tag.park = park.index;
    tag.park_distance = park.distance;
  }
  if (!m.areas.empty()) tag.area = m.areas.first_covering(p);
  return tag;
}

std::vector<PlaceTag> PlaceTagger::tag_all(std::span<const Point> points) const {
  std::vector<PlaceTag> out(points.size());
  parallel_for(IndexRange<std::size_t>(0, points.size(), 256), [&](const IndexRange<std::size_t>& r) {
    for (std::size_t i = r.begin(); i != r.end(); ++i) out[i] = tag(points[i]);
  });
  return out;
}

}  // namespace tryggve::snap
