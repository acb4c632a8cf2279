#pragma once
// A regular street grid (nx x ny vertices, spacing in metres) for tests where the
// answer is checkable by hand; edges horizontal first, row by row, then vertical.
#include <vector>

#include "tryggve/network/network.hpp"

namespace tryggve::test {

inline network::Network grid_network(int nx, int ny, double spacing) {
  std::vector<Point> v;
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) v.push_back({i * spacing, j * spacing});
  std::vector<network::Edge> edges;
  auto add = [&](int a, int b) {
    network::Edge e;
    e.from = static_cast<network::VertexId>(a);
    e.to = static_cast<network::VertexId>(b);
    e.geometry = {v[a], v[b]};
    e.length = spacing;
    edges.push_back(std::move(e));
  };
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i + 1 < nx; ++i) add(j * nx + i, j * nx + i + 1);
  for (int j = 0; j + 1 < ny; ++j)
    for (int i = 0; i < nx; ++i) add(j * nx + i, (j + 1) * nx + i);
  return network::Network(std::move(v), std::move(edges));
}

}  // namespace tryggve::test
