// tryggve plan patrol|lighting|routes: the three users' plans from the same
// inputs as `tryggve map` (streets, incidents, parks, lamps, areas), written into
// RUN_DIR/plan/ as CSV, JSON and a GeoPackage per plan (atomically).
#include <filesystem>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <ogr_spatialref.h>

#include "command.hpp"
#include "options_cli.hpp"
#include "plan_support.hpp"
#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/io/crs.hpp"
#include "tryggve/io/vector_writer.hpp"
#include "tryggve/pipeline/map_stage.hpp"
#include "tryggve/pipeline/outputs.hpp"
#include "tryggve/planning/context.hpp"
#include "tryggve/planning/lighting.hpp"
#include "tryggve/planning/patrol.hpp"
#include "tryggve/planning/routes.hpp"

namespace tryggve::cli {
namespace {

namespace fs = std::filesystem;
using namespace plans;

Registrar reg{{"plan", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description("Plan for the three users: police watch list (patrol), lighting ranking (lighting), walk routes (routes)");
  app.require_subcommand(1, 1);
  struct Shared {
    pipeline::MapOptions map;
    planning::ContextOptions ctx;
    std::string out, evidence;
  };
  struct Mode {
    CLI::App* app = nullptr;
    std::shared_ptr<Shared> shared = std::make_shared<Shared>();
    std::shared_ptr<OptionSet> map_set = std::make_shared<OptionSet>("map");
    std::shared_ptr<OptionSet> ctx_set = std::make_shared<OptionSet>("forecast");
    std::shared_ptr<OptionSet> own = nullptr;
    std::shared_ptr<BoundOptions> bound = std::make_shared<BoundOptions>();
  };
  auto make = [&app](const std::string& name, const std::string& what, std::shared_ptr<OptionSet> own) {
    auto m = std::make_shared<Mode>();
    m->app = app.add_subcommand(name, what);
    m->own = std::move(own);
    m->shared->map.declare(*m->map_set);
    m->shared->ctx.declare(*m->ctx_set);
    m->bound->bind(*m->app, *m->map_set);
    m->bound->bind(*m->app, *m->ctx_set);
    m->bound->bind(*m->app, *m->own);
    m->app->add_option("--out,-o", m->shared->out, "Run folder; the plan goes into its plan/ folder")->required();
    m->app->add_option("--evidence", m->shared->evidence, "Evidence table CSV (default: engine/data/evidence.csv)");
    return m;
  };
  auto patrol_opts = std::make_shared<planning::PatrolOptions>();
  auto lighting_opts = std::make_shared<planning::LightingOptions>();
  auto route_opts = std::make_shared<planning::RouteOptions>();
  auto ps = std::make_shared<OptionSet>("patrol", "Police watch list");
  patrol_opts->declare(*ps);
  auto ls = std::make_shared<OptionSet>("lighting", "Lighting ranking");
  lighting_opts->declare(*ls);
  auto rs = std::make_shared<OptionSet>("routes", "Walk routes");
  route_opts->declare(*rs);
  auto patrol = make("patrol", "Where to patrol next month within an officer-hour budget (watch list, backtest)", ps);
  auto lighting = make("lighting", "Which unlit streets and park paths to light first (prevented incidents per SEK)", ls);
  auto routes = make("routes", "Closed walk routes passing the most evening risk, for one or more walkers", rs);
  return [=] {
    for (const auto& m : {patrol, lighting, routes}) {
      if (!m->app->parsed()) continue;
      m->bound->apply();
      const fs::path dir = fs::path(m->shared->out);  // the run folder; file names carry plan/
      fs::create_directories(dir / outputs::kPlanDir);
      // Options that do not need the data are checked before the (slow) map stage and fit.
      if (m == patrol) planning::parse_windows(patrol_opts->windows, "patrol.windows");
      if (m == routes) {
        planning::parse_windows(route_opts->windows, "routes.windows");
        planning::parse_points(route_opts->starts, "routes.starts");
      }
      m->shared->ctx.timezone = m->shared->map.timezone;  // one time zone for reading and for the calendar
      const auto in = load(m->shared->map, m->shared->ctx, m->shared->evidence);
      if (m == patrol) {
        const auto plan = planning::plan_patrol(*in->ctx, in->evidence, *patrol_opts, in->map.areas);
        patrol_outputs(*in, plan, *patrol_opts, dir);
        fmt::print(stderr, "watch list for {}: {} places, {:.1f} of {:.1f} officer-hours a week; harm prevented {:.2f} "
                           "(90%: {:.2f}-{:.2f})\n",
                   plan.month, plan.items.size(), plan.officer_hours_used, patrol_opts->officer_hours_per_week,
                   plan.harm_prevented.mean, plan.harm_prevented.low, plan.harm_prevented.high);
        if (!plan.backtest.empty())
          fmt::print(stderr, "backtest over {} months: model hit rate {:.1f}% (PAI {:.1f}), last month's top {:.1f}% (PAI {:.1f})\n",
                     plan.backtest.size(), 100 * plan.backtest_pooled.model_hit_rate, plan.backtest_pooled.model_pai,
                     100 * plan.backtest_pooled.last_month_hit_rate, plan.backtest_pooled.last_month_pai);
      } else if (m == lighting) {
        const auto plan = planning::plan_lighting(*in->ctx, in->evidence, in->map.lamps, in->map.parks, *lighting_opts);
        lighting_outputs(*in, plan, *lighting_opts, dir);
        fmt::print(stderr, "lighting: {:.1f} km unlit, {:.1f} km lit; {} projects ranked for {} onwards\n",
                   plan.unlit_length_m / 1000, plan.lit_length_m / 1000, plan.projects.size(), plan.first_month);
      } else {
        const auto plan = planning::plan_walks(*in->ctx, *route_opts);
        route_outputs(*in, plan, *route_opts, dir);
        for (const auto& r : plan.routes)
          fmt::print(stderr, "walker {}: {:.0f} m, {} edges, {:.1f}% of the evening risk\n", r.walker, r.length_m,
                     r.edges.size(), 100 * r.risk_share);
      }
      fmt::print(stderr, "wrote {}\n", (dir / outputs::kPlanDir).string());
    }
    return 0;
  };
}}};

}  // namespace
}  // namespace tryggve::cli
