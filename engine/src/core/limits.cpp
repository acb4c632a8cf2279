#include "tryggve/core/limits.hpp"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/time.hpp"

namespace tryggve {

namespace {

std::atomic<std::uint64_t> g_limit{0};  // 0: not set by the program

// What this process may use: the physical memory, or a cgroup's limit (a
// container, a CI runner) when that is lower.
std::uint64_t available_memory() {
  std::uint64_t phys = 0;
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  if (pages > 0 && page > 0) phys = static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page);
  for (const char* f : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream in(f);
    std::string s;
    if (!(in >> s) || s == "max") continue;
    std::uint64_t v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && v > 0 && (phys == 0 || v < phys)) phys = v;
  }
  return phys > 0 ? phys : (std::uint64_t{8} << 30);  // unknown: assume a small laptop
}

}  // namespace

std::uint64_t parse_byte_size(std::string_view text, const std::string& where) {
  std::string s;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  double v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  std::string unit(p, static_cast<std::size_t>(s.data() + s.size() - p));
  double mult = 1;
  if (!unit.empty() && unit.back() == 'B') unit.pop_back();
  if (unit.size() == 2 && unit[1] == 'I') unit.pop_back();
  if (unit == "K") mult = 1024.0;
  else if (unit == "M") mult = 1024.0 * 1024;
  else if (unit == "G") mult = 1024.0 * 1024 * 1024;
  else if (unit == "T") mult = 1024.0 * 1024 * 1024 * 1024;
  else if (!unit.empty()) v = -1;
  const double bytes = v * mult;
  if (ec != std::errc() || !(bytes >= 1) || !(bytes < 1.8e19))
    throw Error(ErrorCode::BadOption, where,
                fmt::format("'{}' is not a memory size (e.g. 16G, 512M or a number of bytes)", text));
  return static_cast<std::uint64_t>(bytes);
}

std::uint64_t memory_limit() {
  if (const auto v = g_limit.load()) return v;
  if (const char* env = std::getenv("TRYGGVE_MAX_MEMORY"); env && *env) return parse_byte_size(env, "TRYGGVE_MAX_MEMORY");
  static const std::uint64_t fallback = available_memory() / 10 * 8;
  return fallback;
}

void set_memory_limit(std::uint64_t bytes) { g_limit.store(bytes); }

std::string format_bytes(double b) {
  if (!std::isfinite(b)) return "more bytes than can be counted";
  constexpr const char* units[] = {"bytes", "kB", "MB", "GB", "TB", "PB", "EB"};
  int u = 0;
  while (b >= 1024 && u < 6) b /= 1024, ++u;
  if (u == 0) return fmt::format("{:.0f} bytes", b);
  return b < 10 ? fmt::format("{:.1f} {}", b, units[u]) : fmt::format("{:.0f} {}", b, units[u]);
}

void check_memory(double bytes, std::string_view where, std::string_view what, std::string_view detail,
                  std::string_view remedy) {
  const std::uint64_t limit = memory_limit();
  if (bytes <= static_cast<double>(limit)) return;
  throw Error(ErrorCode::TooLarge, std::string(where),
              fmt::format("{} would need {}{}, more than the memory limit of {}: {} (the limit is --max-memory or "
                          "TRYGGVE_MAX_MEMORY, by default 80% of this computer's memory)",
                          what, format_bytes(bytes), detail.empty() ? std::string() : fmt::format(" ({})", detail),
                          format_bytes(static_cast<double>(limit)), remedy));
}

void check_month_cube(double units, int first_month, int last_month, double bytes_per_cell, std::string_view where,
                      std::string_view what) {
  const double months = static_cast<double>(last_month) - first_month + 1;
  check_memory(units * months * bytes_per_cell, where, what,
               fmt::format("{:.0f} units x {:.0f} months, {} to {}", units, months, month_label(first_month),
                           month_label(last_month)),
               "the time stamps span that many months: look for a mistyped year among the earliest and latest "
               "(rejects.csv lists the implausible ones), or analyse fewer months (--months, --from/--to)");
}

std::uint64_t checked_count(double n, std::uint64_t max, std::string_view where, std::string_view what,
                            std::string_view remedy) {
  if (!(n >= 0) || !(n <= static_cast<double>(max)))
    throw Error(ErrorCode::TooLarge, std::string(where),
                fmt::format("{} would be {}, more than the {} it can hold: {}", what,
                            std::isfinite(n) ? fmt::format("{:.4g}", n) : std::string("unbounded"), max, remedy));
  return static_cast<std::uint64_t>(n);
}

std::optional<std::uint64_t> checked_mul(std::uint64_t a, std::uint64_t b) {
  std::uint64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

std::optional<std::uint64_t> checked_add(std::uint64_t a, std::uint64_t b) {
  std::uint64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

}  // namespace tryggve
