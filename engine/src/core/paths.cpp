#include "tryggve/core/paths.hpp"

#include <unistd.h>

#include <cstdlib>

namespace tryggve {

std::filesystem::path data_dir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("TRYGGVE_DATA_DIR"); env && *env) return env;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "tryggve";
    if (fs::exists(installed / "taxonomy.yaml")) return installed;
  }
  return TRYGGVE_SOURCE_DATA_DIR;
}

}  // namespace tryggve
