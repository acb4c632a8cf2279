#pragma once
// Spatial weights between units (segments or lixels) for local statistics, as a
// sparse row structure (CSR): for unit i, neighbour ids (sorted ascending, so the
// order never depends on threads) and their weights. Distances are network
// distances between unit midpoints (shortest path along the streets), not
// straight-line distances.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "tryggve/hotspot/units.hpp"
#include "tryggve/network/network.hpp"

namespace tryggve::hotspot {

enum class WeightScheme {
  DistanceBand,     // w = 1 for neighbours within max_distance_m
  InverseDistance,  // w = 1 / max(d, min_distance_m)^power within max_distance_m
  Kernel,           // w = K(d / bandwidth_m) within bandwidth_m, K(0) = 1
  Contiguity,       // w = 1 for units sharing an end point (segments at a common vertex,
                    // consecutive lixels, lixels meeting at a vertex)
};
enum class KernelShape { Quartic, Epanechnikov, Triangular, Uniform, Gaussian };
// Raw: the scheme's weights as they are (spdep style "B" for band and contiguity);
// RowStandardised: each row divided by its sum after self is added (spdep style "W").
enum class WeightStyle { Raw, RowStandardised };
enum class SelfWeight { Exclude /* Gi, local Moran */, Include /* Gi* */ };

std::string_view to_string(WeightScheme s);
std::string_view to_string(KernelShape k);
std::string_view to_string(WeightStyle s);
// Parse the names above ("distance_band", "inverse_distance", "kernel", "contiguity";
// "quartic", ...; "raw"/"binary", "row"/"row_standardised"). Throw Error(BadOption).
WeightScheme parse_weight_scheme(std::string_view s);
KernelShape parse_kernel_shape(std::string_view s);
WeightStyle parse_weight_style(std::string_view s);

struct WeightsOptions {
  WeightScheme scheme = WeightScheme::DistanceBand;
  double max_distance_m = 300.0;  // band / cut-off of DistanceBand and InverseDistance
  double bandwidth_m = 300.0;     // Kernel: neighbours within the bandwidth
  KernelShape kernel = KernelShape::Quartic;
  double power = 1.0;             // InverseDistance exponent
  // InverseDistance: distances below this are raised to it, so weights stay finite
  // (ArcGIS sets distances under one unit to one); also the self weight's distance.
  double min_distance_m = 1.0;
  WeightStyle style = WeightStyle::Raw;
  SelfWeight self = SelfWeight::Include;
};

// Kernel value K(u) for u = d / bandwidth in [0, 1], scaled so K(0) = 1.
// Gaussian: exp(-u^2 / 2) truncated at u = 1 (as PySAL's Kernel weights).
double kernel_value(KernelShape k, double u);

struct Weights {
  std::vector<std::uint64_t> offsets{0};  // size n + 1
  std::vector<UnitId> neighbours;         // sorted within each row; includes i iff self_included
  std::vector<double> weights;
  bool self_included = false;
  WeightStyle style = WeightStyle::Raw;

  std::size_t size() const { return offsets.size() - 1; }
  std::size_t nonzero_count() const { return neighbours.size(); }
  std::span<const UnitId> neighbours_of(std::size_t i) const {
    return {neighbours.data() + offsets[i], neighbours.data() + offsets[i + 1]};
  }
  std::span<const double> weights_of(std::size_t i) const {
    return {weights.data() + offsets[i], weights.data() + offsets[i + 1]};
  }
  std::size_t cardinality(std::size_t i) const { return offsets[i + 1] - offsets[i]; }
  // Units with no neighbour at all (other than themselves).
  std::size_t isolate_count() const;
  double mean_cardinality() const;
};

// Pairs of units within `max_distance_m` of each other along the network
// (midpoint to midpoint), self excluded: CSR with the distances as weights.
// Parallel over units (one DistanceWorkspace per thread); deterministic.
Weights unit_distances(const network::Network& net, const SpatialUnits& units, double max_distance_m);

// Units sharing an end point; self excluded; weight 1.
Weights contiguity(const network::Network& net, const SpatialUnits& units);

// The full recipe: neighbours and weights per the scheme, self added or not, then styled.
// Throws Error(BadOption) for non-positive distances or a power < 0.
Weights build_weights(const network::Network& net, const SpatialUnits& units, const WeightsOptions& opt);

// Add each unit to its own row with weight `self_weight` (Gi*), or remove it.
Weights include_self(const Weights& w, double self_weight = 1.0);
Weights exclude_self(const Weights& w);
// Divide each row by its sum (rows summing to 0 are left empty).
Weights row_standardise(const Weights& w);

// Space-time weights for emerging hot spots on a cube of n units x T steps, cell id
// t * n + i: cell (i, t) neighbours (j, t - l) for every spatial neighbour j of i
// (incl. i itself when `spatial` includes self) and every lag l = 0..time_lags with
// t - l >= 0, each with i's spatial weight w_ij (ArcGIS's neighbourhood time step;
// sfdep's k). Row standardisation, if wanted, is applied after.
Weights space_time_weights(const Weights& spatial, std::size_t n_steps, std::size_t time_lags);

// Weights read one row at a time, for statistics that visit each row on its own
// (gi_star, conditional_permutations): stored rows (StoredRows over a Weights) or
// rows made when asked (SpaceTimeRows). Stored, the space-time neighbourhoods of
// emerging hot spots on a city (300,000 segments x 24 months x 2 steps x ~40
// neighbours, 12 bytes each) take about 6.5 GB; made row by row they take a row.
class WeightRows {
 public:
  // Where a row is read into: one per thread. The spans stay valid until the next
  // row() with the same Row (or as long as a StoredRows' Weights).
  struct Row {
    std::span<const UnitId> neighbours;
    std::span<const double> weights;
    std::vector<UnitId> neighbour_buffer;
    std::vector<double> weight_buffer;
  };
  virtual ~WeightRows() = default;
  virtual std::size_t size() const = 0;
  virtual bool self_included() const = 0;
  // Row i: neighbour ids sorted ascending and their weights, exactly as the stored
  // Weights would hold them.
  virtual void row(std::size_t i, Row& out) const = 0;
};

// The rows of a Weights (which must outlive this).
class StoredRows final : public WeightRows {
 public:
  explicit StoredRows(const Weights& w) : w_(&w) {}
  std::size_t size() const override { return w_->size(); }
  bool self_included() const override { return w_->self_included; }
  void row(std::size_t i, Row& out) const override {
    out.neighbours = w_->neighbours_of(i);
    out.weights = w_->weights_of(i);
  }

 private:
  const Weights* w_;
};

// The rows of space_time_weights(spatial, n_steps, time_lags), row-standardised
// when `spatial` is (as emerging hot spots style them), made when asked: the same
// ids, weights and order, bit for bit, without storing the n x n_steps rows.
// `spatial` must outlive this. Throws Error(BadOption) when the cells' ids would
// not fit a UnitId.
class SpaceTimeRows final : public WeightRows {
 public:
  SpaceTimeRows(const Weights& spatial, std::size_t n_steps, std::size_t time_lags);
  std::size_t size() const override { return spatial_->size() * n_steps_; }
  bool self_included() const override { return spatial_->self_included; }
  void row(std::size_t cell, Row& out) const override;

 private:
  const Weights* spatial_;
  std::size_t n_steps_, time_lags_;
  bool row_standardised_;
};

// "from,to,weight" with 0-based unit ids, one row per non-zero (for peers such as spdep).
void write_weights_csv(const Weights& w, const std::filesystem::path& path);

}  // namespace tryggve::hotspot
