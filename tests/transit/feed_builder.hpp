#pragma once
// Small GTFS feeds written in code, in metres, so that every cut, position and
// weight the transit tests check can be worked out by hand.
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "tryggve/core/gtfs.hpp"
#include "tryggve/core/time.hpp"

namespace tryggve::test {

class FeedBuilder {
 public:
  using Index = gtfs::Index;
  FeedBuilder() { f.timezone = "Europe/Stockholm"; }

  Index station(const std::string& id, const std::string& name, Point pos) {
    gtfs::Stop s;
    s.id = id;
    s.name = name;
    s.pos = pos;
    s.type = gtfs::LocationType::Station;
    return add_stop(std::move(s));
  }
  Index platform(const std::string& id, const std::string& name, Point pos, Index parent = gtfs::kNone,
                 const std::string& code = "") {
    gtfs::Stop s;
    s.id = id;
    s.name = name;
    s.pos = pos;
    s.parent = parent;
    s.platform_code = code;
    return add_stop(std::move(s));
  }
  Index route(const std::string& id, const std::string& short_name, int type) {
    gtfs::Route r;
    r.id = id;
    r.short_name = short_name;
    r.route_type = type;
    r.mode = gtfs::mode_of_route_type(type);
    f.route_ids[id] = static_cast<Index>(f.routes.size());
    f.routes.push_back(r);
    return f.route_ids[id];
  }
  // Runs Monday-Friday (weekdays "1111100") from start to end (y, m, d).
  Index service(const std::string& id, const std::string& weekdays, std::tuple<int, int, int> start,
                std::tuple<int, int, int> end) {
    gtfs::Service s;
    s.id = id;
    s.has_calendar = true;
    for (int d = 0; d < 7; ++d) s.weekdays[static_cast<std::size_t>(d)] = weekdays[static_cast<std::size_t>(d)] == '1';
    s.start_day = day(start);
    s.end_day = day(end);
    f.service_ids[id] = static_cast<Index>(f.services.size());
    f.services.push_back(s);
    return f.service_ids[id];
  }
  Index shape(const std::string& id, Polyline pts, std::vector<double> dist = {}) {
    gtfs::Shape s;
    s.id = id;
    s.points = std::move(pts);
    s.dist = std::move(dist);
    f.shape_ids[id] = static_cast<Index>(f.shapes.size());
    f.shapes.push_back(s);
    return f.shape_ids[id];
  }
  struct Call {
    Call(Index s, std::string a, std::string d = "", double dist = std::numeric_limits<double>::quiet_NaN())
        : stop(s), arrival(std::move(a)), departure(std::move(d)), shape_dist(dist) {}
    Index stop;
    std::string arrival, departure;  // "HH:MM:SS"; departure "" = arrival
    double shape_dist;
  };
  Index trip(const std::string& id, Index route, Index service, const std::string& headsign, int direction,
             Index shape, const std::vector<Call>& calls, const std::string& block = "") {
    gtfs::Trip t;
    t.id = id;
    t.route = route;
    t.service = service;
    t.headsign = headsign;
    t.direction = static_cast<std::int8_t>(direction);
    t.shape = shape;
    t.block_id = block;
    t.first_stop_time = static_cast<std::uint32_t>(f.stop_times.size());
    t.stop_time_count = static_cast<std::uint32_t>(calls.size());
    std::uint32_t seq = 1;
    for (const auto& c : calls) {
      gtfs::StopTime st;
      st.stop = c.stop;
      st.arrival = *gtfs::parse_service_time(c.arrival);
      st.departure = *gtfs::parse_service_time(c.departure.empty() ? c.arrival : c.departure);
      st.sequence = seq++;
      st.shape_dist = c.shape_dist;
      f.stop_times.push_back(st);
    }
    f.trip_ids[id] = static_cast<Index>(f.trips.size());
    f.trips.push_back(t);
    return f.trip_ids[id];
  }
  void frequency(Index trip, const std::string& start, const std::string& end, int headway_s) {
    f.frequencies.push_back({trip, *gtfs::parse_service_time(start), *gtfs::parse_service_time(end), headway_s, false, 0});
  }
  static std::int32_t day(std::tuple<int, int, int> ymd) {
    return static_cast<std::int32_t>(days_from_civil(std::get<0>(ymd), std::get<1>(ymd), std::get<2>(ymd)));
  }

  gtfs::Feed f;

 private:
  Index add_stop(gtfs::Stop s) {
    f.stop_ids[s.id] = static_cast<Index>(f.stops.size());
    f.stops.push_back(std::move(s));
    return static_cast<Index>(f.stops.size() - 1);
  }
};

// Tram 5 along y = 0 through stations Alfa, Beta, Gamma, Delta, 1 km apart, with
// a platform 10 m north (towards Delta, "A") and south (towards Alfa, "B") of
// each; bus 25 from Alfa to Gamma without a shape.
struct Street {
  using Index = gtfs::Index;
  FeedBuilder b;
  Index st[4], north[4], south[4];
  Index tram, bus, wd, fr;
  Street() {
    const char* names[] = {"Alfa", "Beta", "Gamma", "Delta"};
    const char* ids[] = {"A", "B", "C", "D"};
    for (int k = 0; k < 4; ++k) {
      const std::string name = std::string(names[k]) + ", Göteborg";
      const double x = 1000.0 * k;
      st[k] = b.station(std::string("S_") + ids[k], name, {x, 0});
      north[k] = b.platform(std::string(ids[k]) + "1", name, {x, 10}, st[k], "A");
      south[k] = b.platform(std::string(ids[k]) + "2", name, {x, -10}, st[k], "B");
    }
    tram = b.route("R5", "5", 0);
    bus = b.route("R25", "25", 3);
    wd = b.service("WD", "1111100", {2025, 1, 1}, {2025, 12, 31});
    b.f.services[wd].removed = {FeedBuilder::day({2025, 6, 6})};
    b.f.services[wd].added = {FeedBuilder::day({2025, 6, 7})};
    fr = b.service("FR", "0000100", {2025, 1, 1}, {2025, 12, 31});
    Polyline east;
    for (int x = 0; x <= 3000; x += 500) east.push_back({static_cast<double>(x), 0});
    Polyline west(east.rbegin(), east.rend());
    const Index sh0 = b.shape("SH0", east), sh1 = b.shape("SH1", west);
    b.trip("T5_0800", tram, wd, "Delta", 0, sh0,
           {{north[0], "08:00:00"}, {north[1], "08:02:00"}, {north[2], "08:04:00", "08:05:00"}, {north[3], "08:07:00"}},
           "V1");
    b.trip("T5_0801", tram, wd, "Alfa", 1, sh1,
           {{south[3], "08:01:00"}, {south[2], "08:03:00"}, {south[1], "08:05:00"}, {south[0], "08:07:00"}}, "V2");
    b.trip("T5_N2430", tram, fr, "Delta", 0, sh0,
           {{north[0], "24:30:00"}, {north[1], "24:32:00"}, {north[2], "24:34:00", "24:35:00"}, {north[3], "24:37:00"}},
           "V3");
    b.trip("T25_0900", bus, wd, "Gamma", 0, gtfs::kNone,
           {{north[0], "09:00:00"}, {north[1], "09:03:00"}, {north[2], "09:06:00"}});
  }
};

// Line 7: ten stops S0 .. S9 500 m apart along y = 0, one direction, a vehicle
// every 10 minutes from 06:00 to 24:00, two minutes between stops, all year 2025.
struct Line7Feed {
  FeedBuilder b;
  Line7Feed() {
    std::vector<FeedBuilder::Call> calls;
    const auto route = b.route("R7", "7", 0);
    const auto svc = b.service("ALL", "1111111", {2025, 1, 1}, {2025, 12, 31});
    Polyline east;
    for (int k = 0; k < 10; ++k) {
      const auto s = b.platform("S" + std::to_string(k), "S" + std::to_string(k), {500.0 * k, 0});
      calls.emplace_back(s, fmt::format("06:{:02d}:00", 2 * k));
      east.push_back({500.0 * k, 0});
    }
    const auto trip = b.trip("T7", route, svc, "S9", 0, b.shape("SH", east), calls);
    b.frequency(trip, "06:00:00", "24:00:00", 600);
  }
};

// Local time in Stockholm as a Timestamp.
inline Timestamp stockholm(int y, int mo, int d, int h, int mi, int s = 0) {
  static const TimeZone tz = TimeZone::from_name("Europe/Stockholm");
  return tz.from_local(y, mo, d, h, mi, s);
}

}  // namespace tryggve::test
