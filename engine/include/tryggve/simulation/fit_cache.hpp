#pragma once
// Remembered model fits (issue 11's speed). The month fits the same windows again
// and again: month M's backtest months are months M-1..M-3's own forecast fits, a
// deployment's counterfactual (the history before it started) is the same every
// month after it, and re-running a month (the public version after the internal
// one) repeats every fit. fit_parameter (model.hpp) asks FitOptions::cache first and
// stores what it fits there, so those repeats cost a digest and a look-up.
//
// A cached fit is the fit: the digest covers everything the result depends on, so a
// hit returns the same EtasParameters, bit for bit, as fitting again would (the
// golden tests compare bytes downstream). What it covers (fit_digest):
//  - the events that enter the fit, those with t in [t0 - max_lag, t1): time, cell,
//    hour of week, month of year, dark, outdoor, in their order;
//  - the cells (CellNetwork::digest: every cell's edge and offsets, the cutoff, the
//    neighbour lists with their distances);
//  - the calendar's hours over [t0, t1): hour of week, month of year, dark slots;
//  - t0, t1, darkness_applies and every FitOptions field but the cache itself;
//  - kFitAlgorithm below, bumped whenever fit.cpp or near_repeat.cpp changes the
//    numbers for the same inputs (the software version alone does not move with
//    every commit).
// The hash is SHA-256 (OpenSSL): the cache is keyed by it alone, so a collision
// would silently answer with another window's fit; a cryptographic hash makes that
// a non-event, and at ~1 GB/s it costs milliseconds per fit (the cells' digest
// is taken once per CellNetwork).
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tryggve/simulation/model.hpp"

namespace tryggve::simulation {

// Bump when the fit's numbers change for the same inputs (see above).
// 2: σ by Newton on dQ/dσ, one exp per candidate; 3: the Knox gate by its moments;
// 4: a pair's kernel from its link's and its events' terms (no exp per pair), Δt in double;
// 5: a child's candidates summed run by run (one run per link), p and p·Δt per child, not per pair
inline constexpr int kFitAlgorithm = 5;

// The digest of one fit_parameter call (see above). The window must be valid
// (t0 < t1, inside the calendar); fit_parameter checks that first.
FitDigest fit_digest(std::span<const CellEvent> events, const CellNetwork& cells, const HourCalendar& calendar,
                     double t0, double t1, bool darkness_applies, const FitOptions& options);

// Lower-case hex (64 characters) and back (nullopt for anything else).
std::string to_hex(const FitDigest& digest);
std::optional<FitDigest> digest_from_hex(std::string_view hex);

// Where fit_parameter looks for a fit before making it. find and store are called
// from parallel fits (one per parameter) at once, so implementations must be
// thread-safe; a store replaces what a digest held.
// The counters are kept by fit_parameter: `fits` made with EM, `hits` answered here.
class FitCache {
 public:
  virtual ~FitCache() = default;
  virtual std::optional<EtasParameters> find(const FitDigest& digest) = 0;
  virtual void store(const FitDigest& digest, const EtasParameters& parameters) = 0;

  std::size_t hits() const { return hits_.load(); }
  std::size_t fits() const { return fits_.load(); }
  void count_hit() { ++hits_; }
  void count_fit() { ++fits_; }

 private:
  std::atomic<std::size_t> hits_{0}, fits_{0};
};

// In memory, for one process.
class MemoryFitCache : public FitCache {
 public:
  std::optional<EtasParameters> find(const FitDigest& digest) override;
  void store(const FitDigest& digest, const EtasParameters& parameters) override;
  std::size_t size() const;
  // Every fit stored, in digest order (what a persistent cache writes out).
  std::vector<std::pair<FitDigest, EtasParameters>> entries() const;

 private:
  mutable std::mutex mu_;
  std::map<FitDigest, EtasParameters> fits_;
};

// EtasParameters as JSON text that reads back to the same bits in every field,
// the diagnostics and the Knox evidence included: finite doubles as numbers
// (shortest round-trip form), the others as strings ("inf", "-inf", and NaN with
// its bits, "nan:7ff8000000000000", since a NaN's sign shows in some outputs).
std::string to_json_text(const EtasParameters& parameters);
// Throws Error(BadValue) naming `where` and the field for text that is not such a
// record (not JSON, a field missing or of the wrong type).
EtasParameters etas_parameters_from_json(std::string_view text, const std::string& where);

}  // namespace tryggve::simulation
