// Golden comparison of a whole run on a small generated district: a scenario file
// with every stage (map, hotspots, fit, simulate, plan) must write the same bytes
// as tests/golden/pipeline/small_district.txt records (made by the code before the
// stages moved into the pipeline). The plans must come out the same whichever
// shell asks for them: the scenario file's plan stage, the stage called alone (as
// `tryggve plan` does), and the viewer's server re-making them as a job.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "test_data.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/pipeline/map_stage.hpp"
#include "tryggve/pipeline/plan_stage.hpp"
#include "tryggve/pipeline/run_folder.hpp"
#include "tryggve/scenario/run.hpp"
#include "tryggve/scenario/scenario.hpp"
#include "tryggve/server/jobs.hpp"
#include "tryggve/server/scenario_runner.hpp"

namespace tryggve::pipeline {
namespace {

namespace fs = std::filesystem;

// The district's folder is DISTRICT; the plan block is appended by the test.
const char* kScenario = R"(version: 1
name: golden
description: a small generated district through every stage
seed: 20261101
inputs:
  streets: DISTRICT/streets.osm
  incidents: DISTRICT/incidents_raw.csv
  parks: DISTRICT/parks.gpkg
  stops: DISTRICT/stops.gpkg
  lamps: DISTRICT/lamps.gpkg
  areas: DISTRICT/areas.gpkg
  places: DISTRICT/places.gpkg
  crs: EPSG:3006
  lixel_length_m: 50
stages:
  map: {}
  hotspots:
    permutations: 19
    backtest_months: 3
  simulate:
    fit_months: 12
    forecast_months: 2
    replicates: 30
    cell_cutoff_m: 300
    max_iterations: 30
    tolerance: 1e-4
PLAN
scenarios:
  - name: park-lighting
    interventions:
      - type: lighting
        where: {park: Ekbackaparken}
        lamps: 20
        cost_sek: 300000
)";

const char* kPlan = R"(  plan:
    patrol: {backtest_months: 1}
    lighting: {top: 15}
    routes: {iterations: 50}
)";

std::string read(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string fnv1a64(const std::string& bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return fmt::format("{:016x}", h);
}

std::string replace_all(std::string s, const std::string& what, const std::string& with) {
  for (std::size_t i = s.find(what); i != std::string::npos; i = s.find(what, i + with.size())) s.replace(i, what.size(), with);
  return s;
}

// One district and one full run for every test here (about 10 s on 2 cores).
class Golden : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(test::temp_dir("pipeline_golden"));
    demo::DemoOptions d;
    d.months = 14;
    d.volume_scale = 0.3;
    demo::generate(d, *dir_ / "district");
    const std::string text = replace_all(kScenario, "DISTRICT", (*dir_ / "district").string());
    std::ofstream(*dir_ / "with_plan.yaml") << replace_all(text, "PLAN\n", kPlan);
    std::ofstream(*dir_ / "without_plan.yaml") << replace_all(text, "PLAN\n", "");
    file_ = new scenario::ScenarioFile(scenario::load(*dir_ / "with_plan.yaml"));
    scenario::run(*file_, *dir_ / "run");
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete file_;
    delete dir_;
  }
  static fs::path* dir_;
  static scenario::ScenarioFile* file_;
};
fs::path* Golden::dir_ = nullptr;
scenario::ScenarioFile* Golden::file_ = nullptr;

const char* kPlanFiles[] = {outputs::kWatchListCsv, outputs::kWatchListJson, outputs::kPatrolBacktestCsv,
                            outputs::kLightingCsv,  outputs::kLightingJson,  outputs::kRoutesCsv,
                            outputs::kRoutesJson};

TEST_F(Golden, TheRunWritesTheRecordedBytes) {
  const fs::path golden = test::fixtures().parent_path() / "golden" / "pipeline" / "small_district.txt";
  const fs::path run = *dir_ / "run";
  if (std::getenv("TRYGGVE_UPDATE_GOLDEN")) {
    // Keep the header comment, replace the digests with this run's.
    std::istringstream in(read(golden));
    std::string out, line;
    while (std::getline(in, line))
      if (!line.empty() && line[0] == '#') out += line + "\n";
    for (std::istringstream again(read(golden)); std::getline(again, line);) {
      if (line.empty() || line[0] == '#') continue;
      const std::string name = line.substr(0, line.find(' '));
      const std::string bytes = read(run / name);
      out += fmt::format("{} {} {}\n", name, fnv1a64(bytes), bytes.size());
    }
    std::ofstream(golden) << out;
    GTEST_SKIP() << "wrote " << golden;
  }
  std::istringstream in(read(golden));
  std::string line;
  int compared = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string name, digest;
    std::size_t size = 0;
    ls >> name >> digest >> size;
    ASSERT_TRUE(fs::exists(run / name)) << name;
    const std::string bytes = read(run / name);
    EXPECT_EQ(bytes.size(), size) << name;
    EXPECT_EQ(fnv1a64(bytes), digest) << name << " differs from the recorded run (see the top of " << golden << ")";
    ++compared;
  }
  EXPECT_EQ(compared, 10);
}

TEST_F(Golden, ThePlanStageAloneWritesTheSamePlans) {
  // What `tryggve plan` does: the map stage and the plan stage, nothing else.
  const auto map = run_map(file_->inputs);
  const auto options = scenario::plan_options(*file_);
  const auto r = run_plan(map, options);
  ASSERT_TRUE(r.plans.patrol && r.plans.lighting && r.plans.routes);
  const fs::path alone = *dir_ / "alone";
  write_plan(alone, map, r, options);
  for (const char* name : kPlanFiles) EXPECT_EQ(read(alone / name), read(*dir_ / "run" / name)) << name;
}

TEST_F(Golden, TheServerMakesTheSamePlansAsAJob) {
  // A run without the plan stage, then the viewer's job asks for the plans.
  const fs::path served = *dir_ / "served";
  scenario::run(scenario::load(*dir_ / "without_plan.yaml"), served);
  ASSERT_FALSE(fs::exists(served / outputs::kWatchListCsv));
  // The job takes the run's own plan options; this run has none, so give it the
  // same ones through its resolved file.
  {
    auto f = scenario::load(*dir_ / "with_plan.yaml");
    std::ofstream(served / outputs::kResolvedScenario) << scenario::resolved_yaml(f);
  }
  server::ScenarioRunner runner(served);
  server::JobContext ctx;
  const auto out = runner.run(nlohmann::json{{"kind", "plan"}, {"plans", {"patrol", "lighting", "routes"}}}, ctx);
  EXPECT_EQ(out["plans"].size(), 3u);
  EXPECT_EQ(out["patrol"]["places"], nlohmann::json::parse(read(*dir_ / "run" / outputs::kWatchListJson))["places"].size());
  for (const char* name : kPlanFiles) EXPECT_EQ(read(served / name), read(*dir_ / "run" / name)) << name;
  // Only the plans asked for are re-made.
  fs::remove(served / outputs::kRoutesCsv);
  runner.run(nlohmann::json{{"kind", "plan"}, {"plans", {"lighting"}}}, ctx);
  EXPECT_FALSE(fs::exists(served / outputs::kRoutesCsv));
}

}  // namespace
}  // namespace tryggve::pipeline
