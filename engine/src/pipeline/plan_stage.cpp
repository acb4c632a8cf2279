#include "tryggve/pipeline/plan_stage.hpp"

#include <map>

#include <fmt/format.h>

#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/json_text.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/io/vector_writer.hpp"
#include "tryggve/pipeline/evidence_file.hpp"
#include "tryggve/simulation/evidence.hpp"

namespace tryggve::pipeline {

void PlanStageOptions::declare(OptionSet& o) {
  context.declare(o);
  o.text("evidence", evidence, "Evidence table CSV (default: engine/data/evidence.csv)");
}

void PlanStageOptions::check() const {
  if (transit_hosts_enabled) transit_hosts.check();
  if (patrol_enabled) planning::parse_windows(patrol.windows, "patrol.windows");
  if (routes_enabled) {
    planning::parse_windows(routes.windows, "routes.windows");
    planning::parse_points(routes.starts, "routes.starts");
  }
}

simulation::Place study_place(const MapResult& m) {
  simulation::Place place;  // default: Backa
  const auto centre = m.centre_lon_lat();
  if (!centre) {
    log::warn("plan: the run has no CRS; darkness is computed at the default place ({:.2f} N, {:.2f} E)",
              place.lat_deg, place.lon_deg);
    return place;
  }
  place.lon_deg = centre->x;
  place.lat_deg = centre->y;
  return place;
}

PlanResult run_plan(const MapResult& m, const PlanStageOptions& o) {
  o.check();
  std::vector<simulation::ObservedEvent> events;
  std::size_t untimed = 0;
  for (std::size_t i = 0; i < m.incidents.size(); ++i) {
    const auto& inc = m.incidents[i];
    if (!inc.has_time || inc.parameter == kNoParameter) { ++untimed; continue; }
    simulation::ObservedEvent e;
    e.pos = m.snaps[i].position();
    e.time = inc.time;
    e.parameter = inc.parameter;
    e.outdoor = inc.setting == Setting::Outdoor ||
                (inc.setting == Setting::Unknown && m.taxonomy[inc.parameter].setting != ParameterSetting::Indoor);
    events.push_back(e);
  }
  if (untimed) log::warn("plan: {} placed incidents without a time or parameter are not used", untimed);
  planning::ContextOptions co = o.context;
  co.timezone = m.timezone;  // one time zone for reading and for the calendar
  PlanResult r;
  r.context = std::make_unique<planning::PlanningContext>(m.net, m.lixels, m.taxonomy, std::move(events),
                                                          study_place(m), co);
  const auto evidence = load_evidence_or_default(o.evidence);
  // One context, so one model fit, for every plan: each asks it for its own hours.
  if (o.patrol_enabled) r.plans.patrol = planning::plan_patrol(*r.context, evidence, o.patrol, m.areas);
  if (o.lighting_enabled) r.plans.lighting = planning::plan_lighting(*r.context, evidence, m.lamps, m.parks, o.lighting);
  if (o.routes_enabled) r.plans.routes = planning::plan_walks(*r.context, o.routes);
  if (o.transit_hosts_enabled && m.transit_system) {
    double weeks = 0;
    auto cands = transit_host_candidates(m, o.transit_hosts, &weeks);
    if (!cands.empty()) {
      r.plans.transit_hosts = planning::plan_transit_hosts(std::move(cands), evidence, o.transit_hosts);
      r.plans.transit_hosts->forecast_weeks = weeks;
    }
  }
  return r;
}

namespace {

void write_json(const std::filesystem::path& p, const nlohmann::json& j) { write_text_atomically(p, json_text(j, 2) + "\n"); }

void patrol_outputs(const MapResult& map, const planning::PlanningContext& ctx, const planning::PatrolPlan& plan,
                    const planning::PatrolOptions& o, const RunFolder& dir) {
  write_text_atomically(dir.file(outputs::kWatchListCsv), planning::watch_list_csv(plan));
  write_text_atomically(dir.file(outputs::kPatrolBacktestCsv), planning::patrol_backtest_csv(plan));
  write_json(dir.file(outputs::kWatchListJson), planning::to_json(plan, o));
  io::VectorWriter out(dir.file(outputs::kPatrolGpkg), map.crs, {.lang = dir.lang()});
  auto& l = out.add_layer(outputs::kWatchListLayer, io::GeometryKind::Line,
                          {{"rank", io::FieldType::Int64}, {"place_id", io::FieldType::Int64},
                           {"edge_id", io::FieldType::Int64}, {"street", io::FieldType::String},
                           {"visits_per_week", io::FieldType::Int64}, {"officer_hours", io::FieldType::Real},
                           {"forecast_harm", io::FieldType::Real}, {"harm_prevented", io::FieldType::Real}});
  const auto& cells = ctx.cells();
  for (const auto& it : plan.items) {
    const auto& first = cells.cell(it.place.cells.front());
    const auto& last = cells.cell(it.place.cells.back());
    l.add({it.rank, it.place.id, it.place.edge, it.street, it.visits_per_week, it.officer_hours_per_week,
           it.forecast_harm, it.marginal_harm_prevented},
          substring(map.net.edge(it.place.edge).geometry, first.start, last.end));
  }
  out.commit();
}

void lighting_outputs(const MapResult& map, const planning::PlanningContext& ctx, const planning::LightingPlan& plan,
                      const planning::LightingOptions& o, const RunFolder& dir) {
  write_text_atomically(dir.file(outputs::kLightingCsv), planning::lighting_csv(plan));
  write_json(dir.file(outputs::kLightingJson), planning::to_json(plan, o));
  io::VectorWriter out(dir.file(outputs::kLightingGpkg), map.crs, {.lang = dir.lang()});
  std::map<int, int> rank;
  for (const auto& p : plan.projects) rank[p.id] = p.rank;
  auto& lx = out.add_layer(outputs::kLightingLixelsLayer, io::GeometryKind::Line,
                           {{"lixel_id", io::FieldType::Int64}, {"edge_id", io::FieldType::Int64},
                            {"lit", io::FieldType::Int64}, {"source", io::FieldType::String},
                            {"lamp_cover", io::FieldType::Real}, {"project_id", io::FieldType::Int64},
                            {"rank", io::FieldType::Int64}});
  const auto& cells = ctx.cells();
  for (simulation::CellId c = 0; c < cells.size(); ++c) {
    const auto& cl = cells.cell(c);
    const auto& x = plan.lixels[c];
    const int pid = plan.project_of_cell[c];
    lx.add({c, cl.edge, x.lit, planning::to_string(x.source), x.lamp_cover, pid >= 0 ? io::FieldValue(pid) : io::FieldValue(),
            pid >= 0 ? io::FieldValue(rank[pid]) : io::FieldValue()},
           substring(map.net.edge(cl.edge).geometry, cl.start, cl.end));
  }
  auto& pr = out.add_layer(outputs::kLightingProjectsLayer, io::GeometryKind::Point,
                           {{"rank", io::FieldType::Int64}, {"project_id", io::FieldType::Int64},
                            {"kind", io::FieldType::String}, {"name", io::FieldType::String},
                            {"length_m", io::FieldType::Real}, {"lamps", io::FieldType::Int64},
                            {"cost_sek", io::FieldType::Real}, {"prevented_per_year", io::FieldType::Real},
                            {"prevented_low", io::FieldType::Real}, {"prevented_high", io::FieldType::Real},
                            {"prevented_per_100k_sek", io::FieldType::Real}});
  for (const auto& p : plan.projects)
    pr.add({p.rank, p.id, p.kind, p.name, p.length_m, p.lamps, p.cost_sek, p.prevented_per_year.mean,
            p.prevented_per_year.low, p.prevented_per_year.high, p.prevented_per_100k_sek.mean},
           p.mid);
  out.commit();
}

void route_outputs(const MapResult& map, const planning::RoutePlan& plan, const planning::RouteOptions& o,
                   const RunFolder& dir) {
  write_text_atomically(dir.file(outputs::kRoutesCsv), planning::routes_csv(plan, map.net));
  write_json(dir.file(outputs::kRoutesJson), planning::to_json(plan, o, map.net));
  io::VectorWriter out(dir.file(outputs::kRoutesGpkg), map.crs, {.lang = dir.lang()});
  auto& l = out.add_layer(outputs::kRoutesLayer, io::GeometryKind::Line,
                          {{"walker", io::FieldType::Int64}, {"step", io::FieldType::Int64},
                           {"edge_id", io::FieldType::Int64}, {"street", io::FieldType::String},
                           {"risk", io::FieldType::Real}});
  for (const auto& r : plan.routes)
    for (std::size_t k = 0; k < r.edges.size(); ++k) {
      const auto& e = map.net.edge(r.edges[k]);
      l.add({r.walker, k + 1, r.edges[k], e.name, plan.edge_risk[r.edges[k]]}, e.geometry);
    }
  out.commit();
}

}  // namespace

void write_plan(const RunFolder& folder, const MapResult& map, const PlanResult& r, const PlanStageOptions& o) {
  folder.create(outputs::kPlanDir);
  if (r.plans.patrol) patrol_outputs(map, *r.context, *r.plans.patrol, o.patrol, folder);
  if (r.plans.lighting) lighting_outputs(map, *r.context, *r.plans.lighting, o.lighting, folder);
  if (r.plans.routes) route_outputs(map, *r.plans.routes, o.routes, folder);
  if (const auto& p = r.plans.transit_hosts) {
    write_text_atomically(folder.file(outputs::kTransitHostsCsv), planning::transit_hosts_csv(*p));
    write_json(folder.file(outputs::kTransitHostsJson), planning::to_json(*p, o.transit_hosts));
    write_text_atomically(folder.file(outputs::kTransitHostsYaml), planning::scenario_yaml(*p, o.transit_hosts));
  }
}

}  // namespace tryggve::pipeline
