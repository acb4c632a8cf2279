// Faults: a run folder is complete or absent. A child process killed with
// SIGKILL in the middle of writing its run folder leaves the previous one as it
// was; an --out that is or holds an input is refused.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "test_data.hpp"
#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"

using namespace tryggve;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_run(const fs::path& dir, const std::string& tag) {
  std::ofstream(dir / "map.gpkg") << "map " << tag;
  std::ofstream(dir / "situation.json") << "{\"run\":\"" << tag << "\"}";
}

}  // namespace

TEST(AtomicFolder, CommitReplacesTheWholeFolder) {
  const fs::path root = test::temp_dir("atomic_folder");
  const fs::path out = root / "run";
  {
    AtomicFolder a(out);
    write_run(a.temp_path(), "one");
    std::ofstream(a.temp_path() / "only_in_one.csv") << "x";
    EXPECT_FALSE(fs::exists(out)) << "nothing at the target before commit";
    a.commit();
  }
  EXPECT_EQ(slurp(out / "map.gpkg"), "map one");
  {
    AtomicFolder b(out);
    write_run(b.temp_path(), "two");
    EXPECT_EQ(slurp(out / "map.gpkg"), "map one") << "the old run is whole until the new one is";
    b.commit();
  }
  EXPECT_EQ(slurp(out / "map.gpkg"), "map two");
  EXPECT_FALSE(fs::exists(out / "only_in_one.csv")) << "no file of the old run survives in the new one";
  for (const auto& e : fs::directory_iterator(root)) EXPECT_EQ(e.path().filename(), "run") << "no staging left";
  fs::remove_all(root);
}

TEST(AtomicFolder, AFailedRunLeavesThePreviousFolder) {
  const fs::path root = test::temp_dir("atomic_folder_fail");
  const fs::path out = root / "run";
  {
    AtomicFolder a(out);
    write_run(a.temp_path(), "one");
    a.commit();
  }
  {
    AtomicFolder b(out);
    write_run(b.temp_path(), "half");
    // no commit: the run threw
  }
  EXPECT_EQ(slurp(out / "map.gpkg"), "map one");
  for (const auto& e : fs::directory_iterator(root)) EXPECT_EQ(e.path().filename(), "run");
  fs::remove_all(root);
}

TEST(AtomicFolder, KillNineInTheMiddleLeavesThePreviousFolderIntact) {
  const fs::path root = test::temp_dir("atomic_folder_kill");
  const fs::path out = root / "run";
  {
    AtomicFolder a(out);
    write_run(a.temp_path(), "previous");
    a.commit();
  }
  int pipe_fd[2];
  ASSERT_EQ(::pipe(pipe_fd), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child: a run that has written half its folder and is still going.
    ::close(pipe_fd[0]);
    AtomicFolder b(out);
    std::ofstream(b.temp_path() / "map.gpkg") << "map half";
    const char c = 'x';
    if (::write(pipe_fd[1], &c, 1) != 1) ::_exit(3);
    for (;;) ::pause();
  }
  ::close(pipe_fd[1]);
  char c = 0;
  ASSERT_EQ(::read(pipe_fd[0], &c, 1), 1) << "the child got to the middle of its run";
  ::close(pipe_fd[0]);
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  EXPECT_EQ(slurp(out / "map.gpkg"), "map previous");
  EXPECT_EQ(slurp(out / "situation.json"), "{\"run\":\"previous\"}");
  // The next run clears what the killed one left beside it.
  {
    AtomicFolder next(out);
    write_run(next.temp_path(), "next");
    next.commit();
  }
  EXPECT_EQ(slurp(out / "map.gpkg"), "map next");
  for (const auto& e : fs::directory_iterator(root)) EXPECT_EQ(e.path().filename(), "run");
  fs::remove_all(root);
}

TEST(AtomicFolder, WritingOverAnInputIsRefused) {
  const fs::path root = test::temp_dir("atomic_folder_inputs");
  fs::create_directories(root / "data");
  std::ofstream(root / "data" / "incidents.csv") << "id\n";
  std::ofstream(root / "streets.osm") << "<osm/>";
  const std::vector<std::string> inputs{(root / "data" / "incidents.csv").string(), (root / "streets.osm").string(), ""};
  try {
    refuse_overwriting_inputs(root / "data", inputs);
    FAIL() << "an --out holding an input";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Usage);
    EXPECT_NE(std::string(e.what()).find("incidents.csv"), std::string::npos) << e.what();
  }
  EXPECT_THROW(refuse_overwriting_inputs(root / "streets.osm", inputs), Error);
  EXPECT_THROW(refuse_overwriting_inputs(root / "data" / ".." / "data", inputs), Error);
  EXPECT_NO_THROW(refuse_overwriting_inputs(root / "run", inputs));
  EXPECT_NO_THROW(refuse_overwriting_inputs(root / "dat", inputs)) << "a common prefix is not a parent";
  fs::remove_all(root);
}

// Replacing a folder deletes what was in it: only a folder Tryggve wrote (its
// mark, or from before the mark a file only Tryggve writes) or an empty one is
// replaced; anything else is refused untouched before any work.
TEST(AtomicFolder, RefusesToReplaceAFolderTryggveDidNotWrite) {
  const fs::path root = test::temp_dir("atomic_folder_mark");
  const fs::path mine = root / "Documents";
  fs::create_directories(mine);
  std::ofstream(mine / "thesis.odt") << "years of work";
  try {
    AtomicFolder a(mine);
    FAIL() << "a folder with someone's files was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Usage);
    EXPECT_NE(std::string(e.what()).find("Documents"), std::string::npos) << e.what();
  }
  EXPECT_EQ(slurp(mine / "thesis.odt"), "years of work");
  for (const auto& e : fs::directory_iterator(root)) EXPECT_EQ(e.path().filename(), "Documents") << "no staging left";

  // Empty: taken, and the result carries the mark, so the next run may replace it.
  const fs::path empty = root / "empty";
  fs::create_directories(empty);
  {
    AtomicFolder a(empty);
    write_run(a.temp_path(), "one");
    a.commit();
  }
  EXPECT_TRUE(fs::exists(empty / kFolderMark));
  EXPECT_NO_THROW({ AtomicFolder again(empty); });

  // Written before the mark: known by a file only Tryggve writes there.
  const fs::path old_run = root / "old_run";
  fs::create_directories(old_run);
  std::ofstream(old_run / "resolved.yaml") << "version: 1\n";
  EXPECT_NO_THROW({ AtomicFolder a(old_run); });
  fs::remove_all(root);
}
