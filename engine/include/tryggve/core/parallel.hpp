#pragma once
// Thread count for the whole run (--threads N), and the engine's one way to run a
// loop in parallel. Determinism never depends on either: every loop body writes
// only its own slots, and whatever is summed is summed afterwards in a fixed order
// (see core/rng.hpp for the random streams).
//
// Two back ends behind the same calls. Normally oneTBB (work stealing, nested
// loops in parallel). Built with TRYGGVE_TSAN (the ThreadSanitizer build,
// tools/setup.sh tsan) plain std::threads: Debian's libtbb.so is not instrumented,
// so ThreadSanitizer cannot see oneTBB's own synchronisation and reports a race in
// its partitioner in every loop; with std::thread it sees every start, join, lock
// and atomic, so what it reports is ours. Modules use only this header, never TBB
// (the layering test checks it).
#include <concepts>
#include <cstddef>
#include <memory>
#include <type_traits>

#ifdef TRYGGVE_TSAN
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>
#else
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>
#endif

namespace tryggve {

// Limits the parallel loops to n threads for the lifetime of the returned handle
// (0 = all cores). Handles nest: the smallest limit alive holds.
std::shared_ptr<void> limit_threads(int n);
int max_threads();

// A half-open range of indices [begin, end) and its grain: the fewest indices worth
// a piece of their own, so a body can keep per-piece work (a scratch lookup, a
// cancellation check) off the per-index path. Pieces may be larger (oneTBB's
// partitioner decides, as with its blocked_range) or exactly `grain` (the
// std::thread back end; the last one fewer). A body must not depend on which.
template <class Index>
class IndexRange {
 public:
  IndexRange(Index begin, Index end, std::size_t grain = 1) : begin_(begin), end_(end), grain_(grain ? grain : 1) {}
  Index begin() const { return begin_; }
  Index end() const { return end_; }
  std::size_t size() const { return static_cast<std::size_t>(end_ - begin_); }
  bool empty() const { return !(begin_ < end_); }
  std::size_t grain() const { return grain_; }

 private:
  Index begin_, end_;
  std::size_t grain_;
};

#ifdef TRYGGVE_TSAN

namespace detail {
// Runs piece(b, e) over [0, n) in pieces of `grain` (0: chosen from n and the
// threads) on up to max_threads() threads, the calling one among them; pieces are
// handed out in order from an atomic counter. A loop inside a loop body runs on
// the body's thread. The first exception a body throws stops the handing out and
// is rethrown here once every thread has stopped.
void run_pieces(std::size_t n, std::size_t grain, const std::function<void(std::size_t, std::size_t)>& piece);
}  // namespace detail

// fn(i) for every i in [begin, end), in any order, on any threads.
template <class Index, class Fn>
void parallel_for(Index begin, Index end, Fn&& fn) {
  if (!(begin < end)) return;
  detail::run_pieces(static_cast<std::size_t>(end - begin), 0, [&](std::size_t b, std::size_t e) {
    for (std::size_t k = b; k != e; ++k) fn(static_cast<Index>(begin + static_cast<Index>(k)));
  });
}

// fn(piece) for pieces (IndexRange) that together cover `range` once each.
template <class Index, class Fn>
void parallel_for(const IndexRange<Index>& range, Fn&& fn) {
  if (range.empty()) return;
  const Index begin = range.begin();
  detail::run_pieces(range.size(), range.grain(), [&](std::size_t b, std::size_t e) {
    fn(IndexRange<Index>(static_cast<Index>(begin + static_cast<Index>(b)),
                         static_cast<Index>(begin + static_cast<Index>(e)), range.grain()));
  });
}

// One T per thread that asks for it (local()), made on first use (default-constructed
// or by the factory given); afterwards all of them can be visited (begin/end) to
// combine. A value is never shared by two threads at once.
template <class T>
class PerThread {
 public:
  PerThread() : make_([] { return std::unique_ptr<T>(new T()); }) {}
  template <class Make>
    requires std::invocable<Make&> && (!std::same_as<std::remove_cvref_t<Make>, PerThread>)
  explicit PerThread(Make make)
      : make_([make = std::move(make)]() mutable { return std::unique_ptr<T>(new T(make())); }) {}
  PerThread(const PerThread&) = delete;
  PerThread& operator=(const PerThread&) = delete;

  T& local() {
    const auto id = std::this_thread::get_id();
    std::lock_guard lock(mu_);
    if (auto it = index_.find(id); it != index_.end()) return *it->second;
    items_.push_back(make_());
    index_.emplace(id, items_.back().get());
    return *items_.back();
  }

  // Visiting every value (no thread may be calling local() meanwhile).
  template <class Base, class V>
  class Iter {
   public:
    explicit Iter(Base it) : it_(it) {}
    V& operator*() const { return **it_; }
    V* operator->() const { return it_->get(); }
    Iter& operator++() { ++it_; return *this; }
    bool operator==(const Iter& o) const { return it_ == o.it_; }
    bool operator!=(const Iter& o) const { return it_ != o.it_; }

   private:
    Base it_;
  };
  using iterator = Iter<typename std::vector<std::unique_ptr<T>>::iterator, T>;
  using const_iterator = Iter<typename std::vector<std::unique_ptr<T>>::const_iterator, const T>;
  iterator begin() { return iterator(items_.begin()); }
  iterator end() { return iterator(items_.end()); }
  const_iterator begin() const { return const_iterator(items_.begin()); }
  const_iterator end() const { return const_iterator(items_.end()); }

 private:
  std::mutex mu_;
  std::function<std::unique_ptr<T>()> make_;
  std::vector<std::unique_ptr<T>> items_;
  std::unordered_map<std::thread::id, T*> index_;
};

#else  // oneTBB

template <class Index, class Fn>
void parallel_for(Index begin, Index end, Fn&& fn) {
  tbb::parallel_for(begin, end, fn);
}

template <class Index, class Fn>
void parallel_for(const IndexRange<Index>& range, Fn&& fn) {
  const std::size_t grain = range.grain();
  tbb::parallel_for(tbb::blocked_range<Index>(range.begin(), range.end(), grain),
                    [&](const tbb::blocked_range<Index>& r) { fn(IndexRange<Index>(r.begin(), r.end(), grain)); });
}

template <class T>
class PerThread {
 public:
  PerThread() = default;
  template <class Make>
    requires std::invocable<Make&> && (!std::same_as<std::remove_cvref_t<Make>, PerThread>)
  explicit PerThread(Make make) : values_(std::move(make)) {}
  PerThread(const PerThread&) = delete;
  PerThread& operator=(const PerThread&) = delete;

  T& local() { return values_.local(); }
  auto begin() { return values_.begin(); }
  auto end() { return values_.end(); }
  auto begin() const { return values_.begin(); }
  auto end() const { return values_.end(); }

 private:
  tbb::enumerable_thread_specific<T> values_;
};

#endif

}  // namespace tryggve
