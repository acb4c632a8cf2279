#include "tryggve/transit/system.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/network/path.hpp"

namespace tryggve::transit {

const char* to_string(SegmentSource s) {
  switch (s) {
    case SegmentSource::ShapeDistance: return "shape_dist_traveled";
    case SegmentSource::Shape: return "shape";
    case SegmentSource::Streets: return "streets";
    case SegmentSource::Straight: return "straight";
  }
  return "?";
}

double Segment::edge_offset(double offset) const {
  if (length <= 0.0) return 0.0;
  const double o = std::clamp(offset, 0.0, length) * (edge_length / length);
  return reversed ? edge_length - o : o;
}

std::string BuildReport::summary() const {
  std::string s = fmt::format("transit: {} stations, {} lines, {} segments ({} along shapes, {} at shape_dist_traveled, "
                              "{} along streets, {} straight), {} network edges, {} runs",
                              stations, lines, segments, segments_by_source[1], segments_by_source[0],
                              segments_by_source[2], segments_by_source[3], edges, runs);
  if (frequency_runs) s += fmt::format(" ({} from frequencies.txt)", frequency_runs);
  if (zero_length_segments) s += fmt::format("; {} segments of zero length (two stops at one point)", zero_length_segments);
  if (stops_far_from_shape)
    s += fmt::format("; {} stops more than the limit from their line's shape, worst {}", stops_far_from_shape, worst_stop);
  if (unmonotone_cuts) s += fmt::format("; {} stops cut by the forward search (no monotone cut at the nearest passes)", unmonotone_cuts);
  return s;
}

namespace {

// Arc length at every vertex of a polyline.
std::vector<double> cumulative(const Polyline& p) {
  std::vector<double> c(p.size(), 0.0);
  for (std::size_t i = 1; i < p.size(); ++i) c[i] = c[i - 1] + distance(p[i - 1], p[i]);
  return c;
}

// Where a point projects onto the polyline: every local minimum of the
// distance along it (one per pass of the line near the point).
struct Pass {
  double s, d;
};
std::vector<Pass> passes(const Polyline& line, const std::vector<double>& cum, Point p) {
  const std::size_t n = line.size();
  std::vector<Pass> all(n - 1);
  for (std::size_t j = 0; j + 1 < n; ++j) {
    double t;
    const Point q = closest_on_segment(p, line[j], line[j + 1], &t);
    all[j] = {cum[j] + t * (cum[j + 1] - cum[j]), distance(p, q)};
  }
  std::vector<Pass> out;
  for (std::size_t j = 0; j < all.size(); ++j) {
    const bool left = j == 0 || all[j].d <= all[j - 1].d;
    const bool right = j + 1 == all.size() || all[j].d <= all[j + 1].d;
    if (!(left && right)) continue;
    if (!out.empty() && std::abs(out.back().s - all[j].s) < 0.5) {
      if (all[j].d < out.back().d) out.back() = all[j];
      continue;
    }
    out.push_back(all[j]);
  }
  // Keep the closest few passes: a stop is near its line, and the DP is cubic in this.
  constexpr std::size_t kMax = 8;
  if (out.size() > kMax) {
    std::vector<Pass> best = out;
    std::nth_element(best.begin(), best.begin() + kMax - 1, best.end(), [](const Pass& a, const Pass& b) { return a.d < b.d; });
    const double cut = best[kMax - 1].d;
    std::vector<Pass> kept;
    for (const auto& q : out)
      if (q.d <= cut && kept.size() < kMax) kept.push_back(q);
    out = std::move(kept);
  }
  return out;
}

// The nearest point of the line at arc length >= from.
Pass nearest_after(const Polyline& line, const std::vector<double>& cum, Point p, double from) {
  Pass best{from, distance(p, interpolate(line, from))};
  for (std::size_t j = 0; j + 1 < line.size(); ++j) {
    if (cum[j + 1] < from) continue;
    double t;
    Point q = closest_on_segment(p, line[j], line[j + 1], &t);
    double s = cum[j] + t * (cum[j + 1] - cum[j]);
    if (s < from) {
      s = from;
      q = interpolate(line, from);
    }
    const double d = distance(p, q);
    if (d < best.d) best = {s, d};
  }
  return best;
}

// Cuts for the stops along the shape: monotone, least total distance (Viterbi
// over each stop's passes). Falls back to a forward search when the passes admit
// no monotone choice (a shape that does not follow its stops' order).
std::vector<Pass> cut_by_projection(const Polyline& shape, const std::vector<double>& cum, const std::vector<Point>& stops,
                                    std::size_t& forward_cuts) {
  const std::size_t n = stops.size();
  std::vector<std::vector<Pass>> cand(n);
  for (std::size_t i = 0; i < n; ++i) cand[i] = passes(shape, cum, stops[i]);
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<std::vector<double>> cost(n);
  std::vector<std::vector<int>> from(n);
  bool feasible = true;
  for (std::size_t i = 0; i < n && feasible; ++i) {
    cost[i].assign(cand[i].size(), kInf);
    from[i].assign(cand[i].size(), -1);
    for (std::size_t c = 0; c < cand[i].size(); ++c) {
      if (i == 0) {
        cost[i][c] = cand[i][c].d;
        continue;
      }
      for (std::size_t q = 0; q < cand[i - 1].size(); ++q) {
        if (cand[i - 1][q].s > cand[i][c].s + 1e-9 || !std::isfinite(cost[i - 1][q])) continue;
        const double v = cost[i - 1][q] + cand[i][c].d;
        if (v < cost[i][c]) cost[i][c] = v, from[i][c] = static_cast<int>(q);
      }
    }
    feasible = std::any_of(cost[i].begin(), cost[i].end(), [](double v) { return std::isfinite(v); });
  }
  std::vector<Pass> out(n);
  if (feasible && n > 0) {
    int c = static_cast<int>(std::min_element(cost[n - 1].begin(), cost[n - 1].end()) - cost[n - 1].begin());
    for (std::size_t i = n; i-- > 0;) {
      out[i] = cand[i][static_cast<std::size_t>(c)];
      c = from[i][static_cast<std::size_t>(c)];
    }
    return out;
  }
  double s = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = nearest_after(shape, cum, stops[i], s);
    s = out[i].s;
    ++forward_cuts;
  }
  return out;
}

// Arc length at a shape_dist_traveled value (piecewise linear between the points).
double arc_at_dist(const std::vector<double>& dist, const std::vector<double>& cum, double v) {
  if (v <= dist.front()) return cum.front();
  if (v >= dist.back()) return cum.back();
  const auto it = std::upper_bound(dist.begin(), dist.end(), v);
  const std::size_t j = static_cast<std::size_t>(it - dist.begin());
  const double d0 = dist[j - 1], d1 = dist[j];
  const double f = d1 > d0 ? (v - d0) / (d1 - d0) : 0.0;
  return cum[j - 1] + f * (cum[j] - cum[j - 1]);
}

std::uint64_t pair_key(Index a, Index b) {
  if (a > b) std::swap(a, b);
  return (static_cast<std::uint64_t>(a) << 32) | b;
}

}  // namespace

network::NetworkPosition Segment::position(double offset) const {
  if (edge == network::kNoEdge) return {};
  return {edge, edge_offset(offset)};
}

ServiceSeconds System::arrival(const Run& r, std::size_t k) const {
  return feed_.stop_times[feed_.trips[r.trip].first_stop_time + k].arrival + r.shift;
}
ServiceSeconds System::departure(const Run& r, std::size_t k) const {
  return feed_.stop_times[feed_.trips[r.trip].first_stop_time + k].departure + r.shift;
}

RunPosition System::position(const Run& r, ServiceSeconds t) const {
  const Line& line = lines_[r.line];
  const std::size_t n = line.stops.size();
  RunPosition p;
  if (t <= r.start) {
    p.segment = line.segment(0);
    p.at_stop = true;
    return p;
  }
  if (t >= r.end) {
    p.segment = line.segment(n - 2);
    p.offset = segments_[p.segment].length;
    p.chainage = line.length();
    p.at_stop = true;
    return p;
  }
  for (std::size_t k = 0; k + 1 < n; ++k) {
    const ServiceSeconds dep = departure(r, k), arr = arrival(r, k + 1);
    if (k > 0 && t < dep && t >= arrival(r, k)) {
      p.segment = line.segment(k);
      p.chainage = line.chainage[k];
      p.at_stop = true;
      return p;
    }
    if (t >= dep && t < arr) {
      const Segment& s = segments_[line.segment(k)];
      const double f = static_cast<double>(t - dep) / static_cast<double>(arr - dep);
      p.segment = line.segment(k);
      p.offset = f * s.length;
      p.chainage = line.chainage[k] + p.offset;
      return p;
    }
  }
  // t is at an arrival that equals the next departure: at that stop.
  for (std::size_t k = 1; k + 1 < n; ++k)
    if (t <= departure(r, k)) {
      p.segment = line.segment(k);
      p.chainage = line.chainage[k];
      p.at_stop = true;
      return p;
    }
  p.segment = line.segment(n - 2);
  p.offset = segments_[p.segment].length;
  p.chainage = line.length();
  p.at_stop = true;
  return p;
}

std::int64_t System::service_day_origin(std::int32_t day) const {
  int y, m, d;
  civil_from_days(day, y, m, d);
  return tz_.from_local(y, m, d, 12, 0, 0).utc_seconds - 12 * 3600;
}

System build(gtfs::Feed feed, const BuildOptions& opt, BuildReport* report) {
  BuildReport local;
  BuildReport& rep = report ? *report : local;
  rep = {};
  System sys;
  try {
    sys.tz_ = TimeZone::from_name(feed.timezone.empty() ? "Europe/Stockholm" : feed.timezone);
  } catch (const Error& e) {
    throw Error(ErrorCode::BadValue, "GTFS feed", fmt::format("time zone '{}' is not known", feed.timezone));
  }
  if (feed.trips.empty()) throw Error(ErrorCode::NoData, "GTFS feed", "the feed has no trip");
  sys.feed_ = std::move(feed);
  const gtfs::Feed& f = sys.feed_;

  // ---- Stations: a parent station, or a stop standing alone.
  sys.station_of_.assign(f.stops.size(), kNone);
  auto top = [&](Index s) {
    // Boarding areas hang on platforms, platforms and entrances on stations.
    while (f.stops[s].parent != kNone) s = f.stops[s].parent;
    return s;
  };
  for (Index s = 0; s < f.stops.size(); ++s) {
    const Index t = top(s);
    if (sys.station_of_[t] == kNone) {
      sys.station_of_[t] = static_cast<Index>(sys.stations_.size());
      sys.stations_.push_back({t, f.stops[t].name, f.stops[t].pos, {}});
    }
    sys.station_of_[s] = sys.station_of_[t];
    if (f.stops[s].type == gtfs::LocationType::Stop) sys.stations_[sys.station_of_[s]].stops.push_back(s);
  }
  rep.stations = sys.stations_.size();

  // ---- Lines: route x direction x stop pattern x shape, in order of first trip.
  std::map<std::vector<std::uint32_t>, Index> line_of_key;
  std::vector<Index> line_of_trip(f.trips.size());
  std::vector<Index> first_trip;
  std::vector<std::map<std::string, std::pair<std::size_t, std::size_t>>> headsigns;  // text -> (count, first seen)
  for (Index t = 0; t < f.trips.size(); ++t) {
    const gtfs::Trip& tr = f.trips[t];
    std::vector<std::uint32_t> key{tr.route, static_cast<std::uint32_t>(tr.direction + 1), tr.shape};
    for (std::uint32_t k = 0; k < tr.stop_time_count; ++k) key.push_back(f.stop_times[tr.first_stop_time + k].stop);
    auto [it, added] = line_of_key.emplace(std::move(key), static_cast<Index>(sys.lines_.size()));
    if (added) {
      Line l;
      l.route = tr.route;
      l.direction = tr.direction;
      l.shape = tr.shape;
      for (std::uint32_t k = 0; k < tr.stop_time_count; ++k) l.stops.push_back(f.stop_times[tr.first_stop_time + k].stop);
      sys.lines_.push_back(std::move(l));
      first_trip.push_back(t);
      headsigns.emplace_back();
    }
    line_of_trip[t] = it->second;
    ++sys.lines_[it->second].trips;
    auto& h = headsigns[it->second][tr.headsign];
    if (h.first++ == 0) h.second = t;
  }
  for (Index l = 0; l < sys.lines_.size(); ++l) {
    std::pair<std::size_t, std::size_t> best{0, 0};
    for (const auto& [text, cnt] : headsigns[l])
      if (cnt.first > best.first || (cnt.first == best.first && cnt.second < best.second))
        best = cnt, sys.lines_[l].headsign = text;
  }
  rep.lines = sys.lines_.size();

  // ---- Segments.
  std::unique_ptr<network::PathFinder> finder;
  if (opt.streets) finder = std::make_unique<network::PathFinder>(*opt.streets);
  std::unordered_map<std::uint64_t, std::optional<Polyline>> street_cache;
  auto street_path = [&](Index a, Index b) -> std::optional<Polyline> {
    if (!finder || a >= opt.stop_positions.size() || b >= opt.stop_positions.size()) return std::nullopt;
    const std::uint64_t key = (static_cast<std::uint64_t>(a) << 32) | b;
    if (auto it = street_cache.find(key); it != street_cache.end()) return it->second;
    const double straight = distance(f.stops[a].pos, f.stops[b].pos);
    auto p = finder->find(opt.stop_positions[a], opt.stop_positions[b], opt.max_detour_factor * straight + 500.0);
    std::optional<Polyline> g;
    if (p) g = std::move(p->geometry);
    street_cache.emplace(key, g);
    return g;
  };
  for (Index li = 0; li < sys.lines_.size(); ++li) {
    Line& line = sys.lines_[li];
    const gtfs::Trip& rep_trip = f.trips[first_trip[li]];
    const std::size_t n = line.stops.size();
    line.first_segment = static_cast<std::uint32_t>(sys.segments_.size());
    line.chainage.assign(n, 0.0);
    std::vector<Polyline> geoms(n - 1);
    std::vector<SegmentSource> sources(n - 1, SegmentSource::Shape);
    if (line.shape != kNone) {
      const gtfs::Shape& sh = f.shapes[line.shape];
      const auto cum = cumulative(sh.points);
      std::vector<Point> pts;
      for (Index s : line.stops) pts.push_back(f.stops[s].pos);
      bool by_dist = !sh.dist.empty();
      for (std::uint32_t k = 0; k < n && by_dist; ++k)
        by_dist = !std::isnan(f.stop_times[rep_trip.first_stop_time + k].shape_dist);
      std::vector<Pass> cuts(n);
      if (by_dist) {
        for (std::size_t k = 0; k < n; ++k) {
          const double s = arc_at_dist(sh.dist, cum, f.stop_times[rep_trip.first_stop_time + k].shape_dist);
          cuts[k] = {s, distance(pts[k], interpolate(sh.points, s))};
        }
      } else {
        cuts = cut_by_projection(sh.points, cum, pts, rep.unmonotone_cuts);
      }
      for (std::size_t k = 0; k < n; ++k) {
        if (cuts[k].d > opt.max_stop_distance_m) {
          ++rep.stops_far_from_shape;
          if (cuts[k].d > rep.worst_stop_distance_m) {
            rep.worst_stop_distance_m = cuts[k].d;
            rep.worst_stop = fmt::format("stop '{}' ({}) on line {} (trip {}): {:.0f} m from shape '{}'",
                                         f.stops[line.stops[k]].id, f.stops[line.stops[k]].name,
                                         f.routes[line.route].label(), rep_trip.id, cuts[k].d, sh.id);
          }
        }
      }
      for (std::size_t k = 0; k + 1 < n; ++k) {
        geoms[k] = substring(sh.points, cuts[k].s, cuts[k + 1].s);
        sources[k] = by_dist ? SegmentSource::ShapeDistance : SegmentSource::Shape;
      }
    } else {
      for (std::size_t k = 0; k + 1 < n; ++k) {
        const Index a = line.stops[k], b = line.stops[k + 1];
        if (auto p = street_path(a, b)) {
          geoms[k] = std::move(*p);
          sources[k] = SegmentSource::Streets;
        } else {
          geoms[k] = {f.stops[a].pos, f.stops[b].pos};
          sources[k] = SegmentSource::Straight;
        }
      }
    }
    for (std::size_t k = 0; k + 1 < n; ++k) {
      Segment s;
      s.line = li;
      s.index = static_cast<std::uint32_t>(k);
      s.from_stop = line.stops[k];
      s.to_stop = line.stops[k + 1];
      s.geometry = std::move(geoms[k]);
      s.length = length(s.geometry);
      s.source = sources[k];
      ++rep.segments_by_source[static_cast<std::size_t>(s.source)];
      line.chainage[k + 1] = line.chainage[k] + s.length;
      sys.segments_.push_back(std::move(s));
    }
  }
  rep.segments = sys.segments_.size();

  // ---- The network: stations as vertices, one edge per pair of stations and way.
  std::vector<Point> vertices;
  for (const auto& st : sys.stations_) vertices.push_back(st.pos);
  std::vector<network::Edge> edges;
  std::vector<std::vector<std::string>> edge_routes, edge_modes;
  std::unordered_map<std::uint64_t, std::vector<network::EdgeId>> by_pair;
  for (std::uint32_t si = 0; si < sys.segments_.size(); ++si) {
    Segment& s = sys.segments_[si];
    if (s.length <= 0.0) {
      ++rep.zero_length_segments;
      continue;
    }
    const Index u = sys.station_of_[s.from_stop], v = sys.station_of_[s.to_stop];
    const Point mid = interpolate(s.geometry, s.length / 2);
    const double tol = std::max(opt.merge_tolerance_m, 0.1 * s.length);
    auto& list = by_pair[pair_key(u, v)];
    network::EdgeId found = network::kNoEdge;
    for (network::EdgeId e : list) {
      const auto& ed = edges[e];
      if (std::abs(ed.length - s.length) <= tol && distance(interpolate(ed.geometry, ed.length / 2), mid) <= tol) {
        found = e;
        break;
      }
    }
    const gtfs::Route& route = sys.feed_.routes[sys.lines_[s.line].route];
    if (found == network::kNoEdge) {
      found = static_cast<network::EdgeId>(edges.size());
      network::Edge ed;
      ed.from = u;
      ed.to = v;
      ed.geometry = s.geometry;
      ed.length = s.length;
      ed.source_id = si;
      edges.push_back(std::move(ed));
      edge_routes.emplace_back();
      edge_modes.emplace_back();
      sys.edge_segments_.emplace_back();
      list.push_back(found);
    }
    const auto& ed = edges[found];
    s.edge = found;
    s.edge_length = ed.length;
    s.reversed = u != v ? ed.from != u
                        : distance(s.geometry.front(), ed.geometry.front()) > distance(s.geometry.front(), ed.geometry.back());
    sys.edge_segments_[found].push_back(si);
    auto add_unique = [](std::vector<std::string>& v, const std::string& x) {
      if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
    };
    add_unique(edge_routes[found], route.label());
    add_unique(edge_modes[found], gtfs::to_string(route.mode));
  }
  for (std::size_t e = 0; e < edges.size(); ++e) {
    edges[e].name = fmt::format("{}", fmt::join(edge_routes[e], ", "));
    edges[e].highway = fmt::format("{}", fmt::join(edge_modes[e], ";"));
  }
  rep.edges = edges.size();
  sys.network_ = network::Network(std::move(vertices), std::move(edges), opt.crs_wkt);

  // ---- Runs: trips, and every departure of the frequency-based ones.
  std::vector<std::vector<const gtfs::Frequency*>> freq(f.trips.size());
  for (const auto& fr : f.frequencies) freq[fr.trip].push_back(&fr);
  for (Index t = 0; t < f.trips.size(); ++t) {
    const gtfs::Trip& tr = f.trips[t];
    const ServiceSeconds first = f.stop_times[tr.first_stop_time].departure;
    const ServiceSeconds last = f.stop_times[tr.first_stop_time + tr.stop_time_count - 1].arrival;
    auto add = [&](ServiceSeconds shift) {
      sys.runs_.push_back({t, line_of_trip[t], tr.route, tr.service, shift, first + shift, last + shift});
    };
    if (freq[t].empty()) {
      add(0);
      continue;
    }
    for (const gtfs::Frequency* fr : freq[t])
      for (ServiceSeconds dep = fr->start; dep < fr->end; dep += fr->headway_s) {
        add(dep - first);
        ++rep.frequency_runs;
      }
  }
  rep.runs = sys.runs_.size();
  sys.route_runs_.assign(f.routes.size(), {});
  sys.route_longest_.assign(f.routes.size(), 0);
  for (std::uint32_t r = 0; r < sys.runs_.size(); ++r) {
    const Run& run = sys.runs_[r];
    sys.route_runs_[run.route].push_back(r);
    sys.route_longest_[run.route] = std::max(sys.route_longest_[run.route], run.end - run.start);
  }
  for (auto& v : sys.route_runs_)
    std::stable_sort(v.begin(), v.end(), [&](std::uint32_t a, std::uint32_t b) { return sys.runs_[a].start < sys.runs_[b].start; });
  return sys;
}

}  // namespace tryggve::transit
