#pragma once
// Shared by the libFuzzer harnesses (fuzz_*.cpp). Each harness is one function
// `int tryggve::fuzz::NAME(std::string_view input)` that must return normally for
// every input: a whole-run problem is a tryggve::Error (expected, caught), a bad
// row is a reject. Anything else (another exception type, a broken invariant, a
// sanitizer report) is a bug, reported through bug().
//
// The same sources are compiled twice: with TRYGGVE_FUZZ_MAIN into one libFuzzer
// binary per harness (-DTRYGGVE_FUZZ=ON, clang), where bug() aborts so libFuzzer
// keeps the input; and into the normal test suite (test_fuzz_replay), which runs
// every committed corpus and regression input through them, where bug() throws
// so the test fails with the message.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tryggve::fuzz {

[[noreturn]] inline void bug(const std::string& what) {
#ifdef TRYGGVE_FUZZ_MAIN
  std::fprintf(stderr, "tryggve fuzz: BUG: %s\n", what.c_str());
  std::abort();
#else
  throw std::logic_error("fuzz invariant broken: " + what);
#endif
}

inline void check(bool ok, const std::string& what) {
  if (!ok) bug(what);
}

// Quiet logs and GDAL messages (they would be most of the time spent), once.
void quiet();

int incidents(std::string_view input);
int timestamps(std::string_view input);
int scenario(std::string_view input);
int taxonomy(std::string_view input);
int evidence(std::string_view input);
int server(std::string_view input);

}  // namespace tryggve::fuzz

#ifdef TRYGGVE_FUZZ_MAIN
#define TRYGGVE_FUZZ_ENTRY(fn)                                                            \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {     \
    return ::tryggve::fuzz::fn(std::string_view(reinterpret_cast<const char*>(data), size)); \
  }
#else
#define TRYGGVE_FUZZ_ENTRY(fn)
#endif
