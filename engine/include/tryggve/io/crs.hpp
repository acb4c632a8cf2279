#pragma once
// The run's one metric CRS and the transformations into it. Every reader
// reprojects into it; all analyses work in its units.
//
// Spec strings (the --crs option):
//   "EPSG:3006" (or any definition OGRSpatialReference::SetFromUserInput takes),
//   "auto"  - the UTM zone (WGS84) of the first data's extent; for data in Sweden
//             prefer EPSG:3006 (SWEREF99 TM), which is UTM 33 on GRS80,
//   "local" - no CRS: coordinates are used as they are (spatstat's chicago, in feet).
// Axis order is always traditional GIS order (x = easting/longitude), see ../shared/STACK.md.
#include <memory>
#include <string>

class OGRSpatialReference;
class OGRCoordinateTransformation;

namespace tryggve::io {

class Transform;

class CrsContext {
 public:
  // Throws Error(BadCrs) naming the spec if it is not understood or not projected/metric.
  static CrsContext from_spec(const std::string& spec);
  CrsContext();  // = "auto"
  ~CrsContext();
  CrsContext(const CrsContext&);
  CrsContext& operator=(const CrsContext&);

  bool is_local() const { return local_; }
  bool is_resolved() const { return local_ || srs_ != nullptr; }
  // For "auto": fix the UTM zone from a WGS84 longitude/latitude (no-op if resolved).
  void resolve_auto(double lon_deg, double lat_deg);
  // WKT of the target CRS ("" when local) and its EPSG code (0 if none/local).
  std::string wkt() const;
  int epsg() const;
  std::string describe() const;  // "EPSG:3006 SWEREF99 TM", "local (no CRS)"
  const OGRSpatialReference* srs() const { return srs_.get(); }

  // A transform from `source` (may be null) into the target. `where` names the
  // file/layer for errors. Rules:
  //  - target local: the source must be null, or the data are used as they are
  //    with a warning if the source has a CRS;
  //  - target a CRS: a null source is an Error(MissingCrs) unless `assume_source`
  //    (e.g. "EPSG:4326" for a CSV with lat/lon) is given;
  //  - target auto: resolved from the source extent's centre on first use.
  std::unique_ptr<Transform> transform_from(const OGRSpatialReference* source, const std::string& where,
                                            const std::string& assume_source = {});

 private:
  bool local_ = false;
  std::unique_ptr<OGRSpatialReference> srs_;
};

// Not thread-safe (OGR transformations are not): one per reading thread.
class Transform {
 public:
  Transform(std::unique_ptr<OGRCoordinateTransformation> ct, bool source_geographic);
  ~Transform();
  bool identity() const { return ct_ == nullptr; }
  bool source_geographic() const { return source_geographic_; }
  // In place; returns false if the point cannot be transformed (out of the CRS's domain).
  bool apply(double& x, double& y) const;
  OGRCoordinateTransformation* ogr() const { return ct_.get(); }

 private:
  std::unique_ptr<OGRCoordinateTransformation> ct_;
  bool source_geographic_ = false;
};

}  // namespace tryggve::io
