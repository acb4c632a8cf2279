// The Monte Carlo simulator: determinism at any thread count, common random
// numbers (a scenario that changes nothing IS the baseline, to the event), and
// the places and times where each intervention may and may not act.
#include <gtest/gtest.h>

#include <oneapi/tbb/global_control.h>

#include <cmath>
#include <numeric>

#include "sim_fixture.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/simulation/intervention.hpp"

using namespace tryggve;
using namespace tryggve::simulation;
using namespace tryggve::simtest;

namespace {

const char* kHeader = "intervention,parameter,rr_central,rr_low,rr_high,applies_when,source,note\n";
// Fixed reporting (70% recorded, 10% more while present) unless a test says otherwise.
const char* kReporting = "reporting_rate,*,0.7,0.7,0.7,always,test,\nreporting_presence,*,1.1,1.1,1.1,always,test,\n";

// A one- or two-parameter world on a 6 x 6 grid (100 m blocks, 50 m cells).
struct SimWorld {
  World w{6, 100.0, 50.0, 300.0};
  HourCalendar cal;
  FittedModel model;
  EventTable history;
  EvidenceTable evidence;

  SimWorld(int year, int month, int months, Place place, double theta, const std::string& evidence_rows,
           bool darkness_sensitive = true)
      : cal(local_months(stockholm(), year, month, months), stockholm(), place),
        evidence(EvidenceTable::parse(std::string(kHeader) + evidence_rows + kReporting, "test.csv")) {
    auto P = truth(*w.cells, cal, 400.0 / cal.size(), theta, 1.0 / 24.0, 80.0, darkness_sensitive ? 2.0 : 1.0);
    P.darkness_applies = darkness_sensitive;
    model.traits.push_back({"street_robbery", darkness_sensitive, false, 1.0});
    model.parameters.push_back(P);
  }
  RunResult run(const std::vector<Scenario>& sc, int replicates = 20, std::uint64_t seed = 7) const {
    SimulatorOptions o;
    o.replicates = replicates;
    o.seed = seed;
    Simulator sim(model, *w.cells, cal, history, {}, evidence, o);
    return sim.run(sc);
  }
  std::vector<CellId> all_cells() const {
    std::vector<CellId> v(w.cells->size());
    std::iota(v.begin(), v.end(), 0);
    return v;
  }
};

double total(const RunResult& r, int s, Measure m = Measure::True) { return r.total(s, m).mean; }

}  // namespace

TEST(Simulator, SameSeedSameNumbersAtOneAndTwoThreads) {
  SimWorld sw(2025, 1, 3, Place{}, 0.4, "lighting,outdoor_dark,0.6,0.5,0.8,dark,test,\n");
  Scenario s{"light", {make_lighting("all", {0, 1, 2, 3, 4, 5, 6, 7}, 10, 1e5)}};
  RunResult one, two;
  {
    tbb::global_control g(tbb::global_control::max_allowed_parallelism, 1);
    one = sw.run({s}, 16);
  }
  {
    tbb::global_control g(tbb::global_control::max_allowed_parallelism, 2);
    two = sw.run({s}, 16);
  }
  EXPECT_EQ(one.true_counts, two.true_counts);
  EXPECT_EQ(one.recorded_counts, two.recorded_counts);
  EXPECT_EQ(one.cell_mean, two.cell_mean);
  EXPECT_EQ(one.zone_counts, two.zone_counts);
  EXPECT_GT(total(one, 0), 0.0);
  // A different seed gives different numbers (the test could fail).
  EXPECT_NE(sw.run({s}, 16, 8).true_counts, one.true_counts);
}

TEST(Simulator, ScenarioWithRelativeRiskOneIsTheBaselineExactly) {
  // RR = 1 everywhere, spill-over on, no reporting uplift: every event of the
  // dominating process survives in the scenario exactly when it does in the baseline.
  SimWorld sw(2025, 1, 2, Place{}, 0.5, "nothing,*,1.0,1.0,1.0,always,test,\n");
  Intervention iv = make_patrol("p", {3, 4, 5}, WeeklyWindow{0x7F, 0, 24}, 50, 15, 1e5);
  iv.evidence_key = "nothing";
  iv.reporting_uplift = 0.0;
  const auto r = sw.run({Scenario{"same", {iv}}});
  const std::size_t per = r.true_counts.size() / 2;
  EXPECT_TRUE(std::equal(r.true_counts.begin(), r.true_counts.begin() + per, r.true_counts.begin() + per));
  EXPECT_TRUE(std::equal(r.recorded_counts.begin(), r.recorded_counts.begin() + per, r.recorded_counts.begin() + per));
  const auto d = r.difference(1, Measure::True);
  EXPECT_EQ(d.mean, 0.0);
  EXPECT_EQ(d.low, 0.0);
  EXPECT_EQ(d.high, 0.0);
  // ... while a real effect in the same run moves the numbers.
  Intervention real = iv;
  real.evidence_key = "strong";
  // Without spill-over: a displacement ring much larger than the core can add
  // more incidents than the core loses (the ring's rise is per cell).
  real.spillover.enabled = false;
  SimWorld sw2(2025, 1, 2, Place{}, 0.5, "nothing,*,1.0,1.0,1.0,always,test,\nstrong,*,0.5,0.4,0.6,present,test,\n");
  const auto r2 = sw2.run({Scenario{"same", {iv}}, Scenario{"strong", {real}}});
  EXPECT_EQ(r2.difference(1, Measure::True).mean, 0.0);
  EXPECT_LT(r2.difference(2, Measure::True).mean, 0.0);
}

TEST(Simulator, LightingActsOnlyInTheDark) {
  // A huge lighting effect (RR 0.05) on every cell, only when dark.
  const std::string ev = "lighting,outdoor_dark,0.05,0.05,0.05,dark,test,\n";
  Scenario s{"light", {}};
  {
    // June at 66.5 N (midnight sun): never below civil dusk, so nothing changes.
    SimWorld sw(2025, 6, 1, Place{66.5, 25.7}, 0.3, ev);
    double dark = 0;
    for (std::size_t h = 0; h < sw.cal.size(); ++h) dark += sw.cal.dark_fraction(h);
    ASSERT_EQ(dark, 0.0);
    s.interventions = {make_lighting("all", sw.all_cells(), 100, 1e6)};
    const auto r = sw.run({s});
    EXPECT_GT(total(r, 0), 50.0);
    EXPECT_EQ(total(r, 1), total(r, 0));
  }
  {
    // June at 57.7 N: the sun dips below -6 degrees only around solar midnight
    // (its lowest is about -8.9 degrees at the solstice), so a small share of hours is dark.
    SimWorld sw(2025, 6, 1, Place{57.7, 11.97}, 0.0, ev);
    double dark = 0;
    for (std::size_t h = 0; h < sw.cal.size(); ++h) dark += sw.cal.dark_fraction(h);
    const double dark_share = dark / sw.cal.size();
    EXPECT_GT(dark_share, 0.05);
    EXPECT_LT(dark_share, 0.2);
    s.interventions = {make_lighting("all", sw.all_cells(), 100, 1e6)};
    const auto r = sw.run({s}, 40);
    const double cut = 1.0 - total(r, 1) / total(r, 0);
    // Expected: 0.95 x the dark share of events, 2d / (1 + d) with darkness doubling the rate.
    const double expect = 0.95 * 2 * dark_share / (1 + dark_share);
    EXPECT_NEAR(cut, expect, 0.1);
  }
  {
    // December at 57.7 N: most evening and night hours are dark; the cut is large.
    SimWorld sw(2025, 12, 1, Place{57.7, 11.97}, 0.0, ev);
    s.interventions = {make_lighting("all", sw.all_cells(), 100, 1e6)};
    const auto r = sw.run({s}, 20);
    EXPECT_GT(1.0 - total(r, 1) / total(r, 0), 0.5);
  }
  {
    // A parameter that is not darkness sensitive is untouched by lighting.
    SimWorld sw(2025, 12, 1, Place{57.7, 11.97}, 0.3, ev, false);
    s.interventions = {make_lighting("all", sw.all_cells(), 100, 1e6)};
    const auto r = sw.run({s});
    EXPECT_EQ(total(r, 1), total(r, 0));
  }
}

TEST(Simulator, PatrolActsOnlyInItsWindow) {
  const std::string ev = "hotspot_policing,*,0.05,0.05,0.05,present,test,\n";
  const WeeklyWindow fri_evening{1u << 4, 18, 24};
  for (bool inside : {false, true}) {
    SimWorld sw(2025, 3, 2, Place{}, 0.0, ev, false);
    // Events only outside (or only inside) Friday 18-24.
    auto& h = sw.model.parameters[0].hour_of_week;
    for (int k = 0; k < kHoursOfWeek; ++k) h[k] = (fri_evening.contains(k) == inside) ? 1.0 : 0.0;
    for (double& m : sw.model.parameters[0].mu) m *= inside ? 168.0 / 6.0 : 1.0;
    Intervention p = make_patrol("fri", sw.all_cells(), fri_evening, 12, 15, 1e5);
    p.residual_minutes = 1e-6;  // no residual deterrence: only the window counts
    p.spillover.enabled = false;
    const auto r = sw.run({Scenario{"patrol", {p}}});
    ASSERT_GT(total(r, 0), 20.0);
    if (inside) EXPECT_LT(total(r, 1), 0.15 * total(r, 0));
    else EXPECT_EQ(total(r, 1), total(r, 0));
  }
}

TEST(Simulator, ResidualDeterrenceActsJustAfterTheWindow) {
  const std::string ev = "hotspot_policing,*,0.05,0.05,0.05,present,test,\n";
  const WeeklyWindow fri_evening{1u << 4, 18, 22};
  SimWorld sw(2025, 3, 2, Place{}, 0.0, ev, false);
  auto& h = sw.model.parameters[0].hour_of_week;
  for (int k = 0; k < kHoursOfWeek; ++k) h[k] = k == 4 * 24 + 22 ? 1.0 : 0.0;  // only Fri 22-23
  for (double& m : sw.model.parameters[0].mu) m *= 168.0;
  Intervention p = make_patrol("fri", sw.all_cells(), fri_evening, 12, 15, 1e5);
  p.spillover.enabled = false;
  p.residual_minutes = 1e-6;
  const auto none = sw.run({Scenario{"p", {p}}});
  EXPECT_EQ(total(none, 1), total(none, 0));
  p.residual_minutes = 60;
  const auto some = sw.run({Scenario{"p", {p}}});
  // Mean of e^{-t/1 h} over the first hour ~ 0.63 of the full effect.
  const double cut = 1.0 - total(some, 1) / total(some, 0);
  EXPECT_GT(cut, 0.35);
  EXPECT_LT(cut, 0.85);
}

TEST(Simulator, SpilloverRingsDiffuseInsideAndDisplaceOutside) {
  // No self-excitation, so a cell's events are independent of every other cell's:
  // outside the outer ring the scenario equals the baseline to the event.
  const std::string ev = "hotspot_policing,*,0.3,0.3,0.3,present,test,\n";
  SimWorld sw(2025, 3, 2, Place{}, 0.0, ev, false);
  const CellNetwork& cells = *sw.w.cells;
  const std::vector<CellId> core = {cells.first_cell(30), static_cast<CellId>(cells.first_cell(30) + 1)};
  Intervention p = make_patrol("p", core, WeeklyWindow{0x7F, 0, 24}, 84, 15, 1e5);
  p.spillover = Spillover{true, 150.0, 0.5, 150.0, 350.0, 0.5};
  const auto r = sw.run({Scenario{"p", {p}}}, 200);
  std::vector<double> dist(cells.size(), 1e9);
  for (auto [c, d] : cells.within(core, 1e6)) dist[c] = d;
  const auto b = r.cell_means(0), s = r.cell_means(1);
  double core_b = 0, core_s = 0, buf_b = 0, buf_s = 0, ring_b = 0, ring_s = 0;
  for (CellId c = 0; c < cells.size(); ++c) {
    const bool is_core = std::find(core.begin(), core.end(), c) != core.end();
    if (is_core) { core_b += b[c]; core_s += s[c]; }
    else if (dist[c] <= 150.0) { buf_b += b[c]; buf_s += s[c]; }
    else if (dist[c] <= 350.0) { ring_b += b[c]; ring_s += s[c]; }
    else EXPECT_EQ(s[c], b[c]) << "cell " << c << " at " << dist[c] << " m";
  }
  EXPECT_NEAR(core_s / core_b, 0.3, 0.08);
  EXPECT_LT(buf_s, buf_b);   // diffusion of benefits
  EXPECT_GT(ring_s, ring_b); // displacement
  // The WDQ with the scenario's own zones sees the displacement: buffer up, response down.
  const auto w = r.wdq_zones(1);
  ASSERT_TRUE(w.has_value());
  EXPECT_GT(r.zone_mean(1, 0, false), r.zone_mean(1, 0, true));
  EXPECT_TRUE(std::isfinite(w->mean));
}

TEST(Simulator, RecordedCanRiseWhileTrueFalls) {
  // Adults outdoors with a small effect but a large reporting uplift.
  const std::string ev = "adults_outdoors,*,0.95,0.95,0.95,present,test,\n";
  SimWorld sw(2025, 3, 2, Place{}, 0.0, ev, false);
  Intervention a = make_adult_presence("a", sw.all_cells(), WeeklyWindow{0x7F, 0, 24}, 10, 1e5);
  a.reporting_uplift = 0.3;
  a.spillover.enabled = false;
  const auto r = sw.run({Scenario{"a", {a}}}, 50);
  EXPECT_LT(r.difference(1, Measure::True).mean, 0.0);
  EXPECT_GT(r.difference(1, Measure::Recorded).mean, 0.0);
}

TEST(Simulator, CancellationStopsTheRun) {
  SimWorld sw(2025, 1, 2, Place{}, 0.3, "lighting,outdoor_dark,0.6,0.5,0.8,dark,test,\n");
  SimulatorOptions o;
  o.replicates = 50;
  o.cancelled = [] { return true; };
  Simulator sim(sw.model, *sw.w.cells, sw.cal, sw.history, {}, sw.evidence, o);
  try {
    sim.run({});
    FAIL() << "expected Interrupted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Interrupted);
  }
}

namespace {
// Monthly true or recorded totals of scenario s (one parameter, all areas).
std::vector<double> monthly(const RunResult& r, int s, Measure m) {
  std::vector<double> v;
  for (int mo = 0; mo < r.months; ++mo) {
    Slice sl;
    sl.month_from = mo;
    sl.month_to = mo + 1;
    v.push_back(r.total(s, m, sl).mean);
  }
  return v;
}
}  // namespace

TEST(Simulator, EarlyRiseThenDecayInTrueAndRecordedCounts) {
  // No effect (RR 1) but a reaction: +40% at the start, decaying over 2 weeks, and
  // 20% more reported while present. True counts: month 1 up, month 3 back to the
  // baseline; recorded counts: the same shape, 20% higher throughout. (The rise
  // stays below the dominating process's headroom, 1.5, which clamps larger ones.)
  SimWorld sw(2025, 1, 3, Place{}, 0.0, "hotspot_policing,*,1.0,1.0,1.0,present,test,\n", false);
  Intervention p = make_patrol("p", sw.all_cells(), WeeklyWindow{0x7F, 0, 24}, 84, 15, 1e5);
  p.spillover.enabled = false;
  p.reporting_uplift = 0.2;
  p.reaction.parameters = {0};
  p.reaction.peak_rise = 0.4;
  p.reaction.decay_weeks = 2.0;
  const auto r = sw.run({Scenario{"p", {p}}}, 200);
  const auto bt = monthly(r, 0, Measure::True), st = monthly(r, 1, Measure::True);
  const auto br = monthly(r, 0, Measure::Recorded), sr = monthly(r, 1, Measure::Recorded);
  std::vector<double> rt, rr;
  for (int m = 0; m < 3; ++m) {
    rt.push_back(st[m] / bt[m]);
    rr.push_back(sr[m] / br[m]);
  }
  // Mean of e^{-t / 2 weeks} over January (4.43 weeks): 2/4.43 (1 - e^{-2.21}) = 0.40;
  // over February: 0.5 (e^{-2.21} - e^{-4.21}) = 0.047.
  EXPECT_NEAR(rt[0], 1.0 + 0.4 * 0.40, 0.03);
  EXPECT_NEAR(rt[1], 1.0 + 0.4 * 0.047, 0.02);
  EXPECT_GT(rt[0], rt[1]);
  EXPECT_NEAR(rt[2], 1.0, 0.02);
  for (int m = 0; m < 3; ++m) EXPECT_NEAR(rr[m] / rt[m], 1.2, 0.03) << "month " << m;
}

TEST(Simulator, EarlyRiseDoesNotRestartAtEachMonthSpan) {
  // The same measure in months 0 and 2 (two spans, as a scenario file splits
  // "months: [0, 2]"): the rise belongs to the first start only.
  SimWorld sw(2025, 1, 3, Place{}, 0.0, "hotspot_policing,*,1.0,1.0,1.0,present,test,\n", false);
  Intervention p = make_patrol("p", sw.all_cells(), WeeklyWindow{0x7F, 0, 24}, 84, 15, 1e5);
  p.spillover.enabled = false;
  p.reporting_uplift = 0.0;
  p.reaction.parameters = {0};
  p.reaction.peak_rise = 0.4;
  p.reaction.decay_weeks = 1.0;
  Intervention a = p, b = p;
  a.start_month = 0;
  a.end_month = 1;
  b.start_month = 2;
  b.end_month = 3;
  a.reaction.start_month = b.reaction.start_month = 0;
  Intervention b_restart = b;
  b_restart.reaction.start_month = -1;  // what splitting used to do
  const auto r = sw.run({Scenario{"one origin", {a, b}}, Scenario{"restarting", {a, b_restart}}}, 200);
  const auto base = monthly(r, 0, Measure::True), one = monthly(r, 1, Measure::True), again = monthly(r, 2, Measure::True);
  // Mean of e^{-t / 1 week} over a month: (1 - e^{-4.4}) / 4.4 = 0.22, so +9%.
  EXPECT_GT(one[0] / base[0], 1.05);
  EXPECT_NEAR(one[2] / base[2], 1.0, 0.02);  // e^{-8 weeks / 1 week}: nothing left
  EXPECT_GT(again[2] / base[2], 1.05);
}
