#include "tryggve/core/error.hpp"

#include <fmt/format.h>

namespace tryggve {

namespace {
std::string compose(ErrorCode code, const std::string& where, const std::string& message) {
  const auto& info = error_info(code);
  if (where.empty()) return fmt::format("{} [E{} {}]", message, static_cast<int>(code), info.name);
  return fmt::format("{}: {} [E{} {}]", where, message, static_cast<int>(code), info.name);
}
}  // namespace

Error::Error(ErrorCode code, std::string where, std::string message)
    : std::runtime_error(compose(code, where, message)),
      code_(code), where_(std::move(where)), message_(std::move(message)) {}

}  // namespace tryggve
