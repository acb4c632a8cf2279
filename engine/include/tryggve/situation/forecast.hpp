#pragma once
// Scoring and ranking forecasts is the forecast module's (forecast/score.hpp);
// the names stay visible here for the situation and grid analyses that use them.
#include "tryggve/forecast/score.hpp"

namespace tryggve::situation {

using forecast::backtest_csv;
using forecast::BacktestRow;
using forecast::BacktestSummary;
using forecast::CoverageScore;
using forecast::parse_coverages;
using forecast::score_forecast;
using forecast::summarise_backtest;

}  // namespace tryggve::situation
