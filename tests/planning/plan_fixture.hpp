#pragma once
// Hand-drawn networks for the planning tests: every edge a straight line, so
// lengths and midpoints are computable by hand.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tryggve/network/lixels.hpp"
#include "tryggve/network/network.hpp"
#include "tryggve/simulation/cells.hpp"

namespace tryggve::plantest {

struct EdgeSpec {
  int a, b;
  Lit lit;
  std::string name, highway;
  bool tunnel;
  EdgeSpec(int a_, int b_, Lit lit_ = Lit::Unknown, std::string name_ = {}, std::string highway_ = "footway",
           bool tunnel_ = false)
      : a(a_), b(b_), lit(lit_), name(std::move(name_)), highway(std::move(highway_)), tunnel(tunnel_) {}
};

inline network::Network make_net(const std::vector<Point>& v, const std::vector<EdgeSpec>& es) {
  std::vector<network::Edge> edges;
  for (const auto& s : es) {
    network::Edge e;
    e.from = static_cast<network::VertexId>(s.a);
    e.to = static_cast<network::VertexId>(s.b);
    e.geometry = {v[s.a], v[s.b]};
    e.length = distance(v[s.a], v[s.b]);
    e.lit = s.lit;
    e.name = s.name;
    e.highway = s.highway;
    e.tunnel = s.tunnel;
    edges.push_back(e);
  }
  return network::Network(v, edges);
}

// An n × n grid of streets `spacing` apart.
inline network::Network grid(int n, double spacing) {
  std::vector<Point> v;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) v.push_back({i * spacing, j * spacing});
  std::vector<EdgeSpec> es;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      if (i + 1 < n) es.push_back({j * n + i, j * n + i + 1});
      if (j + 1 < n) es.push_back({j * n + i, (j + 1) * n + i});
    }
  return make_net(v, es);
}

// Network, lixels and cells owned together (the cells keep references).
struct World {
  network::Network net;
  network::Lixelization lix;
  std::unique_ptr<simulation::CellNetwork> cells;
  World(network::Network n, double lixel_m, double cutoff_m)
      : net(std::move(n)), lix(net, lixel_m), cells(std::make_unique<simulation::CellNetwork>(net, lix, cutoff_m)) {}
};

}  // namespace tryggve::plantest
