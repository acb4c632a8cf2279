#include "tryggve/density/heat.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include <fmt/format.h>

#include "tryggve/core/limits.hpp"
#include "tryggve/core/parallel.hpp"

namespace tryggve::density {

using network::EdgeId;

namespace {
std::uint32_t find_root(std::vector<std::uint32_t>& p, std::uint32_t v) {
  while (p[v] != v) v = p[v] = p[p[v]];
  return v;
}
// Below this many nodes a parallel loop costs more than it saves.
constexpr std::size_t kGrain = 2048;
}  // namespace

HeatGrid::HeatGrid(const network::Network& net, double dx) : net_(&net), dx_(dx) {
  const std::size_t nv = net.vertex_count(), ne = net.edge_count();
  // Nodes counted in floating point before anything is allocated: node ids are
  // 32-bit, and a tiny dx on a city's network is terabytes (once "std::bad_alloc").
  {
    double nodes = static_cast<double>(nv);
    for (EdgeId e = 0; e < ne; ++e) nodes += std::max(0.0, std::ceil(net.edge(e).length / dx - 1e-9) - 1.0);
    // Per node: mass, diagonal, row start, two links (column, coefficient, and the
    // 16-byte link list while building), and the five fields of diffuse() plus the density itself.
    constexpr double kBytesPerNode = 8 + 8 + 4 + 2 * (4 + 8 + 16) + 6 * 8;
    const std::string detail = fmt::format("{:.3g} nodes: dx {:.3g} m on {:.1f} km of street", nodes, dx,
                                           net.total_length() / 1000.0);
    constexpr const char* remedy = "raise --heat-dx-m (the grid spacing; 0 = bandwidth / 25) or --bandwidth-m";
    check_memory(nodes * kBytesPerNode, "density (heat kernel)", "the heat kernel grid", detail, remedy);
    checked_count(nodes, UINT32_MAX - 1, "density (heat kernel)", "the heat kernel grid (" + detail + ")", remedy);
  }
  // Collapse (near) zero-length edges: their conductance would be unbounded.
  std::vector<std::uint32_t> parent(nv);
  std::iota(parent.begin(), parent.end(), 0u);
  const double tiny = dx * 1e-3;
  for (EdgeId e = 0; e < ne; ++e)
    if (net.edge(e).length < tiny) {
      const auto a = find_root(parent, net.edge(e).from), b = find_root(parent, net.edge(e).to);
      if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
  vertex_node_.assign(nv, 0);
  std::vector<std::uint32_t> root_node(nv, UINT32_MAX);
  std::uint32_t count = 0;
  for (std::uint32_t v = 0; v < nv; ++v) {
    const auto r = find_root(parent, v);
    if (root_node[r] == UINT32_MAX) root_node[r] = count++;
    vertex_node_[v] = root_node[r];
  }
  cells_.resize(ne);
  interior_.resize(ne);
  for (EdgeId e = 0; e < ne; ++e) {
    const double len = net.edge(e).length;
    cells_[e] = len < tiny ? 0u : std::max<std::uint32_t>(1, static_cast<std::uint32_t>(std::ceil(len / dx - 1e-9)));
    interior_[e] = count;
    if (cells_[e] > 1) count += cells_[e] - 1;
  }
  mass_.assign(count, 0.0);
  // Links (i, j, conductance), then CSR by row.
  struct Link { std::uint32_t a, b; double k; };
  std::vector<Link> links;
  links.reserve(count + ne);
  for (EdgeId e = 0; e < ne; ++e) {
    if (cells_[e] == 0) continue;
    const double h = net.edge(e).length / cells_[e];
    for (std::uint32_t j = 0; j < cells_[e]; ++j) {
      const auto a = node(e, j), b = node(e, j + 1);
      mass_[a] += 0.5 * h;
      mass_[b] += 0.5 * h;
      if (a != b) links.push_back({a, b, 1.0 / h});
    }
  }
  row_.assign(count + 1, 0);
  for (const auto& l : links) { ++row_[l.a + 1]; ++row_[l.b + 1]; }
  std::partial_sum(row_.begin(), row_.end(), row_.begin());
  col_.resize(row_.back());
  coef_.resize(row_.back());
  diag_.assign(count, 0.0);
  std::vector<std::uint32_t> fill(row_.begin(), row_.end() - 1);
  for (const auto& l : links) {
    col_[fill[l.a]] = l.b; coef_[fill[l.a]++] = l.k / mass_[l.a];
    col_[fill[l.b]] = l.a; coef_[fill[l.b]++] = l.k / mass_[l.b];
    diag_[l.a] += l.k / mass_[l.a];
    diag_[l.b] += l.k / mass_[l.b];
  }
  for (std::uint32_t i = 0; i < count; ++i) {
    if (mass_[i] <= 0.0) mass_[i] = 1.0;  // an isolated vertex: no links, nothing flows
    lambda_max_ = std::max(lambda_max_, 2.0 * diag_[i]);
  }
}

std::uint32_t HeatGrid::node(EdgeId e, std::uint32_t j) const {
  const auto& ed = net_->edge(e);
  if (j == 0) return vertex_node_[ed.from];
  if (j >= cells_[e]) return vertex_node_[ed.to];
  return interior_[e] + j - 1;
}

void HeatGrid::add_point_mass(network::NetworkPosition p, double weight, std::span<double> u) const {
  const double len = net_->edge(p.edge).length;
  const std::uint32_t n = cells_[p.edge];
  if (n == 0) { const auto a = node(p.edge, 0); u[a] += weight / mass_[a]; return; }
  const double s = std::clamp(p.offset, 0.0, len) / len * n;
  const auto j = std::min<std::uint32_t>(static_cast<std::uint32_t>(s), n - 1);
  const double f = s - j;
  const auto a = node(p.edge, j), b = node(p.edge, j + 1);
  u[a] += weight * (1.0 - f) / mass_[a];
  u[b] += weight * f / mass_[b];
}

double HeatGrid::value_at(std::span<const double> u, network::NetworkPosition p) const {
  const double len = net_->edge(p.edge).length;
  const std::uint32_t n = cells_[p.edge];
  if (n == 0) return u[node(p.edge, 0)];
  const double s = std::clamp(p.offset, 0.0, len) / len * n;
  const auto j = std::min<std::uint32_t>(static_cast<std::uint32_t>(s), n - 1);
  const double f = s - j;
  return (1.0 - f) * u[node(p.edge, j)] + f * u[node(p.edge, j + 1)];
}

double HeatGrid::integral(std::span<const double> u) const {
  double s = 0.0;
  for (std::size_t i = 0; i < mass_.size(); ++i) s += mass_[i] * u[i];
  return s;
}

std::vector<double> chebyshev_exp_coefficients(double c, double tol) {
  // e^-c I_k(c) by Miller's backward recurrence I_{k-1} = I_{k+1} + (2k/c) I_k,
  // normalised with I_0 + 2 sum_k I_k = e^c. Beyond k ~ sqrt(74 c) + 40 the terms
  // are below 1e-16 (I_k(c) e^-c ~ exp(-k^2 / 2c) / sqrt(2 pi c)).
  if (c <= 0.0) return {1.0};
  // c = t * lambda_max / 2 grows with (bandwidth / dx)^2: bounded before the cast and the allocation.
  check_memory(8.0 * (10.0 * std::sqrt(c) + 82.0), "density (heat kernel)", "the heat kernel's time expansion",
               fmt::format("{:.3g} terms", 9.0 * std::sqrt(c) + 40.0), "raise --heat-dx-m or lower --bandwidth-m");
  const auto kmax = static_cast<std::size_t>(std::ceil(9.0 * std::sqrt(c) + 40.0));
  const std::size_t start = kmax + 40 + static_cast<std::size_t>(std::sqrt(c));
  std::vector<double> I(start + 2, 0.0);
  I[start + 1] = 0.0;
  I[start] = 1e-280;
  for (std::size_t k = start; k >= 1; --k) {
    I[k - 1] = I[k + 1] + (2.0 * static_cast<double>(k) / c) * I[k];
    if (I[k - 1] > 1e250)
      for (std::size_t j = k - 1; j <= start; ++j) I[j] *= 1e-250;
  }
  double sum = I[0];
  for (std::size_t k = 1; k <= start; ++k) sum += 2.0 * I[k];
  std::vector<double> a;
  for (std::size_t k = 0; k <= kmax; ++k) {
    const double ik = I[k] / sum;
    const double ak = (k == 0 ? 1.0 : 2.0) * ((k % 2) ? -ik : ik);
    if (k > 2 && std::abs(ak) < tol && ik < tol) break;
    a.push_back(ak);
  }
  return a;
}

std::size_t HeatGrid::diffuse(std::vector<double>& u, double t) const {
  const std::size_t n = mass_.size();
  if (t <= 0.0 || n == 0 || lambda_max_ <= 0.0) return 0;
  // exp(-t A) = sum_k a_k T_k(B), B = (2 / lambda) A - I, c = t lambda / 2.
  const double lam = lambda_max_;
  const auto a = chebyshev_exp_coefficients(0.5 * t * lam);
  const double s = 2.0 / lam;
  std::vector<double> prev = u, cur(n), next(n), out(n);
  const auto apply_b = [&](const std::vector<double>& x, std::size_t i) {
    double ax = diag_[i] * x[i];
    for (auto q = row_[i]; q < row_[i + 1]; ++q) ax -= coef_[q] * x[col_[q]];
    return s * ax - x[i];
  };
  const auto par = [&](auto&& body) {
    if (n < 2 * kGrain) { body(std::size_t{0}, n); return; }
    parallel_for(IndexRange<std::size_t>(0, n, kGrain),
                 [&](const IndexRange<std::size_t>& r) { body(r.begin(), r.end()); });
  };
  par([&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) out[i] = a[0] * prev[i];
  });
  if (a.size() > 1) {
    par([&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) { cur[i] = apply_b(prev, i); out[i] += a[1] * cur[i]; }
    });
  }
  for (std::size_t k = 2; k < a.size(); ++k) {
    const double ak = a[k];
    par([&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) {
        next[i] = 2.0 * apply_b(cur, i) - prev[i];
        out[i] += ak * next[i];
      }
    });
    std::swap(prev, cur);
    std::swap(cur, next);
  }
  u.swap(out);
  return a.size() - 1;
}

}  // namespace tryggve::density
