#pragma once
// Maps a source's own category labels ("Misshandel", "aggravated assault",
// "cartheft") onto the taxonomy's parameters through mapping tables
// (engine/data/mappings/*.csv: source_category,parameter,note). A label with an
// empty parameter is known but outside the parameters; a label in no table is
// unknown. Both kinds of rows are reported as rejects, never dropped silently.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tryggve/core/incident.hpp"
#include "tryggve/core/reject.hpp"
#include "tryggve/core/strings.hpp"
#include "tryggve/taxonomy/taxonomy.hpp"

namespace tryggve {

struct Classification {
  enum class Status : std::uint8_t {
    Mapped,   // the label maps to `parameter`
    Outside,  // the label is in a table with an empty parameter: known, outside the parameters
    Unknown,  // the label is in no table
  };
  Status status = Status::Unknown;
  ParameterId parameter = kNoParameter;
  std::string table;  // the table that decided ("polisen.csv"); empty when unknown
  bool mapped() const { return status == Status::Mapped; }
};

// One mapping table as read (rows in file order).
struct MappingRow {
  std::string source_category;  // as written
  std::string parameter;        // code, or empty for "outside the parameters"
  std::string note;
  int line = 0;
};

class Classifier {
 public:
  // `tables` in priority order (the first table that knows a label decides).
  // Each entry is
  //  - "auto": every shipped table, data_dir()/mappings/*.csv in name order;
  //  - a shipped table's name ("polisen", "houston", "chicago", "tryggve");
  //  - a path to a CSV file (anything with a '/' or ending in ".csv").
  // The taxonomy's own codes and Swedish and English names are always known (as
  // table "taxonomy"), so a user-extended taxonomy needs no mapping table for
  // its own labels. Throws Error(BadTaxonomy, "<file>:<line>") on a malformed
  // table, a parameter code not in the taxonomy, or one table mapping the same
  // label to two different parameters; Error(FileNotFound) / Error(BadOption)
  // for a missing file / unknown table name. `taxonomy` must outlive the classifier.
  Classifier(const Taxonomy& taxonomy, const std::vector<std::string>& tables = {"auto"});

  const Taxonomy& taxonomy() const { return *taxonomy_; }
  // Table names in priority order as loaded ("polisen.csv", ..., "taxonomy").
  const std::vector<std::string>& tables() const { return table_names_; }
  // Labels that two tables map differently ("'X': a.csv -> p, b.csv -> q");
  // the earlier table won. Empty for the shipped tables (a test checks it).
  const std::vector<std::string>& conflicts() const { return conflicts_; }

  Classification classify(std::string_view category) const;

  // Sets each incident's `parameter` from its `category`; sets `setting` from the
  // parameter when the incident's own is Unknown and the parameter's is not Mixed.
  // Rows whose label is outside the parameters or unknown go to `rejects`
  // (reason UnknownCategory, file `file`, the detail says which) and are not
  // returned. Order is kept. Always: returned + added rejects == input size.
  std::vector<Incident> classify_all(std::vector<Incident> incidents, RejectLog& rejects,
                                     const std::string& file) const;

  // Reads one mapping table (no taxonomy checks). Throws Error(BadTaxonomy) with
  // "<file>:<line>" on a bad header, a row with the wrong number of fields, an
  // unterminated quote, or an empty source_category. The file may be UTF-8
  // (with or without a byte-order mark), UTF-16 with a mark, or Windows-1252.
  static std::vector<MappingRow> read_table(const std::filesystem::path& path);
  // The same from text already in UTF-8; `file` names it in messages.
  static std::vector<MappingRow> parse_table(std::string_view text, const std::string& file);

 private:
  struct Entry {
    ParameterId parameter;
    std::size_t table;
  };
  const Taxonomy* taxonomy_;
  std::vector<std::string> table_names_;
  std::vector<std::string> conflicts_;
  std::unordered_map<std::string, Entry> index_;  // normalized label -> first table's answer
  void add_table(const std::string& name, const std::vector<MappingRow>& rows, const std::string& file);
};

}  // namespace tryggve
