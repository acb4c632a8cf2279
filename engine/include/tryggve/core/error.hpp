#pragma once
#include <stdexcept>
#include <string>

#include "tryggve/core/error_codes.hpp"

namespace tryggve {

// A whole-run failure. `where` names the place: a file, "file:row 17",
// "streets.gpkg layer roads feature 12", "scenario.yaml:14 interventions[2].radius_m".
// what() gives "<where>: <message> [E<code> <Name>]" so every message a user sees
// carries the place, the reason and a code to look up in the catalogue.
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string where, std::string message);

  ErrorCode code() const noexcept { return code_; }
  const std::string& where() const noexcept { return where_; }
  const std::string& message() const noexcept { return message_; }
  int exit_code() const noexcept { return error_info(code_).exit_code; }

 private:
  ErrorCode code_;
  std::string where_;
  std::string message_;
};

}  // namespace tryggve
