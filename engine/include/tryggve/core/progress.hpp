#pragma once
// Progress bars for steps that take more than a couple of seconds: drawn on
// stderr only when it is a terminal and the run is not --quiet, so logs and CI
// output stay clean. Thread-safe: workers call advance() from any thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace tryggve {

class Progress {
 public:
  Progress(std::string label, std::uint64_t total);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(std::uint64_t n = 1);
  void finish();

  // Global switch set by the CLI (--quiet) and by non-terminal stderr.
  static void set_enabled(bool on);
  static bool enabled();
  // Cooperative cancellation (SIGINT): long loops check this and throw Interrupted.
  static void request_cancel();
  static bool cancel_requested();
  static void throw_if_cancelled();

 private:
  void draw(bool final);
  std::string label_;
  std::uint64_t total_;
  std::atomic<std::uint64_t> done_{0};
  std::chrono::steady_clock::time_point start_, last_draw_;
  std::mutex draw_mu_;
  bool finished_ = false;
  bool drawn_ = false;
};

}  // namespace tryggve
