#pragma once
// Small hand-drawn networks and golden-CSV reading for the density tests.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "test_data.hpp"
#include "tryggve/network/network.hpp"

namespace tryggve::test {

inline network::Network make_network(std::vector<Point> v, const std::vector<std::pair<int, int>>& links) {
  std::vector<network::Edge> edges;
  for (auto [a, b] : links) {
    network::Edge e;
    e.from = static_cast<network::VertexId>(a);
    e.to = static_cast<network::VertexId>(b);
    e.geometry = {v[a], v[b]};
    e.length = distance(v[a], v[b]);
    edges.push_back(e);
  }
  return network::Network(std::move(v), std::move(edges));
}

// A star: centre vertex 0 and `arms` arms of length `len`, arm k is edge k from the
// centre (vertex 0) outwards to vertex k+1.
inline network::Network star(int arms, double len) {
  std::vector<Point> v{{0, 0}};
  std::vector<std::pair<int, int>> l;
  for (int k = 0; k < arms; ++k) {
    const double a = 2 * M_PI * k / arms;
    v.push_back({len * std::cos(a), len * std::sin(a)});
    l.push_back({0, k + 1});
  }
  return make_network(std::move(v), l);
}

// An n x n lattice with spacing s (no dead ends except at the border... a torus
// would have none; the border vertices have degree 2 or 3, never 1).
inline network::Network lattice(int n, double s) {
  std::vector<Point> v;
  std::vector<std::pair<int, int>> l;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) v.push_back({i * s, j * s});
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      if (i + 1 < n) l.push_back({j * n + i, j * n + i + 1});
      if (j + 1 < n) l.push_back({j * n + i, (j + 1) * n + i});
    }
  return make_network(std::move(v), l);
}

inline std::filesystem::path golden_dir() { return fixtures().parent_path() / "golden" / "density"; }

// Reads a numeric CSV with a header into columns by name (quotes stripped).
inline std::map<std::string, std::vector<double>> read_csv_columns(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::map<std::string, std::vector<double>> cols;
  std::vector<std::string> names;
  std::string line;
  if (!std::getline(in, line)) return cols;
  auto unq = [](std::string s) {
    s.erase(std::remove(s.begin(), s.end(), '"'), s.end());
    s.erase(std::remove(s.begin(), s.end(), '\r'), s.end());
    return s;
  };
  std::stringstream hs(line);
  for (std::string f; std::getline(hs, f, ',');) names.push_back(unq(f));
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::stringstream ls(line);
    std::size_t k = 0;
    for (std::string f; std::getline(ls, f, ',') && k < names.size(); ++k) cols[names[k]].push_back(std::stod(unq(f)));
  }
  return cols;
}

}  // namespace tryggve::test
