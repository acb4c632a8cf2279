#pragma once
// Stages describe themselves (PDAL's args.add): a stage's options struct
// declares every option once, with its key (units in the name: bandwidth_m,
// window_days), description, default and valid range. The same declaration
// gives the command-line flags and --help (cli/options_cli.hpp), validates
// scenario files with file:line:key messages, and writes the fully resolved
// values next to every run's outputs.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace tryggve {

class OptionSet {
 public:
  enum class Kind { Real, Integer, Text, Flag, Choice, List };
  struct Option {
    std::string key;          // snake_case, with the unit: max_snap_distance_m
    std::string description;  // one line
    Kind kind = Kind::Text;
    std::string default_text; // as printed in --help and written in resolved files
    double min = -1e300, max = 1e300;       // Real / Integer
    std::vector<std::string> choices;        // Choice
    bool required = false;
    bool is_set = false;                     // given by the user (CLI, scenario or --set)
    std::function<void(const std::string&, const std::string& where)> set;  // parse + validate + store
    std::function<std::string()> get;        // current value as text
  };

  explicit OptionSet(std::string stage, std::string description = {})
      : stage_(std::move(stage)), description_(std::move(description)) {}

  OptionSet& real(const std::string& key, double& target, const std::string& description,
                  double min = -1e300, double max = 1e300);
  OptionSet& integer(const std::string& key, std::int64_t& target, const std::string& description,
                     std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX);
  OptionSet& integer(const std::string& key, int& target, const std::string& description,
                     int min = INT32_MIN, int max = INT32_MAX);
  OptionSet& text(const std::string& key, std::string& target, const std::string& description,
                  bool required = false);
  OptionSet& flag(const std::string& key, bool& target, const std::string& description);
  OptionSet& choice(const std::string& key, std::string& target, const std::string& description,
                    std::vector<std::string> choices);
  // Comma-separated on the command line, a sequence in scenario files.
  OptionSet& list(const std::string& key, std::vector<std::string>& target, const std::string& description);

  const std::string& stage() const { return stage_; }
  const std::string& description() const { return description_; }
  std::vector<Option>& options() { return options_; }
  const std::vector<Option>& options() const { return options_; }
  Option* find(const std::string& key);

  // Sets an option from text. Throws Error(BadOption, where, "<stage>.<key> must be ...")
  // for an unknown key (with the closest known key suggested), a value that does
  // not parse, or one out of range.
  void set(const std::string& key, const std::string& value, const std::string& where);
  // Throws Error(BadOption) naming the first required option that was not set.
  void check_required(const std::string& where) const;
  // key -> current value as text, for the resolved scenario.
  std::map<std::string, std::string> resolved() const;
  // Plain-text table for docs: key, default, description.
  std::string describe() const;

 private:
  Option& add(Option o);
  std::string stage_, description_;
  std::vector<Option> options_;
};

// The closest key by edit distance (for "did you mean" messages); "" if none is close.
std::string closest_key(const std::string& key, const std::vector<std::string>& keys);

}  // namespace tryggve
