#pragma once
// The hotspot subcommands as library calls (`tryggve gistar`, `tryggve emerging`,
// `tryggve knox`; scenario stages reuse the same option declarations): from mapped
// incidents to one table per analysis.
//
//   incidents on the network ─> selection (parameters, time window, severity weights)
//     ─> units (segments | lixels) ─> counts ─> weights ─> Gi* / Gi / local Moran
//                                           └─> monthly cube ─> emerging hot spots
//     ─> pairs in space and time bands ─> Knox table
//
// The hotspot module does not depend on the map stage: the caller hands the network
// and the incidents' places, times and parameters over in HotspotIncidents
// (pipeline/hotspots_stage.hpp builds one from the map stage's result and writes
// the tables).
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "tryggve/core/incident.hpp"
#include "tryggve/core/options.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/hotspot/emerging.hpp"
#include "tryggve/hotspot/knox.hpp"
#include "tryggve/hotspot/local_stats.hpp"
#include "tryggve/hotspot/units.hpp"
#include "tryggve/hotspot/weights.hpp"
#include "tryggve/network/lixels.hpp"
#include "tryggve/network/network.hpp"
#include "tryggve/taxonomy/taxonomy.hpp"

namespace tryggve::hotspot {

// Placed incidents, parallel vectors (the pointers must outlive the runs).
struct HotspotIncidents {
  const network::Network* net = nullptr;
  const network::Lixelization* lixels = nullptr;  // required for units = lixels
  const Taxonomy* taxonomy = nullptr;             // parameter codes and severity weights; may be null
  std::vector<network::NetworkPosition> positions;
  std::vector<Timestamp> times;
  std::vector<std::uint8_t> has_time;
  std::vector<ParameterId> parameters;
  std::vector<double> weights;  // Incident::weight (multiplicity); empty: all 1
  std::string source;           // the incident file, for messages
};

// Which incidents count, and how much.
struct IncidentSelection {
  std::vector<std::string> parameters;  // taxonomy codes; empty: all
  std::string from, to;                 // local dates YYYY-MM-DD or months YYYY-MM, inclusive; "": open
  bool severity_weights = false;        // each incident counts its parameter's severity weight

  void declare(OptionSet& o);
};

struct Selected {
  std::vector<std::size_t> index;  // into HotspotIncidents, ascending
  std::vector<double> weight;      // per selected incident
  std::size_t dropped_parameter = 0, dropped_window = 0, dropped_no_time = 0, dropped_unsnapped = 0;
  std::int64_t first_day = INT64_MIN, last_day = INT64_MAX;  // the window in local civil days (inclusive)
  nlohmann::json summary_json() const;
};
// Throws Error(BadOption) for an unknown parameter code (closest code suggested),
// a date that does not parse, from > to, or parameters asked without a taxonomy.
Selected select_incidents(const HotspotIncidents& in, const IncidentSelection& sel);

// Units and their weights, as option texts.
struct UnitWeightsOptions {
  std::string units = "segments";       // segments | lixels
  std::string weights = "distance_band";  // distance_band | inverse_distance | kernel | contiguity
  double distance_m = 300.0;            // band, inverse-distance cut-off, kernel bandwidth
  std::string kernel = "quartic";
  double power = 1.0;
  double min_distance_m = 1.0;
  std::string style = "binary";         // binary | row

  void declare(OptionSet& o);
  WeightsOptions resolve(SelfWeight self) const;
};
SpatialUnits make_units(const HotspotIncidents& in, const UnitWeightsOptions& o);

// A result table: one row per unit (or per table cell), typed columns, optional
// line geometry per row (written to GeoPackage; left out of CSV).
struct TableColumn {
  enum class Type { Integer, Real, Text };
  std::string name;
  Type type = Type::Real;
  std::vector<double> numbers;     // Integer and Real (NaN = empty)
  std::vector<std::string> texts;  // Text
};
struct UnitTable {
  std::string name;  // layer name
  std::deque<TableColumn> columns;  // a deque: add() hands out references that must survive the next add()
  std::vector<Polyline> geometry;  // empty or one per row
  std::size_t rows() const;
  TableColumn& add(std::string name, TableColumn::Type type);
  const TableColumn& column(const std::string& name) const;  // throws Error(BadValue) if absent
  // CSV with a header row; reals in shortest round-trip form, NaN empty.
  std::string csv() const;
};

// ---- Gi* / Gi / local Moran ---------------------------------------------------

struct GiStarOptions {
  IncidentSelection selection;
  UnitWeightsOptions weights;
  std::string statistic = "gi_star";  // gi_star | gi | local_moran
  std::int64_t permutations = 999;
  std::int64_t seed = 0;              // 0: default_seed() (TRYGGVE_SEED or the built-in)
  bool fdr = true, no_fdr = false;    // FDR is on unless no_fdr (or fdr: false in a scenario)
  std::string classify_by = "permutation";  // permutation | analytical

  void declare(OptionSet& o);
  LocalOptions local_options() const;
};

struct GiStarRun {
  SpatialUnits units;
  Weights weights;
  std::vector<double> values;  // per unit: selected incidents (or their weights)
  LocalResult result;
  Selected selected;
  bool moran = false;
  nlohmann::json summary_json() const;
};
GiStarRun run_gistar(const HotspotIncidents& in, const GiStarOptions& opt);
// unit_id, edge_id, start_m, end_m, length_m, count, statistic, z, p_norm, p_sim,
// z_sim, p_fdr, confidence, class; line geometry.
UnitTable gistar_table(const network::Network& net, const GiStarRun& run);

// ---- Emerging hot spots ---------------------------------------------------------

struct EmergingRunOptions {
  IncidentSelection selection;
  UnitWeightsOptions weights;
  std::int64_t time_lags = 1;
  double alpha = 0.05, trend_alpha = 0.05;
  std::int64_t permutations = 0;
  std::int64_t seed = 0;
  bool fdr = false;

  void declare(OptionSet& o);
};
struct EmergingRun {
  SpatialUnits units;
  Weights weights;
  SpaceTimeCube cube;
  EmergingResult result;
  Selected selected;
  double alpha = 0.05;  // a month is hot/cold at p <= alpha (the hot/cold month counts)
  nlohmann::json summary_json() const;
};
// Months span the window (--from/--to) or, when open, the selected incidents' months.
// Throws Error(NoData) with fewer than 3 months or no incident with a time.
EmergingRun run_emerging(const HotspotIncidents& in, const EmergingRunOptions& opt);
// unit_id, edge_id, start_m, end_m, length_m, count, class, trend_tau, trend_p,
// trend_z, hot_months, cold_months, months, last_z, last_p; line geometry.
UnitTable emerging_table(const network::Network& net, const EmergingRun& run);

// ---- Knox --------------------------------------------------------------------------

struct KnoxRunOptions {
  IncidentSelection selection;
  std::vector<std::string> space_bands_m{"100", "200", "300", "400", "500"};
  std::vector<std::string> time_bands_days{"7", "14", "21", "28", "35"};
  std::string method = "permutation";  // permutation | moments (KnoxMethod)
  std::int64_t permutations = 999;
  std::int64_t seed = 0;
  std::string distance = "network";  // network | euclidean
  double near_m = 0.0, near_days = 0.0;  // the pooled near region (0: the first band)

  void declare(OptionSet& o);
};
struct KnoxRun {
  KnoxResult result;
  Selected selected;
  std::string distance;
  nlohmann::json summary_json() const;  // includes first_cell_ratio and the table
};
// Incidents without a time are left out (counted in `selected`).
KnoxRun run_knox(const HotspotIncidents& in, const KnoxRunOptions& opt);
// space_band, space_from_m, space_to_m, time_band, time_from_days, time_to_days,
// observed, expected, ratio, p_value.
UnitTable knox_table(const KnoxRun& run);

}  // namespace tryggve::hotspot
