#pragma once
// Tryggve's incident parameters as data (engine/data/taxonomy.yaml): code,
// Swedish and English names, severity weight, setting, darkness and school
// flags, EST class. Users can replace or extend the file; it is validated on
// load and every mistake names the file, line and key.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tryggve/core/incident.hpp"

namespace tryggve {

// Where incidents of a parameter usually happen. `Mixed` leaves an incident's
// own setting unknown when the source did not say.
enum class ParameterSetting : std::uint8_t { Outdoor, Indoor, Mixed };
const char* to_string(ParameterSetting s);

struct EstCategory {
  std::string code, name_sv, name_en;
};

struct Parameter {
  ParameterId id = kNoParameter;  // index in Taxonomy::parameters()
  std::string code;               // snake_case, unique
  std::string name_sv, name_en;
  std::string description_sv, description_en;
  double weight = 1.0;            // severity weight, > 0
  ParameterSetting setting = ParameterSetting::Mixed;
  bool darkness_sensitive = false;
  bool school_related = false;
  bool is_public = false;         // `public:` in the file: named in public by the district
  std::string est_category;       // one of Taxonomy::est_categories() codes
  std::string why;
  int line = 0;                   // 1-based line in the file where the entry starts
};

class Taxonomy {
 public:
  // Reads and validates a taxonomy file. Throws Error(BadTaxonomy, "<file>:<line>",
  // "<key path> ...") on the first mistake: YAML syntax, missing or unknown keys,
  // duplicate codes, bad code syntax, missing names, weight not a number > 0,
  // setting not outdoor|indoor|mixed, est_category not declared, no parameters.
  // Throws Error(FileNotFound) if the file does not exist.
  // The file may be UTF-8 (with or without a byte-order mark), UTF-16 with a
  // mark, or Windows-1252 (core/text.hpp).
  static Taxonomy load(const std::filesystem::path& path);
  // The same from text already in UTF-8; `source` names it in messages.
  static Taxonomy parse(std::string_view text, const std::filesystem::path& source);
  // engine/data/taxonomy.yaml (via tryggve::data_dir()).
  static Taxonomy load_default();

  int version() const { return version_; }
  const std::filesystem::path& source() const { return source_; }
  const std::vector<Parameter>& parameters() const { return parameters_; }
  const std::vector<EstCategory>& est_categories() const { return est_categories_; }
  std::size_t size() const { return parameters_.size(); }
  const Parameter& operator[](ParameterId id) const { return parameters_.at(id); }
  // By code (exact, case-sensitive: codes are identifiers). nullopt if absent.
  std::optional<ParameterId> find(std::string_view code) const;

 private:
  static Taxonomy parse_document(std::string_view text, const std::filesystem::path& source);
  int version_ = 0;
  std::filesystem::path source_;
  std::vector<Parameter> parameters_;
  std::vector<EstCategory> est_categories_;
};

}  // namespace tryggve
