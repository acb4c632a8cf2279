#include "tryggve/hotspot/knox.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/negative_binomial.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/parallel.hpp"
#include "tryggve/network/distance.hpp"

namespace tryggve::hotspot {

namespace {

struct ClosePair {
  std::uint32_t i, j;
  std::uint32_t space_band;
};

void check_bands(const std::vector<double>& b, const char* name) {
  if (b.empty()) throw Error(ErrorCode::BadOption, std::string("knox.") + name, "needs at least one band");
  for (std::size_t k = 0; k < b.size(); ++k)
    if (!(b[k] >= 0) || !std::isfinite(b[k]) || (k > 0 && !(b[k] > b[k - 1])))
      throw Error(ErrorCode::BadOption, std::string("knox.") + name,
                  fmt::format("band edges must be finite, >= 0 and strictly ascending (edge {} is {})", k, b[k]));
}

// Band of a value: 0 for [0, e0], k for (e(k-1), e(k)]; size() when beyond the last.
inline std::size_t band_of(const std::vector<double>& edges, double v) {
  return static_cast<std::size_t>(std::lower_bound(edges.begin(), edges.end(), v) - edges.begin());
}

void check_times(const std::vector<double>& t, std::size_t n) {
  if (t.size() != n) throw Error(ErrorCode::BadOption, "knox", fmt::format("{} times for {} events", t.size(), n));
  for (std::size_t k = 0; k < n; ++k)
    if (!std::isfinite(t[k])) throw Error(ErrorCode::BadTime, fmt::format("knox event {}", k), "time is not finite");
}

// The mean and variance of a Mantel statistic Z = Σ_{i<j} a_ij b_ij over the n!
// relabellings of b, for symmetric 0/1 matrices given by their pair counts
// (pa = Σ_{i<j} a_ij) and their sums of squared row sums (ra = Σ_i a_i.²). In
// ordered pairs (Z' = 2Z), S0 = S1 = 2 pa and S2 = ra, and grouping the products of
// two ordered pairs by how many events they share (both, one, none) gives
//   E Z'  = S0 T0 / n(2),
//   E Z'² = 2 S1 T1 / n(2) + 4 (S2 − S1)(T2 − T1) / n(3) + (S0² − 4 S2 + 2 S1)(T0² − 4 T2 + 2 T1) / n(4),
// n(k) the falling factorial (Mantel 1967; Hubert's quadratic assignment). The
// terms are long doubles: the variance is a difference of numbers near 10^14.
struct Moments {
  double mean = 0, variance = 0;
};
Moments mantel_moments(std::size_t n, long double pa, long double ra, long double pb, long double rb) {
  if (n < 2) return {};
  const long double m = static_cast<long double>(n);
  const long double n2 = m * (m - 1), n3 = n2 * (m - 2), n4 = n3 * (m - 3);
  const long double s0 = 2 * pa, s1 = s0, s2 = ra, t0 = 2 * pb, t1 = t0, t2 = rb;
  const long double mean2 = s0 * t0 / n2;
  long double sq = 2 * s1 * t1 / n2;
  if (n3 > 0) sq += 4 * (s2 - s1) * (t2 - t1) / n3;  // no two pairs share one event when n < 3
  if (n4 > 0) sq += (s0 * s0 - 4 * s2 + 2 * s1) * (t0 * t0 - 4 * t2 + 2 * t1) / n4;
  const long double var2 = std::max<long double>(0, sq - mean2 * mean2);
  return {static_cast<double>(mean2 / 2), static_cast<double>(var2 / 4)};
}

// P(X >= observed) for a count with this permutation mean and variance: a negative
// binomial with both where the count is over-dispersed (pairs that share an event),
// a binomial with both where it is under-dispersed (a band most pairs fall in; the
// Poisson beyond the binomial's largest count, which the permutations can still
// reach), a Poisson between, and none where every permutation gives the same count.
// Knox's counts are skewed where few pairs are close, so the normal curve Mantel
// used would overstate the evidence there. Against 1,999 permutations (knox_test.cpp)
// the p-values agree within 0.05 + a quarter of the permutation p.
double upper_tail(double observed, const Moments& m) {
  using namespace boost::math;
  using Quiet = policies::policy<policies::domain_error<policies::ignore_error>,
                                 policies::overflow_error<policies::ignore_error>,
                                 policies::evaluation_error<policies::ignore_error>>;
  const double k = std::round(observed);
  if (k <= 0 || !(m.mean > 0)) return 1.0;
  if (m.variance <= 1e-9 * std::max(1.0, m.mean * m.mean)) return k <= m.mean + 0.5 ? 1.0 : 0.0;  // a constant count
  double p;
  if (m.variance > m.mean * (1 + 1e-9))
    p = cdf(complement(negative_binomial_distribution<double, Quiet>(m.mean * m.mean / (m.variance - m.mean),
                                                                     m.mean / m.variance),
                       k - 1));
  else if (m.variance < m.mean * (1 - 1e-9) && k - 1 <= m.mean / (1 - m.variance / m.mean)) {
    const double q = 1 - m.variance / m.mean;  // a binomial with both: n q = mean, n q (1 - q) = variance
    p = cdf(complement(binomial_distribution<double, Quiet>(m.mean / q, q), k - 1));
  } else
    p = cdf(complement(poisson_distribution<double, Quiet>(m.mean), k - 1));
  return std::isfinite(p) ? std::clamp(p, 0.0, 1.0) : 1.0;
}

// The space side of the moments: per distance band the close pairs (pa) and the sum
// of every event's squared count of close pairs (ra), and the same for the pooled near
// region's bands.
struct SpaceMoments {
  std::vector<long double> pa, ra;
  long double pa_near = 0, ra_near = 0;
  explicit SpaceMoments(std::size_t S) : pa(S, 0), ra(S, 0) {}
  // One event's close pairs per band (knox_sites). Every term is a whole or half count,
  // exact in a long double, so the sums are the same bits in any order: from the pairs
  // (space_moments) or from the sites.
  template <class BandCount>
  void add_event(std::size_t S, std::size_t near_space_bands, BandCount&& x_of) {
    long double near = 0;
    for (std::size_t s = 0; s < S; ++s) {
      const long double x = x_of(s);
      pa[s] += x / 2;
      ra[s] += x * x;
      if (s < near_space_bands) near += x;
    }
    pa_near += near / 2;
    ra_near += near * near;
  }
};

// From the close pairs grouped by their first event: each event's close pairs per band,
// a few bands at a time (at most 2^24 counts held).
SpaceMoments space_moments(const std::vector<std::size_t>& group, const std::vector<std::uint32_t>& other,
                           const std::vector<std::uint16_t>& base_band, std::size_t n, std::size_t S,
                           std::size_t near_space_bands) {
  SpaceMoments m(S);
  std::vector<std::uint32_t> a;
  const std::size_t chunk = std::max<std::size_t>(1, (std::size_t{1} << 24) / std::max<std::size_t>(n, 1));
  std::vector<std::uint32_t> near(n, 0);
  for (std::size_t s0 = 0; s0 < S; s0 += chunk) {
    const std::size_t s1 = std::min(S, s0 + chunk), w = s1 - s0;
    a.assign(n * w, 0);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = group[i]; k != group[i + 1]; ++k) {
        const std::size_t s = base_band[k];
        if (s < s0 || s >= s1) continue;
        ++a[i * w + (s - s0)];
        ++a[std::size_t{other[k]} * w + (s - s0)];
        if (s < near_space_bands) ++near[i], ++near[other[k]];
      }
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t s = s0; s < s1; ++s) {
        const long double x = a[i * w + (s - s0)];
        m.pa[s] += x / 2;
        m.ra[s] += x * x;
      }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const long double x = near[i];
    m.pa_near += x / 2;
    m.ra_near += x * x;
  }
  return m;
}

// The moments of every cell's count and of the pooled near region's, from the space
// side's sums and the row sums of the time bands (the sorted times).
void knox_moments(const SpaceMoments& space, const std::vector<double>& times, KnoxResult& r) {
  const std::size_t n = times.size(), S = r.space_bands_m.size(), T = r.time_bands_days.size();
  const auto& pa = space.pa;
  const auto& ra = space.ra;
  const long double pa_near = space.pa_near, ra_near = space.ra_near;
  // Time: the events within each edge of event i are one run of the sorted times:
  // t_i − x > e holds for a prefix of them and x − t_i <= e for a prefix (floating-point
  // subtraction is monotone), and together they are |t_i − x| <= e, the permutations'
  // comparison. Two binary searches per edge count them exactly.
  std::vector<double> sorted(times);
  std::sort(sorted.begin(), sorted.end());
  const std::vector<double>& edges = r.time_bands_days;
  std::vector<long double> pb(T, 0), rb(T, 0);
  long double pb_near = 0, rb_near = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double ti = times[i];
    std::size_t below = 0;  // events within the previous edge, i itself excluded
    for (std::size_t t = 0; t < T; ++t) {
      const double e = edges[t];
      const auto lo = std::partition_point(sorted.begin(), sorted.end(), [&](double x) { return ti - x > e; });
      const auto hi = std::partition_point(lo, sorted.end(), [&](double x) { return x - ti <= e; });
      const auto within = static_cast<std::size_t>(hi - lo) - 1;
      const long double x = static_cast<long double>(within - below);
      pb[t] += x / 2;
      rb[t] += x * x;
      if (t + 1 == r.near_time_bands) {
        const long double w = static_cast<long double>(within);
        pb_near += w / 2;
        rb_near += w * w;
      }
      below = within;
    }
  }
  const std::size_t cells = S * T;
  r.expected.assign(cells, 0.0);
  r.variance.assign(cells, 0.0);
  r.ratio.assign(cells, NAN);
  r.p_value.assign(cells, NAN);
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t t = 0; t < T; ++t) {
      const std::size_t c = s * T + t;
      const Moments m = mantel_moments(n, pa[s], ra[s], pb[t], rb[t]);
      r.expected[c] = m.mean;
      r.variance[c] = m.variance;
      r.ratio[c] = m.mean > 0 ? r.observed[c] / m.mean : NAN;
      r.p_value[c] = upper_tail(r.observed[c], m);
    }
  const Moments near = mantel_moments(n, pa_near, ra_near, pb_near, rb_near);
  r.near_expected = near.mean;
  r.near_variance = near.variance;
  r.near_p_value = upper_tail(r.near_observed, near);
}

// A close pair's time band from a table over [0, last] in at most 4,096 steps
// (whole days when the bands reach 4,096 days or less), then a step or two along
// the edges: the same band as band_of, without its binary search's mispredicted
// branches (about a fifth of the permutations' time in the demo's fits).
class TimeBand {
 public:
  explicit TimeBand(const std::vector<double>& edges)
      : edges_(edges), step_(std::max(1.0, edges.back() / 4096.0)), at_(static_cast<std::size_t>(edges.back() / step_) + 2) {
    for (std::size_t b = 0; b < at_.size(); ++b)
      at_[b] = static_cast<std::uint32_t>(std::min(band_of(edges_, static_cast<double>(b) * step_), edges_.size() - 1));
  }
  double last() const { return edges_.back(); }
  std::size_t operator()(double dt) const {  // dt in [0, last]
    std::size_t b = at_[std::min(at_.size() - 1, static_cast<std::size_t>(dt / step_))];
    while (b > 0 && edges_[b - 1] >= dt) --b;  // only if dt / step rounded up
    while (edges_[b] < dt) ++b;                // edges.back() = last >= dt stops it
    return b;
  }

 private:
  const std::vector<double>& edges_;
  double step_;
  std::vector<std::uint32_t> at_;
};

// A result's bands, counts and method, before any count; the pooled near region is the
// bands up to the first edge at or beyond near_m / near_days.
KnoxResult start_result(const KnoxOptions& opt, std::size_t n, std::size_t close_pairs) {
  KnoxResult r;
  r.space_bands_m = opt.space_bands_m;
  r.time_bands_days = opt.time_bands_days;
  r.events = n;
  r.close_pairs = close_pairs;
  r.method = opt.method;
  r.permutations = opt.method == KnoxMethod::Permutation ? opt.permutations : 0;
  auto bands_to = [](const std::vector<double>& edges, double v) {
    return v <= 0 ? std::size_t{1} : std::min(edges.size(), band_of(edges, v) + 1);
  };
  r.near_space_bands = bands_to(opt.space_bands_m, opt.near_m);
  r.near_time_bands = bands_to(opt.time_bands_days, opt.near_days);
  return r;
}

double near_sum(const KnoxResult& r, const double* table) {
  const std::size_t T = r.time_bands_days.size();
  double s = 0;
  for (std::size_t a = 0; a < r.near_space_bands; ++a)
    for (std::size_t b = 0; b < r.near_time_bands; ++b) s += table[a * T + b];
  return s;
}

// The test from a list of every close pair (network, straight-line and given pairs, and
// knox_sites under Permutation): the close pairs (and their space bands) never change;
// only which time goes with which event does.
KnoxResult run_knox(std::vector<ClosePair> pairs, const std::vector<double>& times, const KnoxOptions& opt) {
  const std::size_t S = opt.space_bands_m.size(), T = opt.time_bands_days.size(), cells = S * T;
  const std::size_t n = times.size();
  KnoxResult r = start_result(opt, n, pairs.size());
  // The inner loop of every permutation, one step per close pair: most pairs are
  // far apart in time and leave after one comparison (measured faster than a
  // branch-free band count: the branch is taken often enough to predict well), and
  // the tallies are integers, so the order the pairs are visited in does not matter.
  // The pairs are grouped by their first event in two flat arrays (6 bytes a pair
  // against 12: a permutation streams them all, so their size is its memory
  // traffic), and each group loads its first event's time once.
  if (S > std::numeric_limits<std::uint16_t>::max() + std::size_t{1})
    throw Error(ErrorCode::BadOption, "knox.space_bands_m", fmt::format("{} space bands: at most 65,536", S));
  std::vector<std::size_t> group(n + 1, 0);
  for (const ClosePair& p : pairs) ++group[p.i + 1];
  std::partial_sum(group.begin(), group.end(), group.begin());
  std::vector<std::uint32_t> other(pairs.size());
  std::vector<std::uint16_t> base_band(pairs.size());
  {
    std::vector<std::size_t> fill(group.begin(), group.end() - 1);
    for (const ClosePair& p : pairs) {
      other[fill[p.i]] = p.j;
      base_band[fill[p.i]++] = static_cast<std::uint16_t>(p.space_band);
    }
  }
  pairs = {};
  const TimeBand time_band(opt.time_bands_days);
  const double last = time_band.last();
  auto count = [&](const std::vector<double>& t, std::vector<std::uint32_t>& tally, std::vector<double>& out) {
    tally.assign(S * T, 0u);
    for (std::size_t i = 0; i < n; ++i) {
      const double ti = t[i];
      for (std::size_t k = group[i]; k != group[i + 1]; ++k) {
        const double dt = std::abs(ti - t[other[k]]);
        if (dt > last) continue;
        ++tally[base_band[k] * T + time_band(dt)];
      }
    }
    for (std::size_t c = 0; c < S * T; ++c) out[c] = static_cast<double>(tally[c]);
  };
  r.observed.assign(cells, 0.0);
  {
    std::vector<std::uint32_t> tally;
    count(times, tally, r.observed);
  }
  r.near_observed = near_sum(r, r.observed.data());
  if (opt.method == KnoxMethod::Moments) {
    knox_moments(space_moments(group, other, base_band, n, S, r.near_space_bands), times, r);
    return r;
  }
  r.expected.assign(cells, 0.0);
  r.variance.assign(cells, NAN);
  r.ratio.assign(cells, NAN);
  r.p_value.assign(cells, NAN);
  if (opt.permutations == 0) return r;

  // One result row per permutation, each from its own stream: any thread count
  // gives the same sums (they are added in permutation order below).
  std::vector<double> sims(opt.permutations * cells, 0.0);
  struct Scratch {
    std::vector<double> t, counts;
    std::vector<std::uint32_t> tally;
  };
  PerThread<Scratch> scratch;
  parallel_for(IndexRange<std::size_t>(0, opt.permutations, 4), [&](const auto& range) {
    Scratch& s = scratch.local();
    s.counts.resize(cells);
    for (std::size_t p = range.begin(); p != range.end(); ++p) {
      s.t = times;
      Rng rng(opt.seed, p);
      for (std::size_t k = n; k > 1; --k) std::swap(s.t[k - 1], s.t[rng.below(k)]);  // Fisher-Yates
      count(s.t, s.tally, s.counts);
      std::copy(s.counts.begin(), s.counts.end(), sims.begin() + static_cast<std::ptrdiff_t>(p * cells));
    }
  });
  // The sample variance about the mean, in a second pass, summed in permutation
  // order (so any thread count gives the same bits).
  const double P = static_cast<double>(opt.permutations);
  auto spread = [&](double mean, auto&& value) {
    if (opt.permutations < 2) return double(NAN);
    double ss = 0;
    for (std::size_t p = 0; p < opt.permutations; ++p) ss += (value(p) - mean) * (value(p) - mean);
    return ss / (P - 1);
  };
  {
    double sum = 0;
    std::size_t ge = 0;
    for (std::size_t p = 0; p < opt.permutations; ++p) {
      const double v = near_sum(r, sims.data() + p * cells);
      sum += v;
      ge += v >= r.near_observed;
    }
    r.near_expected = sum / P;
    r.near_variance = spread(r.near_expected, [&](std::size_t p) { return near_sum(r, sims.data() + p * cells); });
    r.near_p_value = (static_cast<double>(ge) + 1.0) / (P + 1.0);
  }
  for (std::size_t c = 0; c < cells; ++c) {
    double sum = 0;
    std::size_t ge = 0;
    for (std::size_t p = 0; p < opt.permutations; ++p) {
      const double v = sims[p * cells + c];
      sum += v;
      ge += v >= r.observed[c];
    }
    r.expected[c] = sum / P;
    r.variance[c] = spread(r.expected[c], [&](std::size_t p) { return sims[p * cells + c]; });
    r.ratio[c] = r.expected[c] > 0 ? r.observed[c] / r.expected[c] : NAN;
    // One-sided: more pairs close in space and time than chance (near repeats).
    r.p_value[c] = (static_cast<double>(ge) + 1.0) / (P + 1.0);
  }
  return r;
}

}  // namespace

const char* knox_method_name(KnoxMethod m) { return m == KnoxMethod::Moments ? "moments" : "permutation"; }
KnoxMethod knox_method_named(const std::string& name) {
  return name == "moments" ? KnoxMethod::Moments : KnoxMethod::Permutation;
}

KnoxResult knox_network(const network::Network& net, const std::vector<network::NetworkPosition>& positions,
                        const std::vector<double>& times_days, const KnoxOptions& opt) {
  check_bands(opt.space_bands_m, "space_bands_m");
  check_bands(opt.time_bands_days, "time_bands_days");
  const std::size_t n = positions.size();
  check_times(times_days, n);
  // Events by edge (CSR), to find those on the edges a bounded search reaches.
  std::vector<std::uint32_t> first(net.edge_count() + 1, 0), on_edge(n);
  for (std::size_t k = 0; k < n; ++k) {
    if (positions[k].edge == network::kNoEdge || positions[k].edge >= net.edge_count())
      throw Error(ErrorCode::BadValue, fmt::format("knox event {}", k), "event is not on the network (unsnapped)");
    ++first[positions[k].edge + 1];
  }
  for (std::size_t e = 0; e < net.edge_count(); ++e) first[e + 1] += first[e];
  {
    std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
    for (std::size_t k = 0; k < n; ++k) on_edge[fill[positions[k].edge]++] = static_cast<std::uint32_t>(k);
  }
  const double cut = opt.space_bands_m.back();
  std::vector<std::vector<ClosePair>> per_event(n);
  struct Scratch {
    explicit Scratch(const network::Network& net) : ws(net), stamp(net.edge_count(), 0) {}
    network::DistanceWorkspace ws;
    std::vector<std::uint32_t> stamp;
    std::uint32_t epoch = 0;
  };
  PerThread<Scratch> scratch([&] { return Scratch(net); });
  parallel_for(IndexRange<std::size_t>(0, n, 64), [&](const auto& range) {
    Scratch& s = scratch.local();
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      s.ws.run(positions[i], cut);
      if (++s.epoch == 0) { std::fill(s.stamp.begin(), s.stamp.end(), 0); s.epoch = 1; }
      auto visit = [&](network::EdgeId e) {
        if (s.stamp[e] == s.epoch) return;
        s.stamp[e] = s.epoch;
        for (std::uint32_t k = first[e]; k < first[e + 1]; ++k) {
          const std::uint32_t j = on_edge[k];
          if (j <= i) continue;  // each pair once
          const double d = s.ws.distance_to(positions[j]);
          if (d <= cut)
            per_event[i].push_back({static_cast<std::uint32_t>(i), j,
                                    static_cast<std::uint32_t>(band_of(opt.space_bands_m, d))});
        }
      };
      visit(positions[i].edge);
      for (network::VertexId v : s.ws.reached())
        for (const auto& inc : net.incident(v)) visit(inc.edge);
      std::sort(per_event[i].begin(), per_event[i].end(), [](auto& a, auto& b) { return a.j < b.j; });
    }
  });
  std::vector<ClosePair> pairs;
  for (auto& v : per_event) pairs.insert(pairs.end(), v.begin(), v.end());
  return run_knox(std::move(pairs), times_days, opt);
}

KnoxResult knox_pairs(const std::vector<KnoxPair>& given, const std::vector<double>& times_days, const KnoxOptions& opt) {
  check_bands(opt.space_bands_m, "space_bands_m");
  check_bands(opt.time_bands_days, "time_bands_days");
  const std::size_t n = times_days.size();
  check_times(times_days, n);
  const double cut = opt.space_bands_m.back();
  std::vector<ClosePair> pairs;
  pairs.reserve(given.size());
  for (const KnoxPair& p : given) {
    if (p.i >= n || p.j >= n || p.i == p.j)
      throw Error(ErrorCode::BadValue, "knox pairs", fmt::format("pair ({}, {}) for {} events", p.i, p.j, n));
    if (!(p.distance_m >= 0))
      throw Error(ErrorCode::BadValue, "knox pairs", fmt::format("pair ({}, {}) has distance {}", p.i, p.j, p.distance_m));
    if (p.distance_m <= cut)
      pairs.push_back({std::min(p.i, p.j), std::max(p.i, p.j), static_cast<std::uint32_t>(band_of(opt.space_bands_m, p.distance_m))});
  }
  return run_knox(std::move(pairs), times_days, opt);
}

KnoxResult knox_euclidean(const std::vector<Point>& points, const std::vector<double>& times_days,
                          const KnoxOptions& opt) {
  check_bands(opt.space_bands_m, "space_bands_m");
  check_bands(opt.time_bands_days, "time_bands_days");
  const std::size_t n = points.size();
  check_times(times_days, n);
  for (std::size_t k = 0; k < n; ++k)
    if (!std::isfinite(points[k].x) || !std::isfinite(points[k].y))
      throw Error(ErrorCode::BadCoordinate, fmt::format("knox event {}", k), "coordinate is not finite");
  const double cut = opt.space_bands_m.back();
  // Sweep in x: only events within `cut` in x can be within `cut`.
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return points[a].x < points[b].x; });
  std::vector<ClosePair> pairs;
  for (std::size_t a = 0; a < n; ++a) {
    const Point& pa = points[order[a]];
    for (std::size_t b = a + 1; b < n && points[order[b]].x - pa.x <= cut; ++b) {
      const double d = distance(pa, points[order[b]]);
      if (d <= cut) {
        const auto i = std::min(order[a], order[b]), j = std::max(order[a], order[b]);
        pairs.push_back({i, j, static_cast<std::uint32_t>(band_of(opt.space_bands_m, d))});
      }
    }
  }
  std::sort(pairs.begin(), pairs.end(), [](auto& x, auto& y) { return std::tie(x.i, x.j) < std::tie(y.i, y.j); });
  return run_knox(std::move(pairs), times_days, opt);
}

KnoxResult knox_sites(const KnoxSites& sites, const std::vector<double>& times_days, const KnoxOptions& opt) {
  check_bands(opt.space_bands_m, "space_bands_m");
  check_bands(opt.time_bands_days, "time_bands_days");
  const std::size_t n = times_days.size();
  check_times(times_days, n);
  const std::size_t entries = sites.neighbour.size();
  if (sites.first.empty() || sites.first.front() != 0 || sites.first.back() != entries || sites.distance_m.size() != entries)
    throw Error(ErrorCode::BadValue, "knox sites",
                fmt::format("neighbour lists of {} offsets for {} neighbours and {} distances", sites.first.size(), entries,
                            sites.distance_m.size()));
  const std::size_t M = sites.first.size() - 1;
  for (std::size_t c = 0; c < M; ++c)
    if (sites.first[c] > sites.first[c + 1])
      throw Error(ErrorCode::BadValue, "knox sites", fmt::format("site {}'s neighbour list ends before it starts", c));
  for (std::size_t k = 0; k < entries; ++k) {
    if (sites.neighbour[k] >= M)
      throw Error(ErrorCode::BadValue, "knox sites", fmt::format("neighbour {} is site {}, of {} sites", k, sites.neighbour[k], M));
    if (!(sites.distance_m[k] >= 0))
      throw Error(ErrorCode::BadValue, "knox sites", fmt::format("neighbour {} is {} m away", k, sites.distance_m[k]));
  }
  if (sites.site_of_event.size() != n)
    throw Error(ErrorCode::BadValue, "knox sites", fmt::format("{} sites of events for {} times", sites.site_of_event.size(), n));
  if (n > std::numeric_limits<std::uint32_t>::max())
    throw Error(ErrorCode::TooLarge, "knox sites", fmt::format("{} events: at most 2^32", n));
  for (std::size_t i = 0; i < n; ++i)
    if (sites.site_of_event[i] >= M)
      throw Error(ErrorCode::BadValue, fmt::format("knox event {}", i), fmt::format("site {} of {}", sites.site_of_event[i], M));
  const std::size_t S = opt.space_bands_m.size(), T = opt.time_bands_days.size();
  if (S > std::numeric_limits<std::uint16_t>::max() + std::size_t{1})
    throw Error(ErrorCode::BadOption, "knox.space_bands_m", fmt::format("{} space bands: at most 65,536", S));
  const double cut = opt.space_bands_m.back();
  // One distance per pair of sites whichever list it is read from: the smaller of the
  // two lists' (two shortest-path runs can differ in a distance's last bit, and a list
  // may hold a site the other lacks: the pair counts at the distance given). The
  // observed table, the moments and the permutations then all see the same pairs.
  std::vector<std::size_t> first(M + 1, 0);
  std::vector<std::uint32_t> neighbour, band;  // band: the pair's space band
  {
    struct Link {
      std::uint32_t a, b;
      double d;
    };
    std::vector<Link> links;
    for (std::size_t c = 0; c < M; ++c)
      for (std::size_t k = sites.first[c]; k < sites.first[c + 1]; ++k)
        if (sites.distance_m[k] <= cut) {
          const auto u = sites.neighbour[k], v = static_cast<std::uint32_t>(c);
          links.push_back({std::min(u, v), std::max(u, v), sites.distance_m[k]});
        }
    std::sort(links.begin(), links.end(), [](const Link& x, const Link& y) { return std::tie(x.a, x.b, x.d) < std::tie(y.a, y.b, y.d); });
    links.erase(std::unique(links.begin(), links.end(), [](const Link& x, const Link& y) { return x.a == y.a && x.b == y.b; }),
                links.end());  // the first of each pair of sites: its smaller distance
    for (const Link& l : links) {
      ++first[l.a + 1];
      if (l.b != l.a) ++first[l.b + 1];
    }
    std::partial_sum(first.begin(), first.end(), first.begin());
    neighbour.resize(first.back());
    band.resize(first.back());
    std::vector<std::size_t> fill(first.begin(), first.end() - 1);
    for (const Link& l : links) {
      const auto b = static_cast<std::uint32_t>(band_of(opt.space_bands_m, l.d));
      neighbour[fill[l.a]] = l.b;
      band[fill[l.a]++] = b;
      if (l.b == l.a) continue;
      neighbour[fill[l.b]] = l.a;
      band[fill[l.b]++] = b;
    }
  }
  // The events of each site (CSR), in index order.
  std::vector<std::size_t> at_first(M + 1, 0);
  for (std::uint32_t c : sites.site_of_event) ++at_first[c + 1];
  std::partial_sum(at_first.begin(), at_first.end(), at_first.begin());
  auto events_at = [&](std::vector<std::uint32_t>& out, auto&& event_in_order) {
    out.assign(n, 0);
    std::vector<std::size_t> fill(at_first.begin(), at_first.end() - 1);
    for (std::size_t q = 0; q < n; ++q) {
      const std::uint32_t i = event_in_order(q);
      out[fill[sites.site_of_event[i]]++] = static_cast<std::uint32_t>(q);
    }
  };

  if (opt.method == KnoxMethod::Permutation) {  // every close pair, whatever its time: the permutations move the times
    std::vector<std::uint32_t> at;
    events_at(at, [](std::size_t q) { return static_cast<std::uint32_t>(q); });
    std::vector<ClosePair> pairs;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t c = sites.site_of_event[i];
      for (std::size_t k = first[c]; k < first[c + 1]; ++k) {
        const std::uint32_t u = neighbour[k];
        for (std::size_t e = at_first[u]; e < at_first[u + 1]; ++e)
          if (at[e] > i) pairs.push_back({static_cast<std::uint32_t>(i), at[e], band[k]});
      }
    }
    return run_knox(std::move(pairs), times_days, opt);
  }

  // Moments. Event i's close pairs in band s are the events at its site's neighbours
  // in that band, less itself: a count per site, so the space side's sums need no pair.
  std::vector<std::uint64_t> per_site(M * S, 0);
  std::uint64_t close2 = 0;  // twice the close pairs
  for (std::size_t c = 0; c < M; ++c)
    for (std::size_t k = first[c]; k < first[c + 1]; ++k) {
      per_site[c * S + band[k]] += at_first[neighbour[k] + 1] - at_first[neighbour[k]];
      if (neighbour[k] == c && at_first[c + 1] > at_first[c]) per_site[c * S + band[k]] -= 1;  // not a pair with itself
    }
  KnoxResult r = start_result(opt, n, 0);
  SpaceMoments space(S);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t* x = per_site.data() + std::size_t{sites.site_of_event[i]} * S;
    for (std::size_t s = 0; s < S; ++s) close2 += x[s];
    space.add_event(S, r.near_space_bands, [&](std::size_t s) { return static_cast<long double>(x[s]); });
  }
  r.close_pairs = close2 / 2;

  // The observed counts need only the pairs within the last time edge: in time order,
  // each event with the earlier ones at its site's neighbours, found by two searches in
  // their time-ordered lists (a tie in time is ordered by index).
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return times_days[a] < times_days[b]; });
  std::vector<double> t(n);
  for (std::size_t q = 0; q < n; ++q) t[q] = times_days[order[q]];
  std::vector<std::uint32_t> at;  // per site: time ranks, ascending
  events_at(at, [&](std::size_t q) { return order[q]; });
  const TimeBand time_band(opt.time_bands_days);
  const double last = time_band.last();
  PerThread<std::vector<std::uint64_t>> tallies([&] { return std::vector<std::uint64_t>(S * T, 0); });
  parallel_for(IndexRange<std::size_t>(0, n, 512), [&](const auto& range) {
    auto& tally = tallies.local();
    for (std::size_t q = range.begin(); q != range.end(); ++q) {
      const double tq = t[q];
      const std::uint32_t c = sites.site_of_event[order[q]];
      for (std::size_t k = first[c]; k < first[c + 1]; ++k) {
        const std::uint32_t u = neighbour[k];
        const auto b = at.begin() + static_cast<std::ptrdiff_t>(at_first[u]);
        const auto e = std::lower_bound(b, at.begin() + static_cast<std::ptrdiff_t>(at_first[u + 1]), static_cast<std::uint32_t>(q));
        // tq − t > last holds for a prefix (floating-point subtraction is monotone): the same test as the pairs'.
        for (auto it = std::partition_point(b, e, [&](std::uint32_t x) { return tq - t[x] > last; }); it != e; ++it)
          ++tally[band[k] * T + time_band(tq - t[*it])];
      }
    }
  });
  std::vector<std::uint64_t> total(S * T, 0);
  for (const auto& tally : tallies)
    for (std::size_t c = 0; c < S * T; ++c) total[c] += tally[c];
  r.observed.assign(S * T, 0.0);
  for (std::size_t c = 0; c < S * T; ++c) r.observed[c] = static_cast<double>(total[c]);
  r.near_observed = near_sum(r, r.observed.data());
  knox_moments(space, times_days, r);
  return r;
}

}  // namespace tryggve::hotspot
