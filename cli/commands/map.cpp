// tryggve map: streets + incidents (+ parks, stops, lamps, areas, places) ->
// one GeoPackage with edges, lixels, incidents (snapped and tagged) and rejects.
#include <fmt/format.h>

#include "command.hpp"
#include "options_cli.hpp"
#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/json_text.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/pipeline/map_stage.hpp"

namespace tryggve::cli {
namespace {

Registrar reg{{"map", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description("Build the street network and map incidents onto streets, parks, stops and areas");
  auto opts = std::make_shared<pipeline::MapOptions>();
  auto set = std::make_shared<OptionSet>("map");
  opts->declare(*set);
  auto bound = std::make_shared<BoundOptions>();
  bound->bind(app, *set);
  auto out = std::make_shared<std::string>();
  auto summary = std::make_shared<std::string>();
  app.add_option("--out,-o", *out, "Output GeoPackage (written atomically)")->required();
  app.add_option("--summary-json", *summary, "Also write a JSON summary here");
  return [=] {
    bound->apply();
    const auto result = pipeline::run_map(*opts);
    pipeline::write_map(result, *out);
    if (!summary->empty()) write_text_atomically(*summary, json_text(result.summary_json(), 2) + "\n");
    if (log::verbosity() != log::Verbosity::Quiet) fmt::print(stderr, "{}wrote {}\n", result.summary(), *out);
    return 0;
  };
}}};

}  // namespace
}  // namespace tryggve::cli
