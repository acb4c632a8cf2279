#include <gtest/gtest.h>

#include <fstream>

#include "test_data.hpp"
#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"

using namespace tryggve;
namespace fs = std::filesystem;

TEST(AtomicOutput, UncommittedLeavesNothing) {
  const auto dir = test::temp_dir("atomic1");
  {
    AtomicOutput out(dir / "result.gpkg");
    std::ofstream(out.temp_path()) << "half";
  }
  EXPECT_FALSE(fs::exists(dir / "result.gpkg"));
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST(AtomicOutput, FailedRunKeepsOldFile) {
  const auto dir = test::temp_dir("atomic2");
  write_text_atomically(dir / "a.txt", "old");
  {
    AtomicOutput out(dir / "a.txt");
    std::ofstream(out.temp_path()) << "new but never committed";
  }
  std::ifstream f(dir / "a.txt");
  std::string s;
  f >> s;
  EXPECT_EQ(s, "old");
}

TEST(AtomicOutput, CommitReplaces) {
  const auto dir = test::temp_dir("atomic3");
  write_text_atomically(dir / "a.txt", "old");
  write_text_atomically(dir / "a.txt", "new");
  std::ifstream f(dir / "a.txt");
  std::string s;
  f >> s;
  EXPECT_EQ(s, "new");
  EXPECT_THROW({ AtomicOutput out(dir / "b.txt"); out.commit(); }, Error);
}
