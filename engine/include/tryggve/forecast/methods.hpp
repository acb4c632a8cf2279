#pragma once
// Next-month risk maps on any units, each from the months before the forecast
// month only, and the rolling-origin backtest that compares them.
//
// Methods (the names in backtest.csv):
//   all_history  counts in every month before (naive baseline)
//   last_month   counts in the month before (naive baseline)
//   etas         the self-exciting model's expected count (etas.hpp), per unit measure
//   mixture      a long-term + short-term mixture, per unit measure, of shares of
//                next month's incidents (each component sums to 1):
//                  long     all earlier counts (the all_history map, units with
//                           equal counts ordered by their neighbourhood's)
//                  decayed  all earlier counts, each month weighted decay^(age - 1)
//                  smooth   all earlier counts, kernel-smoothed over the neighbour
//                           lists (components.hpp)
//                  recent   the last recent_months' counts, kernel-smoothed (a recent KDE)
//                  self     what the earlier events still trigger next month (the
//                           ETAS model's triggered part, etas.hpp)
//                  terrain  the risk-terrain model on the covariates (stops, parks,
//                           squares, unlit streets, unlit x darkness ...)
// The caller adds its own methods (the network KDE and Gi*, the grid KDE) as
// functions of the month.
//
// Choosing the mixture. Counting all history is hard to beat at a monthly horizon
// (Camacho Doyle, Gerell & Andershed 2021; here: a map that also knew the months
// after the forecast month beats it by only 1% in PAI on Houston), so the mixture
// starts from it and adds a component only where rolling-origin cross-validation
// on the history before the forecast month T says it helps: forward stagewise,
// each step trying every component not yet in (with each of its bandwidths or
// decays) at each weight in `weights`, p <- (1 - w) p + w component, keeping the
// best step while it improves the objective, at most max_parts steps. The
// cross-validation months are the cv_months months m before T that have a month
// before them, each forecast from the months before m (the self and terrain
// components refitted on those months).
//
// The objective is the mean PEI over those months and the coverages asked (1% and
// 5%): the quantity the maps are judged and used by, as a share of the best
// possible so that busy and quiet months and both coverages weigh alike. A step
// that leaves it unchanged is kept only if it raises the held-out log-likelihood
// of the months' incidents (a multinomial over the units, each share floored at
// 1% of a spread by measure), so a component may break ties among units with the
// same count, never overrule the counts for calibration alone. A step must also
// gain more than one standard error of its gains over the months (below). With
// the log-likelihood as the objective (objective = loglik) the same search ends at
// 0.994 / 0.988 of counting's PAI at 1% / 5% on the demo district and 0.996 /
// 0.995 on Houston, against 0.998 / 1.000 and 0.999 / 1.003 with PEI
// (bench/README.md, "Forecasts"): it buys calibration of the many quiet units
// with the order of the few busy ones.
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tryggve/forecast/etas.hpp"
#include "tryggve/forecast/history.hpp"
#include "tryggve/forecast/score.hpp"
#include "tryggve/simulation/cells.hpp"

namespace tryggve::forecast {

inline constexpr const char* kEtas = "etas";
inline constexpr const char* kMixture = "mixture";

struct MixtureOptions {
  std::vector<double> coverages{0.01, 0.05};  // the CV objective's coverages
  int cv_months = 6;                          // rolling-origin months before each forecast month
  std::string objective = "pei";              // pei | loglik
  double min_gain = 0.0;                      // objective pei: a step must raise the mean PEI by more
  std::vector<double> weights{0.01, 0.03, 0.1, 0.3, 0.5, 0.7, 0.9};  // a step's weight w
  int max_parts = 4;                          // steps after the long component
  std::vector<double> decays{0.9, 0.75, 0.5};              // decayed: per month of age
  std::vector<double> smooth_bandwidths_m{25, 50, 100};    // smooth: Gaussian sigma (m)
  std::vector<double> recent_bandwidths_m{0, 25, 50, 100};  // recent: 0 = unsmoothed
  int recent_months = 1;
  bool self_excitation = true;
  bool terrain = true;
  // The defaults suit ~20 m lixels on a street network; grid cells want bandwidths
  // of about half, one and two cells. The units' neighbour lists should reach 3
  // times the largest bandwidth (the kernel is cut there):
  double needed_cutoff_m() const;
  // Throws Error(BadOption) naming the option for values out of range.
  void validate() const;
};

// One component of a chosen mixture.
struct MixturePart {
  std::string component;  // long, decayed, smooth, recent, self, terrain
  double parameter = 0;   // decay (decayed) or bandwidth in m (smooth, recent); 0 otherwise
  double weight = 0;
};

// The mixture chosen for one forecast month, with its cross-validation scores.
struct MixtureChoice {
  int month = 0;
  int folds = 0;                       // months the choice was scored on (0: too little history)
  std::vector<MixturePart> parts;      // weights sum to 1; the first is always long
  double cv_pei = NAN, cv_loglik = NAN;  // mean PEI and log-likelihood per incident of the choice
  double cv_pei_all_history = NAN;       // mean PEI of the long component alone (counting all history)
  std::string describe() const;          // "long 0.90 + self 0.10"
};

class Forecaster {
 public:
  // `units`, `history` and `model` must outlive this; model may be null (no etas
  // method, no self component). Covariates must have one value per unit.
  Forecaster(const simulation::CellNetwork& units, const History& history, std::vector<Covariate> covariates,
             SelfExcitingForecast* model, MixtureOptions options = {});

  std::vector<double> all_history(int month) const;
  std::vector<double> last_month(int month) const;
  // Throws Error(BadOption) without a model.
  std::vector<double> etas(int month);
  std::vector<double> mixture(int month, MixtureChoice* choice = nullptr);
  // The mixture's shares of `month`'s incidents per unit (sum 1) and its choice.
  std::vector<double> mixture_shares(int month, MixtureChoice* choice = nullptr);
  bool has_model() const { return model_ != nullptr; }

  std::span<const double> measure() const { return measure_; }
  const MixtureOptions& options() const { return options_; }

 private:
  struct Components;  // every candidate component for one month (cached: folds recur across months)
  const Components& components(int month);
  std::vector<double> mix(const Components& c, const std::vector<MixturePart>& parts) const;
  double dark_share(int month) const;

  const simulation::CellNetwork* units_;
  const History* history_;
  std::vector<Covariate> covariates_;
  SelfExcitingForecast* model_;
  MixtureOptions options_;
  std::vector<double> measure_;
  std::map<int, std::shared_ptr<const Components>> cache_;
};

// A forecast method for the rolling backtest: the risk map for a month.
struct Method {
  std::string name;
  std::function<std::vector<double>(int month)> risk;
};

// Scores every method's map for each month in [from, to] against that month's
// counts (score_forecast), months in order, methods in the order given.
std::vector<BacktestRow> rolling_backtest(const History& history, std::span<const double> measure,
                                          const std::vector<Method>& methods, int from, int to,
                                          std::span<const double> coverages);

// What a stage's backtest adds to its own maps: `etas` (when the forecaster has a
// model and `etas` is true) and `mixture`, whose choice for each month is appended
// to `choices` (which must outlive the methods).
std::vector<Method> forecast_methods(Forecaster& forecaster, bool etas, std::vector<MixtureChoice>& choices);

// The backtest's part of a stage's summary: "methods" (per method and coverage:
// months, mean hit rate, PAI, PEI), "best" (best_method at 1% and 5%, or at the
// coverages scored when neither is; absent without a naive baseline or a month
// with incidents)
// and "mixture" (the mixture chosen for each month, to_json).
nlohmann::json backtest_summary(const std::vector<BacktestRow>& rows, const std::vector<MixtureChoice>& choices);

// The model's own backtest on held-back months: for each month in [from, to],
// the self-exciting model and the Poisson model (θ = 0) fitted on the months
// before it, and the naive baselines as constant-rate models (last month's and
// all earlier counts, simulation::NaiveModel), each with the held-out
// log-likelihood of the month's incidents per incident and the hit rate, PAI and
// PEI of its expected counts at `coverages`. Each month's two model forecasts
// are let go once scored (SelfExcitingForecast::forget): run it after anything
// else that reads them, such as a rolling backtest with the model's component.
// The coverages every run's model backtest is scored at (1, 5 and 10% of the measure).
inline constexpr std::array<double, 3> kModelBacktestCoverages{0.01, 0.05, 0.10};

struct ModelBacktestRow {
  std::string month;
  std::string method;             // etas, poisson, last_month, all_history
  std::size_t events = 0;
  double log_likelihood_per_event = NAN;
  std::vector<CoverageScore> scores;
};
std::vector<ModelBacktestRow> model_backtest(SelfExcitingForecast& model, const History& history,
                                             std::span<const double> measure, int from, int to,
                                             std::span<const double> coverages);

// model_backtest.csv: month,method,events,log_likelihood_per_event,coverage,units,
// measure_share,hits,total,hit_rate,pai,pai_max,pei (one row per coverage; NaN as empty).
std::string model_backtest_csv(const std::vector<ModelBacktestRow>& rows);
// Per method: months, mean log-likelihood per event, mean hit rate, PAI and PEI per coverage.
nlohmann::json model_backtest_json(const std::vector<ModelBacktestRow>& rows);
// The verdict (score.hpp) and the mixtures chosen, for a run's summary.
nlohmann::json to_json(const Verdict& verdict);
nlohmann::json to_json(const MixtureChoice& choice);

}  // namespace tryggve::forecast
