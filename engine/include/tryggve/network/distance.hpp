#pragma once
// Shortest-path distances along the network from one source, up to a cutoff:
// the workhorse of network KDE, network-distance weights and spill-over rings.
// A workspace is reused across many sources (one per thread) and only resets
// the vertices it touched, so a small-cutoff query costs what it reaches, not
// the size of the network.
#include <limits>
#include <vector>

#include "tryggve/network/network.hpp"

namespace tryggve::network {

inline constexpr double kUnreached = std::numeric_limits<double>::infinity();

class DistanceWorkspace {
 public:
  explicit DistanceWorkspace(const Network& net);

  // Dijkstra from a position on an edge (both ends seeded with their along-edge
  // distances). Vertices farther than `cutoff` are not settled.
  void run(NetworkPosition source, double cutoff);
  void run_from_vertex(VertexId v, double cutoff);

  // Distance to vertex v (kUnreached if beyond the cutoff or disconnected).
  double vertex_distance(VertexId v) const { return stamp_[v] == epoch_ ? dist_[v] : kUnreached; }
  // Vertices settled by the last run, in order of distance.
  const std::vector<VertexId>& reached() const { return reached_; }
  // Network distance from the last source to a position; same-edge positions
  // also consider the direct stretch along the edge.
  double distance_to(NetworkPosition p) const;

  const Network& network() const { return *net_; }
  const NetworkPosition& source() const { return source_; }

 private:
  void relax_from_heap(double cutoff);
  const Network* net_;
  std::vector<double> dist_;
  std::vector<std::uint32_t> stamp_;
  std::uint32_t epoch_ = 0;
  std::vector<VertexId> reached_;
  std::vector<std::pair<double, VertexId>> heap_;
  NetworkPosition source_{};
  bool from_vertex_ = false;
};

}  // namespace tryggve::network
