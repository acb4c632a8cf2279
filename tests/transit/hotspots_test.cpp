// Hotspots along lines (pipeline/transit_hotspots.hpp) on a hand feed where the
// hot stretch is known: tram 7 along y = 0 through ten stops 500 m apart, every
// ten minutes from 06:00 to midnight, two minutes per stretch. A dozen reports on
// Friday evenings between S4 and S5, one report on each other stretch on a Monday
// morning, six at stop S2 and one at each other stop.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numeric>

#include <fmt/format.h>

#include "feed_builder.hpp"
#include "test_data.hpp"
#include "tryggve/io/layers.hpp"
#include "tryggve/io/vector_writer.hpp"
#include "tryggve/pipeline/transit_hotspots.hpp"
#include "tryggve/transit/place.hpp"
#include "tryggve/transit/placement.hpp"

namespace tryggve::pipeline {
namespace {

namespace fs = std::filesystem;

struct Line7 {
  test::Line7Feed feed;
  transit::System sys = transit::build(feed.b.f);
};

struct Mapped {
  snap::MapData map;
  void add(const transit::TransitPlaceResult& r, Timestamp t) {
    ASSERT_TRUE(r.placed) << r.detail;
    Incident inc;
    inc.time = t;
    inc.has_time = true;
    inc.pos = r.place.pos;
    map.incidents.push_back(inc);
    map.transit.push_back(r.place);
  }
};

transit::TransitRequest on_board(const std::string& from, const std::string& to, Timestamp t) {
  transit::TransitRequest q;
  q.kind = transit::PlaceKind::OnBoard;
  q.on_board.line = "7";
  q.on_board.time = t;
  q.on_board.from_stop = from;
  q.on_board.to_stop = to;
  return q;
}
transit::TransitRequest at_stop(const std::string& stop) {
  transit::TransitRequest q;
  q.kind = transit::PlaceKind::Stop;
  q.stop.stop = stop;
  return q;
}

network::EdgeId edge_between(const transit::System& sys, const std::string& a, const std::string& b) {
  const auto& net = sys.network();
  for (network::EdgeId e = 0; e < net.edge_count(); ++e) {
    const auto n = edge_names(sys, e);
    if ((n.from == a && n.to == b) || (n.from == b && n.to == a)) return e;
  }
  return network::kNoEdge;
}

TEST(TransitHotspots, TheKnownHotStretchIsHotOnFridayEveningsAndTheBusyStopIsHottest) {
  const Line7 l;
  const transit::Placer placer(l.sys);
  Mapped m;
  // A dozen Friday-evening reports between S4 and S5 (the tram passes S4 at :08 + 10k).
  for (int k = 0; k < 12; ++k) {
    const int day = 6 + 7 * (k % 4);  // Fridays in June 2025
    const Timestamp t = test::stockholm(2025, 6, day, 20 + k % 3, 9 + 10 * (k % 5));
    m.add(transit::place_report(placer, on_board("S4", "S5", t)), t);
  }
  // One Monday-morning report on every other stretch.
  for (int k = 0; k < 9; ++k) {
    if (k == 4) continue;
    const Timestamp t = test::stockholm(2025, 6, 2, 7, 1 + 2 * k);
    m.add(transit::place_report(placer, on_board("S" + std::to_string(k), "S" + std::to_string(k + 1), t)), t);
  }
  for (int k = 0; k < 10; ++k)
    for (int n = 0; n < (k == 2 ? 6 : 1); ++n) {
      const Timestamp t = test::stockholm(2025, 6, 3, 12, n);
      m.add(transit::place_report(placer, at_stop("S" + std::to_string(k))), t);
    }
  TransitHotspotOptions o;
  o.severity_weights = false;
  o.density.bandwidth_m = 200;
  o.local.permutations = 99;
  const auto h = transit_hotspots(m.map, &l.sys, o);
  ASSERT_TRUE(h.run);
  EXPECT_EQ(h.on_board, 20u);
  EXPECT_EQ(h.at_stop, 15u);
  EXPECT_EQ(h.unplaced_pieces, 0u);
  ASSERT_EQ(l.sys.network().edge_count(), 9u);
  // Every report weighs one, spread over its stretch.
  EXPECT_NEAR(std::accumulate(h.segment_counts.begin(), h.segment_counts.end(), 0.0), 20.0, 1e-9);
  const auto hot = edge_between(l.sys, "S4", "S5");
  ASSERT_NE(hot, network::kNoEdge);
  EXPECT_NEAR(h.segment_counts[hot], 12.0, 1e-9);
  ASSERT_TRUE(h.gi_ok());
  EXPECT_EQ(h.segment_gi.stats[hot].hot_cold, 1) << h.segment_gi.stats[hot].z;
  for (network::EdgeId e = 0; e < 9; ++e)
    if (e != hot) EXPECT_LT(h.segment_gi.stats[e].z, h.segment_gi.stats[hot].z);
  // Friday evening is the slice where it is hot; Monday morning holds the rest.
  const std::size_t fri_evening = slice_of(day_group(4), 4), mon_morning = slice_of(day_group(0), 1);
  EXPECT_EQ(slice_label(fri_evening, true), "fredag kväll 19-24");
  EXPECT_NEAR(h.slice_counts[fri_evening][hot], 12.0, 1e-9);
  EXPECT_NEAR(std::accumulate(h.slice_counts[mon_morning].begin(), h.slice_counts[mon_morning].end(), 0.0), 8.0, 1e-9);
  ASSERT_FALSE(h.slice_gi[fri_evening].stats.empty());
  EXPECT_EQ(h.slice_gi[fri_evening].stats[hot].hot_cold, 1);
  // Monday morning spreads one report over each other stretch: nothing hot there.
  for (const auto& s : h.slice_gi[mon_morning].stats) EXPECT_LE(s.hot_cold, 0);
  // Density peaks on the hot stretch.
  std::size_t top = 0;
  for (std::size_t i = 1; i < h.density.values.size(); ++i)
    if (h.density.values[i] > h.density.values[top]) top = i;
  EXPECT_EQ(h.lixels[top].edge, hot);
  // The stop with six reports is the stops' highest z.
  ASSERT_EQ(h.stop_gi.stats.size(), 10u);
  const auto s2 = l.sys.station_of(l.feed.b.f.stop_ids.at("S2"));
  for (std::size_t v = 0; v < 10; ++v)
    if (v != s2) EXPECT_LT(h.stop_gi.stats[v].z, h.stop_gi.stats[s2].z);
  EXPECT_EQ(h.stop_counts[s2], 6.0);

  // Written as layers, named by their stops, the hot stretch with its slice.
  const fs::path dir = test::temp_dir("transit_hotspots");
  {
    io::VectorWriter w(dir / "h.gpkg", io::CrsContext::from_spec("EPSG:3006"));
    add_transit_hotspot_layers(w, l.sys, h, "sv");
    w.commit();
  }
  const auto rows = io::query_rows(dir / "h.gpkg", "SELECT name, lines, class, hot_slices FROM transit_segment_hotspots "
                                                   "WHERE hot_cold > 0");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0][0] == "S4 – S5" || rows[0][0] == "S5 – S4") << rows[0][0];
  EXPECT_EQ(rows[0][1], "7");
  EXPECT_EQ(rows[0][2].rfind("hot_", 0), 0u);
  EXPECT_EQ(rows[0][3], "fredag kväll 19-24");
  const auto stops = io::query_rows(dir / "h.gpkg", "SELECT COUNT(*) FROM transit_stop_hotspots");
  ASSERT_EQ(stops.size(), 1u);
  EXPECT_EQ(stops[0][0], "10");
  const auto bands = io::query_rows(dir / "h.gpkg", "SELECT SUM(count) FROM transit_segment_bands");
  ASSERT_EQ(bands.size(), 1u);
  EXPECT_NEAR(std::atof(bands[0][0].c_str()), 20.0, 1e-6);
  const auto styled = io::query_rows(dir / "h.gpkg", "SELECT COUNT(*) FROM layer_styles WHERE f_table_name LIKE 'transit_%'");
  ASSERT_EQ(styled.size(), 1u);
  EXPECT_EQ(styled[0][0], "4");
  fs::remove_all(dir);
}

TEST(TransitHotspots, NotRunWithoutTransitIncidents) {
  const Line7 l;
  snap::MapData map;
  EXPECT_FALSE(transit_hotspots(map, &l.sys, {}).run);
  EXPECT_FALSE(transit_hotspots(map, nullptr, {}).run);
}

}  // namespace
}  // namespace tryggve::pipeline
