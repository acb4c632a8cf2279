#pragma once
// The hotspot stage: everything an analyst opens first each month, from the map
// stage's result, in one call shared by `tryggve hotspots`, scenario runs and
// `tryggve demo`. Writes into out_dir (names in pipeline/outputs.hpp), each file
// atomically:
//   hotspots.gpkg   density        per lixel: density over all analysed months and
//                                  over the latest month (events per km of street;
//                                  severity-weighted when severity_weights)
//                   gistar         per segment: count, Gi* z, p (normal, permutation,
//                                  BH-adjusted), hot/cold class at 90/95/99%
//                   emerging       per segment: emerging hot spot class (17 classes),
//                                  Mann-Kendall tau and p of its z-series
//                   situation_areas, situation   (situation.hpp)
//                   backtest       the backtest rows as a table
//   situation.json, situation.csv  the monthly situation picture
//   backtest.csv                   rolling-origin forecast accuracy (forecast.hpp)
// and returns a JSON summary (months, bandwidth used, hot/cold counts, emerging
// class counts, the latest month per area, mean backtest scores per method).
//
// Backtest, per scored month t (the latest backtest_months months that have at
// least one month before them), on lixels (measure: lixel length), outcome = the
// incidents of month t, forecasts from months before t only:
//   kde          network KDE (density_method, bandwidth_m) of months t-K .. t-1
//   gistar       Gi* z (distance band gistar_distance_m, analytical) of segment
//                counts in months t-K .. t-1, each lixel taking its segment's z
//   last_month   lixel counts in month t-1
//   all_history  lixel counts in every month before t
// with K = backtest_history_months, each at every coverage in backtest_coverages_pct.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tryggve/core/options.hpp"
#include "tryggve/pipeline/map_stage.hpp"
#include "tryggve/situation/situation.hpp"

namespace tryggve::situation {

inline constexpr const char* kBacktestTable = "backtest";  // table in hotspots.gpkg

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
  // Not options of this stage: the map stage's tagging distances (MapOptions::
  // park_distance_m, stop_radius_m), for the street length near parks and stops.
  // Callers that ran run_map copy them here.
  double park_distance_m = 10.0;
  double stop_radius_m = 50.0;

  void declare(OptionSet& o);
  // The situation options these give. Throws Error(BadOption).
  SituationOptions situation_options() const;
};

// Runs density, Gi*, emerging hot spots, the situation picture and the backtest on
// the mapped incidents and writes the files above into out_dir (created if needed).
// Throws Error(NoData) when no placed incident has a time, Error(BadOption) for
// inconsistent options, Error(OutputFailed) when a file cannot be written.
nlohmann::json run_hotspot_stage(const pipeline::MapResult& map, const HotspotStageOptions& options,
                                 const std::filesystem::path& out_dir);

}  // namespace tryggve::situation
