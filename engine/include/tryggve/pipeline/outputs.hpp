#pragma once
// The layout of a run folder: what `tryggve demo`, `tryggve run SCENARIO --out DIR`
// and the stages write, and what `tryggve serve` and `tryggve report` read. One
// place for the names, so the writers and the readers cannot drift apart.
//
//   DIR/
//     map.gpkg            the map stage: layers edges, lixels, incidents, rejects,
//                         and parks, stops, lamps, areas, places where given
//     map_summary.json    counts, CRS, rejects by reason (MapResult::summary_json)
//     rejects.csv         every rejected row with file, row, reason, detail
//     hotspots.gpkg       the hotspot stage: layers density (per lixel), gistar
//                         (per segment), emerging (per segment)
//     situation.json      the monthly situation picture (lägesbild) for the viewer
//     situation.csv       the same as a flat table (month, area/place, parameter, ...)
//     backtest.csv        forecast accuracy (hit rate, PAI, PEI) per month and method
//     model.csv           the fitted baseline model per parameter, with the Knox
//     model.json          near-repeat test that gated and started it (and its table)
//     scenarios/NAME/     one folder per simulated scenario: result.json,
//                         areas.csv, cells.csv
//     plan/               police watch list, lighting ranking, walk routes
//     resolved.yaml       the fully resolved scenario, seed and version of the run
//     report.html         the report (and report.pdf where a PDF could be made)
//
// Every file is written atomically (core/atomic_file.hpp): a reader never sees a
// half-written one. Layers are in the run's CRS; the server reprojects to WGS84.
namespace tryggve::outputs {

inline constexpr const char* kMapGpkg = "map.gpkg";
inline constexpr const char* kMapSummaryJson = "map_summary.json";
inline constexpr const char* kRejectsCsv = "rejects.csv";
inline constexpr const char* kHotspotsGpkg = "hotspots.gpkg";
inline constexpr const char* kSituationJson = "situation.json";
inline constexpr const char* kSituationCsv = "situation.csv";
inline constexpr const char* kBacktestCsv = "backtest.csv";
inline constexpr const char* kModelCsv = "model.csv";
inline constexpr const char* kModelJson = "model.json";
inline constexpr const char* kScenariosDir = "scenarios";
inline constexpr const char* kPlanDir = "plan";
inline constexpr const char* kResolvedScenario = "resolved.yaml";
inline constexpr const char* kReportHtml = "report.html";
inline constexpr const char* kReportPdf = "report.pdf";

// Files of plan/ (tryggve plan patrol|lighting|routes; names relative to the run folder).
inline constexpr const char* kWatchListCsv = "plan/watch_list.csv";          // police watch list, ranked
inline constexpr const char* kWatchListJson = "plan/watch_list.json";        // the same with benefit, interval, backtest
inline constexpr const char* kPatrolBacktestCsv = "plan/patrol_backtest.csv";  // hit rate, PAI vs last month's top
inline constexpr const char* kPatrolGpkg = "plan/patrol.gpkg";              // layer watch_list
inline constexpr const char* kLightingCsv = "plan/lighting.csv";            // lighting projects, ranked per SEK
inline constexpr const char* kLightingJson = "plan/lighting.json";          // the same with dark hours by month
inline constexpr const char* kLightingGpkg = "plan/lighting.gpkg";          // layers lighting_lixels, lighting_projects
inline constexpr const char* kRoutesCsv = "plan/routes.csv";                // walk routes, edge by edge
inline constexpr const char* kRoutesJson = "plan/routes.json";
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

// Layers of hotspots.gpkg.
inline constexpr const char* kDensityLayer = "density";
inline constexpr const char* kGiStarLayer = "gistar";
inline constexpr const char* kEmergingLayer = "emerging";

}  // namespace tryggve::outputs
