#pragma once
// The monthly situation picture (lägesbild): for each month, for each unit (the
// whole district, every area, every place type) and for each of the taxonomy's
// parameters plus "all":
//   count          incidents (sum of Incident::weight, normally 1 each)
//   score          severity-weighted count (taxonomy weights)
//   rate_per_km    count per km of street in the unit
//   rate_per_1000  count per 1,000 residents (areas with a known population)
//   change         against the previous month and the same month a year before,
//                  absolute and in % (NaN/empty when the earlier month is outside
//                  the data or had no incidents, for %)
//   level          1-5 (see LevelScale), 0 when it cannot be judged
//   trend          Mann-Kendall on the monthly counts of the last trend_months months
// Units:
//   district       every placed incident; the whole network
//   area           incidents the map stage tagged with the area; street length =
//                  lixels whose midpoint lies in the area (so within half a lixel)
//   place_type     park / stop from the map stage's tags; for every kind of
//                  MapData::places (school, square, youth_centre, ...) the incidents
//                  within place_radius_m of a place of that kind; street length =
//                  lixels whose midpoint is as near (park_distance_m, stop_radius_m,
//                  place_radius_m).
//   place_type     on_board: incidents placed on board a vehicle (transit/place.hpp);
//                  `stop` also counts reports the operator placed at a stop
//   line           one unit per public-transport line (id = the route's short name):
//                  its on-board incidents
//   transit_stop   one unit per stop (station) with reports placed at it (id = the
//                  feed's stop id)
// Public-transport units carry counts per time band too (band_counts): the hours
// a line's trouble comes at differ by band far more than by month. The bands
// follow the timetable's day, not the clock's quarters: night 00-05 (night
// buses and trams, weekend night trips), morning 05-09 (the morning peak, school
// and work), day 09-15 (off-peak, school hours), afternoon 15-19 (the afternoon
// peak, schools out), evening 19-24 (thinner service, most of the youth trouble);
// local time of the report.
// Incidents without a time stamp cannot be put in a month: they are counted in
// `without_time` and in no monthly figure.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tryggve/core/options.hpp"
#include "tryggve/hotspot/mann_kendall.hpp"
#include "tryggve/snap/map_data.hpp"

namespace tryggve::situation {

// The 1-5 level. The level metric is the severity score per km of street (the
// score itself for a unit without streets), so one parameter's level weighs harm.
//   own_history: thresholds are quantile probabilities (ascending, in (0, 1)); the
//     k-th threshold value is that quantile (R type 7) of the unit's own metric for
//     the same parameter over the history_months months before the month; level =
//     1 + number of threshold values the month's metric exceeds (strictly). With
//     fewer than min_history_months months of history the level is 0 (unknown).
//     Default 0.5, 0.75, 0.9, 0.975: a level 5 month is above the unit's 97.5%.
//   fixed: thresholds are metric values (severity points per km per month),
//     ascending; level = 1 + number exceeded.
// Four thresholds give five levels; fewer give fewer (the scale stays 1-based).
struct LevelScale {
  enum class Rule { OwnHistory, Fixed };
  Rule rule = Rule::OwnHistory;
  std::vector<double> thresholds{0.5, 0.75, 0.9, 0.975};
  int history_months = 24;
  int min_history_months = 6;
};
std::string_view level_label_sv(int level);
std::string_view level_label_en(int level);

enum class Trend : std::uint8_t { TooShort, NoTrend, Increasing, Decreasing };
std::string_view to_string(Trend t);  // too_short, no_trend, increasing, decreasing
std::string_view label_sv(Trend t);
std::string_view label_en(Trend t);

struct SituationOptions {
  std::size_t months = 0;  // the latest months reported (0 = every month in the data)
  LevelScale levels;
  std::size_t trend_months = 12;  // Mann-Kendall window (months, this one included)
  double trend_alpha = 0.05;
  double place_radius_m = 100.0;  // places (schools, squares ...): incidents this near
  // Street length near parks and stops: set these to the distances the
  // incidents were tagged with (MapData::tag_options).
  double park_distance_m = 10.0;
  double stop_radius_m = 50.0;
};

inline constexpr std::size_t kTimeBands = 5;
struct TimeBand { int from_hour, to_hour; const char* code; const char* sv; const char* en; };
inline constexpr TimeBand kTimeBandDefs[kTimeBands] = {{0, 5, "night", "natt 00-05", "night 00-05"},
                                                       {5, 9, "morning", "morgon 05-09", "morning 05-09"},
                                                       {9, 15, "day", "dag 09-15", "day 09-15"},
                                                       {15, 19, "afternoon", "eftermiddag 15-19", "afternoon 15-19"},
                                                       {19, 24, "evening", "kväll 19-24", "evening 19-24"}};
// The band of a local hour (0-23).
std::size_t time_band(int hour);

struct SituationUnit {
  std::string kind;  // district, area, place_type, line, transit_stop
  std::string id;    // "all"; the area's code (kind) or index; "park", "stop", "school" ...
  std::string name, name_en;
  double street_km = 0;
  double population = -1;  // residents, -1 unknown
  std::uint32_t area_index = 0xFFFFFFFFu;  // into MapData::areas (kind area)
};

struct SituationCell {
  double count = 0, score = 0;
  double rate_per_km = NAN, rate_per_1000 = NAN;
  double prev_count = NAN, change_prev = NAN, change_prev_pct = NAN;
  double year_ago_count = NAN, change_year = NAN, change_year_pct = NAN;
  int level = 0;
  Trend trend = Trend::TooShort;
  hotspot::MannKendall mk;
};

struct SituationPicture {
  std::vector<int> months;  // month_index values reported, ascending
  // The taxonomy's codes, sv and en names, then "all" (index = parameters.size() - 1).
  struct Param { std::string code, name_sv, name_en; double weight = 1; };
  std::vector<Param> parameters;
  std::vector<SituationUnit> units;
  std::vector<SituationCell> cells;  // [month][unit][parameter]
  // Incidents (all parameters) per time band, for the public-transport units
  // (place_type on_board and stop, line, transit_stop); zero for the others.
  std::vector<double> band_counts;   // [month][unit][band]
  double band_count(std::size_t month, std::size_t unit, std::size_t band) const {
    return band_counts[(month * units.size() + unit) * kTimeBands + band];
  }
  static bool is_transit_unit(const SituationUnit& u) {
    return u.kind == "line" || u.kind == "transit_stop" || (u.kind == "place_type" && (u.id == "on_board" || u.id == "stop"));
  }
  std::size_t without_time = 0;
  SituationOptions options;
  const SituationCell& at(std::size_t month, std::size_t unit, std::size_t param) const {
    return cells[(month * units.size() + unit) * parameters.size() + param];
  }
  std::size_t all_index() const { return parameters.size() - 1; }
};

// Builds the picture from the mapped incidents. Throws Error(BadOption) for bad
// level thresholds; Error(NoData) when no incident has a time.
SituationPicture compute_situation(const snap::MapData& map, const SituationOptions& options);

// situation.csv: one row per month x unit x parameter.
std::string situation_csv(const SituationPicture& s);
// situation.json for the viewer: months, parameters (sv/en), level and trend
// labels, the level rule, and per unit its per-month numbers.
nlohmann::json situation_json(const SituationPicture& s);

// Level options from option texts: rule "own_history" | "fixed", thresholds as
// numbers. Throws Error(BadOption) naming `where`.
LevelScale parse_level_scale(const std::string& rule, const std::vector<std::string>& thresholds,
                             const std::string& where);

}  // namespace tryggve::situation
