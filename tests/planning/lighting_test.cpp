// Lighting: lit/unlit by tag and lamp radius, projects grouped as a job is
// ordered, and the ranking decided by prevented incidents per SEK.
#include <gtest/gtest.h>

#include <map>

#include "plan_fixture.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/planning/lighting.hpp"

using namespace tryggve;
using namespace tryggve::planning;
using plantest::EdgeSpec;
using plantest::World;

namespace {

MultiPolygon square(double x0, double y0, double x1, double y1) {
  Polygon p;
  p.outer = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}};
  return {p};
}

simulation::EvidenceTable lighting_evidence() {
  return simulation::EvidenceTable::parse(
      "intervention,parameter,rr_central,rr_low,rr_high,applies_when,source,note\n"
      "lighting,outdoor_dark,0.64,0.50,0.85,dark,test,test\n");
}

}  // namespace

TEST(Lighting, LitByTagOrLampRadius) {
  // Four 100 m edges, 20 m lixels: tagged lit, untagged with a lamp at its middle,
  // tagged unlit, and a motorway.
  const World w(plantest::make_net({{0, 0}, {100, 0}, {200, 0}, {300, 0}, {400, 0}},
                                   {{0, 1, Lit::Yes}, {1, 2, Lit::Unknown}, {2, 3, Lit::No}, {3, 4, Lit::No, "", "motorway"}}),
                20.0, 200.0);
  PointFeature lamp;
  lamp.pos = {150, 5};  // lights 135..165 within 20 m (5 m off the line: ±19.4 m)
  LightingOptions o;
  const auto light = classify_lighting(*w.cells, {lamp}, {}, o);
  ASSERT_EQ(light.size(), 20u);
  for (int c = 0; c < 5; ++c) {
    EXPECT_TRUE(light[c].lit);
    EXPECT_EQ(light[c].source, LitSource::Tag);
  }
  // Edge 1's lixels: 100-120, 120-140, 140-160, 160-180, 180-200. Only 140-160 is
  // covered (5 of 5 sample points); 120-140 and 160-180 have 2 of 5.
  EXPECT_FALSE(light[5].lit);
  EXPECT_FALSE(light[6].lit);
  EXPECT_TRUE(light[7].lit);
  EXPECT_EQ(light[7].source, LitSource::Lamp);
  EXPECT_FALSE(light[8].lit);
  for (int c = 10; c < 15; ++c) EXPECT_FALSE(light[c].lit);
  for (int c = 15; c < 20; ++c) EXPECT_EQ(light[c].source, LitSource::Excluded);
  // A lamp with its own, wider radius lights the whole edge.
  lamp.radius_m = 60.0;
  const auto wide = classify_lighting(*w.cells, {lamp}, {}, o);
  for (int c = 5; c < 10; ++c) EXPECT_TRUE(wide[c].lit) << c;
  // Untagged counts as lit when asked.
  o.unknown_is_lit = true;
  EXPECT_TRUE(classify_lighting(*w.cells, {}, {}, o)[5].lit);
}

TEST(Lighting, ProjectsFollowChainsParksAndTunnels) {
  //   0 ── 1 ── 2 ── 3       chain of three unlit paths through degree-2 vertices
  //  park: 4 ── 5 ── 6       two unlit paths inside a park polygon
  //  7 ══ 8                  an unlit tunnel
  const World w(plantest::make_net({{0, 0}, {100, 0}, {200, 0}, {300, 0}, {0, 500}, {100, 500}, {200, 500}, {0, 900},
                                    {100, 900}},
                                   {{0, 1, Lit::No}, {1, 2, Lit::No}, {2, 3, Lit::No}, {4, 5, Lit::No}, {5, 6, Lit::No},
                                    {7, 8, Lit::No, "Tunneln", "footway", true}}),
                50.0, 200.0);
  PolygonFeature park;
  park.name = "Backaparken";
  park.geometry = square(-10, 450, 250, 550);
  LightingOptions o;
  const auto light = classify_lighting(*w.cells, {}, {park}, o);
  const auto projects = group_projects(*w.cells, light, {park}, o);
  ASSERT_EQ(projects.size(), 3u);
  std::map<std::string, const LightingProject*> by_kind;
  for (const auto& p : projects) by_kind[p.kind] = &p;
  ASSERT_TRUE(by_kind.count("path") && by_kind.count("park") && by_kind.count("tunnel"));
  EXPECT_NEAR(by_kind["path"]->length_m, 300.0, 1e-9);
  EXPECT_NEAR(by_kind["park"]->length_m, 200.0, 1e-9);
  EXPECT_EQ(by_kind["park"]->name, "Backaparken");
  EXPECT_EQ(by_kind["tunnel"]->name, "Tunneln");
  // A length cap splits the chain.
  o.max_project_length_m = 150.0;
  const auto capped = group_projects(*w.cells, light, {park}, o);
  for (const auto& p : capped) {
    if (p.kind != "path") continue;
    EXPECT_LE(p.length_m, 150.0 + 1e-9);
  }
}

TEST(Lighting, CostPerBenefitDecidesTheRanking) {
  // Two separate unlit paths: A is 300 m with 3 dark-hour incidents a year, B is
  // 60 m with 1. A prevents more, B more per krona.
  const World w(plantest::make_net({{0, 0}, {300, 0}, {0, 500}, {60, 500}}, {{0, 1, Lit::No}, {2, 3, Lit::No}}), 30.0,
                200.0);
  LightingOptions o;
  o.lamp_spacing_m = 30.0;
  o.sek_per_lamp = 45000.0;
  o.fixed_cost_sek = 50000.0;
  o.draws = 400;
  o.seed = 7;
  const auto light = classify_lighting(*w.cells, {}, {}, o);
  auto projects = group_projects(*w.cells, light, {}, o);
  ASSERT_EQ(projects.size(), 2u);
  std::vector<std::vector<double>> D(1, std::vector<double>(w.cells->size(), 0.0));
  for (simulation::CellId c = 0; c < 10; ++c) D[0][c] = 3.0 / 10;
  for (simulation::CellId c = 10; c < 12; ++c) D[0][c] = 1.0 / 2;
  const auto ev = lighting_evidence();
  simulation::ParameterTraits robbery{"robbery", true, false, 3.0};
  const std::vector<const simulation::EvidenceRow*> rows = {ev.find("lighting", robbery)};
  ASSERT_NE(rows[0], nullptr);
  rank_projects(projects, D, rows, {1.0}, {3.0}, ev, o);
  // A: 10 lamps, 500,000 SEK, 3 · 0.36 = 1.08 prevented, 0.216 per 100k.
  // B: 2 lamps, 140,000 SEK, 0.36 prevented, 0.257 per 100k.
  EXPECT_EQ(projects[0].length_m, 60.0);
  EXPECT_EQ(projects[0].lamps, 2);
  EXPECT_DOUBLE_EQ(projects[0].cost_sek, 140000.0);
  EXPECT_NEAR(projects[0].prevented_per_year.mean, 0.36, 1e-9);
  EXPECT_NEAR(projects[0].prevented_per_100k_sek.mean, 0.36 / 1.4, 1e-9);
  EXPECT_EQ(projects[1].lamps, 10);
  EXPECT_NEAR(projects[1].prevented_per_year.mean, 1.08, 1e-9);
  EXPECT_NEAR(projects[1].prevented_per_100k_sek.mean, 1.08 / 5.0, 1e-9);
  EXPECT_NEAR(projects[1].harm_prevented_per_year, 3.0 * 1.08, 1e-9);
  EXPECT_EQ(projects[0].rank, 1);
  for (const auto& p : projects) {
    // The interval is that of the evidence: (1 - 0.85) .. (1 - 0.50) of the dark count.
    EXPECT_LT(p.prevented_per_year.low, p.prevented_per_year.mean);
    EXPECT_GT(p.prevented_per_year.high, p.prevented_per_year.mean);
    EXPECT_NEAR(p.prevented_per_year.low / p.dark_incidents_per_year, 0.15, 0.03);
    EXPECT_NEAR(p.prevented_per_year.high / p.dark_incidents_per_year, 0.50, 0.03);
  }
  // With free lamps (fixed cost only) the larger benefit wins.
  o.sek_per_lamp = 0.0;
  rank_projects(projects, D, rows, {1.0}, {3.0}, ev, o);
  EXPECT_EQ(projects[0].length_m, 300.0);
}
