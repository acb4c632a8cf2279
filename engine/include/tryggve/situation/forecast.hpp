#pragma once
// The backtest's file. Scoring and ranking forecasts is the forecast module's
// (forecast/score.hpp); the names stay visible here for the stages that write them.
#include <string>
#include <vector>

#include "tryggve/forecast/score.hpp"

namespace tryggve::situation {

using forecast::BacktestRow;
using forecast::BacktestSummary;
using forecast::CoverageScore;
using forecast::parse_coverages;
using forecast::score_forecast;
using forecast::summarise_backtest;

// backtest.csv: month,method,coverage,units,measure_share,hits,total,hit_rate,pai,pai_max,pei
// (NaN as empty).
std::string backtest_csv(const std::vector<BacktestRow>& rows);

}  // namespace tryggve::situation
