#pragma once
// Outputs are written atomically: everything goes to a temporary file in the
// same folder, which is renamed onto the final name only when complete. A
// failed or killed run leaves the old file (or none), never a half-written one.
// Temporaries are removed on error and on SIGINT/SIGTERM (see install_cleanup_handlers).
#include <filesystem>
#include <string>

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

// Write a whole text file atomically.
void write_text_atomically(const std::filesystem::path& path, const std::string& content);

// Removes registered temporaries on SIGINT/SIGTERM, then exits with 130/143.
void install_cleanup_handlers();

}  // namespace tryggve
