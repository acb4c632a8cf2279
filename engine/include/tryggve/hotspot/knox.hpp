#pragma once
// Near-repeat analysis: the Knox test over bands of distance and time (Knox 1964;
// as in Ratcliffe's Near Repeat Calculator, Johnson & Bowers 2004). For every pair
// of events the distance (network or straight-line) and the time apart are put into
// a (space band, time band) cell; the expected count per cell comes from Monte-Carlo
// permutations of the event times over the events (which keeps both the spatial and
// the temporal distribution and breaks only their interaction).
//
// The permutations cost one step per close pair each, and the close pairs grow with
// the square of the density. The count in a cell is a Mantel statistic (Mantel 1967):
// Σ a_ij b_ij over pairs, a_ij = "i and j are in this distance band", b_ij = "their
// times are in this time band". Its mean and variance over all n! permutations have a
// closed form in the row sums of a and b, so KnoxMethod::Moments gives the exact
// permutation mean as the expected count (no Monte-Carlo error) and the p-value from a
// negative binomial (a binomial where the count is under-dispersed) with the
// permutations' exact mean and variance, in one pass over the pairs instead of one per
// permutation.
#include <cstdint>
#include <string>
#include <vector>

#include "tryggve/core/geometry.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/network/network.hpp"

namespace tryggve::hotspot {

enum class KnoxMethod {
  Permutation,  // expected and p-values from `permutations` shuffles of the times
  Moments,      // exact permutation mean and variance; p-values from a count distribution with both (knox.cpp)
};

// The method's name in options and files: "permutation" | "moments"; any other name
// reads as Permutation (the options' choices have checked it by then).
const char* knox_method_name(KnoxMethod m);
KnoxMethod knox_method_named(const std::string& name);

struct KnoxOptions {
  // Upper edges of the bands, ascending: band 0 is [0, e0], band k is (e(k-1), e(k)].
  // Pairs beyond the last edge of either are not counted.
  std::vector<double> space_bands_m{100, 200, 300, 400, 500};
  std::vector<double> time_bands_days{7, 14, 21, 28, 35};
  KnoxMethod method = KnoxMethod::Permutation;
  std::size_t permutations = 999;  // Permutation only; 0: observed counts alone
  std::uint64_t seed = default_seed();  // permutation p draws from Rng(seed, p)
  // A pooled test of one region fixed in advance, "within near_m and near_days"
  // (0: the first band of each): one p-value for "are there near repeats at all",
  // with no multiple testing over the table's cells. Rounded up to band edges.
  double near_m = 0.0, near_days = 0.0;
};

struct KnoxResult {
  std::vector<double> space_bands_m, time_bands_days;
  std::size_t events = 0;
  std::size_t close_pairs = 0;  // pairs within the last space band
  KnoxMethod method = KnoxMethod::Permutation;
  std::size_t permutations = 0;  // 0 under Moments
  // Row-major [space band][time band]. `variance` is the count's variance over the
  // permutations (exact under Moments, the sample variance under Permutation).
  std::vector<double> observed, expected, variance, ratio, p_value;
  // The pooled near region (KnoxOptions::near_m, near_days): bands [0, near_space_bands) x
  // [0, near_time_bands), its pairs observed and expected, and its one-sided p-value.
  std::size_t near_space_bands = 1, near_time_bands = 1;
  double near_observed = 0, near_expected = 0, near_variance = NAN, near_p_value = NAN;
  double at(const std::vector<double>& v, std::size_t s, std::size_t t) const { return v[s * time_bands_days.size() + t]; }
  // Observed / expected in the closest, shortest cell: what the simulation's
  // near-repeat model is calibrated on.
  double first_cell_ratio() const { return ratio.empty() ? NAN : ratio[0]; }
};

// Distances along the network between the events' positions (unsnapped events,
// edge == kNoEdge, are an error: filter them first). `times_days` are event times in
// days (any origin).
KnoxResult knox_network(const network::Network& net, const std::vector<network::NetworkPosition>& positions,
                        const std::vector<double>& times_days, const KnoxOptions& opt = {});
// Any distance (the simulation's cell network, say): the pairs i < j at most the
// last space edge apart, with their distance.
struct KnoxPair {
  std::uint32_t i, j;
  double distance_m;
};
KnoxResult knox_pairs(const std::vector<KnoxPair>& pairs, const std::vector<double>& times_days,
                      const KnoxOptions& opt = {});
// Events at sites (the simulation's cells, say) whose distances are from site to
// site: each site's neighbours with their distances, a site's own list holding the
// site itself (at distance 0, or its events pair with none at their own site). Two
// sites are as far apart as the smaller of the distances their lists give (one list
// is enough). Under Moments the counts need only the events per site and the pairs
// within the last time edge: the pairs close in space but far apart in time, most of
// them over a long history, are never listed (issue 11: listing them was half of the
// fits' time in a month of 5,000 reports). The same result as knox_pairs given every
// close pair at those distances; under Permutation it lists them and is knox_pairs.
struct KnoxSites {
  std::vector<std::uint32_t> site_of_event;  // event k's site
  std::vector<std::size_t> first;            // site c's neighbours: [first[c], first[c + 1])
  std::vector<std::uint32_t> neighbour;      // a neighbour site
  std::vector<double> distance_m;            // and its distance from c
};
KnoxResult knox_sites(const KnoxSites& sites, const std::vector<double>& times_days, const KnoxOptions& opt = {});
// Straight-line distances.
KnoxResult knox_euclidean(const std::vector<Point>& points, const std::vector<double>& times_days,
                          const KnoxOptions& opt = {});

}  // namespace tryggve::hotspot
