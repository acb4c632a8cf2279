#include "tryggve/forecast/history.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"

namespace tryggve::forecast {

std::vector<UnitEvent> events_from_incidents(std::span<const Incident> incidents,
                                             std::span<const simulation::CellId> unit_of, const Taxonomy& taxonomy,
                                             std::size_t* skipped) {
  if (unit_of.size() != incidents.size())
    throw Error(ErrorCode::BadValue, "forecast history",
                fmt::format("{} incidents but {} units", incidents.size(), unit_of.size()));
  std::vector<UnitEvent> out;
  std::size_t skip = 0;
  for (std::size_t k = 0; k < incidents.size(); ++k) {
    const auto& inc = incidents[k];
    if (!inc.has_time || inc.parameter == kNoParameter || inc.parameter >= taxonomy.size()) {
      ++skip;
      continue;
    }
    const bool outdoor = inc.setting == Setting::Outdoor ||
                         (inc.setting == Setting::Unknown && taxonomy[inc.parameter].setting != ParameterSetting::Indoor);
    out.push_back({unit_of[k], inc.time, inc.parameter, outdoor, inc.weight});
  }
  if (skipped) *skipped = skip;
  return out;
}

History::History(std::vector<UnitEvent> events, std::size_t units, std::size_t parameters)
    : units_(units), parameters_(parameters), events_(std::move(events)), zeros_(units, 0.0) {
  if (events_.empty()) throw Error(ErrorCode::NoData, "forecast history", "no incident to forecast from");
  first_ = std::numeric_limits<int>::max();
  last_ = std::numeric_limits<int>::min();
  for (std::size_t k = 0; k < events_.size(); ++k) {
    const auto& e = events_[k];
    if (e.unit >= units)
      throw Error(ErrorCode::BadValue, fmt::format("forecast history: event {}", k),
                  fmt::format("unit {} is not one of the {} units", e.unit, units));
    if (e.parameter >= parameters)
      throw Error(ErrorCode::BadValue, fmt::format("forecast history: event {}", k),
                  fmt::format("parameter {} is not one of the {} parameters", e.parameter, parameters));
    if (!std::isfinite(e.weight) || e.weight < 0)
      throw Error(ErrorCode::BadValue, fmt::format("forecast history: event {}", k), "weight must be finite and >= 0");
    const int m = month_index(e.time);
    first_ = std::min(first_, m);
    last_ = std::max(last_, m);
  }
  std::stable_sort(events_.begin(), events_.end(),
                   [](const UnitEvent& a, const UnitEvent& b) { return a.time.utc_seconds < b.time.utc_seconds; });
  counts_.assign(static_cast<std::size_t>(last_ - first_ + 1), std::vector<double>(units, 0.0));
  for (const auto& e : events_) counts_[static_cast<std::size_t>(month_index(e.time) - first_)][e.unit] += e.weight;
}

std::span<const double> History::counts(int month) const {
  if (month < first_ || month > last_) return zeros_;
  return counts_[static_cast<std::size_t>(month - first_)];
}

double History::total(int month) const {
  double s = 0;
  for (const double c : counts(month)) s += c;
  return s;
}

std::vector<double> History::decayed_sum(int from, int to, double decay) const {
  std::vector<double> out(units_, 0.0);
  for (int m = std::max(from, first_); m <= std::min(to, last_); ++m) {
    const double w = std::pow(decay, to - m);
    const auto c = counts(m);
    for (std::size_t u = 0; u < units_; ++u) out[u] += w * c[u];
  }
  return out;
}

}  // namespace tryggve::forecast
