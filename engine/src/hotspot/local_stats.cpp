#include "tryggve/hotspot/local_stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/hotspot_classes.hpp"

namespace tryggve::hotspot {

namespace {

void check_inputs(std::size_t units, const std::vector<double>& x, const char* what) {
  if (units != x.size())
    throw Error(ErrorCode::BadOption, what,
                fmt::format("{} values for {} units in the weights", x.size(), units));
  if (x.size() < 3) throw Error(ErrorCode::NoData, what, fmt::format("needs at least 3 units, got {}", x.size()));
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i]))
      throw Error(ErrorCode::BadValue, fmt::format("{} unit {}", what, i), "value is not finite");
}

int confidence_of(double p) {
  if (!(p <= 0.10)) return 0;  // NaN too
  if (p <= 0.01) return 99;
  if (p <= 0.05) return 95;
  return 90;
}

// p-values, FDR, confidence; the caller sets the direction (hot/cold, quadrant).
void classify(LocalResult& r, const LocalOptions& opt) {
  r.classified_by = (opt.classify_by == Significance::Permutation && opt.permutations > 0)
                        ? Significance::Permutation
                        : Significance::Analytical;
  r.fdr = opt.fdr;
  r.permutations = opt.permutations;
  r.seed = opt.seed;
  std::vector<double> p(r.stats.size());
  for (std::size_t i = 0; i < p.size(); ++i)
    p[i] = r.classified_by == Significance::Permutation ? r.stats[i].p_sim : r.stats[i].p_norm;
  const std::vector<double> adj = benjamini_hochberg(p);
  for (std::size_t i = 0; i < p.size(); ++i) {
    r.stats[i].p_fdr = adj[i];
    r.stats[i].confidence = confidence_of(opt.fdr ? adj[i] : p[i]);
  }
}

double folded_p(std::uint32_t larger, std::uint32_t smaller, std::size_t n_perm) {
  return (static_cast<double>(std::min(larger, smaller)) + 1.0) / (static_cast<double>(n_perm) + 1.0);
}

}  // namespace

std::string_view to_string(Significance s) { return s == Significance::Analytical ? "analytical" : "permutation"; }

double two_sided_p(double z) { return std::erfc(std::abs(z) / std::sqrt(2.0)); }

std::vector<double> benjamini_hochberg(const std::vector<double>& p) {
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < p.size(); ++i)
    if (!std::isnan(p[i])) idx.push_back(i);
  std::vector<double> out(p.size(), NAN);
  const double m = static_cast<double>(idx.size());
  // Largest p first; the running minimum of p * m / rank enforces monotonicity (R's p.adjust).
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
  double run = 1.0;
  for (std::size_t k = 0; k < idx.size(); ++k) {
    const double rank = m - static_cast<double>(k);
    run = std::min(run, p[idx[k]] * m / rank);
    out[idx[k]] = std::min(1.0, run);
  }
  return out;
}

std::string class_label(const LocalStat& s, bool moran) {
  if (s.confidence == 0) return "none";
  if (moran) {
    static constexpr const char* q[] = {"none", "HH", "LH", "LL", "HL"};
    if (s.quadrant == 0) return "none";
    return fmt::format("{}_{}", q[s.quadrant], s.confidence);
  }
  return std::string(hotspot_classes::gistar_code(s.hot_cold, s.confidence));
}

LocalResult gi_star(const Weights& w, const std::vector<double>& x, const LocalOptions& opt) {
  return gi_star(StoredRows(w), x, opt);
}

LocalResult gi_star(const WeightRows& w, const std::vector<double>& x, const LocalOptions& opt) {
  check_inputs(w.size(), x, "gi_star");
  const std::size_t n = x.size();
  const double nd = static_cast<double>(n);
  const bool star = w.self_included();
  double sum = 0, sum2 = 0;
  for (double v : x) { sum += v; sum2 += v * v; }
  const double mean = sum / nd;
  double ss = 0;
  for (double v : x) ss += (v - mean) * (v - mean);

  LocalResult r;
  r.star = star;
  r.stats.resize(n);
  WeightRows::Row row;
  for (std::size_t i = 0; i < n; ++i) {
    w.row(i, row);
    const auto nb = row.neighbours;
    const auto wt = row.weights;
    double lag = 0, wi = 0, s1 = 0;
    for (std::size_t k = 0; k < nb.size(); ++k) { lag += wt[k] * x[nb[k]]; wi += wt[k]; s1 += wt[k] * wt[k]; }
    // Moments of the values that can occupy i's neighbourhood: all n (Gi*) or the
    // other n - 1 (Gi), as spdep::localG.
    double xbar, s2, vg, denom;
    if (star) {
      xbar = mean;
      s2 = ss / nd;
      vg = s2 * ((nd * s1 - wi * wi) / (nd - 1.0));
      denom = sum;
    } else {
      xbar = (sum - x[i]) / (nd - 1.0);
      s2 = (sum2 - x[i] * x[i]) / (nd - 1.0) - xbar * xbar;
      vg = s2 * (((nd - 1.0) * s1 - wi * wi) / (nd - 2.0));
      denom = sum - x[i];
    }
    const double eg = wi * xbar;
    LocalStat& s = r.stats[i];
    s.value = x[i];
    s.lag = lag;
    s.z = (lag - eg) / std::sqrt(vg);
    s.statistic = lag / denom;
    s.expected = eg / denom;
    s.variance = vg / (denom * denom);
    s.p_norm = two_sided_p(s.z);
  }
  if (opt.permutations > 0) {
    const PermutationCounts pc = conditional_permutations(w, x, opt.permutations, opt.seed);
    for (std::size_t i = 0; i < n; ++i) {
      if (!pc.valid[i]) continue;
      LocalStat& s = r.stats[i];
      // The self term is constant under the permutation, so G differs from the
      // permuted lag of the others by a shift and a scale.
      double self_term = 0;
      w.row(i, row);
      const auto nb = row.neighbours;
      const auto wt = row.weights;
      for (std::size_t k = 0; k < nb.size(); ++k)
        if (nb[k] == i) self_term += wt[k] * x[i];
      const double denom = star ? sum : sum - x[i];
      const double mean_g = (self_term + pc.mean[i]) / denom;
      const double sd_g = std::sqrt(pc.var[i]) / std::abs(denom);
      s.p_sim = folded_p(pc.larger[i], pc.smaller[i], opt.permutations);
      s.z_sim = sd_g > 0 ? (s.statistic - mean_g) / sd_g : NAN;
    }
  }
  classify(r, opt);
  for (auto& s : r.stats) {
    if (s.confidence == 0) continue;
    const double dir = r.classified_by == Significance::Permutation && !std::isnan(s.z_sim) ? s.z_sim : s.z;
    s.hot_cold = dir > 0 ? 1 : (dir < 0 ? -1 : 0);
    if (s.hot_cold == 0) s.confidence = 0;
  }
  return r;
}

LocalResult local_moran(const Weights& w, const std::vector<double>& x, const LocalOptions& opt) {
  check_inputs(w.size(), x, "local_moran");
  if (w.self_included)
    throw Error(ErrorCode::BadOption, "local_moran", "weights include self; local Moran's I needs them excluded");
  const std::size_t n = x.size();
  const double nd = static_cast<double>(n);
  double mean = 0;
  for (double v : x) mean += v;
  mean /= nd;
  std::vector<double> z(n);
  double m2 = 0, m4 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    z[i] = x[i] - mean;
    m2 += z[i] * z[i];
    m4 += z[i] * z[i] * z[i] * z[i];
  }
  m2 /= nd;  // spdep's s2 with mlvar = TRUE, also its m2
  m4 /= nd;
  const double b2 = m4 / (m2 * m2);
  const double A = (nd - b2) / (nd - 1.0);
  const double B = (2.0 * b2 - nd) / ((nd - 1.0) * (nd - 2.0));

  LocalResult r;
  r.stats.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto nb = w.neighbours_of(i);
    const auto wt = w.weights_of(i);
    double lz = 0, wi = 0, wi2 = 0;
    for (std::size_t k = 0; k < nb.size(); ++k) { lz += wt[k] * z[nb[k]]; wi += wt[k]; wi2 += wt[k] * wt[k]; }
    LocalStat& s = r.stats[i];
    s.value = x[i];
    s.lag = lz;
    s.statistic = (z[i] / m2) * lz;
    if (opt.moran_conditional) {
      s.expected = -(z[i] * z[i] * wi) / ((nd - 1.0) * m2);
      s.variance = (z[i] / m2) * (z[i] / m2) * (nd / (nd - 2.0)) * (wi2 - wi * wi / (nd - 1.0)) *
                   (m2 - z[i] * z[i] / (nd - 1.0));
    } else {
      s.expected = -wi / (nd - 1.0);
      s.variance = A * wi2 + B * (wi * wi - wi2) - s.expected * s.expected;
    }
    s.z = (s.statistic - s.expected) / std::sqrt(s.variance);
    s.p_norm = two_sided_p(s.z);
  }
  if (opt.permutations > 0) {
    const PermutationCounts pc = conditional_permutations(w, z, opt.permutations, opt.seed);
    for (std::size_t i = 0; i < n; ++i) {
      if (!pc.valid[i]) continue;
      LocalStat& s = r.stats[i];
      const double scale = z[i] / m2;  // I = scale * lag: the folded p is the same either way round
      s.p_sim = folded_p(pc.larger[i], pc.smaller[i], opt.permutations);
      const double sd = std::abs(scale) * std::sqrt(pc.var[i]);
      s.z_sim = sd > 0 ? (s.statistic - scale * pc.mean[i]) / sd : NAN;
    }
  }
  classify(r, opt);
  for (std::size_t i = 0; i < n; ++i) {
    LocalStat& s = r.stats[i];
    if (s.confidence == 0) continue;
    if (z[i] > 0) s.quadrant = s.lag > 0 ? 1 : 4;
    else if (z[i] < 0) s.quadrant = s.lag > 0 ? 2 : 3;
    if (s.quadrant == 0 || s.lag == 0) { s.quadrant = 0; s.confidence = 0; }
  }
  return r;
}

}  // namespace tryggve::hotspot
