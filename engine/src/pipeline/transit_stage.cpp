#include "tryggve/pipeline/transit_stage.hpp"

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/io/incidents.hpp"
#include "tryggve/transit/layers.hpp"

namespace tryggve::pipeline {

TransitNetwork load_transit(const std::string& gtfs_path, io::CrsContext& crs, RejectLog& rejects) {
  TransitNetwork t;
  io::GtfsReadOptions o;
  o.rejects = &rejects;
  gtfs::Feed feed = io::read_gtfs(gtfs_path, crs, o, &t.read_report);
  transit::BuildOptions bo;
  bo.crs_wkt = crs.wkt();
  t.system = std::make_shared<const transit::System>(transit::build(std::move(feed), bo, &t.build_report));
  log::info("{}", t.read_report.summary());
  log::info("{}", t.build_report.summary());
  return t;
}

TransitReports read_transit_reports(const std::string& path, const transit::Placer& placer, io::CrsContext& crs,
                                    const TimeZone& zone, const std::string& default_actor, RejectLog& rejects) {
  io::IncidentFieldMapping m;
  m.default_actor = default_actor.empty() ? "transit" : default_actor;
  // The operator's own place column ("plats": ombord / hållplats) is not an address.
  m.address = "";
  const std::size_t rejects_before = rejects.size();
  io::IncidentTable table = io::read_incident_table(path, crs, m, zone, rejects);
  TransitReports out;
  out.rows_read = table.rows_read;
  std::size_t not_transit = 0;
  for (auto& row : table.rows) {
    const transit::TransitPlaceResult res = transit::place_row(placer, row.fields, row.inc.has_time, row.inc.time);
    if (!res.placed) {
      if (res.asked == transit::PlaceKind::None) ++not_transit;
      Reject x;
      x.file = path;
      x.source_row = row.inc.source_row;
      x.reason = res.reason;
      x.detail = res.detail;
      x.raw = fmt::format("id={}; line={}; stop={}; category={}", row.inc.id, row.line, row.stop, row.inc.category);
      rejects.add(std::move(x));
      continue;
    }
    row.inc.pos = res.place.pos;
    out.incidents.push_back(std::move(row.inc));
    out.places.push_back(res.place);
  }
  log::info("{}: {} transit reports read, {} placed, {} rejected{}", path, out.rows_read, out.incidents.size(),
            rejects.size() - rejects_before,
            not_transit ? fmt::format(" ({} without a line or stop)", not_transit) : std::string());
  return out;
}

void write_transit_layers(io::VectorWriter& w, const transit::System& sys) {
  using io::FieldType;
  auto& lines = w.add_layer(kTransitLinesLayer, io::GeometryKind::Line,
                            {{"segment_id", FieldType::Int64}, {"route_id", FieldType::String},
                             {"line", FieldType::String}, {"mode", FieldType::String},
                             {"direction", FieldType::Int64}, {"headsign", FieldType::String},
                             {"stop_index", FieldType::Int64}, {"from_stop", FieldType::String},
                             {"to_stop", FieldType::String}, {"from_stop_id", FieldType::String},
                             {"to_stop_id", FieldType::String}, {"length_m", FieldType::Real},
                             {"geometry_source", FieldType::String}});
  for (const auto& f : transit::line_features(sys))
    lines.add({f.segment, f.route_id, f.line, f.mode, f.direction, f.headsign, f.index, f.from_stop, f.to_stop,
               f.from_stop_id, f.to_stop_id, f.length_m, f.source},
              f.geometry);
  auto& stops = w.add_layer(kTransitStopsLayer, io::GeometryKind::Point,
                            {{"station_id", FieldType::Int64}, {"stop_id", FieldType::String},
                             {"name", FieldType::String}, {"lines", FieldType::String},
                             {"platforms", FieldType::Int64}});
  for (const auto& f : transit::stop_features(sys))
    stops.add({f.station, f.stop_id, f.name, f.lines, f.platforms}, f.pos);
}

}  // namespace tryggve::pipeline
