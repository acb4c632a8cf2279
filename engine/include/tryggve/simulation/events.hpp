#pragma once
// Incidents as the simulation sees them: a cell, a time in calendar hours, and
// the facts the model conditions on (dark or not, local hour of the week and
// month of the year, outdoor or not), grouped by parameter and sorted by time.
#include <cstdint>
#include <span>
#include <vector>

#include "tryggve/core/incident.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/network/network.hpp"
#include "tryggve/simulation/calendar.hpp"
#include "tryggve/simulation/cells.hpp"

namespace tryggve::simulation {

// One snapped incident (the input of the simulation module).
struct ObservedEvent {
  network::NetworkPosition pos;
  Timestamp time;              // UTC seconds + the offset in force there and then
  ParameterId parameter = 0;
  bool outdoor = true;
};

struct CellEvent {
  double t = 0.0;               // calendar hours (negative before the calendar origin)
  CellId cell = 0;
  std::uint8_t hour_of_week = 0;
  std::uint8_t month_of_year = 0;
  bool dark = false;
  bool outdoor = true;
};

struct EventTable {
  // by_parameter[p]: parameter p's events, sorted by time (ties keep input order).
  std::vector<std::vector<CellEvent>> by_parameter;
  // Events dropped: after the calendar's end, parameter id out of range, or
  // an edge not in the network. Counted, never silently lost.
  std::size_t after_end = 0, bad_parameter = 0, bad_position = 0;

  std::size_t parameter_count() const { return by_parameter.size(); }
  std::size_t total() const;
};

// Maps events to cells and calendar hours. Events before the calendar's start are
// kept (they are history that triggers near repeats); their darkness is taken
// from the sun at their own instant and their local hour from their own offset.
EventTable make_event_table(std::span<const ObservedEvent> events, const CellNetwork& cells,
                            const HourCalendar& calendar, std::size_t parameter_count);

// One event at `cell` on `calendar`: its time in calendar hours, local hour of
// the week and month of the year, and whether it was dark (from the calendar
// inside it, from the event's own offset and the sun at the calendar's place before it).
CellEvent make_cell_event(const Timestamp& time, CellId cell, bool outdoor, const HourCalendar& calendar);

// The events of one parameter with t in [t0, t1) (calendar hours).
std::span<const CellEvent> events_between(std::span<const CellEvent> sorted, double t0, double t1);

}  // namespace tryggve::simulation
