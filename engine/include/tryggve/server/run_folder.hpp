#pragma once
// Read access to a run folder (pipeline/run_folder.hpp) for the viewer: which
// layers exist, each as GeoJSON in WGS84, the situation picture, scenario
// results and plan lists, and an export of the current view as a GeoPackage.
//
// The folder is looked at again on every call: the stages write their files
// atomically (write to a temporary, rename), so a layer that appears while the
// server runs is offered from the next request on, and a reader never sees a
// half-written file. GeoJSON is cached per (file, modification time, filter).
// Thread-safe: every call opens its own dataset (through io/layers.hpp).
#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tryggve/io/layers.hpp"

namespace tryggve::server {

class ReplyCache;  // src/server/reply_cache.hpp

// One layer the viewer can show.
struct LayerInfo {
  std::string name;          // API name: edges, lixels, incidents, ..., density, gistar, emerging
  std::filesystem::path file;  // the GeoPackage holding it
  std::string layer;         // layer name inside the file
  std::string geometry;      // Point, LineString, Polygon, ... (OGR's name, "None" for tables)
  std::int64_t features = 0;
  std::vector<std::pair<std::string, std::string>> fields;  // name, type (Integer64, Real, String, DateTime)
  std::string title_sv, title_en;
};

// Filters for a layer request, already validated (see parse_layer_filter).
struct LayerFilter {
  std::string month_from, month_to;      // "YYYY-MM", inclusive; empty = open
  std::vector<std::string> parameters;   // taxonomy codes; empty = all
  std::optional<std::array<double, 4>> bbox;  // WGS84 lon/lat: min_lon, min_lat, max_lon, max_lat
  std::int64_t limit = 0;                // at most this many features (0 = no limit)
  std::vector<std::string> fields;       // properties to include; empty = all (checked against the layer)
  // Canonical text of the filter: the cache key, and what the response echoes.
  std::string key() const;
  bool empty() const { return month_from.empty() && month_to.empty() && parameters.empty() && !bbox && limit == 0 && fields.empty(); }
};

// Parses and validates the query parameters of a layer request: month=YYYY-MM,
// from=YYYY-MM, to=YYYY-MM, parameter=code[,code...] (checked against
// `known_parameters` when it is not empty), bbox=min_lon,min_lat,max_lon,max_lat,
// limit=N, fields=name[,name...] (the properties to send: the incidents' texts
// are most of their size). Unknown query keys are refused (a typo must not silently show
// everything). Throws Error(BadOption, "query parameter <key>", reason).
LayerFilter parse_layer_filter(const std::multimap<std::string, std::string>& query,
                               const std::vector<std::string>& known_parameters);

// The server's read side of a run folder (layers as GeoJSON, filtered, cached);
// pipeline::RunFolder is the stages' write side.
class RunFolderReader {
 public:
  // Throws Error(FileNotFound) if `dir` is not a folder.
  // `cache_bytes` bounds the GeoJSON cache by size (0 = no cache).
  explicit RunFolderReader(std::filesystem::path dir, std::size_t cache_bytes = std::size_t{256} << 20);
  ~RunFolderReader();
  // Bytes held by the GeoJSON cache now (never above cache_bytes).
  std::size_t cache_size() const;

  const std::filesystem::path& dir() const { return dir_; }

  // The layers present now, in a fixed order (map.gpkg's, then hotspots.gpkg's).
  // A file that cannot be opened (being replaced, broken) is left out and logged.
  std::vector<LayerInfo> layers() const;
  std::optional<LayerInfo> find_layer(const std::string& name) const;

  // The layer as a GeoJSON FeatureCollection in EPSG:4326 (lon, lat order),
  // with "properties" from the fields and each feature's "id" its FID. Month and
  // parameter filters apply to layers with `month` / `parameter` fields (the
  // incidents); on other layers they are refused with Error(BadOption).
  // Throws Error(LayerNotFound) if the layer does not exist.
  std::string geojson(const std::string& name, const LayerFilter& filter) const;
  // The same gzip-compressed (RFC 1952), for a client that takes gzip: kept beside
  // the plain text, as its own entry within the same byte bound.
  std::string geojson_gzip(const std::string& name, const LayerFilter& filter) const;

  // Writes the filtered layers into a new GeoPackage at `out` (in the run's CRS,
  // as QGIS users expect it). Throws Error(LayerNotFound) / Error(OutputFailed).
  // `keep_field`, when given, chooses each layer's fields (the public audience's
  // rule) where the filter names none.
  void export_gpkg(const std::vector<std::string>& names, const LayerFilter& filter,
                   const std::filesystem::path& out,
                   const std::function<bool(const std::string&)>& keep_field = {}) const;

  // Distinct parameter codes and months among the incidents, with Swedish and
  // English names: {"parameters":[{code,name_sv,name_en,count}], "months":[...]}.
  // Empty lists if there are no incidents yet.
  nlohmann::json incident_catalogue() const;

  // situation.json, nullopt if it does not exist. Throws Error(BadValue) if it is not JSON.
  std::optional<nlohmann::json> situation() const;
  // Names of scenarios/NAME/ folders holding a result.json, sorted.
  std::vector<std::string> scenario_names() const;
  // scenarios/NAME/result.json plus its CSV tables as {"result":..., "tables":{"areas":[...]}}.
  // nullopt if absent; `name` must pass valid_name().
  std::optional<nlohmann::json> scenario(const std::string& name) const;
  // Files in plan/ (.csv and .json), by stem, and one of them as JSON
  // (a CSV becomes an array of objects).
  std::vector<std::string> plan_names() const;
  std::optional<nlohmann::json> plan(const std::string& name) const;

  // Names from URLs (scenario, plan, layer): letters, digits, '_', '-', '.', not
  // starting with '.', at most 100 characters. Keeps every path inside the folder.
  static bool valid_name(const std::string& name);

 private:
  std::filesystem::path dir_;
  std::unique_ptr<ReplyCache> cache_;  // GeoJSON per (layer and filter, the file's mtime)
  mutable std::mutex mu_;
  struct Described {
    std::filesystem::file_time_type mtime;
    std::uintmax_t size = 0;
    std::vector<io::LayerSummary> layers;
  };
  mutable std::map<std::string, Described> described_;  // file -> its layers, by stat
};

// A CSV text (header row, comma-separated, double quotes) as an array of objects;
// numbers that parse completely become JSON numbers. Throws Error(BadValue) naming
// `where` and the row on an unterminated quote.
nlohmann::json csv_to_json(const std::string& text, const std::string& where);

}  // namespace tryggve::server
