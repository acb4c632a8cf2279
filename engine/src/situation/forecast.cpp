#include "tryggve/situation/forecast.hpp"

#include <cmath>

#include <fmt/format.h>


namespace tryggve::situation {

namespace {
std::string num(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : std::string(); }
}  // namespace

std::string backtest_csv(const std::vector<BacktestRow>& rows) {
  std::string s = "month,method,coverage,units,measure_share,hits,total,hit_rate,pai,pai_max,pei\n";
  for (const auto& r : rows) {
    const auto& c = r.score;
    s += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", r.month, r.method, num(c.coverage), c.units,
                     num(c.measure_share), num(c.hits), num(c.total), num(c.hit_rate), num(c.pai), num(c.pai_max),
                     num(c.pei));
  }
  return s;
}

}  // namespace tryggve::situation
