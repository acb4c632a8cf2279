#include "tryggve/io/incidents.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>

#include <cpl_conv.h>

#include <fmt/format.h>

#include "ogr_util.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/core/text.hpp"
#include "tryggve/io/gdal_env.hpp"
#include "tryggve/io/readers.hpp"
#include "tryggve/core/strings.hpp"
#include <fmt/ranges.h>

namespace tryggve::io {

using namespace detail;

Setting parse_setting(const std::string& text) {
  const std::string s = ascii_lower(trim(text));
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

// A header as compared with the candidate names: UTF-8, BOM dropped, lower
// case with Swedish letters folded (normalize_label), and spaces, hyphens,
// dots and slashes read as '_' ("Rapporterad av" = "rapporterad_av").
std::string header_key(std::string_view name) {
  std::string s = sanitize_utf8(name);
  if (s.rfind("\xEF\xBB\xBF", 0) == 0) s.erase(0, 3);
  s = normalize_label(s);
  std::string k;
  for (char c : s) {
    const bool sep = c == ' ' || c == '-' || c == '.' || c == '/' || c == '_';
    if (sep) {
      if (!k.empty() && k.back() != '_') k += '_';
    } else {
      k += c;
    }
  }
  while (!k.empty() && k.back() == '_') k.pop_back();
  return k;
}

// The columns of a layer by their header keys.
struct Columns {
  std::vector<std::string> names;  // as written (UTF-8)
  std::vector<std::string> keys;
  std::string where;

  // The explicit name (MissingField listing the headers if absent) or the
  // first candidate present, or -1.
  int find(const std::string& explicit_name, std::initializer_list<std::string_view> cands) const {
    if (!explicit_name.empty()) {
      const std::string want = header_key(explicit_name);
      for (std::size_t i = 0; i < keys.size(); ++i)
        if (keys[i] == want) return static_cast<int>(i);
      std::string have;
      for (std::size_t i = 0; i < names.size(); ++i) have += (i ? ", " : "") + names[i];
      throw Error(ErrorCode::MissingField, where, fmt::format("no field '{}'; fields: {}", explicit_name, have));
    }
    for (auto c : cands)
      for (std::size_t i = 0; i < keys.size(); ++i)
        if (keys[i] == c) return static_cast<int>(i);
    return -1;
  }
};

// A coordinate written as text. `decimal_comma`: "57,7" is 57.7 (where the
// comma cannot be a separator); otherwise a comma makes the text ambiguous and
// it is not read as a number (`problem` says why).
std::optional<double> parse_coordinate(const std::string& text, bool decimal_comma, std::string* ambiguous) {
  if (text.find(',') != std::string::npos) {
    if (!decimal_comma) {
      *ambiguous = fmt::format(
          "'{}' has a comma: in a comma-separated file that is a thousands mark or a decimal comma, so it is not "
          "read as a number (write {} with a point, or use a semicolon-separated file)",
          text, text);
      return std::nullopt;
    }
    if (text.find('.') != std::string::npos || std::count(text.begin(), text.end(), ',') > 1) {
      *ambiguous = fmt::format("'{}' mixes thousands marks and decimals: not read as a number", text);
      return std::nullopt;
    }
  }
  return parse_number(text);
}

// See IncidentFieldMapping::expected_extent. `xy` are the rows' two numbers as
// written (x/longitude first), `placed` where the rows that transformed lie.
void check_swapped_columns(const Envelope& extent, const std::vector<Point>& placed, const std::vector<Point>& xy,
                           Transform& tr, bool lonlat, const std::string& x_name, const std::string& y_name,
                           const std::string& where) {
  if (extent.empty()) return;
  const double margin = std::max(1000.0, 0.25 * std::max(extent.width(), extent.height()));
  Envelope area = extent;
  area.min_x -= margin, area.min_y -= margin, area.max_x += margin, area.max_y += margin;
  std::size_t inside = 0;
  for (const auto& p : placed) inside += area.contains(p);
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

IncidentTable read_incident_table(const std::string& path, CrsContext& crs, const IncidentFieldMapping& m,
                                  const TimeZone& zone, RejectLog& rejects) {
  IncidentTable out;
  const std::string low = ascii_lower(path);
  auto ends = [&](std::string_view e) { return low.size() >= e.size() && low.compare(low.size() - e.size(), e.size(), e) == 0; };
  const bool spreadsheet = ends(".xlsx") || ends(".ods");
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) {
    const auto bytes = std::filesystem::file_size(path, ec);
    const auto limit = spreadsheet ? kMaxSpreadsheetBytes : kMaxIncidentFileBytes;
    if (!ec && bytes > limit)
      throw Error(ErrorCode::BadValue, path,
                  fmt::format("the file is {} MiB; {} above {} MiB is refused (split it by month{})", bytes >> 20,
                              spreadsheet ? "a spreadsheet" : "an incident file", limit >> 20,
                              spreadsheet ? ", or save it as CSV" : ""));
  }
  // The file's encoding and separator are decided where every reader opens a
  // file (open_vector, core/text.hpp's rule): the separator then decides
  // whether "57,7" is a number.
  std::vector<std::string> oo;
  if (spreadsheet) oo.push_back("HEADERS=FORCE");  // a sheet of text cells only would otherwise lose its header row
  // GDAL 3.6's XLSX and ODS drivers take that only as a configuration option
  // (the open option came later): set it for this thread while the file is read.
  std::optional<CPLConfigOptionSetter> xlsx_headers, ods_headers;
  if (spreadsheet) {
    xlsx_headers.emplace("OGR_XLSX_HEADERS", "FORCE", false);
    ods_headers.emplace("OGR_ODS_HEADERS", "FORCE", false);
  }
  if (is_csv_path(path)) {
    oo.push_back(fmt::format("MAX_LINE_SIZE={}", kMaxCsvLineBytes));
    oo.push_back("HEADERS=YES");  // an incident file always has one (AUTO takes an all-text header for data)
  }
  Dataset d = open_vector(path, oo);
  if (d.is_csv) out.encoding = d.encoding, out.separator = d.separator;
  out.decimal_comma = spreadsheet || (d.is_csv && out.separator != ',');
  OGRLayer* layer = pick_layer(d, m.layer, kPoints | kNoGeometry, "incidents");
  const std::string lname = layer->GetName();
  out.layer = lname;
  const std::string lwhere = fmt::format("{} layer {}", path, lname);
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  if (defn->GetFieldCount() > kMaxIncidentColumns)
    throw Error(ErrorCode::BadValue, lwhere,
                fmt::format("{} columns; more than {} is not an incident table", defn->GetFieldCount(), kMaxIncidentColumns));
  Columns cols;
  cols.where = lwhere;
  for (int k = 0; k < defn->GetFieldCount(); ++k) {
    std::string name = sanitize_utf8(defn->GetFieldDefn(k)->GetNameRef());
    if (name.rfind("\xEF\xBB\xBF", 0) == 0) name.erase(0, 3);
    cols.names.push_back(name);
    cols.keys.push_back(header_key(name));
  }

  const bool named_coords = !m.lon.empty() || !m.lat.empty() || !m.x.empty() || !m.y.empty();
  const bool has_geom = defn->GetGeomFieldCount() > 0 && !named_coords;

  // Attributes (the address first: a file with addresses needs no coordinates).
  const int f_address = cols.find(m.address, {"address", "street_address", "adress", "gatuadress", "besöksadress",
                                              "plats", "location"});
  const int f_stop = cols.find(m.stop, {"stop", "stop_name", "hållplats", "hållplatsnamn", "hpl"});
  const int f_line = cols.find(m.line, {"linje", "line", "route", "linjenummer", "route_short_name", "linje_nr"});

  // Coordinates.
  int f_x = -1, f_y = -1;
  std::string source_crs = m.source_crs;
  bool lonlat = false;
  if (!has_geom) {
    if (!m.lon.empty() || !m.lat.empty()) {
      f_x = cols.find(m.lon.empty() ? "lon" : m.lon, {});
      f_y = cols.find(m.lat.empty() ? "lat" : m.lat, {});
      lonlat = true;
    } else if (!m.x.empty() || !m.y.empty()) {
      f_x = cols.find(m.x.empty() ? "x" : m.x, {});
      f_y = cols.find(m.y.empty() ? "y" : m.y, {});
    } else {
      f_x = cols.find({}, {"lon", "lng", "long", "longitude", "longitud", "lon_wgs84"});
      f_y = cols.find({}, {"lat", "latitude", "latitud", "lat_wgs84"});
      lonlat = f_x >= 0 && f_y >= 0;
      if (!lonlat) {
        f_x = cols.find({}, {"x", "easting", "östlig", "x_coordinate", "xcoord"});
        f_y = cols.find({}, {"y", "northing", "nordlig", "y_coordinate", "ycoord"});
      }
    }
    if ((f_x < 0 || f_y < 0) && f_address < 0 && f_stop < 0 && f_line < 0)
      throw Error(ErrorCode::MissingField, lwhere,
                  fmt::format("no point geometry, no coordinate columns (lon/lat, Longitud/Latitud or x/y) and no "
                              "address or stop column; columns: {}: name them in the field mapping",
                              fmt::join(cols.names, ", ")));
    if (f_x < 0 || f_y < 0) f_x = f_y = -1;
    if (lonlat && source_crs.empty()) source_crs = "EPSG:4326";
  }

  const int f_id = cols.find(m.id, {"id", "incident_id", "event_id", "case_number", "objectid", "ärendenummer",
                                    "ärende_id", "diarienummer"});
  int f_time = cols.find(m.time, {"datetime", "date_time", "timestamp", "occurred", "occurred_at", "reported_at",
                                  "tidpunkt", "händelsetid", "datum_och_tid", "datum_tid", "skapad", "registrerad",
                                  "time", "tid",
                                  "klockslag", "kl", "datum", "date"});
  int f_date = cols.find(m.date, {});
  if (f_time < 0 && f_date >= 0) std::swap(f_time, f_date);  // only a date column: it is the time stamp
  if (f_date < 0 && f_time >= 0 && m.date.empty()) {
    // A time-only column next to a date column (auto-detected): join them per row.
    const int cand = cols.find({}, {"date", "datum"});
    if (cand >= 0 && cand != f_time) f_date = cand;  // used only when the time text is time-only
  }
  const bool join_always = !m.date.empty() && !m.time.empty();
  const int f_cat = cols.find(m.category, {"category", "offense", "offence", "crime_type", "primary_type",
                                           "event_type", "incident_type", "type", "brottstyp", "händelsetyp",
                                           "händelsekategori", "kategori", "typ", "ärendetyp", "händelse",
                                           "typ_av_händelse", "händelsetyp_kategori"});
  const int f_actor = cols.find(m.actor, {"actor", "source", "reporter", "reported_by", "kalla", "källa", "aktor",
                                          "aktör", "rapportör", "rapporterad_av", "inrapportör", "anmälare",
                                          "organisation"});
  const int f_setting = cols.find(m.setting, {"setting", "indoor_outdoor", "location_setting", "inomhus_utomhus",
                                              "inne_ute", "miljo", "miljö"});
  const int f_text = cols.find(m.text, {"text", "summary", "description", "notes", "comment", "sammanfattning",
                                        "beskrivning", "kommentar", "fritext", "anteckning", "notering", "meddelande"});
  const int f_weight = cols.find(m.weight, {"weight", "count", "antal"});
  if (f_time < 0) log::warn("{}: no time column found: incidents have no time (map one with the field mapping)", lwhere);
  if (f_cat < 0) log::warn("{}: no category column found: every incident will be unclassified", lwhere);
  auto role = [&](const char* r, int idx) {
    if (idx >= 0) out.columns.emplace_back(r, cols.names[idx]);
  };
  role("id", f_id), role("time", f_time), role("date", f_date), role("category", f_cat), role("actor", f_actor);
  role("setting", f_setting), role("text", f_text), role("weight", f_weight), role("address", f_address);
  role("stop", f_stop), role("line", f_line);
  if (!has_geom) role(lonlat ? "lon" : "x", f_x), role(lonlat ? "lat" : "y", f_y);

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
    r.raw = std::move(raw);  // raw_text: already UTF-8
    rejects.add(std::move(r));
  };

  // A line over MAX_LINE_SIZE ends GDAL's reading with an error: never a silent stop (throw_if_read_failed).
  std::optional<GdalMessages> read_messages(std::in_place);
  layer->ResetReading();
  std::size_t multipoint_rows = 0, bad_weight_rows = 0, out_of_range_rows = 0;
  std::optional<Point> first_out_of_range;
  std::vector<IncidentRow>& rows = out.rows;
  for (OGRFeatureUniquePtr f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
    ++n;
    IncidentRow row;
    Incident& inc = row.inc;
    inc.source_row = n;
    inc.id = n;
    bool too_long = false;
    row.fields.reserve(cols.names.size());
    for (int k = 0; k < static_cast<int>(cols.names.size()); ++k) {
      std::string t = field_text(*f, k);
      if (t.size() > kMaxFieldChars) {
        too_long = true;
        t = t.substr(0, 200) + "...";
      }
      row.fields.emplace_back(cols.names[k], std::move(t));
    }
    if (too_long) {
      reject(RejectReason::BadValue, n, fmt::format("a field is longer than {} characters", kMaxFieldChars), raw_text(*f));
      continue;
    }
    if (f_id >= 0)
      if (auto v = parse_int_id(field_text(*f, f_id))) inc.id = *v;
    row.address = field_text(*f, f_address);
    row.stop = field_text(*f, f_stop);
    row.line = field_text(*f, f_line);
    const bool placeable = !row.address.empty() || !row.stop.empty() || !row.line.empty();

    // Coordinate.
    std::string coord_problem;
    RejectReason coord_reason = RejectReason::BadCoordinate;
    bool no_coordinate = false;
    if (has_geom) {
      const OGRGeometry* g = f->GetGeometryRef();
      std::vector<Point> pts;
      if (!g || g->IsEmpty()) coord_problem = "no geometry", no_coordinate = true;
      else if (geom_family(g->getGeometryType()) != kPoints) {
        coord_problem = fmt::format("a {}, not a point", OGRGeometryTypeToName(g->getGeometryType()));
        coord_reason = RejectReason::BadGeometry;
      } else {
        append_points(g, pts);
        inc.pos = pts.front();
        if (pts.size() > 1) ++multipoint_rows;
      }
    } else if (f_x < 0) {
      coord_problem = "no coordinate columns", no_coordinate = true;
    } else {
      const std::string tx = field_text(*f, f_x), ty = field_text(*f, f_y);
      const char* xn = lonlat ? "longitude" : "x";
      const char* yn = lonlat ? "latitude" : "y";
      std::string amb_x, amb_y;
      const auto x = parse_coordinate(tx, out.decimal_comma, &amb_x), y = parse_coordinate(ty, out.decimal_comma, &amb_y);
      if (tx.empty() && ty.empty()) coord_problem = fmt::format("{} and {} missing", xn, yn), no_coordinate = true;
      else if (tx.empty() || ty.empty()) coord_problem = fmt::format("{} missing", tx.empty() ? xn : yn);
      else if (!amb_x.empty()) coord_problem = fmt::format("{} {}", xn, amb_x), coord_reason = RejectReason::BadValue;
      else if (!amb_y.empty()) coord_problem = fmt::format("{} {}", yn, amb_y), coord_reason = RejectReason::BadValue;
      else if (!x) coord_problem = fmt::format("{} '{}' is not a number", xn, tx);
      else if (!y) coord_problem = fmt::format("{} '{}' is not a number", yn, ty);
      else inc.pos = {*x, *y};
      if (coord_problem.empty() && std::isfinite(inc.pos.x) && std::isfinite(inc.pos.y)) column_xy.push_back(inc.pos);
    }
    if (coord_problem.empty() && (!std::isfinite(inc.pos.x) || !std::isfinite(inc.pos.y)))
      coord_problem = fmt::format("coordinate ({}, {}) is not finite", inc.pos.x, inc.pos.y);
    if (coord_problem.empty() && geographic_source && !crs.is_local() && (std::abs(inc.pos.x) > 180 || std::abs(inc.pos.y) > 90)) {
      const bool swapped = std::abs(inc.pos.y) <= 180 && std::abs(inc.pos.x) <= 90;
      coord_problem = fmt::format("longitude/latitude ({}, {}) out of range{}", inc.pos.x, inc.pos.y,
                                  swapped ? ": latitude and longitude swapped?" : "");
      if (!first_out_of_range) first_out_of_range = inc.pos;
      ++out_of_range_rows;
    }
    // A row with an address or stop but no coordinates at all is placed later.
    if (no_coordinate && placeable) coord_problem.clear();
    row.has_pos = coord_problem.empty() && !no_coordinate;

    // Time.
    std::string time_problem;
    if (f_time >= 0) {
      std::string t = sanitize_utf8(time_text(*f, f_time));
      if (f_date >= 0 && (join_always || is_time_only(t))) t = sanitize_utf8(time_text(*f, f_date)) + " " + t;
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
      std::string amb;  // "1,234" in a comma-separated file: not a weight (the decimal-comma rule of the coordinates)
      if (auto w = parse_coordinate(wt, out.decimal_comma, &amb); w && amb.empty() && std::isfinite(*w) && *w >= 0)
        inc.weight = *w;
      else if (!wt.empty()) ++bad_weight_rows;
    }
    rows.push_back(std::move(row));
  }
  throw_if_read_failed(*read_messages, lwhere, n);
  read_messages.reset();
  if (n == 0) throw Error(ErrorCode::EmptyLayer, lwhere, "the layer has no rows");
  out.rows_read = static_cast<std::size_t>(n);
  // Every row out of range as degrees is one mistake, not n rejects: the
  // coordinates are metres or feet of a CRS the file does not declare.
  const bool none_placed = std::none_of(rows.begin(), rows.end(), [](const IncidentRow& r) { return r.has_pos; });
  if (out_of_range_rows > 0 && none_placed && out_of_range_rows * 2 >= static_cast<std::size_t>(n))
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
  std::vector<std::size_t> which;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i].has_pos) sample.push_back(rows[i].inc.pos), which.push_back(i);
  if (sample.empty()) return out;
  const auto centre = robust_centre(sample);
  auto tr = crs.transform_from(has_geom ? layer->GetSpatialRef() : nullptr, lwhere, source_crs, centre ? &*centre : nullptr);
  std::vector<unsigned char> ok;
  tr->apply(sample, &ok);  // one call into PROJ for all rows
  std::vector<unsigned char> drop(rows.size(), 0);
  std::size_t failed = 0;
  for (std::size_t k = 0; k < which.size(); ++k) {
    auto& r = rows[which[k]];
    const Point p = r.inc.pos;
    if (!ok[k]) {
      ++failed;
      drop[which[k]] = 1;
      reject(RejectReason::BadCoordinate, r.inc.source_row,
             fmt::format("({}, {}) cannot be transformed into {}", p.x, p.y, crs.describe()),
             fmt::format("id={}; category={}", r.inc.id, r.inc.category));
      continue;
    }
    r.inc.pos = sample[k];
  }
  if (m.expected_extent && !column_xy.empty()) {
    std::vector<Point> placed;
    for (std::size_t k = 0; k < sample.size(); ++k)
      if (ok[k]) placed.push_back(sample[k]);
    check_swapped_columns(*m.expected_extent, placed, column_xy, *tr, lonlat, cols.names[f_x], cols.names[f_y], lwhere);
  }
  if (failed > 0 && failed == sample.size())
    throw Error(ErrorCode::BadCrs, lwhere,
                "no row's coordinates can be transformed: the data's CRS is wrong or missing (state the source "
                "CRS, or run with --crs local)");
  if (failed > 0) {
    std::vector<IncidentRow> kept;
    kept.reserve(rows.size() - failed);
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (!drop[i]) kept.push_back(std::move(rows[i]));
    rows = std::move(kept);
  }
  return out;
}

std::vector<Incident> read_incidents(const std::string& path, CrsContext& crs, const IncidentFieldMapping& m,
                                     const TimeZone& zone, RejectLog& rejects) {
  IncidentTable t = read_incident_table(path, crs, m, zone, rejects);
  std::vector<Incident> out;
  out.reserve(t.rows.size());
  for (auto& r : t.rows) {
    if (r.has_pos) {
      out.push_back(std::move(r.inc));
      continue;
    }
    Reject x;
    x.file = path;
    x.source_row = r.inc.source_row;
    x.reason = RejectReason::BadCoordinate;
    x.detail = fmt::format("no coordinates (the {} '{}' is placed only by 'tryggve intake' into a workspace, which "
                           "holds the addresses)",
                           !r.address.empty() ? "address" : !r.stop.empty() ? "stop" : "line",
                           !r.address.empty() ? r.address : !r.stop.empty() ? r.stop : r.line);
    x.raw = fmt::format("id={}; category={}", r.inc.id, r.inc.category);
    rejects.add(std::move(x));
  }
  if (!t.rows.empty() && out.size() < t.rows.size()) rejects.sort();
  return out;
}

}  // namespace tryggve::io
