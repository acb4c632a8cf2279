// The follow-up of deployed measures against the demo district's planted truth:
// the generator switched on a lamp line (month 14, RR 0.64 in the dark), ran foot
// patrols (months 18-20, Thu-Sat evenings, RR 0.77) and sent adults out in the
// evenings (from month 24: true RR 0.85 after an early rise, reports up 10%). Each
// must be recovered with the truth inside its 90% interval, and a placebo (a
// "deployment" where nothing was done) must show no effect.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <fmt/format.h>

#include "demo_network.hpp"
#include "sim_fixture.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/simulation/followup.hpp"

using namespace tryggve;
using namespace tryggve::simulation;

namespace {

// The shipped evidence rows the deployments name (the follow-up only needs which
// parameters and hours they act on, not their numbers).
const char* kEvidence =
    "intervention,parameter,rr_central,rr_low,rr_high,applies_when,source,note\n"
    "lighting,outdoor_dark,0.64,0.50,0.85,dark,test,\n"
    "hotspot_policing,*,0.84,0.75,0.93,present,test,\n"
    "adults_outdoors,*,0.98,0.85,1.10,present,test,\n";

struct DemoFollowup {
  demo::DemoData data = demo::simulate(demo::DemoOptions{});
  network::Network net = test::demo_network(data.district);
  network::Lixelization lix{net, 50.0};
  CellNetwork cells{net, lix, 300.0};
  HourCalendar cal{local_months(simtest::stockholm(), data.options.start_year, data.options.start_month,
                                data.options.months),
                   simtest::stockholm(), Place{data.district.centre_lat, data.district.centre_lon}};
  std::vector<ParameterTraits> traits;
  EventTable events;
  EvidenceTable evidence = EvidenceTable::parse(kEvidence, "test.csv");

  DemoFollowup() {
    for (const auto& pm : data.model.parameters)
      traits.push_back({pm.code, pm.darkness_sensitive, pm.setting == "indoor", 1.0});
    std::vector<ObservedEvent> obs;
    for (const auto& i : data.incidents)
      obs.push_back({{i.segment, i.offset_m}, {i.utc, i.utc_offset_s}, static_cast<ParameterId>(i.parameter), i.outdoor});
    events = make_event_table(obs, cells, cal, traits.size());
  }
  std::vector<CellId> cells_of(const std::vector<std::uint32_t>& segments) const {
    std::vector<CellId> v;
    for (auto s : segments)
      for (CellId k = 0; k < cells.cell_count(s); ++k) v.push_back(cells.first_cell(s) + k);
    return v;
  }
  // Calendar hours at the start of model month m (1-based).
  double month_start(int m) const {
    for (std::size_t h = 0; h < cal.size(); ++h)
      if (cal[h].month >= m - 1) return std::max(static_cast<double>(h), cal.start_hours());
    return cal.end_hours();
  }
  std::vector<ParameterId> not_indoor() const {
    std::vector<ParameterId> v;
    for (std::size_t p = 0; p < traits.size(); ++p)
      if (!traits[p].indoor) v.push_back(static_cast<ParameterId>(p));
    return v;
  }
  FollowupResult run(Intervention iv, int first_month, int end_month_exclusive) const {
    Deployment d;
    d.intervention = std::move(iv);
    d.start_hours = month_start(first_month);
    d.end_hours = end_month_exclusive > data.options.months ? cal.end_hours() : month_start(end_month_exclusive);
    FollowupOptions o;
    o.pre_months = 12;
    return follow_up(events, cells, cal, traits, evidence, d, o);
  }
};

const DemoFollowup& demo_world() {
  static const DemoFollowup w;
  return w;
}

void print(const char* what, const FollowupResult& r) {
  auto e = [](const Estimate& x) { return fmt::format("{:.3f} [{:.3f}, {:.3f}] ({:.0f} / {:.1f})", x.rr, x.low, x.high, x.observed, x.expected); };
  std::printf("%-10s model %s | true %s | early %s | later %s | did %s | wdq %s | pre %.0f, comparison %zu cells\n", what,
              e(r.model).c_str(), e(r.model_true).c_str(), e(r.early).c_str(), e(r.later).c_str(), e(r.did).c_str(),
              r.wdq ? fmt::format("{:.2f} [{:.2f}, {:.2f}]", r.wdq->mean, r.wdq->low, r.wdq->high).c_str() : "-",
              r.pre_observed_core, r.comparison_cells.size());
}

bool inside(const Estimate& e, double truth) { return e.low <= truth && truth <= e.high; }

}  // namespace

TEST(Followup, LampLineIsRecoveredAgainstTheCounterfactual) {
  const auto& w = demo_world();
  const auto& m = w.data.model;
  const auto r = w.run(make_lighting("lamp line", w.cells_of(w.data.district.lamp_line_segments), 21, 0),
                       m.lamp_line_month, w.data.options.months + 1);
  print("lighting", r);
  EXPECT_EQ(r.active_hours, "dark");
  ASSERT_TRUE(r.model.defined());
  EXPECT_TRUE(inside(r.model, m.lighting_relative_risk)) << r.model.rr;
  EXPECT_LT(r.model.high, 1.0) << "an effect of -36% on a lamp line is visible";
  EXPECT_TRUE(inside(r.did, m.lighting_relative_risk)) << r.did.rr;
  EXPECT_EQ(r.reporting_uplift, 0.0);
}

TEST(Followup, PatrolsAreRecoveredInTheirHours) {
  const auto& w = demo_world();
  const auto& m = w.data.model;
  Intervention iv = make_patrol("patrols", w.cells_of(m.patrol_segments), WeeklyWindow{0b0111000, 18, 24}, 12, 15, 0);
  iv.only_parameters = w.not_indoor();
  iv.reporting_uplift = 0.0;  // the generator planted no reporting change for the patrols
  const auto r = w.run(iv, m.patrol_first_month, m.patrol_last_month + 1);
  print("patrol", r);
  EXPECT_EQ(r.active_hours, "window");
  ASSERT_TRUE(r.model.defined());
  EXPECT_TRUE(inside(r.model, m.patrol_relative_risk)) << r.model.rr;
  EXPECT_TRUE(inside(r.did, m.patrol_relative_risk)) << r.did.rr;
}

TEST(Followup, AdultsOutdoorsTrueEffectApartFromReportsAndTheEarlyRise) {
  const auto& w = demo_world();
  const auto& m = w.data.model;
  Intervention iv = make_adult_presence("adults", w.cells_of(m.adults_segments), WeeklyWindow{0b0110000, 19, 23}, 8, 0);
  iv.only_parameters = w.not_indoor();
  iv.reporting_uplift = m.adults_reporting_uplift;
  const auto r = w.run(iv, m.adults_first_month, w.data.options.months + 1);
  print("adults", r);
  ASSERT_TRUE(r.later.defined());
  // After the early weeks: recorded incidents at RR x (1 + uplift), true ones at RR.
  EXPECT_TRUE(inside(r.later, m.adults_relative_risk * (1 + m.adults_reporting_uplift))) << r.later.rr;
  EXPECT_NEAR(r.model_true.rr * (1 + m.adults_reporting_uplift), r.model.rr, 1e-9);
  // More trouble at first, then less.
  EXPECT_GT(r.early.rr, r.later.rr);
}

TEST(Followup, PlaceboShowsNoEffect) {
  const auto& w = demo_world();
  const auto& m = w.data.model;
  // Streets far from every planted intervention and hotspot: a "patrol" that never happened.
  std::vector<std::uint32_t> treated = m.patrol_segments;
  treated.insert(treated.end(), m.adults_segments.begin(), m.adults_segments.end());
  treated.insert(treated.end(), w.data.district.lamp_line_segments.begin(), w.data.district.lamp_line_segments.end());
  for (const auto& h : m.hotspots) treated.insert(treated.end(), h.segments.begin(), h.segments.end());
  std::vector<std::uint32_t> placebo;
  for (const auto& s : w.data.district.segments) {
    bool far = true;
    for (auto t : treated) far &= distance(s.mid, w.data.district.segments[t].mid) > 500;
    if (far && placebo.size() < 25) placebo.push_back(s.id);
  }
  ASSERT_GE(placebo.size(), 10u);
  Intervention iv = make_patrol("placebo", w.cells_of(placebo), WeeklyWindow{0x7F, 0, 24}, 12, 15, 0);
  iv.reporting_uplift = 0.0;
  const auto r = w.run(iv, 16, w.data.options.months + 1);
  print("placebo", r);
  ASSERT_TRUE(r.model.defined());
  EXPECT_TRUE(inside(r.model, 1.0)) << r.model.rr;
  EXPECT_TRUE(inside(r.did, 1.0)) << r.did.rr;
}

TEST(Followup, RefusesWhatItCannotFollowUp) {
  const auto& w = demo_world();
  Intervention none = make_patrol("nowhere", {}, WeeklyWindow{}, 1, 15, 0);
  EXPECT_THROW(w.run(none, 20, 22), Error);
  Intervention unknown = make_patrol("unknown key", w.cells_of({1, 2}), WeeklyWindow{}, 1, 15, 0);
  unknown.evidence_key = "no_such_row";
  EXPECT_THROW(w.run(unknown, 20, 22), Error);
}

// The words every reader of a follow-up sees (month report, follow-up table, viewer).
TEST(FollowupVerdict, WordsAnIntervalOnARelativeRisk) {
  using simulation::verdict_key;
  EXPECT_EQ(verdict_key(0.6, 0.4, 0.85), "fewer_clear");
  EXPECT_EQ(verdict_key(0.9, 0.8, 0.95), "fewer_slight");
  EXPECT_EQ(verdict_key(1.5, 1.2, 1.9), "more_clear");
  EXPECT_EQ(verdict_key(1.1, 1.05, 1.2), "more_slight");
  EXPECT_EQ(verdict_key(1.0, 0.8, 1.25), "no_change");
  EXPECT_EQ(verdict_key(6.75, 0.23, 65), "unclear_wide");  // too early to say
  EXPECT_EQ(verdict_key(std::nan(""), 0.5, 2), "unknown");
}
