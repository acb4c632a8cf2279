#pragma once
// Local indicators of spatial association on units (segments or lixels):
// Getis-Ord Gi / Gi* (Getis & Ord 1992; Ord & Getis 1995) and local Moran's I
// (Anselin 1995), with
//  - analytical z-scores computed exactly as spdep 1.2-7 does (localG, localmoran),
//  - conditional-permutation pseudo p-values: x_i stays at unit i and the values of
//    the other n - 1 units are drawn without replacement into i's neighbour slots
//    (PySAL esda, GeoDa; spdep's localG_perm draws with replacement and also permutes
//    the self slot of Gi*). Unit i draws from its own RNG stream Rng(seed, i), so the
//    results are identical at any thread count. Folded p as PySAL,
//    p = (min(larger, smaller) + 1) / (n_perm + 1), with larger = #{perm >= observed}
//    and smaller = #{perm <= observed}. PySAL and spdep take smaller = n_perm - larger,
//    which counts ties on one side only: with counts (many zeros) every unit whose
//    neighbourhood is empty would get p = 1 / (n_perm + 1), a spurious cold spot.
//    Counting ties on both sides is the conservative reading; without ties the two agree.
//  - Benjamini-Hochberg false-discovery-rate adjustment (not applied by PySAL; ArcGIS's
//    Optimized Hot Spot Analysis does) before classifying,
//  - hot/cold classes at 90/95/99% confidence (p <= 0.10 / 0.05 / 0.01), from the
//    analytical z or from the permutation p; LocalResult says which.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tryggve/core/rng.hpp"
#include "tryggve/hotspot/weights.hpp"

namespace tryggve::hotspot {

enum class Significance { Analytical, Permutation };
std::string_view to_string(Significance s);

struct LocalOptions {
  std::size_t permutations = 999;     // 0: analytical only
  std::uint64_t seed = default_seed();
  bool fdr = true;                    // classify on Benjamini-Hochberg adjusted p
  Significance classify_by = Significance::Permutation;  // Analytical when permutations == 0
  // Local Moran only: spdep's `conditional` (variance under conditional randomisation,
  // Sokal et al. 1998; spdep's default) or total randomisation (Anselin 1995).
  bool moran_conditional = true;
};

struct LocalStat {
  double value = 0;      // x_i
  double lag = 0;        // sum_j w_ij x_j (Moran: of the deviations z_j = x_j - mean)
  double statistic = 0;  // G_i (lag over sum of x, as spdep's internals) or I_i
  double expected = 0;   // E under the null (analytical)
  double variance = 0;   // Var under the null (analytical)
  double z = 0;          // (statistic - expected) / sqrt(variance): spdep's localG value / Z.Ii
  double p_norm = 0;     // two-sided normal p of z
  double p_sim = NAN;    // folded permutation pseudo p (NaN without permutations or neighbours)
  double z_sim = NAN;    // (statistic - mean of permuted) / sd of permuted
  double p_fdr = NAN;    // BH-adjusted p of whichever p classifies
  int confidence = 0;    // 0, 90, 95 or 99
  int hot_cold = 0;      // Gi*: +1 hot, -1 cold, 0 not significant
  int quadrant = 0;      // local Moran: 1 HH, 2 LH, 3 LL, 4 HL (PySAL's q); 0 not significant
};

struct LocalResult {
  std::vector<LocalStat> stats;
  bool star = false;                // Gi* (self in its own neighbourhood)
  Significance classified_by = Significance::Analytical;
  bool fdr = false;
  std::size_t permutations = 0;
  std::uint64_t seed = 0;
};

// "hot_99", "cold_95", "none" (Gi); "HH_99", "LL_90", "none" (Moran).
std::string class_label(const LocalStat& s, bool moran);

// Getis-Ord Gi* when `w.self_included`, Gi otherwise. Throws Error(BadOption) if the
// sizes differ, n < 3, or values are not finite.
LocalResult gi_star(const Weights& w, const std::vector<double>& values, const LocalOptions& opt = {});
// The same on weights read row by row (e.g. SpaceTimeRows, never stored whole):
// the same numbers as on the stored Weights of the same rows.
LocalResult gi_star(const WeightRows& w, const std::vector<double>& values, const LocalOptions& opt = {});
// Local Moran's I (spdep::localmoran, mlvar = TRUE). Weights must exclude self.
LocalResult local_moran(const Weights& w, const std::vector<double>& values, const LocalOptions& opt = {});

// Benjamini-Hochberg adjusted p-values (R's p.adjust(method = "BH")); NaN stays NaN
// and is not counted in m.
std::vector<double> benjamini_hochberg(const std::vector<double>& p);

// Two-sided normal p for a z-score.
double two_sided_p(double z);

// Conditional-permutation engine shared by the statistics: for each unit i, draws
// n_perm sets of card_i - [self] distinct other units and returns, per unit, the
// counts of permuted lags >= and <= the observed lag (of the non-self neighbours), and
// the mean and variance of the permuted lags. Exposed for tests and the bench.
struct PermutationCounts {
  std::vector<std::uint32_t> larger;   // #{perm lag >= observed lag}
  std::vector<std::uint32_t> smaller;  // #{perm lag <= observed lag}
  std::vector<double> mean, var;      // of the permuted lag (sample variance, n_perm - 1)
  std::vector<std::uint8_t> valid;    // 0 when unit i has no non-self neighbour
};
PermutationCounts conditional_permutations(const Weights& w, const std::vector<double>& x,
                                           std::size_t n_perm, std::uint64_t seed);
PermutationCounts conditional_permutations(const WeightRows& w, const std::vector<double>& x,
                                           std::size_t n_perm, std::uint64_t seed);

}  // namespace tryggve::hotspot
