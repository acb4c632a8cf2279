#include "tryggve/snap/place_tagger.hpp"

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>

#include <fmt/format.h>
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>

#include "tryggve/core/error.hpp"

namespace tryggve::snap {

namespace {

// One thread's GEOS world: its context, its own copies of the polygons, their
// STRtrees and (lazily) their prepared geometries. Nothing here is shared.
class GeosThread {
 public:
  GeosThread() : ctx_(GEOS_init_r()) {
    GEOSContext_setErrorMessageHandler_r(ctx_, &GeosThread::on_error, this);
  }
  ~GeosThread() {
    for (auto* set : {&parks_, &areas_}) {
      for (auto* p : set->prepared)
        if (p) GEOSPreparedGeom_destroy_r(ctx_, p);
      if (set->tree) GEOSSTRtree_destroy_r(ctx_, set->tree);
      for (auto* g : set->geoms)
        if (g) GEOSGeom_destroy_r(ctx_, g);
    }
    GEOS_finish_r(ctx_);
  }
  GeosThread(const GeosThread&) = delete;
  GeosThread& operator=(const GeosThread&) = delete;

  struct PolySet {
    const char* what = "";
    std::vector<GEOSGeometry*> geoms;  // null for a feature with no usable ring
    std::vector<const GEOSPreparedGeometry*> prepared;
    GEOSSTRtree* tree = nullptr;
  };

  void build(PolySet& set, const char* what, const std::vector<PolygonFeature>& features) {
    set.what = what;
    set.geoms.assign(features.size(), nullptr);
    set.prepared.assign(features.size(), nullptr);
    set.tree = GEOSSTRtree_create_r(ctx_, 10);
    for (std::size_t i = 0; i < features.size(); ++i) {
      set.geoms[i] = to_geos(features[i], what, i);
      if (set.geoms[i])
        GEOSSTRtree_insert_r(ctx_, set.tree, set.geoms[i], reinterpret_cast<void*>(static_cast<std::uintptr_t>(i)));
    }
  }

  PolySet parks_, areas_;
  GEOSContextHandle_t ctx() const { return ctx_; }
  std::vector<std::uint32_t> scratch;

  // Indices of the set's polygons whose envelope meets `query`'s, ascending.
  const std::vector<std::uint32_t>& candidates(PolySet& set, const GEOSGeometry* query) {
    scratch.clear();
    if (set.geoms.empty()) return scratch;
    GEOSSTRtree_query_r(
        ctx_, set.tree, query,
        [](void* item, void* user) {
          static_cast<std::vector<std::uint32_t>*>(user)->push_back(
              static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(item)));
        },
        &scratch);
    std::sort(scratch.begin(), scratch.end());
    return scratch;
  }

  const GEOSPreparedGeometry* prepared(PolySet& set, std::uint32_t i) {
    if (!set.prepared[i]) {
      set.prepared[i] = GEOSPrepare_r(ctx_, set.geoms[i]);
      if (!set.prepared[i]) fail(set, i, "cannot prepare the polygon");
    }
    return set.prepared[i];
  }

  bool covers(PolySet& set, std::uint32_t i, const GEOSGeometry* pt) {
    const char r = GEOSPreparedIntersects_r(ctx_, prepared(set, i), pt);
    if (r == 2) fail(set, i, "point-in-polygon test failed");
    return r == 1;
  }

  double distance(PolySet& set, std::uint32_t i, const GEOSGeometry* pt) {
    double d = 0.0;
    if (!GEOSPreparedDistance_r(ctx_, prepared(set, i), pt, &d)) fail(set, i, "distance failed");
    return d;
  }

  [[noreturn]] void fail(const PolySet& set, std::size_t i, const char* what) {
    throw Error(ErrorCode::WrongGeometryType, fmt::format("{} feature #{}", set.what, i),
                fmt::format("GEOS: {}: {}", what, last_error_.empty() ? "unknown error" : last_error_));
  }

 private:
  static void on_error(const char* message, void* self) { static_cast<GeosThread*>(self)->last_error_ = message; }

  GEOSGeometry* ring(const Ring& r) {
    if (r.size() < 3) return nullptr;
    std::vector<double> xy;
    xy.reserve(2 * (r.size() + 1));
    for (const auto& p : r) { xy.push_back(p.x); xy.push_back(p.y); }
    if (!(r.front() == r.back())) { xy.push_back(r.front().x); xy.push_back(r.front().y); }
    const auto n = static_cast<unsigned>(xy.size() / 2);
    if (n < 4) return nullptr;  // a closed ring of 3 points has no area
    GEOSCoordSequence* seq = GEOSCoordSeq_copyFromBuffer_r(ctx_, xy.data(), n, 0, 0);
    if (!seq) return nullptr;
    return GEOSGeom_createLinearRing_r(ctx_, seq);  // takes the sequence
  }

  GEOSGeometry* to_geos(const PolygonFeature& f, const char* what, std::size_t index) {
    std::vector<GEOSGeometry*> polys;
    for (const auto& poly : f.geometry) {
      GEOSGeometry* shell = ring(poly.outer);
      if (!shell) continue;
      std::vector<GEOSGeometry*> holes;
      for (const auto& h : poly.holes)
        if (auto* g = ring(h)) holes.push_back(g);
      GEOSGeometry* pg = GEOSGeom_createPolygon_r(ctx_, shell, holes.data(), static_cast<unsigned>(holes.size()));
      if (!pg) {
        for (auto* g : polys) GEOSGeom_destroy_r(ctx_, g);
        throw Error(ErrorCode::WrongGeometryType,
                    fmt::format("{} feature #{} (source id {})", what, index, f.source_id),
                    fmt::format("GEOS cannot build the polygon: {}", last_error_));
      }
      polys.push_back(pg);
    }
    if (polys.empty()) return nullptr;
    return GEOSGeom_createCollection_r(ctx_, GEOS_MULTIPOLYGON, polys.data(), static_cast<unsigned>(polys.size()));
  }

  GEOSContextHandle_t ctx_;
  std::string last_error_;
};

// A GEOS geometry owned for the length of a query.
struct GeomGuard {
  GEOSContextHandle_t ctx;
  GEOSGeometry* g;
  ~GeomGuard() {
    if (g) GEOSGeom_destroy_r(ctx, g);
  }
};

struct StopCell {
  std::int64_t cx, cy;
  std::uint32_t index;
  friend bool operator<(const StopCell& a, const StopCell& b) {
    return std::tie(a.cx, a.cy, a.index) < std::tie(b.cx, b.cy, b.index);
  }
};

}  // namespace

struct PlaceTagger::Impl {
  std::vector<PolygonFeature> parks, areas;
  std::vector<PointFeature> stops;
  PlaceTagOptions options;
  // Stops bucketed by grid cell, sorted by (cell, index).
  double stop_cell = 1.0, stop_ox = 0.0, stop_oy = 0.0;
  std::vector<StopCell> stop_cells;
  mutable tbb::enumerable_thread_specific<std::unique_ptr<GeosThread>> geos;

  std::unique_ptr<GeosThread> make_thread() const {
    auto t = std::make_unique<GeosThread>();
    t->build(t->parks_, "park", parks);
    t->build(t->areas_, "area", areas);
    return t;
  }
  GeosThread& local() const {
    auto& t = geos.local();
    if (!t) t = make_thread();
    return *t;
  }

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
  m.parks = std::move(parks);
  m.stops = std::move(stops);
  m.areas = std::move(areas);
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
  // Build this thread's GEOS set now, so a polygon GEOS refuses is reported here.
  m.local();
}

PlaceTagger::~PlaceTagger() = default;
PlaceTagger::PlaceTagger(PlaceTagger&&) noexcept = default;
PlaceTagger& PlaceTagger::operator=(PlaceTagger&&) noexcept = default;

const std::vector<PolygonFeature>& PlaceTagger::parks() const { return impl_->parks; }
const std::vector<PointFeature>& PlaceTagger::stops() const { return impl_->stops; }
const std::vector<PolygonFeature>& PlaceTagger::areas() const { return impl_->areas; }
const PlaceTagOptions& PlaceTagger::options() const { return impl_->options; }

PlaceTag PlaceTagger::tag(Point p) const {
  PlaceTag tag;
  if (!std::isfinite(p.x) || !std::isfinite(p.y)) return tag;
  const auto& m = *impl_;
  m.nearest_stop(p, tag);
  if (m.parks.empty() && m.areas.empty()) return tag;

  GeosThread& g = m.local();
  GEOSContextHandle_t ctx = g.ctx();
  GeomGuard pt{ctx, GEOSGeom_createPointFromXY_r(ctx, p.x, p.y)};
  if (!pt.g) throw Error(ErrorCode::Internal, "PlaceTagger", "GEOS could not create a point");

  if (!m.parks.empty()) {
    const double d = m.options.park_distance_m;
    GeomGuard box{ctx, GEOSGeom_createRectangle_r(ctx, p.x - d, p.y - d, p.x + d, p.y + d)};
    if (!box.g) throw Error(ErrorCode::Internal, "PlaceTagger", "GEOS could not create a rectangle");
    for (std::uint32_t i : g.candidates(g.parks_, box.g)) {
      double di = 0.0;
      if (!g.covers(g.parks_, i, pt.g)) {
        if (d <= 0.0) continue;
        di = g.distance(g.parks_, i, pt.g);
        if (!(di <= d)) continue;
      }
      // Candidates come in ascending index order: only a strictly nearer park replaces.
      if (di < tag.park_distance) {
        tag.park = i;
        tag.park_distance = di;
      }
      if (di == 0.0) break;  // nothing beats 0 at a lower index
    }
  }
  if (!m.areas.empty()) {
    for (std::uint32_t i : g.candidates(g.areas_, pt.g))
      if (g.covers(g.areas_, i, pt.g)) {
        tag.area = i;
        break;
      }
  }
  return tag;
}

std::vector<PlaceTag> PlaceTagger::tag_all(std::span<const Point> points) const {
  std::vector<PlaceTag> out(points.size());
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, points.size(), 256),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t i = r.begin(); i != r.end(); ++i) out[i] = tag(points[i]);
                    });
  return out;
}

}  // namespace tryggve::snap
