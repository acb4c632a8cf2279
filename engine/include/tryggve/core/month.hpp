#pragma once
// The one month type of every monthly analysis: the month index, months since
// 1970-01 in local time (core/time.hpp's month_index(Timestamp) bins a time by it,
// month_label names it "YYYY-MM"), with its calendar year and month and the parsing
// of a "YYYY-MM" label. Nothing else writes (y - 1970) * 12 + m - 1.
#include <optional>
#include <string>
#include <string_view>

#include "tryggve/core/time.hpp"

namespace tryggve {

constexpr int month_index(int year, int month) { return (year - 1970) * 12 + (month - 1); }

struct YearMonth {
  int year = 1970, month = 1;  // month 1..12
};
YearMonth year_month(int month_index);

// The month index of a label, exactly YYYY-MM with month 01..12; nullopt otherwise.
std::optional<int> parse_month_label(std::string_view text);
// The same for user input: throws Error(BadOption) naming `where` and the text.
int parse_month(const std::string& text, const std::string& where);

}  // namespace tryggve
