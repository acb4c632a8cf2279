#include "tryggve/core/month.hpp"

#include <cctype>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"

namespace tryggve {

// year_month() is in time.cpp, beside the calendar arithmetic it shares.

std::optional<int> parse_month_label(std::string_view s) {
  if (s.size() != 7 || s[4] != '-') return std::nullopt;
  for (int i : {0, 1, 2, 3, 5, 6})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  const int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  const int m = (s[5] - '0') * 10 + (s[6] - '0');
  if (m < 1 || m > 12) return std::nullopt;
  return month_index(y, m);
}

int parse_month(const std::string& text, const std::string& where) {
  if (auto m = parse_month_label(text)) return *m;
  throw Error(ErrorCode::BadOption, where, fmt::format("'{}' is not a month YYYY-MM", text));
}

}  // namespace tryggve
