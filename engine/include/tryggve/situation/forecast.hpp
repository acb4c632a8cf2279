#pragma once
// Forecast accuracy of hotspot maps (../shared/EVIDENCE.md, "Forecast evaluation").
// A forecast gives each unit (lixel, segment or grid cell) a risk; the hotspots
// at coverage c are the highest-risk units whose measure (length or area) adds
// up to at most c of the whole; they are scored on what happened next:
//   hit rate = n / N        (share of next-period incidents inside the hotspots)
//   PAI      = (n / N) / (a / A)   (a, A: measure of the hotspots, of everything)
//   PEI      = PAI / PAI_max, PAI_max the PAI of the best selection of measure a.
// The rolling-origin backtest repeats this for every month: forecasts built from
// the months before it, scored on the month itself.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace tryggve::situation {

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

// One row of backtest.csv.
struct BacktestRow {
  std::string month;   // the month scored ("2025-03"); forecasts use the months before it
  std::string method;  // kde, gistar, last_month, all_history
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

// backtest.csv: month,method,coverage,units,measure_share,hits,total,hit_rate,pai,pai_max,pei
// (NaN as empty).
std::string backtest_csv(const std::vector<BacktestRow>& rows);

// Parses coverages given in percent ("1", "5", "10") into shares; Error(BadOption)
// naming `key` for values not in (0, 100].
std::vector<double> parse_coverages(const std::vector<std::string>& percent, const std::string& key);

}  // namespace tryggve::situation
