#pragma once
// The hotspots stage: everything an analyst opens first each month, from the map
// stage's result, in one call shared by `tryggve hotspots`, scenario runs,
// `tryggve demo` and (next) the monthly cycle. run_hotspots() computes; its
// write_hotspots() writes into a run folder (names in pipeline/run_folder.hpp),
// each file atomically:
//   hotspots.gpkg   density        per lixel: density over all analysed months and
//                                  over the latest month (events per km of street;
//                                  severity-weighted when severity_weights)
//                   gistar         per segment: count, Gi* z, p (normal, permutation,
//                                  BH-adjusted), hot/cold class at 90/95/99%
//                   emerging       per segment: emerging hot spot class (17 classes),
//                                  Mann-Kendall tau and p of its z-series
//                   situation_areas, situation   (situation/situation.hpp)
//                   transit_segment_hotspots, transit_stop_hotspots,
//                   transit_segment_bands, transit_density
//                                  along public-transport lines, when the map
//                                  has them (pipeline/transit_hotspots.hpp)
//                   backtest       the backtest rows as a table
//   situation.json, situation.csv  the monthly situation picture
//   backtest.csv                   rolling-origin forecast accuracy (situation/forecast.hpp)
//   model_backtest.csv, .json      the model's backtest on the same months (with the
//                                  self-exciting model): held-out log-likelihood per
//                                  incident, hit rate, PAI, PEI at 1, 5, 10% of the
//                                  self-exciting and Poisson models and the naive
//                                  baselines (forecast::model_backtest)
// and a JSON summary (months, bandwidth used, hot/cold counts, emerging class
// counts, the latest month per area, mean backtest scores per method, the best
// method and its ratios to the naive baselines, the model backtest per method).
//
// Backtest, per scored month t (the latest backtest_months months that have at
// least one month before them), on lixels (measure: lixel length), outcome = the
// incidents of month t, forecasts from months before t only:
//   kde          network KDE (density_method, bandwidth_m) of months t-K .. t-1
//   gistar       Gi* z (distance band gistar_distance_m, analytical) of segment
//                counts in months t-K .. t-1, each lixel taking its segment's z
//   last_month   lixel counts in month t-1
//   all_history  lixel counts in every month before t
//   etas         the self-exciting model's expected count per metre, fitted per
//                parameter on the months before t (forecast/etas.hpp; left out
//                with no_forecast_model: its monthly fits are most of the time)
//   mixture      counting all history, added to where cross-validation on the
//                forecast_cv_months months before t says it helps: decayed and
//                smoothed history, a recent KDE, the model's triggered part, the
//                risk terrain of stops, places, parks and unlit streets in the
//                dark (forecast/methods.hpp)
// with K = backtest_history_months, each at every coverage in backtest_coverages_pct.
// The summary's backtest says which method was best at 1% and 5% and by how much
// it beat each naive baseline, and which mixture each month had.
//
// The same file holds the single analyses of `tryggve gistar`, `emerging` and
// `knox` (hotspot/runs.hpp) as the map stage hands them over and their tables
// as written.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tryggve/core/options.hpp"
#include "tryggve/density/density.hpp"
#include "tryggve/hotspot/emerging.hpp"
#include "tryggve/hotspot/local_stats.hpp"
#include "tryggve/hotspot/runs.hpp"
#include "tryggve/hotspot/weights.hpp"
#include "tryggve/io/crs.hpp"
#include "tryggve/forecast/methods.hpp"
#include "tryggve/pipeline/map_stage.hpp"
#include "tryggve/pipeline/run_folder.hpp"
#include "tryggve/pipeline/transit_hotspots.hpp"
#include "tryggve/situation/forecast.hpp"
#include "tryggve/situation/situation.hpp"

namespace tryggve::io {
class VectorWriter;
}

namespace tryggve::pipeline {

struct HotspotStageOptions {
  // Network kernel density.
  std::string density_method = "heat";  // heat, continuous, discontinuous, simple
  std::string kernel = "quartic";       // for the equal-split and simple methods
  double bandwidth_m = 150.0;           // sigma (heat, gaussian) or support radius
  bool severity_weights = true;         // weight incidents by the taxonomy's severity
  // Getis-Ord Gi* per segment.
  double gistar_distance_m = 300.0;     // distance band between segment midpoints (network distance)
  int permutations = 999;
  // What classifies a segment as hot or cold. analytical: Gi*'s z (normal p, as
  // ArcGIS). permutation: the conditional-permutation p, which keeps x_i fixed
  // and asks whether the neighbours are unusual given it, so a lone segment with
  // far more incidents than the streets around it (the usual street hotspot) is
  // not significant. Both p-values are always written.
  std::string gistar_significance = "analytical";
  std::int64_t seed = 0;                // 0: core/rng.hpp's default_seed()
  bool no_fdr = false;                  // classify on raw p instead of Benjamini-Hochberg
  // Gi* along public-transport lines: kernel weights of this network distance
  // (stops are 300-800 m apart; transit_hotspots.hpp says why not the band above).
  double transit_gistar_bandwidth_m = 600.0;
  // Emerging hot spots (space-time Gi* per month, analytical p).
  int emerging_time_lags = 1;
  double emerging_alpha = 0.05;
  // Months analysed: the latest N months of the data (0 = all).
  int months = 0;
  // Situation picture.
  std::string level_rule = "own_history";
  std::vector<std::string> level_thresholds;  // empty: the rule's defaults (situation.hpp)
  int level_history_months = 24;
  int trend_months = 12;
  double place_radius_m = 100.0;
  // Backtest.
  std::vector<std::string> backtest_coverages_pct{"1", "5", "10"};
  int backtest_months = 12;
  int backtest_history_months = 3;
  bool no_backtest = false;
  int forecast_cv_months = 6;        // the mixture's cross-validation months
  bool no_forecast_model = false;    // no etas method, no self component in the mixture
  double forecast_cutoff_m = 400.0;  // the units' neighbour lists (network distance): near repeats, smoothing
  // The backtest's units: the map's lixels (0), or lixels of this length (>= 1 m).
  // The units' neighbour lists may take at most backtest_memory_mb (estimated before
  // they are made): with the map's lixels over it, the backtest runs on longer
  // lixels that fit, found in steps of at least 1.25x (a city of 1.5 M lixels of
  // 20 m at 400 m would take ~3.9 GB); a given length over it is refused.
  double backtest_lixel_length_m = 0.0;
  int backtest_memory_mb = 1024;

  void declare(OptionSet& o);
  // The situation options these give for a map whose incidents were tagged with
  // `tags` (the street length near parks and stops uses the same distances).
  // Throws Error(BadOption).
  situation::SituationOptions situation_options(const snap::PlaceTagOptions& tags = {}) const;
  // Checks what can be checked before any data are read (thresholds, coverages).
  void check() const;
};

struct HotspotsResult {
  int first_month = 0, last_month = 0;  // month indices of the data
  int analysed_from = 0;                // first analysed month
  density::DensityResult density_all, density_latest;
  hotspot::SpatialUnits segments;
  hotspot::Weights segment_weights;
  bool gistar_ok = false;               // at least 3 segments
  hotspot::LocalResult gistar;
  bool emerging_ok = false;             // at least 3 segments and 2 months
  double emerging_alpha = 0.05;
  hotspot::EmergingResult emerging;
  situation::SituationPicture situation;
  // Hotspots along public-transport lines (transit_hotspots.hpp): run when the map
  // has a transit system and placed on-board or at-stop incidents.
  TransitHotspots transit;
  bool backtest_run = false;
  std::vector<situation::BacktestRow> backtest;
  // The model's own backtest on the same months (forecast::model_backtest; empty
  // without the backtest or with no_forecast_model).
  std::vector<forecast::ModelBacktestRow> model_backtest;
  nlohmann::json summary;  // months, density, gistar, emerging, situation, backtest, seconds
};

// Density, Gi*, emerging hot spots, the situation picture and the backtest of the
// mapped incidents. Throws Error(NoData) when no placed incident has a time,
// Error(BadOption) for inconsistent options.
HotspotsResult run_hotspots(const MapResult& map, const HotspotStageOptions& options);

// Writes the files above into the folder (created if needed) and adds their
// names to result.summary["outputs"]. Throws Error(OutputFailed).
void write_hotspots(const RunFolder& folder, const MapResult& map, HotspotsResult& result);

// run_hotspots + write_hotspots; returns the summary.
nlohmann::json run_hotspot_stage(const MapResult& map, const HotspotStageOptions& options, const RunFolder& folder);

// ---- Writers of the situation picture and the backtest ------------------------

// situation.csv (situation::situation_csv), atomically.
void write_situation_csv(const situation::SituationPicture& s, const std::filesystem::path& path);
// Adds outputs::kSituationAreasLayer (area polygons with the latest month's
// picture: all parameters' counts, score, level, trend) and outputs::kSituationTable.
void add_situation_layers(io::VectorWriter& out, const situation::SituationPicture& s, const snap::MapData& map);
// backtest.csv (situation::backtest_csv), atomically.
void write_backtest_csv(const std::vector<situation::BacktestRow>& rows, const std::filesystem::path& path);

// ---- The single analyses (tryggve gistar, emerging, knox) ---------------------

// Views the map result's network, lixels and taxonomy (which must outlive the
// returned value) and copies the placed incidents' positions, times and parameters.
hotspot::HotspotIncidents input_from_map(const snap::MapData& m);

// .csv: the table as CSV (no geometry); .gpkg, .geojson, .fgb: one layer named after
// the table, with the rows' line geometry when they have one. Atomic either way.
void write_unit_table(const hotspot::UnitTable& t, const std::filesystem::path& out, const io::CrsContext& crs);

}  // namespace tryggve::pipeline
