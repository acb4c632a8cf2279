#include "tryggve/privacy/privacy.hpp"

#include <fmt/format.h>

#include <limits>

#include "tryggve/core/error.hpp"

namespace tryggve::privacy {

const char* to_string(Audience a) { return a == Audience::Public ? "public" : "internal"; }

Audience parse_audience(std::string_view s, const std::string& where) {
  if (s == "internal") return Audience::Internal;
  if (s == "public") return Audience::Public;
  throw Error(ErrorCode::BadOption, where,
              fmt::format("audience '{}' is not one of internal, public", s));
}

std::vector<Suppression> suppress_counts(std::span<const std::int64_t> counts,
                                         std::span<const std::vector<std::size_t>> groups,
                                         const SuppressionOptions& options) {
  if (options.min_count < 1)
    throw Error(ErrorCode::BadOption, "suppression", fmt::format("k must be >= 1, got {}", options.min_count));
  std::vector<Suppression> out(counts.size(), Suppression::None);
  for (std::size_t i = 0; i < counts.size(); ++i)
    if (counts[i] >= 1 && counts[i] < options.min_count) out[i] = Suppression::Primary;
  for (const auto& g : groups)
    for (std::size_t i : g)
      if (i >= counts.size())
        throw Error(ErrorCode::Internal, "suppression",
                    fmt::format("group member {} beyond the {} counts", i, counts.size()));
  // Each pass can only add suppressions, so this ends after at most counts.size()
  // passes; a group's complement may open another group, hence the fixed point.
  bool changed = true;
  while (changed) {
    changed = false;
    for (const auto& g : groups) {
      std::size_t n_suppressed = 0;
      for (std::size_t i : g) n_suppressed += suppressed(out[i]) ? 1 : 0;
      if (n_suppressed != 1 || g.size() < 2) continue;
      // The smallest other member hides the suppressed one best with the least
      // information lost; zeros count (a suppressed 0 is as good a complement).
      std::size_t best = std::numeric_limits<std::size_t>::max();
      for (std::size_t i : g) {
        if (suppressed(out[i])) continue;
        if (best == std::numeric_limits<std::size_t>::max() || counts[i] < counts[best] ||
            (counts[i] == counts[best] && i < best))
          best = i;
      }
      if (best == std::numeric_limits<std::size_t>::max()) continue;  // duplicate indices only
      out[best] = Suppression::Complementary;
      changed = true;
    }
  }
  return out;
}

SuppressedTable suppress_table(const CountTable& t, const SuppressionOptions& options) {
  if (t.cells.size() != t.rows * t.cols)
    throw Error(ErrorCode::Internal, "suppression",
                fmt::format("table of {} x {} has {} cells", t.rows, t.cols, t.cells.size()));
  // Layout of the flat count vector: cells, then row totals, column totals, grand total.
  const std::size_t n_cells = t.rows * t.cols;
  const std::size_t row0 = n_cells, col0 = row0 + t.rows, grand = col0 + t.cols;
  SuppressedTable out;
  out.row_totals.assign(t.rows, 0);
  out.col_totals.assign(t.cols, 0);
  for (std::size_t r = 0; r < t.rows; ++r)
    for (std::size_t c = 0; c < t.cols; ++c) {
      out.row_totals[r] += t.cells[r * t.cols + c];
      out.col_totals[c] += t.cells[r * t.cols + c];
      out.grand_total += t.cells[r * t.cols + c];
    }
  std::vector<std::int64_t> counts(t.cells);
  counts.insert(counts.end(), out.row_totals.begin(), out.row_totals.end());
  counts.insert(counts.end(), out.col_totals.begin(), out.col_totals.end());
  counts.push_back(out.grand_total);
  std::vector<std::vector<std::size_t>> groups;
  for (std::size_t r = 0; r < t.rows; ++r) {
    std::vector<std::size_t> g;
    for (std::size_t c = 0; c < t.cols; ++c) g.push_back(r * t.cols + c);
    g.push_back(row0 + r);
    groups.push_back(std::move(g));
  }
  for (std::size_t c = 0; c < t.cols; ++c) {
    std::vector<std::size_t> g;
    for (std::size_t r = 0; r < t.rows; ++r) g.push_back(r * t.cols + c);
    g.push_back(col0 + c);
    groups.push_back(std::move(g));
  }
  // The margins bind each other through the grand total.
  std::vector<std::size_t> rows_g, cols_g;
  for (std::size_t r = 0; r < t.rows; ++r) rows_g.push_back(row0 + r);
  for (std::size_t c = 0; c < t.cols; ++c) cols_g.push_back(col0 + c);
  rows_g.push_back(grand);
  cols_g.push_back(grand);
  groups.push_back(std::move(rows_g));
  groups.push_back(std::move(cols_g));

  const auto s = suppress_counts(counts, groups, options);
  out.cells.assign(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(n_cells));
  out.row_total_suppression.assign(s.begin() + static_cast<std::ptrdiff_t>(row0),
                                   s.begin() + static_cast<std::ptrdiff_t>(col0));
  out.col_total_suppression.assign(s.begin() + static_cast<std::ptrdiff_t>(col0),
                                   s.begin() + static_cast<std::ptrdiff_t>(grand));
  out.grand_total_suppression = s[grand];
  return out;
}

std::string format_count(std::int64_t count, Suppression s, const SuppressionOptions& options) {
  if (suppressed(s)) return fmt::format("<{}", options.min_count);
  return fmt::format("{}", count);
}

}  // namespace tryggve::privacy
