#pragma once
// The path-following estimators (simple, discontinuous and continuous equal
// split): each event's kernel mass is walked outward along the network and
// deposited at the query positions it reaches. Work per event is what its
// kernel reaches, so these scale to city networks with compact kernels.
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "tryggve/density/kernel.hpp"
#include "tryggve/network/distance.hpp"
#include "tryggve/network/lixels.hpp"
#include "tryggve/network/network.hpp"

namespace tryggve::density {

inline constexpr std::uint32_t kNoTarget = std::numeric_limits<std::uint32_t>::max();

// Query positions grouped by edge (CSR), each with the output slot it writes to.
class TargetSet {
 public:
  static TargetSet lixel_midpoints(const network::Network& net, const network::Lixelization& lix);
  static TargetSet positions(const network::Network& net, std::span<const network::NetworkPosition> at);

  std::size_t size() const { return slot_.size(); }
  // Targets on edge e: indices first(e) .. first(e+1)-1 into offset()/slot().
  std::uint32_t first(network::EdgeId e) const { return first_[e]; }
  double offset(std::uint32_t i) const { return offset_[i]; }
  std::uint32_t slot(std::uint32_t i) const { return slot_[i]; }

 private:
  std::vector<std::uint32_t> first_;
  std::vector<double> offset_;
  std::vector<std::uint32_t> slot_;
};

enum class PathRule { Simple, Discontinuous, Continuous };

// Per-thread scratch for spreading events (distance workspace, path stack).
class PathSpreader {
 public:
  PathSpreader(const network::Network& net, const TargetSet& targets);

  // Adds weight * kernel contributions of an event at `src` to out[slot] for every
  // target the kernel reaches; target slot `exclude` (leave-one-out) gets nothing.
  // `epsilon` is the equal-split truncation (ignored by Simple).
  void spread(network::NetworkPosition src, double weight, const KernelFunction& k, PathRule rule,
              double epsilon, std::span<double> out, std::uint32_t exclude = kNoTarget);

  // Number of path segments expanded by the last spread (diagnostics, benchmarks).
  std::size_t last_paths() const { return last_paths_; }

 private:
  struct Entry {
    network::EdgeId edge;    // the edge the mass travels along
    network::VertexId vertex;  // the vertex it is arriving at
    bool at_from;            // that vertex is the edge's `from` end
    double distance;         // distance travelled on arrival at `vertex`
    double weight;
  };
  void deposit(network::EdgeId e, bool from_end, double base, double w, const KernelFunction& k,
               std::span<double> out, std::uint32_t exclude) const;
  void spread_simple(network::NetworkPosition src, double weight, const KernelFunction& k,
                     std::span<double> out, std::uint32_t exclude);
  const network::Network* net_;
  const TargetSet* targets_;
  network::DistanceWorkspace ws_;
  std::vector<Entry> stack_;
  std::vector<std::uint32_t> edge_stamp_;
  std::uint32_t epoch_ = 0;
  std::size_t last_paths_ = 0;
};

}  // namespace tryggve::density
