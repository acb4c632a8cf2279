// Time stamps (core/time.hpp): parse_timestamp in every zone kind and both date
// orders, and POSIX TZ rules. Input: byte 0 chooses zone and day order, the rest
// is the text. Checks: a parsed time formats back (ISO 8601) to the same instant,
// its local fields are in range, and a POSIX rule's offsets stay within ±26 h.
#include "fuzz_common.hpp"

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/time.hpp"

namespace tryggve::fuzz {

int timestamps(std::string_view input) {
  quiet();
  if (input.empty()) return 0;
  static const TimeZone zones[] = {TimeZone::utc(), TimeZone::from_name("Europe/Stockholm"),
                                   TimeZone::from_name("America/Chicago"),
                                   TimeZone::from_name("<+0330>-3:30<+0430>,J79/24,J263/24")};
  const auto sel = static_cast<unsigned char>(input[0]);
  const std::string_view text = input.substr(1);
  const bool day_first = sel & 1;

  if (sel >= 0xF0) {
    // A POSIX rule (or zone name) of the user's --timezone.
    try {
      const TimeZone z = TimeZone::from_name(std::string(text));
      for (std::int64_t t = -86400LL * 365 * 80; t < 86400LL * 365 * 130; t += 86400LL * 37 + 3607) {
        const auto off = z.offset_at_utc(t);
        check(off >= -26 * 3600 && off <= 26 * 3600, fmt::format("offset {} s at {} for zone '{}'", off, t, text));
      }
      const Timestamp ts = z.from_local(2024, 3, 31, 2, 30, 0);
      check(std::abs(ts.utc_offset_s) <= 26 * 3600, "from_local offset out of range");
    } catch (const Error&) {
    }
    return 0;
  }

  const TimeZone& zone = zones[(sel >> 1) % std::size(zones)];
  std::string why;
  const auto t = parse_timestamp(text, zone, day_first, &why);
  if (!t) {
    check(!why.empty(), "a refused time stamp without a reason");
    return 0;
  }
  const LocalTime lt = to_local(*t);
  check(lt.month >= 1 && lt.month <= 12 && lt.day >= 1 && lt.day <= 31 && lt.hour >= 0 && lt.hour < 24 &&
            lt.minute >= 0 && lt.minute < 60 && lt.second >= 0 && lt.second < 60 && lt.weekday >= 0 && lt.weekday < 7,
        "local fields out of range");
  check(month_label(month_index(*t)) == fmt::format("{:04d}-{:02d}", lt.year, lt.month), "month index and label disagree");
  if (lt.year >= 1 && lt.year <= 9999) {
    const std::string iso = to_iso8601(*t);
    std::string why2;
    const auto back = parse_timestamp(iso, zone, day_first, &why2);
    check(back.has_value(), fmt::format("'{}' formats as '{}', which does not parse: {}", text, iso, why2));
    check(back->utc_seconds == t->utc_seconds,
          fmt::format("'{}' -> '{}' -> {} s, not {} s", text, iso, back->utc_seconds, t->utc_seconds));
  }
  return 0;
}

}  // namespace tryggve::fuzz

TRYGGVE_FUZZ_ENTRY(timestamps)
