#pragma once
// One-dimensional smoothing kernels for network density. Each is a probability
// density on the real line, symmetric about 0, scaled by a bandwidth h:
//
//   compact kernels (quartic, Epanechnikov, triweight, triangular, uniform):
//     h is the SUPPORT RADIUS: K(d) = 0 for |d| >= h.  (QGIS/SANET convention.)
//   Gaussian: h is the STANDARD DEVIATION sigma (spatstat's `sigma`); it has
//     infinite support, truncated by the callers at `gaussian_cutoff_sd * sigma`.
//
// spatstat's densityEqualSplit instead takes every kernel's standard deviation
// as `sigma` (an Epanechnikov with sigma 100 reaches 100*sqrt(5)); use
// kernel_sd() / bandwidth_for_sd() to convert between the two conventions.
#include <optional>
#include <string_view>

namespace tryggve::density {

enum class Kernel { Quartic, Epanechnikov, Triweight, Gaussian, Triangular, Uniform };

std::string_view kernel_name(Kernel k);
// Accepts the names above in any case, plus "biweight" (= quartic) and "rectangular" (= uniform).
std::optional<Kernel> parse_kernel(std::string_view name);

// Standard deviation of the kernel with bandwidth h, and its inverse.
double kernel_sd(Kernel k, double bandwidth);
double bandwidth_for_sd(Kernel k, double sd);

class KernelFunction {
 public:
  // bandwidth > 0 (not checked here: the density options validate it).
  KernelFunction(Kernel kind, double bandwidth, double gaussian_cutoff_sd = 8.0);

  // Density at signed distance d (per unit length): integrates to 1 over the line.
  double operator()(double d) const;
  // Upper-tail mass: the integral of the density from d to +infinity (any real d).
  // Equal-split's truncation rule weighs a travelling path by |weight| * tail(distance).
  double tail(double d) const;
  // Radius beyond which the kernel is (taken as) zero.
  double support() const { return support_; }
  double bandwidth() const { return h_; }
  Kernel kind() const { return kind_; }

 private:
  Kernel kind_;
  double h_;
  double inv_h_;
  double support_;
};

}  // namespace tryggve::density
