#pragma once
// Test helper: one column of a real CSV file, optionally .gz (read through the
// system's gzip, so the taxonomy tests need neither GDAL nor zlib).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace tryggve::test {

inline std::vector<std::string> csv_column(const std::filesystem::path& path, const std::string& column) {
  const bool gz = path.extension() == ".gz";
  const std::string cmd = "gzip -dc '" + path.string() + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> f(gz ? ::popen(cmd.c_str(), "r") : std::fopen(path.c_str(), "rb"),
                                         gz ? &::pclose : &std::fclose);
  if (!f) throw std::runtime_error("cannot open " + path.string());
  // RFC 4180, streamed: quoted fields may hold commas, quotes ("") and newlines.
  // Only the wanted column is kept (the police file is 23 MB unpacked).
  std::vector<std::string> header(1), out;
  std::string cell;
  std::size_t field = 0, col = static_cast<std::size_t>(-1), row = 0;
  bool q = false;
  auto end_field = [&] {
    if (row == 0) header.back() = cell, header.emplace_back();
    else if (field == col) out.push_back(cell);
    cell.clear();
    ++field;
  };
  auto end_record = [&] {
    end_field();
    if (row == 0) {
      header.pop_back();
      for (std::size_t k = 0; k < header.size(); ++k)
        if (header[k] == column) col = k;
      if (col == static_cast<std::size_t>(-1)) throw std::runtime_error("no column " + column + " in " + path.string());
    } else if (field != header.size()) {
      throw std::runtime_error("row " + std::to_string(row) + " has " + std::to_string(field) + " fields in " + path.string());
    }
    ++row;
    field = 0;
  };
  char buf[1 << 16];
  std::size_t n = 0;
  bool pending_quote = false;  // a '"' inside quotes: either "" or the closing quote
  bool at_record_start = true;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) {
    for (std::size_t i = 0; i < n; ++i) {
      const char c = buf[i];
      if (pending_quote) {
        pending_quote = false;
        if (c == '"') { if (field == col || row == 0) cell += '"'; continue; }
        q = false;
      }
      if (q) {
        if (c == '"') pending_quote = true;
        else if (field == col || row == 0) cell += c;
        continue;
      }
      if (c == '\r') continue;
      if (c == '\n') {
        if (!at_record_start) end_record();
        at_record_start = true;
        continue;
      }
      at_record_start = false;
      if (c == '"') q = true;
      else if (c == ',') end_field();
      else if (field == col || row == 0) cell += c;
    }
  }
  if (!at_record_start) end_record();
  return out;
}

}  // namespace tryggve::test
