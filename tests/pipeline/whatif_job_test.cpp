// The viewer's instant what-if through the server's job runner on a small
// generated district: the first answer (100 replicates) and the refined one equal
// the full path's answers with as many replicates; a client's new edit cancels
// its running what-if, which then leaves no answer; a baseline that does not fit
// the memory bound is refused naming the option.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "test_data.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/pipeline/run_folder.hpp"
#include "tryggve/scenario/run.hpp"
#include "tryggve/scenario/scenario.hpp"
#include "tryggve/server/jobs.hpp"
#include "tryggve/server/scenario_runner.hpp"

namespace tryggve::server {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char* kScenario = R"(version: 1
name: whatif
seed: 20261203
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
  simulate:
    fit_months: 12
    forecast_months: 2
    replicates: 30
    cell_cutoff_m: 300
    max_iterations: 30
    tolerance: 1e-4
scenarios:
  - name: park-lighting
    interventions:
      - type: lighting
        where: {park: Ekbackaparken}
        lamps: 20
        cost_sek: 300000
)";

class WhatIfJob : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(test::temp_dir("whatif_job"));
    demo::DemoOptions d;
    d.months = 14;
    d.volume_scale = 0.3;
    demo::generate(d, *dir_ / "district");
    std::string text = kScenario;
    for (auto i = text.find("DISTRICT"); i != std::string::npos; i = text.find("DISTRICT", i))
      text.replace(i, 8, (*dir_ / "district").string());
    std::ofstream(*dir_ / "whatif.yaml") << text;
    scenario::run(scenario::load(*dir_ / "whatif.yaml"), *dir_ / "run");
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  // A patrol on the edges of the district's busiest stretch: the first edges the
  // fitted run has (any edges would do; these carry incidents).
  static json edit(const char* kind, int replicates, int size = 6) {
    json iv = {{"type", "patrol"}, {"edges", {3, 4, 5, 6, 7, 8}}, {"size", size}, {"months", 2}, {"name", "evening patrol"},
               {"hours", {18, 24}}};
    return {{"kind", kind}, {"intervention", iv}, {"replicates", replicates}};
  }
  static fs::path* dir_;
};
fs::path* WhatIfJob::dir_ = nullptr;

// Everything the answer says about the outcome (the run's timing aside).
void expect_same_answer(const json& a, const json& b, const char* what) {
  for (const char* k : {"replicates", "baseline", "scenario", "change", "change_share", "recorded", "edges", "cells"})
    EXPECT_EQ(a[k], b[k]) << what << ": " << k;
  EXPECT_EQ(a.at("result").at("totals"), b.at("result").at("totals")) << what;
}

TEST_F(WhatIfJob, FirstAndRefinedAnswersEqualFullRuns) {
  ScenarioRunner runner(*dir_ / "run");
  JobContext ctx;
  const json refined = runner.run(edit("whatif", 300), ctx);
  const json first = ctx.partial();
  ASSERT_TRUE(first.is_object()) << "no first answer";
  EXPECT_EQ(first["replicates"], ScenarioRunner::kFirstReplicates);
  EXPECT_EQ(first["refining"], true);
  EXPECT_EQ(refined["replicates"], 300);
  EXPECT_EQ(refined["refining"], false);
  ASSERT_FALSE(refined["edges"].empty()) << "the edit changed nothing: the test would not see a difference";

  JobContext full_ctx;
  expect_same_answer(first, runner.run(edit("intervention", ScenarioRunner::kFirstReplicates), full_ctx), "first");
  expect_same_answer(refined, runner.run(edit("intervention", 300), full_ctx), "refined");

  // A second edit on the kept baseline: the same as its own full run.
  const json other = runner.run(edit("whatif", 300, 12), ctx);
  expect_same_answer(other, runner.run(edit("intervention", 300, 12), full_ctx), "second edit");
  EXPECT_NE(other["change"], refined["change"]);
}

TEST_F(WhatIfJob, ANewEditFromTheSameClientCancelsTheRunningOne) {
  ScenarioRunner runner(*dir_ / "run");
  JobQueue queue(runner.as_job_runner());
  auto whatif = [](int replicates, int size) {
    json r = edit("whatif", replicates, size);
    r["client"] = "tab-1";
    return r;
  };
  // Long enough to be running when the next edit comes (its baseline is kept first).
  const std::string slow = queue.submit(whatif(5000, 6), {}, "whatif:tab-1");
  for (int i = 0; i < 6000 && queue.status(slow)->at("state") != "running"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::string next = queue.submit(whatif(200, 8), {}, "whatif:tab-1");
  json s;
  for (int i = 0; i < 12000; ++i) {
    s = *queue.status(next);
    if (s["state"] != "queued" && s["state"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(s["state"], "done") << s.dump();
  const json old = *queue.status(slow);
  EXPECT_EQ(old["state"], "cancelled");
  EXPECT_FALSE(old.contains("result"));
  EXPECT_FALSE(old.contains("partial"));
  // Another client's what-if is left alone.
  const std::string mine = queue.submit(whatif(200, 8), {}, "whatif:tab-1");
  json theirs = edit("whatif", 200, 6);
  const std::string other = queue.submit(theirs, {}, "whatif:tab-2");
  for (int i = 0; i < 12000 && queue.status(other)->at("state") != "done"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(queue.status(mine)->at("state"), "done");
  EXPECT_EQ(queue.status(other)->at("state"), "done");
}

TEST_F(WhatIfJob, ABaselineAboveTheBoundIsRefusedNamingTheOption) {
  ScenarioRunner runner(*dir_ / "run", 1024);  // 1 kB: no baseline fits
  JobContext ctx;
  try {
    runner.run(edit("whatif", 200), ctx);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadOption);
    EXPECT_EQ(e.where(), "--whatif-cache-mb");
    EXPECT_NE(e.message().find("raise --whatif-cache-mb"), std::string::npos) << e.message();
  }
}

TEST_F(WhatIfJob, TheEditorsEarlyRiseRaisesTheChangeAndRecordedSitsBesideTrue) {
  // The viewer's early rise (the grammar's `reaction`) on the same patrol: more
  // trouble at first, so the expected change is higher than without it; the
  // instant path equals the full one; and the answer carries the recorded counts
  // (what the reports will show) beside the true ones.
  ScenarioRunner runner(*dir_ / "run");
  JobContext ctx;
  json with = edit("whatif", 100, 12);
  with["intervention"]["reaction"] = {{"parameters", {"youth_gatherings", "public_disorder"}}, {"peak_rise", 1.0},
                                      {"decay_weeks", 6.0}};
  const json plain = runner.run(edit("whatif", 100, 12), ctx);
  const json rising = runner.run(with, ctx);
  EXPECT_EQ(plain["baseline"], rising["baseline"]) << "the baseline does not know the edit";
  EXPECT_GT(rising["change"]["mean"].get<double>(), plain["change"]["mean"].get<double>());
  json full = with;
  full["kind"] = "intervention";
  JobContext full_ctx;
  expect_same_answer(rising, runner.run(full, full_ctx), "early rise");

  for (const json* a : {&plain, &rising}) {
    ASSERT_TRUE((*a).contains("recorded")) << a->dump().substr(0, 200);
    const json& rec = (*a)["recorded"];
    // Not every incident is reported: fewer recorded than true, and both intervals ordered.
    EXPECT_LT(rec["baseline"]["mean"].get<double>(), (*a)["baseline"]["mean"].get<double>());
    EXPECT_GT(rec["baseline"]["mean"].get<double>(), 0.0);
    for (const char* k : {"baseline", "scenario", "change"})
      EXPECT_LE(rec[k]["lo"].get<double>(), rec[k]["hi"].get<double>()) << k;
  }

  // A code the run's taxonomy does not know is the resolver's clear error.
  json unknown = edit("whatif", 100, 12);
  unknown["intervention"]["reaction"] = {{"parameters", {"no_such_parameter"}}, {"peak_rise", 0.5}, {"decay_weeks", 6.0}};
  try {
    runner.run(unknown, ctx);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("no_such_parameter"), std::string::npos) << e.message();
  }
}

TEST_F(WhatIfJob, ATransitHostEditGoesThroughTheScenarioGrammar) {
  // The viewer's transit-host edit becomes the grammar's `where: line`; this run
  // has no GTFS feed, so the resolver says how to give one (with a feed the line's
  // stretch is resolved as in tests/scenario/transit_host_test.cpp).
  ScenarioRunner runner(*dir_ / "run");
  JobContext ctx;
  const json iv = {{"type", "transit_host"}, {"edges", json::array()}, {"line", "5"}, {"between", {"Alfa", "Beta"}},
                   {"size", 2}, {"months", 2}, {"name", "hosts on 5"}, {"hours", {18, 24}}, {"weekdays", {5, 6}}};
  try {
    runner.run({{"kind", "whatif"}, {"intervention", iv}, {"replicates", 8}}, ctx);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadScenario);
    EXPECT_NE(e.message().find("line: the map has no public-transport lines: give a GTFS feed (inputs.gtfs)"),
              std::string::npos)
        << e.message();
  }
}

}  // namespace
}  // namespace tryggve::server
