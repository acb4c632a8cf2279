#pragma once
// The spatial units of the simulation: the lixels of a network ("cells"), each
// with its length, midpoint and the list of other cells within a network-distance
// cutoff. The self-exciting model, the background smoothing, the spill-over rings
// and the offspring placement all work on these lists, so shortest paths are run
// once per cell here and never again in the EM loop or the Monte Carlo.
//
// A caller who wants one unit per street segment passes a Lixelization with a
// target length longer than any edge. Units without a network (grid cells) come
// with their own measure and neighbour lists: the model, the smoothing and the
// forecasts only ever read a cell's measure and its neighbours.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <vector>

#include "tryggve/network/lixels.hpp"
#include "tryggve/network/network.hpp"

namespace tryggve::simulation {

using CellId = std::uint32_t;
// A SHA-256 digest (fit_cache.hpp: what a model fit depends on).
using FitDigest = std::array<std::uint8_t, 32>;

struct Cell {
  network::EdgeId edge = 0;
  double start = 0.0, end = 0.0;  // offsets along the edge
  double length() const { return end - start; }
  // Length used as a weight (kernel mass, smoothing): at least 1 m, so a
  // degenerate zero-length lixel never makes an observed event impossible.
  double weight_length() const { return end - start < 1.0 ? 1.0 : end - start; }
  network::NetworkPosition mid() const { return {edge, 0.5 * (start + end)}; }
};

struct Neighbour {
  CellId cell;
  float distance_m;  // network distance between the two cells' midpoints
};

class CellNetwork {
 public:
  // Builds the cells from `lix` (one per lixel) and, in parallel, each cell's
  // neighbours within `cutoff_m` of network distance (midpoint to midpoint; the
  // cell itself is included at distance 0). `net` and `lix` must outlive this.
  // Throws Error(BadOption) if cutoff_m <= 0 or the network has no edges.
  CellNetwork(const network::Network& net, const network::Lixelization& lix, double cutoff_m);
  // Units without a network (e.g. grid cells): unit c has measure[c] (> 0; an
  // area for areal units: it plays the part of the length everywhere) and the
  // neighbours in neighbours[c] (within cutoff_m, each list holding c itself at
  // distance 0; sorted here). Throws Error(BadOption) for a measure that is not
  // > 0, a list without its own unit, or an id out of range. Such a CellNetwork
  // has no network(): network(), cell_at() and within() throw Error(BadOption).
  CellNetwork(std::vector<double> measure, std::vector<std::vector<Neighbour>> neighbours, double cutoff_m);
  bool has_network() const { return net_ != nullptr; }
  // The mean length of the neighbour lists CellNetwork(net, lix, cutoff_m) would
  // make, from up to `samples` cells spread evenly over the lixel ids (a search
  // from each): what the lists would take (x size() x sizeof(Neighbour)) is known
  // before they are made. Throws Error(BadOption) if cutoff_m <= 0.
  static double mean_neighbours(const network::Network& net, const network::Lixelization& lix, double cutoff_m,
                                std::size_t samples = 256);
  // The bytes the lists would take, from that mean.
  static double list_bytes_estimate(const network::Network& net, const network::Lixelization& lix, double cutoff_m) {
    return mean_neighbours(net, lix, cutoff_m) * static_cast<double>(lix.size()) * sizeof(Neighbour);
  }

  std::size_t size() const { return cells_.size(); }
  const Cell& cell(CellId c) const { return cells_[c]; }
  const std::vector<Cell>& cells() const { return cells_; }
  double length(CellId c) const { return cells_[c].length(); }
  double total_length() const { return total_length_; }
  double cutoff_m() const { return cutoff_m_; }
  // Neighbours of c within the cutoff, sorted by cell id (c itself included).
  std::span<const Neighbour> neighbours(CellId c) const {
    return {nbr_.get() + nbr_offset_[c], nbr_.get() + nbr_offset_[c + 1]};
  }
  // The cell holding a network position (offset clamped to the edge).
  CellId cell_at(network::NetworkPosition p) const;
  // Cells of edge e are first_cell(e) .. first_cell(e) + cell_count(e) - 1, in
  // order along it (network cells only: unchecked, as they sit in inner loops).
  CellId first_cell(network::EdgeId e) const { return lix_->first_lixel(e); }
  CellId cell_count(network::EdgeId e) const { return lix_->lixel_count(e); }
  const network::Network& network() const;

  // Cells within `max_distance_m` of any cell in `sources` (multi-source network
  // distance, midpoint to midpoint), with their distance; sources are at 0. Used
  // for spill-over rings whose radius may exceed the neighbour cutoff.
  std::vector<std::pair<CellId, double>> within(std::span<const CellId> sources, double max_distance_m) const;

  // SHA-256 of everything the model fit reads from the cells (fit_cache.hpp): the
  // cutoff, every cell's edge and offsets, every neighbour list with its distances.
  // Taken once at construction (a linear pass, small beside the shortest paths).
  const FitDigest& digest() const { return digest_; }

 private:
  const network::Network* net_ = nullptr;
  const network::Lixelization* lix_ = nullptr;
  std::vector<Cell> cells_;
  double total_length_ = 0.0;
  double cutoff_m_ = 0.0;
  std::vector<std::uint64_t> nbr_offset_;
  // Every cell's list end to end (the simulator indexes arrays by the position in
  // it), in a malloc'd block grown with realloc as the lists are made block by
  // block of cells: a large block grows in place (glibc's mremap), so the lists
  // are never held twice. A city's (1.5 M lixels of 20 m, 400 m cutoff: ~4 GB)
  // held in per-cell vectors and then copied took ~9 GB at the copy.
  struct FreeBlock {
    void operator()(Neighbour* p) const noexcept { std::free(p); }
  };
  std::unique_ptr<Neighbour[], FreeBlock> nbr_;
  void resize_lists(std::size_t entries);
  FitDigest digest_{};
  void take_digest();
};

}  // namespace tryggve::simulation
