// The synthetic demo district (demo/generator.hpp) with its planted hotspots and
// unlit park paths: the watch list must find the hotspots, the lighting ranking
// must put unlit park paths high, and the routes must respect their limits.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <tbb/global_control.h>

#include "demo_network.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/pipeline/evidence_file.hpp"
#include "tryggve/planning/context.hpp"
#include "tryggve/planning/lighting.hpp"
#include "tryggve/planning/patrol.hpp"
#include "tryggve/planning/routes.hpp"
#include "tryggve/simulation/evidence.hpp"

using namespace tryggve;
using namespace tryggve::planning;

namespace {

// The district as a network whose edge ids are the generator's segment ids, its
// incidents as snapped events (exact positions: no snapping error in this test).
struct Demo {
  demo::DemoData data;
  Taxonomy taxonomy = Taxonomy::load_default();
  network::Network net;
  network::Lixelization lix;
  std::vector<PointFeature> lamps;
  std::vector<PolygonFeature> parks;
  std::unique_ptr<PlanningContext> ctx;
  simulation::EvidenceTable evidence = pipeline::load_default_evidence();

  Demo() {
    demo::DemoOptions o;
    o.months = 9;
    o.volume_scale = 0.5;
    data = demo::simulate(o);
    const auto& d = data.district;
    net = test::demo_network(d);
    lix = network::Lixelization(net, 50.0);
    for (const auto& l : d.lamps) {
      PointFeature p;
      p.pos = l.pos;
      p.kind = "street_lamp";
      lamps.push_back(p);
    }
    for (const auto& pk : d.parks) {
      PolygonFeature f;
      f.name = pk.name;
      f.kind = pk.kind;
      f.geometry = {Polygon{pk.ring, {}}};
      parks.push_back(f);
    }
    std::vector<simulation::ObservedEvent> events;
    for (const auto& inc : data.incidents) {
      const auto code = data.model.parameters[inc.parameter].code;
      const auto p = taxonomy.find(code);
      if (!p) continue;
      events.push_back({{inc.segment, inc.offset_m}, {inc.utc, inc.utc_offset_s}, *p, inc.outdoor});
    }
    ContextOptions co;
    co.cell_cutoff_m = 300.0;
    co.max_iterations = 25;
    // The Poisson fit (no near repeats) keeps this test fast under sanitizers; the
    // self-exciting fit is the simulation module's to test.
    co.no_self_excitation = true;
    ctx = std::make_unique<PlanningContext>(net, lix, taxonomy, std::move(events),
                                            simulation::Place{d.centre_lat, d.centre_lon}, co);
  }
};

Demo& demo_district() {
  static Demo d;
  return d;
}

}  // namespace

TEST(DemoDistrict, WatchListFindsThePlantedHotspots) {
  auto& d = demo_district();
  PatrolOptions o;
  o.windows = "daily 12-24";
  o.officer_hours_per_week = 110.0;  // 84 window hours a week: 10.5 h per place for a full dose
  o.max_places = 10;
  o.min_spacing_m = 100.0;
  o.draws = 200;
  o.backtest_months = 1;
  const PatrolPlan plan = plan_patrol(*d.ctx, d.evidence, o);
  ASSERT_EQ(plan.items.size(), 10u);
  // Planted hotspots active at the end of the 9 months (H2 starts in month 12).
  std::map<std::uint32_t, std::string> planted;
  for (const auto& h : d.data.model.hotspots)
    if (h.from_month <= 9)
      for (auto s : h.segments) planted[s] = h.id;
  std::set<std::string> found;
  std::string trace;
  int top3 = 0;
  for (const auto& it : plan.items) {
    // A place on a hotspot segment or on a segment touching one.
    const auto& e = d.net.edge(it.place.edge);
    std::string hit;
    if (planted.count(it.place.edge)) hit = planted[it.place.edge];
    for (const auto& [s, id] : planted) {
      const auto& he = d.net.edge(s);
      if (he.from == e.from || he.from == e.to || he.to == e.from || he.to == e.to) hit = hit.empty() ? id : hit;
    }
    for (const auto& h : d.data.model.hotspots)
      if (h.from_month <= 9 && hit.empty() && distance(it.place.mid, h.centre) < 120.0) hit = h.id;
    std::string dist;
    for (const auto& h : d.data.model.hotspots) dist += fmt::format(" {}:{:.0f}m", h.id, distance(it.place.mid, h.centre));
    if (!hit.empty()) found.insert(hit);
    trace += fmt::format("\n  {}. edge {} {} ({}): harm {:.2f} {}", it.rank, it.place.edge, it.street,
                         demo::to_string(d.data.district.segments[it.place.edge].kind), it.forecast_harm, hit + dist);
    if (it.rank <= 3 && !hit.empty()) ++top3;
  }
  EXPECT_GE(top3, 1) << "a planted hotspot should be among the top three places" << trace;
  EXPECT_GE(found.size(), 3u) << "most active planted hotspots should be on the watch list" << trace;
  // The generator's true harm rate per segment in the last month: background
  // weight × rate × the planted multipliers (the lognormal segment effect makes
  // some unplanted segments truly hot as well: they belong on the list too).
  const auto& model = d.data.model;
  std::vector<double> truth(d.net.edge_count(), 0.0);
  for (std::size_t p = 0; p < model.parameters.size(); ++p) {
    const auto id = d.taxonomy.find(model.parameters[p].code);
    if (!id) continue;
    for (std::size_t s = 0; s < truth.size(); ++s) {
      double mult = 1.0;
      for (const auto& h : model.hotspots)
        if (std::find(h.segments.begin(), h.segments.end(), s) != h.segments.end() &&
            std::find(h.parameter_index.begin(), h.parameter_index.end(), p) != h.parameter_index.end())
          mult *= h.multiplier(9);
      truth[s] += d.taxonomy[*id].weight * model.parameters[p].mu_per_hour * model.weight[p][s] * mult;
    }
  }
  std::vector<double> sorted = truth;
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  // The first places are truly among the riskiest 5% of segments (further down the
  // list the spacing rule and the diffusion to neighbours shape the choice as well).
  const double top_share = sorted[sorted.size() / 20];
  for (const auto& it : plan.items)
    if (it.rank <= 3) EXPECT_GE(truth[it.place.edge], top_share) << "place " << it.rank << " is not truly risky" << trace;
  // Budget and a real interval.
  EXPECT_LE(plan.officer_hours_used, o.officer_hours_per_week + 1e-9);
  EXPECT_GT(plan.harm_prevented.mean, 0.0);
  EXPECT_LT(plan.harm_prevented.low, plan.harm_prevented.mean);
  EXPECT_GT(plan.harm_prevented.high, plan.harm_prevented.mean);
  // Backtest: the model's places catch more than their share of the network.
  ASSERT_EQ(plan.backtest.size(), 1u);
  EXPECT_GT(plan.backtest_pooled.model_pai, 5.0);
  EXPECT_GT(plan.backtest_pooled.last_month_pai, 1.0);
}

TEST(DemoDistrict, UnlitParkPathsRankHighForLighting) {
  auto& d = demo_district();
  LightingOptions o;
  o.draws = 200;
  const LightingPlan plan = plan_lighting(*d.ctx, d.evidence, d.lamps, d.parks, o);
  ASSERT_FALSE(plan.projects.empty());
  EXPECT_GT(plan.unlit_length_m, 0.0);
  EXPECT_GT(plan.lit_length_m, plan.unlit_length_m * 0.2);
  // Darkness from the sun at 57.75 N: December has far more dark hours than June.
  ASSERT_EQ(plan.dark_hours_by_month.size(), 12u);
  const auto [mn, mx] = std::minmax_element(plan.dark_hours_by_month.begin(), plan.dark_hours_by_month.end());
  EXPECT_GT(*mx, 3.0 * *mn);
  int park_in_top5 = 0;
  for (std::size_t k = 0; k < std::min<std::size_t>(5, plan.projects.size()); ++k) {
    const auto& p = plan.projects[k];
    bool in_park = p.kind == "park";
    for (auto c : p.cells) in_park = in_park || d.data.district.segments[d.ctx->cells().cell(c).edge].in_park;
    park_in_top5 += in_park;
  }
  EXPECT_GE(park_in_top5, 2) << "unlit park paths should rank high";
  for (std::size_t k = 1; k < plan.projects.size(); ++k)
    EXPECT_GE(plan.projects[k - 1].prevented_per_100k_sek.mean, plan.projects[k].prevented_per_100k_sek.mean);
  // Every unlit, walkable lixel is in exactly one project.
  std::size_t unlit = 0, in_projects = 0;
  for (const auto& x : plan.lixels) unlit += !x.lit;
  for (const auto& p : plan.projects) in_projects += p.cells.size();
  EXPECT_EQ(unlit, in_projects);
}

TEST(DemoDistrict, EveningWalksWithinTheirLimits) {
  auto& d = demo_district();
  RouteOptions o;
  o.max_minutes = 45;
  o.walkers = 2;
  o.iterations = 60;
  o.seed = 11;
  const RoutePlan plan = plan_walks(*d.ctx, o);
  ASSERT_EQ(plan.routes.size(), 2u);
  std::set<network::EdgeId> used;
  for (const auto& r : plan.routes) {
    EXPECT_LE(r.length_m, 3000.0 + 1e-6);
    EXPECT_GT(r.length_m, 1000.0);
    EXPECT_EQ(r.vertices.front(), r.vertices.back());
    for (auto e : std::set<network::EdgeId>(r.edges.begin(), r.edges.end())) EXPECT_TRUE(used.insert(e).second);
  }
  // A 3 km walk in a ~100 km network passes far more than its share of the risk.
  EXPECT_GT(plan.routes[0].risk_share, 3.0 * 3000.0 / d.net.total_length());
}

// Same seed, same plan at any thread count (influences and draws are per index).
TEST(DemoDistrict, SamePlanAtOneAndTwoThreads) {
  auto& d = demo_district();
  PatrolOptions o;
  o.windows = "fri,sat 18-24";
  o.draws = 200;
  o.backtest_months = 0;
  o.seed = 99;
  PatrolPlan one, two;
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
    one = plan_patrol(*d.ctx, d.evidence, o);
  }
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
    two = plan_patrol(*d.ctx, d.evidence, o);
  }
  ASSERT_EQ(one.items.size(), two.items.size());
  for (std::size_t k = 0; k < one.items.size(); ++k) EXPECT_EQ(one.items[k].place.id, two.items[k].place.id);
  EXPECT_EQ(one.harm_prevented.mean, two.harm_prevented.mean);
  EXPECT_EQ(one.harm_prevented.low, two.harm_prevented.low);
  EXPECT_EQ(one.harm_prevented.high, two.harm_prevented.high);
}
