#pragma once
// The run's one metric CRS and the transformations into it. Every reader
// reprojects into it; all analyses work in its units.
//
// Spec strings (the --crs option):
//   "EPSG:3006" (or any definition OGRSpatialReference::SetFromUserInput takes:
//             WKT, PROJ string, "EPSG:32633" ...). It must be projected with
//             metre units: geographic (degrees) and foot-based CRSs are refused,
//             because every length, bandwidth and radius in Tryggve is in metres,
//   "auto"  - the WGS84 UTM zone of the first data's centre (Norway/Svalbard
//             exceptions included); for data in Sweden prefer EPSG:3006
//             (SWEREF99 TM, which is UTM 33 on GRS80),
//   "local" - no CRS: coordinates are used as they are (spatstat's chicago, in feet).
// Axis order is always traditional GIS order (x = easting/longitude), see ../shared/STACK.md.
#include <memory>
#include <string>
#include <vector>

#include "tryggve/core/geometry.hpp"

class OGRSpatialReference;
class OGRCoordinateTransformation;

namespace tryggve::io {

class Transform;

class CrsContext {
 public:
  // Throws Error(BadCrs) naming the spec if it is not understood, geographic or not in metres.
  static CrsContext from_spec(const std::string& spec);
  CrsContext();  // = "auto"
  ~CrsContext();
  CrsContext(const CrsContext&);
  CrsContext& operator=(const CrsContext&);
  CrsContext(CrsContext&&) noexcept;
  CrsContext& operator=(CrsContext&&) noexcept;

  bool is_local() const { return local_; }
  bool is_resolved() const { return local_ || srs_ != nullptr; }
  // For "auto": fix the UTM zone from a WGS84 longitude/latitude (no-op if resolved).
  // Throws Error(BadCoordinate) if lon/lat are not finite or out of range.
  void resolve_auto(double lon_deg, double lat_deg);
  // WKT of the target CRS ("" when local or unresolved) and its EPSG code (0 if none/local).
  std::string wkt() const;
  int epsg() const;
  std::string describe() const;  // "EPSG:3006 SWEREF99 TM", "local (no CRS)", "auto (not yet resolved)"
  const OGRSpatialReference* srs() const { return srs_.get(); }

  // A transform from `source` (may be null) into the target. `where` names the
  // file/layer for errors and warnings. Rules:
  //  - target local: the data are used as they are; if the source has a CRS a
  //    warning says so (once per call);
  //  - target a CRS: a null source is an Error(MissingCrs) unless `assume_source`
  //    (e.g. "EPSG:4326" for a CSV with lat/lon) is given;
  //  - target auto and not yet resolved: resolved from `source_centre` (a point in
  //    the source's coordinates, e.g. the median of the data) transformed to WGS84;
  //    without a centre, Error(BadCrs).
  // A source equal to the target gives an identity Transform.
  std::unique_ptr<Transform> transform_from(const OGRSpatialReference* source, const std::string& where,
                                            const std::string& assume_source = {},
                                            const Point* source_centre = nullptr);

  // True when the run has a real CRS (not local, resolved): positions can be
  // turned into longitude/latitude.
  bool has_geographic_reference() const { return !local_ && srs_ != nullptr; }
  // Transforms between the run CRS and WGS84 longitude/latitude (traditional GIS
  // order: x = longitude). Each Transform serves one thread. Throws Error(BadCrs)
  // naming `where` for a local or unresolved CRS, or when PROJ has no transformation.
  std::unique_ptr<Transform> to_wgs84(const std::string& where) const;
  std::unique_ptr<Transform> from_wgs84(const std::string& where) const;

 private:
  bool local_ = false;
  std::unique_ptr<OGRSpatialReference> srs_;
};

// Parses a CRS definition ("EPSG:4326", WKT, PROJ string) with traditional GIS
// axis order. Throws Error(BadCrs) naming `where`.
std::unique_ptr<OGRSpatialReference> parse_srs(const std::string& definition, const std::string& where);

// The EPSG code of the WGS84 UTM zone for a longitude/latitude (32601..32660 north,
// 32701..32760 south), with the Norway (32V) and Svalbard (31X..37X) exceptions.
int utm_epsg_for(double lon_deg, double lat_deg);

// Not thread-safe (OGR transformations are not): one per reading thread.
class Transform {
 public:
  Transform(std::unique_ptr<OGRCoordinateTransformation> ct, bool source_geographic);
  ~Transform();
  bool identity() const { return ct_ == nullptr; }
  bool source_geographic() const { return source_geographic_; }
  // In place; returns false if the point cannot be transformed (out of the CRS's
  // domain) or the result is not finite.
  bool apply(double& x, double& y) const;
  bool apply(Point& p) const { return apply(p.x, p.y); }
  // All points in place, in one call into PROJ; false if any point fails.
  // `ok` (if given) gets one flag per point: 1 transformed, 0 failed / not finite.
  bool apply(std::vector<Point>& pts, std::vector<unsigned char>* ok = nullptr) const;
  OGRCoordinateTransformation* ogr() const { return ct_.get(); }

 private:
  std::unique_ptr<OGRCoordinateTransformation> ct_;
  bool source_geographic_ = false;
};

}  // namespace tryggve::io
