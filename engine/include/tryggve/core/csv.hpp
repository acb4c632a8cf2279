#pragma once
// One CSV field as RFC 4180 writes it: quoted when it holds a comma, a quote, a
// line feed or a carriage return, with quotes doubled. Every CSV Tryggve writes
// goes through this, so a street or park name with a comma or a line break never
// shifts a column.
#include <string>
#include <string_view>

namespace tryggve {

inline std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

}  // namespace tryggve
