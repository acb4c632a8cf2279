#pragma once
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace tryggve::test {

// The paths configured at build time (test_paths.cpp).
std::filesystem::path configured_shared_data();
std::filesystem::path configured_fixtures();

// ../shared/data (CI has it). TRYGGVE_SHARED_DATA overrides the configured path.
inline std::filesystem::path shared_data() {
  if (const char* env = std::getenv("TRYGGVE_SHARED_DATA"); env && *env) return env;
  return configured_shared_data();
}
inline std::filesystem::path fixtures() { return configured_fixtures(); }

// A fresh, empty folder for one test's outputs.
inline std::filesystem::path temp_dir(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() / ("tryggve_test_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace tryggve::test

// Real-data tests need ../shared/data. CI has it; a missing folder is a failure
// there (TRYGGVE_REQUIRE_SHARED_DATA=1), a skip on a developer's machine without it.
#define TRYGGVE_REQUIRE_SHARED(rel)                                                        \
  do {                                                                                    \
    if (!std::filesystem::exists(::tryggve::test::shared_data() / (rel))) {               \
      if (std::getenv("TRYGGVE_REQUIRE_SHARED_DATA")) FAIL() << "missing shared data " << (rel); \
      GTEST_SKIP() << "shared data not found: " << (rel);                                 \
    }                                                                                     \
  } while (0)
