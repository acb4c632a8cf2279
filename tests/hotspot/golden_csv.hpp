#pragma once
// Reads the golden CSV files of tests/golden/hotspot (a '#' comment line with the
// versions that produced them, then a quoted header, then numbers).
#include <filesystem>
#include <fstream>
#include <cmath>
#include <map>
#include <stdexcept>
#include <sstream>
#include <string>
#include <vector>

#include "test_data.hpp"

namespace tryggve::test {

// Beside tests/fixtures, whose absolute path CMake compiles in (test_paths.cpp; not
// __FILE__: with ccache's CCACHE_BASEDIR that is relative to the build folder).
inline std::filesystem::path hotspot_golden_dir() {
  return ::tryggve::test::fixtures().parent_path() / "golden" / "hotspot";
}

struct GoldenTable {
  std::string provenance;  // the '#' line
  std::map<std::string, std::vector<double>> columns;  // non-numbers (and empty cells) are NaN here
  std::map<std::string, std::vector<std::string>> texts;  // every cell as written
  std::size_t rows = 0;
  const std::vector<double>& operator[](const std::string& c) const { return columns.at(c); }
};

// A golden file by name, or any CSV by path (an output of the runs).
inline GoldenTable read_golden(const std::filesystem::path& name) {
  GoldenTable t;
  const auto path = name.is_absolute() ? name : hotspot_golden_dir() / name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open golden file " + path.string());
  std::string line;
  std::vector<std::string> names;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line[0] == '#') { t.provenance = line; continue; }
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) {
      if (cell.size() >= 2 && cell.front() == '"') cell = cell.substr(1, cell.size() - 2);
      f.push_back(cell);
    }
    if (names.empty()) { names = f; continue; }
    f.resize(names.size());
    for (std::size_t k = 0; k < names.size(); ++k) {
      double v = NAN;
      std::size_t used = 0;
      try {
        v = std::stod(f[k], &used);
        if (used != f[k].size()) v = NAN;
      } catch (const std::exception&) {
        v = NAN;  // NA, NaN, empty, text
      }
      t.columns[names[k]].push_back(v);
      t.texts[names[k]].push_back(f[k]);
    }
    ++t.rows;
  }
  return t;
}

}  // namespace tryggve::test
