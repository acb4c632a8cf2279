#include "tryggve/simulation/cells.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <new>
#include <type_traits>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/parallel.hpp"
#include "tryggve/network/distance.hpp"

#include "sha256.hpp"

namespace tryggve::simulation {

namespace {

// Per-thread scratch: a distance workspace plus an edge marker so each reached
// edge's cells are looked at once per source.
struct Scratch {
  explicit Scratch(const network::Network& net) : ws(net), edge_stamp(net.edge_count(), 0) {}
  network::DistanceWorkspace ws;
  std::vector<std::uint32_t> edge_stamp;
  std::uint32_t epoch = 0;
};

// Calls f(cell, distance) for every cell (lixel) whose midpoint is within `cutoff`
// of the last source run in s.ws (each cell at most once).
template <class F>
void for_cells_in_reach(Scratch& s, const network::Network& net, const network::Lixelization& lix,
                        network::EdgeId source_edge, double cutoff, F&& f) {
  if (++s.epoch == 0) {
    std::fill(s.edge_stamp.begin(), s.edge_stamp.end(), 0);
    s.epoch = 1;
  }
  auto visit_edge = [&](network::EdgeId e) {
    if (s.edge_stamp[e] == s.epoch) return;
    s.edge_stamp[e] = s.epoch;
    const CellId first = lix.first_lixel(e);
    for (CellId c = first; c < first + lix.lixel_count(e); ++c) {
      const double d = s.ws.distance_to({e, lix[c].mid_offset()});
      if (d <= cutoff) f(c, d);
    }
  };
  if (source_edge != network::kNoEdge) visit_edge(source_edge);
  for (network::VertexId v : s.ws.reached())
    for (const auto& inc : net.incident(v)) visit_edge(inc.edge);
}

}  // namespace

CellNetwork::CellNetwork(const network::Network& net, const network::Lixelization& lix, double cutoff_m)
    : net_(&net), lix_(&lix), cutoff_m_(cutoff_m) {
  if (!(cutoff_m > 0.0)) throw Error(ErrorCode::BadOption, "simulation cells", "neighbour cutoff_m must be > 0");
  if (net.edge_count() == 0 || lix.size() == 0)
    throw Error(ErrorCode::EmptyNetwork, "simulation cells", "the network has no edges");
  cells_.reserve(lix.size());
  for (const auto& l : lix.lixels()) {
    cells_.push_back({l.edge, l.start, l.end});
    total_length_ += l.length();
  }

  // Neighbour lists, one Dijkstra per cell, in parallel; every cell writes its own
  // list, so the result does not depend on the thread count. Block by block of
  // cells, each block's lists appended to nbr_ and freed before the next: only one
  // block's lists (~40 MB at 400 m) are ever held beside nbr_.
  constexpr std::size_t kBlockCells = std::size_t{1} << 14;
  nbr_offset_.assign(cells_.size() + 1, 0);
  PerThread<Scratch> scratch([&] { return Scratch(net); });
  std::vector<std::vector<Neighbour>> lists;
  for (std::size_t b0 = 0; b0 < cells_.size(); b0 += kBlockCells) {
    const std::size_t b1 = std::min(cells_.size(), b0 + kBlockCells);
    lists.assign(b1 - b0, {});
    parallel_for(IndexRange<std::size_t>(b0, b1, 64), [&](const auto& r) {
      Scratch& s = scratch.local();
      for (std::size_t c = r.begin(); c != r.end(); ++c) {
        s.ws.run(cells_[c].mid(), cutoff_m);
        auto& out = lists[c - b0];
        for_cells_in_reach(s, net, lix, cells_[c].edge, cutoff_m,
                           [&](CellId o, double d) { out.push_back({o, static_cast<float>(o == c ? 0.0 : d)}); });
        std::sort(out.begin(), out.end(), [](const Neighbour& a, const Neighbour& b) { return a.cell < b.cell; });
      }
    });
    for (std::size_t c = b0; c < b1; ++c) nbr_offset_[c + 1] = nbr_offset_[c] + lists[c - b0].size();
    resize_lists(nbr_offset_[b1]);
    for (std::size_t c = b0; c < b1; ++c) std::copy(lists[c - b0].begin(), lists[c - b0].end(), nbr_.get() + nbr_offset_[c]);
  }
  lists = {};
  take_digest();
}

double CellNetwork::mean_neighbours(const network::Network& net, const network::Lixelization& lix, double cutoff_m,
                                    std::size_t samples) {
  if (!(cutoff_m > 0.0)) throw Error(ErrorCode::BadOption, "simulation cells", "neighbour cutoff_m must be > 0");
  if (lix.size() == 0 || samples == 0) return 0.0;
  const std::size_t n = std::min(samples, lix.size());
  std::vector<std::size_t> count(n, 0);
  PerThread<Scratch> scratch([&] { return Scratch(net); });
  parallel_for(IndexRange<std::size_t>(0, n, 8), [&](const auto& r) {
    Scratch& s = scratch.local();
    for (std::size_t i = r.begin(); i != r.end(); ++i) {
      // Evenly spread over the ids: lixels are numbered edge by edge, so over the whole network.
      const auto c = static_cast<network::LixelId>(i * lix.size() / n);
      s.ws.run({lix[c].edge, lix[c].mid_offset()}, cutoff_m);
      for_cells_in_reach(s, net, lix, lix[c].edge, cutoff_m, [&](CellId, double) { ++count[i]; });
    }
  });
  double total = 0.0;
  for (auto k : count) total += static_cast<double>(k);
  return total / static_cast<double>(n);
}

CellNetwork::CellNetwork(std::vector<double> measure, std::vector<std::vector<Neighbour>> neighbours, double cutoff_m)
    : cutoff_m_(cutoff_m) {
  if (!(cutoff_m > 0.0)) throw Error(ErrorCode::BadOption, "simulation cells", "neighbour cutoff_m must be > 0");
  if (measure.empty() || neighbours.size() != measure.size())
    throw Error(ErrorCode::BadOption, "simulation cells",
                fmt::format("{} units with {} neighbour lists", measure.size(), neighbours.size()));
  cells_.reserve(measure.size());
  nbr_offset_.assign(1, 0);
  std::size_t entries = 0;
  for (const auto& l : neighbours) entries += l.size();
  resize_lists(entries);
  for (std::size_t c = 0; c < measure.size(); ++c) {
    if (!(measure[c] > 0.0) || !std::isfinite(measure[c]))
      throw Error(ErrorCode::BadOption, fmt::format("simulation cells: unit {}", c), "measure must be > 0");
    cells_.push_back({network::kNoEdge, 0.0, measure[c]});
    total_length_ += measure[c];
    auto& l = neighbours[c];
    bool self = false;
    for (const auto& n : l) {
      if (n.cell >= measure.size())
        throw Error(ErrorCode::BadOption, fmt::format("simulation cells: unit {}", c),
                    fmt::format("neighbour {} is not a unit", n.cell));
      self = self || (n.cell == c && n.distance_m == 0.0f);
    }
    if (!self)
      throw Error(ErrorCode::BadOption, fmt::format("simulation cells: unit {}", c),
                  "its neighbour list must hold the unit itself at distance 0");
    std::sort(l.begin(), l.end(), [](const Neighbour& a, const Neighbour& b) { return a.cell < b.cell; });
    std::copy(l.begin(), l.end(), nbr_.get() + nbr_offset_.back());
    nbr_offset_.push_back(nbr_offset_.back() + l.size());
  }
  take_digest();
}

void CellNetwork::resize_lists(std::size_t entries) {
  static_assert(std::is_trivially_copyable_v<Neighbour>, "realloc moves the lists as bytes");
  if (entries == 0) return;  // nothing to hold (neighbours() of an empty list never reads it)
  if (entries > std::numeric_limits<std::size_t>::max() / sizeof(Neighbour)) throw std::bad_alloc();
  auto* p = static_cast<Neighbour*>(std::realloc(nbr_.get(), entries * sizeof(Neighbour)));
  if (!p) throw std::bad_alloc();
  (void)nbr_.release();  // realloc freed or kept the old block
  nbr_.reset(p);
}

void CellNetwork::take_digest() {
  detail::Sha256 h;
  h.text("tryggve.simulation.CellNetwork");
  h.f64(cutoff_m_);
  h.f64(total_length_);
  h.u64(cells_.size());
  for (const Cell& c : cells_) {
    h.u32(c.edge);
    h.f64(c.start);
    h.f64(c.end);
  }
  for (std::size_t c = 0; c < cells_.size(); ++c) {
    const auto nb = neighbours(static_cast<CellId>(c));
    h.u64(nb.size());
    for (const Neighbour& n : nb) {
      h.u32(n.cell);
      h.f32(n.distance_m);
    }
  }
  digest_ = h.finish();
}

const network::Network& CellNetwork::network() const {
  if (!net_) throw Error(ErrorCode::BadOption, "simulation cells", "these units have no street network");
  return *net_;
}

CellId CellNetwork::cell_at(network::NetworkPosition p) const {
  if (!lix_) throw Error(ErrorCode::BadOption, "simulation cells", "these units have no street network");
  return lix_->lixel_at(p.edge, p.offset);
}

std::vector<std::pair<CellId, double>> CellNetwork::within(std::span<const CellId> sources,
                                                           double max_distance_m) const {
  if (!net_) throw Error(ErrorCode::BadOption, "simulation cells", "these units have no street network");
  std::vector<double> best(cells_.size(), network::kUnreached);
  Scratch s(*net_);
  for (CellId src : sources) {
    s.ws.run(cells_[src].mid(), max_distance_m);
    for_cells_in_reach(s, *net_, *lix_, cells_[src].edge, max_distance_m, [&](CellId o, double d) {
      best[o] = std::min(best[o], o == src ? 0.0 : d);
    });
  }
  std::vector<std::pair<CellId, double>> out;
  for (CellId c = 0; c < cells_.size(); ++c)
    if (best[c] <= max_distance_m) out.emplace_back(c, best[c]);
  return out;
}

}  // namespace tryggve::simulation
