#pragma once
#include <filesystem>

namespace tryggve {

// The folder with the engine's shipped data files (taxonomy.yaml, evidence.csv,
// mappings/). Looked up in: $TRYGGVE_DATA_DIR, <exe>/../share/tryggve, the source tree.
std::filesystem::path data_dir();

}  // namespace tryggve
