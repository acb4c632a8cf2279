#include "fuzz_common.hpp"

#include <mutex>

#include "tryggve/core/log.hpp"

namespace tryggve::fuzz {

void quiet() {
  static std::once_flag once;
  // GDAL's messages go to the same log (io/gdal_env.cpp).
  std::call_once(once, [] { spdlog::set_level(spdlog::level::off); });
}

}  // namespace tryggve::fuzz
