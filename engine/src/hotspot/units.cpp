#include "tryggve/hotspot/units.hpp"

#include <algorithm>

namespace tryggve::hotspot {

std::string_view to_string(UnitKind k) { return k == UnitKind::Segment ? "segment" : "lixel"; }

SpatialUnits SpatialUnits::segments(const network::Network& net) {
  SpatialUnits s;
  s.kind_ = UnitKind::Segment;
  s.units_.reserve(net.edge_count());
  s.first_.reserve(net.edge_count() + 1);
  for (network::EdgeId e = 0; e < net.edge_count(); ++e) {
    s.first_.push_back(static_cast<UnitId>(e));
    s.units_.push_back({e, 0.0, net.edge(e).length});
  }
  s.first_.push_back(static_cast<UnitId>(net.edge_count()));
  return s;
}

SpatialUnits SpatialUnits::lixels(const network::Network& net, const network::Lixelization& lix) {
  SpatialUnits s;
  s.kind_ = UnitKind::Lixel;
  s.units_.reserve(lix.size());
  for (const auto& l : lix.lixels()) s.units_.push_back({l.edge, l.start, l.end});
  s.first_.resize(net.edge_count() + 1);
  for (network::EdgeId e = 0; e <= net.edge_count(); ++e)
    s.first_[e] = e < net.edge_count() ? lix.first_lixel(e) : static_cast<UnitId>(lix.size());
  return s;
}

UnitId SpatialUnits::unit_at(network::NetworkPosition p) const {
  const UnitId a = first_[p.edge], b = first_[p.edge + 1];
  // Last unit whose start is <= offset (units tile the edge in order).
  auto it = std::upper_bound(units_.begin() + a, units_.begin() + b, p.offset,
                             [](double off, const Unit& u) { return off < u.start; });
  if (it == units_.begin() + a) return a;
  return static_cast<UnitId>((it - units_.begin()) - 1);
}

std::vector<double> count_per_unit(const SpatialUnits& units,
                                   const std::vector<network::NetworkPosition>& positions,
                                   const std::vector<double>* weights) {
  std::vector<double> c(units.size(), 0.0);
  for (std::size_t k = 0; k < positions.size(); ++k) {
    if (positions[k].edge == network::kNoEdge) continue;
    c[units.unit_at(positions[k])] += weights ? (*weights)[k] : 1.0;
  }
  return c;
}

}  // namespace tryggve::hotspot
