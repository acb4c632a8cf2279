#pragma once
// Reads the golden CSV files of tests/golden/hotspot (a '#' comment line with the
// versions that produced them, then a quoted header, then numbers).
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace tryggve::test {

inline std::filesystem::path hotspot_golden_dir() {
  return std::filesystem::path(__FILE__).parent_path().parent_path() / "golden" / "hotspot";
}

struct GoldenTable {
  std::string provenance;  // the '#' line
  std::map<std::string, std::vector<double>> columns;
  std::size_t rows = 0;
  const std::vector<double>& operator[](const std::string& c) const { return columns.at(c); }
};

inline GoldenTable read_golden(const std::string& name) {
  GoldenTable t;
  std::ifstream in(hotspot_golden_dir() / name);
  if (!in) throw std::runtime_error("cannot open golden file " + name);
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
    for (std::size_t k = 0; k < names.size(); ++k)
      t.columns[names[k]].push_back(f[k] == "NA" || f[k] == "NaN" ? NAN : std::stod(f[k]));
    ++t.rows;
  }
  return t;
}

}  // namespace tryggve::test
