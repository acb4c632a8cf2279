#include "tryggve/network/polygon_index.hpp"

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/parallel.hpp"

namespace tryggve::network {

namespace {

// One thread's GEOS world: its context, its own copies of the polygons, their
// STRtree and (lazily) their prepared geometries. Nothing here is shared.
class GeosThread {
 public:
  GeosThread() : ctx_(GEOS_init_r()) {
    GEOSContext_setErrorMessageHandler_r(ctx_, &GeosThread::on_error, this);
  }
  ~GeosThread() {
    for (auto* p : prepared_)
      if (p) GEOSPreparedGeom_destroy_r(ctx_, p);
    if (tree_) GEOSSTRtree_destroy_r(ctx_, tree_);
    for (auto* g : geoms_)
      if (g) GEOSGeom_destroy_r(ctx_, g);
    GEOS_finish_r(ctx_);
  }
  GeosThread(const GeosThread&) = delete;
  GeosThread& operator=(const GeosThread&) = delete;

  void build(const char* what, const std::vector<PolygonFeature>& features) {
    what_ = what;
    geoms_.assign(features.size(), nullptr);
    prepared_.assign(features.size(), nullptr);
    tree_ = GEOSSTRtree_create_r(ctx_, 10);
    for (std::size_t i = 0; i < features.size(); ++i) {
      geoms_[i] = to_geos(features[i], i);
      if (geoms_[i])
        GEOSSTRtree_insert_r(ctx_, tree_, geoms_[i], reinterpret_cast<void*>(static_cast<std::uintptr_t>(i)));
    }
  }

  GEOSContextHandle_t ctx() const { return ctx_; }

  // Indices of the polygons whose envelope meets `query`'s, ascending.
  const std::vector<std::uint32_t>& candidates(const GEOSGeometry* query) {
    scratch_.clear();
    if (geoms_.empty()) return scratch_;
    GEOSSTRtree_query_r(
        ctx_, tree_, query,
        [](void* item, void* user) {
          static_cast<std::vector<std::uint32_t>*>(user)->push_back(
              static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(item)));
        },
        &scratch_);
    std::sort(scratch_.begin(), scratch_.end());
    return scratch_;
  }

  bool covers(std::uint32_t i, const GEOSGeometry* pt) {
    const char r = GEOSPreparedIntersects_r(ctx_, prepared(i), pt);
    if (r == 2) fail(i, "point-in-polygon test failed");
    return r == 1;
  }

  double distance(std::uint32_t i, const GEOSGeometry* pt) {
    double d = 0.0;
    if (!GEOSPreparedDistance_r(ctx_, prepared(i), pt, &d)) fail(i, "distance failed");
    return d;
  }

 private:
  static void on_error(const char* message, void* self) { static_cast<GeosThread*>(self)->last_error_ = message; }

  const GEOSPreparedGeometry* prepared(std::uint32_t i) {
    if (!prepared_[i]) {
      prepared_[i] = GEOSPrepare_r(ctx_, geoms_[i]);
      if (!prepared_[i]) fail(i, "cannot prepare the polygon");
    }
    return prepared_[i];
  }

  [[noreturn]] void fail(std::size_t i, const char* what) {
    throw Error(ErrorCode::WrongGeometryType, fmt::format("{} feature #{}", what_, i),
                fmt::format("GEOS: {}: {}", what, last_error_.empty() ? "unknown error" : last_error_));
  }

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

  GEOSGeometry* to_geos(const PolygonFeature& f, std::size_t index) {
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
                    fmt::format("{} feature #{} (source id {})", what_, index, f.source_id),
                    fmt::format("GEOS cannot build the polygon: {}", last_error_));
      }
      polys.push_back(pg);
    }
    if (polys.empty()) return nullptr;
    return GEOSGeom_createCollection_r(ctx_, GEOS_MULTIPOLYGON, polys.data(), static_cast<unsigned>(polys.size()));
  }

  GEOSContextHandle_t ctx_;
  std::string what_, last_error_;
  std::vector<GEOSGeometry*> geoms_;  // null for a feature with no usable ring
  std::vector<const GEOSPreparedGeometry*> prepared_;
  GEOSSTRtree* tree_ = nullptr;
  std::vector<std::uint32_t> scratch_;
};

// A GEOS geometry owned for the length of a query.
struct GeomGuard {
  GEOSContextHandle_t ctx;
  GEOSGeometry* g;
  ~GeomGuard() {
    if (g) GEOSGeom_destroy_r(ctx, g);
  }
};

}  // namespace

struct PolygonIndex::Impl {
  std::vector<PolygonFeature> polygons;
  std::string what;
  mutable PerThread<std::unique_ptr<GeosThread>> geos;

  GeosThread& local() const {
    auto& t = geos.local();
    if (!t) {
      t = std::make_unique<GeosThread>();
      t->build(what.c_str(), polygons);
    }
    return *t;
  }
};

PolygonIndex::PolygonIndex() : PolygonIndex({}, "polygon") {}

PolygonIndex::PolygonIndex(std::vector<PolygonFeature> polygons, std::string what) : impl_(std::make_unique<Impl>()) {
  impl_->polygons = std::move(polygons);
  impl_->what = std::move(what);
  // Build this thread's GEOS set now, so a polygon GEOS refuses is reported here.
  if (!impl_->polygons.empty()) impl_->local();
}

PolygonIndex::~PolygonIndex() = default;
PolygonIndex::PolygonIndex(PolygonIndex&&) noexcept = default;
PolygonIndex& PolygonIndex::operator=(PolygonIndex&&) noexcept = default;

const std::vector<PolygonFeature>& PolygonIndex::polygons() const { return impl_->polygons; }

std::uint32_t PolygonIndex::first_covering(Point p) const {
  if (impl_->polygons.empty() || !std::isfinite(p.x) || !std::isfinite(p.y)) return kNone;
  GeosThread& g = impl_->local();
  GEOSContextHandle_t ctx = g.ctx();
  GeomGuard pt{ctx, GEOSGeom_createPointFromXY_r(ctx, p.x, p.y)};
  if (!pt.g) throw Error(ErrorCode::Internal, "PolygonIndex", "GEOS could not create a point");
  for (std::uint32_t i : g.candidates(pt.g))
    if (g.covers(i, pt.g)) return i;
  return kNone;
}

PolygonIndex::Nearest PolygonIndex::nearest_within(Point p, double d) const {
  Nearest best;
  if (impl_->polygons.empty() || !std::isfinite(p.x) || !std::isfinite(p.y)) return best;
  GeosThread& g = impl_->local();
  GEOSContextHandle_t ctx = g.ctx();
  GeomGuard pt{ctx, GEOSGeom_createPointFromXY_r(ctx, p.x, p.y)};
  if (!pt.g) throw Error(ErrorCode::Internal, "PolygonIndex", "GEOS could not create a point");
  GeomGuard box{ctx, GEOSGeom_createRectangle_r(ctx, p.x - d, p.y - d, p.x + d, p.y + d)};
  if (!box.g) throw Error(ErrorCode::Internal, "PolygonIndex", "GEOS could not create a rectangle");
  for (std::uint32_t i : g.candidates(box.g)) {
    double di = 0.0;
    if (!g.covers(i, pt.g)) {
      if (d <= 0.0) continue;
      di = g.distance(i, pt.g);
      if (!(di <= d)) continue;
    }
    // Candidates come in ascending index order: only a strictly nearer polygon replaces.
    if (di < best.distance) {
      best.index = i;
      best.distance = di;
    }
    if (di == 0.0) break;  // nothing beats 0 at a lower index
  }
  return best;
}

}  // namespace tryggve::network
