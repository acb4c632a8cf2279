// Every committed fuzz input (corpus/NAME/ seeds and regressions/NAME/, the
// inputs that once broke a harness) through its harness, in the normal suite: a
// fixed bug stays fixed under every compiler, not only in the fuzzing build.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "fuzz_common.hpp"

namespace fs = std::filesystem;

namespace {

using Harness = int (*)(std::string_view);

// Runs every file under corpus/NAME and regressions/NAME; returns how many.
std::size_t replay(const std::string& name, Harness h) {
  std::size_t n = 0;
  for (const char* kind : {"corpus", "regressions"}) {
    const fs::path dir = fs::path(TRYGGVE_FUZZ_DIR) / kind / name;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      SCOPED_TRACE(f.string());
      EXPECT_NO_THROW(h(bytes)) << f;
      ++n;
    }
  }
  return n;
}

}  // namespace

// Each harness has seeds: an empty corpus would make its fuzzing start blind
// and this test vacuous.
TEST(FuzzReplay, Incidents) { EXPECT_GE(replay("incidents", tryggve::fuzz::incidents), 10u); }
TEST(FuzzReplay, Timestamps) { EXPECT_GE(replay("timestamps", tryggve::fuzz::timestamps), 10u); }
TEST(FuzzReplay, Scenario) { EXPECT_GE(replay("scenario", tryggve::fuzz::scenario), 5u); }
TEST(FuzzReplay, Taxonomy) { EXPECT_GE(replay("taxonomy", tryggve::fuzz::taxonomy), 5u); }
TEST(FuzzReplay, Evidence) { EXPECT_GE(replay("evidence", tryggve::fuzz::evidence), 3u); }
TEST(FuzzReplay, Server) { EXPECT_GE(replay("server", tryggve::fuzz::server), 10u); }
