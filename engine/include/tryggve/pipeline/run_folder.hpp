#pragma once
// The run folder: the one contract between the stages that write it and the
// readers (`tryggve serve`, `tryggve report`, the viewer). The names are here
// and only here, so writers and readers cannot drift apart.
//
//   DIR/
//     map.gpkg            the map stage: layers edges, lixels, incidents, rejects,
//                         and parks, stops, lamps, areas, places where given, and
//                         transit_lines, transit_stops with a GTFS feed
//                         (pipeline/transit_stage.hpp names them)
//     map_summary.json    counts, CRS, rejects by reason (MapResult::summary_json)
//     rejects.csv         every rejected row with file, row, reason, detail
//     hotspots.gpkg       the hotspots stage: layers density (per lixel), gistar
//                         and emerging (per segment), situation_areas, and the
//                         tables situation and backtest
//     situation.json      the monthly situation picture (lägesbild) for the viewer
//     situation.csv       the same as a flat table (month, area/place, parameter, ...)
//     backtest.csv        forecast accuracy (hit rate, PAI, PEI) per month and method
//     hotspots_summary.json  the hotspots stage's summary (`tryggve hotspots`)
//     model.csv           the fit stage: the baseline model per parameter, with the
//     model.json          Knox near-repeat test that gated and started it (and its table)
//     model_backtest.csv  the hotspots (or grid) stage: the model's backtest on its scored
//     model_backtest.json months, each held back: log-likelihood per incident and hit
//                         rate, PAI, PEI of the self-exciting model, the Poisson model
//                         and the naive baselines, each fitted on the months before it
//     fit_backtest.csv    the fit stage: the same for the model as the simulate stage
//     fit_backtest.json   fits it, on the months just before the forecast
//     scenarios/NAME/     the simulate stage, one folder per scenario: result.json,
//                         areas.csv, cells.csv
//     plan/               the plan stage: police watch list, lighting ranking, walk
//                         routes; the simulate stage's scenario comparison
//     resolved.yaml       the fully resolved scenario, seed and version of the run
//     report.html         the report (and report.pdf where a PDF could be made)
//   The grid mode (`tryggve grid`) writes its own folder: grid.gpkg, grid.tif,
//   backtest.csv, rejects.csv, grid_summary.json.
//
// Every file is written atomically (core/atomic_file.hpp): a reader never sees a
// half-written one. Layers are in the run's CRS; the server reprojects to WGS84.
#include <filesystem>
#include <string>
#include <string_view>

namespace tryggve::outputs {

inline constexpr const char* kMapGpkg = "map.gpkg";
inline constexpr const char* kMapSummaryJson = "map_summary.json";
inline constexpr const char* kRejectsCsv = "rejects.csv";
inline constexpr const char* kHotspotsGpkg = "hotspots.gpkg";
inline constexpr const char* kHotspotsSummaryJson = "hotspots_summary.json";
inline constexpr const char* kSituationJson = "situation.json";
inline constexpr const char* kSituationCsv = "situation.csv";
inline constexpr const char* kBacktestCsv = "backtest.csv";
inline constexpr const char* kModelCsv = "model.csv";
inline constexpr const char* kModelJson = "model.json";
inline constexpr const char* kModelBacktestCsv = "model_backtest.csv";
inline constexpr const char* kModelBacktestJson = "model_backtest.json";
inline constexpr const char* kFitBacktestCsv = "fit_backtest.csv";
inline constexpr const char* kFitBacktestJson = "fit_backtest.json";
inline constexpr const char* kScenariosDir = "scenarios";
inline constexpr const char* kPlanDir = "plan";
inline constexpr const char* kResolvedScenario = "resolved.yaml";
inline constexpr const char* kReportHtml = "report.html";
inline constexpr const char* kReportPdf = "report.pdf";

// Files of scenarios/NAME/.
inline constexpr const char* kScenarioResultJson = "result.json";
inline constexpr const char* kScenarioAreasCsv = "areas.csv";
inline constexpr const char* kScenarioCellsCsv = "cells.csv";

// Files of plan/ (names relative to the run folder).
inline constexpr const char* kWatchListCsv = "plan/watch_list.csv";          // police watch list, ranked
inline constexpr const char* kWatchListJson = "plan/watch_list.json";        // the same with benefit, interval, backtest
inline constexpr const char* kPatrolBacktestCsv = "plan/patrol_backtest.csv";  // hit rate, PAI vs last month's top
inline constexpr const char* kPatrolGpkg = "plan/patrol.gpkg";              // layer watch_list
inline constexpr const char* kLightingCsv = "plan/lighting.csv";            // lighting projects, ranked per SEK
inline constexpr const char* kLightingJson = "plan/lighting.json";          // the same with dark hours by month
inline constexpr const char* kLightingGpkg = "plan/lighting.gpkg";          // layers lighting_lixels, lighting_projects
inline constexpr const char* kRoutesCsv = "plan/routes.csv";                // walk routes, edge by edge
inline constexpr const char* kRoutesJson = "plan/routes.json";
inline constexpr const char* kTransitHostsCsv = "plan/transit_hosts.csv";
inline constexpr const char* kTransitHostsJson = "plan/transit_hosts.json";
inline constexpr const char* kTransitHostsYaml = "plan/transit_hosts.yaml";  // transit_host interventions for a scenario file
inline constexpr const char* kRoutesGpkg = "plan/routes.gpkg";              // layer routes
inline constexpr const char* kScenarioComparisonCsv = "plan/scenario_comparison.csv";
inline constexpr const char* kWatchListLayer = "watch_list";
inline constexpr const char* kLightingLixelsLayer = "lighting_lixels";
inline constexpr const char* kLightingProjectsLayer = "lighting_projects";
inline constexpr const char* kRoutesLayer = "routes";

// Layers of map.gpkg.
inline constexpr const char* kEdgesLayer = "edges";
inline constexpr const char* kLixelsLayer = "lixels";
inline constexpr const char* kIncidentsLayer = "incidents";
inline constexpr const char* kRejectsLayer = "rejects";
inline constexpr const char* kParksLayer = "parks";
inline constexpr const char* kStopsLayer = "stops";
inline constexpr const char* kLampsLayer = "lamps";
inline constexpr const char* kAreasLayer = "areas";
inline constexpr const char* kPlacesLayer = "places";

// Layers and tables of hotspots.gpkg.
inline constexpr const char* kDensityLayer = "density";
inline constexpr const char* kGiStarLayer = "gistar";
inline constexpr const char* kEmergingLayer = "emerging";
inline constexpr const char* kSituationAreasLayer = "situation_areas";  // polygons, latest month
inline constexpr const char* kSituationTable = "situation";             // the long table (no geometry)
inline constexpr const char* kBacktestTable = "backtest";

// The grid mode's folder.
inline constexpr const char* kGridGpkg = "grid.gpkg";        // layers cells, cell_months
inline constexpr const char* kGridTiff = "grid.tif";         // square cells only
inline constexpr const char* kGridSummaryJson = "grid_summary.json";
inline constexpr const char* kCellsLayer = "cells";
inline constexpr const char* kCellMonthsTable = "cell_months";

}  // namespace tryggve::outputs

namespace tryggve::pipeline {

// A run folder on disk. Stages take one to write their part; a plain path
// converts to it, so `write_map_outputs(result, "out/run")` reads as it should.
class RunFolder {
 public:
  RunFolder(std::filesystem::path dir);  // NOLINT: implicit on purpose, see above
  RunFolder(const std::string& dir) : RunFolder(std::filesystem::path(dir)) {}  // NOLINT
  RunFolder(const char* dir) : RunFolder(std::filesystem::path(dir)) {}         // NOLINT
  // `lang` ("sv" or "en"): the language of the QGIS styles in the folder's GeoPackages.
  RunFolder(std::filesystem::path dir, std::string lang);

  const std::filesystem::path& dir() const { return dir_; }
  const std::string& lang() const { return lang_; }
  // DIR/name, name one of outputs:: ("plan/watch_list.csv" included).
  std::filesystem::path file(std::string_view name) const { return dir_ / name; }
  // DIR/scenarios/NAME.
  std::filesystem::path scenario_dir(const std::string& name) const;

  // Creates DIR, or DIR/sub (e.g. outputs::kPlanDir), with parents; throws
  // Error(OutputFailed) naming the folder when it cannot.
  void create(std::string_view sub = {}) const;

 private:
  std::filesystem::path dir_;
  std::string lang_ = "sv";
};

}  // namespace tryggve::pipeline
