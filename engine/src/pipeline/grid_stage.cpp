#include "tryggve/core/json_text.hpp"
#include "tryggve/pipeline/grid_stage.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include <fmt/format.h>

#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/io/incidents.hpp"
#include "tryggve/io/raster_writer.hpp"
#include "tryggve/io/vector_writer.hpp"
#include "tryggve/pipeline/hotspots_stage.hpp"
#include "tryggve/pipeline/map_stage.hpp"
#include "model_outputs.hpp"
#include "tryggve/taxonomy/classifier.hpp"

namespace tryggve::pipeline {

using namespace situation;

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
}  // namespace

void GridStageOptions::declare(OptionSet& o) {
  o.text("incidents", incidents, "Incidents: CSV (lat/lon or x/y), GeoJSON, GeoPackage, Shapefile", true)
      .text("crs", crs, "Run CRS: EPSG:NNNN (metric) or 'auto' (UTM zone of the data)")
      .text("timezone", timezone, "Time zone of times without an offset (IANA name or POSIX rule)")
      .text("time_field", time_field, "Time column (default: auto-detect)")
      .text("category_field", category_field, "Category column (default: auto-detect)")
      .text("lon_field", lon_field, "Longitude column (WGS84)")
      .text("lat_field", lat_field, "Latitude column (WGS84)")
      .text("x_field", x_field, "x column (in --source-crs)")
      .text("y_field", y_field, "y column (in --source-crs)")
      .text("source_crs", source_crs, "CRS of x/y columns, or of an incident layer that declares none")
      .flag("month_first", month_first, "Ambiguous dates are month first, US style (03/05/2024 = March 5)")
      .text("taxonomy", taxonomy, "Taxonomy file (default: the shipped 15 parameters)")
      .list("mappings", mappings, "Category mapping tables, in priority order: auto, polisen, houston, chicago, tryggve or CSV paths")
      .text("extent", extent,
            "Study extent: 'auto' (data quantiles plus a margin) or min_x,min_y,max_x,max_y (lon/lat unless --extent-crs run)")
      .choice("extent_crs", extent_crs, "Coordinates of --extent", {"wgs84", "run"})
      .real("extent_quantile", extent_quantile, "auto extent: quantile of x and y on each side", 0.0, 0.25)
      .real("extent_margin_m", extent_margin_m, "auto extent: margin around the quantile box (m)", 0.0, 1e6);
  analysis.declare(o);
}

GridStageResult run_grid(const GridStageOptions& o) {
  if (o.incidents.empty()) throw Error(ErrorCode::Usage, "grid", "--incidents is required");
  const CellShape shape = o.analysis.shape == "hex" ? CellShape::Hexagon : CellShape::Square;
  io::CrsContext crs = io::CrsContext::from_spec(o.crs);
  if (crs.is_local()) {
    // Fine: cells are in the data's own units.
  }
  const Taxonomy taxonomy = o.taxonomy.empty() ? Taxonomy::load_default() : Taxonomy::load(o.taxonomy);
  const TimeZone zone = TimeZone::from_name(o.timezone);
  io::IncidentFieldMapping m;
  m.time = o.time_field;
  m.category = o.category_field;
  m.lon = o.lon_field;
  m.lat = o.lat_field;
  m.x = o.x_field;
  m.y = o.y_field;
  m.source_crs = o.source_crs;
  m.day_first = !o.month_first;
  RejectLog rejects;
  auto t0 = Clock::now();
  std::vector<Incident> incidents = io::read_incidents(o.incidents, crs, m, zone, rejects);
  const std::size_t rows_read = incidents.size() + rejects.size();
  const Classifier classifier(taxonomy, o.mappings);
  incidents = classifier.classify_all(std::move(incidents), rejects, o.incidents);
  log::info("grid: read {} rows from {} ({:.2f} s)", rows_read, o.incidents, seconds_since(t0));
  if (incidents.empty()) throw Error(ErrorCode::NoData, o.incidents, "no usable incident (see the rejects)");

  // The study extent.
  Envelope ext;
  if (o.extent == "auto") {
    std::vector<double> xs, ys;
    for (const auto& i : incidents) xs.push_back(i.pos.x), ys.push_back(i.pos.y);
    std::sort(xs.begin(), xs.end());
    std::sort(ys.begin(), ys.end());
    auto q = [&](const std::vector<double>& v, double p) {
      return v[std::min(v.size() - 1, static_cast<std::size_t>(std::floor(p * (v.size() - 1) + 0.5)))];
    };
    ext = {q(xs, o.extent_quantile) - o.extent_margin_m, q(ys, o.extent_quantile) - o.extent_margin_m,
           q(xs, 1 - o.extent_quantile) + o.extent_margin_m, q(ys, 1 - o.extent_quantile) + o.extent_margin_m};
  } else {
    double v[4];
    char tail = 0;
    if (std::sscanf(o.extent.c_str(), "%lf,%lf,%lf,%lf%c", &v[0], &v[1], &v[2], &v[3], &tail) != 4 || !(v[0] < v[2]) ||
        !(v[1] < v[3]))
      throw Error(ErrorCode::BadOption, "grid.extent",
                  fmt::format("'{}' must be auto or min_x,min_y,max_x,max_y with min < max", o.extent));
    if (o.extent_crs == "wgs84" && !crs.is_local()) {
      auto tr = crs.from_wgs84("grid.extent");
      // The box's outline, densified: a lon/lat box is curved in a projected CRS.
      for (int k = 0; k <= 16; ++k) {
        const double f = k / 16.0;
        for (Point p : {Point{v[0] + f * (v[2] - v[0]), v[1]}, Point{v[0] + f * (v[2] - v[0]), v[3]},
                        Point{v[0], v[1] + f * (v[3] - v[1])}, Point{v[2], v[1] + f * (v[3] - v[1])}}) {
          if (!tr->apply(p)) throw Error(ErrorCode::BadOption, "grid.extent", "cannot transform the extent into the run CRS");
          ext.expand(p);
        }
      }
    } else {
      ext = {v[0], v[1], v[2], v[3]};
    }
  }
  const Grid grid(shape, ext, o.analysis.cell_m);
  // The forecast model's local months and darkness: the run's time zone and the
  // sun over the study extent's centre.
  situation::GridOptions analysis = o.analysis;
  analysis.timezone = o.timezone;
  if (crs.has_geographic_reference()) {
    Point c{0.5 * (ext.min_x + ext.max_x), 0.5 * (ext.min_y + ext.max_y)};
    if (!crs.to_wgs84("grid extent")->apply(c))
      throw Error(ErrorCode::BadCrs, crs.describe(), "cannot find the study extent's centre in WGS84");
    analysis.place = {c.y, c.x};
  } else {
    log::warn("grid: no CRS to find the sun from; the forecast model's darkness is at {:.2f} N, {:.2f} E",
              analysis.place.lat_deg, analysis.place.lon_deg);
  }
  GridStageResult r;
  static_cast<GridResult&>(r) = analyse_grid(std::move(incidents), grid, analysis, &taxonomy, o.incidents);
  r.crs = crs;
  r.rows_read = rows_read;
  // The reader's and classifier's rejects come first (file, row order).
  for (const auto& x : r.rejects.items()) rejects.add(x);
  rejects.sort();
  r.rejects = std::move(rejects);
  return r;
}

nlohmann::json GridStageResult::summary() const {
  nlohmann::json j = GridResult::summary();
  j["crs"] = crs.describe();
  return j;
}

void write_grid(const GridStageResult& r, const RunFolder& folder) {
  folder.create();
  using io::FieldType;
  const auto& g = r.grid;
  {
    io::VectorWriter w(folder.file(outputs::kGridGpkg), r.crs, {.lang = folder.lang()});
    auto& cells = w.add_layer(outputs::kCellsLayer, io::GeometryKind::Polygon,
                              {{"cell_id", FieldType::Int64},        {"col", FieldType::Int64},
                               {"row", FieldType::Int64},            {"x", FieldType::Real},
                               {"y", FieldType::Real},               {"count_all", FieldType::Real},
                               {"count_latest", FieldType::Real},    {"kde_all_per_km2", FieldType::Real},
                               {"gistar_z", FieldType::Real},        {"gistar_p_norm", FieldType::Real},
                               {"gistar_p_sim", FieldType::Real},    {"gistar_p_fdr", FieldType::Real},
                               {"class", FieldType::String},         {"hot_cold", FieldType::Int64}});
    auto opt = [](double v) { return std::isfinite(v) ? io::FieldValue(v) : io::FieldValue(); };
    // Empty cells far from everything carry no information: only cells with an
    // incident, some density or a significant Gi* are written (the GeoTIFF has all).
    for (std::size_t c = 0; c < g.size(); ++c) {
      const bool sig = c < r.gistar.stats.size() && r.gistar.stats[c].hot_cold != 0;
      if (r.count_all[c] == 0 && r.kde_all[c] == 0 && !sig) continue;
      const Point ctr = g.centre(c);
      io::FieldValue z, pn, ps, pf, cls, hc;
      if (c < r.gistar.stats.size()) {
        const auto& s = r.gistar.stats[c];
        z = opt(s.z), pn = opt(s.p_norm), ps = opt(s.p_sim), pf = opt(s.p_fdr);
        cls = hotspot::class_label(s, false);
        hc = s.hot_cold;
      }
      cells.add({c, c % g.nx(), c / g.nx(), ctr.x, ctr.y, r.count_all[c], r.count_latest[c], r.kde_all[c], z, pn, ps,
                 pf, cls, hc},
                MultiPolygon{g.polygon(c)});
    }
    auto& cm = w.add_layer(outputs::kCellMonthsTable, io::GeometryKind::None,
                           {{"cell_id", FieldType::Int64}, {"month", FieldType::String}, {"count", FieldType::Real}});
    for (std::size_t m = 0; m < r.months.size(); ++m)
      for (std::size_t c = 0; c < g.size(); ++c)
        if (r.count_by_month[m][c] > 0) cm.add({c, month_label(r.months[m]), r.count_by_month[m][c]});
    w.commit();
  }
  if (g.shape() == CellShape::Square) {
    std::vector<double> z(g.size(), 0.0);
    for (std::size_t c = 0; c < r.gistar.stats.size(); ++c) z[c] = r.gistar.stats[c].z;
    io::write_geotiff(folder.file(outputs::kGridTiff), r.crs, {g.origin().x, g.origin().y, g.cell_m(), g.nx(), g.ny()},
                      {{"count_all", r.count_all}, {"kde_all_per_km2", r.kde_all}, {"count_latest", r.count_latest},
                       {"gistar_z", std::move(z)}});
  }
  write_backtest_csv(r.backtest, folder.file(outputs::kBacktestCsv));
  write_model_backtest(folder, r.model_backtest, outputs::kModelBacktestCsv, outputs::kModelBacktestJson);
  write_rejects_csv(r.rejects, folder.file(outputs::kRejectsCsv));
  write_text_atomically(folder.file(outputs::kGridSummaryJson), json_text(r.summary(), 2) + "\n");
}

}  // namespace tryggve::pipeline
