#include "tryggve/core/atomic_file.hpp"

#include <fcntl.h>
#include <stdio.h>  // renameat2, RENAME_EXCHANGE
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"

namespace tryggve {

namespace fs = std::filesystem;

namespace {
// Registered temporaries, for the signal handler. A fixed array of C strings
// would be strictly async-signal-safe; unlink() on a path we own is, and the
// set is only read there after the run is already doomed.
std::mutex g_mu;
std::set<std::string>& temporaries() {
  static std::set<std::string> s;
  return s;
}

void on_signal(int sig) {
  for (const auto& p : temporaries()) {
    ::unlink(p.c_str());
    ::unlink((p + "-journal").c_str());
    ::unlink((p + "-wal").c_str());
    ::unlink((p + "-shm").c_str());
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// A write error the kernel only reports at fsync or close (a full disk on NFS, an
// I/O error) must fail the run, not leave a short file renamed into place.
// Directories: some file systems refuse fsync on them (EINVAL); that is no loss.
void fsync_path(const fs::path& p, const fs::path& reported) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw Error(ErrorCode::OutputFailed, reported.string(), fmt::format("cannot open to sync: {}", std::strerror(errno)));
  const bool dir = fs::is_directory(p);
  if (::fsync(fd) != 0 && !(dir && (errno == EINVAL || errno == EROFS))) {
    const int e = errno;
    ::close(fd);
    throw Error(ErrorCode::OutputFailed, reported.string(), fmt::format("cannot sync to disk: {}", std::strerror(e)));
  }
  if (::close(fd) != 0)
    throw Error(ErrorCode::OutputFailed, reported.string(), fmt::format("cannot close: {}", std::strerror(errno)));
}

// Every file below `dir` and the folders themselves, so the swap publishes data
// that is on disk.
void fsync_tree(const fs::path& dir, const fs::path& reported) {
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() || e.is_directory()) fsync_path(e.path(), reported);
  fsync_path(dir, reported);
}
}  // namespace

AtomicOutput::AtomicOutput(fs::path final_path) : final_(std::move(final_path)) {
  const fs::path dir = final_.has_parent_path() ? final_.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir))
    throw Error(ErrorCode::OutputFailed, final_.string(), "cannot create the output folder " + dir.string());
  temp_ = dir / fmt::format(".{}.tmp{}{}", final_.stem().string(), ::getpid(), final_.extension().string());
  fs::remove(temp_, ec);
  std::lock_guard lock(g_mu);
  temporaries().insert(temp_.string());
}

AtomicOutput::~AtomicOutput() {
  {
    std::lock_guard lock(g_mu);
    temporaries().erase(temp_.string());
  }
  if (!committed_) {
    std::error_code ec;
    fs::remove(temp_, ec);
    for (const char* suffix : {"-journal", "-wal", "-shm"}) fs::remove(temp_.string() + suffix, ec);
  }
}

void AtomicOutput::commit() {
  if (!fs::exists(temp_))
    throw Error(ErrorCode::OutputFailed, final_.string(), "nothing was written");
  fsync_path(temp_, final_);
  std::error_code ec;
  fs::rename(temp_, final_, ec);
  if (ec) throw Error(ErrorCode::OutputFailed, final_.string(), "cannot move the finished file into place: " + ec.message());
  fsync_path(final_.has_parent_path() ? final_.parent_path() : fs::path("."), final_);
  committed_ = true;
}

void write_text_atomically(const fs::path& path, const std::string& content) {
  AtomicOutput out(path);
  {
    std::ofstream f(out.temp_path(), std::ios::binary);
    f << content;
    f.close();
    if (!f) throw Error(ErrorCode::OutputFailed, path.string(), "write failed");
  }
  out.commit();
}

namespace {
bool written_by_tryggve(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_empty(dir, ec) || fs::exists(dir / kFolderMark, ec)) return true;
  for (const char* f : {"resolved.yaml", "truth.json", "sweep.json", "hotspots_summary.json", "grid_summary.json", "month.json"})
    if (fs::exists(dir / f, ec)) return true;
  return false;
}
}  // namespace

AtomicFolder::AtomicFolder(fs::path final_dir) : final_(std::move(final_dir)) {
  while (!final_.empty() && !final_.has_filename()) final_ = final_.parent_path();  // "out/demo/" -> "out/demo"
  if (final_.empty()) throw Error(ErrorCode::OutputFailed, ".", "no output folder given");
  const fs::path parent = final_.has_parent_path() ? final_.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (!fs::is_directory(parent)) throw Error(ErrorCode::OutputFailed, final_.string(), "cannot create the folder " + parent.string());
  if (fs::exists(final_) && !fs::is_directory(final_))
    throw Error(ErrorCode::OutputFailed, final_.string(), "exists and is not a folder");
  if (fs::is_directory(final_) && !written_by_tryggve(final_))
    throw Error(ErrorCode::Usage, final_.string(),
                "holds files Tryggve did not write, and the output replaces the folder whole: choose a new or empty "
                "folder (nothing was changed)");
  // Siblings a killed run left (any process id) go first: they are never anyone's result.
  const std::string prefix = "." + final_.filename().string() + ".run";
  for (const auto& e : fs::directory_iterator(parent, ec))
    if (e.path().filename().string().rfind(prefix, 0) == 0) fs::remove_all(e.path(), ec);
  temp_ = parent / fmt::format("{}{}", prefix, ::getpid());
  fs::create_directory(temp_, ec);
  if (ec) throw Error(ErrorCode::OutputFailed, final_.string(), "cannot create the staging folder: " + ec.message());
  std::ofstream(temp_ / kFolderMark) << "A folder Tryggve writes and replaces whole (tryggve " << TRYGGVE_VERSION
                                      << "). Keep your own files elsewhere.\n";
}

AtomicFolder::~AtomicFolder() {
  std::error_code ec;
  if (!committed_) fs::remove_all(temp_, ec);
}

void AtomicFolder::commit() {
  fsync_tree(temp_, final_);
  const fs::path parent = final_.has_parent_path() ? final_.parent_path() : fs::path(".");
  if (fs::exists(final_)) {
    // One step: readers (tryggve serve) see the old folder or the new one, never none.
    if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, final_.c_str(), RENAME_EXCHANGE) != 0)
      throw Error(ErrorCode::OutputFailed, final_.string(),
                  fmt::format("cannot put the finished run folder in place: {}", std::strerror(errno)));
    committed_ = true;
    std::error_code ec;
    fs::remove_all(temp_, ec);  // now the old folder
  } else {
    std::error_code ec;
    fs::rename(temp_, final_, ec);
    if (ec) throw Error(ErrorCode::OutputFailed, final_.string(), "cannot put the finished run folder in place: " + ec.message());
    committed_ = true;
  }
  fsync_path(parent, final_);
}

void refuse_overwriting_inputs(const fs::path& out, const std::vector<std::string>& inputs, const std::string& where) {
  std::error_code ec;
  const fs::path o = fs::weakly_canonical(fs::absolute(out, ec), ec);
  for (const auto& in : inputs) {
    if (in.empty() || !fs::exists(in, ec)) continue;
    const fs::path i = fs::weakly_canonical(fs::absolute(in, ec), ec);
    auto [a, b] = std::mismatch(o.begin(), o.end(), i.begin(), i.end());
    if (a == o.end())
      throw Error(ErrorCode::Usage, where,
                  i == o ? fmt::format("{} is an input: choose another output", out.string())
                         : fmt::format("{} holds the input {}, and the run replaces it whole: choose another output",
                                       out.string(), in));
  }
}

void install_cleanup_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

}  // namespace tryggve
