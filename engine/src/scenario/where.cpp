// Resolving `where` to cells: names looked up in the map's layers, points snapped
// to the network, radii measured along the network (stops, places, routes) or
// in a straight line around polygons (parks, areas, drawn polygons).
#include "where.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/options.hpp"
#include "tryggve/core/polygon.hpp"
#include "tryggve/core/strings.hpp"
#include "tryggve/io/wkt.hpp"
#include "tryggve/network/distance.hpp"

namespace tryggve::scenario::detail {

namespace {

double ring_distance(const Ring& r, Point p) {
  double d = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i + 1 < r.size(); ++i) d = std::min(d, distance(p, closest_on_segment(p, r[i], r[i + 1])));
  return d;
}

std::string list_names(const std::vector<std::string>& names) {
  if (names.empty()) return "the layer is empty";
  std::string s;
  const std::size_t n = std::min<std::size_t>(names.size(), 15);
  for (std::size_t i = 0; i < n; ++i) s += (i ? ", " : "") + names[i];
  if (names.size() > n) s += fmt::format(", ... {} in all", names.size());
  return s;
}

}  // namespace

double polygon_distance(const MultiPolygon& mp, Point p) {
  double d = std::numeric_limits<double>::infinity();
  for (const auto& poly : mp) {
    if (poly.outer.size() < 4) continue;
    bool inside = contains(poly.outer, p);
    for (const auto& h : poly.holes)
      if (h.size() >= 4 && contains(h, p)) inside = false;
    if (inside) return 0.0;
    d = std::min(d, ring_distance(poly.outer, p));
    for (const auto& h : poly.holes) d = std::min(d, ring_distance(h, p));
  }
  return d;
}

MultiPolygon parse_wkt_polygon(const std::string& wkt, const std::string& where, const std::string& path) {
  const auto g = io::parse_wkt(wkt);
  if (!g) throw Error(ErrorCode::BadScenario, where, path + ": not valid WKT (expected POLYGON((x y, ...)) in the run CRS)");
  if (g->type != "POLYGON" && g->type != "MULTIPOLYGON")
    throw Error(ErrorCode::BadScenario, where, path + ": expected a POLYGON or MULTIPOLYGON, got " + g->type);
  if (g->polygons.empty() || g->polygons[0].outer.size() < 4)
    throw Error(ErrorCode::BadScenario, where, path + ": the polygon has fewer than 3 corners");
  return g->polygons;
}

Resolver::Resolver(const pipeline::MapResult& map, const simulation::CellNetwork& cells, double default_park_buffer_m,
                   const transit::System* transit)
    : map_(map), cells_(cells), park_buffer_m_(default_park_buffer_m), index_(map.net) {
  // The run's own lines (inputs.gtfs, built by the map stage) unless a caller gives others.
  if (!transit) transit = map.transit_system.get();
  if (transit) placer_ = std::make_unique<transit::Placer>(*transit);
}

void Resolver::add_polygon_cells(const MultiPolygon& mp, double buffer_m, std::vector<char>& mark) const {
  Envelope env = envelope(mp);
  for (simulation::CellId c = 0; c < cells_.size(); ++c) {
    const Point m = map_.lixels[c].mid;
    if (m.x < env.min_x - buffer_m || m.x > env.max_x + buffer_m || m.y < env.min_y - buffer_m || m.y > env.max_y + buffer_m)
      continue;
    if (polygon_distance(mp, m) <= buffer_m) mark[c] = 1;
  }
}

simulation::CellId Resolver::snap(Point p, const std::string& where, const std::string& path) const {
  const auto r = index_.nearest(p, 5000.0);
  if (!r.found())
    throw Error(ErrorCode::BadScenario, where,
                fmt::format("{}: ({:.1f}, {:.1f}) is more than 5 km from any street of the network", path, p.x, p.y));
  return cells_.cell_at(r.position());
}

const PolygonFeature* Resolver::find_polygon(const std::vector<PolygonFeature>& layer, const std::string& name,
                                             bool match_kind) const {
  for (const auto& f : layer)
    if (f.name == name) return &f;
  for (const auto& f : layer)
    if (ascii_lower(f.name) == ascii_lower(name) || (match_kind && f.kind == name)) return &f;
  return nullptr;
}

const PointFeature* Resolver::find_point(const std::vector<PointFeature>& layer, const std::string& name) const {
  for (const auto& f : layer)
    if (f.name == name) return &f;
  for (const auto& f : layer)
    if (ascii_lower(f.name) == ascii_lower(name)) return &f;
  return nullptr;
}

std::optional<Point> Resolver::named_point(const std::string& name) const {
  if (const auto* p = find_point(map_.places, name)) return p->pos;
  if (const auto* p = find_point(map_.stops, name)) return p->pos;
  return std::nullopt;
}

std::string Resolver::unknown(const char* what, const std::string& name, const std::vector<std::string>& names) {
  const std::string hint = closest_key(name, names);
  return fmt::format("no {} named '{}'{} ({}s: {})", what, name, hint.empty() ? "" : " (did you mean '" + hint + "'?)", what,
                     list_names(names));
}

std::vector<simulation::CellId> Resolver::resolve(const WhereSpec& w, const std::string& default_where,
                                                  const std::string& path) const {
  std::vector<char> mark(cells_.size(), 0);
  auto at = [&](const char* key) {
    auto it = w.at.find(key);
    return it == w.at.end() ? std::make_pair(default_where, path + "." + key) : std::make_pair(it->second.file_line, it->second.path);
  };
  auto names_of = [](const auto& layer) {
    std::vector<std::string> v;
    for (const auto& f : layer)
      if (!f.name.empty() && std::find(v.begin(), v.end(), f.name) == v.end()) v.push_back(f.name);
    return v;
  };
  const auto& net = cells_.network();
  if (!w.edges.empty()) {
    auto [where, p] = at(w.at.count("segments") ? "segments" : "edges");
    for (auto e : w.edges) {
      if (e < 0 || static_cast<std::size_t>(e) >= net.edge_count())
        throw Error(ErrorCode::BadScenario, where,
                    fmt::format("{}: edge {} is not in the network (ids 0..{}, the `edges` layer's edge_id)", p, e,
                                net.edge_count() - 1));
      const auto first = cells_.first_cell(static_cast<network::EdgeId>(e));
      for (simulation::CellId k = 0; k < cells_.cell_count(static_cast<network::EdgeId>(e)); ++k) mark[first + k] = 1;
    }
  }
  const double poly_buffer = w.radius_m.value_or(0.0);
  for (const auto& name : w.areas) {
    auto [where, p] = at("area");
    const auto* f = find_polygon(map_.areas, name, true);
    if (!f) throw Error(ErrorCode::BadScenario, where, p + ": " + unknown("area", name, names_of(map_.areas)));
    add_polygon_cells(f->geometry, poly_buffer, mark);
  }
  for (const auto& name : w.parks) {
    auto [where, p] = at("park");
    const auto* f = find_polygon(map_.parks, name, false);
    if (!f) throw Error(ErrorCode::BadScenario, where, p + ": " + unknown("park", name, names_of(map_.parks)));
    add_polygon_cells(f->geometry, w.radius_m.value_or(park_buffer_m_), mark);
  }
  for (const auto& wkt : w.polygons) {
    auto [where, p] = at("polygon");
    add_polygon_cells(parse_wkt_polygon(wkt, where, p), poly_buffer, mark);
  }
  const double radius = w.radius_m.value_or(100.0);
  auto around = [&](Point pt, const std::string& where, const std::string& p) {
    const simulation::CellId c = snap(pt, where, p);
    const simulation::CellId src[] = {c};
    for (auto [cell, d] : cells_.within(src, radius)) mark[cell] = 1;
    mark[c] = 1;
  };
  for (const auto& name : w.stops) {
    auto [where, p] = at("stop");
    const auto* f = find_point(map_.stops, name);
    if (!f) throw Error(ErrorCode::BadScenario, where, p + ": " + unknown("stop", name, names_of(map_.stops)));
    around(f->pos, where, p);
  }
  for (const auto& name : w.places) {
    auto [where, p] = at("place");
    const auto* f = find_point(map_.places, name);
    if (!f) throw Error(ErrorCode::BadScenario, where, p + ": " + unknown("place", name, names_of(map_.places)));
    around(f->pos, where, p);
  }
  for (const auto& route : w.routes) {
    auto [where, p] = at("route");
    std::vector<network::NetworkPosition> pos;
    for (std::size_t i = 0; i < route.size(); ++i) {
      Point pt;
      if (route[i].is_point) {
        pt = route[i].point;
      } else if (auto q = named_point(route[i].name)) {
        pt = *q;
      } else {
        auto all = names_of(map_.places);
        for (auto& s : names_of(map_.stops)) all.push_back(s);
        throw Error(ErrorCode::BadScenario, where,
                    fmt::format("{}[{}]: ", p, i) + unknown("place or stop", route[i].name, all));
      }
      const auto r = index_.nearest(pt, 5000.0);
      if (!r.found())
        throw Error(ErrorCode::BadScenario, where, fmt::format("{}[{}]: more than 5 km from any street", p, i));
      pos.push_back(r.position());
    }
    std::vector<simulation::CellId> path_cells;
    for (std::size_t i = 0; i + 1 < pos.size(); ++i) {
      for (auto e : shortest_path_edges(pos[i], pos[i + 1], where, fmt::format("{}[{}..{}]", p, i, i + 1))) {
        const auto first = cells_.first_cell(e);
        for (simulation::CellId k = 0; k < cells_.cell_count(e); ++k) path_cells.push_back(first + k);
      }
    }
    for (auto c : path_cells) mark[c] = 1;
    if (w.radius_m && *w.radius_m > 0)
      for (auto [cell, d] : cells_.within(path_cells, *w.radius_m)) mark[cell] = 1;
  }
  for (const auto& ls : w.lines) {
    auto [where, p] = at("line");
    if (!placer_)
      throw Error(ErrorCode::BadScenario, where,
                  p + ": the map has no public-transport lines: give a GTFS feed (inputs.gtfs)");
    const auto r = placer_->stretch({ls.line, ls.from_stop, ls.to_stop, ls.direction});
    if (!r.found) {
      std::string cands;
      for (const auto& c : r.candidates) cands += (cands.empty() ? "" : ", ") + c;
      const auto b = w.at.find("between");
      const auto& [wh, pp] = r.about_stops && b != w.at.end() ? std::make_pair(b->second.file_line, b->second.path)
                                                              : std::make_pair(where, p);
      throw Error(ErrorCode::BadScenario, wh, pp + ": " + r.detail + (cands.empty() ? "" : " (" + cands + ")"));
    }
    const transit::System& sys = placer_->system();
    // The streets the line runs along: cells whose middle lies within the corridor
    // of its track (a tram on its own track beside a street counts the street,
    // where on-board reports are snapped).
    const double corridor = ls.corridor_m.value_or(30.0);
    for (auto k : r.stretch.segments) {
      const Polyline& g = sys.segments()[k].geometry;
      if (g.size() < 2) continue;
      Envelope env;
      for (const Point& q : g) env.expand(q);
      for (simulation::CellId c = 0; c < cells_.size(); ++c) {
        const Point m = map_.lixels[c].mid;
        if (m.x < env.min_x - corridor || m.x > env.max_x + corridor || m.y < env.min_y - corridor ||
            m.y > env.max_y + corridor)
          continue;
        for (std::size_t i = 0; i + 1 < g.size(); ++i)
          if (distance(m, closest_on_segment(m, g[i], g[i + 1])) <= corridor) {
            mark[c] = 1;
            break;
          }
      }
    }
    // Its stops: as `stop`, the streets within radius_m along the network.
    for (auto st : r.stretch.stations) around(sys.stations()[st].pos, where, p);
  }
  std::vector<simulation::CellId> out;
  for (simulation::CellId c = 0; c < cells_.size(); ++c)
    if (mark[c]) out.push_back(c);
  if (out.empty())
    throw Error(ErrorCode::BadScenario, default_where,
                path + ": covers no street cell (a park or polygon with no street or path inside: give radius_m)");
  return out;
}

std::vector<network::EdgeId> Resolver::shortest_path_edges(network::NetworkPosition a, network::NetworkPosition b,
                                                           const std::string& where, const std::string& path) const {
  // Edges on a shortest path: d_a(u) + len(e) + d_b(v) == d_a(b) (either way
  // round). Two Dijkstra runs instead of predecessor tracking; ties keep both.
  const auto& net = cells_.network();
  network::DistanceWorkspace wa(net), wb(net);
  const double inf = std::numeric_limits<double>::infinity();
  wa.run(a, inf);
  const double total = wa.distance_to(b);
  if (!std::isfinite(total))
    throw Error(ErrorCode::BadScenario, where, path + ": the two points are on parts of the network that do not connect");
  wb.run(b, inf);
  std::vector<network::EdgeId> out{a.edge};
  if (b.edge != a.edge) out.push_back(b.edge);
  const double tol = 1e-6 * std::max(1.0, total);
  for (network::EdgeId e = 0; e < net.edge_count(); ++e) {
    const auto& E = net.edge(e);
    const double f1 = wa.vertex_distance(E.from) + E.length + wb.vertex_distance(E.to);
    const double f2 = wa.vertex_distance(E.to) + E.length + wb.vertex_distance(E.from);
    if (std::min(f1, f2) <= total + tol && e != a.edge && e != b.edge) out.push_back(e);
  }
  return out;
}

}  // namespace tryggve::scenario::detail
