// tryggve sweep FILE --vary key=v1,v2 [--vary ...] --out DIR: the scenario file
// over the product of the variations (sweep/sweep.hpp); under `mpirun -np N` the
// work is split over the ranks and rank 0 writes the same bytes one process would.
#include <optional>

#include <fmt/format.h>

#include "command.hpp"
#include "tryggve/cluster/cluster.hpp"
#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/sweep/sweep.hpp"

namespace tryggve::cli {
namespace {

Registrar reg{{"sweep", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description(
      "Run a scenario file over the product of option variations and rank them by harm prevented per SEK "
      "(one machine: all cores; many: mpirun -np N tryggve sweep ...)");
  auto o = std::make_shared<sweep::SweepOptions>();
  auto file = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto vary = std::make_shared<std::vector<std::string>>();
  app.add_option("scenario", *file, "Scenario file (YAML, version 1; see scenarios/)")->required();
  app.add_option("--vary", *vary,
                 "A dotted key of the scenario file and its values: --vary stages.simulate.headroom=1.5,2 "
                 "--vary scenarios[0].interventions[0].lamps=10,20 (repeat for a product)")
      ->required()
      ->allow_extra_args(false);
  app.add_option("--set", o->sets, "Override a value for every point: --set simulate.replicates=200")->allow_extra_args(false);
  app.add_option("--out,-o", *out, "Folder for sweep.csv, sweep.svg, sweep.json and points/")->required();
  app.add_option("--block", o->block_replicates, "Replicates per task (the unit of work split over ranks)")
      ->check(CLI::Range(1, 100000));
  return [=] {
    // MPI first: every rank must get here, and a failing rank must end the others.
    cluster::Cluster cl;
    try {
      o->file = *file;
      o->out = *out;
      for (const auto& v : *vary) o->vary.push_back(sweep::parse_variation(v));
      const auto points = sweep::expand(*o);
      pipeline::RunControl control;
      if (log::verbosity() != log::Verbosity::Quiet)
        control.progress = [](const std::string& step, double f) { log::info("{:3.0f}% {}", 100 * f, step); };
      if (cl.rank() == 0)
        log::info("sweep: {} points on {} rank(s){}", points.size(), cl.size(),
                  cluster::Cluster::built_with_mpi() ? "" : " (built without MPI)");
      // Rank 0 alone writes, into a folder that is complete or absent
      // (core/atomic_file.hpp); one it may not replace is refused before the work.
      std::optional<AtomicFolder> staging;
      if (cl.rank() == 0) {
        refuse_overwriting_inputs(*out, {*file});
        staging.emplace(*out);
      }
      const auto res = sweep::run(points, *o, cl, control);
      if (cl.rank() == 0) {
        auto staged = *o;
        staged.out = staging->temp_path();
        sweep::write(res, points, staged);
        staging->commit();
        if (log::verbosity() != log::Verbosity::Quiet) {
          for (std::size_t i = 0; i < res.rows.size() && i < 5; ++i) {
            const auto& r = res.rows[i];
            std::string what;
            for (std::size_t k = 0; k < res.keys.size(); ++k) what += (k ? ", " : "") + res.keys[k] + "=" + r.values[k];
            if (r.has_cost)
              fmt::print(stderr, "  {}. {}: {}: {:.2f} harm prevented per 100,000 SEK [{:.2f}, {:.2f}]\n", i + 1, what,
                         r.scenario, r.harm_per_100k_sek.mean, r.harm_per_100k_sek.low, r.harm_per_100k_sek.high);
            else
              fmt::print(stderr, "  {}. {}: {}: no cost, harm prevented {:.2f} [{:.2f}, {:.2f}]\n", i + 1, what, r.scenario,
                         r.prevented_harm.mean, r.prevented_harm.low, r.prevented_harm.high);
          }
          fmt::print(stderr, "wrote {}/sweep.csv, sweep.svg\n", *out);
        }
      }
    } catch (const Error& e) {
      if (cl.size() > 1) {
        log::error("rank {}: {}", cl.rank(), e.what());
        cl.abort(e.exit_code());
      }
      throw;
    }
    return 0;
  };
}}};

}  // namespace
}  // namespace tryggve::cli
