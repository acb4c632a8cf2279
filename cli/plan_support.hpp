#pragma once
// The plans' inputs and outputs, shared by `tryggve plan` and `tryggve demo`:
// one map stage and one model fit feed all three plans, each written into
// RUN_DIR/plan/ as CSV, JSON and a GeoPackage (atomically).
#include <filesystem>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <ogr_spatialref.h>

#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/json_text.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/io/crs.hpp"
#include "tryggve/io/vector_writer.hpp"
#include "tryggve/pipeline/map_stage.hpp"
#include "tryggve/pipeline/outputs.hpp"
#include "tryggve/planning/context.hpp"
#include "tryggve/planning/lighting.hpp"
#include "tryggve/planning/patrol.hpp"
#include "tryggve/planning/routes.hpp"

namespace tryggve::cli::plans {

namespace fs = std::filesystem;

// Everything a plan needs from the map stage, kept alive together.
struct Inputs {
  pipeline::MapResult map;
  std::unique_ptr<planning::PlanningContext> ctx;
  simulation::EvidenceTable evidence;
};

inline simulation::Place study_place(const pipeline::MapResult& m) {
  simulation::Place place;  // default: Backa
  const Envelope ext = m.net.extent();
  if (m.crs.is_local() || !m.crs.srs() || ext.empty()) {
    log::warn("plan: the run has no CRS; darkness is computed at the default place ({:.2f} N, {:.2f} E)",
              place.lat_deg, place.lon_deg);
    return place;
  }
  OGRSpatialReference wgs;
  wgs.SetWellKnownGeogCS("WGS84");
  wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(m.crs.srs(), &wgs));
  double x = 0.5 * (ext.min_x + ext.max_x), y = 0.5 * (ext.min_y + ext.max_y);
  if (!ct || !ct->Transform(1, &x, &y))
    throw Error(ErrorCode::BadCrs, m.crs.describe(), "cannot find the study area's latitude for the sun");
  place.lon_deg = x;
  place.lat_deg = y;
  return place;
}

inline std::shared_ptr<Inputs> load(const pipeline::MapOptions& mo, const planning::ContextOptions& co,
                             const std::string& evidence_file) {
  auto in = std::make_shared<Inputs>();
  in->map = pipeline::run_map(mo);
  std::vector<simulation::ObservedEvent> events;
  std::size_t untimed = 0;
  const auto& m = in->map;
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
  in->ctx = std::make_unique<planning::PlanningContext>(m.net, m.lixels, m.taxonomy, std::move(events),
                                                        study_place(m), co);
  in->evidence = evidence_file.empty() ? simulation::EvidenceTable::load_default()
                                       : simulation::EvidenceTable::load(evidence_file);
  return in;
}

inline void write_json(const fs::path& p, const nlohmann::json& j) { write_text_atomically(p, json_text(j, 2) + "\n"); }

inline void patrol_outputs(const Inputs& in, const planning::PatrolPlan& plan, const planning::PatrolOptions& o,
                    const fs::path& dir) {
  write_text_atomically(dir / outputs::kWatchListCsv, planning::watch_list_csv(plan));
  write_text_atomically(dir / outputs::kPatrolBacktestCsv, planning::patrol_backtest_csv(plan));
  write_json(dir / outputs::kWatchListJson, planning::to_json(plan, o));
  io::VectorWriter out(dir / outputs::kPatrolGpkg, in.map.crs);
  auto& l = out.add_layer(outputs::kWatchListLayer, io::GeometryKind::Line,
                          {{"rank", io::FieldType::Int64}, {"place_id", io::FieldType::Int64},
                           {"edge_id", io::FieldType::Int64}, {"street", io::FieldType::String},
                           {"visits_per_week", io::FieldType::Int64}, {"officer_hours", io::FieldType::Real},
                           {"forecast_harm", io::FieldType::Real}, {"harm_prevented", io::FieldType::Real}});
  const auto& cells = in.ctx->cells();
  for (const auto& it : plan.items) {
    const auto& first = cells.cell(it.place.cells.front());
    const auto& last = cells.cell(it.place.cells.back());
    l.add({it.rank, it.place.id, it.place.edge, it.street, it.visits_per_week, it.officer_hours_per_week,
           it.forecast_harm, it.marginal_harm_prevented},
          substring(in.map.net.edge(it.place.edge).geometry, first.start, last.end));
  }
  out.commit();
}

inline void lighting_outputs(const Inputs& in, const planning::LightingPlan& plan, const planning::LightingOptions& o,
                      const fs::path& dir) {
  write_text_atomically(dir / outputs::kLightingCsv, planning::lighting_csv(plan));
  write_json(dir / outputs::kLightingJson, planning::to_json(plan, o));
  io::VectorWriter out(dir / outputs::kLightingGpkg, in.map.crs);
  std::map<int, int> rank;
  for (const auto& p : plan.projects) rank[p.id] = p.rank;
  auto& lx = out.add_layer(outputs::kLightingLixelsLayer, io::GeometryKind::Line,
                           {{"lixel_id", io::FieldType::Int64}, {"edge_id", io::FieldType::Int64},
                            {"lit", io::FieldType::Int64}, {"source", io::FieldType::String},
                            {"lamp_cover", io::FieldType::Real}, {"project_id", io::FieldType::Int64},
                            {"rank", io::FieldType::Int64}});
  const auto& cells = in.ctx->cells();
  for (simulation::CellId c = 0; c < cells.size(); ++c) {
    const auto& cl = cells.cell(c);
    const auto& x = plan.lixels[c];
    const int pid = plan.project_of_cell[c];
    lx.add({c, cl.edge, x.lit, planning::to_string(x.source), x.lamp_cover, pid >= 0 ? io::FieldValue(pid) : io::FieldValue(),
            pid >= 0 ? io::FieldValue(rank[pid]) : io::FieldValue()},
           substring(in.map.net.edge(cl.edge).geometry, cl.start, cl.end));
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

inline void route_outputs(const Inputs& in, const planning::RoutePlan& plan, const planning::RouteOptions& o,
                   const fs::path& dir) {
  write_text_atomically(dir / outputs::kRoutesCsv, planning::routes_csv(plan, in.map.net));
  write_json(dir / outputs::kRoutesJson, planning::to_json(plan, o, in.map.net));
  io::VectorWriter out(dir / outputs::kRoutesGpkg, in.map.crs);
  auto& l = out.add_layer(outputs::kRoutesLayer, io::GeometryKind::Line,
                          {{"walker", io::FieldType::Int64}, {"step", io::FieldType::Int64},
                           {"edge_id", io::FieldType::Int64}, {"street", io::FieldType::String},
                           {"risk", io::FieldType::Real}});
  for (const auto& r : plan.routes)
    for (std::size_t k = 0; k < r.edges.size(); ++k) {
      const auto& e = in.map.net.edge(r.edges[k]);
      l.add({r.walker, k + 1, r.edges[k], e.name, plan.edge_risk[r.edges[k]]}, e.geometry);
    }
  out.commit();
}

}  // namespace tryggve::cli::plans
