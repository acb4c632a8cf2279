// A what-if with transit hosts on the demo district's own feed: the generated
// GTFS read back through io, tram 5's streets as the footprint on the district's
// real street network, a one-parameter truth simulated with and without hosts on
// the whole line at all hours. The share prevented on the line's streets must be
// what the evidence row `transit_host` gives (E[max(0, 1 - RR)] over its two-piece
// log-normal, as the simulator draws it), and streets off the line must not change
// beyond the spill-over footprint (the same draws: common random numbers).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <numbers>
#include <numeric>

#include "../simulation/sim_fixture.hpp"
#include "demo_network.hpp"
#include "test_data.hpp"
#include "tryggve/demo/district.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/demo/transit.hpp"
#include "tryggve/io/gtfs.hpp"
#include "tryggve/pipeline/evidence_file.hpp"
#include "tryggve/scenario/run.hpp"
#include "tryggve/scenario/scenario.hpp"
#include "tryggve/simulation/spillover.hpp"
#include "tryggve/transit/system.hpp"

using namespace tryggve;
using namespace tryggve::simulation;

namespace {

namespace fs = std::filesystem;

struct DemoHostWorld {
  demo::District district = demo::build_district("2025-06-01");
  transit::System sys;
  pipeline::MapResult map;
  std::unique_ptr<CellNetwork> cells;
  DemoHostWorld() {
    demo::DemoOptions o;
    o.months = 2;
    const auto model = demo::build_model(o, district);
    const auto truth = demo::simulate_transit(o, district, model);
    const fs::path dir = test::temp_dir("transit_host_demo");
    demo::write_transit(dir, truth, model);
    io::CrsContext crs = io::CrsContext::from_spec("EPSG:3006");
    sys = transit::build(io::read_gtfs((dir / "gtfs").string(), crs));
    fs::remove_all(dir);
    map.net = test::demo_network(district);  // the generator's segments as edges, exact positions
    map.lixels = network::Lixelization(map.net, 50.0);
    cells = std::make_unique<CellNetwork>(map.net, map.lixels, 300.0);
  }
};

const char* kScenario =
    "version: 1\nname: hosts\ninputs:\n  streets: streets.osm\n  incidents: incidents.csv\ninterventions:\n"
    "  - type: transit_host\n"
    "    name: hosts on tram 5\n"
    "    where: {line: \"5\", corridor_m: 20, radius_m: 0}\n"
    "    when: {hours: \"00-24\"}\n"
    "    hosts: 2\n"
    "    coverage: 1\n";

double mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); }

TEST(TransitHostDemo, PreventedShareOnTheLineMatchesTheEvidenceAndOffLineStreetsStayPut) {
  const DemoHostWorld w;
  const auto evidence = pipeline::load_default_evidence();
  const auto spec = scenario::parse(kScenario, "hosts.yaml").scenarios.at(0).interventions.at(0);
  std::vector<CellId> core;
  Intervention iv = scenario::make_intervention(spec, w.map, *w.cells, evidence, 10.0, &core, &w.sys);
  iv.end_month = 2;
  ASSERT_GT(core.size(), 20u);
  ASSERT_LT(core.size(), w.cells->size() / 2);
  HourCalendar cal{local_months(simtest::stockholm(), 2025, 3, 2), simtest::stockholm(), Place{}};
  FittedModel model;
  auto P = simtest::truth(*w.cells, cal, 20000.0 / cal.size(), 0.0, 1.0 / 24.0, 80.0, 1.0);
  P.darkness_applies = false;
  model.traits.push_back({"public_disorder", false, false, 1.0});
  model.parameters.push_back(P);
  SimulatorOptions so;
  so.replicates = 60;
  so.seed = 20261203;
  EventTable history;
  Simulator sim(model, *w.cells, cal, history, {}, evidence, so);
  const auto r = sim.run({Scenario{"hosts", {iv}}});
  const auto base = r.cell_means(0), hosts = r.cell_means(1);
  double core_base = 0;
  for (CellId c : core) core_base += base[c];
  ASSERT_GT(core_base, 200.0);
  const EvidenceRow* row = evidence.find("transit_host", model.traits[0]);
  ASSERT_NE(row, nullptr);
  double expected = 0;
  for (double z = -6 + 0.0005; z < 6; z += 0.001)
    expected += std::max(0.0, 1.0 - draw_rr(*row, z)) * std::exp(-0.5 * z * z) * 0.001 / std::sqrt(2 * std::numbers::pi);
  const double share = mean(r.core_prevented(1)) / core_base;
  EXPECT_GE(share, 0.0);
  EXPECT_LE(share, 1.0 - row->rr_low);
  EXPECT_NEAR(share, expected, 0.025);
  // Off the line: beyond the diffusion buffer and the displacement ring nothing
  // changes; inside them the change is bounded by the shares of what was prevented.
  const auto fp = spillover_footprint(*w.cells, core, iv.spillover, "test");
  std::vector<char> near(w.cells->size(), 0);
  for (CellId c : core) near[c] = 1;
  for (CellId c : fp.diffusion_cells) near[c] = 2;
  for (CellId c : fp.ring_cells) near[c] = 3;
  double far_change = 0, far_base = 0, ring_change = 0;
  for (CellId c = 0; c < w.cells->size(); ++c) {
    if (near[c] == 0) {
      far_change += std::abs(hosts[c] - base[c]);
      far_base += base[c];
    }
    if (near[c] >= 2) ring_change += hosts[c] - base[c];
  }
  ASSERT_GT(far_base, 0.0);
  EXPECT_LE(far_change, 1e-9 * far_base);
  const double prevented = mean(r.core_prevented(1));
  EXPECT_LE(std::abs(ring_change), prevented + 1e-9);  // displaced and diffused: shares (<= 1) of what the core prevents
  std::cout << "transit hosts on the demo's tram 5: " << core.size() << " of " << w.cells->size() << " cells, "
            << core_base << " incidents on them in the baseline; prevented share " << share << " (expected " << expected
            << "); off-line change " << far_change << " of " << far_base << "; buffer and ring " << ring_change << "\n";
}

}  // namespace
