// tryggve plan patrol|lighting|routes|transit-hosts: one of the users' plans (the plan
// stage, pipeline/plan_stage.hpp) from the same inputs as `tryggve map` (streets,
// incidents, parks, lamps, areas), written into RUN_DIR/plan/ as CSV, JSON and a
// GeoPackage (atomically).
#include <memory>

#include <fmt/format.h>

#include "command.hpp"
#include "options_cli.hpp"
#include "tryggve/pipeline/map_stage.hpp"
#include "tryggve/pipeline/plan_stage.hpp"
#include "tryggve/pipeline/run_folder.hpp"

namespace tryggve::cli {
namespace {

Registrar reg{{"plan", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description("Plan for the three users: police watch list (patrol), lighting ranking (lighting), walk routes (routes)");
  app.require_subcommand(1, 1);
  // Each plan is a subcommand with the map stage's flags, the shared forecast's
  // (and --evidence) and its own; the options structs live as long as the command.
  struct Mode {
    CLI::App* app = nullptr;
    std::shared_ptr<pipeline::MapOptions> map = std::make_shared<pipeline::MapOptions>();
    std::shared_ptr<pipeline::PlanStageOptions> plan = std::make_shared<pipeline::PlanStageOptions>();
    std::shared_ptr<BoundOptions> bound = std::make_shared<BoundOptions>();
    std::shared_ptr<std::string> out = std::make_shared<std::string>();
  };
  auto make = [&app](const std::string& name, const std::string& what) {
    auto m = std::make_shared<Mode>();
    m->app = app.add_subcommand(name, what);
    OptionSet map_set("map"), shared_set("forecast"), own(name);
    m->map->declare(map_set);
    m->plan->declare(shared_set);
    m->plan->patrol_enabled = name == "patrol";
    m->plan->lighting_enabled = name == "lighting";
    m->plan->routes_enabled = name == "routes";
    m->plan->transit_hosts_enabled = name == "transit-hosts";
    if (name == "patrol") m->plan->patrol.declare(own);
    if (name == "lighting") m->plan->lighting.declare(own);
    if (name == "routes") m->plan->routes.declare(own);
    if (name == "transit-hosts") m->plan->transit_hosts.declare(own);
    m->bound->bind(*m->app, map_set);
    m->bound->bind(*m->app, shared_set);
    m->bound->bind(*m->app, own);
    m->app->add_option("--out,-o", *m->out, "Run folder; the plan goes into its plan/ folder")->required();
    return m;
  };
  auto patrol = make("patrol", "Where to patrol next month within an officer-hour budget (watch list, backtest)");
  auto lighting = make("lighting", "Which unlit streets and park paths to light first (prevented incidents per SEK)");
  auto routes = make("routes", "Closed walk routes passing the most evening risk, for one or more walkers");
  auto hosts = make("transit-hosts", "Which line stretches, days and hours to staff with hosts on board (own harm per host-hour; needs --gtfs and --transit-reports)");
  return [=] {
    for (const auto& m : {patrol, lighting, routes, hosts}) {
      if (!m->app->parsed()) continue;
      m->bound->apply();
      // Options that do not need the data are checked before the (slow) map stage and fit.
      m->plan->check();
      const pipeline::RunFolder dir(*m->out);  // the run folder; file names carry plan/
      const auto map = pipeline::run_map(*m->map);
      const auto r = pipeline::run_plan(map, *m->plan);
      pipeline::write_plan(dir, map, r, *m->plan);
      if (const auto& plan = r.plans.patrol) {
        fmt::print(stderr, "watch list for {}: {} places, {:.1f} of {:.1f} officer-hours a week; harm prevented {:.2f} "
                           "(90%: {:.2f}-{:.2f})\n",
                   plan->month, plan->items.size(), plan->officer_hours_used, m->plan->patrol.officer_hours_per_week,
                   plan->harm_prevented.mean, plan->harm_prevented.low, plan->harm_prevented.high);
        if (!plan->backtest.empty())
          fmt::print(stderr, "backtest over {} months: model hit rate {:.1f}% (PAI {:.1f}), last month's top {:.1f}% (PAI {:.1f})\n",
                     plan->backtest.size(), 100 * plan->backtest_pooled.model_hit_rate, plan->backtest_pooled.model_pai,
                     100 * plan->backtest_pooled.last_month_hit_rate, plan->backtest_pooled.last_month_pai);
      }
      if (const auto& plan = r.plans.lighting)
        fmt::print(stderr, "lighting: {:.1f} km unlit, {:.1f} km lit; {} projects ranked for {} onwards\n",
                   plan->unlit_length_m / 1000, plan->lit_length_m / 1000, plan->projects.size(), plan->first_month);
      if (const auto& plan = r.plans.routes)
        for (const auto& route : plan->routes)
          fmt::print(stderr, "walker {}: {:.0f} m, {} edges, {:.1f}% of the evening risk\n", route.walker, route.length_m,
                     route.edges.size(), 100 * route.risk_share);
      if (m == hosts && !r.plans.transit_hosts)
        fmt::print(stderr, "transit hosts: no on-board reports on a line of the feed to plan from (give --gtfs and --transit-reports)\n");
      if (const auto& plan = r.plans.transit_hosts) {
        fmt::print(stderr, "transit hosts: {} stretches, {:.1f} of {:.1f} host-hours a week; harm prevented a week {:.3f} "
                           "(90%: {:.3f} to {:.3f})\n",
                   plan->items.size(), plan->host_hours_used, m->plan->transit_hosts.host_hours_per_week,
                   plan->harm_prevented_per_week.mean, plan->harm_prevented_per_week.low,
                   plan->harm_prevented_per_week.high);
        for (const auto& it : plan->items)
          if (it.rank <= 3)
            fmt::print(stderr, "  {}. {} {} {} - {}, {}: {:.2f} harm a week, {:.1f} host-hours\n", it.rank,
                       it.stretch.mode, it.stretch.line, it.stretch.from_stop, it.stretch.to_stop, it.stretch.slice_en,
                       it.stretch.harm_per_week, it.host_hours_per_week);
      }
      fmt::print(stderr, "wrote {}\n", dir.file(outputs::kPlanDir).string());
    }
    return 0;
  };
}}};

}  // namespace
}  // namespace tryggve::cli
