// The watch list on hand-drawn networks: the riskiest segment first, gains and
// doses computed by hand, CELF equal to plain greedy, budgets never exceeded.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "plan_fixture.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/planning/context.hpp"
#include "tryggve/planning/patrol.hpp"

using namespace tryggve;
using namespace tryggve::planning;
using plantest::World;

namespace {

// Three 100 m segments in a row, one cell each.
World three_segments() {
  return World(plantest::make_net({{0, 0}, {100, 0}, {200, 0}, {300, 0}}, {{0, 1}, {1, 2}, {2, 3}}), 100.0, 400.0);
}

PatrolOptions no_spill() {
  PatrolOptions o;
  o.diffusion_share = 0.0;
  o.displacement_share = 0.0;
  o.min_spacing_m = 0.0;
  o.windows = "fri,sat 18-24";  // 12 h a week: a full dose is 6 visits
  o.visit_minutes = 15.0;
  o.max_places = 3;
  return o;
}

}  // namespace

TEST(PatrolWindows, ParseAndCount) {
  EXPECT_DOUBLE_EQ(window_hours_per_week(parse_windows("fri,sat 18-24", "t")), 12.0);
  EXPECT_DOUBLE_EQ(window_hours_per_week(parse_windows("mon-fri 17-22; sat,sun 12-24", "t")), 25.0 + 24.0);
  // Wrapping past midnight: 22-02 every day is 4 h a day.
  EXPECT_DOUBLE_EQ(window_hours_per_week(parse_windows("daily 22-2", "t")), 28.0);
  EXPECT_DOUBLE_EQ(window_hours_per_week(parse_windows("fredag,lördag 18-24", "t")), 12.0);
  const auto w = parse_windows("fre 18-24", "t");
  EXPECT_TRUE(in_windows(w, 4 * 24 + 20));   // Friday 20:00
  EXPECT_FALSE(in_windows(w, 5 * 24 + 20));  // Saturday
  EXPECT_THROW(parse_windows("someday 18-24", "t"), Error);
  EXPECT_THROW(parse_windows("fri 18", "t"), Error);
  EXPECT_THROW(parse_windows("fri 25-3", "t"), Error);
  EXPECT_THROW(parse_windows("", "t"), Error);
}

TEST(PatrolChoice, RiskiestSegmentFirstWithHandComputedGain) {
  const World w = three_segments();
  const auto places = make_places(*w.cells, 150.0);
  ASSERT_EQ(places.size(), 3u);
  const std::vector<std::vector<double>> F = {{1.0, 5.0, 2.0}};
  const std::vector<double> weights = {2.0}, rr = {0.8};
  PatrolOptions o = no_spill();
  o.officer_hours_per_week = 1.5;  // exactly one full dose: 6 visits × 15 min
  const Selection s = choose_places(*w.cells, places, F, weights, rr, o);
  ASSERT_EQ(s.chosen.size(), 1u);
  EXPECT_EQ(places[s.chosen[0]].edge, 1u);
  EXPECT_EQ(s.visits[0], 6);
  EXPECT_NEAR(s.doses[0], 1.0, 1e-12);  // 15 minutes is the reference visit
  // w · F · q · (1 − RR) = 2 · 5 · 1 · 0.2
  EXPECT_NEAR(s.gains[0], 2.0, 1e-12);
  EXPECT_NEAR(harm_prevented(*w.cells, places, s, F, weights, rr, o), 2.0, 1e-12);

  // Half an hour more buys 2 visits at the next place: a third of a full dose.
  o.officer_hours_per_week = 2.0;
  const Selection s2 = choose_places(*w.cells, places, F, weights, rr, o);
  ASSERT_EQ(s2.chosen.size(), 2u);
  EXPECT_EQ(places[s2.chosen[1]].edge, 2u);
  EXPECT_EQ(s2.visits[1], 2);
  EXPECT_NEAR(s2.gains[1], 2.0 * 2.0 * (2.0 / 6.0) * 0.2, 1e-12);
}

TEST(PatrolChoice, ShortVisitsGetTheKoperDose) {
  const World w = three_segments();
  const auto places = make_places(*w.cells, 150.0);
  PatrolOptions o = no_spill();
  o.visit_minutes = 5.0;
  o.officer_hours_per_week = 0.5;  // 6 visits of 5 minutes
  const Selection s = choose_places(*w.cells, places, {{0.0, 1.0, 0.0}}, {1.0}, {0.5}, o);
  ASSERT_EQ(s.chosen.size(), 1u);
  const double dose = (1 - std::exp(-1.0)) / (1 - std::exp(-3.0));
  EXPECT_NEAR(s.doses[0], dose, 1e-12);
  EXPECT_NEAR(s.gains[0], dose * 0.5, 1e-12);
}

TEST(PatrolChoice, DiffusionReachesTheNeighboursByHand) {
  const World w = three_segments();
  const auto places = make_places(*w.cells, 150.0);
  PatrolOptions o = no_spill();
  o.diffusion_share = 0.5;
  o.diffusion_decay_m = 150.0;
  o.diffusion_buffer_m = 300.0;
  o.officer_hours_per_week = 1.5;
  const std::vector<std::vector<double>> F = {{1.0, 5.0, 2.0}};
  const Selection s = choose_places(*w.cells, places, F, {1.0}, {0.8}, o);
  ASSERT_EQ(s.chosen.size(), 1u);
  // The middle segment, effect 0.2 on 5 forecast incidents: 1.0 prevented there.
  // Both neighbours are 100 m away (same decay), so the diffusion weights scale to
  // Σ w h = the middle's h: 0.5 x 1.0 prevented around it, whatever the buffer.
  EXPECT_NEAR(s.gains[0], 0.2 * 5.0 * (1.0 + 0.5), 1e-6);
  // Displacement takes its share off the place's own benefit.
  o.displacement_share = 0.2;
  const Selection d = choose_places(*w.cells, places, F, {1.0}, {0.8}, o);
  EXPECT_NEAR(d.gains[0], 0.2 * 5.0 * (1.0 - 0.2 + 0.5), 1e-6);
  // A quiet place next to a busy one gains at most half its own (tiny) benefit:
  // with the busy middle cell excluded, the best is the place with F = 2.
  const Selection q = choose_places(*w.cells, places, F, {1.0}, {0.8}, o, {1, 0, 1});
  ASSERT_EQ(q.chosen.size(), 1u);
  EXPECT_EQ(places[q.chosen[0]].edge, 2u);
  EXPECT_NEAR(q.gains[0], 0.2 * 2.0 * (1.0 - 0.2 + 0.5), 1e-6);
}

TEST(PatrolChoice, SpilloverSharesComeFromTheEvidenceTable) {
  const auto ev = simulation::EvidenceTable::parse(
      "intervention,parameter,rr_central,rr_low,rr_high,applies_when,source,note\n"
      "hotspot_policing,*,0.84,0.75,0.93,present,t,\n"
      "displacement,*,0.13,0.03,0.40,always,t,\n"
      "diffusion:hotspot_policing,*,0.25,0.05,0.6,always,t,\n"
      "diffusion,*,0.14,0.03,0.50,always,t,\n",
      "t.csv");
  const std::vector<simulation::ParameterTraits> traits = {{"public_disorder", false, false, 1.0}};
  const PatrolOptions r = resolve_spillover_shares(PatrolOptions{}, ev, traits);
  EXPECT_DOUBLE_EQ(r.displacement_share, 0.13);
  EXPECT_DOUBLE_EQ(r.diffusion_share, 0.25);  // the evidence key's own row wins
  PatrolOptions given;
  given.diffusion_share = 0.0;
  EXPECT_DOUBLE_EQ(resolve_spillover_shares(given, ev, traits).diffusion_share, 0.0);
  // Unresolved shares are refused, not read as zero.
  const World w = three_segments();
  EXPECT_THROW(choose_places(*w.cells, make_places(*w.cells, 150.0), {{1.0, 5.0, 2.0}}, {1.0}, {0.8}, PatrolOptions{}),
               Error);
}

TEST(PatrolChoice, MinimumSpacingAndArea) {
  const World w = three_segments();
  const auto places = make_places(*w.cells, 150.0);
  const std::vector<std::vector<double>> F = {{5.0, 1.0, 4.9}};
  PatrolOptions o = no_spill();
  o.officer_hours_per_week = 10.0;
  o.min_spacing_m = 150.0;  // cell 1 is 100 m from cell 0, cell 2 is 200 m away
  Selection s = choose_places(*w.cells, places, F, {1.0}, {0.8}, o);
  ASSERT_EQ(s.chosen.size(), 2u);
  EXPECT_EQ(places[s.chosen[0]].edge, 0u);
  EXPECT_EQ(places[s.chosen[1]].edge, 2u);
  o.min_spacing_m = 250.0;  // now both others are too close
  s = choose_places(*w.cells, places, F, {1.0}, {0.8}, o);
  EXPECT_EQ(s.chosen.size(), 1u);
  // Only places in the allowed mask.
  o.min_spacing_m = 0.0;
  s = choose_places(*w.cells, places, F, {1.0}, {0.8}, o, {0, 1, 0});
  ASSERT_EQ(s.chosen.size(), 1u);
  EXPECT_EQ(places[s.chosen[0]].edge, 1u);
}

TEST(PatrolChoice, LongEdgesAreSplitIntoPlaces) {
  const World w(plantest::make_net({{0, 0}, {400, 0}}, {{0, 1}}), 20.0, 300.0);
  const auto places = make_places(*w.cells, 150.0);
  ASSERT_EQ(places.size(), 3u);  // ceil(400 / 150)
  double total = 0;
  std::set<simulation::CellId> seen;
  for (const auto& p : places) {
    EXPECT_LE(p.length_m, 150.0 + 1e-9);
    total += p.length_m;
    for (auto c : p.cells) EXPECT_TRUE(seen.insert(c).second);
  }
  EXPECT_NEAR(total, 400.0, 1e-9);
  EXPECT_EQ(seen.size(), w.cells->size());
}

// CELF must pick exactly what plain greedy picks (recomputing every gain each round).
TEST(PatrolChoice, LazyGreedyEqualsPlainGreedy) {
  const World w(plantest::grid(6, 100.0), 50.0, 400.0);
  const auto places = make_places(*w.cells, 150.0);
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    Rng rng(seed);
    std::vector<std::vector<double>> F(2, std::vector<double>(w.cells->size()));
    for (auto& f : F)
      for (auto& x : f) x = std::pow(rng.uniform(), 4.0) * 3.0;
    const std::vector<double> weights = {1.0, 2.5}, rr = {0.8, 0.7};
    PatrolOptions o;
    o.windows = "fri,sat 18-24";
    o.officer_hours_per_week = 100.0;  // every place a full dose
    o.max_places = 6;
    o.min_spacing_m = 0.0;
    o.diffusion_share = 0.5;
    o.displacement_share = 0.1;
    const Selection lazy = choose_places(*w.cells, places, F, weights, rr, o);
    ASSERT_EQ(lazy.chosen.size(), 6u);
    Selection plain;
    double h = 0.0;
    for (int k = 0; k < 6; ++k) {
      double best = -1;
      std::size_t bi = 0;
      for (std::size_t i = 0; i < places.size(); ++i) {
        if (std::find(plain.chosen.begin(), plain.chosen.end(), i) != plain.chosen.end()) continue;
        Selection t = plain;
        t.chosen.push_back(i);
        t.doses.push_back(1.0);
        const double g = harm_prevented(*w.cells, places, t, F, weights, rr, o) - h;
        if (g > best + 1e-12) { best = g; bi = i; }
      }
      plain.chosen.push_back(bi);
      plain.doses.push_back(1.0);
      h += best;
      EXPECT_NEAR(lazy.gains[k], best, 1e-9) << "seed " << seed << " round " << k;
    }
    EXPECT_EQ(lazy.chosen, plain.chosen) << "seed " << seed;
    PatrolOptions eager = o;
    eager.lazy = false;
    const Selection all = choose_places(*w.cells, places, F, weights, rr, eager);
    EXPECT_EQ(all.chosen, lazy.chosen) << "seed " << seed;
    EXPECT_GT(all.evaluations, lazy.evaluations);
    EXPECT_LT(lazy.evaluations, places.size() * 6) << "lazy evaluation saves gain computations";
  }
}

// Randomised budgets: never more officer-hours, places or closeness than allowed.
TEST(PatrolChoice, BudgetsAreNeverViolated) {
  const World w(plantest::grid(7, 80.0), 40.0, 400.0);
  const auto places = make_places(*w.cells, 120.0);
  const char* windows[] = {"fri,sat 18-24", "daily 22-2", "mon-fri 15-19; sat 12-24", "sun 0-24"};
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    Rng rng(1000 + seed);
    std::vector<std::vector<double>> F(1, std::vector<double>(w.cells->size()));
    for (auto& x : F[0]) x = rng.uniform() < 0.3 ? rng.uniform() * 4 : 0.0;
    PatrolOptions o;
    o.windows = windows[rng.below(4)];
    o.visit_minutes = rng.uniform(5.0, 30.0);
    o.officer_hours_per_week = rng.uniform(o.visit_minutes / 60.0, 12.0);
    o.max_places = 1 + static_cast<int>(rng.below(8));
    o.min_spacing_m = rng.uniform(0.0, 300.0);
    o.diffusion_share = rng.uniform(0.0, 0.8);
    o.displacement_share = rng.uniform(0.0, 0.5);
    const Selection s = choose_places(*w.cells, places, F, {1.0}, {0.84}, o);
    double hours = 0;
    for (int v : s.visits) {
      EXPECT_GE(v, 1);
      hours += v * o.visit_minutes / 60.0;
    }
    EXPECT_LE(hours, o.officer_hours_per_week + 1e-9) << "seed " << seed;
    EXPECT_LE(static_cast<int>(s.chosen.size()), o.max_places) << "seed " << seed;
    for (std::size_t i = 0; i < s.chosen.size(); ++i) {
      const auto near = w.cells->within(places[s.chosen[i]].cells, o.min_spacing_m);
      for (std::size_t j = 0; j < s.chosen.size(); ++j) {
        if (i == j) continue;
        for (const auto& [c, d] : near)
          for (auto cj : places[s.chosen[j]].cells) EXPECT_NE(c, cj) << "seed " << seed << ": places too close";
      }
    }
  }
}
