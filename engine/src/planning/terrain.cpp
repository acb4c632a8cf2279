#include "tryggve/planning/terrain.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "tryggve/core/parallel.hpp"

namespace tryggve::planning {

namespace {

bool varies(const std::vector<double>& v) {
  return std::any_of(v.begin(), v.end(), [&](double x) { return x != v.front(); });
}

}  // namespace

std::vector<forecast::Covariate> risk_terrain(const simulation::CellNetwork& cells,
                                              const std::vector<PolygonFeature>& parks,
                                              const std::vector<PointFeature>& stops,
                                              const std::vector<PointFeature>& lamps,
                                              const std::vector<PointFeature>& places, const TerrainOptions& o) {
  const auto& net = cells.network();
  const std::size_t n = cells.size();
  std::vector<Point> mid(n);
  for (std::size_t c = 0; c < n; ++c) {
    const auto& cl = cells.cell(static_cast<simulation::CellId>(c));
    mid[c] = net.point_at(cl.edge, 0.5 * (cl.start + cl.end));
  }
  // Nearness to the nearest of some points (brute force: stops and places number
  // in the hundreds, cells in the tens of thousands).
  auto nearness = [&](const std::vector<Point>& pts) {
    std::vector<double> out(n, 0.0);
    parallel_for(std::size_t{0}, n, [&](std::size_t c) {
      double d = std::numeric_limits<double>::infinity();
      for (const Point& p : pts) d = std::min(d, distance(mid[c], p));
      out[c] = std::exp(-d / o.near_m);
    });
    return out;
  };
  std::vector<forecast::Covariate> out;
  auto add = [&](std::string name, std::vector<double> v, bool dark) {
    if (varies(v)) out.push_back({std::move(name), std::move(v), dark});
  };
  if (!stops.empty()) {
    std::vector<Point> pts;
    for (const auto& s : stops) pts.push_back(s.pos);
    add("near_stop", nearness(pts), false);
  }
  std::map<std::string, std::vector<Point>> by_kind;
  for (const auto& p : places) by_kind[p.kind.empty() ? std::string("place") : p.kind].push_back(p.pos);
  for (const auto& [kind, pts] : by_kind) add("near_" + kind, nearness(pts), false);
  const auto light = classify_lighting(cells, lamps, parks, o.lighting);
  std::vector<double> park(n), unlit(n);
  for (std::size_t c = 0; c < n; ++c) {
    park[c] = light[c].park >= 0 ? 1.0 : 0.0;
    unlit[c] = light[c].lit ? 0.0 : 1.0;
  }
  add("in_park", std::move(park), false);
  add("unlit", unlit, false);
  add("unlit_dark", std::move(unlit), true);
  return out;
}

}  // namespace tryggve::planning
