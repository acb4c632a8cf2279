// tryggve knox: incidents -> Knox near-repeat table over distance and time bands,
// with Monte-Carlo significance (CSV) and its summary (JSON, with first_cell_ratio,
// what the simulation's near-repeat model is calibrated on).
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

Registrar reg{{"knox", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description("Knox near-repeat test: pairs of incidents close in space and time, against permuted times");
  auto a = std::make_shared<MapAnalysis<hotspot::KnoxRunOptions>>(app, "knox");
  auto out = std::make_shared<std::string>();
  auto json = std::make_shared<std::string>();
  app.add_option("--out,-o", *out, "The table as CSV (one row per space band x time band); written atomically")->required();
  app.add_option("--json", *json, "Summary JSON (first_cell_ratio, the table); default: beside --out as .json");
  return [=] {
    const auto m = a->map_inputs();
    const auto in = pipeline::input_from_map(m);
    const auto run = hotspot::run_knox(in, *a->options);
    pipeline::write_unit_table(hotspot::knox_table(run), *out, m.crs);
    const nlohmann::json j = a->summary(run.summary_json(), m);
    std::filesystem::path jp = json->empty() ? std::filesystem::path(*out).replace_extension(".json")
                                             : std::filesystem::path(*json);
    write_text_atomically(jp, json_text(j, 2) + "\n");
    if (log::verbosity() != log::Verbosity::Quiet)
      fmt::print(stderr, "{}Knox: {} events, {} close pairs, first cell observed/expected {:.3f} (p {:.4f})\nwrote {} and {}\n",
                 m.summary(), run.result.events, run.result.close_pairs, run.result.first_cell_ratio(),
                 run.result.p_value.empty() ? NAN : run.result.p_value[0], *out, jp.string());
    return 0;
  };
}}};

}  // namespace
}  // namespace tryggve::cli
