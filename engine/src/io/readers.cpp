// Streets, polygons and points from any OGR source (OSM goes through osm.cpp).
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "ogr_util.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/io/gdal_env.hpp"
#include "tryggve/io/readers.hpp"

namespace tryggve::io {

using namespace detail;

namespace {

const OGRSpatialReference* layer_srs(OGRLayer* layer) {
  const OGRSpatialReference* s = layer->GetSpatialRef();
  return s;
}

// The reader's one rule for features without geometry where one is needed.
void empty_geometry(const LayerOptions& opt, const std::string& path, OGRLayer* layer, std::int64_t row, OGRFeature& f,
                    const char* what) {
  reject_or_throw(opt.rejects, ErrorCode::WrongGeometryType, RejectReason::BadGeometry, path,
                  feature_where(path, layer->GetName(), row), row, fmt::format("no {} geometry", what), raw_text(f));
}

void wrong_geometry(const std::string& path, OGRLayer* layer, std::int64_t row, const OGRGeometry* g, const char* want) {
  throw Error(ErrorCode::WrongGeometryType, feature_where(path, layer->GetName(), row),
              fmt::format("a {} where {} are needed", OGRGeometryTypeToName(g->getGeometryType()), want));
}

// GTFS stops.txt location_type codes (GTFS reference, stops.txt).
std::string gtfs_location_type(const std::string& code) {
  if (code.empty() || code == "0") return "stop";
  if (code == "1") return "station";
  if (code == "2") return "entrance";
  if (code == "3") return "generic_node";
  if (code == "4") return "boarding_area";
  return code;
}

void require_features(std::int64_t n, const std::string& path, OGRLayer* layer) {
  if (n == 0) throw Error(ErrorCode::EmptyLayer, fmt::format("{} layer {}", path, layer->GetName()), "the layer has no features");
}

}  // namespace

// ---- Streets ---------------------------------------------------------------

StreetsResult read_streets(const std::string& path, CrsContext& crs, const StreetReadOptions& opt) {
  if (is_osm_path(path)) {
    OsmReadOptions o;
    o.parks = o.stops = o.lamps = o.places = false;
    o.rejects = opt.rejects;
    return std::move(read_osm(path, crs, o).streets);
  }
  Dataset d = open_vector(path);
  OGRLayer* layer = pick_layer(d, opt.layer, kLines, "streets");
  const std::string lwhere = fmt::format("{} layer {}", path, layer->GetName());
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  const int f_name = find_field(defn, opt.name_field, {"name", "namn", "street", "street_name", "gatunamn"}, lwhere);
  const int f_class = find_field(defn, opt.class_field, {"highway", "class", "fclass", "road_class", "type", "kategori"}, lwhere);
  const int f_lit = find_field(defn, opt.lit_field, {"lit", "belysning", "lighting"}, lwhere);

  StreetsResult res;
  res.layer = layer->GetName();
  std::vector<Staged<StreetLine>> staged;
  std::int64_t row = 0;
  layer->ResetReading();
  std::optional<GdalMessages> read_messages(std::in_place);  // see throw_if_read_failed
  for (OGRFeatureUniquePtr f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
    ++row;
    const OGRGeometry* g = f->GetGeometryRef();
    if (!g || g->IsEmpty()) {
      empty_geometry(opt, path, layer, row, *f, "line");
      continue;
    }
    if (geom_family(g->getGeometryType()) != kLines) wrong_geometry(path, layer, row, g, "lines");
    std::vector<Polyline> parts;
    append_lines(g, parts);
    if (parts.size() > 1) ++res.multipart_features;
    const std::string raw = opt.rejects ? raw_text(*f) : std::string();
    for (std::size_t k = 0; k < parts.size(); ++k) {
      auto& p = parts[k];
      if (p.size() < 2) {
        // A degenerate part (one point, or none after GDAL dropped repeated ones) is no
        // street; the feature's other parts are kept.
        ++res.degenerate_parts;
        reject_or_throw(opt.rejects, ErrorCode::WrongGeometryType, RejectReason::BadGeometry, path,
                        feature_where(path, layer->GetName(), row), row,
                        fmt::format("line part {} of {} has {} point(s); a line needs two", k + 1, parts.size(), p.size()),
                        raw);
        continue;
      }
      Staged<StreetLine> s;
      s.row = row;
      s.raw = raw;
      s.item.source_id = f->GetFID() >= 0 ? f->GetFID() : row;
      s.item.geometry = std::move(p);
      s.item.name = field_text(*f, f_name);
      s.item.highway = field_text(*f, f_class);
      s.item.lit = parse_lit(field_text(*f, f_lit));
      staged.push_back(std::move(s));
    }
  }
  throw_if_read_failed(*read_messages, fmt::format("{} layer {}", path, layer->GetName()), row);
  read_messages.reset();
  require_features(row, path, layer);
  res.lines = transform_staged(
      staged, crs, layer_srs(layer), opt.assume_crs, opt.rejects, path, layer->GetName(),
      [](StreetLine& s, auto&& fn) { fn(s.geometry); }, [](const StreetLine& s) { return s.geometry.front(); });
  return res;
}

// ---- Polygons --------------------------------------------------------------

std::vector<PolygonFeature> read_polygons(const std::string& path, CrsContext& crs, const PolygonReadOptions& opt) {
  if (is_osm_path(path)) {
    OsmReadOptions o;
    o.streets = o.stops = o.lamps = o.places = false;
    o.park_tags = opt.osm_tags;
    o.rejects = opt.rejects;
    return std::move(read_osm(path, crs, o).parks);
  }
  Dataset d = open_vector(path);
  OGRLayer* layer = pick_layer(d, opt.layer, kPolygons, "polygons");
  const std::string lwhere = fmt::format("{} layer {}", path, layer->GetName());
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  int f_name = find_field(defn, opt.name_field, {"name", "namn", "omrade_namn", "label"}, lwhere);
  if (f_name < 0) f_name = find_field_suffix(defn, {"_namn", "_name", "namn"});
  int f_kind = find_field(defn, opt.kind_field, {"code", "kod", "omrade_kod", "id", "kind", "leisure", "landuse", "type"}, lwhere);
  if (f_kind < 0) f_kind = find_field_suffix(defn, {"_kod", "_code", "kod"});
  const int f_pop = find_field(defn, opt.population_field,
                               {"population", "pop", "befolkning", "folkmangd", "folkmängd", "invanare", "invånare"}, lwhere);

  std::vector<Staged<PolygonFeature>> staged;
  std::int64_t row = 0;
  layer->ResetReading();
  std::optional<GdalMessages> read_messages(std::in_place);  // see throw_if_read_failed
  for (OGRFeatureUniquePtr f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
    ++row;
    const OGRGeometry* g = f->GetGeometryRef();
    if (!g || g->IsEmpty()) {
      empty_geometry(opt, path, layer, row, *f, "polygon");
      continue;
    }
    if (geom_family(g->getGeometryType()) != kPolygons) wrong_geometry(path, layer, row, g, "polygons");
    Staged<PolygonFeature> s;
    s.row = row;
    s.item.source_id = f->GetFID() >= 0 ? f->GetFID() : row;
    s.item.name = field_text(*f, f_name);
    s.item.kind = field_text(*f, f_kind);
    if (s.item.kind.empty()) s.item.kind = opt.default_kind;
    if (f_pop >= 0) {
      const auto v = parse_number(field_text(*f, f_pop));
      if (v && std::isfinite(*v) && *v >= 0) s.item.population = *v;
    }
    append_polygons(g, s.item.geometry);
    if (s.item.geometry.empty()) {
      empty_geometry(opt, path, layer, row, *f, "usable polygon");
      continue;
    }
    if (opt.rejects) s.raw = raw_text(*f);
    staged.push_back(std::move(s));
  }
  throw_if_read_failed(*read_messages, fmt::format("{} layer {}", path, layer->GetName()), row);
  read_messages.reset();
  require_features(row, path, layer);
  return transform_staged(
      staged, crs, layer_srs(layer), opt.assume_crs, opt.rejects, path, layer->GetName(),
      [](PolygonFeature& p, auto&& fn) {
        for (auto& poly : p.geometry) {
          fn(poly.outer);
          for (auto& h : poly.holes) fn(h);
        }
      },
      [](const PolygonFeature& p) { return p.geometry.front().outer.front(); });
}

// ---- Points ----------------------------------------------------------------

std::vector<PointFeature> read_points(const std::string& path, CrsContext& crs, const PointReadOptions& opt) {
  if (is_osm_path(path)) {
    OsmReadOptions o;
    o.streets = o.parks = false;
    o.stops = opt.set == PointSet::Stops;
    o.lamps = opt.set == PointSet::Lamps;
    o.places = opt.set == PointSet::Places;
    o.rejects = opt.rejects;
    OsmData data = read_osm(path, crs, o);
    return std::move(opt.set == PointSet::Stops ? data.stops : opt.set == PointSet::Lamps ? data.lamps : data.places);
  }
  Dataset d = open_vector(path);
  const unsigned want = kPoints | kNoGeometry | (opt.set == PointSet::Places ? kPolygons : 0u);
  OGRLayer* layer = pick_layer(d, opt.layer, want, "points");
  const std::string lname = layer->GetName();
  const std::string lwhere = fmt::format("{} layer {}", path, lname);
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  const bool has_geom = defn->GetGeomFieldCount() > 0 && opt.lon_field.empty() && opt.lat_field.empty();
  const int f_name = find_field(defn, opt.name_field, {"name", "namn", "stop_name", "title"}, lwhere);
  const int f_kind = find_field(defn, opt.kind_field, {"kind", "type", "location_type", "typ", "amenity", "category"}, lwhere);
  const int f_id = find_field(defn, {}, {"id", "stop_id", "osm_id", "objectid"}, lwhere);
  const bool gtfs_types = f_kind >= 0 && ascii_lower(defn->GetFieldDefn(f_kind)->GetNameRef()) == "location_type";
  const std::string default_kind = !opt.default_kind.empty() ? opt.default_kind
                                   : opt.set == PointSet::Stops ? "stop"
                                   : opt.set == PointSet::Lamps ? "street_lamp"
                                                                : "place";

  // Tables: coordinate columns. lon/lat names mean WGS84; x/y are in assume_crs.
  int f_x = -1, f_y = -1;
  std::string assume = opt.assume_crs;
  if (!has_geom) {
    f_x = find_field(defn, opt.lon_field, {"lon", "lng", "long", "longitude", "stop_lon", "lon_wgs84"}, lwhere);
    f_y = find_field(defn, opt.lat_field, {"lat", "latitude", "stop_lat", "lat_wgs84"}, lwhere);
    const bool lonlat = f_x >= 0 && f_y >= 0;
    if (!lonlat) {
      f_x = find_field(defn, {}, {"x", "easting", "e"}, lwhere);
      f_y = find_field(defn, {}, {"y", "northing", "n"}, lwhere);
    } else if (assume.empty() && opt.lon_field.empty()) {
      assume = "EPSG:4326";
    }
    if (f_x < 0 || f_y < 0)
      throw Error(ErrorCode::MissingField, lwhere,
                  "no geometry and no coordinate columns (lat/lon, latitude/longitude, stop_lat/stop_lon or x/y)");
  }

  std::vector<Staged<PointFeature>> staged;
  std::int64_t row = 0;
  layer->ResetReading();
  std::optional<GdalMessages> read_messages(std::in_place);  // see throw_if_read_failed
  for (OGRFeatureUniquePtr f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
    ++row;
    Staged<PointFeature> s;
    s.row = row;
    s.item.source_id = row;
    if (f_id >= 0) {
      const std::string id = field_text(*f, f_id);
      const auto v = parse_number(id);
      // Whole digits exactly (stop ids have 16 digits, beyond a double's 2^53); other spellings of a
      // whole number ("5.", "1e3") through the double. std::stoll threw on ".5e1" (found by the bad-input corpus).
      std::int64_t whole = 0;
      if (const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), whole);
          ec == std::errc() && end == id.data() + id.size())
        s.item.source_id = whole;
      else if (v && std::isfinite(*v) && *v == std::floor(*v) && std::abs(*v) < 9.0e15)
        s.item.source_id = static_cast<std::int64_t>(*v);
    } else if (f->GetFID() >= 0) {
      s.item.source_id = f->GetFID();
    }
    s.item.name = field_text(*f, f_name);
    s.item.kind = field_text(*f, f_kind);
    if (gtfs_types) s.item.kind = gtfs_location_type(s.item.kind);
    if (s.item.kind.empty()) s.item.kind = default_kind;
    if (opt.rejects) s.raw = raw_text(*f);
    if (has_geom) {
      const OGRGeometry* g = f->GetGeometryRef();
      if (!g || g->IsEmpty()) {
        empty_geometry(opt, path, layer, row, *f, "point");
        continue;
      }
      const unsigned fam = geom_family(g->getGeometryType());
      if (fam == kPoints) {
        std::vector<Point> pts;
        append_points(g, pts);
        s.item.pos = pts.front();
      } else if (fam == kPolygons && opt.set == PointSet::Places) {
        MultiPolygon mp;
        append_polygons(g, mp);
        if (mp.empty()) {
          empty_geometry(opt, path, layer, row, *f, "usable polygon");
          continue;
        }
        // The centroid in source coordinates: for the small polygons of a
        // school or a youth centre the difference to a projected centroid is
        // centimetres.
        s.item.pos = centroid(mp);
      } else {
        wrong_geometry(path, layer, row, g, opt.set == PointSet::Places ? "points or polygons" : "points");
      }
    } else {
      const std::string tx = field_text(*f, f_x), ty = field_text(*f, f_y);
      const auto x = parse_number(tx), y = parse_number(ty);
      if (!x || !y) {
        reject_or_throw(opt.rejects, ErrorCode::BadCoordinate, RejectReason::BadCoordinate, path,
                        feature_where(path, lname, row), row,
                        fmt::format("coordinate is not a number: '{}', '{}'", tx, ty), raw_text(*f));
        continue;
      }
      s.item.pos = {*x, *y};
    }
    staged.push_back(std::move(s));
  }
  throw_if_read_failed(*read_messages, fmt::format("{} layer {}", path, layer->GetName()), row);
  read_messages.reset();
  require_features(row, path, layer);
  return transform_staged(
      staged, crs, has_geom ? layer_srs(layer) : nullptr, assume, opt.rejects, path, lname,
      [](PointFeature& p, auto&& fn) {
        std::vector<Point> v{p.pos};
        fn(v);
        p.pos = v.front();
      },
      [](const PointFeature& p) { return p.pos; });
}

}  // namespace tryggve::io
