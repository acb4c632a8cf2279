// tryggve density: network kernel density of the incidents on any street network,
// per lixel or at the incidents, CSV or GeoPackage out (pipeline/density_stage.hpp).
#include <fmt/format.h>

#include "command.hpp"
#include "options_cli.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/pipeline/density_stage.hpp"

namespace tryggve::cli {
namespace {

Registrar reg{{"density", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description("Network kernel density (heat / equal split / simple) per lixel or at the incidents");
  auto map = std::make_shared<pipeline::MapOptions>();
  auto dens = std::make_shared<pipeline::DensityStageOptions>();
  auto map_set = std::make_shared<OptionSet>("map");
  auto dens_set = std::make_shared<OptionSet>("density");
  map->declare(*map_set);
  dens->declare(*dens_set);
  auto bound = std::make_shared<BoundOptions>();
  bound->bind(app, *map_set);
  bound->bind(app, *dens_set);
  auto out = std::make_shared<std::string>();
  app.add_option("--out,-o", *out,
                 "Output: .csv (no geometry), .gpkg, .geojson or .fgb; a .json sidecar with the bandwidth "
                 "used goes next to it (written atomically)")
      ->required();
  auto rejects = std::make_shared<std::string>();
  app.add_option("--rejects-csv", *rejects, "Also write the incidents that could not be placed, with reasons");
  return [=] {
    bound->apply();
    pipeline::MapResult m;
    const auto r = pipeline::run_density_command(*map, *dens, *out, &m);
    if (!rejects->empty()) pipeline::write_rejects_csv(m.rejects, *rejects);
    if (log::verbosity() != log::Verbosity::Quiet)
      fmt::print(stderr, "{}{}wrote {} and {}\n", m.summary(), r.summary(), *out,
                 pipeline::density_sidecar_path(*out).string());
    return 0;
  };
}}};

}  // namespace
}  // namespace tryggve::cli
