#pragma once
// Bounds before allocation. Every structure whose size follows from options or
// data (heat-kernel and planar grids, lixels, month cubes, hour calendars) is
// counted in 64-bit or floating-point arithmetic and its memory estimated before
// anything is allocated; above the ceiling the run stops with an Error that says
// what it would need and which option to change, instead of ending in
// "std::bad_alloc" or in a counter that wrapped at 2^32.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tryggve {

// The ceiling in bytes: set_memory_limit() (the CLI's --max-memory) if called,
// else the environment variable TRYGGVE_MAX_MEMORY ("16G", "512M", "2.5GB",
// "800000000"), else 80% of the physical memory (or of the cgroup's limit when
// that is lower). A bad TRYGGVE_MAX_MEMORY throws Error(BadOption).
std::uint64_t memory_limit();
// 0 goes back to the environment / physical-memory default.
void set_memory_limit(std::uint64_t bytes);

// "16G", "512 MB", "2.5GiB", "1e9": bytes (K, M, G, T are powers of 1024, with
// or without a trailing B or iB). Throws Error(BadOption, where) if not a size > 0.
std::uint64_t parse_byte_size(std::string_view text, const std::string& where);
// "41 GB", "512 MB", "3.2 kB" (powers of 1024, as the limit is given).
std::string format_bytes(double bytes);

// Throws Error(TooLarge, where, "<what> would need <N GB> (<detail>), more than
// the memory limit of <M GB>: <remedy>") when `bytes` (a double, so that no
// product of sizes can overflow; NaN and inf count as too large) is above the
// ceiling. `detail` may be empty.
void check_memory(double bytes, std::string_view where, std::string_view what, std::string_view detail,
                  std::string_view remedy);

// For structures of units x months over the data's months (the situation
// picture, the emerging-hotspot cube, the grid's months): check_memory with a
// message that names the months the data span (first_month..last_month, month
// indices) and where to look: usually one mistyped year among the time stamps.
void check_month_cube(double units, int first_month, int last_month, double bytes_per_cell, std::string_view where,
                      std::string_view what);

// A count computed in floating point (e.g. length / dx) as an integer, checked:
// throws the same TooLarge Error when it is not finite or above `max` (e.g. the
// 2^32 - 1 of 32-bit node ids).
std::uint64_t checked_count(double n, std::uint64_t max, std::string_view where, std::string_view what,
                            std::string_view remedy);

// Overflow-checked unsigned arithmetic: nullopt when the result does not fit.
std::optional<std::uint64_t> checked_mul(std::uint64_t a, std::uint64_t b);
std::optional<std::uint64_t> checked_add(std::uint64_t a, std::uint64_t b);

}  // namespace tryggve
