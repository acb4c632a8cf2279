#include "tryggve/taxonomy/classifier.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <set>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/paths.hpp"
#include "tryggve/core/text.hpp"

namespace tryggve {


// ---------------------------------------------------------------------------

std::vector<MappingRow> Classifier::read_table(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw Error(ErrorCode::FileNotFound, path.string(), "mapping table not found");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(ErrorCode::FileUnreadable, path.string(), "mapping table cannot be read");
  const std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return parse_table(decode_text_logged(bytes, path.string()), path.string());
}

std::vector<MappingRow> Classifier::parse_table(std::string_view s, const std::string& file) {
  // RFC 4180 records; lines starting with '#' (outside quotes) are comments.
  std::vector<std::pair<int, std::vector<std::string>>> records;
  std::size_t i = 0;
  int line = 1;
  while (i < s.size()) {
    if (s[i] == '\n' || s[i] == '\r') {
      if (s[i] == '\n') ++line;
      ++i;
      continue;
    }
    if (s[i] == '#') {
      while (i < s.size() && s[i] != '\n') ++i;
      continue;
    }
    const int start_line = line;
    std::vector<std::string> fields(1);
    bool in_quotes = false, was_quoted = false;
    for (; i < s.size(); ++i) {
      const char c = s[i];
      if (in_quotes) {
        if (c == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') fields.back() += '"', ++i;
          else in_quotes = false;
        } else {
          if (c == '\n') ++line;
          fields.back() += c;
        }
      } else if (c == '"') {
        if (was_quoted || fields.back().find_first_not_of(" \t") != std::string::npos)
          throw Error(ErrorCode::BadTaxonomy, fmt::format("{}:{}", file, line), "quote in the middle of a field");
        fields.back().clear();
        in_quotes = was_quoted = true;
      } else if (c == ',') {
        fields.emplace_back();
        was_quoted = false;
      } else if (c == '\n' || c == '\r') {
        break;
      } else if (!(was_quoted && (c == ' ' || c == '\t'))) {
        if (was_quoted) throw Error(ErrorCode::BadTaxonomy, fmt::format("{}:{}", file, line), "text after a closing quote");
        fields.back() += c;
      }
    }
    if (in_quotes)
      throw Error(ErrorCode::BadTaxonomy, fmt::format("{}:{}", file, start_line), "quote opened here is never closed");
    records.emplace_back(start_line, std::move(fields));
  }
  if (records.empty()) throw Error(ErrorCode::BadTaxonomy, file, "mapping table is empty (expected a header source_category,parameter,note)");

  const auto& header = records.front().second;
  std::vector<std::string> names;
  for (const auto& h : header) names.push_back(normalize_label(h));
  const bool ok = (names.size() == 2 || names.size() == 3) && names[0] == "source_category" && names[1] == "parameter" &&
                  (names.size() == 2 || names[2] == "note");
  if (!ok)
    throw Error(ErrorCode::BadTaxonomy, fmt::format("{}:{}", file, records.front().first),
                "header must be source_category,parameter,note");
  std::vector<MappingRow> rows;
  for (std::size_t r = 1; r < records.size(); ++r) {
    auto& [ln, fields] = records[r];
    if (fields.size() != header.size())
      throw Error(ErrorCode::BadTaxonomy, fmt::format("{}:{}", file, ln),
                  fmt::format("row has {} fields, the header has {} (quote labels that contain a comma)",
                              fields.size(), header.size()));
    MappingRow row;
    row.source_category = fields[0];
    row.parameter = normalize_label(fields[1]);  // codes are lower-case; tolerate stray spaces
    if (fields.size() > 2) row.note = fields[2];
    row.line = ln;
    if (normalize_label(row.source_category).empty())
      throw Error(ErrorCode::BadTaxonomy, fmt::format("{}:{}", file, ln), "source_category is empty");
    rows.push_back(std::move(row));
  }
  return rows;
}

namespace {

std::filesystem::path mappings_dir() { return data_dir() / "mappings"; }

std::vector<std::filesystem::path> shipped_tables() {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(mappings_dir(), ec))
    if (e.is_regular_file() && e.path().extension() == ".csv") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

void Classifier::add_table(const std::string& name, const std::vector<MappingRow>& rows, const std::string& file) {
  const std::size_t table = table_names_.size();
  table_names_.push_back(name);
  const bool strict = !file.empty();  // the implicit "taxonomy" table may repeat labels across parameters
  std::unordered_map<std::string, std::pair<ParameterId, int>> local;  // label -> (parameter, line)
  for (const auto& row : rows) {
    ParameterId pid = kNoParameter;
    if (!row.parameter.empty()) {
      const auto found = taxonomy_->find(row.parameter);
      if (!found)
        throw Error(ErrorCode::BadTaxonomy, fmt::format("{}:{}", file, row.line),
                    fmt::format("parameter '{}' is not in the taxonomy ({})", row.parameter,
                                taxonomy_->source().filename().string()));
      pid = *found;
    }
    const std::string label = normalize_label(row.source_category);
    auto name_of = [this](ParameterId p) {
      return p == kNoParameter ? std::string("(outside)") : (*taxonomy_)[p].code;
    };
    if (auto [it, fresh] = local.emplace(label, std::make_pair(pid, row.line)); !fresh) {
      if (it->second.first != pid && strict)
        throw Error(ErrorCode::BadTaxonomy, fmt::format("{}:{}", file, row.line),
                    fmt::format("'{}' is mapped to {} here but to {} at line {}", row.source_category, name_of(pid),
                                name_of(it->second.first), it->second.second));
      continue;
    }
    if (auto [it, fresh] = index_.emplace(label, Entry{pid, table}); !fresh && it->second.parameter != pid)
      conflicts_.push_back(fmt::format("'{}': {} -> {}, {} -> {} ({} wins)", row.source_category,
                                       table_names_[it->second.table], name_of(it->second.parameter), name,
                                       name_of(pid), table_names_[it->second.table]));
  }
}

Classifier::Classifier(const Taxonomy& taxonomy, const std::vector<std::string>& tables) : taxonomy_(&taxonomy) {
  std::vector<std::filesystem::path> paths;
  for (const auto& t : tables) {
    if (t == "auto") {
      const auto shipped = shipped_tables();
      if (shipped.empty())
        throw Error(ErrorCode::FileNotFound, mappings_dir().string(), "no shipped mapping tables (*.csv) found");
      paths.insert(paths.end(), shipped.begin(), shipped.end());
    } else if (t.find('/') != std::string::npos || (t.size() > 4 && t.compare(t.size() - 4, 4, ".csv") == 0)) {
      paths.emplace_back(t);
    } else {
      const auto p = mappings_dir() / (t + ".csv");
      std::error_code ec;
      if (!std::filesystem::is_regular_file(p, ec)) {
        std::string known;
        for (const auto& s : shipped_tables()) known += (known.empty() ? "" : ", ") + s.stem().string();
        throw Error(ErrorCode::BadOption, "mapping table",
                    fmt::format("unknown mapping table '{}' (shipped: {}; or give a path to a CSV file)", t, known));
      }
      paths.push_back(p);
    }
  }
  std::set<std::filesystem::path> loaded;
  for (const auto& p : paths) {
    std::error_code ec;
    const auto canon = std::filesystem::weakly_canonical(p, ec);
    if (!loaded.insert(ec ? p : canon).second) continue;  // "auto" plus "polisen" loads it once
    add_table(p.filename().string(), read_table(p), p.string());
  }
  // The taxonomy's own codes and names, always known.
  std::vector<MappingRow> own;
  for (const auto& q : taxonomy.parameters()) {
    own.push_back({q.code, q.code, "code", q.line});
    own.push_back({q.name_sv, q.code, "name_sv", q.line});
    own.push_back({q.name_en, q.code, "name_en", q.line});
  }
  add_table("taxonomy", own, "");
}

Classification Classifier::classify(std::string_view category) const {
  Classification c;
  const auto it = index_.find(normalize_label(category));
  if (it == index_.end()) return c;
  c.parameter = it->second.parameter;
  c.status = c.parameter == kNoParameter ? Classification::Status::Outside : Classification::Status::Mapped;
  c.table = table_names_[it->second.table];
  return c;
}

std::vector<Incident> Classifier::classify_all(std::vector<Incident> incidents, RejectLog& rejects,
                                               const std::string& file) const {
  std::vector<Incident> kept;
  kept.reserve(incidents.size());
  // Labels repeat a lot (85,000 police rows have 97 types): classify each once.
  std::unordered_map<std::string, Classification> cache;
  std::string all_tables;
  for (const auto& t : table_names_) all_tables += (all_tables.empty() ? "" : ", ") + t;
  for (auto& inc : incidents) {
    auto [it, fresh] = cache.try_emplace(inc.category);
    if (fresh) it->second = classify(inc.category);
    const Classification& c = it->second;
    if (c.mapped()) {
      inc.parameter = c.parameter;
      if (inc.setting == Setting::Unknown) {
        const auto s = (*taxonomy_)[c.parameter].setting;
        if (s == ParameterSetting::Outdoor) inc.setting = Setting::Outdoor;
        else if (s == ParameterSetting::Indoor) inc.setting = Setting::Indoor;
      }
      kept.push_back(std::move(inc));
      continue;
    }
    Reject r;
    r.file = file;
    r.source_row = inc.source_row;
    r.reason = RejectReason::UnknownCategory;
    if (normalize_label(inc.category).empty())
      r.detail = "no category given";
    else if (c.status == Classification::Status::Outside)
      r.detail = fmt::format("'{}' is outside the {} parameters ({})", inc.category, taxonomy_->size(), c.table);
    else
      r.detail = fmt::format("'{}' is in no mapping table ({})", inc.category, all_tables);
    r.has_pos = std::isfinite(inc.pos.x) && std::isfinite(inc.pos.y);
    r.pos = inc.pos;
    r.raw = fmt::format("id {}, '{}'{}", inc.id, inc.category, inc.has_time ? ", " + to_iso8601(inc.time) : "");
    rejects.add(std::move(r));
  }
  return kept;
}

}  // namespace tryggve
