#include "tryggve/taxonomy/dedup.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <numeric>
#include <unordered_map>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"

namespace tryggve {

namespace {

// Grid cell of one parameter: kept reports in time order, so expired ones leave
// from the front as the window slides.
struct CellKey {
  ParameterId parameter;
  std::int64_t cx, cy;
  bool operator==(const CellKey&) const = default;
};
struct CellHash {
  std::size_t operator()(const CellKey& k) const noexcept {
    std::uint64_t h = k.parameter;
    h = h * 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint64_t>(k.cx);
    h = h * 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint64_t>(k.cy);
    return static_cast<std::size_t>(h ^ (h >> 29));
  }
};

}  // namespace

std::vector<Incident> remove_duplicates(std::vector<Incident> incidents, RejectLog& rejects, const std::string& file,
                                        const DedupOptions& options) {
  if (!std::isfinite(options.max_distance_m) || options.max_distance_m < 0)
    throw Error(ErrorCode::BadOption, "dedup", fmt::format("max_distance_m must be >= 0 (got {})", options.max_distance_m));
  if (!std::isfinite(options.max_minutes) || options.max_minutes < 0)
    throw Error(ErrorCode::BadOption, "dedup", fmt::format("max_minutes must be >= 0 (got {})", options.max_minutes));
  const std::int64_t window_s = static_cast<std::int64_t>(std::floor(options.max_minutes * 60.0));
  const double max_d = options.max_distance_m;
  // Cells as wide as the distance: every partner within max_d lies in the 3x3
  // block around a report's own cell. Among the reports kept in such a block
  // within the window, any two are > max_d apart, so only a handful (a packing
  // bound) are ever compared per report.
  const double cell = std::max(max_d, 1.0);

  const std::size_t n = incidents.size();
  std::vector<std::size_t> order;
  order.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& a = incidents[i];
    if (a.has_time && a.parameter != kNoParameter && std::isfinite(a.pos.x) && std::isfinite(a.pos.y))
      order.push_back(i);
  }
  // Earliest first, then lowest row, id, position: the first report is the kept one
  // whatever the input order.
  std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
    const auto& a = incidents[i];
    const auto& b = incidents[j];
    if (a.time.utc_seconds != b.time.utc_seconds) return a.time.utc_seconds < b.time.utc_seconds;
    if (a.source_row != b.source_row) return a.source_row < b.source_row;
    if (a.id != b.id) return a.id < b.id;
    if (a.pos.x != b.pos.x) return a.pos.x < b.pos.x;
    if (a.pos.y != b.pos.y) return a.pos.y < b.pos.y;
    return i < j;
  });

  // The grid and the window hold ranks in `order` (kept reports only), so the
  // earliest partner is simply the smallest rank.
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<std::size_t> duplicate_of(n, kNone);
  std::unordered_map<CellKey, std::deque<std::size_t>, CellHash> grid;
  std::deque<std::size_t> live;  // kept ranks in time order, to expire them from the grid
  auto key_of = [&](const Incident& a) {
    return CellKey{a.parameter, static_cast<std::int64_t>(std::floor(a.pos.x / cell)),
                   static_cast<std::int64_t>(std::floor(a.pos.y / cell))};
  };
  for (std::size_t rank = 0; rank < order.size(); ++rank) {
    const Incident& a = incidents[order[rank]];
    const std::int64_t t = a.time.utc_seconds;
    while (!live.empty() && incidents[order[live.front()]].time.utc_seconds < t - window_s) {
      auto it = grid.find(key_of(incidents[order[live.front()]]));
      it->second.pop_front();  // cells fill in rank order, so the oldest is at the front
      if (it->second.empty()) grid.erase(it);
      live.pop_front();
    }
    const CellKey own = key_of(a);
    std::size_t best = kNone;
    for (std::int64_t dx = -1; dx <= 1; ++dx)
      for (std::int64_t dy = -1; dy <= 1; ++dy) {
        const auto it = grid.find({a.parameter, own.cx + dx, own.cy + dy});
        if (it == grid.end()) continue;
        for (const std::size_t k : it->second)
          if (k < best && distance(incidents[order[k]].pos, a.pos) <= max_d) best = k;
      }
    if (best != kNone) {
      duplicate_of[order[rank]] = order[best];
      continue;
    }
    grid[own].push_back(rank);
    live.push_back(rank);
  }

  std::vector<Incident> kept;
  kept.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (duplicate_of[i] == kNone) {
      kept.push_back(std::move(incidents[i]));
      continue;
    }
    const Incident& a = incidents[i];
    const Incident& k = incidents[duplicate_of[i]];
    Reject r;
    r.file = file;
    r.source_row = a.source_row;
    r.reason = RejectReason::Duplicate;
    r.detail = fmt::format("duplicate of row {} (id {}): same parameter, {:.0f} m and {:.0f} min apart", k.source_row,
                           k.id, distance(a.pos, k.pos), std::abs(a.time.utc_seconds - k.time.utc_seconds) / 60.0);
    r.has_pos = true;
    r.pos = a.pos;
    r.raw = fmt::format("id {}, '{}', {}", a.id, a.category, to_iso8601(a.time));
    rejects.add(std::move(r));
  }
  return kept;
}

}  // namespace tryggve
