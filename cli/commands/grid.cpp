// tryggve grid: planar grid mode for incidents without a street network:
// counts per cell and month, planar quartic KDE, Gi* on the cells, and the
// forecast backtest with PAI over area. Writes grid.gpkg, grid.tif (square
// cells), backtest.csv, rejects.csv and grid_summary.json into --out.
#include <fmt/format.h>

#include "command.hpp"
#include "options_cli.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/pipeline/grid_stage.hpp"

namespace tryggve::cli {
namespace {

Registrar reg{{"grid", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description("Hotspots on square or hexagonal cells, for incidents without a street network");
  auto opts = std::make_shared<pipeline::GridStageOptions>();
  auto set = std::make_shared<OptionSet>("grid");
  opts->declare(*set);
  auto bound = std::make_shared<BoundOptions>();
  bound->bind(app, *set);
  auto out = std::make_shared<std::string>();
  app.add_option("--out,-o", *out, "Output folder (every file written atomically)")->required();
  return [=] {
    bound->apply();
    const auto r = pipeline::run_grid(*opts);
    pipeline::write_grid(r, *out);
    if (log::verbosity() != log::Verbosity::Quiet) {
      fmt::print(stderr, "incidents: {} read, {} in the study extent, {} rejected\n", r.rows_read, r.incidents.size(),
                 r.rejects.size());
      const std::string rs = r.rejects.summary();
      if (!rs.empty()) fmt::print(stderr, "  {}\n", rs);
      fmt::print(stderr, "grid: {} x {} {} cells of {} m\n", r.grid.nx(), r.grid.ny(),
                 r.grid.shape() == situation::CellShape::Square ? "square" : "hexagonal", r.grid.cell_m());
      for (const auto& s : situation::summarise_backtest(r.backtest))
        if (s.months > 0)
          fmt::print(stderr, "backtest {:<12} {:>4.0f}%: hit rate {:.3f}, PAI {:.2f}, PEI {:.2f}\n", s.method,
                     100 * s.coverage, s.mean_hit_rate, s.mean_pai, s.mean_pei);
      fmt::print(stderr, "wrote {}\n", *out);
    }
    return 0;
  };
}}};

}  // namespace
}  // namespace tryggve::cli
