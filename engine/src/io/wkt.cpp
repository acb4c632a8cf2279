#include "tryggve/io/wkt.hpp"

#include <memory>

#include <ogr_geometry.h>
#include <ogr_spatialref.h>

#include "tryggve/io/gdal_env.hpp"

namespace tryggve::io {

std::optional<ParsedWkt> parse_wkt(const std::string& wkt) {
  ensure_gdal();
  OGRGeometry* g = nullptr;
  const char* text = wkt.c_str();
  if (OGRGeometryFactory::createFromWkt(&text, nullptr, &g) != OGRERR_NONE || !g) return std::nullopt;
  std::unique_ptr<OGRGeometry> own(g);
  ParsedWkt out;
  out.type = g->getGeometryName();
  auto ring = [](const OGRLinearRing* r) {
    Ring x;
    for (int i = 0; i < r->getNumPoints(); ++i) x.push_back({r->getX(i), r->getY(i)});
    if (!x.empty() && (x.front().x != x.back().x || x.front().y != x.back().y)) x.push_back(x.front());
    return x;
  };
  auto poly = [&](const OGRPolygon* p) {
    Polygon q;
    if (p->getExteriorRing()) q.outer = ring(p->getExteriorRing());
    for (int i = 0; i < p->getNumInteriorRings(); ++i) q.holes.push_back(ring(p->getInteriorRing(i)));
    out.polygons.push_back(std::move(q));
  };
  const auto type = wkbFlatten(g->getGeometryType());
  if (type == wkbPolygon) {
    poly(g->toPolygon());
  } else if (type == wkbMultiPolygon) {
    for (const auto* p : *g->toMultiPolygon()) poly(p);
  }
  return out;
}

std::optional<std::string> wgs84_ring_as_wkt(const std::vector<Point>& ring_lon_lat, const CrsContext& crs) {
  ensure_gdal();
  OGRPolygon poly;
  OGRLinearRing ring;
  for (const auto& p : ring_lon_lat) ring.addPoint(p.x, p.y);
  poly.addRing(&ring);
  if (crs.srs()) {
    OGRSpatialReference wgs;
    wgs.importFromEPSG(4326);
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReference dst(*crs.srs());
    dst.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    poly.assignSpatialReference(&wgs);
    if (poly.transformTo(&dst) != OGRERR_NONE) return std::nullopt;
    poly.assignSpatialReference(nullptr);
  }
  char* wkt = nullptr;
  poly.exportToWkt(&wkt);
  std::string s = wkt ? wkt : "";
  CPLFree(wkt);
  return s;
}

}  // namespace tryggve::io
