#pragma once
// Logging through spdlog: one stderr logger, levels set by --quiet/--verbose.
#include <spdlog/spdlog.h>

namespace tryggve::log {

enum class Verbosity { Quiet, Normal, Verbose };
void init(Verbosity v);
Verbosity verbosity();

using spdlog::debug;
using spdlog::error;
using spdlog::info;
using spdlog::warn;

}  // namespace tryggve::log
