// The transit-host planner's candidates from a mapped run: per line x stretch x
// time slice, the on-board harm of the latest months and the timetable's
// vehicle-hours (planning/transit_hosts.hpp says what the planner does with them).
#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <map>
#include <tuple>

#include "tryggve/core/log.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/pipeline/plan_stage.hpp"
#include "tryggve/pipeline/transit_hotspots.hpp"
#include "tryggve/situation/situation.hpp"

namespace tryggve::pipeline {

namespace {

constexpr std::int32_t kDay = 86400;
constexpr const char* kWeekdays[kDayGroups] = {"mon-thu", "fri", "sat", "sun"};
constexpr int kGroupDays[kDayGroups] = {4, 1, 1, 1};  // days of the week in each group

std::int64_t month_start_day(int month) {
  const int y = 1970 + (month >= 0 ? month / 12 : (month - 11) / 12);
  const int m = month - (y - 1970) * 12 + 1;
  return days_from_civil(y, m, 1);
}

// ISO weekday (0 = Monday) of a day since 1970-01-01 (a Thursday).
int weekday_of_day(std::int64_t d) { return static_cast<int>(((d % 7) + 7 + 3) % 7); }

}  // namespace

std::vector<planning::TransitHostCandidate> transit_host_candidates(const MapResult& m,
                                                                    const planning::TransitHostOptions& o,
                                                                    double* forecast_weeks) {
  std::vector<planning::TransitHostCandidate> out;
  if (forecast_weeks) *forecast_weeks = 0;
  const transit::System* sys = m.transit_system.get();
  if (!sys || m.transit.empty()) return out;
  // The latest month of the on-board reports and the history window before it.
  int last = INT32_MIN;
  for (std::size_t k = 0; k < m.incidents.size(); ++k) {
    const auto* tp = m.transit_place(k);
    if (tp && tp->kind == transit::PlaceKind::OnBoard && m.incidents[k].has_time)
      last = std::max(last, month_index(m.incidents[k].time));
  }
  if (last == INT32_MIN) return out;
  const int first = last - o.history_months + 1;
  const double weeks = static_cast<double>(month_start_day(last + 1) - month_start_day(first)) / 7.0;
  if (forecast_weeks) *forecast_weeks = weeks;
  using Key = std::tuple<gtfs::Index, network::EdgeId, std::size_t>;  // route, edge, slice
  struct Acc {
    double incidents = 0, harm = 0, vehicle_hours = 0;
  };
  std::map<Key, Acc> acc;
  std::size_t lost = 0;
  for (std::size_t k = 0; k < m.incidents.size(); ++k) {
    const auto* tp = m.transit_place(k);
    const auto& inc = m.incidents[k];
    if (!tp || tp->kind != transit::PlaceKind::OnBoard || !inc.has_time) continue;
    const int month = month_index(inc.time);
    if (month < first || month > last) continue;
    const double severity = inc.parameter != kNoParameter ? m.taxonomy[inc.parameter].weight : 1.0;
    const LocalTime lt = to_local(inc.time);
    const std::size_t slice = slice_of(day_group(lt.weekday), situation::time_band(lt.hour));
    for (const auto& piece : tp->pieces) {
      const auto& seg = sys->segments()[piece.segment];
      if (seg.edge == network::kNoEdge) {
        ++lost;
        continue;
      }
      auto& a = acc[{tp->route, seg.edge, slice}];
      a.incidents += inc.weight * piece.weight;
      a.harm += inc.weight * piece.weight * severity;
    }
  }
  if (lost) log::warn("plan: {} pieces of on-board placements lie on stretches of zero length and are not ranked", lost);
  // Vehicle-hours a week per route x edge x slice: each run's time on each of its
  // segments, cut at the clock's hours, times the share of weeks its service runs
  // on that weekday.
  const auto& feed = sys->feed();
  std::vector<std::array<double, 7>> runs_on(feed.services.size());
  for (std::size_t s = 0; s < feed.services.size(); ++s) {
    const auto& svc = feed.services[s];
    const std::int32_t a = svc.first_day(), b = svc.last_day();
    std::array<double, 7> on{}, all{};
    for (std::int32_t d = a; d <= b; ++d) {
      const int w = weekday_of_day(d);
      all[static_cast<std::size_t>(w)] += 1;
      on[static_cast<std::size_t>(w)] += svc.active(d) ? 1 : 0;
    }
    for (std::size_t w = 0; w < 7; ++w) runs_on[s][w] = all[w] > 0 ? on[w] / all[w] : 0.0;
  }
  for (const auto& run : sys->runs()) {
    if (run.service == gtfs::kNone) continue;
    const auto& line = sys->lines()[run.line];
    for (std::size_t k = 0; k + 1 < line.stops.size(); ++k) {
      const auto& seg = sys->segments()[line.segment(k)];
      if (seg.edge == network::kNoEdge) continue;
      const std::int32_t t0 = sys->departure(run, k), t1 = sys->arrival(run, k + 1);
      for (std::size_t w = 0; w < 7; ++w) {
        const double share = runs_on[run.service][w];
        if (share <= 0) continue;
        for (std::int32_t t = t0; t < t1;) {
          const std::int32_t next = std::min(t1, (t / 3600 + 1) * 3600);
          const int day_offset = t / kDay;
          const int hour = (t % kDay) / 3600;
          const int wd = static_cast<int>((w + static_cast<std::size_t>(day_offset)) % 7);
          const std::size_t slice = slice_of(day_group(wd), situation::time_band(hour));
          acc[{run.route, seg.edge, slice}].vehicle_hours += share * (next - t) / 3600.0;
          t = next;
        }
      }
    }
  }
  for (const auto& [key, a] : acc) {
    const auto [route, edge, slice] = key;
    if (a.harm <= 0) continue;
    planning::TransitHostCandidate c;
    const auto& r = feed.routes[route];
    c.route_id = r.id;
    c.line = r.short_name.empty() ? r.id : r.short_name;
    c.mode = gtfs::swedish_name(r.mode);
    const auto names = edge_names(*sys, edge);
    c.from_stop = names.from;
    c.to_stop = names.to;
    c.stretch_id = edge;
    const std::size_t g = slice / situation::kTimeBands, b = slice % situation::kTimeBands;
    c.weekdays = kWeekdays[g];
    c.from_hour = situation::kTimeBandDefs[b].from_hour;
    c.to_hour = situation::kTimeBandDefs[b].to_hour;
    c.slice_sv = slice_label(slice, true);
    c.slice_en = slice_label(slice, false);
    c.incidents_per_week = a.incidents / weeks;
    c.harm_per_week = a.harm / weeks;
    c.vehicle_hours_per_week = a.vehicle_hours;
    c.window_hours_per_week = static_cast<double>((c.to_hour - c.from_hour) * kGroupDays[g]);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace tryggve::pipeline
