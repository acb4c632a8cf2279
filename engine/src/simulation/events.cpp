#include "tryggve/simulation/events.hpp"

#include <algorithm>

#include "tryggve/core/sun.hpp"

namespace tryggve::simulation {

std::size_t EventTable::total() const {
  std::size_t n = 0;
  for (const auto& v : by_parameter) n += v.size();
  return n;
}

CellEvent make_cell_event(const Timestamp& time, CellId cell, bool outdoor, const HourCalendar& calendar) {
  CellEvent ce;
  ce.t = calendar.to_hours(time.utc_seconds);
  ce.cell = cell;
  ce.outdoor = outdoor;
  if (ce.t >= 0.0 && ce.t < static_cast<double>(calendar.size())) {
    const HourInfo& hi = calendar[static_cast<std::size_t>(ce.t)];
    ce.hour_of_week = hi.hour_of_week;
    ce.month_of_year = hi.month_of_year;
    ce.dark = calendar.is_dark(ce.t);
  } else {
    const LocalTime lt = to_local(time);
    ce.hour_of_week = static_cast<std::uint8_t>(lt.weekday * 24 + lt.hour);
    ce.month_of_year = static_cast<std::uint8_t>(lt.month - 1);
    ce.dark = sun::is_dark(time.utc_seconds, calendar.place().lat_deg, calendar.place().lon_deg);
  }
  return ce;
}

EventTable make_event_table(std::span<const ObservedEvent> events, const CellNetwork& cells,
                            const HourCalendar& calendar, std::size_t parameter_count) {
  EventTable out;
  out.by_parameter.resize(parameter_count);
  const double end = calendar.end_hours();
  for (const ObservedEvent& e : events) {
    if (e.parameter >= parameter_count) { ++out.bad_parameter; continue; }
    if (e.pos.edge >= cells.network().edge_count()) { ++out.bad_position; continue; }
    const double t = calendar.to_hours(e.time.utc_seconds);
    if (t >= end) { ++out.after_end; continue; }
    out.by_parameter[e.parameter].push_back(make_cell_event(e.time, cells.cell_at(e.pos), e.outdoor, calendar));
  }
  for (auto& v : out.by_parameter)
    std::stable_sort(v.begin(), v.end(), [](const CellEvent& a, const CellEvent& b) { return a.t < b.t; });
  return out;
}

std::span<const CellEvent> events_between(std::span<const CellEvent> sorted, double t0, double t1) {
  auto lo = std::lower_bound(sorted.begin(), sorted.end(), t0, [](const CellEvent& e, double t) { return e.t < t; });
  auto hi = std::lower_bound(lo, sorted.end(), t1, [](const CellEvent& e, double t) { return e.t < t; });
  return {lo, hi};
}

}  // namespace tryggve::simulation
