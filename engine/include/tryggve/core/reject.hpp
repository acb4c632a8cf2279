#pragma once
// Per-record problems are data: a row that cannot be used is kept here with its
// reason and goes to the `rejects` layer and the printed summary. Nothing is
// dropped silently.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "tryggve/core/geometry.hpp"

namespace tryggve {

enum class RejectReason : std::uint8_t {
  BadCoordinate,    // missing, NaN/inf, or not a number
  OutsideMap,       // outside the study area / network extent
  TooFarFromStreet, // no street edge within the snap distance
  BadTime,          // missing or unparseable time stamp
  UnknownCategory,  // category maps to none of the parameters
  Duplicate,        // same report seen before (kept once)
  BadGeometry,      // wrong geometry type, empty geometry
  OutsideWindow,    // outside the requested time window
  BadValue,         // a field that cannot be taken as it is (too long, not a number, "1,234" in a comma file)
  UnknownAddress,   // no coordinates, and the address or stop is unknown or ambiguous
  UnknownReference, // names an id, line or stop that does not exist (or was itself rejected)
  OutOfOrder,       // a sequence repeated, or times or distances going backwards along it
  NotInService,     // no vehicle of the named line under way at the time
};
inline constexpr int kRejectReasonCount = 13;

const char* to_string(RejectReason r);

struct Reject {
  std::string file;
  std::int64_t source_row = 0;  // 1-based row or feature number
  RejectReason reason{};
  std::string detail;           // e.g. "time '31/02/2024' is not a date", "1834 m from nearest street"
  bool has_pos = false;
  Point pos;                    // in the run's CRS when known
  std::string raw;              // the row's own text (id, category, time) to find it again
};

// Thread-safe collector.
class RejectLog {
 public:
  RejectLog() = default;
  RejectLog(RejectLog&& o) noexcept : items_(std::move(o.items_)) {}
  RejectLog& operator=(RejectLog&& o) noexcept {
    items_ = std::move(o.items_);
    return *this;
  }
  void add(Reject r);
  const std::vector<Reject>& items() const { return items_; }
  std::size_t size() const { return items_.size(); }
  std::map<RejectReason, std::size_t> counts() const;
  // "412 rejected: 120 outside map, 3 bad time, ..." (empty string if none).
  std::string summary() const;
  void sort();  // by file, then row: deterministic output whatever the thread count

 private:
  mutable std::mutex mu_;
  std::vector<Reject> items_;
};

}  // namespace tryggve
