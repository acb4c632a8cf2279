// tryggve emerging: streets + incidents -> emerging hot spot classes per segment
// (monthly space-time Gi* with time lags, Mann-Kendall trend, 17 classes).
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

Registrar reg{{"emerging", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description("Emerging hot spots: monthly space-time Gi*, Mann-Kendall trend and the 17 classes per segment");
  auto a = std::make_shared<MapAnalysis<hotspot::EmergingRunOptions>>(app, "emerging");
  auto out = std::make_shared<std::string>();
  auto summary = std::make_shared<std::string>();
  app.add_option("--out,-o", *out, "Output: FILE.csv (table) or FILE.gpkg (with segment geometry); written atomically")
      ->required();
  app.add_option("--summary-json", *summary, "Also write a JSON summary here");
  return [=] {
    const auto m = a->map_inputs();
    const auto in = pipeline::input_from_map(m);
    const auto run = hotspot::run_emerging(in, *a->options);
    pipeline::write_unit_table(hotspot::emerging_table(m.net, run), *out, m.crs);
    const nlohmann::json j = a->summary(run.summary_json(), m);
    if (!summary->empty()) write_text_atomically(*summary, json_text(j, 2) + "\n");
    if (log::verbosity() != log::Verbosity::Quiet) {
      const std::string classes = class_counts(j["classes"]);
      fmt::print(stderr, "{}emerging hot spots over {} months on {} units:{}\nwrote {}\n", m.summary(),
                 run.cube.n_steps, run.units.size(), classes, *out);
    }
    return 0;
  };
}}};

}  // namespace
}  // namespace tryggve::cli
