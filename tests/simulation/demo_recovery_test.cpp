// The EM fit against the demo generator's truth (not only against Tryggve's own
// simulator): per parameter, the background count, the branching ratio (expected
// direct offspring per incident), the mean delay and the spatial reach of near
// repeats, within the tolerances stated here. The generator's near repeats are a
// random walk along the network (exponential length, mean trigger_mean_m) after an
// exponential delay (mean trigger_mean_days); the model's kernel is an exponential
// in network distance between cell midpoints normalised over the length reachable,
// so σ is not the walk's mean length: the reach compared is the mean parent-to-child
// distance the fitted kernel implies, against the realised one (both within the
// cells' cutoff).
//
// What EM gets here (printed): the background count 6-18% high, the branching ratio
// at 0.4-0.9x the truth, the mean delay at 0.5-1.0x and the mean reach at 0.45-0.9x:
// stochastic declustering keeps the nearest, quickest offspring and gives the rest
// to the background, whose per-cell rates are free to absorb the places where
// offspring pile up (the demo's background is itself clustered: lognormal street
// effects and planted hotspots). The tolerances below say so; a forecast from this
// fit underweights near repeats rather than inventing them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "demo_network.hpp"
#include "sim_fixture.hpp"
#include "tryggve/demo/generator.hpp"

using namespace tryggve;
using namespace tryggve::simulation;

TEST(DemoRecovery, EmRecoversBackgroundBranchingDelayAndReach) {
  demo::DemoOptions o;  // 30 months, ~28,000 incidents
  const auto data = demo::simulate(o);
  const network::Network net = test::demo_network(data.district);
  const network::Lixelization lix(net, 50.0);
  const CellNetwork cells(net, lix, 400.0);
  const HourCalendar cal(local_months(simtest::stockholm(), o.start_year, o.start_month, o.months), simtest::stockholm(),
                         Place{data.district.centre_lat, data.district.centre_lon});
  std::vector<ParameterTraits> traits;
  for (const auto& pm : data.model.parameters)
    traits.push_back({pm.code, pm.darkness_sensitive, pm.setting == "indoor", 1.0});
  std::vector<ObservedEvent> obs;
  for (const auto& i : data.incidents)
    obs.push_back({{i.segment, i.offset_m}, {i.utc, i.utc_offset_s}, static_cast<ParameterId>(i.parameter), i.outdoor});
  const EventTable table = make_event_table(obs, cells, cal, traits.size());
  FitOptions fo;
  fo.max_iterations = 150;
  fo.tolerance = 1e-6;
  const FittedModel model = fit(table, cells, cal, traits, fo);

  std::size_t ok_bg = 0, ok_theta = 0, ok_delay = 0, ok_reach = 0;
  const std::size_t P = traits.size();
  std::vector<std::int64_t> index_of_id(data.incidents.size() + 2, -1);
  for (std::size_t k = 0; k < data.incidents.size(); ++k) index_of_id[data.incidents[k].id] = static_cast<std::int64_t>(k);
  auto cell_of = [&](const demo::DemoIncident& i) { return cells.cell_at({i.segment, i.offset_m}); };
  for (std::size_t p = 0; p < P; ++p) {
    const auto& pm = data.model.parameters[p];
    const EtasParameters& E = model.parameters[p];
    std::size_t n = 0, background = 0;
    double true_dist = 0, true_pairs = 0, fit_dist = 0, fit_w = 0;
    const auto Z = kernel_normalisers(cells, E.sigma_m);
    for (const auto& i : data.incidents) {
      if (i.parameter != p) continue;
      ++n;
      background += !i.offspring;
      const CellId v = cell_of(i);
      // The fitted kernel's mean distance from this incident's cell.
      double m = 0.0;
      for (const Neighbour& nb : cells.neighbours(v))
        m += nb.distance_m * std::exp(-nb.distance_m / E.sigma_m) * cells.cell(nb.cell).weight_length();
      fit_dist += m / Z[v];
      fit_w += 1.0;
      if (!i.offspring) continue;
      const CellId u = cell_of(data.incidents[static_cast<std::size_t>(index_of_id[i.parent])]);
      for (const Neighbour& nb : cells.neighbours(u))
        if (nb.cell == v) { true_dist += nb.distance_m; true_pairs += 1.0; }
    }
    const double bg_ratio = E.background_share * static_cast<double>(E.events) / static_cast<double>(background);
    const double theta_ratio = E.theta / pm.branching_ratio;
    const double delay_ratio = (1.0 / E.omega_per_hour) / (pm.trigger_mean_days * 24.0);
    const double reach_ratio = (fit_dist / fit_w) / (true_dist / true_pairs);
    std::printf("%-24s n %5zu | background fit/true %.2f | theta %.3f (true %.2f, x%.2f) | delay %.1f d (true %.1f, "
                "x%.2f) | mean reach %.0f m (true %.0f m, x%.2f)\n",
                pm.code.c_str(), n, bg_ratio, E.theta, pm.branching_ratio, theta_ratio, 1.0 / E.omega_per_hour / 24.0,
                pm.trigger_mean_days, delay_ratio, fit_dist / fit_w, true_dist / true_pairs, reach_ratio);
    ok_bg += std::abs(bg_ratio - 1.0) <= 0.20;
    ok_theta += theta_ratio >= 0.35 && theta_ratio <= 1.25;
    ok_delay += delay_ratio >= 0.45 && delay_ratio <= 1.5;
    ok_reach += reach_ratio >= 0.45 && reach_ratio <= 1.5;
  }
  // Stated tolerances, met by at least 14 of the 15 parameters: background count
  // within 20%, branching ratio 0.35-1.25x, mean delay 0.45-1.5x, mean reach 0.45-1.5x.
  EXPECT_GE(ok_bg, P - 1);
  EXPECT_GE(ok_theta, P - 1);
  EXPECT_GE(ok_delay, P - 1);
  EXPECT_GE(ok_reach, P - 1);
}
