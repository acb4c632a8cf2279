#include "tryggve/core/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
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

void fsync_path(const fs::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
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
  fsync_path(temp_);
  std::error_code ec;
  fs::rename(temp_, final_, ec);
  if (ec) throw Error(ErrorCode::OutputFailed, final_.string(), "cannot move the finished file into place: " + ec.message());
  fsync_path(final_.has_parent_path() ? final_.parent_path() : fs::path("."));
  committed_ = true;
}

void write_text_atomically(const fs::path& path, const std::string& content) {
  AtomicOutput out(path);
  {
    std::ofstream f(out.temp_path(), std::ios::binary);
    f << content;
    f.flush();
    if (!f) throw Error(ErrorCode::OutputFailed, path.string(), "write failed");
  }
  out.commit();
}

void install_cleanup_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

}  // namespace tryggve
