// tryggve deploy | month | cycle: thin shells over the workspace's month
// (engine/include/tryggve/workspace/deploy.hpp, month.hpp).
#include <fmt/format.h>

#include "command.hpp"
#include "options_cli.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/workspace/deploy.hpp"
#include "tryggve/workspace/intake.hpp"
#include "tryggve/workspace/month.hpp"

namespace tryggve::cli {
namespace {

Registrar deploy_reg{{"deploy", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description("Record deployments (the scenario files' intervention grammar plus actual start and end) and targets "
                  "from a YAML file: one transaction, idempotent by content, a corrected file replaces its rows");
  auto target = std::make_shared<std::string>();
  auto file = std::make_shared<std::string>();
  auto evidence = std::make_shared<std::string>();
  app.add_option("W", *target, "Workspace: .gpkg path or PostgreSQL connection string")->required();
  app.add_option("DEPLOYMENTS", *file, "Deployment file (YAML: deployments, targets)")->required();
  app.add_option("--evidence", *evidence, "Evidence table CSV the evidence keys are checked against (default: the shipped one)");
  return [=] {
    auto ws = workspace::Workspace::open(*target);
    const auto r = workspace::deploy(ws, *file, *evidence);
    if (log::verbosity() != log::Verbosity::Quiet) fmt::print(stderr, "{}", r.summary());
    return 0;
  };
}}};

Registrar month_reg{{"month", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description("The month: situation picture, what changed, next month's proposal, the follow-up of every deployment "
                  "and progress towards the targets, stored in the workspace and written to a month folder with its report");
  auto target = std::make_shared<std::string>();
  auto opts = std::make_shared<workspace::MonthOptions>();
  app.add_option("W", *target, "Workspace: .gpkg path or PostgreSQL connection string")->required();
  app.add_option("MONTH", opts->month, "The month, YYYY-MM")->required();
  auto set = std::make_shared<OptionSet>("month");
  opts->declare(*set);
  auto bound = std::make_shared<BoundOptions>();
  bound->bind(app, *set);
  return [=] {
    bound->apply();
    auto ws = workspace::Workspace::open(*target);
    const auto r = workspace::run_month(ws, *opts);
    if (log::verbosity() != log::Verbosity::Quiet) fmt::print(stderr, "{}", r.summary());
    return 0;
  };
}}};

Registrar cycle_reg{{"cycle", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description("Intake + month in one command: take the month's report files in, then run the month");
  auto target = std::make_shared<std::string>();
  auto files = std::make_shared<std::vector<std::string>>();
  auto mopts = std::make_shared<workspace::MonthOptions>();
  auto iopts = std::make_shared<workspace::IntakeOptions>();
  app.add_option("W", *target, "Workspace: .gpkg path or PostgreSQL connection string")->required();
  app.add_option("MONTH", mopts->month, "The month, YYYY-MM")->required();
  app.add_option("--reports", *files, "Report files to take in first")->required();
  auto iset = std::make_shared<OptionSet>("intake");
  iopts->declare(*iset);
  auto ibound = std::make_shared<BoundOptions>();
  ibound->bind(app, *iset);
  auto mset = std::make_shared<OptionSet>("month");
  mopts->declare(*mset);
  auto mbound = std::make_shared<BoundOptions>();
  mbound->bind(app, *mset);
  return [=] {
    ibound->apply();
    mbound->apply();
    auto ws = workspace::Workspace::open(*target);
    const auto in = workspace::intake(ws, *files, *iopts);
    if (log::verbosity() != log::Verbosity::Quiet) fmt::print(stderr, "{}", in.summary());
    const auto r = workspace::run_month(ws, *mopts);
    if (log::verbosity() != log::Verbosity::Quiet) fmt::print(stderr, "{}", r.summary());
    return 0;
  };
}}};

}  // namespace
}  // namespace tryggve::cli
