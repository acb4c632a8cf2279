#pragma once
// The one checker for what reaches the public audience (privacy/privacy.hpp):
// counts from 1 to k-1 in JSON, in a report's count cells and in CSV count
// columns, and strings that must never leave the room (incident ids, report
// texts, exact coordinates). The report's, the server's and the public month's
// tests all ask it.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tryggve::test {

// The keys a published count stands under.
inline const std::set<std::string>& count_keys() {
  static const std::set<std::string> k = {"count", "prev", "year_ago", "observed", "incidents", "incidents_in_month"};
  return k;
}

// Every value in a JSON document that stands under a key named `keys` (default: "count").
inline void counts_in(const nlohmann::json& j, std::vector<nlohmann::json>& out, bool under_count = false,
                      const std::set<std::string>& keys = {"count"}) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) counts_in(*it, out, keys.count(it.key()) > 0, keys);
  } else if (j.is_array()) {
    for (const auto& x : j) counts_in(x, out, under_count, keys);
  } else if (under_count) {
    out.push_back(j);
  }
}

// A count the public may not see: 1 .. k-1 (0 names nobody).
inline bool small(const nlohmann::json& c, std::int64_t k = 5) {
  return c.is_number() && c.get<double>() >= 1 && c.get<double>() < static_cast<double>(k);
}
inline bool small(const std::string& s, std::int64_t k = 5) {
  for (std::int64_t v = 1; v < k; ++v)
    if (s == std::to_string(v)) return true;
  return false;
}

// The texts of a report's count cells (<td class="n count">, <span class=count>).
inline std::vector<std::string> count_cells(const std::string& html) {
  std::vector<std::string> out;
  const std::regex cell(R"re(<(?:td|span) class="?(?:n )?count"?>([^<]*)</(?:td|span)>)re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), cell); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}

// Everything in a folder the public audience could read that it must not: a count
// from 1 to k-1 (JSON under count_keys(), report count cells, CSV columns named
// like them) or any of `forbidden` anywhere in any file. One line per finding.
inline std::vector<std::string> public_folder_leaks(const std::filesystem::path& dir, std::int64_t k,
                                                    const std::vector<std::string>& forbidden) {
  namespace fs = std::filesystem;
  std::vector<std::string> found;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string body = ss.str(), name = fs::relative(e.path(), dir).string(), ext = e.path().extension().string();
    for (const auto& f : forbidden)
      if (!f.empty() && body.find(f) != std::string::npos) found.push_back(name + ": holds '" + f + "'");
    if (ext == ".json") {
      std::vector<nlohmann::json> counts;
      counts_in(nlohmann::json::parse(body), counts, false, count_keys());
      for (const auto& c : counts)
        if (small(c, k)) found.push_back(name + ": count " + c.dump());
    } else if (ext == ".html") {
      for (const auto& c : count_cells(body))
        if (small(c, k)) found.push_back(name + ": count cell " + c);
    } else if (ext == ".csv") {
      std::istringstream lines(body);
      std::string line;
      std::vector<bool> is_count;
      while (std::getline(lines, line)) {
        std::vector<std::string> fields;
        std::string f;
        bool q = false;
        for (char ch : line) {
          if (ch == '"') q = !q;
          else if (ch == ',' && !q) fields.push_back(f), f.clear();
          else f += ch;
        }
        fields.push_back(f);
        if (is_count.empty()) {
          for (const auto& h : fields) is_count.push_back(count_keys().count(h) > 0);
          continue;
        }
        for (std::size_t c = 0; c < fields.size() && c < is_count.size(); ++c)
          if (is_count[c] && small(fields[c], k)) found.push_back(name + ": " + line);
      }
    }
  }
  return found;
}

}  // namespace tryggve::test
