#include "tryggve/planning/transit_hosts.hpp"
#include "interval_json.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "tryggve/core/csv.hpp"
#include "tryggve/core/error.hpp"

namespace tryggve::planning {

void TransitHostOptions::declare(OptionSet& o) {
  o.real("host_hours_per_week", host_hours_per_week, "Budget: host-hours a week on board", 0.0, 1e6);
  o.integer("hosts_per_vehicle", hosts_per_vehicle, "Hosts on a staffed vehicle (they work in pairs)", 1, 20);
  o.real("coverage", coverage, "Share of the stretch's vehicles staffed in the chosen hours", 0.01, 1.0);
  o.real("sek_per_host_hour", sek_per_host_hour, "Cost of one host-hour (wage and overheads), SEK", 0.0, 1e6);
  o.integer("history_months", history_months, "Latest months of on-board reports the forecast reads", 1, 120);
  o.integer("max_items", max_items, "At most this many stretches in the plan (0: no limit)", 0, 10000);
  o.real("min_harm_per_week", min_harm_per_week, "Leave out stretches with less forecast harm a week", 0.0, 1e6);
  o.text("evidence_key", evidence_key, "Evidence-table row for the effect of hosts on board");
}

void TransitHostOptions::check() const {
  if (!(host_hours_per_week >= 0))
    throw Error(ErrorCode::BadOption, "transit_hosts.host_hours_per_week", "must be >= 0");
  if (!(coverage > 0 && coverage <= 1)) throw Error(ErrorCode::BadOption, "transit_hosts.coverage", "must be in (0, 1]");
  if (hosts_per_vehicle < 1) throw Error(ErrorCode::BadOption, "transit_hosts.hosts_per_vehicle", "must be >= 1");
}

Effect host_effect(const simulation::EvidenceRow& row) {
  Effect e;
  // E[1 - RR] over z ~ N(0, 1), midpoint rule on [-8, 8].
  const double dz = 0.001;
  for (double z = -8 + dz / 2; z < 8; z += dz)
    e.mean += (1.0 - simulation::draw_rr(row, z)) * std::exp(-0.5 * z * z) * dz / std::sqrt(2 * std::numbers::pi);
  const double a = 1.0 - simulation::draw_rr(row, 1.6448536269514722);
  const double b = 1.0 - simulation::draw_rr(row, -1.6448536269514722);
  e.low = std::min(a, b);
  e.high = std::max(a, b);
  return e;
}

TransitHostPlan plan_transit_hosts(std::vector<TransitHostCandidate> cands, const simulation::EvidenceTable& evidence,
                                   const TransitHostOptions& o) {
  o.check();
  const simulation::EvidenceRow* row = nullptr;
  for (const auto& r : evidence.rows())
    if (r.intervention == o.evidence_key && (!row || r.parameter == "*")) row = &r;
  if (!row)
    throw Error(ErrorCode::NoData, "transit_hosts.evidence_key",
                fmt::format("the evidence table has no '{}' row", o.evidence_key));
  TransitHostPlan plan;
  const Effect eff = host_effect(*row);
  plan.effect_mean = eff.mean;
  plan.effect_low = eff.low;
  plan.effect_high = eff.high;
  plan.evidence_source = row->source;
  std::erase_if(cands, [&](const TransitHostCandidate& c) {
    return !(c.harm_per_week > 0) || !(c.vehicle_hours_per_week > 0) || c.harm_per_week < o.min_harm_per_week;
  });
  plan.candidates = cands.size();
  auto host_hours = [&](const TransitHostCandidate& c) {
    return static_cast<double>(o.hosts_per_vehicle) * std::max(o.coverage * c.vehicle_hours_per_week, c.window_hours_per_week);
  };
  // Own harm per host-hour: the effect and coverage scale every candidate alike.
  auto per_hour = [&](const TransitHostCandidate& c) { return c.harm_per_week / host_hours(c); };
  std::stable_sort(cands.begin(), cands.end(), [&](const TransitHostCandidate& a, const TransitHostCandidate& b) {
    const double pa = per_hour(a), pb = per_hour(b);
    if (pa != pb) return pa > pb;
    return a.harm_per_week > b.harm_per_week;
  });
  double left = o.host_hours_per_week;
  for (const auto& c : cands) {
    if (o.max_items > 0 && plan.items.size() >= static_cast<std::size_t>(o.max_items)) break;
    const double hours = host_hours(c);
    if (hours > left + 1e-9) continue;
    TransitHostItem it;
    it.rank = static_cast<int>(plan.items.size()) + 1;
    it.stretch = c;
    it.host_hours_per_week = hours;
    it.cost_sek_per_week = hours * o.sek_per_host_hour;
    const double at_risk = c.harm_per_week * o.coverage;
    it.harm_prevented_per_week = {at_risk * eff.mean, at_risk * eff.low, at_risk * eff.high};
    it.prevented_per_host_hour = it.harm_prevented_per_week.mean / hours;
    left -= hours;
    plan.host_hours_used += hours;
    plan.harm_prevented_per_week.mean += it.harm_prevented_per_week.mean;
    plan.harm_prevented_per_week.low += it.harm_prevented_per_week.low;
    plan.harm_prevented_per_week.high += it.harm_prevented_per_week.high;
    plan.items.push_back(std::move(it));
  }
  return plan;
}

std::string transit_hosts_csv(const TransitHostPlan& plan) {
  std::string s =
      "rank,line,mode,from_stop,to_stop,stretch_id,weekdays,hours,slice,incidents_per_week,harm_per_week,"
      "vehicle_hours_per_week,window_hours_per_week,host_hours_per_week,cost_sek_per_week,harm_prevented_per_week,prevented_low,"
      "prevented_high,prevented_per_host_hour\n";
  for (const auto& it : plan.items) {
    const auto& c = it.stretch;
    s += fmt::format("{},{},{},{},{},{},{},{:02d}-{:02d},{},{:.4f},{:.4f},{:.3f},{:.1f},{:.3f},{:.0f},{:.5f},{:.5f},{:.5f},{:.6f}\n",
                     it.rank, csv_field(c.line), csv_field(c.mode), csv_field(c.from_stop), csv_field(c.to_stop),
                     c.stretch_id, c.weekdays, c.from_hour, c.to_hour, csv_field(c.slice_en), c.incidents_per_week,
                     c.harm_per_week, c.vehicle_hours_per_week, c.window_hours_per_week, it.host_hours_per_week, it.cost_sek_per_week,
                     it.harm_prevented_per_week.mean, it.harm_prevented_per_week.low, it.harm_prevented_per_week.high,
                     it.prevented_per_host_hour);
  }
  return s;
}

nlohmann::json to_json(const TransitHostPlan& plan, const TransitHostOptions& o) {
  const auto iv = interval_json;
  nlohmann::json j;
  j["budget_host_hours_per_week"] = o.host_hours_per_week;
  j["host_hours_used"] = plan.host_hours_used;
  j["hosts_per_vehicle"] = o.hosts_per_vehicle;
  j["coverage"] = o.coverage;
  j["sek_per_host_hour"] = o.sek_per_host_hour;
  j["history_months"] = o.history_months;
  j["forecast_weeks"] = plan.forecast_weeks;
  j["candidates"] = plan.candidates;
  j["effect"] = {{"evidence_key", o.evidence_key}, {"one_minus_rr_mean", plan.effect_mean},
                 {"one_minus_rr_low", plan.effect_low}, {"one_minus_rr_high", plan.effect_high},
                 {"source", plan.evidence_source}};
  j["harm_prevented_per_week"] = iv(plan.harm_prevented_per_week);
  j["ranking"] = "own prevented harm per host-hour (no diffusion to neighbours counted)";
  j["interval"] = "5th and 95th percentiles of the evidence row's relative risk; the low end is negative where it includes a rise";
  nlohmann::json items = nlohmann::json::array();
  for (const auto& it : plan.items) {
    const auto& c = it.stretch;
    items.push_back({{"rank", it.rank}, {"line", c.line}, {"route_id", c.route_id}, {"mode", c.mode},
                     {"from_stop", c.from_stop}, {"to_stop", c.to_stop}, {"stretch_id", c.stretch_id},
                     {"weekdays", c.weekdays}, {"hours", fmt::format("{:02d}-{:02d}", c.from_hour, c.to_hour)},
                     {"slice_sv", c.slice_sv}, {"slice_en", c.slice_en}, {"incidents_per_week", c.incidents_per_week},
                     {"harm_per_week", c.harm_per_week}, {"vehicle_hours_per_week", c.vehicle_hours_per_week},
                     {"window_hours_per_week", c.window_hours_per_week},
                     {"host_hours_per_week", it.host_hours_per_week}, {"cost_sek_per_week", it.cost_sek_per_week},
                     {"harm_prevented_per_week", iv(it.harm_prevented_per_week)},
                     {"prevented_per_host_hour", it.prevented_per_host_hour}});
  }
  j["items"] = items;
  return j;
}

namespace {
// A YAML double-quoted scalar.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}
}  // namespace

std::string scenario_yaml(const TransitHostPlan& plan, const TransitHostOptions& o) {
  std::string s = "# Transit hosts planned by `tryggve plan transit-hosts`: paste under a scenario's interventions.\n";
  for (const auto& it : plan.items) {
    const auto& c = it.stretch;
    s += fmt::format("  - type: transit_host\n"
                     "    name: {}\n"
                     "    where:\n"
                     "      - line: {}\n"
                     "        between: [{}, {}]\n"
                     "    when: {{weekdays: {}, hours: \"{:02d}-{:02d}\"}}\n"
                     "    hosts: {}\n"
                     "    coverage: {}\n"
                     "    cost_sek: {:.0f}  # a year: {:.1f} host-hours a week at {:.0f} SEK\n",
                     quoted(fmt::format("värdar {} {}-{} {}", c.line, c.from_stop, c.to_stop, c.slice_sv)),
                     quoted(c.line), quoted(c.from_stop), quoted(c.to_stop), quoted(c.weekdays), c.from_hour,
                     c.to_hour, o.hosts_per_vehicle, o.coverage, 52.0 * it.cost_sek_per_week, it.host_hours_per_week,
                     o.sek_per_host_hour);
  }
  return s;
}

}  // namespace tryggve::planning
