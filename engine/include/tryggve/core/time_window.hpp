#pragma once
// The one meaning of a user's time window (--from/--to of density, gistar, emerging,
// knox and the hotspot stage): both ends inclusive, as most tools read dates, and a
// month stands for all its days ("--from 2025-01 --to 2025-03" is January to March,
// "--to 2025-03-31" includes the 31st). Inside, the window is half-open over local
// days, [first_day, end_day), so "inside" is one comparison everywhere.
#include <cstdint>
#include <limits>
#include <string>

#include "tryggve/core/time.hpp"

namespace tryggve {

struct DayWindow {
  static constexpr std::int64_t kOpen = std::numeric_limits<std::int64_t>::max();
  std::int64_t first_day = -kOpen;  // days since 1970-01-01 (civil, local), inclusive
  std::int64_t end_day = kOpen;     // exclusive
  bool open() const { return first_day == -kOpen && end_day == kOpen; }
  // Whether the incident's local day (its own UTC offset) is inside.
  bool contains(const Timestamp& t) const;
};

// The local civil day of an instant, with its own UTC offset.
std::int64_t local_day(const Timestamp& t);

// From the users' texts, each empty (open), a date YYYY-MM-DD or a month YYYY-MM.
// Throws Error(BadOption) naming the flag: not a date, not a real date, or a window
// that ends before it starts.
DayWindow parse_day_window(const std::string& from, const std::string& to, const std::string& from_flag = "--from",
                           const std::string& to_flag = "--to");

}  // namespace tryggve
