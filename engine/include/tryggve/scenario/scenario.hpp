#pragma once
// Scenario files: declarative, versioned YAML that names the inputs, the stages
// and the interventions of one run (PDAL pipelines, OSRM's api_version).
//
//   version: 1
//   name: backa-evening
//   description: ...
//   seed: 20261201
//   inputs:            # the map stage's options (pipeline::MapOptions::declare);
//     streets: ../maps/demo/streets.osm   # relative paths: against this file's folder
//     incidents: ../maps/demo/incidents.csv
//   stages:
//     map: {}          # always run; its options are `inputs`
//     hotspots: {}     # optional: pipeline::HotspotStageOptions::declare
//     simulate:        # pipeline::SimulateOptions::declare
//       forecast_months: 12
//       replicates: 1000
//       near_repeat: knox   # a Knox test per parameter gates and starts the near
//                           # repeats (simulation/near_repeat.hpp); em: EM alone
//     plan:            # optional: pipeline::PlanStageOptions::declare (the shared
//       cell_cutoff_m: 400  # forecast; evidence: "" = stages.simulate's), and
//       patrol: {officer_hours_per_week: 30}   # each plan's own options
//       lighting: {}   # (planning::PatrolOptions, LightingOptions, RouteOptions),
//       routes: false  # or false to leave it out; `plan: {}` makes all three
//   interventions:     # one scenario named `name` ...
//     - type: lighting
//       ...
//   scenarios:         # ... and/or several named ones, all against one baseline
//     - name: lighting
//       description: ...
//       interventions: [...]
//
// An intervention:
//   type: lighting | patrol | adults_outdoors | transit_host
//   name: text (unique within its scenario)
//   where: a mapping or a list of mappings, each with one or more of
//     segments / edges: [edge ids]     area: NAME or [NAMES] (areas layer)
//     park: NAME or [NAMES]            stop: NAME (+ radius_m, network distance)
//     place: NAME (+ radius_m)         polygon: WKT in the run CRS
//     route: [[x, y], PLACE, ...]      shortest network paths between the points
//     line: "5" (a line of the map stage's GTFS feed, inputs.gtfs) with optional
//       between: [STOP, STOP] (names or stop ids; default the whole line) and
//       direction: a headsign, a terminus or 0/1 (default both): the streets within
//       corridor_m (default 30) of the line's track between the stops, and the
//       streets within radius_m (network distance, default 100) of its stops
//     radius_m: network distance around stops, places and routes (default 100;
//               parks and polygons: cells within this straight-line distance of
//               the polygon, default the map stage's park_distance_m)
//   when:
//     months: [YYYY-MM, YYYY-MM..YYYY-MM, 0, "3-5"]   forecast months (indices 0-based)
//     weekdays: [fri, sat] | [fre, lör] | "mon-fri"
//     hours: "18-24" (local; "22-02" wraps past midnight)
//   lamps (lighting), visits_per_week / visit_minutes / residual_minutes (patrol),
//   adults (adults_outdoors), hosts (per staffed vehicle, default 2) and coverage
//   (share of the line's vehicles in the window that are staffed, 0 < c <= 1,
//   default 1; scales the effect) (transit_host), cost_sek, evidence (row key of
//   the evidence table),
//   parameters: [codes] (only these), reporting_uplift, spillover: false | {enabled,
//   buffer_m, diffusion_share, diffusion_decay_m, outer_m, displacement_share} (the
//   shares are of the incidents the intervention prevents on its own cells, 0 .. 1;
//   not given: drawn from the evidence table, simulation/spillover.hpp),
//   reaction: {parameters: [codes], peak_rise, decay_weeks}.
//
// Every mistake is an Error(BadScenario or BadOption) whose where() is
// "FILE:LINE" (or "--set PATH" for an override) and whose message starts with the
// key path: "interventions[2].where.park: no park named 'Kvarnparken' (parks: ...)".
// Unknown keys get a did-you-mean (core/options.hpp closest_key).
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tryggve/core/options.hpp"
#include "tryggve/pipeline/fit_stage.hpp"
#include "tryggve/pipeline/hotspots_stage.hpp"
#include "tryggve/pipeline/map_stage.hpp"
#include "tryggve/pipeline/plan_stage.hpp"

namespace YAML {
class Node;
}

namespace tryggve::scenario {

inline constexpr int kScenarioVersion = 1;

// The simulate stage's options (the fit's and the Monte Carlo's): one home, in
// the pipeline; scenario files name them stages.simulate.
using pipeline::SimulateOptions;

// One key path and the place it was written: for messages.
struct Where {
  std::string file_line;  // "scenario.yaml:14" or "--set interventions[0].cost_sek"
  std::string path;       // "interventions[2].where.park"
};

struct RouteStop {
  bool is_point = false;
  Point point;
  std::string name;
};

// `where: line`: a stretch of a public-transport line (transit/placement.hpp Placer::stretch).
struct LineStretchSpec {
  std::string line, from_stop, to_stop, direction;
  std::optional<double> corridor_m;
};

struct WhereSpec {
  std::vector<std::int64_t> edges;
  std::vector<LineStretchSpec> lines;
  std::vector<std::string> areas, parks, stops, places, polygons;
  std::vector<std::vector<RouteStop>> routes;
  std::optional<double> radius_m;
  std::map<std::string, Where> at;  // key ("park", "route", ...) -> where it was written
};

struct MonthRange {
  // Either labels (YYYY-MM, inclusive) or 0-based forecast indices (inclusive).
  std::string from_label, to_label;
  int from_index = -1, to_index = -1;
  Where at;
};

struct WhenSpec {
  std::vector<MonthRange> months;  // empty: the whole forecast
  std::uint8_t weekdays = 0x7F;
  bool weekdays_given = false;
  int from_hour = -1, to_hour = -1;  // -1: the type's default
  Where at;
};

struct InterventionSpec {
  std::string type;  // lighting | patrol | adults_outdoors | transit_host
  std::string name;
  std::vector<WhereSpec> where;
  WhenSpec when;
  int lamps = 0;
  double visits_per_week = 0.0, visit_minutes = 15.0, residual_minutes = 30.0;
  int adults = 0;
  int hosts = 2;
  double coverage = 1.0;
  double cost_sek = 0.0;
  std::string evidence;                 // "" = the type's default row key
  std::vector<std::string> parameters;  // only these codes
  std::optional<double> reporting_uplift;
  bool spillover_enabled = true;
  std::map<std::string, double> spillover;  // overrides by key
  std::vector<std::string> reaction_parameters;
  double reaction_peak_rise = 0.0, reaction_decay_weeks = 4.0;
  Where at;
  std::map<std::string, Where> keys_at;  // key -> where written
};

struct ScenarioSpec {
  std::string name, description;
  std::vector<InterventionSpec> interventions;
  Where at;
};

struct ScenarioFile {
  std::filesystem::path file;  // as given
  int version = kScenarioVersion;
  std::string name, description;
  std::uint64_t seed = 0;
  bool seed_given = false;
  pipeline::MapOptions inputs;
  SimulateOptions simulate;
  bool simulate_enabled = true;
  // stages.hotspots (pipeline/hotspots_stage.hpp): run when the key is present
  // (`hotspots: {}` for the defaults); its seed 0 means the file's seed.
  pipeline::HotspotStageOptions hotspots;
  bool hotspots_enabled = false;
  // stages.plan (pipeline/plan_stage.hpp): run when the key is present; its
  // evidence "" means stages.simulate's table.
  pipeline::PlanStageOptions plan;
  bool plan_enabled = false;
  std::vector<ScenarioSpec> scenarios;
  // key -> where written, for the option sets ("inputs.streets", "stages.simulate.replicates").
  std::map<std::string, Where> keys_at;
  std::vector<std::string> overrides;  // the --set texts, in order
  // The document after the overrides (for resolved.yaml).
  std::shared_ptr<YAML::Node> document;

  // Where a dotted key was written, or the file itself.
  std::string where_of(const std::string& key) const;
};

// Reads, applies the --set overrides ("simulate.replicates=200",
// "interventions[0].cost_sek=5e5", "inputs.crs=EPSG:3006"; the `stages.` prefix may
// be left out for stage options), and checks everything that does not need the map:
// syntax, version, keys, types, ranges, weekdays, hours, month syntax.
// Relative input paths are made absolute against the file's folder.
// Throws Error(FileNotFound), Error(BadScenario) or Error(BadOption).
ScenarioFile load(const std::filesystem::path& file, const std::vector<std::string>& overrides = {});
// The same from text (tests); `file` names it in messages and anchors relative paths.
// Text and overrides are UTF-8; a byte that is not becomes U+FFFD.
ScenarioFile parse(const std::string& text, const std::filesystem::path& file,
                   const std::vector<std::string>& overrides = {});

// One intervention mapping in the grammar above, for files that carry interventions
// with more keys (the workspace's deployment files, workspace/deploy.hpp):
// `extra_keys` are allowed besides the grammar's and left to the caller. `file`
// names it in messages ("FILE:LINE"), `path` is its key path ("deployments[2]").
// Throws Error(BadScenario) as load() does.
InterventionSpec parse_intervention(const YAML::Node& n, const std::string& file, const std::string& path,
                                    std::size_t index, const std::vector<std::string>& extra_keys = {});

// Sizes and modification times of the input files (for resolved.yaml).
struct InputFileInfo {
  std::string key, path;
  std::uintmax_t size = 0;
  std::string mtime_utc;  // ISO 8601
};
std::vector<InputFileInfo> input_files(const ScenarioFile& f);

// The fully resolved scenario: every option with its value (defaults included),
// the seed, tryggve::kVersion and the input files' sizes and mtimes. Loading it
// again gives a ScenarioFile that runs to the same numbers.
std::string resolved_yaml(const ScenarioFile& f, const std::string& forecast_start_resolved = {});

}  // namespace tryggve::scenario
