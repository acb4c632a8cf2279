#pragma once
// The workspace's remembered model fits (table model_fits, schema 4): the month's
// simulation::FitCache. The month passes one into every fit it makes (the plan
// stage's forecast and its backtest months, each deployment's counterfactual), so a
// window fitted in an earlier month, or by an earlier run of this month, is taken
// from the table instead of fitted again, with the same bits (simulation/fit_cache.hpp).
//
// Rows are read on demand, one digest at a time (a month needs a few dozen of the
// table's rows, not all of them). Rows written by another software version are
// ignored; a row that does not read back as a fit is ignored with a warning naming
// it (the fit is made again and the row replaced): the table is a cache, never an
// input a run can fail on.
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

#include "tryggve/io/database.hpp"
#include "tryggve/simulation/fit_cache.hpp"

namespace tryggve::workspace {

class WorkspaceFitCache : public simulation::FitCache {
 public:
  // `db` must outlive the cache and hold the table model_fits.
  explicit WorkspaceFitCache(io::Database& db) : db_(db) {}
  // This run's own new fits first, then the table.
  std::optional<simulation::EtasParameters> find(const simulation::FitDigest& digest) override;
  // Kept in memory until write().
  void store(const simulation::FitDigest& digest, const simulation::EtasParameters& parameters) override;
  // Writes the fits stored since construction, each replacing any row of its digest,
  // in digest order; to be called inside the caller's transaction. Returns the count.
  std::size_t write(const std::string& created);
  // Rows found for a digest but not used: another software version, or unreadable.
  std::size_t ignored() const;

 private:
  io::Database& db_;
  mutable std::mutex db_mu_;  // the fits run in parallel; the database is used by one at a time
  std::size_t ignored_ = 0;
  simulation::MemoryFitCache added_;
};

}  // namespace tryggve::workspace
