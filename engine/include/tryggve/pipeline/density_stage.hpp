#pragma once
// The density stage (`tryggve density`): network kernel density on the map
// stage's incidents, as one call the CLI, scenario runs and tests share.
//
//   map stage result (every input option and error of `tryggve map`)
//     -> filter incidents (parameters, time window) -> weights (multiplicity x severity)
//     -> [bandwidth by leave-one-out likelihood cross-validation] -> [Abramson adaptive]
//     -> density per lixel or at the incidents -> CSV / GeoPackage + JSON sidecar
//
// The estimators are the density module's (pure: positions in, values out); this
// stage chooses the incidents, reads the options and writes the files.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tryggve/core/options.hpp"
#include "tryggve/density/bandwidth.hpp"
#include "tryggve/density/density.hpp"
#include "tryggve/pipeline/map_stage.hpp"

namespace tryggve::pipeline {

struct DensityStageOptions {
  std::string method = "heat";
  std::string kernel = "gaussian";
  double bandwidth_m = 250.0;
  bool adaptive = false;
  std::string select_bandwidth;        // "lo:hi:n", metres; "" = use bandwidth_m
  std::vector<std::string> parameters;  // taxonomy codes; empty = all
  std::string from, to;                 // dates (or time stamps): [from, to); "" = open
  bool severity_weights = false;
  std::string at = "lixels";            // lixels | points
  bool leave_one_out = false;           // at points: leave each incident's own kernel out
  double epsilon = 1e-6;
  double heat_dx_m = 0.0;

  void declare(OptionSet& o);
};

struct DensityStageResult {
  density::DensityResult density;
  std::string at;  // "lixels" | "points"
  std::optional<density::BandwidthSelection> selection;
  std::vector<std::size_t> event_of;  // event k is the map result's placed incident event_of[k]
  std::vector<network::NetworkPosition> positions;
  std::vector<double> weights;
  std::size_t placed = 0, dropped_parameter = 0, dropped_time = 0, dropped_no_time = 0;

  std::string summary() const;
  nlohmann::json summary_json(const MapResult& m) const;
};

// The density of the map result's placed incidents, filtered and weighted as the
// options say. Throws Error(BadOption) naming the flag for inconsistent options
// (unknown parameter code, bad time bound, bad candidate list) and Error(NoData)
// when no incident is left after filtering. --from/--to are days or months, both
// inclusive, as for every command (core/time_window.hpp).
DensityStageResult run_density(const MapResult& m, const DensityStageOptions& options);

// The sidecar next to an output: values.csv -> values.json.
std::filesystem::path density_sidecar_path(const std::filesystem::path& out);

// Writes the values (.csv without geometry; .gpkg, .geojson, .fgb with it) and the
// JSON sidecar (method, bandwidth used, selection scores, per-incident bandwidths),
// both atomically.
//   lixels: lixel_id, edge_id, start_m, end_m, density (+ line geometry)
//   points: incident_id, density, x, y [, bandwidth_m when adaptive] (+ point geometry),
//           x, y being the incident's position on the network, where it was evaluated.
void write_density(const MapResult& m, const DensityStageResult& r, const std::filesystem::path& out);

// The whole command: read and map (run_map), estimate, write.
DensityStageResult run_density_command(const MapOptions& map, const DensityStageOptions& options,
                                       const std::filesystem::path& out, MapResult* keep = nullptr);

}  // namespace tryggve::pipeline
