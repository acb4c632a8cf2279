#include "tryggve/server/run_folder.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/io/crs.hpp"
#include "tryggve/io/layers.hpp"
#include "tryggve/pipeline/run_folder.hpp"
#include "gzip.hpp"
#include "reply_cache.hpp"

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

// The filter as io's query: month and parameter are conditions on those fields
// (refused on a layer without them, naming the query parameter).
io::LayerQuery query_of(const LayerFilter& f) {
  io::LayerQuery q;
  if (!f.month_from.empty() || !f.month_to.empty())
    q.conditions.push_back({"month", f.month_from, f.month_to, {}, "query parameter month"});
  if (!f.parameters.empty()) q.conditions.push_back({"parameter", "", "", f.parameters, "query parameter parameter"});
  q.bbox_wgs84 = f.bbox;
  q.limit = f.limit;
  q.fields = f.fields;
  q.fields_where = "query parameter fields";
  return q;
}

bool has_field(const LayerInfo& l, const std::string& name) {
  for (const auto& [n, t] : l.fields)
    if (n == name) return true;
  return false;
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

RunFolderReader::RunFolderReader(fs::path dir, std::size_t cache_bytes)
    : dir_(std::move(dir)), cache_(std::make_unique<ReplyCache>(cache_bytes)) {
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) throw Error(ErrorCode::FileNotFound, dir_.string(), "run folder does not exist");
}

RunFolderReader::~RunFolderReader() = default;

bool RunFolderReader::valid_name(const std::string& name) {
  static const std::regex re(R"(^[A-Za-z0-9_\-][A-Za-z0-9_.\-]{0,99}$)");
  return std::regex_match(name, re) && name.find("..") == std::string::npos;
}

std::vector<LayerInfo> RunFolderReader::layers() const {
  // Each file opened once: the layers it holds, then assembled in kKnown's order.
  std::map<std::string, std::vector<io::LayerSummary>> by_file;
  for (const auto& k : kKnown) {
    if (by_file.count(k.file)) continue;
    std::vector<std::string> names;
    for (const auto& x : kKnown)
      if (std::string(x.file) == k.file) names.push_back(x.layer);
    // Opening a GeoPackage costs more than answering most requests: its layer list
    // is kept per (modification time, size). The stages replace files by rename, so
    // a new file always shows a new stat.
    const fs::path path = dir_ / k.file;
    std::error_code ec;
    const auto mtime = fs::last_write_time(path, ec);
    const auto size = ec ? 0 : fs::file_size(path, ec);
    if (!ec) {
      std::lock_guard lock(mu_);
      auto it = described_.find(k.file);
      if (it != described_.end() && it->second.mtime == mtime && it->second.size == size) {
        by_file[k.file] = it->second.layers;
        continue;
      }
    }
    by_file[k.file] = io::describe_layers(path, names);
    if (!ec) {
      std::lock_guard lock(mu_);
      described_[k.file] = {mtime, size, by_file[k.file]};
    }
  }
  std::vector<LayerInfo> out;
  for (const auto& k : kKnown)
    for (const auto& d : by_file[k.file]) {
      if (d.layer != k.layer) continue;
      LayerInfo li;
      li.name = k.layer;
      li.file = dir_ / k.file;
      li.layer = k.layer;
      li.geometry = d.geometry;
      li.features = d.features;
      li.fields = d.fields;
      li.title_sv = k.sv;
      li.title_en = k.en;
      out.push_back(std::move(li));
    }
  return out;
}

std::size_t RunFolderReader::cache_size() const { return cache_->bytes(); }

std::optional<LayerInfo> RunFolderReader::find_layer(const std::string& name) const {
  for (auto& l : layers())
    if (l.name == name) return l;
  return std::nullopt;
}

std::string RunFolderReader::geojson(const std::string& name, const LayerFilter& filter) const {
  const auto info = find_layer(name);
  if (!info) throw Error(ErrorCode::LayerNotFound, "layer", fmt::format("no layer '{}' in this run folder", name));
  std::error_code ec;
  const auto mtime = fs::last_write_time(info->file, ec);
  const std::string key = name + "#" + filter.key();
  // Filters vary per month and one layer can be tens of MB: bounded by bytes.
  const std::string stamp = std::to_string(mtime.time_since_epoch().count());
  if (auto kept = cache_->find(key, stamp)) return *kept;
  auto body = std::make_shared<const std::string>(io::layer_geojson(info->file, info->layer, name, query_of(filter)));
  cache_->keep(key, stamp, body);
  return *body;
}

std::string RunFolderReader::geojson_gzip(const std::string& name, const LayerFilter& filter) const {
  const auto info = find_layer(name);
  if (!info) throw Error(ErrorCode::LayerNotFound, "layer", fmt::format("no layer '{}' in this run folder", name));
  std::error_code ec;
  const auto mtime = fs::last_write_time(info->file, ec);
  const std::string key = name + "#" + filter.key() + "\ngzip";
  const std::string stamp = std::to_string(mtime.time_since_epoch().count());
  if (auto kept = cache_->find(key, stamp)) return *kept;
  auto body = std::make_shared<const std::string>(gzip(geojson(name, filter)));
  cache_->keep(key, stamp, body);
  return *body;
}

void RunFolderReader::export_gpkg(const std::vector<std::string>& names, const LayerFilter& filter, const fs::path& out,
                            const std::function<bool(const std::string&)>& keep_field) const {
  if (names.empty()) throw Error(ErrorCode::BadOption, "query parameter layers", "no layers given");
  std::vector<LayerInfo> infos;
  for (const auto& n : names) {
    auto info = find_layer(n);
    if (!info) throw Error(ErrorCode::LayerNotFound, "query parameter layers", fmt::format("no layer '{}' in this run folder", n));
    infos.push_back(*info);
  }
  // Month/parameter filters apply only where the layer has those fields:
  // exporting "the current view" keeps the streets whole.
  std::vector<io::LayerCopy> copies;
  for (const auto& info : infos) {
    LayerFilter f = filter;
    if (!has_field(info, "month")) f.month_from.clear(), f.month_to.clear();
    if (!has_field(info, "parameter")) f.parameters.clear();
    if (keep_field && f.fields.empty())
      for (const auto& [n, t] : info.fields)
        if (keep_field(n)) f.fields.push_back(n);
    copies.push_back({info.file, info.layer, info.name, query_of(f)});
  }
  io::export_layers(copies, out);
}

nlohmann::json RunFolderReader::incident_catalogue() const {
  nlohmann::json out = {{"parameters", nlohmann::json::array()}, {"months", nlohmann::json::array()}};
  const auto info = find_layer(outputs::kIncidentsLayer);
  if (!info) return out;
  auto query = [&](const char* sql) { return io::query_rows(info->file, sql); };
  for (auto& r : query("SELECT parameter, MIN(parameter_sv), MIN(parameter_en), COUNT(*) FROM incidents "
                       "GROUP BY parameter ORDER BY parameter"))
    if (r.size() == 4 && !r[0].empty())
      out["parameters"].push_back({{"code", r[0]}, {"name_sv", r[1]}, {"name_en", r[2]}, {"count", std::stoll(r[3])}});
  for (auto& r : query("SELECT month, COUNT(*) FROM incidents WHERE month IS NOT NULL GROUP BY month ORDER BY month"))
    if (r.size() == 2 && !r[0].empty()) out["months"].push_back({{"month", r[0]}, {"count", std::stoll(r[1])}});
  return out;
}

std::optional<nlohmann::json> RunFolderReader::situation() const {
  const fs::path p = dir_ / outputs::kSituationJson;
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return std::nullopt;
  try {
    return nlohmann::json::parse(read_text(p));
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(ErrorCode::BadValue, p.string(), std::string("not valid JSON: ") + e.what());
  }
}

std::vector<std::string> RunFolderReader::scenario_names() const {
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

std::optional<nlohmann::json> RunFolderReader::scenario(const std::string& name) const {
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

std::vector<std::string> RunFolderReader::plan_names() const {
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

std::optional<nlohmann::json> RunFolderReader::plan(const std::string& name) const {
  if (!valid_name(name)) return std::nullopt;
  const fs::path root = dir_ / outputs::kPlanDir;
  std::error_code ec;
  // The CSV is the ranked list itself (one row per item); the JSON of the same
  // name carries more detail and is used only when there is no CSV.
  if (fs::is_regular_file(root / (name + ".csv"), ec)) {
    nlohmann::json rows = csv_to_json(read_text(root / (name + ".csv")), (root / (name + ".csv")).string());
    // Rows with x, y in the run's CRS also get lon, lat so the viewer can find them.
    if (!rows.empty() && rows[0].contains("x") && rows[0].contains("y")) {
      if (const auto ct = io::layer_to_wgs84(dir_ / outputs::kMapGpkg, outputs::kEdgesLayer)) {
        for (auto& r : rows) {
          if (!r["x"].is_number() || !r["y"].is_number()) continue;
          double x = r["x"].get<double>(), y = r["y"].get<double>();
          if (ct->apply(x, y)) r["lon"] = x, r["lat"] = y;
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
