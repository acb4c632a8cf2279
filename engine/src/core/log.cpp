#include "tryggve/core/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace tryggve::log {

namespace {
Verbosity g_verbosity = Verbosity::Normal;
}

void init(Verbosity v) {
  g_verbosity = v;
  auto logger = spdlog::stderr_color_mt("tryggve");
  logger->set_pattern("%^%l%$: %v");
  spdlog::set_default_logger(logger);
  switch (v) {
    case Verbosity::Quiet: spdlog::set_level(spdlog::level::warn); break;
    case Verbosity::Normal: spdlog::set_level(spdlog::level::info); break;
    case Verbosity::Verbose: spdlog::set_level(spdlog::level::debug); break;
  }
}

Verbosity verbosity() { return g_verbosity; }

}  // namespace tryggve::log
