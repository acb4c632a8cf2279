#include "tryggve/core/rng.hpp"

#include <cstdlib>
#include <string>

namespace tryggve {

std::uint64_t default_seed() {
  if (const char* s = std::getenv("TRYGGVE_SEED"); s && *s) return std::stoull(s);
  return 20190601;  // the month the Backa citizen promise was signed
}

}  // namespace tryggve
