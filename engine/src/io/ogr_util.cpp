#include "ogr_util.hpp"

#include <algorithm>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/text.hpp"
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

namespace {

// The separator the header line uses most often outside quotes (ties: the
// first of , ; TAB |). Passed to GDAL, so the readers know it as GDAL does.
// (GDAL 3.6 cannot split on '|': such a file is an Error, not one wide column.)
char header_separator(std::string_view text) {
  std::size_t counts[4] = {0, 0, 0, 0};
  constexpr char seps[4] = {',', ';', '\t', '|'};
  bool quoted = false;
  for (const char c : text) {
    if (c == '"') quoted = !quoted;
    else if (!quoted && (c == '\n' || c == '\r')) break;
    else if (!quoted)
      for (int k = 0; k < 4; ++k) counts[k] += c == seps[k];
  }
  int best = 0;
  for (int k = 1; k < 4; ++k)
    if (counts[k] > counts[best]) best = k;
  return seps[best];
}

const char* separator_option(char c) {
  switch (c) {
    case ';': return "SEPARATOR=SEMICOLON";
    case '\t': return "SEPARATOR=TAB";
    default: return "SEPARATOR=COMMA";
  }
}

// GDAL's CSV reader joins physical lines while a record holds an odd number of
// quotes. A quote that opens in the middle of a field (a 5" screen) and runs past
// the end of its line, or one that is never closed, would silently swallow the
// rows after it into one field: both are an Error naming the line.
void check_csv_quotes(std::string_view text, char sep, const std::string& path) {
  std::size_t line = 1, open_line = 0;
  bool quoted = false, open_mid = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      if (!quoted) {
        const char prev = i == 0 ? '\n' : text[i - 1];
        open_mid = !(prev == sep || prev == '\n' || prev == '\r' || (i == 3 && text.substr(0, 3) == "\xEF\xBB\xBF"));
        open_line = line;
      }
      quoted = !quoted;  // "" inside a quoted field toggles twice: no change
    } else if (c == '\n' || (c == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
      if (quoted && open_mid)
        throw Error(ErrorCode::BadValue, fmt::format("{}:line {}", path, open_line),
                    "a quote in the middle of a field opens quoted text that runs past the end of the line: the rows "
                    "after it would be read as part of this field. Write the whole field in quotes with the quote "
                    "doubled (\"5\"\" screen\"), or remove the quote");
      ++line;
    }
  }
  if (quoted)
    throw Error(ErrorCode::BadValue, fmt::format("{}:line {}", path, open_line),
                "a quote opened here is never closed: every row after it would be read as part of one field");
}

// Reads a CSV source's bytes (through GDAL's virtual file systems, so a .csv.gz
// too), decides its encoding and separator, and points the dataset at a UTF-8
// copy in /vsimem/ when the file is not UTF-8 (or holds NUL bytes).
void prepare_csv(Dataset& d, const std::string& vsi_path, bool txt) {
  std::string bytes;
  {
    VSILFILE* f = VSIFOpenL(vsi_path.c_str(), "rb");
    if (!f) throw Error(ErrorCode::FileUnreadable, d.path, "cannot open the file");
    char buf[1 << 16];
    for (std::size_t n; (n = VSIFReadL(buf, 1, sizeof buf, f)) > 0;) bytes.append(buf, n);
    VSIFCloseL(f);
  }
  DecodedText dec = decode_text(bytes);
  d.encoding = to_string(dec.encoding);
  const bool copy = dec.encoding == TextEncoding::Windows1252 || dec.encoding == TextEncoding::Utf16Le ||
                    dec.encoding == TextEncoding::Utf16Be || dec.nul_bytes > 0 || dec.first_invalid != std::string::npos;
  d.separator = d.path.size() > 4 && ascii_lower(d.path).ends_with(".tsv") ? '\t' : header_separator(dec.text);
  if (d.separator == '|')
    throw Error(ErrorCode::UnknownFormat, d.path,
                "the fields are separated by '|', which GDAL's CSV reader cannot split: save the file with ',', ';' or "
                "TAB between the fields");
  check_csv_quotes(dec.text, d.separator, d.path);
  if (!copy) return;
  log_decoded(dec, bytes, d.path);
  static std::atomic<std::uint64_t> serial{0};
  std::string name = fs::path(d.path).filename().string();
  if (ascii_lower(name).ends_with(".gz")) name.resize(name.size() - 3);
  const std::string mem = fmt::format("/vsimem/tryggve_decoded_{}/{}", serial++, name);
  auto text = std::make_shared<std::string>(std::move(dec.text));
  VSILFILE* f = VSIFileFromMemBuffer(mem.c_str(), reinterpret_cast<GByte*>(text->data()), text->size(), FALSE);
  if (!f) throw Error(ErrorCode::Internal, d.path, "cannot make the decoded copy in memory");
  VSIFCloseL(f);
  // The buffer is ours (FALSE: GDAL does not free it); unlinked with the last holder.
  d.memory_copy = std::shared_ptr<const std::string>(text.get(), [text, mem](const std::string*) { VSIUnlink(mem.c_str()); });
  d.gdal_path = txt ? "CSV:" + mem : mem;
}

}  // namespace

bool is_csv_path(const std::string& path) {
  const std::string low = ascii_lower(path);
  auto ends = [&](std::string_view s) { return low.size() >= s.size() && low.compare(low.size() - s.size(), s.size(), s) == 0; };
  return ends(".csv") || ends(".csv.gz") || ends(".txt") || ends(".tsv");
}

Dataset open_vector(const std::string& path, const std::vector<std::string>& extra_oo) {
  ensure_gdal();
  Dataset d;
  d.path = path;
  std::error_code ec;
  const bool pg = path.rfind("PG:", 0) == 0;
  if (path.rfind("/vsimem/", 0) == 0) {
    VSIStatBufL st;
    if (VSIStatL(path.c_str(), &st) != 0) throw Error(ErrorCode::FileNotFound, path, "no such file in memory");
  } else if (!pg) {
    if (path.empty() || !fs::exists(path, ec))
      throw Error(ErrorCode::FileNotFound, path.empty() ? "(no path)" : path, "no such file or folder");
    if (fs::is_regular_file(path, ec) && ::access(path.c_str(), R_OK) != 0)
      throw Error(ErrorCode::FileUnreadable, path, "permission denied");
  }

  const std::string low = ascii_lower(path);
  auto ends = [&](std::string_view s) { return low.size() >= s.size() && low.compare(low.size() - s.size(), s.size(), s) == 0; };
  std::string vsi_path = path;
  if (ends(".gz") && !ends(".tar.gz")) vsi_path = "/vsigzip/" + path;
  else if (ends(".zip")) vsi_path = "/vsizip/" + path;
  d.gdal_path = vsi_path;
  // GTFS stops.txt and other delimited .txt files: the CSV driver only claims
  // .txt when asked by prefix.
  if (ends(".txt")) d.gdal_path = "CSV:" + path;
  d.is_osm = is_osm_path(path);
  d.is_csv = is_csv_path(path);

  std::vector<const char*> oo;
  if (d.is_csv) {
    prepare_csv(d, vsi_path, ends(".txt"));
    oo = {"AUTODETECT_TYPE=NO", "GEOM_POSSIBLE_NAMES=wkt,geometry,geom,the_geom", "KEEP_GEOM_COLUMNS=NO",
          "EMPTY_STRING_AS_NULL=NO", separator_option(d.separator)};
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
  } else {
    // QGIS's styles table (which Tryggve's own GeoPackages carry) is never the data.
    std::vector<OGRLayer*> data;
    for (int i = 0; i < d.ds->GetLayerCount(); ++i)
      if (!EQUAL(d.ds->GetLayer(i)->GetName(), "layer_styles")) data.push_back(d.ds->GetLayer(i));
    if (data.size() == 1) layer = data.front();
    for (std::size_t i = 0; i < data.size() && !layer; ++i)
      if (geom_family(data[i]->GetGeomType()) & want) layer = data[i];
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
  std::string s = trim(f.GetFieldAsString(idx));
  // GDAL hands text over as the file stores it: a DBF without its code page, a
  // hand-edited GeoPackage can hold bytes that are not UTF-8. Each becomes U+FFFD
  // here, so no output or reply downstream can fail on it.
  if (!is_valid_utf8(s)) s = sanitize_utf8(s);
  return s;
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
  if (s.size() > 300) s = s.substr(0, 297) + "...";  // may cut a UTF-8 sequence: sanitized below
  return is_valid_utf8(s) ? s : sanitize_utf8(s);
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

void throw_if_read_failed(const GdalMessages& messages, const std::string& where, std::int64_t features_read) {
  if (messages.errors().empty()) return;
  throw Error(ErrorCode::BadValue, where,
              fmt::format("the file cannot be read whole: GDAL reported \"{}\" after feature {}, and features after "
                          "that may be missing; the file is damaged, cut short or breaks its format's rules",
                          messages.errors().front(), features_read));
}

std::string feature_where(const std::string& path, const std::string& layer, std::int64_t feature) {
  return fmt::format("{} layer {} feature {}", path, layer, feature);
}

}  // namespace detail
}  // namespace tryggve::io
