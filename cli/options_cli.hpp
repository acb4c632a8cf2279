#pragma once
// Turns a stage's OptionSet into command-line flags: key max_snap_distance_m
// becomes --max-snap-distance-m, with the description, default and range in --help.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "tryggve/core/options.hpp"

namespace tryggve::cli {

inline std::string flag_name(const std::string& key) {
  std::string f = key;
  std::replace(f.begin(), f.end(), '_', '-');
  return "--" + f;
}

// Keeps the raw texts CLI11 collects until apply() hands them to the OptionSet
// (which validates with the same rules as scenario files). It keeps its own copy
// of each bound OptionSet: a command's setup function returns before parsing, so
// an OptionSet it made would be gone by the time apply() runs. The copies' setters
// write to the same targets (the options structs the run function holds).
class BoundOptions {
 public:
  void bind(CLI::App& app, const OptionSet& original) {
    owned_.push_back(std::make_unique<OptionSet>(original));
    OptionSet& set = *owned_.back();
    sets_.push_back(&set);
    for (auto& o : set.options()) {
      auto slot = std::make_shared<std::string>();
      auto flagged = std::make_shared<bool>(false);
      std::string help = o.description;
      if (o.kind == OptionSet::Kind::Choice) {
        std::string c;
        for (const auto& x : o.choices) c += (c.empty() ? "" : "|") + x;
        help += " (" + c + ")";
      }
      if (o.kind == OptionSet::Kind::Real || o.kind == OptionSet::Kind::Integer) {
        if (o.min > -1e299 && o.max < 1e299) help += fmt::format(" [{} .. {}]", o.min, o.max);
        else if (o.min > -1e299) help += fmt::format(" [>= {}]", o.min);
      }
      if (!o.default_text.empty()) help += " (default: " + o.default_text + ")";
      if (o.required) help += " REQUIRED";
      if (o.kind == OptionSet::Kind::Flag) {
        app.add_flag(flag_name(o.key), *flagged, help);
        slots_.push_back({&set, o.key, nullptr, flagged});
      } else {
        app.add_option(flag_name(o.key), *slot, help);
        slots_.push_back({&set, o.key, slot, nullptr});
      }
    }
  }
  // The bound sets as applied (is_set marks what the user gave).
  const std::vector<OptionSet*>& sets() const { return sets_; }
  // Call from the subcommand's run function, after parsing.
  void apply() {
    for (auto& s : slots_) {
      if (s.flag && *s.flag) s.set->set(s.key, "true", flag_name(s.key));
      if (s.text && !s.text->empty()) s.set->set(s.key, *s.text, flag_name(s.key));
    }
    for (auto* set : sets_) set->check_required("command line");
  }

 private:
  struct Slot {
    OptionSet* set;
    std::string key;
    std::shared_ptr<std::string> text;
    std::shared_ptr<bool> flag;
  };
  std::vector<std::unique_ptr<OptionSet>> owned_;
  std::vector<OptionSet*> sets_;
  std::vector<Slot> slots_;
};

}  // namespace tryggve::cli
