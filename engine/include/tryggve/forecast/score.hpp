#pragma once
// Forecast accuracy of risk maps (../shared/EVIDENCE.md, "Forecast evaluation").
// A forecast gives each unit (lixel, segment or grid cell) a risk; the hotspots
// at coverage c are the highest-risk units whose measure (length or area) adds
// up to at most c of the whole; they are scored on what happened next:
//   hit rate = n / N        (share of next-period incidents inside the hotspots)
//   PAI      = (n / N) / (a / A)   (a, A: measure of the hotspots, of everything)
//   PEI      = PAI / PAI_max, PAI_max the PAI of the best selection of measure a.
// The rolling-origin backtest repeats this for every month: forecasts built from
// the months before it, scored on the month itself.
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace tryggve::forecast {

struct CoverageScore {
  double coverage = 0;         // the asked share of the measure (0.01 = 1%)
  std::size_t units = 0;       // units selected
  double measure_share = 0;    // a / A actually selected (<= coverage)
  double hits = 0;             // n: outcome inside the selection
  double total = 0;            // N: all outcome
  double hit_rate = 0;         // n / N (0 when N == 0)
  double pai = 0;              // hit_rate / measure_share (NaN when nothing selected or N == 0)
  double pai_max = 0;          // PAI of the best possible selection of measure a
  double pei = 0;              // pai / pai_max (NaN when undefined)
};

// Scores one forecast. `risk`, `measure` (> 0 each) and `outcome` (counts, >= 0)
// are per unit. Selection: units with risk > 0, by risk descending, ties by unit
// index ascending (deterministic), taken while the cumulative measure stays within
// coverage * A; at least the first unit is taken when it alone exceeds that
// budget, so tiny coverages on long segments still select something. Units with
// zero risk are never hotspots: a forecast with few positive units selects less.
// PAI_max is the fractional-knapsack bound for measure a (units by outcome per
// measure, the last one in part): exact for equal-size cells, and an upper bound
// on any selection otherwise, so 0 <= PEI <= 1.
// Throws Error(BadValue) if the sizes differ or a measure is not > 0.
std::vector<CoverageScore> score_forecast(std::span<const double> risk, std::span<const double> measure,
                                          std::span<const double> outcome, std::span<const double> coverages);

// The same scoring for many forecasts of one outcome (cross-validation scores
// hundreds): the outcome's order is sorted once and each forecast sorts only as
// many of its units as the largest coverage needs. score(risk) equals
// score_forecast(risk, measure, outcome, coverages). Keeps copies of its inputs.
class Scorer {
 public:
  Scorer(std::span<const double> measure, std::span<const double> outcome, std::span<const double> coverages);
  std::vector<CoverageScore> score(std::span<const double> risk) const;
  double total() const { return N_; }

 private:
  std::vector<double> measure_, outcome_, coverages_;
  std::vector<std::size_t> by_density_;  // units with outcome > 0, by outcome per measure
  double A_ = 0, N_ = 0, min_measure_ = 0, max_coverage_ = 0;
};

// One row of backtest.csv.
struct BacktestRow {
  std::string month;   // the month scored ("2025-03"); forecasts use the months before it
  std::string method;  // all_history, last_month, kde, gistar, etas, mixture (methods.hpp)
  CoverageScore score;
};

// Mean hit rate, PAI and PEI per (method, coverage) over the months (months with
// no incidents are left out of the means), as JSON-ready rows.
struct BacktestSummary {
  std::string method;
  double coverage = 0;
  std::size_t months = 0;
  double mean_hit_rate = 0, mean_pai = 0, mean_pei = 0;
};
std::vector<BacktestSummary> summarise_backtest(const std::vector<BacktestRow>& rows);

// The naive baselines every method is measured against.
inline constexpr const char* kAllHistory = "all_history";
inline constexpr const char* kLastMonth = "last_month";

// Which method forecasts best in a rolling-origin backtest, and by how much it
// beats each naive baseline. For every method and coverage: the mean PAI over the
// scored months (summarise_backtest); each method's merit is the geometric mean
// over `coverages` of its mean PAI over the best naive baseline's at that coverage
// (a ratio, so 1% and 5% count alike although PAI at 1% is several times larger).
// The best method has the highest merit (ties: the earlier method in the rows).
struct Verdict {
  struct AtCoverage {
    double coverage = 0;
    double best_pai = NAN;                    // the best method's mean PAI
    std::vector<std::string> baselines;       // naive baselines found in the rows
    std::vector<double> baseline_pai;         // their mean PAI
    std::vector<double> ratio;                // best_pai / baseline_pai
    double ratio_to_best_naive = NAN;         // best_pai / max(baseline_pai)
  };
  std::string best;
  double merit = NAN;
  std::size_t months = 0;                     // months the best method was scored on
  std::vector<AtCoverage> coverages;
  // True if the best method's mean PAI is above every naive baseline's at every coverage.
  bool beats_naive() const;
};
// Throws Error(NoData) when no row has a finite PAI at one of `coverages` or no
// naive baseline is in the rows.
Verdict best_method(const std::vector<BacktestRow>& rows, const std::vector<double>& coverages,
                    const std::vector<std::string>& naive = {kAllHistory, kLastMonth});

// backtest.csv: month,method,coverage,units,measure_share,hits,total,hit_rate,pai,pai_max,pei
// (NaN as empty), one row per BacktestRow.
std::string backtest_csv(const std::vector<BacktestRow>& rows);

// Parses coverages given in percent ("1", "5", "10") into shares; Error(BadOption)
// naming `key` for values not in (0, 100].
std::vector<double> parse_coverages(const std::vector<std::string>& percent, const std::string& key);

}  // namespace tryggve::forecast
