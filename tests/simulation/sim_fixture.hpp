#pragma once
// Small hand-built networks and a known "truth" model for the simulation tests:
// the forward simulator generates data from the truth, the fit must recover it.
#include <cmath>
#include <memory>
#include <numbers>

#include "tryggve/network/lixels.hpp"
#include "tryggve/network/network.hpp"
#include "tryggve/simulation/calendar.hpp"
#include "tryggve/simulation/cells.hpp"
#include "tryggve/simulation/evidence.hpp"
#include "tryggve/simulation/model.hpp"
#include "tryggve/simulation/simulator.hpp"

namespace tryggve::simtest {

using namespace tryggve::simulation;

// An n × n grid of streets with `spacing` metres between crossings.
inline network::Network grid(int n, double spacing) {
  std::vector<Point> v;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) v.push_back({i * spacing, j * spacing});
  std::vector<network::Edge> edges;
  auto mk = [&](int a, int b) {
    network::Edge e;
    e.from = static_cast<network::VertexId>(a);
    e.to = static_cast<network::VertexId>(b);
    e.geometry = {v[a], v[b]};
    e.length = distance(v[a], v[b]);
    edges.push_back(e);
  };
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      if (i + 1 < n) mk(j * n + i, j * n + i + 1);
      if (j + 1 < n) mk(j * n + i, (j + 1) * n + i);
    }
  return network::Network(v, edges);
}

inline TimeZone stockholm() { return TimeZone::from_name("CET-1CEST,M3.5.0,M10.5.0/3"); }

// Everything a test needs, owned in one place (the simulation objects keep references).
struct World {
  network::Network net;
  network::Lixelization lix;
  std::unique_ptr<CellNetwork> cells;
  World(int n, double spacing, double lixel_m, double cutoff_m)
      : net(grid(n, spacing)), lix(net, lixel_m), cells(std::make_unique<CellNetwork>(net, lix, cutoff_m)) {}
};

// The fit tests' world: a 10 × 10 grid at 100 m (180 edges), 50 m cells, near repeats
// looked for within 400 m, two years from January 2022 at Backa's latitude.
struct TwoYearGrid {
  World w{10, 100.0, 50.0, 400.0};
  HourCalendar cal{local_months(stockholm(), 2022, 1, 24), stockholm(), Place{57.75, 11.98}};
};

// A known model: background on every cell plus a few hotspots, an evening peak,
// a winter high, darkness doubling outdoor risk, near repeats.
inline EtasParameters truth(const CellNetwork& cells, const HourCalendar& cal, double total_events_per_hour,
                            double theta, double omega_per_hour, double sigma_m, double dark_factor) {
  EtasParameters P;
  P.mu.assign(cells.size(), 0.0);
  double s = 0.0;
  for (CellId c = 0; c < cells.size(); ++c) {
    P.mu[c] = cells.length(c) * ((c % 17 == 3) ? 12.0 : 1.0);
    s += P.mu[c];
  }
  for (double& m : P.mu) m *= total_events_per_hour / s;
  for (int k = 0; k < kHoursOfWeek; ++k) {
    const int hour = k % 24, day = k / 24;
    P.hour_of_week[k] = (1.0 + 0.8 * std::cos(2 * std::numbers::pi * (hour - 20) / 24.0)) * (day >= 4 ? 1.3 : 1.0);
  }
  for (int m = 0; m < 12; ++m) P.month_of_year[m] = 1.0 + 0.3 * std::cos(2 * std::numbers::pi * m / 12.0);
  // Mean 1 over the calendar's hours, as the fit reports them.
  double hs = 0, ms = 0;
  for (std::size_t h = 0; h < cal.size(); ++h) { hs += P.hour_of_week[cal[h].hour_of_week]; ms += P.month_of_year[cal[h].month_of_year]; }
  for (double& x : P.hour_of_week) x *= cal.size() / hs;
  for (double& x : P.month_of_year) x *= cal.size() / ms;
  P.darkness_applies = dark_factor != 1.0;
  P.dark_factor = dark_factor;
  P.theta = theta;
  P.omega_per_hour = omega_per_hour;
  P.sigma_m = sigma_m;
  P.max_lag_hours = 30 * 24.0;
  return P;
}

// Simulates `replicate` of a one-parameter truth over the calendar (no history,
// everything recorded) and returns the events as the fit sees them.
inline std::vector<CellEvent> synthesise(const EtasParameters& P, bool darkness_sensitive, const CellNetwork& cells,
                                         const HourCalendar& cal, std::uint64_t seed, int replicate = 0,
                                         std::size_t* triggered = nullptr) {
  FittedModel m;
  m.traits.push_back({"x", darkness_sensitive, false, 1.0});
  m.parameters.push_back(P);
  EventTable none;
  EvidenceTable ev;
  SimulatorOptions o;
  o.replicates = 1;
  o.seed = seed;
  o.headroom = 1.0;
  o.default_reporting_rate = 1.0;
  Simulator sim(m, cells, cal, none, {}, ev, o);
  std::vector<CellEvent> out;
  std::size_t trig = 0;
  for (const auto& e : sim.simulate_events(0, replicate)) {
    CellEvent ce;
    ce.t = e.t;
    ce.cell = e.cell;
    const auto& hi = cal[static_cast<std::size_t>(e.t)];
    ce.hour_of_week = hi.hour_of_week;
    ce.month_of_year = hi.month_of_year;
    ce.dark = cal.is_dark(e.t);
    out.push_back(ce);
    trig += e.triggered;
  }
  if (triggered) *triggered = trig;
  return out;
}

}  // namespace tryggve::simtest
