#pragma once
// The spatial units a local statistic is computed on: whole street segments
// (network edges) or lixels. Both are stretches [start, end] of one edge, listed
// edge by edge in order along the edge, so that one code path builds distance,
// kernel and contiguity weights for either. A segment is simply the one-unit
// partition of its edge.
#include <cstdint>
#include <string_view>
#include <vector>

#include "tryggve/network/lixels.hpp"
#include "tryggve/network/network.hpp"

namespace tryggve::hotspot {

using UnitId = std::uint32_t;

enum class UnitKind { Segment, Lixel };
std::string_view to_string(UnitKind k);

struct Unit {
  network::EdgeId edge = 0;
  double start = 0.0, end = 0.0;  // offsets along the edge (from its `from` vertex)
  double mid_offset() const { return 0.5 * (start + end); }
  double length() const { return end - start; }
  network::NetworkPosition midpoint() const { return {edge, mid_offset()}; }
};

class SpatialUnits {
 public:
  SpatialUnits() = default;
  // One unit per edge, in edge order: unit id == edge id.
  static SpatialUnits segments(const network::Network& net);
  // One unit per lixel, in lixel order: unit id == lixel id.
  static SpatialUnits lixels(const network::Network& net, const network::Lixelization& lix);

  UnitKind kind() const { return kind_; }
  std::size_t size() const { return units_.size(); }
  const Unit& operator[](UnitId i) const { return units_[i]; }
  const std::vector<Unit>& units() const { return units_; }
  // Units on edge e are first(e) .. first(e + 1) - 1, ordered along the edge.
  UnitId first(network::EdgeId e) const { return first_[e]; }
  UnitId count(network::EdgeId e) const { return first_[e + 1] - first_[e]; }
  std::size_t edge_count() const { return first_.empty() ? 0 : first_.size() - 1; }
  // The unit holding a network position (an incident's snapped place).
  UnitId unit_at(network::NetworkPosition p) const;

 private:
  UnitKind kind_ = UnitKind::Segment;
  std::vector<Unit> units_;
  std::vector<UnitId> first_;
};

// Number of positions falling in each unit (the usual input of Gi*: incidents per
// segment or lixel). Positions with edge == kNoEdge (unsnapped) are skipped;
// `weights`, when given, adds weights[k] instead of 1 for position k.
std::vector<double> count_per_unit(const SpatialUnits& units,
                                   const std::vector<network::NetworkPosition>& positions,
                                   const std::vector<double>* weights = nullptr);

}  // namespace tryggve::hotspot
