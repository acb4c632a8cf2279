// tryggve hotspots: the map stage, then the hotspot stage (network KDE, Gi*,
// emerging hot spots, the monthly situation picture and the forecast backtest)
// into one run folder: map.gpkg, map_summary.json, rejects.csv, hotspots.gpkg,
// situation.json, situation.csv, backtest.csv.
#include <fmt/format.h>

#include "command.hpp"
#include "options_cli.hpp"
#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/json_text.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/pipeline/hotspots_stage.hpp"
#include "tryggve/pipeline/map_stage.hpp"
#include "tryggve/pipeline/run_folder.hpp"

namespace tryggve::cli {
namespace {

Registrar reg{{"hotspots", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description(
      "Map incidents, then find the hotspot picture: network KDE, Gi*, emerging hot spots, the monthly situation "
      "picture (lägesbild) and forecast accuracy");
  auto map_opts = std::make_shared<pipeline::MapOptions>();
  auto stage = std::make_shared<pipeline::HotspotStageOptions>();
  auto map_set = std::make_shared<OptionSet>("map");
  auto stage_set = std::make_shared<OptionSet>("hotspots");
  map_opts->declare(*map_set);
  stage->declare(*stage_set);
  auto bound = std::make_shared<BoundOptions>();
  bound->bind(app, *map_set);
  bound->bind(app, *stage_set);
  auto out = std::make_shared<std::string>();
  app.add_option("--out,-o", *out, "Output folder (every file written atomically)")->required();
  return [=] {
    bound->apply();
    // The stage's options are checked before the map stage's minutes of work.
    stage->check();
    const pipeline::RunFolder dir(*out);
    const auto result = pipeline::run_map(*map_opts);
    pipeline::write_map_outputs(result, dir);
    const auto summary = pipeline::run_hotspot_stage(result, *stage, dir);
    write_text_atomically(dir.file(outputs::kHotspotsSummaryJson), json_text(summary, 2) + "\n");
    if (log::verbosity() != log::Verbosity::Quiet) {
      fmt::print(stderr, "{}", result.summary());
      fmt::print(stderr, "months {} .. {}; Gi* hot segments {}, cold {}\n", summary["months"]["first"].get<std::string>(),
                 summary["months"]["last"].get<std::string>(), summary["gistar"]["hot"].get<std::size_t>(),
                 summary["gistar"]["cold"].get<std::size_t>());
      if (summary.contains("backtest"))
        for (const auto& m : summary["backtest"]["methods"])
          if (!m["mean_pai"].is_null())
            fmt::print(stderr, "backtest {:<12} {:>4.0f}%: hit rate {:.3f}, PAI {:.2f}, PEI {:.2f}\n",
                       m["method"].get<std::string>(), 100 * m["coverage"].get<double>(), m["mean_hit_rate"].get<double>(),
                       m["mean_pai"].get<double>(), m["mean_pei"].get<double>());
      fmt::print(stderr, "wrote {}\n", dir.dir().string());
    }
    return 0;
  };
}}};

}  // namespace
}  // namespace tryggve::cli
