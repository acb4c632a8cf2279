#pragma once
// The police watch list: which places to patrol next month, within a budget of
// officer-hours, so that the most severity-weighted harm is prevented.
//
// Places are stretches of street of at most max_place_length_m (an edge's cells,
// consecutive, grouped), so long roads compete on equal terms with short paths.
//
// Harm a set S of patrolled places prevents, per parameter p and cell c:
//
//   H(S) = Σ_p Σ_c w_p · F_p,c · (1 − Π_{i ∈ S} (1 − q_i · (1 − RR_p) · s_i(c)))
//
//   F_p,c  the forecast count in the patrol windows of the month (planning/context.hpp),
//   w_p    the parameter's severity weight (taxonomy),
//   RR_p   the evidence row for `evidence_key` × p (central value; draws for the interval),
//   q_i    the dose: patrol_visit_dose(visit_minutes) (the Koper curve) × min(1, visits_i /
//          (window hours per week / visit_interval_hours)) (a full dose is one visit every
//          ~2 h of the window, the evidence row's reference programme),
//   s_i(c) the spill-over model of the simulation (simulation/spillover.hpp): 1 − δ on the
//          place's own cells (δ: the share of what it prevents that moves away),
//          min(1, γ · K_i e^{−d/diffusion_decay_m}) on cells within diffusion_buffer_m, with
//          K_i such that Σ_c K_i e^{−d/decay} h_c = Σ_own h_c for the harm the patrol can act
//          on, h_c = Σ_p w_p (1 − RR_p) F_p,c: diffusion is at most the share γ of the
//          place's own benefit, so a quiet place is never ranked for its neighbours' harm.
//          γ and δ: the evidence table's diffusion and displacement rows (central values;
//          drawn with the RR for the interval) unless given.
//
// H is monotone and submodular, so the greedy choice with lazy re-evaluation
// (CELF, Leskovec et al. 2007) is within 1 − 1/e of the best set of its size; each
// chosen place gets the visits of a full dose while the budget lasts (the last
// one what is left). Residual deterrence after a visit is left to the simulation
// (scenario runs).
//
// Constraints: the officer-hour budget (Σ visits · visit_minutes / 60 ≤ budget),
// max_places, min_spacing_m of network distance between any two chosen places,
// and an optional area (by name or code) that every chosen place must lie in.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tryggve/core/features.hpp"
#include "tryggve/core/options.hpp"
#include "tryggve/planning/context.hpp"
#include "tryggve/simulation/evidence.hpp"
#include "tryggve/simulation/results.hpp"

namespace tryggve::planning {

struct PatrolOptions {
  double officer_hours_per_week = 20.0;
  double visit_minutes = 15.0;
  double visit_interval_hours = 2.0;   // one visit per this many window hours is a full dose
  int max_places = 10;
  std::string windows = "fri,sat 18-24";
  double min_spacing_m = 200.0;
  std::string area;                    // "" = anywhere
  double max_place_length_m = 150.0;
  std::string evidence_key = "hotspot_policing";
  double diffusion_share = -1.0;       // -1: the evidence table's diffusion row
  double displacement_share = -1.0;    // -1: the evidence table's displacement row
  double diffusion_decay_m = 150.0;
  double diffusion_buffer_m = 300.0;
  int draws = 1000;                    // evidence draws for the 90% interval
  std::int64_t seed = 0;               // 0: default_seed()
  int backtest_months = 3;             // 0: no backtest
  bool lazy = true;                    // false: plain greedy (same choice, every gain recomputed; benchmarks)
  void declare(OptionSet& o);
};

// A candidate place: consecutive cells of one edge.
struct PatrolPlace {
  std::uint32_t id = 0;
  network::EdgeId edge = 0;
  std::vector<CellId> cells;
  double length_m = 0.0;
  Point mid;
};
std::vector<PatrolPlace> make_places(const simulation::CellNetwork& cells, double max_place_length_m);

struct WatchItem {
  int rank = 0;
  PatrolPlace place;
  std::string street;
  int visits_per_week = 0;
  double officer_hours_per_week = 0.0;
  double dose = 0.0;                 // q_i
  double forecast_harm = 0.0;        // Σ_p w_p F_p,c on the place's own cells
  double forecast_incidents = 0.0;   // Σ_p F_p,c on the place's own cells
  double marginal_harm_prevented = 0.0;  // gain when it was chosen (central RR)
};

struct BacktestMonth {
  std::string month;
  double events = 0.0;               // severity-weighted incidents in the windows
  double model_hit_rate = 0.0, model_pai = 0.0;
  double last_month_hit_rate = 0.0, last_month_pai = 0.0;
  double model_length_share = 0.0, last_month_length_share = 0.0;
};

struct PatrolPlan {
  std::string month;                 // the month planned for
  std::vector<WatchItem> items;
  double officer_hours_used = 0.0;
  double window_hours_per_week = 0.0;
  simulation::Interval harm_prevented;       // severity-weighted, in the windows, over the month
  simulation::Interval incidents_prevented;
  double forecast_harm_total = 0.0;          // in the windows, whole network
  std::vector<BacktestMonth> backtest;       // oldest first
  BacktestMonth backtest_pooled;             // Σ hits / Σ events over the months
  std::size_t candidates = 0, evaluations = 0;  // CELF: gain evaluations (vs candidates × rounds for plain greedy)
};

// The options with the spill-over shares left to the evidence table (-1) set to
// its central values (0 where the table has no row).
PatrolOptions resolve_spillover_shares(const PatrolOptions& o, const simulation::EvidenceTable& evidence,
                                       const std::vector<simulation::ParameterTraits>& traits);

// The core: choose places given per-parameter forecasts (in the windows) and RRs;
// the options' spill-over shares must be resolved (>= 0).
// Exposed for tests and the backtest. `allowed` (per place; empty = all) applies the area.
struct Selection {
  std::vector<std::size_t> chosen;   // indices into places, in order of choice
  std::vector<int> visits;           // per chosen
  std::vector<double> doses;         // q per chosen
  std::vector<double> gains;         // harm prevented when chosen
  std::size_t evaluations = 0;
};
Selection choose_places(const simulation::CellNetwork& cells, const std::vector<PatrolPlace>& places,
                        const std::vector<std::vector<double>>& forecast, const std::vector<double>& weights,
                        const std::vector<double>& rr, const PatrolOptions& options,
                        const std::vector<char>& allowed = {});

// Harm prevented by a selection for the given RRs (the objective H above).
double harm_prevented(const simulation::CellNetwork& cells, const std::vector<PatrolPlace>& places, const Selection& s,
                      const std::vector<std::vector<double>>& forecast, const std::vector<double>& weights,
                      const std::vector<double>& rr, const PatrolOptions& options);

// The whole plan, with the interval and the backtest. `areas` are used only when
// options.area is set (Error(BadOption) if no area has that name or code).
// Throws Error(BadOption) for inconsistent options.
PatrolPlan plan_patrol(const PlanningContext& ctx, const simulation::EvidenceTable& evidence,
                       const PatrolOptions& options, const std::vector<PolygonFeature>& areas = {});

std::string watch_list_csv(const PatrolPlan& plan);
std::string patrol_backtest_csv(const PatrolPlan& plan);
nlohmann::json to_json(const PatrolPlan& plan, const PatrolOptions& options);

}  // namespace tryggve::planning
