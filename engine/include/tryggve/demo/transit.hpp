#pragma once
// The demo district's public transport: a GTFS feed for its tram and bus lines
// and Västtrafik's reports from on board and at stops, with the truth of each.
//
//  - Lines: tram 5 along Kvarnbovägen (Lindås - Kvarnbo norra, towards Brunnsbo /
//    Östra Sjukhuset), bus 25 round the ring road (Hagtorpet - Kvarnbodalen), bus
//    45 up Kvarnbovägen and east on the ring (Lindås - Smedjegatan); both
//    directions; shapes along the district's own streets (bus 45's with
//    shape_dist_traveled). Each district stop is a stop area (parent station) with
//    platform A (the one in stops.gpkg, direction 0) and B across the road.
//  - Timetables follow the day: frequent at the peaks, thinner in the evening,
//    night trips on Friday and Saturday nights written as 24:00-26:59 on the
//    evening's timetable; Monday-Thursday, Friday, Saturday and Sunday services,
//    holidays moved to the Sunday (or Saturday) timetable by calendar_dates.
//  - Vehicles run late (a delay per trip, now and then several minutes) and an
//    on-board incident happens at a moment of a run, more often in the evening
//    and at night; its report states the line, the minute and, varying as real
//    reports do, the direction (headsign or terminus), a stop pair, the trip or
//    the vehicle (block), or nothing more. At-stop reports name the stop,
//    sometimes its platform.
//  - The truth of each report: the trip, its service day and delay, the true
//    time, the segment (stop pair), the offset and the position.
// Everything is drawn from one random stream of its own, so the incidents and
// every other file of the demo are the same as without it.
#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tryggve/core/geometry.hpp"
#include "tryggve/demo/district.hpp"
#include "tryggve/demo/generator.hpp"

namespace tryggve::demo {

struct TransitStop {
  std::string id, name, platform_code;
  std::string parent;      // the stop area's id, "" for a stop area
  Point pos;               // EPSG:3006
  bool station = false;
  int district_stop = -1;  // index into District::stops
};

struct TransitRoute {
  std::string id, short_name, long_name;
  int route_type = 700;
  std::string mode_sv;                 // "spårvagn", "buss"
  std::array<std::string, 2> headsign; // per direction
};

struct TransitPattern {
  std::size_t route = 0;
  int direction = 0;
  std::vector<std::size_t> stops;  // platforms (indices into DemoTransit::stops)
  std::string shape_id;
  Polyline shape;                  // EPSG:3006, from the first stop to the last
  std::vector<double> chainage;    // along the shape at each stop
  bool shape_dist = false;         // shape_dist_traveled written
};

struct TransitService {
  std::string id;
  std::array<bool, 7> weekdays{};                     // Monday first
  std::vector<std::pair<std::int32_t, int>> exceptions;  // (day, 1 added / 2 removed)
  bool active(std::int32_t day, std::int32_t first, std::int32_t last) const;
};

struct TransitTrip {
  std::string id, service, block;
  std::size_t pattern = 0;
  std::vector<std::int32_t> arrival, departure;  // service-day seconds per stop
};

struct TransitReport {
  std::int64_t id = 0;
  bool on_board = true;            // else at a stop
  // As reported (the file transit_reports.csv).
  std::int64_t reported_utc = 0;   // the true time cut to the minute
  std::int32_t utc_offset_s = 0;
  std::string line, mode_sv;       // "5", "spårvagn"
  std::string direction, trip_id, vehicle, from_stop, to_stop;
  std::string stop;                // at a stop: its name, perhaps "... läge A"
  std::uint16_t parameter = 0;
  std::string text;
  // The truth (transit_truth.csv).
  std::string route_id;
  std::int64_t true_utc = 0;
  std::size_t trip = 0;            // index into DemoTransit::trips (on board)
  std::int32_t service_day = 0;    // days since 1970-01-01
  std::int32_t delay_s = 0;
  std::size_t segment = 0;         // k: between the pattern's stops k and k + 1
  double offset_m = 0;             // along that segment of the shape
  double chainage_m = 0;
  bool dwelling = false;           // standing at stop k
  Point pos;
  std::size_t station = 0, platform = 0;  // at a stop: indices into stops (platform == station: none named)
};

struct DemoTransit {
  std::int32_t first_day = 0, last_day = 0;  // the feed's calendar, inclusive
  std::vector<TransitStop> stops;
  std::vector<TransitRoute> routes;
  std::vector<TransitPattern> patterns;
  std::vector<TransitService> services;
  std::vector<TransitTrip> trips;
  std::vector<TransitReport> reports;  // by time; ids 1..N
  std::map<std::string, std::size_t> on_board_per_route;   // route id -> reports
  std::map<std::string, std::size_t> at_stop_per_station;  // stop area id -> reports
  double vehicle_hours = 0;            // scheduled, over the whole period
  std::size_t heavy_delays = 0;        // reports from runs more than 3 minutes late
};

// Deterministic for the options' seed; the district's geometry fixes the lines.
// Report categories are the taxonomy codes the model knows (vandalism, threats,
// violence, disorder, youth gatherings, robbery, drug dealing), those present.
DemoTransit simulate_transit(const DemoOptions& options, const District& district, const Model& model);

// gtfs/ (agency, stops, routes, trips, stop_times, shapes, calendar,
// calendar_dates), transit_reports.csv and transit_truth.csv into `dir`.
void write_transit(const std::filesystem::path& dir, const DemoTransit& transit, const Model& model);

// The files write_transit writes, relative to the demo folder.
std::vector<std::string> transit_files();

}  // namespace tryggve::demo
