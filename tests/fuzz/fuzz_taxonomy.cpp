// The taxonomy and the category mapping tables (taxonomy/): a taxonomy from YAML
// text, a mapping table from CSV bytes (through the file reader, so encodings
// are decoded as for a user's file), then labels classified. Input: taxonomy
// YAML, a line "%%%", the mapping table, a line "%%%", labels one per line (a
// missing part: the shipped taxonomy, no table, the table's own labels).
// Checks: every incident is either returned classified or rejected.
#include "fuzz_common.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/taxonomy/classifier.hpp"
#include "tryggve/taxonomy/taxonomy.hpp"

namespace tryggve::fuzz {

namespace {

std::vector<std::string_view> split(std::string_view s, std::string_view sep, std::size_t max_parts) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < max_parts) {
    const auto p = s.find(sep);
    if (p == std::string_view::npos) break;
    out.push_back(s.substr(0, p));
    s.remove_prefix(p + sep.size());
  }
  out.push_back(s);
  return out;
}

// One file per process, rewritten for each input (a mapping table is read from a path).
const std::filesystem::path& table_path() {
  static const std::filesystem::path p =
      std::filesystem::temp_directory_path() / fmt::format("tryggve_fuzz_mapping_{}.csv", ::getpid());
  return p;
}

}  // namespace

int taxonomy(std::string_view input) {
  quiet();
  static const Taxonomy shipped = Taxonomy::load_default();
  const auto parts = split(input, "\n%%%\n", 3);
  std::optional<Taxonomy> own;
  if (!parts[0].empty()) {
    try {
      own = Taxonomy::parse(parts[0], "fuzz_taxonomy.yaml");
    } catch (const Error&) {
    }
  }
  const Taxonomy& tax = own ? *own : shipped;
  if (own) {
    check(tax.size() > 0 && tax.size() < kNoParameter, "a taxonomy without parameters was accepted");
    for (const auto& p : tax.parameters())
      check(p.weight > 0 && std::isfinite(p.weight) && tax.find(p.code) == p.id, "parameter " + p.code + " inconsistent");
  }
  std::vector<std::string> tables;
  if (parts.size() > 1) {
    std::ofstream(table_path(), std::ios::binary | std::ios::trunc).write(parts[1].data(), static_cast<std::streamsize>(parts[1].size()));
    tables.push_back(table_path().string());
  }
  std::optional<Classifier> cls;
  try {
    cls.emplace(tax, tables);
  } catch (const Error&) {
    return 0;
  }
  std::vector<Incident> incs;
  const std::string_view labels = parts.size() > 2 ? parts[2] : (parts.size() > 1 ? parts[1] : parts[0]);
  for (auto l : split(labels, "\n", 64)) {
    Incident i;
    i.source_row = static_cast<std::int64_t>(incs.size()) + 1;
    i.category = std::string(l.substr(0, 200));
    const Classification c = cls->classify(i.category);
    check(c.mapped() == (c.parameter != kNoParameter) && (!c.mapped() || c.parameter < tax.size()),
          "classification out of range for '" + i.category + "'");
    incs.push_back(std::move(i));
  }
  RejectLog rejects;
  const std::size_t n = incs.size();
  const auto kept = cls->classify_all(std::move(incs), rejects, "fuzz");
  check(kept.size() + rejects.size() == n, fmt::format("{} labels: {} kept + {} rejected", n, kept.size(), rejects.size()));
  return 0;
}

}  // namespace tryggve::fuzz

TRYGGVE_FUZZ_ENTRY(taxonomy)
