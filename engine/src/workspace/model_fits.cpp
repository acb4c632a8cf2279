#include "tryggve/workspace/model_fits.hpp"

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/core/version.hpp"

namespace tryggve::workspace {

using io::Database;

std::optional<simulation::EtasParameters> WorkspaceFitCache::find(const simulation::FitDigest& digest) {
  if (auto mine = added_.find(digest)) return mine;
  const std::string hex = simulation::to_hex(digest);
  std::lock_guard lock(db_mu_);
  const auto rows =
      db_.query("SELECT parameters, software_version, fid FROM model_fits WHERE digest = " + Database::quote(hex));
  for (const auto& r : rows) {
    const std::int64_t row = r.fid >= 0 ? r.fid : r.integer(2).value_or(-1);
    if (r.text(1) != kVersion) {
      ++ignored_;
      log::debug("{}: model_fits row {} was written by Tryggve {} (this is {}): fitted again", db_.name(),
                 row, r.text(1), kVersion);
      continue;
    }
    try {
      return simulation::etas_parameters_from_json(
          r.text(0), fmt::format("{} model_fits row {}", db_.name(), row));
    } catch (const Error& e) {
      ++ignored_;
      log::warn("{} (the fit is made again and the row replaced)", e.what());
    }
  }
  return std::nullopt;
}

void WorkspaceFitCache::store(const simulation::FitDigest& digest, const simulation::EtasParameters& parameters) {
  added_.store(digest, parameters);
}

std::size_t WorkspaceFitCache::write(const std::string& created) {
  const auto entries = added_.entries();
  std::lock_guard lock(db_mu_);
  for (const auto& [digest, parameters] : entries) {
    const std::string hex = simulation::to_hex(digest);
    db_.execute("DELETE FROM model_fits WHERE digest = " + Database::quote(hex));
    db_.insert("model_fits", {"digest", "parameters", "software_version", "created"},
               {hex, simulation::to_json_text(parameters), std::string(kVersion), created});
  }
  return entries.size();
}

std::size_t WorkspaceFitCache::ignored() const {
  std::lock_guard lock(db_mu_);
  return ignored_;
}

}  // namespace tryggve::workspace
