// The one conversion from a placed transit report to an incident's place, and
// the lines/stops layers' features, on the straight-street feed (feed_builder.hpp).
#include <gtest/gtest.h>

#include "feed_builder.hpp"
#include "tryggve/transit/layers.hpp"
#include "tryggve/transit/place.hpp"

namespace tryggve::transit {
namespace {

using test::stockholm;
using test::Street;

class Place : public ::testing::Test {
 protected:
  Place() : sys(build(street.b.f)), placer(sys) {}
  Street street;
  System sys;
  Placer placer;
};

TEST_F(Place, OnBoardWithDirectionIsItsSegmentItsStretchAndItsUncertainty) {
  // Västtrafik's columns as the demo writes them: 08:01 towards Delta. The
  // window 07:58-08:03 holds Alfa-Beta whole and the first half of Beta-Gamma.
  const TransitRequest req = transit_request({{"id", "1"}, {"tidpunkt", "2025-06-04 08:01"}, {"plats", "ombord"},
                                              {"linje", "5"}, {"trafikslag", "spårvagn"}, {"riktning", "Delta"},
                                              {"från_hållplats", ""}, {"hållplats", ""}},
                                             stockholm(2025, 6, 4, 8, 1));
  ASSERT_EQ(req.kind, PlaceKind::OnBoard);
  EXPECT_EQ(req.on_board.line, "spårvagn 5");
  EXPECT_EQ(req.on_board.direction, "Delta");
  const TransitPlaceResult res = place_report(placer, req);
  ASSERT_TRUE(res.placed) << res.detail;
  const TransitPlace& p = res.place;
  EXPECT_EQ(p.kind, PlaceKind::OnBoard);
  EXPECT_STREQ(to_string(p.kind), "on_board");
  EXPECT_EQ(p.line, "5");
  EXPECT_EQ(p.mode, "spårvagn");
  EXPECT_NEAR(p.stretch_m, 1500.0, 1e-6);
  EXPECT_TRUE(p.uncertain);
  EXPECT_EQ(p.vehicles, 1u);
  // The most likely point is on Alfa-Beta (the vehicle spends most of the window there).
  EXPECT_EQ(p.segment, sys.lines()[0].segment(0));
  EXPECT_EQ(p.from_stop, "Alfa");
  EXPECT_EQ(p.to_stop, "Beta");
  EXPECT_EQ(p.stretch_from, "Alfa");
  EXPECT_EQ(p.stretch_to, "Gamma");
  ASSERT_NE(p.position.edge, network::kNoEdge);
  const Point on_net = sys.network().point_at(p.position.edge, p.position.offset);
  EXPECT_NEAR(on_net.x, p.pos.x, 1e-6);
  EXPECT_NEAR(on_net.y, p.pos.y, 1e-6);
  EXPECT_EQ(describe(p), "spårvagn 5 mellan Alfa och Beta");
  EXPECT_EQ(describe(p, "en"), "tram 5 between Alfa and Beta");
}

TEST_F(Place, ATripIdIsOneVehicleOnOneSegmentCertain) {
  const TransitRequest req = transit_request({{"Line", "5"}, {"Trip", "T5_0800"}}, stockholm(2025, 6, 4, 8, 5));
  ASSERT_EQ(req.kind, PlaceKind::OnBoard);
  const TransitPlaceResult res = place_report(placer, req);
  ASSERT_TRUE(res.placed) << res.detail;
  // 08:02-08:07 of T5_0800: Beta-Gamma, the dwell at Gamma, Gamma-Delta: several segments.
  EXPECT_EQ(res.place.vehicles, 1u);
  EXPECT_EQ(res.place.stretch_from, "Beta");
}

TEST_F(Place, AtAStopIsTheStationWithItsLine) {
  const TransitRequest req =
      transit_request({{"Tidpunkt", "2025-06-04 08:01"}, {"Linje", "25"}, {"Hållplats", "Gamma, Göteborg läge A"}},
                      stockholm(2025, 6, 4, 8, 1));
  ASSERT_EQ(req.kind, PlaceKind::Stop);
  const TransitPlaceResult res = place_report(placer, req);
  ASSERT_TRUE(res.placed) << res.detail;
  const TransitPlace& p = res.place;
  EXPECT_EQ(p.kind, PlaceKind::Stop);
  EXPECT_EQ(p.station_name, "Gamma");
  EXPECT_EQ(p.station_id, "S_C");
  EXPECT_EQ(p.line, "25");
  EXPECT_EQ(p.mode, "buss");
  EXPECT_EQ(sys.network().vertex(p.station).x, 2000.0);
  EXPECT_EQ(describe(p), "hållplats Gamma");
}

TEST_F(Place, RejectsSayWhyAndWhatCouldHaveBeenMeant) {
  const auto line = place_report(placer, transit_request({{"linje", "7"}}, stockholm(2025, 6, 4, 8, 1)));
  EXPECT_FALSE(line.placed);
  EXPECT_EQ(line.reason, RejectReason::UnknownReference);
  EXPECT_NE(line.detail.find("candidates"), std::string::npos) << line.detail;
  const auto stop = place_report(placer, transit_request({{"hållplats", "Omega"}}, stockholm(2025, 6, 4, 8, 1)));
  EXPECT_FALSE(stop.placed);
  EXPECT_EQ(stop.reason, RejectReason::UnknownReference);
  const auto none = place_report(placer, transit_request({{"kategori", "vandalism"}}, stockholm(2025, 6, 4, 8, 1)));
  EXPECT_FALSE(none.placed);
  EXPECT_EQ(none.reason, RejectReason::BadValue);
  EXPECT_TRUE(is_line_header("Linje"));
  EXPECT_FALSE(is_line_header("Hållplats"));
}

TEST_F(Place, LayersHoldEverySegmentAndStation) {
  const auto lines = line_features(sys);
  ASSERT_EQ(lines.size(), sys.segments().size());
  const auto& f = lines[sys.lines()[0].segment(1)];
  EXPECT_EQ(f.line, "5");
  EXPECT_EQ(f.mode, "spårvagn");
  EXPECT_EQ(f.from_stop, "Beta, Göteborg");
  EXPECT_EQ(f.to_stop, "Gamma, Göteborg");
  EXPECT_NEAR(f.length_m, 1000.0, 1e-6);
  EXPECT_GE(f.geometry.size(), 2u);
  const auto stops = stop_features(sys);
  ASSERT_EQ(stops.size(), sys.stations().size());
  for (const auto& s : stops)
    if (s.name == "Alfa, Göteborg") {
      EXPECT_EQ(s.lines, "5, 25");
    }
}

}  // namespace
}  // namespace tryggve::transit
