#include "tryggve/privacy/public_data.hpp"

#include <cmath>
#include <map>
#include <optional>
#include <string>

namespace tryggve::privacy {

using nlohmann::json;

bool public_layer(std::string_view layer) { return layer != "incidents" && layer != "rejects"; }

bool public_field(std::string_view f) {
  static constexpr std::string_view denied[] = {"count",         "score",           "rate_per_km", "rate_per_1000",
                                                "change_prev",   "change_prev_pct", "change_year", "change_year_pct",
                                                "hits",          "total",           "text",        "raw",
                                                "detail",        "source_row"};
  for (auto d : denied)
    if (f == d) return false;
  return !f.starts_with("count_");
}

namespace {

// Counts may be weighted (not whole): anything above 0 and below k is small.
std::int64_t as_count(const json& v) {
  if (!v.is_number()) return 0;
  const double x = v.get<double>();
  return x > 0 ? static_cast<std::int64_t>(std::ceil(x)) : 0;
}

}  // namespace

json public_situation(const json& situation, const SuppressionOptions& options) {
  json out = situation;
  if (!out.contains("units") || !out["units"].is_array() || !out.contains("months")) return out;
  json& units = out["units"];
  // Public-transport units' counts per time band split each month's count five
  // ways, with no complementary suppression: a public audience gets none.
  for (auto& u : units)
    if (u.is_object()) u.erase("time_bands");
  const std::size_t M = out["months"].size();
  // Index every (unit, key) pair once; suppressed[pair][month].
  struct Cell { std::size_t unit; std::string key; };
  std::vector<Cell> cells;
  std::map<std::pair<std::size_t, std::string>, std::size_t> index;
  for (std::size_t u = 0; u < units.size(); ++u) {
    if (!units[u].contains("parameters") || !units[u]["parameters"].is_object()) continue;
    for (auto it = units[u]["parameters"].begin(); it != units[u]["parameters"].end(); ++it) {
      index[{u, it.key()}] = cells.size();
      cells.push_back({u, it.key()});
    }
  }
  // The relations: a unit's parameters with its "all"; the areas with the district.
  std::vector<std::vector<std::size_t>> groups;
  std::map<std::string, std::vector<std::size_t>> by_key;  // key -> areas' cells
  std::optional<std::size_t> district;
  for (std::size_t u = 0; u < units.size(); ++u)
    if (units[u].value("kind", "") == "district") district = u;
  for (std::size_t u = 0; u < units.size(); ++u) {
    std::vector<std::size_t> g;
    for (const auto& [k, i] : index)
      if (k.first == u) g.push_back(i);
    if (g.size() > 1 && index.count({u, "all"})) groups.push_back(std::move(g));
    if (units[u].value("kind", "") == "area")
      for (const auto& [k, i] : index)
        if (k.first == u) by_key[k.second].push_back(i);
  }
  for (auto& [key, g] : by_key) {
    if (district && index.count({*district, key})) g.push_back(index.at({*district, key}));
    groups.push_back(g);
  }
  std::vector<std::vector<bool>> hidden(cells.size(), std::vector<bool>(M, false));
  for (std::size_t m = 0; m < M; ++m) {
    std::vector<std::int64_t> counts(cells.size(), 0);
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const json& c = units[cells[i].unit]["parameters"][cells[i].key];
      if (c.contains("count") && c["count"].is_array() && c["count"].size() > m) counts[i] = as_count(c["count"][m]);
    }
    const auto s = suppress_counts(counts, groups, options);
    for (std::size_t i = 0; i < cells.size(); ++i) hidden[i][m] = suppressed(s[i]);
  }
  const std::string mark = format_count(1, Suppression::Primary, options);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    json& c = units[cells[i].unit]["parameters"][cells[i].key];
    for (std::size_t m = 0; m < M; ++m) {
      const bool prev_hidden = m >= 1 && hidden[i][m - 1];
      const bool year_hidden = m >= 12 && hidden[i][m - 12];
      for (auto it = c.begin(); it != c.end(); ++it) {
        if (!it->is_array() || it->size() <= m) continue;
        const std::string& k = it.key();
        if (k == "level" || k == "trend") continue;  // classes, not numbers a count comes back from
        if (hidden[i][m]) {
          (*it)[m] = k == "count" ? json(mark) : json();
        } else if ((prev_hidden && k.starts_with("change_prev")) || (year_hidden && k.starts_with("change_year"))) {
          (*it)[m] = json();
        }
      }
    }
  }
  if (out.contains("without_time")) {
    const auto n = as_count(out["without_time"]);
    if (n >= 1 && n < options.min_count) out["without_time"] = mark;
  }
  return out;
}

Suppression suppress_list(json& list, std::int64_t total, const SuppressionOptions& options, const char* key) {
  if (!list.is_array()) return Suppression::None;
  std::vector<std::int64_t> counts;
  std::vector<std::size_t> group;
  for (std::size_t i = 0; i < list.size(); ++i) {
    counts.push_back(list[i].is_object() && list[i].contains(key) ? as_count(list[i][key]) : 0);
    group.push_back(i);
  }
  counts.push_back(total);
  group.push_back(counts.size() - 1);
  const std::vector<std::vector<std::size_t>> groups{group};
  const auto s = suppress_counts(counts, groups, options);
  for (std::size_t i = 0; i < list.size(); ++i)
    if (suppressed(s[i]) && list[i].is_object()) list[i][key] = format_count(counts[i], s[i], options);
  return s.back();
}

}  // namespace tryggve::privacy
