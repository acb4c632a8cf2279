#pragma once
// Outputs are written atomically: everything goes to a temporary file in the
// same folder, which is renamed onto the final name only when complete. A
// failed or killed run leaves the old file (or none), never a half-written one.
// Temporaries are removed on error and on SIGINT/SIGTERM (see install_cleanup_handlers).
#include <filesystem>
#include <string>
#include <vector>

namespace tryggve {

class AtomicOutput {
 public:
  explicit AtomicOutput(std::filesystem::path final_path);
  ~AtomicOutput();  // removes the temporary unless commit() succeeded
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  // Where to write: same folder and extension as the final path (drivers pick
  // formats by extension), hidden name with the process id.
  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& final_path() const { return final_; }
  // fsync + rename. Throws Error(OutputFailed).
  void commit();

 private:
  std::filesystem::path final_, temp_;
  bool committed_ = false;
};

// A run folder written whole: the run writes into a hidden sibling of the final
// folder, which takes the final one's place in one step at commit() (Linux
// renameat2 RENAME_EXCHANGE, then the old folder is removed). A run that fails,
// is interrupted or killed (kill -9) leaves the previous folder as it was;
// the destructor removes an uncommitted sibling, and the next run over the same
// folder removes one a killed run left behind.
//
// Replacing a folder whole deletes what was in it, so only a folder Tryggve
// wrote is replaced: each carries a mark (kFolderMark, written at staging). A
// folder without it that is not empty (a home or project folder given by
// mistake as --out) is refused untouched, naming it, before any work is done.
// Folders written before the mark existed are known by a file only Tryggve
// writes there (resolved.yaml, truth.json, sweep.json, hotspots_summary.json,
// grid_summary.json, month.json).
inline constexpr const char* kFolderMark = ".tryggve";
class AtomicFolder {
 public:
  explicit AtomicFolder(std::filesystem::path final_dir);
  ~AtomicFolder();
  AtomicFolder(const AtomicFolder&) = delete;
  AtomicFolder& operator=(const AtomicFolder&) = delete;
  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& final_path() const { return final_; }
  // fsync + swap into place. Throws Error(OutputFailed) naming the folder.
  void commit();

 private:
  std::filesystem::path final_, temp_;
  bool committed_ = false;
};

// Refuses an output that is one of the inputs or would hold one (an --out folder
// that the run replaces whole): Error(Usage) naming `where` and the input.
// Inputs that do not exist are not compared (their readers say so).
void refuse_overwriting_inputs(const std::filesystem::path& out, const std::vector<std::string>& inputs,
                               const std::string& where = "--out");

// Write a whole text file atomically.
void write_text_atomically(const std::filesystem::path& path, const std::string& content);

// Removes registered temporaries on SIGINT/SIGTERM, then exits with 130/143.
void install_cleanup_handlers();

}  // namespace tryggve
