#include "tryggve/hotspot/mann_kendall.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/hotspot/local_stats.hpp"

namespace tryggve::hotspot {

MannKendall mann_kendall(std::span<const double> x) {
  MannKendall r;
  const std::size_t n = x.size();
  for (std::size_t i = 0; i < n; ++i)
    if (std::isnan(x[i])) throw Error(ErrorCode::BadValue, fmt::format("mann_kendall value {}", i), "NaN in series");
  if (n < 3) return r;
  double s = 0;
  for (std::size_t i = 0; i + 1 < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) s += (x[j] > x[i]) - (x[j] < x[i]);
  // Tie groups: sizes of runs of equal values in sorted order.
  std::vector<double> sorted(x.begin(), x.end());
  std::sort(sorted.begin(), sorted.end());
  double tie_var = 0, tie_pairs = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && sorted[j] == sorted[i]) ++j;
    const double t = static_cast<double>(j - i);
    tie_var += t * (t - 1) * (2 * t + 5);
    tie_pairs += t * (t - 1) / 2;
    i = j;
  }
  const double nd = static_cast<double>(n);
  r.s = s;
  r.var_s = (nd * (nd - 1) * (2 * nd + 5) - tie_var) / 18.0;
  const double sd = std::sqrt(r.var_s);
  if (sd > 0) r.z = s > 0 ? (s - 1) / sd : (s < 0 ? (s + 1) / sd : 0.0);
  const double n0 = nd * (nd - 1) / 2;
  const double denom = std::sqrt(n0 * (n0 - tie_pairs));
  r.tau = denom > 0 ? s / denom : 0.0;
  r.p = sd > 0 ? two_sided_p(r.z) : 1.0;
  return r;
}

}  // namespace tryggve::hotspot
