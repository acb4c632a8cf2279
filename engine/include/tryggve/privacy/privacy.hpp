#pragma once
// Personal data leaving the room (issue 12). Incident reports are personal data
// (GDPR, the police data act), so every output has an audience:
//
//   internal  analysts: points allowed, but exports round positions to the street
//             segment and leave free text out unless asked for;
//   public    the steering group's minutes, citizens, press: no incident points,
//             no free text, no rejects or raw rows, and every count below k
//             (default 5) suppressed ("<5") with complementary suppression so
//             totals cannot give a suppressed cell back.
//
// Where points must be public, incidents move to police.uk-style anonymous map
// points (the middle of a street segment or a public place) whose catchment
// holds at least 8 addresses or none (anonymous_points.hpp).
//
// Pure: counts and positions in, decisions out; no files. The one place the
// rule lives, so the report, the exports, the server and `tryggve month` agree.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tryggve::privacy {

enum class Audience { Internal, Public };
const char* to_string(Audience a);
// "internal" or "public"; anything else is an Error (BadOption) naming `where`.
Audience parse_audience(std::string_view s, const std::string& where = "--audience");

struct SuppressionOptions {
  // Counts 1 .. min_count-1 are suppressed. 0 stays visible: a zero names nobody,
  // and blanking every zero would hide the whole quiet district.
  std::int64_t min_count = 5;
};

enum class Suppression : std::uint8_t {
  None,
  Primary,        // the count itself is below k
  Complementary,  // suppressed so that a published total cannot reveal a primary one
};

// Small-count suppression of a set of published counts tied together by totals.
//
// `counts` holds every number that will be published, cells and totals alike.
// Each group lists the indices of counts bound by one additive relation (a row of
// a table with its row total, a column with its column total, the areas of a
// district with the district): knowing all but one member of a group gives the
// last one. The rule (the standard one of statistical offices): suppress every
// count in 1..k-1 (primary); then, while some group has exactly one suppressed
// member, suppress its smallest other member (ties: lowest index), repeated to
// a fixed point. Deterministic; a group of one member is never complemented.
// Indices out of range are an Error (Internal).
std::vector<Suppression> suppress_counts(std::span<const std::int64_t> counts,
                                         std::span<const std::vector<std::size_t>> groups,
                                         const SuppressionOptions& options = {});

// A two-way table with its margins, the common case. cells is row-major
// rows x cols; the result adds the row totals, the column totals and the grand
// total, each with its own decision.
struct CountTable {
  std::size_t rows = 0, cols = 0;
  std::vector<std::int64_t> cells;  // row-major, rows * cols
};
struct SuppressedTable {
  std::vector<Suppression> cells;       // row-major, rows * cols
  std::vector<std::int64_t> row_totals; // the totals as computed from the cells
  std::vector<Suppression> row_total_suppression;
  std::vector<std::int64_t> col_totals;
  std::vector<Suppression> col_total_suppression;
  std::int64_t grand_total = 0;
  Suppression grand_total_suppression = Suppression::None;
};
SuppressedTable suppress_table(const CountTable& table, const SuppressionOptions& options = {});

// The text a public table shows for one count: the number, or "<k" when suppressed.
std::string format_count(std::int64_t count, Suppression s, const SuppressionOptions& options = {});
inline bool suppressed(Suppression s) { return s != Suppression::None; }

// What an export may carry for each audience. Public exports carry no incident
// rows at all (only suppressed aggregates); internal ones round positions to the
// street segment and leave free text out unless the analyst asks for them.
struct ExportPolicy {
  Audience audience = Audience::Internal;
  bool exact_positions = false;  // internal only: keep the snapped position
  bool free_text = false;        // internal only: keep the report's free text
  SuppressionOptions suppression;
  bool incident_rows() const { return audience == Audience::Internal; }
  bool rejects() const { return audience == Audience::Internal; }
};

}  // namespace tryggve::privacy
