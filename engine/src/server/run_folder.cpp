#include "tryggve/server/run_folder.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogr_api.h>
#include <ogrsf_frmts.h>

#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/io/gdal_env.hpp"
#include "tryggve/pipeline/outputs.hpp"

namespace fs = std::filesystem;

namespace tryggve::server {
namespace {

struct Known {
  const char* file;
  const char* layer;
  const char* sv;
  const char* en;
};

// The order the viewer lists them in: background first, then the analysis.
constexpr Known kKnown[] = {
    {outputs::kMapGpkg, outputs::kAreasLayer, "Områden", "Areas"},
    {outputs::kMapGpkg, outputs::kParksLayer, "Parker", "Parks"},
    {outputs::kMapGpkg, outputs::kEdgesLayer, "Gator", "Streets"},
    {outputs::kMapGpkg, outputs::kLixelsLayer, "Gatudelar (lixlar)", "Street pieces (lixels)"},
    {outputs::kMapGpkg, outputs::kStopsLayer, "Hållplatser", "Stops"},
    {outputs::kMapGpkg, outputs::kLampsLayer, "Gatlampor", "Street lamps"},
    {outputs::kMapGpkg, outputs::kPlacesLayer, "Platser", "Places"},
    {outputs::kMapGpkg, outputs::kIncidentsLayer, "Händelser", "Incidents"},
    {outputs::kMapGpkg, outputs::kRejectsLayer, "Avvisade rader", "Rejected rows"},
    {outputs::kHotspotsGpkg, outputs::kDensityLayer, "Täthet (nätverks-KDE)", "Density (network KDE)"},
    {outputs::kHotspotsGpkg, outputs::kGiStarLayer, "Gi*-hotspots", "Gi* hotspots"},
    {outputs::kHotspotsGpkg, outputs::kEmergingLayer, "Framväxande hotspots", "Emerging hotspots"},
};

struct DatasetCloser {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

DatasetPtr open_vector(const fs::path& file, bool quiet) {
  io::ensure_gdal();
  io::GdalMessages msgs;
  auto* ds = static_cast<GDALDataset*>(
      GDALOpenEx(file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
  if (!ds && !quiet) log::warn("{}: cannot open: {}", file.string(), msgs.last());
  return DatasetPtr(ds);
}

const char* field_type_name(OGRFieldType t) {
  switch (t) {
    case OFTInteger:
    case OFTInteger64: return "Integer";
    case OFTReal: return "Real";
    case OFTDateTime:
    case OFTDate:
    case OFTTime: return "DateTime";
    default: return "String";
  }
}

bool valid_month(const std::string& s) {
  static const std::regex re(R"(^(19|20)\d\d-(0[1-9]|1[0-2])$)");
  return std::regex_match(s, re);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

double parse_double(const std::string& s, const std::string& where) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != s.size() || !std::isfinite(v))
    throw Error(ErrorCode::BadOption, where, fmt::format("'{}' is not a number", s));
  return v;
}

// OGR SQL for the filter on a layer with `month` / `parameter` fields. The values
// were validated to [0-9-] and [a-z0-9_], so quoting them is enough.
std::string attribute_filter(const LayerFilter& f) {
  std::vector<std::string> parts;
  if (!f.month_from.empty()) parts.push_back(fmt::format("month >= '{}'", f.month_from));
  if (!f.month_to.empty()) parts.push_back(fmt::format("month <= '{}'", f.month_to));
  if (!f.parameters.empty()) {
    std::string in;
    for (const auto& p : f.parameters) in += (in.empty() ? "'" : ",'") + p + "'";
    parts.push_back("parameter IN (" + in + ")");
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " AND ") + p;
  return out;
}

std::unique_ptr<OGRSpatialReference> wgs84() {
  auto s = std::make_unique<OGRSpatialReference>();
  s->importFromEPSG(4326);
  s->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  return s;
}

struct CtDeleter {
  void operator()(OGRCoordinateTransformation* c) const { OGRCoordinateTransformation::DestroyCT(c); }
};
using CtPtr = std::unique_ptr<OGRCoordinateTransformation, CtDeleter>;

// A transformation from the layer's CRS to WGS84; null when the layer has no CRS
// (a local run: coordinates are not geographic, and the viewer is told so) or
// already is WGS84.
CtPtr to_wgs84(OGRLayer* layer, bool* has_crs) {
  const OGRSpatialReference* src = layer->GetSpatialRef();
  *has_crs = src != nullptr;
  if (!src) return nullptr;
  OGRSpatialReference s(*src);
  s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  auto dst = wgs84();
  if (s.IsSame(dst.get())) return nullptr;
  return CtPtr(OGRCreateCoordinateTransformation(&s, dst.get()));
}

// Applies the filter to an open layer. Month/parameter filters need those fields.
void apply_filter(OGRLayer* layer, const std::string& name, const LayerFilter& f) {
  const bool wants_attr = !f.month_from.empty() || !f.month_to.empty() || !f.parameters.empty();
  if (wants_attr) {
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    if ((!f.month_from.empty() || !f.month_to.empty()) && defn->GetFieldIndex("month") < 0)
      throw Error(ErrorCode::BadOption, "query parameter month", fmt::format("layer {} has no month field", name));
    if (!f.parameters.empty() && defn->GetFieldIndex("parameter") < 0)
      throw Error(ErrorCode::BadOption, "query parameter parameter",
                  fmt::format("layer {} has no parameter field", name));
    const std::string sql = attribute_filter(f);
    if (layer->SetAttributeFilter(sql.c_str()) != OGRERR_NONE)
      throw Error(ErrorCode::Internal, name, "attribute filter refused: " + sql);
  }
  if (f.bbox) {
    bool has_crs = false;
    auto ct = to_wgs84(layer, &has_crs);
    if (!has_crs) {
      layer->SetSpatialFilterRect((*f.bbox)[0], (*f.bbox)[1], (*f.bbox)[2], (*f.bbox)[3]);
    } else if (!ct) {
      layer->SetSpatialFilterRect((*f.bbox)[0], (*f.bbox)[1], (*f.bbox)[2], (*f.bbox)[3]);
    } else {
      // The box's corners and edge midpoints into the layer's CRS: a lon/lat box
      // is not a box in a projected CRS, so take the envelope of a densified outline.
      OGRSpatialReference s(*layer->GetSpatialRef());
      s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
      CtPtr back(OGRCreateCoordinateTransformation(wgs84().get(), &s));
      double minx = 1e300, miny = 1e300, maxx = -1e300, maxy = -1e300;
      const auto& b = *f.bbox;
      for (int i = 0; i <= 8; ++i) {
        for (int j = 0; j <= 8; ++j) {
          if (i != 0 && i != 8 && j != 0 && j != 8) continue;
          double x = b[0] + (b[2] - b[0]) * i / 8.0, y = b[1] + (b[3] - b[1]) * j / 8.0;
          if (!back || !back->Transform(1, &x, &y)) continue;
          minx = std::min(minx, x), maxx = std::max(maxx, x), miny = std::min(miny, y), maxy = std::max(maxy, y);
        }
      }
      if (minx > maxx) minx = maxx = miny = maxy = 0;  // nothing transformable: an empty result
      layer->SetSpatialFilterRect(minx, miny, maxx, maxy);
    }
  }
}

nlohmann::json field_json(OGRFeature* f, int i) {
  if (!f->IsFieldSetAndNotNull(i)) return nullptr;
  OGRFieldDefn* d = f->GetFieldDefnRef(i);
  switch (d->GetType()) {
    case OFTInteger:
    case OFTInteger64: return f->GetFieldAsInteger64(i);
    case OFTReal: {
      const double v = f->GetFieldAsDouble(i);
      if (!std::isfinite(v)) return nullptr;
      return v;
    }
    default: return f->GetFieldAsString(i);
  }
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw Error(ErrorCode::FileUnreadable, p.string(), "cannot be read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string LayerFilter::key() const {
  std::string k = month_from + "|" + month_to + "|";
  for (const auto& p : parameters) k += p + ",";
  if (bbox) k += fmt::format("|{:.7f},{:.7f},{:.7f},{:.7f}", (*bbox)[0], (*bbox)[1], (*bbox)[2], (*bbox)[3]);
  k += fmt::format("|{}|", limit);
  for (const auto& x : fields) k += x + ",";
  return k;
}

LayerFilter parse_layer_filter(const std::multimap<std::string, std::string>& query,
                               const std::vector<std::string>& known_parameters) {
  static const std::set<std::string> keys = {"month", "from", "to", "parameter", "bbox", "limit", "fields"};
  LayerFilter f;
  for (const auto& [k, v] : query) {
    const std::string where = "query parameter " + k;
    if (!keys.count(k)) throw Error(ErrorCode::BadOption, where, "unknown (allowed: month, from, to, parameter, bbox, limit, fields)");
    if (query.count(k) > 1) throw Error(ErrorCode::BadOption, where, "given more than once");
    if (k == "month" || k == "from" || k == "to") {
      if (!valid_month(v)) throw Error(ErrorCode::BadOption, where, fmt::format("'{}' is not a month YYYY-MM", v));
      if (k == "month") f.month_from = f.month_to = v;
      if (k == "from") f.month_from = v;
      if (k == "to") f.month_to = v;
    } else if (k == "parameter") {
      static const std::regex code(R"(^[a-z][a-z0-9_]{0,63}$)");
      for (const auto& p : split(v, ',')) {
        if (!std::regex_match(p, code)) throw Error(ErrorCode::BadOption, where, fmt::format("'{}' is not a parameter code", p));
        if (!known_parameters.empty() && std::find(known_parameters.begin(), known_parameters.end(), p) == known_parameters.end())
          throw Error(ErrorCode::BadOption, where, fmt::format("unknown parameter '{}'", p));
        if (std::find(f.parameters.begin(), f.parameters.end(), p) == f.parameters.end()) f.parameters.push_back(p);
      }
      std::sort(f.parameters.begin(), f.parameters.end());
    } else if (k == "bbox") {
      const auto parts = split(v, ',');
      if (parts.size() != 4) throw Error(ErrorCode::BadOption, where, "must be min_lon,min_lat,max_lon,max_lat");
      std::array<double, 4> b{};
      for (int i = 0; i < 4; ++i) b[i] = parse_double(parts[i], where);
      if (b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 || b[0] > b[2] || b[1] > b[3])
        throw Error(ErrorCode::BadOption, where, "must be min_lon,min_lat,max_lon,max_lat within -180..180, -90..90");
      f.bbox = b;
    } else if (k == "fields") {
      static const std::regex field(R"(^[A-Za-z_][A-Za-z0-9_]{0,63}$)");
      for (const auto& p : split(v, ',')) {
        if (!std::regex_match(p, field)) throw Error(ErrorCode::BadOption, where, fmt::format("'{}' is not a field name", p));
        if (std::find(f.fields.begin(), f.fields.end(), p) == f.fields.end()) f.fields.push_back(p);
      }
    } else if (k == "limit") {
      static const std::regex digits(R"(^[0-9]{1,9}$)");
      if (!std::regex_match(v, digits) || std::stoll(v) < 1)
        throw Error(ErrorCode::BadOption, where, fmt::format("'{}' is not a whole number >= 1", v));
      f.limit = std::stoll(v);
    }
  }
  if (!f.month_from.empty() && !f.month_to.empty() && f.month_from > f.month_to)
    throw Error(ErrorCode::BadOption, "query parameter from", "'from' is after 'to'");
  return f;
}

RunFolder::RunFolder(fs::path dir) : dir_(std::move(dir)) {
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) throw Error(ErrorCode::FileNotFound, dir_.string(), "run folder does not exist");
  io::ensure_gdal();
}

bool RunFolder::valid_name(const std::string& name) {
  static const std::regex re(R"(^[A-Za-z0-9_\-][A-Za-z0-9_.\-]{0,99}$)");
  return std::regex_match(name, re) && name.find("..") == std::string::npos;
}

std::vector<LayerInfo> RunFolder::layers() const {
  std::vector<LayerInfo> out;
  std::map<std::string, DatasetPtr> open;
  for (const auto& k : kKnown) {
    const fs::path file = dir_ / k.file;
    auto it = open.find(k.file);
    if (it == open.end()) {
      std::error_code ec;
      DatasetPtr ds = fs::exists(file, ec) ? open_vector(file, false) : nullptr;
      it = open.emplace(k.file, std::move(ds)).first;
    }
    if (!it->second) continue;
    OGRLayer* layer = it->second->GetLayerByName(k.layer);
    if (!layer) continue;
    LayerInfo li;
    li.name = k.layer;
    li.file = file;
    li.layer = k.layer;
    li.geometry = OGRGeometryTypeToName(wkbFlatten(layer->GetGeomType()));
    li.features = layer->GetFeatureCount(TRUE);
    OGRFeatureDefn* d = layer->GetLayerDefn();
    for (int i = 0; i < d->GetFieldCount(); ++i)
      li.fields.emplace_back(d->GetFieldDefn(i)->GetNameRef(), field_type_name(d->GetFieldDefn(i)->GetType()));
    li.title_sv = k.sv;
    li.title_en = k.en;
    out.push_back(std::move(li));
  }
  return out;
}

std::optional<LayerInfo> RunFolder::find_layer(const std::string& name) const {
  for (auto& l : layers())
    if (l.name == name) return l;
  return std::nullopt;
}

std::string RunFolder::geojson(const std::string& name, const LayerFilter& filter) const {
  const auto info = find_layer(name);
  if (!info) throw Error(ErrorCode::LayerNotFound, dir_.string(), fmt::format("no layer '{}' in this run folder", name));
  std::error_code ec;
  const auto mtime = fs::last_write_time(info->file, ec);
  const std::string key = name + "#" + filter.key();
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.mtime == mtime) return it->second.body;
  }
  DatasetPtr ds = open_vector(info->file, false);
  if (!ds) throw Error(ErrorCode::FileUnreadable, info->file.string(), "cannot be opened");
  OGRLayer* layer = ds->GetLayerByName(info->layer.c_str());
  if (!layer) throw Error(ErrorCode::LayerNotFound, info->file.string(), "layer " + info->layer + " vanished");
  apply_filter(layer, name, filter);
  bool has_crs = false;
  CtPtr ct = to_wgs84(layer, &has_crs);

  std::string body;
  body.reserve(1 << 20);
  body += R"({"type":"FeatureCollection","name":)" + nlohmann::json(name).dump();
  body += R"(,"crs_note":)" + nlohmann::json(has_crs ? "EPSG:4326 (lon, lat)" : "local coordinates (no CRS)").dump();
  body += R"(,"features":[)";
  char** opts = CSLSetNameValue(nullptr, "COORDINATE_PRECISION", "7");
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  const int nf = defn->GetFieldCount();
  std::vector<std::string> names;
  std::vector<int> wanted;
  for (int i = 0; i < nf; ++i) names.push_back(defn->GetFieldDefn(i)->GetNameRef());
  if (filter.fields.empty()) {
    for (int i = 0; i < nf; ++i) wanted.push_back(i);
  } else {
    for (const auto& x : filter.fields) {
      const int i = defn->GetFieldIndex(x.c_str());
      if (i < 0) throw Error(ErrorCode::BadOption, "query parameter fields", fmt::format("layer {} has no field '{}'", name, x));
      wanted.push_back(i);
    }
  }
  std::int64_t n = 0, skipped = 0;
  layer->ResetReading();
  for (std::unique_ptr<OGRFeature> f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
    if (filter.limit > 0 && n >= filter.limit) break;
    nlohmann::json props = nlohmann::json::object();
    for (int i : wanted) props[names[i]] = field_json(f.get(), i);
    std::string geom = "null";
    if (OGRGeometry* g = f->GetGeometryRef(); g && !g->IsEmpty()) {
      if (ct && g->transform(ct.get()) != OGRERR_NONE) {
        ++skipped;  // outside the projection's domain: cannot be drawn, counted below
        continue;
      }
      char* js = OGR_G_ExportToJsonEx(OGRGeometry::ToHandle(g), opts);
      if (js) geom = js;
      CPLFree(js);
    }
    if (n > 0) body += ',';
    body += R"({"type":"Feature","id":)" + std::to_string(f->GetFID()) + R"(,"geometry":)" + geom +
            R"(,"properties":)" + props.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "}";
    ++n;
  }
  CSLDestroy(opts);
  body += fmt::format(R"(],"count":{},"not_transformable":{}}})", n, skipped);
  {
    std::lock_guard lock(mu_);
    if (cache_.size() > 256) cache_.clear();  // filters vary per month: keep memory bounded
    cache_[key] = {mtime, body};
  }
  return body;
}

void RunFolder::export_gpkg(const std::vector<std::string>& names, const LayerFilter& filter, const fs::path& out) const {
  if (names.empty()) throw Error(ErrorCode::BadOption, "query parameter layers", "no layers given");
  std::vector<LayerInfo> infos;
  for (const auto& n : names) {
    auto info = find_layer(n);
    if (!info) throw Error(ErrorCode::LayerNotFound, dir_.string(), fmt::format("no layer '{}' in this run folder", n));
    infos.push_back(*info);
  }
  io::ensure_gdal();
  io::GdalMessages msgs;
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
  if (!drv) throw Error(ErrorCode::OutputFailed, out.string(), "GDAL has no GPKG driver");
  AtomicOutput atomic(out);
  {
    DatasetPtr dst(drv->Create(atomic.temp_path().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!dst) throw Error(ErrorCode::OutputFailed, out.string(), "cannot create: " + msgs.last());
    for (const auto& info : infos) {
      DatasetPtr src = open_vector(info.file, false);
      if (!src) throw Error(ErrorCode::FileUnreadable, info.file.string(), "cannot be opened");
      OGRLayer* layer = src->GetLayerByName(info.layer.c_str());
      // Month/parameter filters apply only where the layer has those fields:
      // exporting "the current view" keeps the streets whole.
      LayerFilter f = filter;
      OGRFeatureDefn* d = layer->GetLayerDefn();
      if (d->GetFieldIndex("month") < 0) f.month_from.clear(), f.month_to.clear();
      if (d->GetFieldIndex("parameter") < 0) f.parameters.clear();
      apply_filter(layer, info.name, f);
      char** lopts = CSLSetNameValue(nullptr, "SPATIAL_INDEX", "YES");
      OGRLayer* copy = dst->CopyLayer(layer, info.name.c_str(), lopts);
      CSLDestroy(lopts);
      if (!copy) throw Error(ErrorCode::OutputFailed, out.string(), "cannot copy layer " + info.name + ": " + msgs.last());
    }
  }
  atomic.commit();
}

nlohmann::json RunFolder::incident_catalogue() const {
  nlohmann::json out = {{"parameters", nlohmann::json::array()}, {"months", nlohmann::json::array()}};
  const auto info = find_layer(outputs::kIncidentsLayer);
  if (!info) return out;
  DatasetPtr ds = open_vector(info->file, false);
  if (!ds) return out;
  auto query = [&](const char* sql) -> std::vector<std::vector<std::string>> {
    std::vector<std::vector<std::string>> rows;
    OGRLayer* r = ds->ExecuteSQL(sql, nullptr, nullptr);
    if (!r) return rows;
    for (std::unique_ptr<OGRFeature> f(r->GetNextFeature()); f; f.reset(r->GetNextFeature())) {
      std::vector<std::string> row;
      for (int i = 0; i < f->GetFieldCount(); ++i) row.push_back(f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "");
      rows.push_back(std::move(row));
    }
    ds->ReleaseResultSet(r);
    return rows;
  };
  for (auto& r : query("SELECT parameter, MIN(parameter_sv), MIN(parameter_en), COUNT(*) FROM incidents "
                       "GROUP BY parameter ORDER BY parameter"))
    if (r.size() == 4 && !r[0].empty())
      out["parameters"].push_back({{"code", r[0]}, {"name_sv", r[1]}, {"name_en", r[2]}, {"count", std::stoll(r[3])}});
  for (auto& r : query("SELECT month, COUNT(*) FROM incidents WHERE month IS NOT NULL GROUP BY month ORDER BY month"))
    if (r.size() == 2 && !r[0].empty()) out["months"].push_back({{"month", r[0]}, {"count", std::stoll(r[1])}});
  return out;
}

std::optional<nlohmann::json> RunFolder::situation() const {
  const fs::path p = dir_ / outputs::kSituationJson;
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return std::nullopt;
  try {
    return nlohmann::json::parse(read_text(p));
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(ErrorCode::BadValue, p.string(), std::string("not valid JSON: ") + e.what());
  }
}

std::vector<std::string> RunFolder::scenario_names() const {
  std::vector<std::string> out;
  std::error_code ec;
  const fs::path root = dir_ / outputs::kScenariosDir;
  if (!fs::is_directory(root, ec)) return out;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    const std::string n = e.path().filename().string();
    if (e.is_directory() && valid_name(n) && fs::is_regular_file(e.path() / "result.json", ec)) out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<nlohmann::json> RunFolder::scenario(const std::string& name) const {
  if (!valid_name(name)) return std::nullopt;
  const fs::path folder = dir_ / outputs::kScenariosDir / name;
  std::error_code ec;
  if (!fs::is_regular_file(folder / "result.json", ec)) return std::nullopt;
  nlohmann::json out;
  try {
    out["result"] = nlohmann::json::parse(read_text(folder / "result.json"));
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(ErrorCode::BadValue, (folder / "result.json").string(), std::string("not valid JSON: ") + e.what());
  }
  out["tables"] = nlohmann::json::object();
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    if (e.path().extension() != ".csv") continue;
    out["tables"][e.path().stem().string()] = csv_to_json(read_text(e.path()), e.path().string());
  }
  return out;
}

std::vector<std::string> RunFolder::plan_names() const {
  std::vector<std::string> out;
  std::error_code ec;
  const fs::path root = dir_ / outputs::kPlanDir;
  if (!fs::is_directory(root, ec)) return out;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    const auto ext = e.path().extension();
    const std::string stem = e.path().stem().string();
    if (e.is_regular_file() && (ext == ".csv" || ext == ".json") && valid_name(stem)) out.push_back(stem);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::optional<nlohmann::json> RunFolder::plan(const std::string& name) const {
  if (!valid_name(name)) return std::nullopt;
  const fs::path root = dir_ / outputs::kPlanDir;
  std::error_code ec;
  // The CSV is the ranked list itself (one row per item); the JSON of the same
  // name carries more detail and is used only when there is no CSV.
  if (fs::is_regular_file(root / (name + ".csv"), ec)) {
    nlohmann::json rows = csv_to_json(read_text(root / (name + ".csv")), (root / (name + ".csv")).string());
    // Rows with x, y in the run's CRS also get lon, lat so the viewer can find them.
    if (!rows.empty() && rows[0].contains("x") && rows[0].contains("y")) {
      if (DatasetPtr ds = open_vector(dir_ / outputs::kMapGpkg, true)) {
        if (OGRLayer* l = ds->GetLayerByName(outputs::kEdgesLayer)) {
          bool has_crs = false;
          if (CtPtr ct = to_wgs84(l, &has_crs)) {
            for (auto& r : rows) {
              if (!r["x"].is_number() || !r["y"].is_number()) continue;
              double x = r["x"].get<double>(), y = r["y"].get<double>();
              if (ct->Transform(1, &x, &y)) r["lon"] = x, r["lat"] = y;
            }
          }
        }
      }
    }
    return rows;
  }
  if (fs::is_regular_file(root / (name + ".json"), ec)) {
    const fs::path p = root / (name + ".json");
    try {
      return nlohmann::json::parse(read_text(p));
    } catch (const nlohmann::json::parse_error& e) {
      throw Error(ErrorCode::BadValue, p.string(), std::string("not valid JSON: ") + e.what());
    }
  }
  return std::nullopt;
}

nlohmann::json csv_to_json(const std::string& text, const std::string& where) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, any = false;
  int line = 1, start_line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') cell += '"', ++i;
        else quoted = false;
      } else {
        if (c == '\n') ++line;
        cell += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true, any = true;
      start_line = line;
    } else if (c == ',') {
      row.push_back(std::move(cell)), cell.clear(), any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++line;
      if (any || !cell.empty()) row.push_back(std::move(cell)), rows.push_back(std::move(row));
      cell.clear(), row.clear(), any = false;
    } else {
      cell += c, any = true;
    }
  }
  if (quoted) throw Error(ErrorCode::BadValue, fmt::format("{}:{}", where, start_line), "unterminated quote");
  if (any || !cell.empty()) row.push_back(std::move(cell)), rows.push_back(std::move(row));
  nlohmann::json out = nlohmann::json::array();
  if (rows.empty()) return out;
  const auto& head = rows[0];
  for (std::size_t r = 1; r < rows.size(); ++r) {
    nlohmann::json o = nlohmann::json::object();
    for (std::size_t c = 0; c < head.size(); ++c) {
      const std::string v = c < rows[r].size() ? rows[r][c] : "";
      char* end = nullptr;
      const double d = v.empty() ? 0 : std::strtod(v.c_str(), &end);
      if (!v.empty() && end == v.c_str() + v.size() && std::isfinite(d) && v.find_first_of("xXnN") == std::string::npos) {
        if (v.find_first_of(".eE") == std::string::npos && v.size() < 16) o[head[c]] = std::stoll(v);
        else o[head[c]] = d;
      } else {
        o[head[c]] = v;
      }
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace tryggve::server
