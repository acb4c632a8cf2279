#pragma once
// Thread count for the whole run (--threads N). Determinism never depends on
// it: see core/rng.hpp.
#include <memory>

namespace tryggve {

// Limits oneTBB to n threads for the lifetime of the returned handle (0 = all cores).
std::shared_ptr<void> limit_threads(int n);
int max_threads();

}  // namespace tryggve
