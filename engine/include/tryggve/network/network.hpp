#pragma once
// The street network: a topological, undirected graph whose edges carry their
// geometry and length. A CSR adjacency gives the density and Gi* kernels and the
// planners a cache-friendly walk; Boost.Graph counts the connected components
// while the network is built and stays private to this module.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tryggve/core/features.hpp"
#include "tryggve/core/geometry.hpp"

namespace tryggve::network {

using VertexId = std::uint32_t;
using EdgeId = std::uint32_t;
inline constexpr EdgeId kNoEdge = 0xFFFFFFFFu;

struct Edge {
  VertexId from = 0, to = 0;
  double length = 0.0;      // in CRS units (metres for a metric CRS)
  Polyline geometry;        // from `from` to `to`
  std::int64_t source_id = 0;  // the input line it came from
  std::string name;
  std::string highway;
  Lit lit = Lit::Unknown;
  bool tunnel = false;
  std::uint32_t component = 0;  // connected component id (0 = largest)
};

// One incidence of an edge at a vertex, for walking the network.
struct Incidence {
  EdgeId edge;
  VertexId other;  // the vertex at the far end
  bool at_from;    // true if this vertex is the edge's `from` end
};

class Network {
 public:
  Network() = default;
  // Takes vertices and edges (edge.from/to index into vertices) and builds the
  // CSR adjacency. Components are computed here.
  Network(std::vector<Point> vertices, std::vector<Edge> edges, std::string crs_wkt = {});

  std::size_t vertex_count() const { return vertices_.size(); }
  std::size_t edge_count() const { return edges_.size(); }
  const std::vector<Point>& vertices() const { return vertices_; }
  const Point& vertex(VertexId v) const { return vertices_[v]; }
  const std::vector<Edge>& edges() const { return edges_; }
  const Edge& edge(EdgeId e) const { return edges_[e]; }
  // Edges at vertex v (a self-loop appears twice, once per end).
  std::span<const Incidence> incident(VertexId v) const {
    return {adj_.data() + adj_offset_[v], adj_.data() + adj_offset_[v + 1]};
  }
  std::size_t degree(VertexId v) const { return adj_offset_[v + 1] - adj_offset_[v]; }

  double total_length() const { return total_length_; }
  Envelope extent() const { return extent_; }
  const std::string& crs_wkt() const { return crs_wkt_; }

  // Components, largest first: component_sizes()[c] = number of edges in component c.
  std::size_t component_count() const { return component_edges_.size(); }
  const std::vector<std::size_t>& component_edge_counts() const { return component_edges_; }
  std::vector<double> component_lengths() const;
  // A new network holding only the largest component (ids renumbered).
  Network largest_component() const;

  // Point at `offset` along edge e (clamped).
  Point point_at(EdgeId e, double offset) const { return interpolate(edges_[e].geometry, offset); }

 private:
  void build_index();
  std::vector<Point> vertices_;
  std::vector<Edge> edges_;
  std::vector<std::uint32_t> adj_offset_;
  std::vector<Incidence> adj_;
  std::vector<std::size_t> component_edges_;
  double total_length_ = 0.0;
  Envelope extent_;
  std::string crs_wkt_;
};

// A position on the network.
struct NetworkPosition {
  EdgeId edge = kNoEdge;
  double offset = 0.0;  // from the edge's `from` vertex, in CRS units
};

}  // namespace tryggve::network
