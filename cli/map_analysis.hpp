#pragma once
// What every analysis command that reads through the map stage shares (gistar,
// emerging, knox): the map stage's input flags and the analysis's own declared
// options, bound once; map_inputs() applies the flags and runs the map stage.
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "options_cli.hpp"
#include "tryggve/pipeline/map_stage.hpp"

namespace tryggve::cli {

template <class Options>
struct MapAnalysis {
  std::shared_ptr<pipeline::MapOptions> map = std::make_shared<pipeline::MapOptions>();
  std::shared_ptr<Options> options = std::make_shared<Options>();
  std::shared_ptr<OptionSet> set;  // the analysis's options, for the resolved values in summaries
  std::shared_ptr<BoundOptions> bound = std::make_shared<BoundOptions>();

  MapAnalysis(CLI::App& app, const std::string& stage) : set(std::make_shared<OptionSet>(stage)) {
    OptionSet map_set("map");  // BoundOptions keeps its own copy
    map->declare(map_set);
    options->declare(*set);
    bound->bind(app, map_set);
    bound->bind(app, *set);
  }

  pipeline::MapResult map_inputs() const {
    bound->apply();
    return pipeline::run_map(*map);
  }

  // The run's summary with the map stage's and the resolved options beside it.
  nlohmann::json summary(nlohmann::json run, const pipeline::MapResult& m) const {
    run["map"] = m.summary_json();
    run["options"] = set->resolved();
    return run;
  }
};

// " hot_99=3 none=120 ...": a summary's class counts for the terminal.
inline std::string class_counts(const nlohmann::json& classes) {
  std::string s;
  for (const auto& [k, v] : classes.items()) s += fmt::format(" {}={}", k, v.get<std::size_t>());
  return s;
}

}  // namespace tryggve::cli
