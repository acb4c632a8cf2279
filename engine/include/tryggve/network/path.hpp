#pragma once
// The shortest path between two positions on the network, with its edges and
// its geometry (DistanceWorkspace gives distances only): what a bus runs along
// between two stops when its feed has no shapes. Like DistanceWorkspace, a
// PathFinder is reused across many queries and resets only what a query
// touched, so a short path costs what it reaches, not the network's size.
#include <optional>
#include <vector>

#include "tryggve/network/distance.hpp"
#include "tryggve/network/network.hpp"

namespace tryggve::network {

struct Path {
  double length = 0.0;
  // The edges passed, in order; the first and last may be passed only in part
  // (from and to lie on them). Empty when both positions are on one edge and the
  // straight stretch along it is the shortest.
  std::vector<EdgeId> edges;
  Polyline geometry;  // from the `from` position to the `to` position
};

class PathFinder {
 public:
  explicit PathFinder(const Network& net);
  // The shortest path, or nullopt when `to` cannot be reached within `max_length`
  // (disconnected, or farther). Ties between equally long paths go to the one
  // settled first (lower vertex ids first at equal distance), so the answer is
  // the same on every run. Positions with edge kNoEdge give nullopt.
  std::optional<Path> find(NetworkPosition from, NetworkPosition to, double max_length = kUnreached);

 private:
  const Network* net_;
  std::vector<double> dist_;
  std::vector<EdgeId> pred_edge_;  // kNoEdge: seeded from the `from` edge directly
  std::vector<std::uint32_t> stamp_;
  std::uint32_t epoch_ = 0;
};

}  // namespace tryggve::network
