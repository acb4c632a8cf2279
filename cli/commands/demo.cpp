// tryggve demo: the README's main job. Generates the synthetic demo district if
// needed (maps/demo), then runs the pipeline on it: map (with the raw incident
// export, so the import's error handling shows on every run) and whatever later
// stages exist, leaving a run folder that `tryggve serve` and `tryggve report` read.
#include <filesystem>

#include <fmt/format.h>

#include "command.hpp"
#include "demo_options.hpp"
#include "options_cli.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/pipeline/map_stage.hpp"
#include "tryggve/pipeline/outputs.hpp"

namespace tryggve::cli {
namespace {

namespace fs = std::filesystem;

// The map stage's inputs for a demo folder, as a user would give them.
pipeline::MapOptions demo_map_options(const fs::path& d) {
  pipeline::MapOptions m;
  m.streets = (d / "streets.osm").string();
  m.incidents = (d / "incidents_raw.csv").string();
  m.parks = (d / "parks.gpkg").string();
  m.stops = (d / "stops.gpkg").string();
  m.lamps = (d / "lamps.gpkg").string();
  m.areas = (d / "areas.gpkg").string();
  m.places = (d / "places.gpkg").string();
  m.crs = "EPSG:3006";
  return m;
}

Registrar reg{{"demo", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description("Run the whole pipeline on the embedded (synthetic) demo district");
  auto opts = std::make_shared<DemoCliOptions>();
  auto set = std::make_shared<OptionSet>("demo");
  opts->declare(*set);
  auto bound = std::make_shared<BoundOptions>();
  bound->bind(app, *set);
  auto district = std::make_shared<std::string>("maps/demo");
  auto out = std::make_shared<std::string>("out/demo");
  app.add_option("--district", *district, "Demo district folder (generated there if missing or stale; default: maps/demo)");
  app.add_option("--out,-o", *out, "Run folder to write (default: out/demo)");
  return [=] {
    bound->apply();
    const demo::DemoOptions o = opts->resolve();
    std::string why;
    if (!demo::matches(o, *district, &why)) {
      log::info("generating the demo district in {} ({})", *district, why);
      const auto s = demo::generate(o, *district);
      if (log::verbosity() != log::Verbosity::Quiet) fmt::print(stderr, "{}", describe(s));
    }
    const fs::path run = *out;
    const auto map = pipeline::run_map(demo_map_options(*district));
    pipeline::write_map_outputs(map, run);
    if (log::verbosity() != log::Verbosity::Quiet)
      fmt::print(stderr, "{}map written to {}\n", map.summary(), (run / outputs::kMapGpkg).string());
    fmt::print(stderr, "\nDone. Results in {}/ (open {} in QGIS; `tryggve serve --data {}` for the viewer)\n",
               run.string(), (run / outputs::kMapGpkg).string(), run.string());
    return 0;
  };
}}};

}  // namespace
}  // namespace tryggve::cli
