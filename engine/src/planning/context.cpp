#include "tryggve/planning/context.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/month.hpp"
#include "tryggve/core/strings.hpp"
#include "tryggve/core/log.hpp"

namespace tryggve::planning {

using namespace simulation;

std::vector<ParameterTraits> parameter_traits(const Taxonomy& taxonomy) { return traits_from_taxonomy(taxonomy); }

namespace {

std::string lower_trim(const std::string& s) { return ascii_lower(trim(s)); }

int day_of(const std::string& d) {
  static const std::map<std::string, int> days = {
      {"mon", 0}, {"tue", 1}, {"wed", 2}, {"thu", 3}, {"fri", 4}, {"sat", 5}, {"sun", 6},
      {"monday", 0}, {"tuesday", 1}, {"wednesday", 2}, {"thursday", 3}, {"friday", 4}, {"saturday", 5},
      {"sunday", 6}, {"mån", 0}, {"tis", 1}, {"ons", 2}, {"tor", 3}, {"fre", 4}, {"lör", 5}, {"sön", 6},
      {"måndag", 0}, {"tisdag", 1}, {"onsdag", 2}, {"torsdag", 3}, {"fredag", 4}, {"lördag", 5}, {"söndag", 6}};
  const auto it = days.find(d);
  return it == days.end() ? -1 : it->second;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) { out.push_back(cur); cur.clear(); }
    else cur += c;
  }
  out.push_back(cur);
  return out;
}

}  // namespace

std::vector<WeeklyWindow> parse_windows(const std::string& text, const std::string& where) {
  std::vector<WeeklyWindow> out;
  for (const auto& raw : split(text, ';')) {
    const std::string part = lower_trim(raw);
    if (part.empty()) continue;
    const auto space = part.find_last_of(' ');
    auto bad = [&](const std::string& why) {
      return Error(ErrorCode::BadOption, where, fmt::format("window '{}': {} (expected e.g. 'fri,sat 18-24')", part, why));
    };
    if (space == std::string::npos) throw bad("needs days and hours");
    const std::string days = lower_trim(part.substr(0, space)), hours = lower_trim(part.substr(space + 1));
    WeeklyWindow w;
    w.weekdays = 0;
    for (const auto& d : split(days, ',')) {
      const std::string dd = lower_trim(d);
      if (dd == "daily" || dd == "all" || dd == "alla") { w.weekdays = 0x7F; continue; }
      const auto dash = dd.find('-');
      if (dash != std::string::npos) {
        const int a = day_of(lower_trim(dd.substr(0, dash))), b = day_of(lower_trim(dd.substr(dash + 1)));
        if (a < 0 || b < 0) throw bad("unknown day in '" + dd + "'");
        for (int k = a;; k = (k + 1) % 7) {
          w.weekdays |= static_cast<std::uint8_t>(1u << k);
          if (k == b) break;
        }
      } else {
        const int a = day_of(dd);
        if (a < 0) throw bad("unknown day '" + dd + "'");
        w.weekdays |= static_cast<std::uint8_t>(1u << a);
      }
    }
    const auto dash = hours.find('-');
    if (dash == std::string::npos) throw bad("hours must be FROM-TO");
    try {
      std::size_t n1 = 0, n2 = 0;
      const std::string a = hours.substr(0, dash), b = hours.substr(dash + 1);
      w.from_hour = std::stoi(a, &n1);
      w.to_hour = std::stoi(b, &n2);
      if (n1 != a.size() || n2 != b.size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      throw bad("hours must be whole numbers FROM-TO");
    }
    if (w.from_hour < 0 || w.from_hour > 23 || w.to_hour < 0 || w.to_hour > 24 || w.from_hour == w.to_hour)
      throw bad("hours must be 0..23 and 1..24 and differ");
    out.push_back(w);
  }
  if (out.empty()) throw Error(ErrorCode::BadOption, where, "no time window given (expected e.g. 'fri,sat 18-24')");
  return out;
}

bool in_windows(const std::vector<WeeklyWindow>& windows, int how) {
  for (const auto& w : windows)
    if (w.contains(how)) return true;
  return false;
}

double window_hours_per_week(const std::vector<WeeklyWindow>& windows) {
  int n = 0;
  for (int k = 0; k < kHoursOfWeek; ++k) n += in_windows(windows, k);
  return n;
}

void ContextOptions::declare(OptionSet& o) {
  o.real("cell_cutoff_m", cell_cutoff_m, "Network distance within which cells are neighbours (near repeats, spill-over)",
         20.0, 5000.0);
  o.text("forecast_month", forecast_month, "First month to plan for, YYYY-MM (default: the month after the last incident)");
  o.integer("max_iterations", max_iterations, "EM iterations per parameter when fitting the forecast model", 1, 1000);
  o.flag("no_self_excitation", no_self_excitation, "Fit the forecast model without near repeats (Poisson)");
}

std::vector<double> filtered_counts(const EtasParameters& P, std::span<const CellEvent> ev, const CellNetwork& cells,
                                    const HourCalendar& cal, double t0, double t1, const HourFilter& filter,
                                    bool cascade) {
  t0 = std::max(t0, cal.start_hours());
  t1 = std::min(t1, cal.end_hours());
  std::vector<double> out(cells.size(), 0.0);
  if (t1 <= t0 || P.mu.size() != cells.size()) return out;
  // Per hour: the share of the hour counted (window × dark part) and the background
  // time factor to use for it.
  const auto h0 = static_cast<std::size_t>(std::floor(t0));
  std::vector<std::pair<std::size_t, double>> hours;  // hour, counted weight (within [t0, t1))
  double exposure = 0.0;
  for (std::size_t h = h0; h < cal.size() && static_cast<double>(h) < t1; ++h) {
    const double share = std::min(static_cast<double>(h + 1), t1) - std::max(static_cast<double>(h), t0);
    if (share <= 0) continue;
    double w = filter.weight ? filter.weight(cal[h]) : 1.0;
    if (w <= 0) continue;
    double tf;
    if (filter.dark_only) {
      const double df = cal.dark_fraction(h);
      if (df <= 0) continue;
      w *= df;
      tf = P.time_factor(cal[h], 1.0);
    } else {
      tf = P.time_factor(cal[h], cal.dark_fraction(h));
    }
    exposure += share * w * tf;
    hours.push_back({h, share * w});
  }
  const double family = cascade && P.theta > 0 && P.theta < 0.95 ? 1.0 / (1.0 - P.theta) : 1.0;
  for (std::size_t u = 0; u < cells.size(); ++u) out[u] = P.mu[u] * exposure * family;
  if (P.theta <= 0 || hours.empty()) return out;
  const auto Z = kernel_normalisers(cells, P.sigma_m);
  const auto lo = std::lower_bound(ev.begin(), ev.end(), t0 - P.max_lag_hours,
                                   [](const CellEvent& e, double t) { return e.t < t; });
  const auto hi = std::lower_bound(ev.begin(), ev.end(), t0, [](const CellEvent& e, double t) { return e.t < t; });
  const double w = P.omega_per_hour;
  for (auto it = lo; it != hi; ++it) {
    // Time mass of the trigger inside the counted hours.
    double mass = 0.0;
    for (const auto& [h, weight] : hours) {
      const double a = std::max(static_cast<double>(h), t0) - it->t, b = std::min(static_cast<double>(h + 1), t1) - it->t;
      const double full = std::exp(-w * a) - std::exp(-w * b);
      const double span = b - a;
      mass += span > 0 ? full * (weight / span) : 0.0;
      if (w * a > 50) break;  // later hours add nothing measurable
    }
    mass *= P.theta;
    if (mass <= 0) continue;
    const CellId v = it->cell;
    for (const Neighbour& nb : cells.neighbours(v))
      out[nb.cell] += mass * std::exp(-nb.distance_m / P.sigma_m) * cells.cell(nb.cell).weight_length() / Z[v];
  }
  return out;
}

PlanningContext::PlanningContext(const network::Network& net, const network::Lixelization& lix,
                                 const Taxonomy& taxonomy, std::vector<ObservedEvent> events, Place place,
                                 ContextOptions options)
    : net_(&net), lix_(&lix), taxonomy_(&taxonomy), traits_(parameter_traits(taxonomy)), events_(std::move(events)),
      place_(place), options_(std::move(options)), zone_(TimeZone::from_name(options_.timezone)) {
  if (events_.empty()) throw Error(ErrorCode::NoData, "planning", "no snapped incidents to plan from");
  cells_ = std::make_unique<CellNetwork>(net, lix, options_.cell_cutoff_m);
  int first = std::numeric_limits<int>::max(), last = std::numeric_limits<int>::min();
  for (const auto& e : events_) {
    const int m = month_index(e.time);
    first = std::min(first, m);
    last = std::max(last, m);
  }
  first_month_ = first;
  // The model is fitted on the whole history, hour by hour (simulation/calendar.hpp
  // takes at most 30 years): a longer span is nearly always one mistyped year.
  if (last - first >= 30 * 12)
    throw Error(ErrorCode::TooLarge, "planning",
                fmt::format("the incidents span {} months ({} to {}), more than the 30 years the forecast model is "
                            "fitted on: look for a mistyped year among the earliest and latest time stamps",
                            last - first + 1, month_label(first), month_label(last)));
  forecast_month_ = options_.forecast_month.empty() ? last + 1 : parse_month(options_.forecast_month, "forecast_month");
  if (forecast_month_ <= first_month_)
    throw Error(ErrorCode::NoData, "forecast_month",
                fmt::format("no history before {} (the first incident is in {})", month_label(forecast_month_),
                            month_label(first_month_)));
}

const FittedModel& PlanningContext::model(int end_month) const {
  static std::mutex mu;
  std::lock_guard lock(mu);
  for (const auto& [m, f] : models_)
    if (m == end_month) return *f;
  if (end_month <= first_month_)
    throw Error(ErrorCode::NoData, "planning", fmt::format("no history before {}", month_label(end_month)));
  const int count = end_month - first_month_;
  const YearMonth first = year_month(first_month_);
  const StudyPeriod period = local_months(zone_, first.year, first.month, count);
  const HourCalendar cal(period, zone_, place_);
  // Events at or after the fit window's end would make the table reject them as
  // "after the end"; they are simply not history for this fit.
  std::vector<ObservedEvent> before;
  for (const auto& e : events_)
    if (e.time.utc_seconds < period.end_utc) before.push_back(e);
  const EventTable table = make_event_table(before, *cells_, cal, traits_.size());
  FitOptions fo;
  fo.max_iterations = options_.max_iterations;
  fo.self_exciting = !options_.no_self_excitation;
  fo.cache = options_.fit_cache;
  log::info(fmt::format("planning: fitting the forecast model on {} .. {} ({} incidents)", month_label(first_month_),
                        month_label(end_month - 1), table.total()));
  auto fitted = std::make_shared<FittedModel>(fit(table, *cells_, cal, traits_, fo));
  models_.push_back({end_month, fitted});
  return *fitted;
}

std::shared_ptr<const PlanningContext::Window> PlanningContext::window(int month, int count) const {
  static std::mutex mu;
  std::lock_guard lock(mu);
  for (const auto& [k, w] : windows_)
    if (k == std::make_pair(month, count)) return w;
  auto w = std::make_shared<Window>();
  const YearMonth start = year_month(month);
  const StudyPeriod period = local_months(zone_, start.year, start.month, count);
  w->calendar = HourCalendar(period, zone_, place_);
  std::vector<ObservedEvent> history;
  for (const auto& e : events_)
    if (e.time.utc_seconds < period.end_utc) history.push_back(e);
  w->events = make_event_table(history, *cells_, w->calendar, traits_.size());
  windows_.push_back({{month, count}, w});
  return w;
}

std::vector<std::vector<double>> PlanningContext::forecast(int month, int count, const HourFilter& filter,
                                                           int model_end_month) const {
  const FittedModel& m = model(model_end_month);
  const auto w = window(month, count);
  const double t0 = w->calendar.start_hours(), t1 = w->calendar.end_hours();
  std::vector<std::vector<double>> out(traits_.size());
  for (std::size_t p = 0; p < traits_.size(); ++p)
    out[p] = filtered_counts(m.parameters[p], w->events.by_parameter[p], *cells_, w->calendar, t0, t1, filter);
  return out;
}

}  // namespace tryggve::planning
