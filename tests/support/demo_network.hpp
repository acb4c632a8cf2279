#pragma once
// The demo district's streets as a network whose edge ids are the generator's
// segment indices and vertex ids its node indices: the incidents' (segment, offset)
// are exact network positions, with no snapping in between.
#include <vector>

#include "tryggve/demo/generator.hpp"
#include "tryggve/network/network.hpp"

namespace tryggve::test {

inline network::Network demo_network(const demo::District& d) {
  std::vector<Point> v;
  for (const auto& n : d.nodes) v.push_back(n.pos);
  std::vector<network::Edge> edges;
  for (const auto& s : d.segments) {
    network::Edge e;
    e.from = s.from;
    e.to = s.to;
    e.geometry = s.geometry;
    e.length = s.length_m;
    e.source_id = s.id;
    const auto& w = d.ways[s.way];
    e.name = w.name;
    e.highway = w.highway;
    e.lit = s.lit ? Lit::Yes : Lit::No;
    e.tunnel = w.tunnel;
    edges.push_back(std::move(e));
  }
  return network::Network(std::move(v), std::move(edges));
}

}  // namespace tryggve::test
