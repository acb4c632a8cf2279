// tryggve workspace init|info|set-gtfs and tryggve intake: thin shells over the
// workspace library (engine/include/tryggve/workspace/).
#include <fmt/format.h>

#include "command.hpp"
#include "options_cli.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/workspace/intake.hpp"
#include "tryggve/workspace/workspace.hpp"

namespace tryggve::cli {
namespace {

Registrar ws_reg{{"workspace", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description("Create or describe a workspace: a GeoPackage file or a PostgreSQL database (PG:... / postgresql://...)");
  app.require_subcommand(1);
  auto target = std::make_shared<std::string>();

  auto* init = app.add_subcommand("init", "Create a workspace from the district's streets, areas, parks, stops, lamps, "
                                          "places (the inputs of 'tryggve map'; an OSM file gives addresses too)");
  init->add_option("W", *target, "Workspace: new .gpkg path or PostgreSQL connection string")->required();
  auto opts = std::make_shared<pipeline::MapOptions>();
  auto set = std::make_shared<OptionSet>("workspace init");
  opts->declare(*set);
  auto bound = std::make_shared<BoundOptions>();
  bound->bind(*init, *set);

  auto* info = app.add_subcommand("info", "The workspace's tables and their row counts");
  info->add_option("W", *target, "Workspace: .gpkg path or PostgreSQL connection string")->required();

  auto* gtfs = app.add_subcommand("set-gtfs", "Store a GTFS feed (.zip or folder) in a workspace, replacing any earlier "
                                              "one: its lines and stops become the layers transit_lines and "
                                              "transit_stops, and intake places on-board and at-stop reports on it");
  gtfs->add_option("W", *target, "Workspace: .gpkg path or PostgreSQL connection string")->required();
  auto feed = std::make_shared<std::string>();
  gtfs->add_option("FEED", *feed, "GTFS feed: a .zip or a folder of .txt files")->required();

  return [=] {
    if (gtfs->parsed()) {
      auto ws = workspace::Workspace::open(*target);
      ws.set_gtfs(*feed);
      if (log::verbosity() != log::Verbosity::Quiet) fmt::print(stderr, "{}", ws.info().text());
      return 0;
    }
    if (init->parsed()) {
      bound->apply();
      auto ws = workspace::Workspace::init(*target, *opts);
      if (log::verbosity() != log::Verbosity::Quiet) fmt::print(stderr, "{}", ws.info().text());
      return 0;
    }
    auto ws = workspace::Workspace::open(*target);
    fmt::print("{}", ws.info().text());
    return 0;
  };
}}};

Registrar intake_reg{{"intake", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description("Take report files from an actor into a workspace (CSV, .xlsx, .ods, GeoPackage, GeoJSON): "
                  "one transaction, idempotent by content, corrected files replace their earlier version");
  auto target = std::make_shared<std::string>();
  auto files = std::make_shared<std::vector<std::string>>();
  app.add_option("W", *target, "Workspace: .gpkg path or PostgreSQL connection string")->required();
  app.add_option("FILE", *files, "Report files")->required();
  auto opts = std::make_shared<workspace::IntakeOptions>();
  auto set = std::make_shared<OptionSet>("intake");
  opts->declare(*set);
  auto bound = std::make_shared<BoundOptions>();
  bound->bind(app, *set);
  return [=] {
    bound->apply();
    auto ws = workspace::Workspace::open(*target);
    const auto r = workspace::intake(ws, *files, *opts);
    if (log::verbosity() != log::Verbosity::Quiet) fmt::print(stderr, "{}", r.summary());
    return 0;
  };
}}};

}  // namespace
}  // namespace tryggve::cli
