#pragma once
// Lixels (Xie & Yan 2008): each edge cut into short linear units of about the
// target length. An edge of length L gets max(1, round(L / target)) equal
// lixels, so no lixel is a sliver and lixel boundaries are where the analyses
// evaluate and aggregate.
#include <cstdint>
#include <vector>

#include "tryggve/network/network.hpp"

namespace tryggve::network {

using LixelId = std::uint32_t;

struct Lixel {
  EdgeId edge = 0;
  double start = 0.0, end = 0.0;  // offsets along the edge
  Point mid;                      // midpoint (on the line)
  double length() const { return end - start; }
  double mid_offset() const { return 0.5 * (start + end); }
};

class Lixelization {
 public:
  Lixelization() = default;
  Lixelization(const Network& net, double target_length);

  double target_length() const { return target_; }
  std::size_t size() const { return lixels_.size(); }
  const std::vector<Lixel>& lixels() const { return lixels_; }
  const Lixel& operator[](LixelId i) const { return lixels_[i]; }
  // Lixels of edge e are first_lixel(e) .. first_lixel(e+1)-1, in order along the edge.
  LixelId first_lixel(EdgeId e) const { return first_[e]; }
  LixelId lixel_count(EdgeId e) const { return first_[e + 1] - first_[e]; }
  // The lixel containing a position on edge e.
  LixelId lixel_at(EdgeId e, double offset) const;

 private:
  double target_ = 0.0;
  std::vector<Lixel> lixels_;
  std::vector<LixelId> first_;
};

}  // namespace tryggve::network
