#include "tryggve/hotspot/weights.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <span>
#include <string>

#include <fmt/format.h>

#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/parallel.hpp"
#include "tryggve/network/distance.hpp"

namespace tryggve::hotspot {

namespace {

using Row = std::vector<std::pair<UnitId, double>>;

// Rows (each sorted by neighbour id by the caller) into CSR.
Weights from_rows(std::vector<Row>& rows, bool self_included, WeightStyle style) {
  Weights w;
  w.self_included = self_included;
  w.style = style;
  w.offsets.assign(rows.size() + 1, 0);
  for (std::size_t i = 0; i < rows.size(); ++i) w.offsets[i + 1] = w.offsets[i] + rows[i].size();
  w.neighbours.resize(w.offsets.back());
  w.weights.resize(w.offsets.back());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::size_t k = w.offsets[i];
    for (auto [j, v] : rows[i]) { w.neighbours[k] = j; w.weights[k] = v; ++k; }
  }
  return w;
}

void check_positive(double v, const char* name) {
  if (!(v > 0.0) || !std::isfinite(v))
    throw Error(ErrorCode::BadOption, std::string("weights.") + name,
                fmt::format("must be a positive finite distance, got {}", v));
}

}  // namespace

std::string_view to_string(WeightScheme s) {
  switch (s) {
    case WeightScheme::DistanceBand: return "distance_band";
    case WeightScheme::InverseDistance: return "inverse_distance";
    case WeightScheme::Kernel: return "kernel";
    case WeightScheme::Contiguity: return "contiguity";
  }
  return "?";
}
std::string_view to_string(KernelShape k) {
  switch (k) {
    case KernelShape::Quartic: return "quartic";
    case KernelShape::Epanechnikov: return "epanechnikov";
    case KernelShape::Triangular: return "triangular";
    case KernelShape::Uniform: return "uniform";
    case KernelShape::Gaussian: return "gaussian";
  }
  return "?";
}
std::string_view to_string(WeightStyle s) { return s == WeightStyle::Raw ? "raw" : "row_standardised"; }

WeightScheme parse_weight_scheme(std::string_view s) {
  if (s == "distance_band" || s == "band") return WeightScheme::DistanceBand;
  if (s == "inverse_distance" || s == "idw") return WeightScheme::InverseDistance;
  if (s == "kernel") return WeightScheme::Kernel;
  if (s == "contiguity") return WeightScheme::Contiguity;
  throw Error(ErrorCode::BadOption, "weights.scheme",
              fmt::format("'{}' is not one of distance_band, inverse_distance, kernel, contiguity", s));
}
KernelShape parse_kernel_shape(std::string_view s) {
  for (auto k : {KernelShape::Quartic, KernelShape::Epanechnikov, KernelShape::Triangular, KernelShape::Uniform,
                 KernelShape::Gaussian})
    if (s == to_string(k)) return k;
  throw Error(ErrorCode::BadOption, "weights.kernel",
              fmt::format("'{}' is not one of quartic, epanechnikov, triangular, uniform, gaussian", s));
}
WeightStyle parse_weight_style(std::string_view s) {
  if (s == "raw" || s == "binary" || s == "B") return WeightStyle::Raw;
  if (s == "row" || s == "row_standardised" || s == "row_standardized" || s == "W") return WeightStyle::RowStandardised;
  throw Error(ErrorCode::BadOption, "weights.style", fmt::format("'{}' is not one of raw, row_standardised", s));
}

double kernel_value(KernelShape k, double u) {
  u = std::abs(u);
  if (u > 1.0) return 0.0;
  switch (k) {
    case KernelShape::Quartic: { const double a = 1.0 - u * u; return a * a; }
    case KernelShape::Epanechnikov: return 1.0 - u * u;
    case KernelShape::Triangular: return 1.0 - u;
    case KernelShape::Uniform: return 1.0;
    case KernelShape::Gaussian: return std::exp(-0.5 * u * u);
  }
  return 0.0;
}

std::size_t Weights::isolate_count() const {
  std::size_t c = 0;
  for (std::size_t i = 0; i < size(); ++i) {
    std::size_t k = cardinality(i);
    if (self_included) {
      const auto nb = neighbours_of(i);
      if (std::binary_search(nb.begin(), nb.end(), static_cast<UnitId>(i))) --k;
    }
    c += k == 0;
  }
  return c;
}

double Weights::mean_cardinality() const {
  return size() ? static_cast<double>(nonzero_count()) / static_cast<double>(size()) : 0.0;
}

Weights unit_distances(const network::Network& net, const SpatialUnits& units, double max_distance_m) {
  check_positive(max_distance_m, "max_distance_m");
  const std::size_t n = units.size();
  std::vector<Row> rows(n);
  struct Scratch {
    explicit Scratch(const network::Network& net) : ws(net), edge_stamp(net.edge_count(), 0) {}
    network::DistanceWorkspace ws;
    std::vector<std::uint32_t> edge_stamp;
    std::uint32_t epoch = 0;
    std::vector<network::EdgeId> edges;
  };
  PerThread<Scratch> scratch([&] { return Scratch(net); });
  const double cut = max_distance_m;
  parallel_for(IndexRange<std::size_t>(0, n, 64), [&](const auto& range) {
    Scratch& s = scratch.local();
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      const auto src = units[static_cast<UnitId>(i)].midpoint();
      s.ws.run(src, cut);
      if (++s.epoch == 0) { std::fill(s.edge_stamp.begin(), s.edge_stamp.end(), 0); s.epoch = 1; }
      s.edges.clear();
      auto add_edge = [&](network::EdgeId e) {
        if (s.edge_stamp[e] != s.epoch) { s.edge_stamp[e] = s.epoch; s.edges.push_back(e); }
      };
      add_edge(src.edge);
      for (network::VertexId v : s.ws.reached())
        for (const auto& inc : net.incident(v)) add_edge(inc.edge);
      Row& row = rows[i];
      for (network::EdgeId e : s.edges) {
        const auto& edge = net.edge(e);
        const UnitId a = units.first(e), b = a + units.count(e);
        // Only units whose midpoint can be within the cut-off: near the `from` end,
        // near the `to` end, or (on the source's own edge) near the source. The
        // exact distance is checked below; the ranges only save work on long edges.
        const double reach_from = cut - s.ws.vertex_distance(edge.from);
        const double reach_to = cut - s.ws.vertex_distance(edge.to);
        auto mid = [&](UnitId u) { return units[u].mid_offset(); };
        auto first_with_mid_ge = [&](double off) {
          return static_cast<UnitId>(std::partition_point(units.units().begin() + a, units.units().begin() + b,
                                                          [&](const Unit& u) { return u.mid_offset() < off; }) -
                                      units.units().begin());
        };
        std::pair<UnitId, UnitId> ranges[3];
        int nr = 0;
        if (reach_from >= 0) ranges[nr++] = {a, first_with_mid_ge(std::nextafter(reach_from, INFINITY))};
        if (reach_to >= 0) ranges[nr++] = {first_with_mid_ge(edge.length - reach_to), b};
        if (e == src.edge)
          ranges[nr++] = {first_with_mid_ge(src.offset - cut), first_with_mid_ge(std::nextafter(src.offset + cut, INFINITY))};
        std::sort(ranges, ranges + nr);
        UnitId done = a;
        for (int r = 0; r < nr; ++r) {
          for (UnitId u = std::max(done, ranges[r].first); u < ranges[r].second; ++u) {
            if (u == i) continue;
            const double d = s.ws.distance_to({e, mid(u)});
            if (d <= cut) row.emplace_back(u, d);
          }
          done = std::max(done, ranges[r].second);
        }
      }
      std::sort(row.begin(), row.end());
    }
  });
  return from_rows(rows, false, WeightStyle::Raw);
}

Weights contiguity(const network::Network& net, const SpatialUnits& units) {
  const std::size_t n = units.size();
  std::vector<Row> rows(n);
  // Units at a vertex: the first unit of each edge starting there, the last of each ending there.
  auto at_vertex = [&](network::VertexId v, Row& row, UnitId self) {
    for (const auto& inc : net.incident(v)) {
      const UnitId a = units.first(inc.edge), c = units.count(inc.edge);
      if (c == 0) continue;
      const UnitId u = inc.at_from ? a : a + c - 1;
      if (u != self) row.emplace_back(u, 1.0);
    }
  };
  parallel_for(IndexRange<std::size_t>(0, n, 256), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      const UnitId u = static_cast<UnitId>(i);
      const auto e = units[u].edge;
      const UnitId a = units.first(e), last = a + units.count(e) - 1;
      Row& row = rows[i];
      if (u > a) row.emplace_back(u - 1, 1.0);
      if (u < last) row.emplace_back(u + 1, 1.0);
      if (u == a) at_vertex(net.edge(e).from, row, u);
      if (u == last) at_vertex(net.edge(e).to, row, u);
      std::sort(row.begin(), row.end());
      // Parallel edges and self-loops meet twice: one link each.
      row.erase(std::unique(row.begin(), row.end(), [](auto& x, auto& y) { return x.first == y.first; }), row.end());
    }
  });
  return from_rows(rows, false, WeightStyle::Raw);
}

Weights include_self(const Weights& w, double self_weight) {
  std::vector<Row> rows(w.size());
  for (std::size_t i = 0; i < w.size(); ++i) {
    const auto nb = w.neighbours_of(i);
    const auto wt = w.weights_of(i);
    Row& row = rows[i];
    row.reserve(nb.size() + 1);
    bool placed = false;
    for (std::size_t k = 0; k < nb.size(); ++k) {
      if (nb[k] == i) { placed = true; row.emplace_back(nb[k], self_weight); continue; }
      if (!placed && nb[k] > i) { row.emplace_back(static_cast<UnitId>(i), self_weight); placed = true; }
      row.emplace_back(nb[k], wt[k]);
    }
    if (!placed) row.emplace_back(static_cast<UnitId>(i), self_weight);
  }
  return from_rows(rows, true, w.style);
}

Weights exclude_self(const Weights& w) {
  std::vector<Row> rows(w.size());
  for (std::size_t i = 0; i < w.size(); ++i) {
    const auto nb = w.neighbours_of(i);
    const auto wt = w.weights_of(i);
    for (std::size_t k = 0; k < nb.size(); ++k)
      if (nb[k] != i) rows[i].emplace_back(nb[k], wt[k]);
  }
  return from_rows(rows, false, w.style);
}

namespace {

// One row's weights divided by their sum (a row summing to 0 is left as it is):
// the stored weights' row_standardise() and SpaceTimeRows' rows alike, so both
// give the same bits.
void standardise_row(std::span<double> weights) {
  double sum = 0;
  for (double v : weights) sum += v;
  if (sum == 0) return;
  for (double& v : weights) v /= sum;
}

// Cell (t, i)'s row of the space-time weights: unit i's spatial neighbours at every
// step from t - time_lags to t, earlier steps first so ids stay sorted (cell id =
// step * n + unit). put(id, weight) takes them in order.
template <class Put>
void space_time_row(const Weights& spatial, std::size_t t, std::size_t i, std::size_t time_lags, Put&& put) {
  const std::size_t n = spatial.size();
  const auto nb = spatial.neighbours_of(i);
  const auto wt = spatial.weights_of(i);
  for (std::size_t s = t - std::min(time_lags, t); s <= t; ++s)
    for (std::size_t m = 0; m < nb.size(); ++m) put(static_cast<UnitId>(s * n + nb[m]), wt[m]);
}

}  // namespace

Weights row_standardise(const Weights& w) {
  Weights out = w;
  out.style = WeightStyle::RowStandardised;
  for (std::size_t i = 0; i < w.size(); ++i)
    standardise_row(std::span<double>(out.weights).subspan(out.offsets[i], out.offsets[i + 1] - out.offsets[i]));
  return out;
}

Weights build_weights(const network::Network& net, const SpatialUnits& units, const WeightsOptions& opt) {
  Weights w;
  double self_weight = 1.0;
  switch (opt.scheme) {
    case WeightScheme::Contiguity:
      w = contiguity(net, units);
      break;
    case WeightScheme::DistanceBand:
      w = unit_distances(net, units, opt.max_distance_m);
      std::fill(w.weights.begin(), w.weights.end(), 1.0);
      break;
    case WeightScheme::InverseDistance: {
      check_positive(opt.min_distance_m, "min_distance_m");
      if (!(opt.power >= 0.0) || !std::isfinite(opt.power))
        throw Error(ErrorCode::BadOption, "weights.power", fmt::format("must be >= 0, got {}", opt.power));
      w = unit_distances(net, units, opt.max_distance_m);
      for (double& v : w.weights) v = std::pow(std::max(v, opt.min_distance_m), -opt.power);
      self_weight = std::pow(opt.min_distance_m, -opt.power);
      break;
    }
    case WeightScheme::Kernel:
      w = unit_distances(net, units, opt.bandwidth_m);
      for (double& v : w.weights) v = kernel_value(opt.kernel, v / opt.bandwidth_m);
      self_weight = kernel_value(opt.kernel, 0.0);
      break;
  }
  if (opt.self == SelfWeight::Include) w = include_self(w, self_weight);
  if (opt.style == WeightStyle::RowStandardised) w = row_standardise(w);
  return w;
}

Weights space_time_weights(const Weights& spatial, std::size_t n_steps, std::size_t time_lags) {
  const std::size_t n = spatial.size();
  Weights w;
  w.self_included = spatial.self_included;
  w.style = WeightStyle::Raw;
  w.offsets.assign(n * n_steps + 1, 0);
  for (std::size_t t = 0; t < n_steps; ++t) {
    const std::size_t lags = std::min(time_lags, t) + 1;
    for (std::size_t i = 0; i < n; ++i)
      w.offsets[t * n + i + 1] = w.offsets[t * n + i] + lags * spatial.cardinality(i);
  }
  w.neighbours.resize(w.offsets.back());
  w.weights.resize(w.offsets.back());
  for (std::size_t t = 0; t < n_steps; ++t)
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t k = w.offsets[t * n + i];
      space_time_row(spatial, t, i, time_lags, [&](UnitId id, double weight) {
        w.neighbours[k] = id;
        w.weights[k++] = weight;
      });
    }
  return w;
}

SpaceTimeRows::SpaceTimeRows(const Weights& spatial, std::size_t n_steps, std::size_t time_lags)
    : spatial_(&spatial), n_steps_(n_steps), time_lags_(time_lags),
      row_standardised_(spatial.style == WeightStyle::RowStandardised) {
  if (n_steps != 0 && spatial.size() > std::numeric_limits<UnitId>::max() / n_steps)
    throw Error(ErrorCode::BadOption, "space-time weights",
                fmt::format("{} units x {} steps are more cells than the ids can number", spatial.size(), n_steps));
}

void SpaceTimeRows::row(std::size_t cell, Row& out) const {
  // Laid out as space_time_weights() lays it and divided as row_standardise()
  // divides it, by the same helpers: the same bits.
  const std::size_t n = spatial_->size();
  out.neighbour_buffer.clear();
  out.weight_buffer.clear();
  space_time_row(*spatial_, cell / n, cell % n, time_lags_, [&](UnitId id, double weight) {
    out.neighbour_buffer.push_back(id);
    out.weight_buffer.push_back(weight);
  });
  if (row_standardised_) standardise_row(out.weight_buffer);
  out.neighbours = out.neighbour_buffer;
  out.weights = out.weight_buffer;
}

void write_weights_csv(const Weights& w, const std::filesystem::path& path) {
  AtomicOutput atomic(path);
  std::ofstream out(atomic.temp_path());
  if (!out) throw Error(ErrorCode::OutputFailed, path.string(), "cannot open for writing");
  out << "from,to,weight\n";
  for (std::size_t i = 0; i < w.size(); ++i) {
    const auto nb = w.neighbours_of(i);
    const auto wt = w.weights_of(i);
    for (std::size_t k = 0; k < nb.size(); ++k) out << fmt::format("{},{},{:.17g}\n", i, nb[k], wt[k]);
  }
  out.close();
  if (!out) throw Error(ErrorCode::OutputFailed, path.string(), "write failed");
  atomic.commit();
}

}  // namespace tryggve::hotspot
