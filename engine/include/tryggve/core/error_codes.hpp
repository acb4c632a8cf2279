#pragma once
// The one catalogue of whole-run failures (OSRM's error_codes.hpp, valhalla's
// exceptions.cc). Each row: enum name, numeric code, process exit code, summary.
// Per-record problems (one bad incident row) are data, not errors: see
// core/reject.hpp. Add a row here, never a bare std::runtime_error.
//
// Exit codes (documented in the README and `tryggve --help`):
//   0 success, 1 internal error, 2 usage, 3 input file, 4 input data,
//   5 scenario/config, 6 output, 130 interrupted.

#include <cstddef>
#include <iterator>

#define TRYGGVE_ERROR_CATALOGUE(X)                                                              \
  X(Internal,            100, 1, "internal error (a bug: please report it)")                   \
  X(Usage,               200, 2, "bad command-line usage")                                      \
  X(FileNotFound,        300, 3, "input file not found")                                        \
  X(FileUnreadable,      301, 3, "input file cannot be read")                                   \
  X(UnknownFormat,       302, 3, "input format not recognised")                                 \
  X(LayerNotFound,       303, 3, "layer not found in input")                                    \
  X(EmptyLayer,          304, 4, "input layer has no features")                                 \
  X(WrongGeometryType,   305, 4, "wrong geometry type for this input")                          \
  X(MissingCrs,          306, 4, "input has no coordinate reference system where one is needed") \
  X(BadCrs,              307, 4, "coordinate reference system not understood or not usable")    \
  X(MissingField,        308, 4, "a required field (column) is missing")                        \
  X(BadValue,            309, 4, "a value could not be parsed")                                 \
  X(BadCoordinate,       310, 4, "coordinate is NaN, infinite or out of range")                 \
  X(BadTime,             311, 4, "time stamp could not be parsed")                              \
  X(EmptyNetwork,        312, 4, "street network is empty after building")                      \
  X(NoData,              313, 4, "nothing left to analyse after filtering")                     \
  X(BadWorkspace,        314, 4, "workspace is not usable (not a Tryggve workspace, schema too new)") \
  X(BadTaxonomy,         500, 5, "taxonomy file is invalid")                                    \
  X(BadScenario,         501, 5, "scenario file is invalid")                                    \
  X(BadOption,           502, 5, "option value out of range or inconsistent")                   \
  X(TooLarge,            503, 5, "the options ask for more memory than the limit (core/limits.hpp)") \
  X(OutputFailed,        600, 6, "output could not be written")                                 \
  X(Interrupted,         700, 130, "interrupted")

namespace tryggve {

enum class ErrorCode : int {
#define TRYGGVE_X(name, code, exit_code, summary) name = code,
  TRYGGVE_ERROR_CATALOGUE(TRYGGVE_X)
#undef TRYGGVE_X
};

struct ErrorInfo {
  ErrorCode code;
  const char* name;
  int exit_code;
  const char* summary;
};

inline constexpr ErrorInfo kErrorCatalogue[] = {
#define TRYGGVE_X(name, code, exit_code, summary) {ErrorCode::name, #name, exit_code, summary},
    TRYGGVE_ERROR_CATALOGUE(TRYGGVE_X)
#undef TRYGGVE_X
};

// Compile-time completeness: every code is unique and every exit code is one of
// the documented ones, so `main` can map any Error without a default branch.
consteval bool catalogue_is_consistent() {
  constexpr int documented[] = {1, 2, 3, 4, 5, 6, 130};
  for (std::size_t i = 0; i < std::size(kErrorCatalogue); ++i) {
    bool ok = false;
    for (int d : documented) ok = ok || d == kErrorCatalogue[i].exit_code;
    if (!ok) return false;
    for (std::size_t j = i + 1; j < std::size(kErrorCatalogue); ++j)
      if (kErrorCatalogue[i].code == kErrorCatalogue[j].code) return false;
  }
  return true;
}
static_assert(catalogue_is_consistent(), "error catalogue: duplicate code or undocumented exit code");

constexpr const ErrorInfo& error_info(ErrorCode c) {
  for (const auto& e : kErrorCatalogue)
    if (e.code == c) return e;
  return kErrorCatalogue[0];
}

}  // namespace tryggve
