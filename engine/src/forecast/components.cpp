#include "tryggve/forecast/components.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/parallel.hpp"

namespace tryggve::forecast {

using simulation::CellId;
using simulation::CellNetwork;
using simulation::Neighbour;

CellNetwork units_from_points(std::span<const Point> centres, std::vector<double> measure, double cutoff_m) {
  if (!(cutoff_m > 0)) throw Error(ErrorCode::BadOption, "forecast units", "neighbour cutoff_m must be > 0");
  if (centres.size() != measure.size())
    throw Error(ErrorCode::BadOption, "forecast units",
                fmt::format("{} centres but {} measures", centres.size(), measure.size()));
  // Buckets of cutoff_m: a unit's neighbours are in its own and the 8 around it.
  auto key = [&](Point p) {
    const auto bx = static_cast<std::int64_t>(std::floor(p.x / cutoff_m));
    const auto by = static_cast<std::int64_t>(std::floor(p.y / cutoff_m));
    return std::make_pair(bx, by);
  };
  struct Hash {
    std::size_t operator()(const std::pair<std::int64_t, std::int64_t>& k) const {
      return std::hash<std::int64_t>()(k.first * 73856093LL ^ k.second * 19349663LL);
    }
  };
  std::unordered_map<std::pair<std::int64_t, std::int64_t>, std::vector<CellId>, Hash> buckets;
  for (std::size_t i = 0; i < centres.size(); ++i) {
    if (!std::isfinite(centres[i].x) || !std::isfinite(centres[i].y))
      throw Error(ErrorCode::BadOption, fmt::format("forecast units: unit {}", i), "centre is not a finite point");
    buckets[key(centres[i])].push_back(static_cast<CellId>(i));
  }
  std::vector<std::vector<Neighbour>> lists(centres.size());
  parallel_for(IndexRange<std::size_t>(0, centres.size(), 1024), [&](const auto& r) {
    for (std::size_t i = r.begin(); i != r.end(); ++i) {
      const auto [bx, by] = key(centres[i]);
      for (std::int64_t dx = -1; dx <= 1; ++dx)
        for (std::int64_t dy = -1; dy <= 1; ++dy) {
          const auto it = buckets.find({bx + dx, by + dy});
          if (it == buckets.end()) continue;
          for (const CellId j : it->second) {
            const double d = j == i ? 0.0 : distance(centres[i], centres[j]);
            if (d <= cutoff_m) lists[i].push_back({j, static_cast<float>(d)});
          }
        }
    }
  });
  return CellNetwork(std::move(measure), std::move(lists), cutoff_m);
}

std::vector<double> smooth(const CellNetwork& units, std::span<const double> values, double b) {
  const std::size_t n = units.size();
  if (values.size() != n)
    throw Error(ErrorCode::BadValue, "forecast smoothing", fmt::format("{} values for {} units", values.size(), n));
  if (!(b > 0)) return {values.begin(), values.end()};
  // Scattered from the units that have a value (most have none), serially: a fixed
  // order of the sums at any thread count.
  const double inv = 1.0 / (2.0 * b * b);
  std::vector<double> out(n, 0.0), k;
  for (std::size_t v = 0; v < n; ++v) {
    if (values[v] == 0) continue;
    const auto nb = units.neighbours(static_cast<CellId>(v));
    k.resize(nb.size());
    double z = 0;
    for (std::size_t i = 0; i < nb.size(); ++i) {
      const double d = nb[i].distance_m;
      k[i] = std::exp(-d * d * inv) * units.length(nb[i].cell);
      z += k[i];
    }
    const double f = values[v] / z;
    for (std::size_t i = 0; i < nb.size(); ++i) out[nb[i].cell] += f * k[i];
  }
  return out;
}

std::vector<double> to_shares(std::vector<double> v) {
  double s = 0;
  for (const double x : v) s += x;
  if (s > 0)
    for (double& x : v) x /= s;
  return v;
}

namespace {

// Solves A x = b (A symmetric, small) by Gaussian elimination with partial pivoting.
std::vector<double> solve(std::vector<double> A, std::vector<double> b) {
  const std::size_t p = b.size();
  for (std::size_t c = 0; c < p; ++c) {
    std::size_t piv = c;
    for (std::size_t r = c + 1; r < p; ++r)
      if (std::abs(A[r * p + c]) > std::abs(A[piv * p + c])) piv = r;
    if (piv != c) {
      for (std::size_t k = 0; k < p; ++k) std::swap(A[c * p + k], A[piv * p + k]);
      std::swap(b[c], b[piv]);
    }
    const double d = A[c * p + c];
    if (std::abs(d) < 1e-300) return std::vector<double>(p, 0.0);
    for (std::size_t r = c + 1; r < p; ++r) {
      const double f = A[r * p + c] / d;
      for (std::size_t k = c; k < p; ++k) A[r * p + k] -= f * A[c * p + k];
      b[r] -= f * b[c];
    }
  }
  std::vector<double> x(p, 0.0);
  for (std::size_t c = p; c-- > 0;) {
    double s = b[c];
    for (std::size_t k = c + 1; k < p; ++k) s -= A[c * p + k] * x[k];
    x[c] = s / A[c * p + c];
  }
  return x;
}

// Standardised covariate value of unit u in a month with dark share `dark`.
double covariate_value(const Covariate& c, std::size_t u, double mean, double sd, double dark) {
  const double x = c.values[u] * (c.times_darkness ? dark : 1.0);
  return sd > 0 ? (x - mean) / sd : 0.0;
}

}  // namespace

std::vector<double> TerrainModel::shares(const std::vector<Covariate>& cov, std::span<const double> measure,
                                         double dark) const {
  const std::size_t n = measure.size();
  std::vector<double> eta(n, 0.0);
  for (std::size_t j = 0; j < beta.size(); ++j)
    for (std::size_t u = 0; u < n; ++u) eta[u] += beta[j] * covariate_value(cov[j], u, mean[j], sd[j], dark);
  const double top = eta.empty() ? 0.0 : *std::max_element(eta.begin(), eta.end());
  std::vector<double> out(n);
  for (std::size_t u = 0; u < n; ++u) out[u] = measure[u] * std::exp(eta[u] - top);
  return to_shares(std::move(out));
}

TerrainModel fit_terrain(const History& h, const std::vector<Covariate>& cov, std::span<const double> measure,
                         int from, int to, const std::function<double(int)>& dark_share, double ridge) {
  const std::size_t n = measure.size(), p = cov.size();
  TerrainModel tm;
  for (const auto& c : cov) {
    if (c.values.size() != n)
      throw Error(ErrorCode::BadValue, "forecast covariate " + c.name,
                  fmt::format("{} values for {} units", c.values.size(), n));
    for (std::size_t u = 0; u < n; ++u)
      if (!std::isfinite(c.values[u]))
        throw Error(ErrorCode::BadValue, fmt::format("forecast covariate {}: unit {}", c.name, u), "value is not finite");
    tm.names.push_back(c.name);
  }
  std::vector<int> months;
  for (int m = from; m <= to; ++m)
    if (h.total(m) > 0) months.push_back(m);
  tm.converged = true;
  if (p == 0 || months.empty()) return tm;

  // Standardise each covariate over the units (measure-weighted), at the months' mean dark share.
  double dark_mean = 0;
  for (int m : months) dark_mean += dark_share(m);
  dark_mean /= static_cast<double>(months.size());
  const double M = std::accumulate(measure.begin(), measure.end(), 0.0);
  tm.mean.assign(p, 0.0);
  tm.sd.assign(p, 0.0);
  for (std::size_t j = 0; j < p; ++j) {
    double s = 0, s2 = 0;
    for (std::size_t u = 0; u < n; ++u) {
      const double x = cov[j].values[u] * (cov[j].times_darkness ? dark_mean : 1.0);
      s += measure[u] * x;
      s2 += measure[u] * x * x;
    }
    tm.mean[j] = s / M;
    tm.sd[j] = std::sqrt(std::max(0.0, s2 / M - tm.mean[j] * tm.mean[j]));
  }
  tm.beta.assign(p, 0.0);

  // Per month: the observed sums Σ_u y x (sufficient statistics) and Y.
  struct MonthData {
    double dark = 0, total = 0;
    std::vector<double> yx;
  };
  std::vector<MonthData> md;
  for (int m : months) {
    MonthData d;
    d.dark = dark_share(m);
    d.yx.assign(p, 0.0);
    const auto y = h.counts(m);
    for (std::size_t u = 0; u < n; ++u) {
      if (y[u] == 0) continue;
      d.total += y[u];
      for (std::size_t j = 0; j < p; ++j) d.yx[j] += y[u] * covariate_value(cov[j], u, tm.mean[j], tm.sd[j], d.dark);
    }
    md.push_back(std::move(d));
  }
  // Penalised multinomial log-likelihood (up to a constant), its gradient and Hessian.
  auto evaluate = [&](const std::vector<double>& beta, std::vector<double>* g, std::vector<double>* H) {
    double ll = 0;
    if (g) g->assign(p, 0.0);
    if (H) H->assign(p * p, 0.0);
    std::vector<double> x(p), ex(p), exx(p * p);
    for (std::size_t k = 0; k < md.size(); ++k) {
      const auto& d = md[k];
      const auto y = h.counts(months[k]);
      // log Σ_u measure e^{η} with a shift for range.
      std::vector<double> eta(n, 0.0);
      double top = -INFINITY;
      for (std::size_t u = 0; u < n; ++u) {
        double e = 0;
        for (std::size_t j = 0; j < p; ++j) e += beta[j] * covariate_value(cov[j], u, tm.mean[j], tm.sd[j], d.dark);
        eta[u] = e;
        top = std::max(top, e);
      }
      double zsum = 0;
      std::fill(ex.begin(), ex.end(), 0.0);
      std::fill(exx.begin(), exx.end(), 0.0);
      for (std::size_t u = 0; u < n; ++u) {
        const double w = measure[u] * std::exp(eta[u] - top);
        zsum += w;
        if (!g) continue;
        for (std::size_t j = 0; j < p; ++j) x[j] = covariate_value(cov[j], u, tm.mean[j], tm.sd[j], d.dark);
        for (std::size_t j = 0; j < p; ++j) {
          ex[j] += w * x[j];
          if (H)
            for (std::size_t l = 0; l <= j; ++l) exx[j * p + l] += w * x[j] * x[l];
        }
      }
      const double logz = top + std::log(zsum);
      for (std::size_t u = 0; u < n; ++u)
        if (y[u] > 0) ll += y[u] * (std::log(measure[u]) + eta[u] - logz);
      if (g)
        for (std::size_t j = 0; j < p; ++j) (*g)[j] += d.yx[j] - d.total * ex[j] / zsum;
      if (H)
        for (std::size_t j = 0; j < p; ++j)
          for (std::size_t l = 0; l <= j; ++l) {
            const double c = exx[j * p + l] / zsum - (ex[j] / zsum) * (ex[l] / zsum);
            (*H)[j * p + l] -= d.total * c;
            if (l != j) (*H)[l * p + j] -= d.total * c;
          }
    }
    for (std::size_t j = 0; j < p; ++j) {
      ll -= ridge * beta[j] * beta[j];
      if (g) (*g)[j] -= 2 * ridge * beta[j];
      if (H) (*H)[j * p + j] -= 2 * ridge;
    }
    return ll;
  };
  std::vector<double> g, H;
  double ll = evaluate(tm.beta, &g, &H);
  tm.converged = false;
  for (int it = 1; it <= 100; ++it) {
    tm.iterations = it;
    std::vector<double> neg(p * p);
    for (std::size_t k = 0; k < p * p; ++k) neg[k] = -H[k];
    const auto step = solve(neg, g);  // Newton: β + (−H)⁻¹ g
    double scale = 1.0, next = -INFINITY;
    std::vector<double> trial(p);
    for (int half = 0; half < 30; ++half, scale *= 0.5) {
      for (std::size_t j = 0; j < p; ++j) trial[j] = tm.beta[j] + scale * step[j];
      next = evaluate(trial, nullptr, nullptr);
      if (next >= ll) break;
    }
    if (!(next >= ll)) {
      tm.converged = true;  // no ascent direction left at machine precision
      break;
    }
    const double change = next - ll;
    tm.beta = trial;
    ll = evaluate(tm.beta, &g, &H);
    if (change <= 1e-10 * std::abs(ll)) {
      tm.converged = true;
      break;
    }
  }
  tm.log_likelihood = ll;
  return tm;
}

}  // namespace tryggve::forecast
