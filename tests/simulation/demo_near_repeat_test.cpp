// The Knox test that feeds the self-exciting model, on the demo district where the
// truth is known: every parameter has near repeats (branching ratio 0.2-0.3), and
// the generator records which incident triggered which, so the offspring share and
// the real parent-to-child delays can be set beside what the Knox table says.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include "demo_network.hpp"
#include "sim_fixture.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/simulation/near_repeat.hpp"

using namespace tryggve;
using namespace tryggve::simulation;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? NAN : v[v.size() / 2];
}

}  // namespace

TEST(DemoNearRepeat, KnoxSeesThePlantedNearRepeatsAndTheirScale) {
  demo::DemoOptions o;
  o.months = 18;
  const auto data = demo::simulate(o);
  const network::Network net = test::demo_network(data.district);
  const network::Lixelization lix(net, 20.0);
  const CellNetwork cells(net, lix, 300.0);  // as scenarios/demo.yaml
  const HourCalendar cal(local_months(simtest::stockholm(), o.start_year, o.start_month, o.months), simtest::stockholm(),
                         Place{data.district.centre_lat, data.district.centre_lon});
  std::vector<ObservedEvent> obs;
  std::unordered_map<std::int64_t, const demo::DemoIncident*> by_id;
  for (const auto& i : data.incidents) {
    obs.push_back({{i.segment, i.offset_m}, {i.utc, i.utc_offset_s}, static_cast<ParameterId>(i.parameter), i.outdoor});
    by_id[i.id] = &i;
  }
  const std::size_t P = data.model.parameters.size();
  const EventTable table = make_event_table(obs, cells, cal, P);

  std::size_t detected = 0;
  std::vector<double> theta_ratio, delay_ratio;
  for (std::size_t p = 0; p < P; ++p) {
    const auto& pm = data.model.parameters[p];
    const auto nr = near_repeat_evidence(table.by_parameter[p], cells, 60.0);
    // The truth in this realisation: share of offspring, mean parent-to-child delay.
    std::size_t n = 0, off = 0;
    double delay = 0;
    for (const auto& i : data.incidents) {
      if (i.parameter != p) continue;
      ++n;
      if (!i.offspring) continue;
      ++off;
      delay += static_cast<double>(i.utc - by_id.at(i.parent)->utc) / 86400.0;
    }
    const double share = static_cast<double>(off) / n, mean_delay = delay / std::max<std::size_t>(off, 1);
    std::printf("%-24s n %5zu offspring %.2f (branching %.2f) delay %.1f d | knox near %.2f p %.2f %s theta %.3f "
                "delay %.1f d sigma %.0f m (walk mean %.0f m)\n",
                pm.code.c_str(), n, share, pm.branching_ratio, mean_delay, nr.near_ratio, nr.near_p_value,
                nr.detected ? "seen" : "NOT SEEN", nr.theta, nr.mean_delay_days(), nr.sigma_m, pm.trigger_mean_m);
    ASSERT_TRUE(nr.tested);
    if (!nr.detected) continue;
    ++detected;
    theta_ratio.push_back(nr.theta / share);
    delay_ratio.push_back(nr.mean_delay_days() / mean_delay);
    EXPECT_GT(nr.theta, 0.0) << pm.code;
    EXPECT_LT(nr.theta, 0.9) << pm.code;
  }
  // Every parameter has near repeats; the sparsest (a few hundred incidents over a
  // district whose background is itself concentrated) may escape a 99-permutation test.
  EXPECT_GE(detected, P - 2);
  // Scale: the planted hotspots that start, grow and fade also put pairs close in
  // space and weeks apart, which the table cannot tell from slow near repeats; in the
  // middle of the parameters the estimates are still of the right size.
  std::printf("median knox theta / offspring share %.2f, knox delay / true delay %.2f\n", median(theta_ratio),
              median(delay_ratio));
  EXPECT_GT(median(theta_ratio), 0.5);
  EXPECT_LT(median(theta_ratio), 2.0);
  EXPECT_GT(median(delay_ratio), 0.5);
  EXPECT_LT(median(delay_ratio), 2.5);
}
