#include "tryggve/io/crs.hpp"

#include <cmath>

#include <fmt/format.h>
#include <ogr_spatialref.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/io/gdal_env.hpp"

namespace tryggve::io {

namespace {

std::unique_ptr<OGRSpatialReference> clone(const OGRSpatialReference* s) {
  if (!s) return nullptr;
  auto c = std::unique_ptr<OGRSpatialReference>(s->Clone());
  c->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  return c;
}

std::unique_ptr<OGRSpatialReference> wgs84() {
  auto s = std::make_unique<OGRSpatialReference>();
  s->importFromEPSG(4326);
  s->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  return s;
}

std::string srs_name(const OGRSpatialReference& s) {
  const char* n = s.GetName();
  return n ? n : "unnamed CRS";
}

// Every length in Tryggve is in metres, so the target must be projected in metres.
void check_usable_target(const OGRSpatialReference& s, const std::string& spec) {
  if (s.IsGeographic() || s.IsGeocentric())
    throw Error(ErrorCode::BadCrs, spec,
                fmt::format("'{}' is a geographic CRS (degrees); Tryggve needs a projected CRS in metres, "
                            "e.g. EPSG:3006 in Sweden, or 'auto' for the data's UTM zone",
                            srs_name(s)));
  if (!s.IsProjected())
    throw Error(ErrorCode::BadCrs, spec, fmt::format("'{}' is not a projected CRS", srs_name(s)));
  const double unit = s.GetLinearUnits();
  if (std::abs(unit - 1.0) > 1e-9)
    throw Error(ErrorCode::BadCrs, spec,
                fmt::format("'{}' is in units of {} m; Tryggve needs a CRS in metres (or 'local' to use "
                            "coordinates as they are)",
                            srs_name(s), unit));
}

}  // namespace

std::unique_ptr<OGRSpatialReference> parse_srs(const std::string& definition, const std::string& where) {
  GdalMessages msgs;
  auto s = std::make_unique<OGRSpatialReference>();
  if (definition.empty() || s->SetFromUserInput(definition.c_str()) != OGRERR_NONE)
    throw Error(ErrorCode::BadCrs, where,
                fmt::format("CRS '{}' not understood{}", definition,
                            msgs.last().empty() ? "" : ": " + msgs.last()));
  s->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  return s;
}

int utm_epsg_for(double lon, double lat) {
  int zone = static_cast<int>(std::floor((lon + 180.0) / 6.0)) + 1;
  zone = std::clamp(zone, 1, 60);
  // South-west Norway (32V) and Svalbard (31X, 33X, 35X, 37X).
  if (lat >= 56.0 && lat < 64.0 && lon >= 3.0 && lon < 12.0) zone = 32;
  if (lat >= 72.0 && lat < 84.0) {
    if (lon >= 0.0 && lon < 9.0) zone = 31;
    else if (lon >= 9.0 && lon < 21.0) zone = 33;
    else if (lon >= 21.0 && lon < 33.0) zone = 35;
    else if (lon >= 33.0 && lon < 42.0) zone = 37;
  }
  return (lat >= 0.0 ? 32600 : 32700) + zone;
}

CrsContext::CrsContext() = default;
CrsContext::~CrsContext() = default;
CrsContext::CrsContext(const CrsContext& o) : local_(o.local_), srs_(clone(o.srs_.get())) {}
CrsContext& CrsContext::operator=(const CrsContext& o) {
  if (this != &o) {
    local_ = o.local_;
    srs_ = clone(o.srs_.get());
  }
  return *this;
}
CrsContext::CrsContext(CrsContext&&) noexcept = default;
CrsContext& CrsContext::operator=(CrsContext&&) noexcept = default;

CrsContext CrsContext::from_spec(const std::string& spec) {
  ensure_gdal();
  CrsContext c;
  if (spec.empty() || spec == "auto") return c;
  if (spec == "local") {
    c.local_ = true;
    return c;
  }
  c.srs_ = parse_srs(spec, "--crs " + spec);
  check_usable_target(*c.srs_, "--crs " + spec);
  return c;
}

void CrsContext::resolve_auto(double lon, double lat) {
  if (is_resolved()) return;
  if (!std::isfinite(lon) || !std::isfinite(lat) || std::abs(lat) > 90.0 || std::abs(lon) > 180.0)
    throw Error(ErrorCode::BadCoordinate, "crs auto",
                fmt::format("cannot choose a UTM zone for lon {} lat {}", lon, lat));
  ensure_gdal();
  auto s = std::make_unique<OGRSpatialReference>();
  s->importFromEPSG(utm_epsg_for(lon, lat));
  s->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  srs_ = std::move(s);
  log::info("CRS auto: {} (centre lon {:.4f} lat {:.4f})", describe(), lon, lat);
}

std::string CrsContext::wkt() const {
  if (!srs_) return {};
  char* w = nullptr;
  const char* opts[] = {"FORMAT=WKT2_2018", nullptr};
  srs_->exportToWkt(&w, opts);
  std::string out = w ? w : "";
  CPLFree(w);
  return out;
}

int CrsContext::epsg() const {
  if (!srs_) return 0;
  const char* auth = srs_->GetAuthorityName(nullptr);
  const char* code = srs_->GetAuthorityCode(nullptr);
  if (auth && code && std::string(auth) == "EPSG") return std::atoi(code);
  return 0;
}

std::string CrsContext::describe() const {
  if (local_) return "local (no CRS)";
  if (!srs_) return "auto (not yet resolved)";
  const int code = epsg();
  return code ? fmt::format("EPSG:{} {}", code, srs_name(*srs_)) : srs_name(*srs_);
}

std::unique_ptr<Transform> CrsContext::transform_from(const OGRSpatialReference* source, const std::string& where,
                                                      const std::string& assume_source, const Point* centre) {
  ensure_gdal();
  std::unique_ptr<OGRSpatialReference> src = clone(source);
  if (!src && !assume_source.empty()) src = parse_srs(assume_source, where);

  if (local_) {
    if (src)
      log::warn("{}: the data declare a CRS ({}) but the run is local: coordinates are used as they are",
                where, srs_name(*src));
    return std::make_unique<Transform>(nullptr, false);
  }
  if (!src)
    throw Error(ErrorCode::MissingCrs, where,
                "the data have no CRS: state the source CRS (e.g. EPSG:4326 for lon/lat), or run with --crs local "
                "to use the coordinates as they are");
  const bool geographic = src->IsGeographic();

  if (!srs_) {  // auto
    if (!centre || !std::isfinite(centre->x) || !std::isfinite(centre->y))
      throw Error(ErrorCode::BadCrs, where, "cannot choose the UTM zone for --crs auto: no valid coordinates");
    double lon = centre->x, lat = centre->y;
    if (!geographic) {
      GdalMessages msgs;
      auto ll = wgs84();
      std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(src.get(), ll.get()));
      if (!ct || !ct->Transform(1, &lon, &lat))
        throw Error(ErrorCode::BadCrs, where,
                    fmt::format("cannot find the data's longitude/latitude to choose a UTM zone: {}", msgs.last()));
    }
    resolve_auto(lon, lat);
  }

  if (src->IsSame(srs_.get())) return std::make_unique<Transform>(nullptr, false);
  GdalMessages msgs;
  std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(src.get(), srs_.get()));
  if (!ct)
    throw Error(ErrorCode::BadCrs, where,
                fmt::format("no transformation from {} to {}: {}", srs_name(*src), describe(), msgs.last()));
  return std::make_unique<Transform>(std::move(ct), geographic);
}

std::unique_ptr<Transform> CrsContext::to_wgs84(const std::string& where) const {
  if (!has_geographic_reference())
    throw Error(ErrorCode::BadCrs, where, fmt::format("the run's CRS ({}) has no longitude and latitude", describe()));
  GdalMessages msgs;
  auto ll = wgs84();
  std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(srs_.get(), ll.get()));
  if (!ct)
    throw Error(ErrorCode::BadCrs, where, fmt::format("no transformation from {} to WGS84: {}", describe(), msgs.last()));
  return std::make_unique<Transform>(std::move(ct), false);
}

std::unique_ptr<Transform> CrsContext::from_wgs84(const std::string& where) const {
  if (!has_geographic_reference())
    throw Error(ErrorCode::BadCrs, where, fmt::format("the run's CRS ({}) has no longitude and latitude", describe()));
  GdalMessages msgs;
  auto ll = wgs84();
  std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(ll.get(), srs_.get()));
  if (!ct)
    throw Error(ErrorCode::BadCrs, where, fmt::format("no transformation from WGS84 to {}: {}", describe(), msgs.last()));
  return std::make_unique<Transform>(std::move(ct), true);
}

Transform::Transform(std::unique_ptr<OGRCoordinateTransformation> ct, bool source_geographic)
    : ct_(std::move(ct)), source_geographic_(source_geographic) {}
Transform::~Transform() = default;

bool Transform::apply(double& x, double& y) const {
  if (!std::isfinite(x) || !std::isfinite(y)) return false;
  if (!ct_) return true;
  int ok = 0;
  if (!ct_->Transform(1, &x, &y, nullptr, &ok) || !ok) return false;
  return std::isfinite(x) && std::isfinite(y);
}

bool Transform::apply(std::vector<Point>& pts, std::vector<unsigned char>* ok_out) const {
  const std::size_t n = pts.size();
  std::vector<int> ok(n, 1);
  bool all = true;
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(pts[i].x) || !std::isfinite(pts[i].y)) ok[i] = 0, all = false;
  if (ct_ && n > 0) {
    std::vector<double> x(n), y(n);
    for (std::size_t i = 0; i < n; ++i) {
      // Non-finite inputs are kept out of PROJ (some operations abort the whole batch on them).
      x[i] = ok[i] ? pts[i].x : 0.0;
      y[i] = ok[i] ? pts[i].y : 0.0;
    }
    std::vector<int> tok(n, 0);
    // Transform returns FALSE if any point failed; the per-point flags say which.
    ct_->Transform(n, x.data(), y.data(), nullptr, tok.data());
    for (std::size_t i = 0; i < n; ++i) {
      if (!ok[i]) continue;
      if (!tok[i] || !std::isfinite(x[i]) || !std::isfinite(y[i])) {
        ok[i] = 0;
        all = false;
        continue;
      }
      pts[i] = {x[i], y[i]};
    }
  }
  if (ok_out) ok_out->assign(ok.begin(), ok.end());
  return all;
}

}  // namespace tryggve::io
