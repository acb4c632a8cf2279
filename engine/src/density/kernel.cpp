#include "tryggve/density/kernel.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numbers>
#include <string>

namespace tryggve::density {

std::string_view kernel_name(Kernel k) {
  switch (k) {
    case Kernel::Quartic: return "quartic";
    case Kernel::Epanechnikov: return "epanechnikov";
    case Kernel::Triweight: return "triweight";
    case Kernel::Gaussian: return "gaussian";
    case Kernel::Triangular: return "triangular";
    case Kernel::Uniform: return "uniform";
  }
  return "?";
}

std::optional<Kernel> parse_kernel(std::string_view name) {
  std::string s(name);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  if (s == "quartic" || s == "biweight") return Kernel::Quartic;
  if (s == "epanechnikov") return Kernel::Epanechnikov;
  if (s == "triweight") return Kernel::Triweight;
  if (s == "gaussian") return Kernel::Gaussian;
  if (s == "triangular") return Kernel::Triangular;
  if (s == "uniform" || s == "rectangular") return Kernel::Uniform;
  return std::nullopt;
}

namespace {
// sd / h for each kernel (variance of the unit-support kernel, square-rooted).
double sd_ratio(Kernel k) {
  switch (k) {
    case Kernel::Quartic: return 1.0 / std::sqrt(7.0);
    case Kernel::Epanechnikov: return 1.0 / std::sqrt(5.0);
    case Kernel::Triweight: return 1.0 / 3.0;
    case Kernel::Gaussian: return 1.0;
    case Kernel::Triangular: return 1.0 / std::sqrt(6.0);
    case Kernel::Uniform: return 1.0 / std::sqrt(3.0);
  }
  return 1.0;
}
}  // namespace

double kernel_sd(Kernel k, double bandwidth) { return bandwidth * sd_ratio(k); }
double bandwidth_for_sd(Kernel k, double sd) { return sd / sd_ratio(k); }

KernelFunction::KernelFunction(Kernel kind, double bandwidth, double gaussian_cutoff_sd)
    : kind_(kind), h_(bandwidth), inv_h_(1.0 / bandwidth),
      support_(kind == Kernel::Gaussian ? gaussian_cutoff_sd * bandwidth : bandwidth) {}

double KernelFunction::operator()(double d) const {
  const double u = std::abs(d) * inv_h_;
  if (kind_ == Kernel::Gaussian) {
    if (std::abs(d) >= support_) return 0.0;
    return std::exp(-0.5 * u * u) * inv_h_ / std::sqrt(2.0 * std::numbers::pi);
  }
  if (u >= 1.0) return 0.0;
  const double v = 1.0 - u * u;
  switch (kind_) {
    case Kernel::Quartic: return (15.0 / 16.0) * v * v * inv_h_;
    case Kernel::Epanechnikov: return 0.75 * v * inv_h_;
    case Kernel::Triweight: return (35.0 / 32.0) * v * v * v * inv_h_;
    case Kernel::Triangular: return (1.0 - u) * inv_h_;
    case Kernel::Uniform: return 0.5 * inv_h_;
    case Kernel::Gaussian: break;
  }
  return 0.0;
}

double KernelFunction::tail(double d) const {
  if (d < 0.0) return 1.0 - tail(-d);
  const double u = d * inv_h_;
  if (kind_ == Kernel::Gaussian) return 0.5 * std::erfc(u / std::numbers::sqrt2);
  if (u >= 1.0) return 0.0;
  // Closed forms of the integral from u to 1 of the unit-support kernel.
  const double u2 = u * u, u3 = u2 * u, u5 = u3 * u2, u7 = u5 * u2;
  switch (kind_) {
    case Kernel::Quartic: return (15.0 / 16.0) * ((1.0 - u) - (2.0 / 3.0) * (1.0 - u3) + 0.2 * (1.0 - u5));
    case Kernel::Epanechnikov: return 0.25 * (2.0 - 3.0 * u + u3);
    case Kernel::Triweight:
      return (35.0 / 32.0) * ((1.0 - u) - (1.0 - u3) + 0.6 * (1.0 - u5) - (1.0 - u7) / 7.0);
    case Kernel::Triangular: return 0.5 * (1.0 - u) * (1.0 - u);
    case Kernel::Uniform: return 0.5 * (1.0 - u);
    case Kernel::Gaussian: break;
  }
  return 0.0;
}

}  // namespace tryggve::density
