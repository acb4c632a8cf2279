// The parallel layer (core/parallel.hpp) at one and two threads, in whichever back
// end this build has (oneTBB, or std::thread in the ThreadSanitizer build, where
// these tests run too: two bodies writing the same slot would be a reported race).
#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <vector>

#include "tryggve/core/error.hpp"
#include "tryggve/core/parallel.hpp"

using namespace tryggve;

namespace {
constexpr std::size_t kN = 10007;  // a prime: no grain divides it
}

TEST(Parallel, EveryIndexOnceAtOneAndTwoThreads) {
  for (int threads : {1, 2}) {
    auto limit = limit_threads(threads);
    EXPECT_EQ(max_threads(), threads);
    std::vector<int> hits(kN, 0);
    parallel_for(std::size_t{0}, kN, [&](std::size_t i) { ++hits[i]; });
    EXPECT_EQ(std::count(hits.begin(), hits.end(), 1), static_cast<std::ptrdiff_t>(kN)) << threads << " threads";

    // Signed indices from below zero, as `parallel_for(0, draws, ...)` over ints.
    std::vector<int> signed_hits(20, 0);
    parallel_for(-10, 10, [&](int i) { ++signed_hits[static_cast<std::size_t>(i + 10)]; });
    EXPECT_EQ(std::count(signed_hits.begin(), signed_hits.end(), 1), 20);

    // Pieces: inside the range, none empty, together each index once.
    for (std::size_t grain : {1u, 64u, 4096u, 20000u}) {
      std::vector<int> covered(kN + 5, 0);
      std::vector<int> bad_piece(kN + 5, 0);
      parallel_for(IndexRange<std::size_t>(5, kN + 5, grain), [&](const IndexRange<std::size_t>& r) {
        if (r.empty() || r.begin() < 5 || r.end() > kN + 5 || r.grain() != grain)
          bad_piece[r.begin()] = 1;
        for (std::size_t i = r.begin(); i != r.end(); ++i) ++covered[i];
      });
      EXPECT_EQ(std::count(bad_piece.begin(), bad_piece.end(), 1), 0) << "grain " << grain;
      EXPECT_EQ(std::count(covered.begin(), covered.begin() + 5, 0), 5);
      EXPECT_EQ(std::count(covered.begin() + 5, covered.end(), 1), static_cast<std::ptrdiff_t>(kN)) << "grain " << grain;
    }
  }
  // Empty and reversed ranges run nothing.
  int calls = 0;
  parallel_for(std::size_t{3}, std::size_t{3}, [&](std::size_t) { ++calls; });
  parallel_for(5, 2, [&](int) { ++calls; });
  parallel_for(IndexRange<std::size_t>(7, 7, 8), [&](const auto&) { ++calls; });
  EXPECT_EQ(calls, 0);
}

TEST(Parallel, LimitsNestAndTheSmallestHolds) {
  auto two = limit_threads(2);
  EXPECT_EQ(max_threads(), 2);
  {
    auto one = limit_threads(1);
    EXPECT_EQ(max_threads(), 1);
  }
  EXPECT_EQ(max_threads(), 2);
  EXPECT_EQ(limit_threads(0), nullptr);  // 0: no limit of its own
}

TEST(Parallel, ABodysErrorReachesTheCallerAndTheNextLoopRuns) {
  for (int threads : {1, 2}) {
    auto limit = limit_threads(threads);
    try {
      parallel_for(IndexRange<std::size_t>(0, kN, 16), [&](const auto& r) {
        for (std::size_t i = r.begin(); i != r.end(); ++i)
          if (i == 5000) throw Error(ErrorCode::Interrupted, "parallel test", "stop at 5000");
      });
      ADD_FAILURE() << "no error at " << threads << " threads";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Interrupted);
    }
    EXPECT_THROW(parallel_for(std::size_t{0}, kN, [&](std::size_t i) {
                   if (i % 1000 == 999) throw Error(ErrorCode::BadValue, "parallel test", "every thousandth");
                 }),
                 Error);
    std::vector<int> hits(kN, 0);
    parallel_for(std::size_t{0}, kN, [&](std::size_t i) { ++hits[i]; });
    EXPECT_EQ(std::accumulate(hits.begin(), hits.end(), std::size_t{0}), kN);
  }
}

TEST(Parallel, PerThreadValuesAreMadeOnceAThreadAndCombine) {
  for (int threads : {1, 2}) {
    auto limit = limit_threads(threads);
    int made = 0;  // the factory runs on whichever thread first asks: counted in the values instead
    PerThread<std::vector<std::uint64_t>> sums([&] { return std::vector<std::uint64_t>(2, 0); });
    parallel_for(IndexRange<std::size_t>(0, kN, 32), [&](const auto& r) {
      auto& s = sums.local();
      for (std::size_t i = r.begin(); i != r.end(); ++i) {
        s[0] += i;
        s[1] += 1;
      }
    });
    std::uint64_t total = 0, count = 0;
    for (const auto& s : sums) {
      total += s[0];
      count += s[1];
      ++made;
    }
    EXPECT_EQ(total, std::uint64_t{kN} * (kN - 1) / 2);
    EXPECT_EQ(count, kN);
    EXPECT_GE(made, 1);
    EXPECT_LE(made, threads);

    // Default-constructed values; the same thread gets the same value again.
    PerThread<int> counter;
    int& mine = counter.local();
    EXPECT_EQ(mine, 0);
    mine = 7;
    EXPECT_EQ(&counter.local(), &mine);
  }
}

TEST(Parallel, LoopsInsideLoopsCoverEverything) {
  for (int threads : {1, 2}) {
    auto limit = limit_threads(threads);
    constexpr std::size_t kOuter = 9, kInner = 1001;
    std::vector<int> cell(kOuter * kInner, 0);
    parallel_for(std::size_t{0}, kOuter, [&](std::size_t o) {
      parallel_for(IndexRange<std::size_t>(0, kInner, 50), [&](const auto& r) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) ++cell[o * kInner + i];
      });
    });
    EXPECT_EQ(std::count(cell.begin(), cell.end(), 1), static_cast<std::ptrdiff_t>(kOuter * kInner));
  }
}
