#pragma once
// spatstat's `chicago` (../shared/data/incidents/chicago_spatstat) as a Network
// and network positions, built straight from its CSV files so that the analysis
// modules can be tested against spatstat without going through io and snap.
// Segment endpoints that coincide exactly are one vertex (as in spatstat's linnet).
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "test_data.hpp"
#include "tryggve/network/network.hpp"

namespace tryggve::test {

struct ChicagoData {
  network::Network net;
  std::vector<network::NetworkPosition> crimes;  // in the CSV's order
  std::vector<Point> crime_points;
  std::vector<std::string> crime_types;
  std::vector<double> snap_distance;
};

namespace detail {
inline std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    else if (c == ',' && !quoted) { out.push_back(cur); cur.clear(); }
    else if (c != '\r') cur.push_back(c);
  }
  out.push_back(cur);
  return out;
}
}  // namespace detail

inline ChicagoData load_chicago() {
  const auto dir = shared_data() / "incidents" / "chicago_spatstat";
  std::ifstream seg(dir / "chicago_network_segments.csv");
  std::string line;
  std::getline(seg, line);  // header: id,x0,y0,x1,y1
  std::map<std::pair<double, double>, network::VertexId> index;
  std::vector<Point> verts;
  std::vector<network::Edge> edges;
  auto vid = [&](double x, double y) {
    auto [it, added] = index.try_emplace({x, y}, static_cast<network::VertexId>(verts.size()));
    if (added) verts.push_back({x, y});
    return it->second;
  };
  while (std::getline(seg, line)) {
    if (line.empty()) continue;
    const auto f = detail::split_csv_line(line);
    const double x0 = std::stod(f[1]), y0 = std::stod(f[2]), x1 = std::stod(f[3]), y1 = std::stod(f[4]);
    network::Edge e;
    e.from = vid(x0, y0);
    e.to = vid(x1, y1);
    e.geometry = {{x0, y0}, {x1, y1}};
    e.length = distance(e.geometry[0], e.geometry[1]);
    e.source_id = std::stoll(f[0]);
    edges.push_back(std::move(e));
  }
  ChicagoData d{network::Network(std::move(verts), std::move(edges)), {}, {}, {}, {}};
  std::ifstream cr(dir / "chicago_crimes.csv");
  std::getline(cr, line);  // header: id,x,y,type
  while (std::getline(cr, line)) {
    if (line.empty()) continue;
    const auto f = detail::split_csv_line(line);
    const Point p{std::stod(f[1]), std::stod(f[2])};
    // Brute force nearest segment: 116 x 503 is nothing, and it keeps this
    // fixture independent of the snap module it may be used to test.
    double best = 1e300;
    network::NetworkPosition pos;
    for (network::EdgeId e = 0; e < d.net.edge_count(); ++e) {
      const auto& g = d.net.edge(e).geometry;
      double t = 0;
      const Point q = closest_on_segment(p, g[0], g[1], &t);
      const double dist = distance(p, q);
      if (dist < best) { best = dist; pos = {e, t * d.net.edge(e).length}; }
    }
    d.crimes.push_back(pos);
    d.crime_points.push_back(p);
    d.crime_types.push_back(f[3]);
    d.snap_distance.push_back(best);
  }
  return d;
}

}  // namespace tryggve::test
