#include "tryggve/core/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include "tryggve/core/error.hpp"

namespace tryggve {

namespace {
std::atomic<bool> g_enabled{true};
std::atomic<bool> g_cancel{false};
}  // namespace

void Progress::set_enabled(bool on) { g_enabled = on; }
bool Progress::enabled() { return g_enabled && ::isatty(STDERR_FILENO); }
void Progress::request_cancel() { g_cancel = true; }
bool Progress::cancel_requested() { return g_cancel; }
void Progress::throw_if_cancelled() {
  if (g_cancel) throw Error(ErrorCode::Interrupted, "", "cancelled by the user");
}

Progress::Progress(std::string label, std::uint64_t total)
    : label_(std::move(label)), total_(total), start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

Progress::~Progress() { finish(); }

void Progress::advance(std::uint64_t n) {
  done_.fetch_add(n, std::memory_order_relaxed);
  if (!enabled()) return;
  const auto now = std::chrono::steady_clock::now();
  // Only draw after the step has run for a while: short steps stay silent.
  if (now - start_ < std::chrono::milliseconds(1500)) return;
  std::unique_lock lock(draw_mu_, std::try_to_lock);
  if (!lock.owns_lock() || now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  draw(false);
}

void Progress::finish() {
  std::lock_guard lock(draw_mu_);
  if (finished_) return;
  finished_ = true;
  if (drawn_) draw(true);
}

void Progress::draw(bool final) {
  const std::uint64_t done = std::min(done_.load(), total_);
  const double frac = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(frac * kWidth);
  char bar[kWidth + 1];
  for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '#' : '.';
  bar[kWidth] = 0;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::fprintf(stderr, "\r%-28s [%s] %5.1f%% %6.1fs%s", label_.c_str(), bar, 100.0 * frac, secs, final ? "\n" : "");
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace tryggve
