#include "tryggve/core/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <system_error>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>

namespace tryggve {

// The thread count lives in oneTBB's global_control in both back ends: it already
// nests (the smallest limit alive holds) and is what --threads and the tests set.
std::shared_ptr<void> limit_threads(int n) {
  if (n <= 0) return nullptr;
  return std::make_shared<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                               static_cast<std::size_t>(n));
}

int max_threads() {
  return static_cast<int>(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
}

#ifdef TRYGGVE_TSAN

namespace {
// Set on every thread while it runs loop bodies: a loop inside one runs there,
// instead of starting threads of its own for every outer piece.
thread_local bool t_in_loop = false;
}  // namespace

void detail::run_pieces(std::size_t n, std::size_t grain, const std::function<void(std::size_t, std::size_t)>& piece) {
  if (n == 0) return;
  const std::size_t threads = t_in_loop ? 1 : static_cast<std::size_t>(std::max(1, max_threads()));
  // Index loops: about eight pieces per thread, so a slow piece does not hold up the rest.
  if (grain == 0) grain = std::max<std::size_t>(1, n / (8 * threads));
  const std::size_t pieces = n / grain + (n % grain != 0);
  if (threads == 1 || pieces == 1) {
    const bool outer = t_in_loop;
    t_in_loop = true;
    try {
      for (std::size_t b = 0; b < n; b += grain) piece(b, std::min(n, b + grain));
    } catch (...) {
      t_in_loop = outer;
      throw;
    }
    t_in_loop = outer;
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex error_mu;
  std::exception_ptr error;
  auto work = [&] {
    t_in_loop = true;
    while (!stop.load(std::memory_order_relaxed)) {
      const std::size_t p = next.fetch_add(1, std::memory_order_relaxed);
      if (p >= pieces) break;
      try {
        piece(p * grain, std::min(n, (p + 1) * grain));
      } catch (...) {
        std::lock_guard lock(error_mu);
        if (!error) error = std::current_exception();
        stop.store(true, std::memory_order_relaxed);
      }
    }
    t_in_loop = false;
  };
  std::vector<std::thread> workers;
  workers.reserve(std::min(threads, pieces) - 1);
  for (std::size_t t = 1; t < std::min(threads, pieces); ++t) {
    try {
      workers.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // no more threads to be had: the ones running (and this one) do all the pieces
    }
  }
  work();
  for (auto& w : workers) w.join();
  if (error) std::rethrow_exception(error);
}

#endif

}  // namespace tryggve
