// Emerging hot spots and the Knox test on the synthetic demo district, whose planted
// hotspots (demo/generator.hpp: new from month 12, intensifying month by month,
// diminishing, persistent) are the truth the classes are checked against.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "demo_network.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/hotspot/runs.hpp"

using namespace tryggve;
using namespace tryggve::hotspot;

namespace {

constexpr int kMonths = 14;  // the new hotspot switches on in month 12: months 12-14 hot

struct Demo {
  demo::DemoData data;
  network::Network net;
  Demo() {
    demo::DemoOptions o;
    o.months = kMonths;
    data = demo::simulate(o);
    net = test::demo_network(data.district);
  }
  // The incidents of some parameters, as a run takes them.
  HotspotIncidents incidents(const std::vector<std::uint16_t>& params) const {
    HotspotIncidents in;
    in.net = &net;
    in.source = "demo";
    for (const auto& i : data.incidents) {
      if (!params.empty() && std::find(params.begin(), params.end(), i.parameter) == params.end()) continue;
      in.positions.push_back({i.segment, i.offset_m});
      in.times.push_back({i.utc, i.utc_offset_s});
      in.has_time.push_back(1);
      in.parameters.push_back(i.parameter);
    }
    return in;
  }
  const demo::PlantedHotspot& planted(const std::string& type) const {
    for (const auto& h : data.model.hotspots)
      if (h.type == type) return h;
    throw std::runtime_error("no planted " + type);
  }
};

const Demo& demo_data() {
  static const Demo d;
  return d;
}

std::map<std::string, std::size_t> classes_on(const EmergingRun& r, const std::vector<std::uint32_t>& segments) {
  std::map<std::string, std::size_t> c;
  for (auto s : segments) ++c[std::string(to_string(r.result.locations[s].cls))];
  return c;
}

void print(const char* what, const std::map<std::string, std::size_t>& c) {
  std::printf("[ demo   ] %s:", what);
  for (const auto& [k, v] : c) std::printf(" %s=%zu", k.c_str(), v);
  std::printf("\n");
}

}  // namespace

TEST(EmergingRun, PlantedNewAndIntensifyingHotspotsAreFound) {
  // What ArcGIS's rules make of the planted series over 14 months:
  //  - "new" (x10 from month 12): hot in months 12-14 only. One hot month at the end
  //    would be new_hot; a run of them with nothing significant before is
  //    consecutive_hot. Either way no hot month before month 12.
  //  - "intensifying" (x(1 + 0.35 (m - 1))): it starts at the background level, so it
  //    is not hot in >= 90% of the months that intensifying_hot requires; it becomes hot
  //    part-way and stays hot (consecutive_hot), with a significant upward trend in z.
  const auto& d = demo_data();
  std::set<std::uint32_t> planted;
  for (const auto& p : d.data.model.hotspots) planted.insert(p.segments.begin(), p.segments.end());
  for (const char* type : {"new", "intensifying"}) {
    const auto& h = d.planted(type);
    EmergingRunOptions o;
    o.weights.distance_m = 150;
    o.time_lags = 1;
    const auto run = run_emerging(d.incidents(h.parameter_index), o);
    ASSERT_EQ(run.cube.n_steps, static_cast<std::size_t>(kMonths));
    const auto c = classes_on(run, h.segments);
    print(type, c);
    const auto got = [&](const char* k) { return c.count(k) ? c.at(k) : std::size_t{0}; };
    const bool is_new = std::string(type) == "new";
    const std::size_t match = got("consecutive_hot") + got(is_new ? "new_hot" : "intensifying_hot");
    EXPECT_GE(2 * match, h.segments.size() + 1) << type << ": most planted segments get the planted class";
    std::size_t rising = 0;
    for (auto s : h.segments) {
      const auto& loc = run.result.locations[s];
      if (loc.cls != EmergingClass::ConsecutiveHot && loc.cls != EmergingClass::NewHot &&
          loc.cls != EmergingClass::IntensifyingHot)
        continue;
      for (int m = 0; m + 1 < h.from_month && is_new; ++m)
        EXPECT_FALSE(loc.p[m] <= o.alpha && loc.z[m] > 0) << "segment " << s << " hot in month " << m + 1;
      rising += loc.trend.tau > 0 && loc.trend.p <= 0.05;
      std::printf("[ demo   ]   segment %u: %s, MK tau %.2f p %.4f\n", s, std::string(to_string(loc.cls)).c_str(),
                  loc.trend.tau, loc.trend.p);
    }
    if (!is_new) EXPECT_GE(2 * rising, h.segments.size() + 1) << "intensifying: z rises significantly";
    // Away from every planted hotspot almost nothing emerges.
    std::size_t elsewhere = 0;
    for (std::size_t s = 0; s < run.units.size(); ++s) {
      const auto cls = run.result.locations[s].cls;
      if (!planted.count(static_cast<std::uint32_t>(s)) &&
          (cls == EmergingClass::NewHot || cls == EmergingClass::ConsecutiveHot || cls == EmergingClass::IntensifyingHot))
        ++elsewhere;
    }
    std::printf("[ demo   ] new/consecutive/intensifying elsewhere: %zu of %zu segments\n", elsewhere, run.units.size());
    EXPECT_LT(elsewhere, run.units.size() / 50);
  }
}

TEST(EmergingRun, TableHasOneRowPerSegmentAndConsistentCounts) {
  const auto& d = demo_data();
  EmergingRunOptions o;
  o.weights.distance_m = 150;
  const auto run = run_emerging(d.incidents({}), o);
  const auto t = emerging_table(d.net, run);
  ASSERT_EQ(t.rows(), d.net.edge_count());
  const auto& cls = t.column("class").texts;
  const auto& hot = t.column("hot_months").numbers;
  const auto& months = t.column("months").numbers;
  double total = 0;
  for (double v : t.column("count").numbers) total += v;
  EXPECT_EQ(total, static_cast<double>(d.data.incidents.size()));
  for (std::size_t i = 0; i < t.rows(); ++i) {
    EXPECT_EQ(months[i], kMonths);
    if (cls[i] == "persistent_hot" || cls[i] == "intensifying_hot") EXPECT_GE(hot[i], 0.9 * kMonths);
    if (cls[i] == "new_hot") EXPECT_EQ(hot[i], 1);
  }
  std::size_t sum = 0;
  for (auto c : run.result.class_counts) sum += c;
  EXPECT_EQ(sum, d.net.edge_count());
}

TEST(KnoxRun, DemoNearRepeatsExceedChanceInTheFirstCell) {
  // The demo's self-excitation (branching ratio ~0.25, offspring within days and
  // ~120 m along the network) puts more pairs in the close/short cell than permuted
  // times do. The effect is diluted by the many background pairs at the square.
  const auto& d = demo_data();
  const auto& h = d.planted("persistent");
  KnoxRunOptions o;
  o.space_bands_m = {"100", "200", "400"};
  o.time_bands_days = {"3", "7", "14"};
  o.permutations = 99;
  o.seed = 3;
  auto in = d.incidents({h.parameter_index.front()});
  const auto run = run_knox(in, o);
  std::printf("[ demo   ] knox on %zu events: first cell ratio %.3f p %.3f\n", run.result.events,
              run.result.first_cell_ratio(), run.result.p_value[0]);
  EXPECT_GT(run.result.first_cell_ratio(), 1.0);
  EXPECT_LE(run.result.p_value[0], 0.05);
  // Without the offspring the excess in the first cell shrinks.
  HotspotIncidents background = in;
  background.positions.clear(); background.times.clear(); background.has_time.clear(); background.parameters.clear();
  for (const auto& i : d.data.incidents) {
    if (i.offspring || i.parameter != h.parameter_index.front()) continue;
    background.positions.push_back({i.segment, i.offset_m});
    background.times.push_back({i.utc, i.utc_offset_s});
    background.has_time.push_back(1);
    background.parameters.push_back(i.parameter);
  }
  const auto bg = run_knox(background, o);
  std::printf("[ demo   ] knox without offspring, %zu events: first cell ratio %.3f p %.3f\n", bg.result.events,
              bg.result.first_cell_ratio(), bg.result.p_value[0]);
  EXPECT_LT(bg.result.first_cell_ratio(), run.result.first_cell_ratio());
  const auto t = knox_table(run);
  EXPECT_EQ(t.rows(), 9u);
  const auto j = run.summary_json();
  EXPECT_DOUBLE_EQ(j["first_cell_ratio"].get<double>(), run.result.first_cell_ratio());
  o.distance = "euclidean";
  const auto e = run_knox(in, o);
  // Straight-line distances are never longer than network ones: at least as many close pairs.
  EXPECT_GE(e.result.close_pairs, run.result.close_pairs);
}
