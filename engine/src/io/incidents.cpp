#include "tryggve/io/incidents.hpp"

#include <cmath>

#include <fmt/format.h>

#include "ogr_util.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/io/readers.hpp"

namespace tryggve::io {

using namespace detail;

Setting parse_setting(const std::string& text) {
  const std::string s = lower(trim(text));
  if (s.empty()) return Setting::Unknown;
  for (const char* o : {"outdoor", "outdoors", "outside", "out", "ute", "utomhus", "utomhus/offentlig plats", "o"})
    if (s == o) return Setting::Outdoor;
  for (const char* i : {"indoor", "indoors", "inside", "in", "inne", "inomhus", "i"})
    if (s == i) return Setting::Indoor;
  return Setting::Unknown;
}

namespace {

// "21:30", "9.05", "21:30:15": a clock time without a date.
bool is_time_only(const std::string& s) {
  auto digit = [&](std::size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; };
  auto sep = [&](std::size_t i) { return i < s.size() && (s[i] == ':' || s[i] == '.'); };
  std::size_t i = 0;
  if (!digit(i)) return false;
  i += digit(i + 1) ? 2 : 1;
  for (int group = 0; group < 2; ++group) {
    if (i == s.size() && group == 1) return true;
    if (!sep(i) || !digit(i + 1) || !digit(i + 2)) return false;
    i += 3;
  }
  return i == s.size();
}

// A time field's text. Typed date/time fields (GeoPackage, Shapefile, GeoJSON
// with detected types) are turned into ISO 8601 so parse_timestamp sees one
// format: GDAL's own string form ("2024/03/05 14:30:00+01") is not ISO.
std::string time_text(OGRFeature& f, int idx) {
  if (idx < 0 || !f.IsFieldSetAndNotNull(idx)) return {};
  const OGRFieldType t = f.GetFieldDefnRef(idx)->GetType();
  if (t != OFTDateTime && t != OFTDate) return trim(f.GetFieldAsString(idx));
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, tz = 0;
  float sec = 0;
  f.GetFieldAsDateTime(idx, &y, &mo, &d, &h, &mi, &sec, &tz);
  if (t == OFTDate) return fmt::format("{:04}-{:02}-{:02}", y, mo, d);
  std::string s = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", y, mo, d, h, mi, static_cast<int>(sec));
  // OGR's TZFlag: 0 unknown, 1 local, 100 UTC, 100 + n = UTC + n * 15 minutes.
  if (tz == 100) s += 'Z';
  else if (tz > 1) {
    const int off = (tz - 100) * 15;
    s += fmt::format("{}{:02}:{:02}", off < 0 ? '-' : '+', std::abs(off) / 60, std::abs(off) % 60);
  }
  return s;
}

std::optional<std::int64_t> parse_int_id(const std::string& s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::size_t i = (s[0] == '-') ? 1 : 0;
  if (i == s.size()) return std::nullopt;
  for (std::size_t k = i; k < s.size(); ++k)
    if (s[k] < '0' || s[k] > '9') return std::nullopt;
  return std::stoll(s);
}

// See IncidentFieldMapping::expected_extent. `xy` are the rows' two numbers as
// written (x/longitude first), `placed` the rows that transformed.
void check_swapped_columns(const Envelope& extent, const std::vector<Incident>& placed, const std::vector<Point>& xy,
                           Transform& tr, bool lonlat, const std::string& x_name, const std::string& y_name,
                           const std::string& where) {
  if (extent.empty()) return;
  const double margin = std::max(1000.0, 0.25 * std::max(extent.width(), extent.height()));
  Envelope area = extent;
  area.min_x -= margin, area.min_y -= margin, area.max_x += margin, area.max_y += margin;
  std::size_t inside = 0;
  for (const auto& i : placed) inside += area.contains(i.pos);
  if (inside * 10 > xy.size()) return;
  std::vector<Point> swapped;
  for (const auto& p : xy)
    if (!lonlat || (std::abs(p.x) <= 90 && std::abs(p.y) <= 180)) swapped.push_back({p.y, p.x});
  std::vector<unsigned char> ok;
  tr.apply(swapped, &ok);
  std::size_t inside_swapped = 0;
  for (std::size_t k = 0; k < swapped.size(); ++k) inside_swapped += ok[k] && area.contains(swapped[k]);
  if (inside_swapped * 2 < xy.size() || inside_swapped <= inside) return;
  throw Error(ErrorCode::BadCoordinate, where,
              fmt::format("the columns '{}' ({}) and '{}' ({}) look swapped: {} of the {} rows with coordinates lie "
                          "within the study area, {} would with the two exchanged. Exchange the columns' names in "
                          "the file, or name them the other way round ({} {}, {} {})",
                          x_name, lonlat ? "longitude" : "x", y_name, lonlat ? "latitude" : "y", inside, xy.size(),
                          inside_swapped, lonlat ? "--lon-field" : "--x-field", y_name,
                          lonlat ? "--lat-field" : "--y-field", x_name));
}

}  // namespace

std::vector<Incident> read_incidents(const std::string& path, CrsContext& crs, const IncidentFieldMapping& m,
                                     const TimeZone& zone, RejectLog& rejects) {
  Dataset d = open_vector(path);
  OGRLayer* layer = pick_layer(d, m.layer, kPoints | kNoGeometry, "incidents");
  const std::string lname = layer->GetName();
  const std::string lwhere = fmt::format("{} layer {}", path, lname);
  OGRFeatureDefn* defn = layer->GetLayerDefn();

  const bool named_coords = !m.lon.empty() || !m.lat.empty() || !m.x.empty() || !m.y.empty();
  const bool has_geom = defn->GetGeomFieldCount() > 0 && !named_coords;

  // Coordinates.
  int f_x = -1, f_y = -1;
  std::string source_crs = m.source_crs;
  bool lonlat = false;
  if (!has_geom) {
    if (!m.lon.empty() || !m.lat.empty()) {
      f_x = find_field(defn, m.lon.empty() ? "lon" : m.lon, {}, lwhere);
      f_y = find_field(defn, m.lat.empty() ? "lat" : m.lat, {}, lwhere);
      lonlat = true;
    } else if (!m.x.empty() || !m.y.empty()) {
      f_x = find_field(defn, m.x.empty() ? "x" : m.x, {}, lwhere);
      f_y = find_field(defn, m.y.empty() ? "y" : m.y, {}, lwhere);
    } else {
      f_x = find_field(defn, {}, {"lon", "lng", "long", "longitude", "lon_wgs84"}, lwhere);
      f_y = find_field(defn, {}, {"lat", "latitude", "lat_wgs84"}, lwhere);
      lonlat = f_x >= 0 && f_y >= 0;
      if (!lonlat) {
        f_x = find_field(defn, {}, {"x", "easting", "x_coordinate", "xcoord"}, lwhere);
        f_y = find_field(defn, {}, {"y", "northing", "y_coordinate", "ycoord"}, lwhere);
      }
    }
    if (f_x < 0 || f_y < 0)
      throw Error(ErrorCode::MissingField, lwhere,
                  "no point geometry and no coordinate columns (lon/lat, longitude/latitude or x/y): "
                  "name them in the field mapping");
    if (lonlat && source_crs.empty()) source_crs = "EPSG:4326";
  }

  // Attributes.
  const int f_id = find_field(defn, m.id, {"id", "incident_id", "event_id", "case_number", "objectid"}, lwhere);
  int f_time = find_field(defn, m.time,
                          {"datetime", "date_time", "timestamp", "occurred", "occurred_at", "reported_at", "time", "tid",
                           "datum", "date"},
                          lwhere);
  int f_date = find_field(defn, m.date, {}, lwhere);
  if (f_time < 0 && f_date >= 0) std::swap(f_time, f_date);  // only a date column: it is the time stamp
  if (f_date < 0 && f_time >= 0 && m.date.empty()) {
    // A time-only column next to a date column (auto-detected): join them per row.
    const int cand = find_field(defn, {}, {"date", "datum"}, lwhere);
    if (cand >= 0 && cand != f_time) f_date = cand;  // used only when the time text is time-only
  }
  const bool join_always = !m.date.empty() && !m.time.empty();
  const int f_cat = find_field(defn, m.category,
                               {"category", "offense", "offence", "crime_type", "primary_type", "event_type",
                                "incident_type", "type", "brottstyp", "kategori", "typ"},
                               lwhere);
  const int f_actor = find_field(defn, m.actor, {"actor", "source", "reporter", "reported_by", "kalla", "källa", "aktor"}, lwhere);
  const int f_setting = find_field(defn, m.setting, {"setting", "indoor_outdoor", "location_setting", "inomhus_utomhus", "miljo"}, lwhere);
  const int f_text = find_field(defn, m.text, {"text", "summary", "description", "notes", "sammanfattning", "beskrivning"}, lwhere);
  const int f_weight = find_field(defn, m.weight, {"weight", "count", "antal"}, lwhere);
  if (f_time < 0) log::warn("{}: no time column found: incidents have no time (map one with the field mapping)", lwhere);
  if (f_cat < 0) log::warn("{}: no category column found: every incident will be unclassified", lwhere);

  struct Row {
    Incident inc;
    std::string raw;
  };
  std::vector<Row> rows;
  std::vector<Point> column_xy;  // every row's two numbers as written, for the swapped-columns check
  std::int64_t n = 0;
  bool geographic_source = lonlat;
  if (has_geom && layer->GetSpatialRef()) geographic_source = layer->GetSpatialRef()->IsGeographic();

  auto reject = [&](RejectReason reason, std::int64_t row, std::string detail, std::string raw) {
    Reject r;
    r.file = path;
    r.source_row = row;
    r.reason = reason;
    r.detail = std::move(detail);
    r.raw = std::move(raw);
    rejects.add(std::move(r));
  };

  layer->ResetReading();
  std::size_t multipoint_rows = 0, bad_weight_rows = 0, out_of_range_rows = 0;
  std::optional<Point> first_out_of_range;
  std::optional<GdalMessages> read_messages(std::in_place);
  for (OGRFeatureUniquePtr f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
    ++n;
    Incident inc;
    inc.source_row = n;
    inc.id = n;
    if (f_id >= 0)
      if (auto v = parse_int_id(field_text(*f, f_id))) inc.id = *v;

    // Coordinate.
    std::string coord_problem;
    RejectReason coord_reason = RejectReason::BadCoordinate;
    if (has_geom) {
      const OGRGeometry* g = f->GetGeometryRef();
      std::vector<Point> pts;
      if (!g || g->IsEmpty()) coord_problem = "no geometry";
      else if (geom_family(g->getGeometryType()) != kPoints) {
        coord_problem = fmt::format("a {}, not a point", OGRGeometryTypeToName(g->getGeometryType()));
        coord_reason = RejectReason::BadGeometry;
      } else {
        append_points(g, pts);
        inc.pos = pts.front();
        if (pts.size() > 1) ++multipoint_rows;
      }
    } else {
      const std::string tx = field_text(*f, f_x), ty = field_text(*f, f_y);
      const char* xn = lonlat ? "longitude" : "x";
      const char* yn = lonlat ? "latitude" : "y";
      const auto x = parse_number(tx), y = parse_number(ty);
      if (tx.empty() || ty.empty()) coord_problem = fmt::format("{} missing", tx.empty() ? xn : yn);
      else if (ambiguous_comma(d, tx) || ambiguous_comma(d, ty))
        coord_problem = fmt::format("{} '{}' has a comma inside a comma-separated file: a decimal comma or a "
                                    "thousands separator? Write decimals with a point, or separate the fields with ';'",
                                    ambiguous_comma(d, tx) ? xn : yn, ambiguous_comma(d, tx) ? tx : ty);
      else if (!x) coord_problem = fmt::format("{} '{}' is not a number", xn, tx);
      else if (!y) coord_problem = fmt::format("{} '{}' is not a number", yn, ty);
      else inc.pos = {*x, *y};
      if (coord_problem.empty() && std::isfinite(inc.pos.x) && std::isfinite(inc.pos.y)) column_xy.push_back(inc.pos);
    }
    if (coord_problem.empty() && (!std::isfinite(inc.pos.x) || !std::isfinite(inc.pos.y)))
      coord_problem = fmt::format("coordinate ({}, {}) is not finite", inc.pos.x, inc.pos.y);
    if (coord_problem.empty() && geographic_source && !crs.is_local() && (std::abs(inc.pos.x) > 180 || std::abs(inc.pos.y) > 90)) {
      coord_problem = fmt::format("longitude/latitude ({}, {}) out of range", inc.pos.x, inc.pos.y);
      if (!first_out_of_range) first_out_of_range = inc.pos;
      ++out_of_range_rows;
    }

    // Time.
    std::string time_problem;
    if (f_time >= 0) {
      std::string t = time_text(*f, f_time);
      if (f_date >= 0 && (join_always || is_time_only(t))) t = time_text(*f, f_date) + " " + t;
      std::string why;
      if (t.empty() || t == " ") time_problem = "time missing";
      else if (auto ts = parse_timestamp(t, zone, m.day_first, &why)) {
        if (auto odd = implausible_time(*ts)) time_problem = fmt::format("time '{}' {}", t, *odd);
        else inc.time = *ts, inc.has_time = true;
      }
      else time_problem = fmt::format("time '{}' not understood{}", t, why.empty() ? "" : ": " + why);
    }

    if (!coord_problem.empty()) {
      reject(coord_reason, n, time_problem.empty() ? coord_problem : coord_problem + "; " + time_problem, raw_text(*f));
      continue;
    }
    if (!time_problem.empty()) {
      reject(RejectReason::BadTime, n, time_problem, raw_text(*f));
      continue;
    }
    inc.category = field_text(*f, f_cat);
    inc.actor = field_text(*f, f_actor);
    if (inc.actor.empty()) inc.actor = m.default_actor;
    inc.setting = parse_setting(field_text(*f, f_setting));
    inc.text = field_text(*f, f_text);
    if (f_weight >= 0) {
      const std::string wt = field_text(*f, f_weight);
      if (auto w = parse_number(wt); w && std::isfinite(*w) && *w >= 0 && !ambiguous_comma(d, wt)) inc.weight = *w;
      else if (!wt.empty()) ++bad_weight_rows;
    }
    rows.push_back({std::move(inc), {}});
  }
  throw_if_read_failed(*read_messages, lwhere, n);
  read_messages.reset();
  if (n == 0) throw Error(ErrorCode::EmptyLayer, lwhere, "the layer has no rows");
  // Every row out of range as degrees is one mistake, not n rejects: the
  // coordinates are metres or feet of a CRS the file does not declare.
  if (out_of_range_rows > 0 && rows.empty() && out_of_range_rows * 2 >= static_cast<std::size_t>(n))
    throw Error(ErrorCode::BadCrs, lwhere,
                fmt::format("no row's coordinates are degrees of longitude and latitude ({} of {} out of range, e.g. "
                            "({}, {})): they are in a CRS the {} does not state; give it (--source-crs EPSG:NNNN){}",
                            out_of_range_rows, n, first_out_of_range->x, first_out_of_range->y,
                            has_geom ? "layer" : "file", has_geom ? "" : ", or name x/y columns"));
  // Kept rows whose value was not taken as given are said, not silently changed.
  if (multipoint_rows)
    log::warn("{}: {} features are multipoints: each is one incident at its first point", lwhere, multipoint_rows);
  if (bad_weight_rows)
    log::warn("{}: {} rows have a weight that is not a number >= 0: they count with weight 1", lwhere, bad_weight_rows);

  // Transform (for --crs auto the zone comes from the median of the rows, so a
  // few rows geocoded far away do not move it).
  std::vector<Point> sample;
  sample.reserve(rows.size());
  for (const auto& r : rows) sample.push_back(r.inc.pos);
  const auto centre = robust_centre(sample);
  auto tr = crs.transform_from(has_geom ? layer->GetSpatialRef() : nullptr, lwhere, source_crs, centre ? &*centre : nullptr);
  std::vector<unsigned char> ok;
  tr->apply(sample, &ok);  // one call into PROJ for all rows
  std::vector<Incident> out;
  out.reserve(rows.size());
  std::size_t failed = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto& r = rows[i];
    const Point p = r.inc.pos;
    if (!ok[i]) {
      ++failed;
      reject(RejectReason::BadCoordinate, r.inc.source_row,
             fmt::format("({}, {}) cannot be transformed into {}", p.x, p.y, crs.describe()),
             fmt::format("id={}; category={}", r.inc.id, r.inc.category));
      continue;
    }
    r.inc.pos = sample[i];
    out.push_back(std::move(r.inc));
  }
  if (m.expected_extent && !column_xy.empty())
    check_swapped_columns(*m.expected_extent, out, column_xy, *tr, lonlat, defn->GetFieldDefn(f_x)->GetNameRef(),
                          defn->GetFieldDefn(f_y)->GetNameRef(), lwhere);
  if (failed > 0 && failed == rows.size())
    throw Error(ErrorCode::BadCrs, lwhere,
                "no row's coordinates can be transformed: the data's CRS is wrong or missing (state the source "
                "CRS, or run with --crs local)");
  return out;
}

}  // namespace tryggve::io
