#include <algorithm>
#include <cmath>
#include <numeric>

#include "tryggve/core/parallel.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/hotspot/local_stats.hpp"

namespace tryggve::hotspot {

PermutationCounts conditional_permutations(const Weights& w, const std::vector<double>& x, std::size_t n_perm,
                                           std::uint64_t seed) {
  return conditional_permutations(StoredRows(w), x, n_perm, seed);
}

PermutationCounts conditional_permutations(const WeightRows& w, const std::vector<double>& x, std::size_t n_perm,
                                           std::uint64_t seed) {
  const std::size_t n = w.size();
  PermutationCounts out;
  out.larger.assign(n, 0);
  out.smaller.assign(n, 0);
  out.mean.assign(n, NAN);
  out.var.assign(n, NAN);
  out.valid.assign(n, 0);
  if (n < 2 || n_perm == 0) return out;
  double max_abs = 0;
  for (double v : x) max_abs = std::max(max_abs, std::abs(v));

  // The pool for partial Fisher-Yates draws (large neighbourhoods): identity, put
  // back after every draw so each permutation starts from the same state, which
  // keeps the draws a function of (seed, unit) alone.
  PerThread<std::vector<UnitId>> pools;
  struct Slots { std::vector<UnitId> picked; std::vector<double> wk; WeightRows::Row row; };
  PerThread<Slots> slots;

  parallel_for(IndexRange<std::size_t>(0, n, 32), [&](const auto& range) {
    Slots& sl = slots.local();
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      w.row(i, sl.row);
      const auto nb = sl.row.neighbours;
      const auto wt = sl.row.weights;
      sl.wk.clear();
      double observed = 0, wabs = 0;
      for (std::size_t m = 0; m < nb.size(); ++m) {
        if (nb[m] == i) continue;  // x_i stays with unit i: its term is a constant
        sl.wk.push_back(wt[m]);
        observed += wt[m] * x[nb[m]];
        wabs += std::abs(wt[m]);
      }
      const std::size_t k = sl.wk.size();
      if (k == 0) continue;
      // Ties: permuted sums of the same numbers in another order can differ in the
      // last bits; treat anything that close as equal.
      const double tol = 1e-10 * wabs * max_abs;
      Rng rng(seed, i);
      sl.picked.resize(k);
      const std::uint64_t others = n - 1;
      const bool rejection = k <= 32 && 4 * k <= others;
      std::vector<UnitId>* pool = nullptr;
      if (!rejection) {
        pool = &pools.local();
        if (pool->size() != n) { pool->resize(n); std::iota(pool->begin(), pool->end(), UnitId{0}); }
        std::swap((*pool)[i], (*pool)[n - 1]);  // unit i out of reach: draw from the first n - 1
      }
      std::uint32_t ge = 0, le = 0;
      double mean = 0, m2 = 0;
      for (std::size_t p = 0; p < n_perm; ++p) {
        double lag = 0;
        if (rejection) {
          for (std::size_t m = 0; m < k; ++m) {
            UnitId r;
            bool dup;
            do {
              r = static_cast<UnitId>(rng.below(others));
              if (r >= i) ++r;
              dup = false;
              for (std::size_t q = 0; q < m; ++q) dup |= sl.picked[q] == r;
            } while (dup);
            sl.picked[m] = r;
            lag += sl.wk[m] * x[r];
          }
        } else {
          auto& pl = *pool;
          for (std::size_t m = 0; m < k; ++m) {
            const std::size_t r = m + rng.below(others - m);
            std::swap(pl[m], pl[r]);
            sl.picked[m] = static_cast<UnitId>(r);  // remember the swap to undo it
            lag += sl.wk[m] * x[pl[m]];
          }
          for (std::size_t m = k; m-- > 0;) std::swap(pl[m], pl[sl.picked[m]]);
        }
        ge += lag >= observed - tol;
        le += lag <= observed + tol;
        // Welford: stable mean and variance in one pass.
        const double d = lag - mean;
        mean += d / static_cast<double>(p + 1);
        m2 += d * (lag - mean);
      }
      if (pool) std::swap((*pool)[i], (*pool)[n - 1]);
      out.larger[i] = ge;
      out.smaller[i] = le;
      out.mean[i] = mean;
      out.var[i] = n_perm > 1 ? m2 / static_cast<double>(n_perm - 1) : 0.0;
      out.valid[i] = 1;
    }
  });
  return out;
}

}  // namespace tryggve::hotspot
