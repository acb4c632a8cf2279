#pragma once
// RAII for GEOS's reentrant C API (geos_c.h with GEOS_USE_ONLY_R_API, which the
// module targets define). A GeosContext is one GEOS handle: not thread-safe, so
// use one per thread (e.g. a tryggve::PerThread<GeosContext>, core/parallel.hpp).
// GEOS reports errors through a callback; the context keeps the last message so
// a failed call can be turned into a tryggve::Error that says what GEOS said.
//
// Private to the network module: GEOS does not leave it (network/polygon_index.hpp
// is the polygon work other modules use).
#include <memory>
#include <span>
#include <string>
#include <type_traits>

#include <geos_c.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/geometry.hpp"

namespace tryggve::geos {

class GeosContext {
 public:
  GeosContext() : handle_(GEOS_init_r()) {
    if (!handle_) throw Error(ErrorCode::Internal, "GEOS", "GEOS_init_r failed");
    GEOSContext_setErrorMessageHandler_r(handle_, &GeosContext::on_error, this);
  }
  ~GeosContext() {
    if (handle_) GEOS_finish_r(handle_);
  }
  GeosContext(const GeosContext&) = delete;
  GeosContext& operator=(const GeosContext&) = delete;

  GEOSContextHandle_t get() const { return handle_; }
  operator GEOSContextHandle_t() const { return handle_; }  // NOLINT: pass straight to GEOS*_r

  // The last error GEOS reported on this handle ("" if none since clear_error()).
  const std::string& last_error() const { return last_error_; }
  void clear_error() { last_error_.clear(); }

  // Throws tryggve::Error(Internal) naming `what` and GEOS's message.
  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw Error(ErrorCode::Internal, where,
                what + " failed in GEOS" + (last_error_.empty() ? std::string() : ": " + last_error_));
  }

 private:
  static void on_error(const char* message, void* self) {
    static_cast<GeosContext*>(self)->last_error_ = message ? message : "";
  }
  GEOSContextHandle_t handle_;
  std::string last_error_;
};

// Owning pointer to a GEOSGeometry, destroyed on the handle that made it.
struct GeomDeleter {
  GEOSContextHandle_t handle = nullptr;
  void operator()(GEOSGeometry* g) const {
    if (g) GEOSGeom_destroy_r(handle, g);
  }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

inline GeomPtr adopt(const GeosContext& ctx, GEOSGeometry* g) { return GeomPtr(g, GeomDeleter{ctx.get()}); }

// tryggve::Point is two packed doubles, so a Polyline is GEOS's XY buffer as is.
static_assert(sizeof(Point) == 2 * sizeof(double) && std::is_standard_layout_v<Point>);

// A LineString from a polyline (at least 2 points; GEOS rejects fewer).
inline GeomPtr make_linestring(const GeosContext& ctx, std::span<const Point> pts) {
  GEOSCoordSequence* seq = GEOSCoordSeq_copyFromBuffer_r(
      ctx, reinterpret_cast<const double*>(pts.data()), static_cast<unsigned>(pts.size()), 0, 0);
  if (!seq) ctx.fail("GEOS", "GEOSCoordSeq_copyFromBuffer_r");
  GEOSGeometry* g = GEOSGeom_createLineString_r(ctx, seq);  // takes ownership of seq
  if (!g) ctx.fail("GEOS", "GEOSGeom_createLineString_r");
  return adopt(ctx, g);
}

// The XY coordinates of a LineString (or LinearRing).
inline Polyline linestring_points(const GeosContext& ctx, const GEOSGeometry* g) {
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx, g);
  if (!seq) ctx.fail("GEOS", "GEOSGeom_getCoordSeq_r");
  unsigned n = 0;
  if (!GEOSCoordSeq_getSize_r(ctx, seq, &n)) ctx.fail("GEOS", "GEOSCoordSeq_getSize_r");
  Polyline out(n);
  if (n && !GEOSCoordSeq_copyToBuffer_r(ctx, seq, reinterpret_cast<double*>(out.data()), 0, 0))
    ctx.fail("GEOS", "GEOSCoordSeq_copyToBuffer_r");
  return out;
}

}  // namespace tryggve::geos
