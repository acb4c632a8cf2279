// tryggve gistar: streets + incidents -> Getis-Ord Gi* (or Gi, local Moran's I) per
// segment or lixel, with network-distance or contiguity weights, permutation p,
// FDR and hot/cold classes, as CSV or GeoPackage.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "map_analysis.hpp"
#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/json_text.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/pipeline/hotspots_stage.hpp"

namespace tryggve::cli {
namespace {

Registrar reg{{"gistar", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description("Getis-Ord Gi* hot and cold spots on street segments or lixels (also Gi and local Moran's I)");
  auto a = std::make_shared<MapAnalysis<hotspot::GiStarOptions>>(app, "gistar");
  auto out = std::make_shared<std::string>();
  auto summary = std::make_shared<std::string>();
  app.add_option("--out,-o", *out, "Output: FILE.csv (table) or FILE.gpkg (with unit geometry); written atomically")
      ->required();
  app.add_option("--summary-json", *summary, "Also write a JSON summary here");
  return [=] {
    const auto m = a->map_inputs();
    const auto in = pipeline::input_from_map(m);
    const auto run = hotspot::run_gistar(in, *a->options);
    pipeline::write_unit_table(hotspot::gistar_table(m.net, run), *out, m.crs);
    const nlohmann::json j = a->summary(run.summary_json(), m);
    if (!summary->empty()) write_text_atomically(*summary, json_text(j, 2) + "\n");
    if (log::verbosity() != log::Verbosity::Quiet) {
      const std::string classes = class_counts(j["classes"]);
      fmt::print(stderr, "{}{} on {} units ({}s), {} incidents:{}\nwrote {}\n", m.summary(), j["statistic"].get<std::string>(),
                 run.units.size(), to_string(run.units.kind()), run.selected.index.size(), classes, *out);
    }
    return 0;
  };
}}};

}  // namespace
}  // namespace tryggve::cli
