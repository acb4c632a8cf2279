#include "ogr_util.hpp"

#include <algorithm>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/io/gdal_env.hpp"
#include "tryggve/io/readers.hpp"

namespace tryggve::io {

bool is_osm_path(const std::string& path) {
  const std::string p = ascii_lower(path);
  auto ends = [&](std::string_view s) { return p.size() >= s.size() && p.compare(p.size() - s.size(), s.size(), s) == 0; };
  return ends(".osm") || ends(".pbf") || ends(".osm.bz2");
}

namespace detail {

namespace fs = std::filesystem;

Dataset open_vector(const std::string& path, const std::vector<std::string>& extra_oo) {
  ensure_gdal();
  Dataset d;
  d.path = path;
  std::error_code ec;
  const bool pg = path.rfind("PG:", 0) == 0;
  if (!pg && (path.empty() || !fs::exists(path, ec)))
    throw Error(ErrorCode::FileNotFound, path.empty() ? "(no path)" : path, "no such file or folder");
  if (fs::is_regular_file(path, ec) && ::access(path.c_str(), R_OK) != 0)
    throw Error(ErrorCode::FileUnreadable, path, "permission denied");

  const std::string low = ascii_lower(path);
  auto ends = [&](std::string_view s) { return low.size() >= s.size() && low.compare(low.size() - s.size(), s.size(), s) == 0; };
  d.gdal_path = path;
  if (ends(".gz") && !ends(".tar.gz")) d.gdal_path = "/vsigzip/" + path;
  else if (ends(".zip")) d.gdal_path = "/vsizip/" + path;
  // GTFS stops.txt and other delimited .txt files: the CSV driver only claims
  // .txt when asked by prefix.
  if (ends(".txt")) d.gdal_path = "CSV:" + path;
  d.is_osm = is_osm_path(path);
  d.is_csv = ends(".csv") || ends(".csv.gz") || ends(".txt") || ends(".tsv");

  std::vector<const char*> oo;
  if (d.is_csv) {
    oo = {"AUTODETECT_TYPE=NO", "GEOM_POSSIBLE_NAMES=wkt,geometry,geom,the_geom", "KEEP_GEOM_COLUMNS=NO",
          "EMPTY_STRING_AS_NULL=NO"};
  }
  if (pg) oo.push_back("LIST_ALL_TABLES=YES");
  for (const auto& o : extra_oo) oo.push_back(o.c_str());
  oo.push_back(nullptr);
  GdalMessages msgs;
  d.ds.reset(GDALDataset::Open(d.gdal_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, oo.data(), nullptr));
  if (!d.ds)
    throw Error(ErrorCode::UnknownFormat, path,
                fmt::format("not a vector format GDAL can read (OSM .pbf/.osm, GeoPackage, GeoJSON, Shapefile, "
                            "FlatGeobuf, CSV){}",
                            msgs.errors().empty() ? "" : ": " + msgs.errors().back()));
  if (d.ds->GetLayerCount() == 0) throw Error(ErrorCode::EmptyLayer, path, "the file holds no vector layer");
  return d;
}

unsigned geom_family(OGRwkbGeometryType t) {
  switch (wkbFlatten(t)) {
    case wkbPoint: case wkbMultiPoint: return kPoints;
    case wkbLineString: case wkbMultiLineString: case wkbCircularString: case wkbCompoundCurve:
    case wkbMultiCurve: return kLines;
    case wkbPolygon: case wkbMultiPolygon: case wkbCurvePolygon: case wkbMultiSurface:
    case wkbTriangle: case wkbTIN: case wkbPolyhedralSurface: return kPolygons;
    case wkbNone: return kNoGeometry;
    default: return 0;  // unknown / collection: decided per feature
  }
}

const char* family_name(unsigned m) {
  if (m == kPoints) return "point";
  if (m == kLines) return "line";
  if (m == kPolygons) return "polygon";
  if (m == kNoGeometry) return "no geometry (a table)";
  if (m == (kPoints | kNoGeometry)) return "point or lat/lon table";
  if (m == (kPoints | kPolygons | kNoGeometry)) return "point, polygon or lat/lon table";
  return "mixed";
}

OGRLayer* pick_layer(Dataset& d, const std::string& name, unsigned want, const char* what) {
  auto list = [&] {
    std::string s;
    for (int i = 0; i < d.ds->GetLayerCount(); ++i) {
      OGRLayer* l = d.ds->GetLayer(i);
      s += fmt::format("{}{} ({})", i ? ", " : "", l->GetName(), OGRGeometryTypeToName(l->GetGeomType()));
    }
    return s;
  };
  OGRLayer* layer = nullptr;
  if (!name.empty()) {
    layer = d.ds->GetLayerByName(name.c_str());
    if (!layer) throw Error(ErrorCode::LayerNotFound, d.path, fmt::format("no layer '{}'; layers: {}", name, list()));
  } else if (d.ds->GetLayerCount() == 1) {
    layer = d.ds->GetLayer(0);
  } else {
    for (int i = 0; i < d.ds->GetLayerCount() && !layer; ++i)
      if (geom_family(d.ds->GetLayer(i)->GetGeomType()) & want) layer = d.ds->GetLayer(i);
    if (!layer)
      throw Error(ErrorCode::WrongGeometryType, d.path,
                  fmt::format("no {} layer for the {}; layers: {}", family_name(want), what, list()));
  }
  const unsigned fam = geom_family(layer->GetGeomType());
  if (fam != 0 && !(fam & want))
    throw Error(ErrorCode::WrongGeometryType, fmt::format("{} layer {}", d.path, layer->GetName()),
                fmt::format("the {} need {} geometries, the layer has {}", what, family_name(want),
                            OGRGeometryTypeToName(layer->GetGeomType())));
  return layer;
}

int find_field(OGRFeatureDefn* defn, const std::string& explicit_name, std::initializer_list<std::string_view> cands,
               const std::string& where) {
  if (!explicit_name.empty()) {
    const int i = defn->GetFieldIndex(explicit_name.c_str());  // case-insensitive in OGR
    if (i < 0) {
      std::string have;
      for (int k = 0; k < defn->GetFieldCount(); ++k) have += (k ? ", " : "") + std::string(defn->GetFieldDefn(k)->GetNameRef());
      throw Error(ErrorCode::MissingField, where, fmt::format("no field '{}'; fields: {}", explicit_name, have));
    }
    return i;
  }
  for (auto c : cands)
    for (int k = 0; k < defn->GetFieldCount(); ++k)
      if (ascii_lower(defn->GetFieldDefn(k)->GetNameRef()) == c) return k;
  return -1;
}

int find_field_suffix(OGRFeatureDefn* defn, std::initializer_list<std::string_view> suffixes) {
  for (auto s : suffixes)
    for (int k = 0; k < defn->GetFieldCount(); ++k) {
      const std::string n = ascii_lower(defn->GetFieldDefn(k)->GetNameRef());
      if (n.size() > s.size() && n.compare(n.size() - s.size(), s.size(), s) == 0) return k;
    }
  return -1;
}

std::string field_text(OGRFeature& f, int idx) {
  if (idx < 0 || !f.IsFieldSetAndNotNull(idx)) return {};
  return trim(f.GetFieldAsString(idx));
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > n) return false;
    if (len == 2 && c < 0xC2) return false;  // overlong
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    if (len == 3) {
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) return false;  // overlong, surrogates
    }
    if (len == 4) {
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xF0 && c1 < 0x90) || c > 0xF4 || (c == 0xF4 && c1 >= 0x90)) return false;
    }
    i += len;
  }
  return true;
}

std::string to_utf8(std::string_view s) {
  if (valid_utf8(s)) return std::string(s);
  // Windows-1252 by hand (CPLRecode goes through iconv, whose CP1252 table
  // may be missing): Latin-1 plus the 0x80-0x9F block; its five unassigned
  // bytes become U+FFFD.
  static const char16_t high[32] = {0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
                                    0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
  std::string out;
  out.reserve(s.size() + s.size() / 4);
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const unsigned u = c < 0x80 ? c : (c < 0xA0 ? high[c - 0x80] : c);
    if (u < 0x80) {
      out += static_cast<char>(u);
    } else if (u < 0x800) {
      out += static_cast<char>(0xC0 | (u >> 6));
      out += static_cast<char>(0x80 | (u & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (u >> 12));
      out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (u & 0x3F));
    }
  }
  return out;
}

std::optional<double> parse_number(std::string_view text) {
  std::string s = trim(text);
  if (s.empty()) return std::nullopt;
  if (s.find('.') == std::string::npos) std::replace(s.begin(), s.end(), ',', '.');
  if (s.front() == '+') s.erase(0, 1);
  double v = 0;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e) {
    // from_chars rejects "nan"/"inf" spelled in other cases on some libraries;
    // they are numbers, just not finite ones, and are caught by the caller.
    const std::string l = ascii_lower(s);
    if (l == "nan" || l == "-nan") return std::nan("");
    if (l == "inf" || l == "infinity") return INFINITY;
    if (l == "-inf" || l == "-infinity") return -INFINITY;
    return std::nullopt;
  }
  return v;
}

Lit parse_lit(std::string_view v) {
  const std::string s = ascii_lower(trim(v));
  if (s.empty()) return Lit::Unknown;
  // OSM lit=* values that mean lit at night (24/7, automatic, sunset-sunrise, interval, limited).
  for (const char* y : {"yes", "true", "1", "ja", "y", "24/7", "automatic", "sunset-sunrise", "interval", "limited"})
    if (s == y) return Lit::Yes;
  for (const char* n : {"no", "false", "0", "nej", "n", "disused"})
    if (s == n) return Lit::No;
  return Lit::Unknown;
}

bool truthy_tag(std::string_view v) {
  const std::string s = ascii_lower(trim(v));
  return !(s.empty() || s == "no" || s == "false" || s == "0");
}

std::string raw_text(OGRFeature& f) {
  std::string s;
  for (int i = 0; i < f.GetFieldCount() && s.size() < 300; ++i) {
    if (!f.IsFieldSetAndNotNull(i)) continue;
    if (!s.empty()) s += "; ";
    s += f.GetFieldDefnRef(i)->GetNameRef();
    s += '=';
    s += f.GetFieldAsString(i);
  }
  if (s.size() > 300) s = s.substr(0, 297) + "...";
  return s;
}

namespace {
Polyline to_polyline(const OGRLineString* ls) {
  Polyline p;
  p.reserve(ls->getNumPoints());
  for (int i = 0; i < ls->getNumPoints(); ++i) p.push_back({ls->getX(i), ls->getY(i)});
  return p;
}
Ring to_ring(const OGRLinearRing* r) {
  Ring ring = to_polyline(r);
  // Unclosed rings happen in OSM extracts (GDAL warns and accepts them): close them here.
  if (ring.size() >= 3 && !(ring.front() == ring.back())) ring.push_back(ring.front());
  return ring;
}
}  // namespace

void append_lines(const OGRGeometry* g, std::vector<Polyline>& out) {
  if (!g || g->IsEmpty()) return;
  const auto t = wkbFlatten(g->getGeometryType());
  if (t == wkbLineString) {
    out.push_back(to_polyline(g->toLineString()));
  } else if (t == wkbMultiLineString || t == wkbGeometryCollection) {
    for (const OGRGeometry* part : *g->toGeometryCollection()) append_lines(part, out);
  } else if (t == wkbCircularString || t == wkbCompoundCurve || t == wkbMultiCurve) {
    std::unique_ptr<OGRGeometry> lin(g->getLinearGeometry());
    append_lines(lin.get(), out);
  }
}

void append_polygons(const OGRGeometry* g, MultiPolygon& out) {
  if (!g || g->IsEmpty()) return;
  const auto t = wkbFlatten(g->getGeometryType());
  if (t == wkbPolygon) {
    const OGRPolygon* poly = g->toPolygon();
    Polygon p;
    p.outer = to_ring(poly->getExteriorRing());
    for (int i = 0; i < poly->getNumInteriorRings(); ++i) p.holes.push_back(to_ring(poly->getInteriorRing(i)));
    if (p.outer.size() >= 4) out.push_back(std::move(p));
  } else if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
    for (const OGRGeometry* part : *g->toGeometryCollection()) append_polygons(part, out);
  } else if (t == wkbCurvePolygon || t == wkbMultiSurface) {
    std::unique_ptr<OGRGeometry> lin(g->getLinearGeometry());
    append_polygons(lin.get(), out);
  }
}

void append_points(const OGRGeometry* g, std::vector<Point>& out) {
  if (!g || g->IsEmpty()) return;
  const auto t = wkbFlatten(g->getGeometryType());
  if (t == wkbPoint) {
    out.push_back({g->toPoint()->getX(), g->toPoint()->getY()});
  } else if (t == wkbMultiPoint || t == wkbGeometryCollection) {
    for (const OGRGeometry* part : *g->toGeometryCollection()) append_points(part, out);
  }
}

OGRwkbGeometryType ogr_type(GeometryKind k) {
  switch (k) {
    case GeometryKind::None: return wkbNone;
    case GeometryKind::Point: return wkbPoint;
    case GeometryKind::Line: return wkbLineString;
    case GeometryKind::Polygon: return wkbMultiPolygon;
  }
  return wkbUnknown;
}

namespace {
OGRLinearRing* ogr_ring(const Ring& r) {
  auto* ring = new OGRLinearRing();
  ring->setNumPoints(static_cast<int>(r.size()));
  for (std::size_t i = 0; i < r.size(); ++i) ring->setPoint(static_cast<int>(i), r[i].x, r[i].y);
  ring->closeRings();
  return ring;
}

}  // namespace

OGRGeometry* ogr_geometry(const Geometry& g) {
  if (const auto* p = std::get_if<Point>(&g)) return new OGRPoint(p->x, p->y);
  if (const auto* l = std::get_if<Polyline>(&g)) {
    auto* ls = new OGRLineString();
    ls->setNumPoints(static_cast<int>(l->size()));
    for (std::size_t i = 0; i < l->size(); ++i) ls->setPoint(static_cast<int>(i), (*l)[i].x, (*l)[i].y);
    return ls;
  }
  if (const auto* mp = std::get_if<MultiPolygon>(&g)) {
    auto* m = new OGRMultiPolygon();
    for (const auto& poly : *mp) {
      auto* p = new OGRPolygon();
      p->addRingDirectly(ogr_ring(poly.outer));
      for (const auto& h : poly.holes) p->addRingDirectly(ogr_ring(h));
      m->addGeometryDirectly(p);
    }
    return m;
  }
  return nullptr;
}

GeometryKind kind_of(const Geometry& g) {
  switch (g.index()) {
    case 1: return GeometryKind::Point;
    case 2: return GeometryKind::Line;
    case 3: return GeometryKind::Polygon;
    default: return GeometryKind::None;
  }
}

const char* kind_name(GeometryKind k) {
  switch (k) {
    case GeometryKind::None: return "no geometry";
    case GeometryKind::Point: return "point";
    case GeometryKind::Line: return "line";
    case GeometryKind::Polygon: return "polygon";
  }
  return "?";
}


Geometry from_ogr(const OGRGeometry* g) {
  if (!g || g->IsEmpty()) return {};
  switch (geom_family(g->getGeometryType())) {
    case kPoints: {
      std::vector<Point> pts;
      append_points(g, pts);
      if (pts.empty()) return {};
      return pts.front();
    }
    case kLines: {
      std::vector<Polyline> lines;
      append_lines(g, lines);
      if (lines.empty()) return {};
      return lines.front();
    }
    case kPolygons: {
      MultiPolygon mp;
      append_polygons(g, mp);
      if (mp.empty()) return {};
      return mp;
    }
    default: return {};
  }
}

std::optional<Point> robust_centre(const std::vector<Point>& sample) {
  std::vector<double> xs, ys;
  for (const auto& p : sample)
    if (std::isfinite(p.x) && std::isfinite(p.y)) xs.push_back(p.x), ys.push_back(p.y);
  if (xs.empty()) return std::nullopt;
  auto mid = [](std::vector<double>& v) {
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
  };
  return Point{mid(xs), mid(ys)};
}

bool all_finite(const std::vector<Point>& pts) {
  for (const auto& p : pts)
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) return false;
  return true;
}

Point centroid(const MultiPolygon& mp) {
  double a = 0, cx = 0, cy = 0;
  auto ring = [&](const Ring& r, double sign) {
    for (std::size_t i = 0; i + 1 < r.size(); ++i) {
      const double c = r[i].x * r[i + 1].y - r[i + 1].x * r[i].y;
      a += sign * c;
      cx += sign * (r[i].x + r[i + 1].x) * c;
      cy += sign * (r[i].y + r[i + 1].y) * c;
    }
  };
  // Orientation-independent: each ring's signed area is taken with the sign
  // that makes outers positive and holes negative.
  for (const auto& p : mp) {
    auto signed_area = [](const Ring& r) {
      double s = 0;
      for (std::size_t i = 0; i + 1 < r.size(); ++i) s += r[i].x * r[i + 1].y - r[i + 1].x * r[i].y;
      return s;
    };
    const double so = signed_area(p.outer);
    ring(p.outer, so >= 0 ? 1.0 : -1.0);
    for (const auto& h : p.holes) {
      const double sh = signed_area(h);
      ring(h, sh >= 0 ? -1.0 : 1.0);
    }
  }
  if (std::abs(a) > 0) return {cx / (3.0 * a), cy / (3.0 * a)};
  Point m;
  std::size_t n = 0;
  for (const auto& p : mp)
    for (const auto& q : p.outer) m.x += q.x, m.y += q.y, ++n;
  if (n) m.x /= n, m.y /= n;
  return m;
}

void reject_or_throw(RejectLog* rejects, ErrorCode code, RejectReason reason, const std::string& file,
                     const std::string& where, std::int64_t row, const std::string& detail, const std::string& raw) {
  if (!rejects) throw Error(code, where, detail);
  Reject r;
  r.file = file;
  r.source_row = row;
  r.reason = reason;
  r.detail = detail;
  r.raw = raw;
  rejects->add(std::move(r));
}

std::string feature_where(const std::string& path, const std::string& layer, std::int64_t feature) {
  return fmt::format("{} layer {} feature {}", path, layer, feature);
}

}  // namespace detail
}  // namespace tryggve::io
