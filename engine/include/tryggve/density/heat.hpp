#pragma once
// The heat equation on a network, for the diffusion density estimator
// (McSwiggan, Baddeley & Nair 2016). The density with bandwidth sigma is the
// solution at time t = sigma^2 / 2 of u_t = u_xx started from the events as
// point masses: on a single line that is exactly the Gaussian with sd sigma.
// At a junction u is continuous and the outgoing fluxes sum to zero
// (Kirchhoff); at a dead end the flux is zero (reflecting, Neumann), as spatstat.
//
// Discretisation: linear finite elements with a lumped mass along each edge
// (an edge of length L gets max(1, ceil(L / dx)) equal cells; every vertex is
// a node), so mass is conserved exactly and the spatial error is O(dx^2).
// Time: the exact matrix exponential of the semi-discrete system, applied with
// a Chebyshev expansion (Bessel-function coefficients, truncated below 1e-16).
// Unlike spatstat's explicit Euler scheme, whose time step must shrink with the
// square of the shortest cell, the number of operator applications grows only
// with sqrt(t * largest eigenvalue), and the time integration adds no error.
// Edges shorter than dx/1000 are collapsed (their ends share one node).
#include <cstdint>
#include <span>
#include <vector>

#include "tryggve/network/network.hpp"

namespace tryggve::density {

class HeatGrid {
 public:
  HeatGrid(const network::Network& net, double dx);

  std::size_t node_count() const { return mass_.size(); }
  double dx() const { return dx_; }

  // Adds a point mass `weight` at position p to the density field u (size
  // node_count()): shared by the two nodes of its cell in proportion to the hat
  // functions, divided by the nodes' masses, so that sum(mass * u) grows by weight.
  void add_point_mass(network::NetworkPosition p, double weight, std::span<double> u) const;
  // The field at position p (linear interpolation within the cell).
  double value_at(std::span<const double> u, network::NetworkPosition p) const;
  // Integral of the field over the network (sum of node mass * value).
  double integral(std::span<const double> u) const;

  // u <- exp(t * Laplacian) u, i.e. diffuses u for time t (t = sigma^2 / 2 turns
  // point masses into Gaussians with sd sigma). Returns the operator applications used.
  // Parallel over nodes with oneTBB; every output is computed by one fixed
  // formula, so the result does not depend on the thread count.
  std::size_t diffuse(std::vector<double>& u, double t) const;

 private:
  // Node of edge e's grid point j (0 = from vertex, cells(e) = to vertex).
  std::uint32_t node(network::EdgeId e, std::uint32_t j) const;
  const network::Network* net_;
  double dx_;
  std::vector<std::uint32_t> vertex_node_;  // vertex -> node (collapsed short edges share)
  std::vector<std::uint32_t> cells_;        // per edge
  std::vector<std::uint32_t> interior_;     // per edge: node id of its first interior point
  std::vector<double> mass_;
  // Row-compressed operator A = M^-1 K (positive semi-definite in the M inner product).
  std::vector<std::uint32_t> row_;
  std::vector<std::uint32_t> col_;
  std::vector<double> coef_;  // k_ij / m_i
  std::vector<double> diag_;  // sum_j k_ij / m_i
  double lambda_max_ = 0.0;   // Gershgorin bound on A's spectrum
};

// Coefficients a_k of exp(-c (1 + y)) = sum_k a_k T_k(y) on [-1, 1] (a_k =
// (2 - [k=0]) (-1)^k e^-c I_k(c)), truncated once below `tol`. Exposed for tests.
std::vector<double> chebyshev_exp_coefficients(double c, double tol = 1e-16);

}  // namespace tryggve::density
