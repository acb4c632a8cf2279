// Spill-over that conserves (simulation/spillover.hpp): displacement moves a share
// of what the core prevents, never more, to the ring and only there; diffusion of
// benefits is bounded by a share of the core's effect; the WDQ stays within what
// the evidence table implies, whatever the footprint's size. Before this model a
// one-segment core with a 600 m ring displaced nearly everything it prevented
// (WDQ -0.94 on the demo district) while three segments gave diffusion: the
// footprint's size, not the evidence, decided the sign.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <numeric>

#include "sim_fixture.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/simulation/intervention.hpp"
#include "tryggve/simulation/spillover.hpp"

using namespace tryggve;
using namespace tryggve::simulation;
using namespace tryggve::simtest;

namespace {

const char* kHeader = "intervention,parameter,rr_central,rr_low,rr_high,applies_when,source,note\n";
// A strong patrol (RR 0.4 while present, always present) and the shipped spill-over rows.
const char* kRows =
    "hotspot_policing,*,0.4,0.35,0.45,present,test,\n"
    "displacement,*,0.13,0.03,0.40,always,test,\n"
    "diffusion,*,0.14,0.03,0.50,always,test,\n"
    "reporting_rate,*,0.7,0.7,0.7,always,test,\n"
    "reporting_presence,*,1.1,1.1,1.1,always,test,\n";

// A 16 x 16 grid of 100 m blocks (480 edges, 50 m cells), one parameter.
struct SpillWorld {
  World w{16, 100.0, 50.0, 300.0};
  HourCalendar cal{local_months(stockholm(), 2025, 3, 2), stockholm(), Place{}};
  FittedModel model;
  EventTable history;
  EvidenceTable evidence = EvidenceTable::parse(std::string(kHeader) + kRows, "test.csv");
  explicit SpillWorld(double theta) {
    auto P = truth(*w.cells, cal, 15000.0 / cal.size(), theta, 1.0 / 24.0, 80.0, 1.0);
    P.darkness_applies = false;
    model.traits.push_back({"public_disorder", false, false, 1.0});
    model.parameters.push_back(P);
  }
  RunResult run(const std::vector<Scenario>& sc, int replicates) const {
    SimulatorOptions o;
    o.replicates = replicates;
    o.seed = 20261202;
    Simulator sim(model, *w.cells, cal, history, {}, evidence, o);
    return sim.run(sc);
  }
  // The cells of edges [first, first + n).
  std::vector<CellId> cells_of_edges(network::EdgeId first, int n) const {
    std::vector<CellId> v;
    for (network::EdgeId e = first; e < first + static_cast<network::EdgeId>(n); ++e)
      for (CellId k = 0; k < w.cells->cell_count(e); ++k) v.push_back(w.cells->first_cell(e) + k);
    return v;
  }
  // Every cell whose midpoint lies in the box [x0, x1] x [y0, y1]: an "area".
  std::vector<CellId> cells_in_box(double x0, double y0, double x1, double y1) const {
    std::vector<CellId> v;
    for (CellId c = 0; c < w.cells->size(); ++c) {
      const Point p = w.net.point_at(w.cells->cell(c).edge, 0.5 * (w.cells->cell(c).start + w.cells->cell(c).end));
      if (p.x >= x0 && p.x <= x1 && p.y >= y0 && p.y <= y1) v.push_back(c);
    }
    return v;
  }
};

Intervention patrol(const std::vector<CellId>& cells) {
  return make_patrol("p", cells, WeeklyWindow{0x7F, 0, 24}, 84, 15, 1e5);
}

struct Footprint {
  const char* name;
  std::vector<CellId> cells;
};

std::vector<Footprint> footprints(const SpillWorld& sw) {
  // Edge ids run along the grid's rows (two per crossing); 130 lies west of the middle.
  // The area (400 m square) leaves streets beyond its 600 m ring for the control zone.
  return {{"one segment", sw.cells_of_edges(130, 1)},
          {"three segments", sw.cells_of_edges(129, 3)},
          {"a whole area", sw.cells_in_box(100, 100, 500, 500)}};
}

double mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / v.size(); }

}  // namespace

TEST(Spillover, DisplacedIsAtMostTheShareOfPreventedInEveryReplicate) {
  for (double theta : {0.0, 0.3}) {
    SpillWorld sw(theta);
    for (const auto& f : footprints(sw)) {
      SCOPED_TRACE(std::string(f.name) + ", theta " + std::to_string(theta));
      Intervention iv = patrol(f.cells);
      iv.spillover.displacement_share = 0.3;
      iv.spillover.diffusion_share = 0.2;
      const auto r = sw.run({Scenario{"p", {iv}}}, 60);
      const auto prevented = r.core_prevented(1), displaced = r.displaced(1);
      ASSERT_EQ(prevented.size(), 60u);
      for (std::size_t k = 0; k < prevented.size(); ++k) {
        EXPECT_LE(displaced[k], 0.3 * prevented[k] + 1e-9) << "replicate " << k;
        // One parameter and one intervention: the share rounded down, no less.
        EXPECT_GT(displaced[k], 0.3 * prevented[k] - 1.0) << "replicate " << k;
      }
      EXPECT_GT(mean(prevented), 5.0);
    }
  }
}

TEST(Spillover, DisplacedIncidentsLandInTheRingAndNowhereElse) {
  // No self-excitation: a moved incident has no offspring, so the ring's rise is
  // exactly the displaced count, and no cell outside core, buffer and ring moves.
  SpillWorld sw(0.0);
  const auto core = sw.cells_of_edges(129, 3);
  Intervention iv = patrol(core);
  iv.spillover = Spillover{true, 150.0, 0.0, 150.0, 400.0, 0.5};
  const auto r = sw.run({Scenario{"p", {iv}}}, 80);
  const SpilloverFootprint f = spillover_footprint(*sw.w.cells, core, iv.spillover, "test");
  ASSERT_FALSE(f.ring_cells.empty());
  std::vector<char> zone(sw.w.cells->size(), 3);  // 0 core, 1 buffer, 2 ring, 3 outside
  for (CellId c : core) zone[c] = 0;
  for (CellId c : f.diffusion_cells) zone[c] = 1;
  for (CellId c : f.ring_cells) zone[c] = 2;
  const auto b = r.cell_means(0), s = r.cell_means(1);
  double ring_rise = 0.0;
  for (CellId c = 0; c < sw.w.cells->size(); ++c) {
    if (zone[c] == 2) ring_rise += s[c] - b[c];
    if (zone[c] == 1 || zone[c] == 3) EXPECT_EQ(s[c], b[c]) << "cell " << c;  // diffusion share 0
  }
  const double displaced = mean(r.displaced(1));
  EXPECT_NEAR(ring_rise, displaced, 1e-9);
  EXPECT_NEAR(displaced, 0.5 * mean(r.core_prevented(1)), 0.5);
  // Where they land follows the ring's baseline: the hotspot cells (c % 17 == 3, 12x
  // the rate) take about 12x as many per cell as the others.
  double hot = 0, cold = 0, n_hot = 0, n_cold = 0;
  for (CellId c : f.ring_cells) {
    if (c % 17 == 3) { hot += s[c] - b[c]; ++n_hot; }
    else { cold += s[c] - b[c]; ++n_cold; }
  }
  if (n_hot > 0 && cold > 0) EXPECT_GT((hot / n_hot) / (cold / n_cold), 4.0);
}

TEST(Spillover, DiffusionIsBoundedByTheShareOfTheCoresEffect) {
  SpillWorld sw(0.0);
  for (const auto& f : footprints(sw)) {
    SCOPED_TRACE(f.name);
    for (double share : {0.2, 0.6}) {
      Intervention iv = patrol(f.cells);
      iv.spillover = Spillover{true, 300.0, share, 150.0, 300.0, 0.0};  // no ring, no displacement
      const auto r = sw.run({Scenario{"p", {iv}}}, 100);
      const SpilloverFootprint fp = spillover_footprint(*sw.w.cells, f.cells, iv.spillover, "test");
      const auto b = r.cell_means(0), s = r.cell_means(1);
      double core_drop = 0, buffer_drop = 0;
      for (CellId c : f.cells) core_drop += b[c] - s[c];
      for (CellId c : fp.diffusion_cells) buffer_drop += b[c] - s[c];
      ASSERT_GT(core_drop, 1.0);
      EXPECT_GT(buffer_drop, 0.0);
      // In expectation buffer_drop = Σ min(1, share w) x effect x λ <= share x core_drop;
      // 10% for Monte Carlo noise (common random numbers keep it small).
      EXPECT_LE(buffer_drop, share * core_drop * 1.10) << "share " << share;
      EXPECT_EQ(mean(r.displaced(1)), 0.0);
    }
  }
}

TEST(Spillover, MeanWdqStaysWithinWhatTheEvidenceImplies) {
  // Shares drawn from the evidence rows: displacement 0.03 .. 0.40, diffusion 0.03 ..
  // 0.50 (90%), so the WDQ (diffusion minus displacement, per prevented incident)
  // should lie in [0.03 - 0.40, 0.50 - 0.03] whatever the footprint, and never near
  // -1 (displacement eating the gain). With near repeats the prevented incidents'
  // offspring vanish around the core as well, which only adds to diffusion.
  for (double theta : {0.0, 0.3}) {
    SpillWorld sw(theta);
    for (const auto& f : footprints(sw)) {
      SCOPED_TRACE(std::string(f.name) + ", theta " + std::to_string(theta));
      const auto r = sw.run({Scenario{"p", {patrol(f.cells)}}}, 200);
      const auto w = r.wdq_zones(1);
      ASSERT_TRUE(w.has_value()) << "zones (baseline, scenario): " << r.zone_mean(1, 0, false) << " " << r.zone_mean(1, 0, true) << " | "
                                 << r.zone_mean(1, 1, false) << " " << r.zone_mean(1, 1, true) << " | " << r.zone_mean(1, 2, false)
                                 << " " << r.zone_mean(1, 2, true);
      EXPECT_GE(w->mean, 0.03 - 0.40);
      EXPECT_LE(w->mean, theta > 0 ? 1.0 : 0.50 - 0.03);
      const double d = mean(r.displaced(1)), p = mean(r.core_prevented(1));
      EXPECT_LE(d, p);
      EXPECT_GT(d, 0.0);
      std::cout << f.name << ", theta " << theta << ": WDQ " << w->mean << " (90%: " << w->low << " .. " << w->high
                << "), prevented on the core " << p << ", displaced " << d << "\n";
    }
  }
}

TEST(Spillover, FootprintAndWeightsByHand) {
  // A straight street of five 100 m edges, 50 m cells; the core is the middle edge.
  network::Network net = [] {
    std::vector<Point> v;
    for (int i = 0; i <= 5; ++i) v.push_back({i * 100.0, 0.0});
    std::vector<network::Edge> edges;
    for (int i = 0; i < 5; ++i) {
      network::Edge e;
      e.from = static_cast<network::VertexId>(i);
      e.to = static_cast<network::VertexId>(i + 1);
      e.geometry = {v[i], v[i + 1]};
      e.length = 100.0;
      edges.push_back(e);
    }
    return network::Network(v, edges);
  }();
  network::Lixelization lix(net, 50.0);
  CellNetwork cells(net, lix, 300.0);
  // Cells 0..9 along the street, midpoints at 25, 75, ..., 475 m; the core is 4, 5.
  const std::vector<CellId> core = {4, 5};
  Spillover s{true, 100.0, 0.5, 50.0, 200.0, 0.2};
  const auto f = spillover_footprint(cells, core, s, "test");
  // Within 100 m of the core's midpoints (225, 275): cells 2, 3 (175, 125 ... ) and 6, 7.
  std::vector<CellId> diff = f.diffusion_cells, ring = f.ring_cells;
  std::sort(diff.begin(), diff.end());
  std::sort(ring.begin(), ring.end());
  EXPECT_EQ(diff, (std::vector<CellId>{2, 3, 6, 7}));
  EXPECT_EQ(ring, (std::vector<CellId>{0, 1, 8, 9}));
  // Uniform baseline 1 per cell: weights e^{-d/50} scaled so that Σ w = 2 (the core's).
  const std::vector<double> lambda(cells.size(), 1.0);
  const auto w = diffusion_weights(f, core, lambda);
  double sum = 0.0;
  for (double x : w) sum += x;
  EXPECT_NEAR(sum, 2.0, 1e-12);
  // Cells at 50 m and 100 m: w(50) / w(100) = e^{1}.
  for (std::size_t k = 0; k < w.size(); ++k)
    for (std::size_t j = 0; j < w.size(); ++j)
      if (f.diffusion_decay[k] > f.diffusion_decay[j]) EXPECT_NEAR(w[k] / w[j], std::exp(1.0), 1e-9);
  // No baseline in the core: no diffusion at all.
  std::vector<double> none = lambda;
  none[4] = none[5] = 0.0;
  for (double x : diffusion_weights(f, core, none)) EXPECT_EQ(x, 0.0);
  // Bad rings are refused with the place named.
  EXPECT_THROW(spillover_footprint(cells, core, Spillover{true, 300.0, 0.5, 50.0, 200.0, 0.2}, "x"), Error);
}
