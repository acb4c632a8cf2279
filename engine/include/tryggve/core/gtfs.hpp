#pragma once
// A public-transport timetable as GTFS states it (https://gtfs.org/schedule/reference/),
// after reading and checking (io/gtfs.hpp) and before the lines are built from it
// (transit/). Plain records, like core/features.hpp: the reader fills them in the
// run's CRS, the transit module consumes them, and neither needs the other.
//
// Ids stay as the feed writes them (strings); references between records are
// indices into the Feed's vectors, resolved once by the reader, so a record that
// names an unknown id never gets this far (it is a reject with its file and row).
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tryggve/core/geometry.hpp"

namespace tryggve::gtfs {

using Index = std::uint32_t;
inline constexpr Index kNone = 0xFFFFFFFFu;

// Seconds after "noon minus 12 h" of the service day, in the feed's time zone
// (GTFS's definition: the local midnight except on daylight-saving days). Times
// past 24:00:00 belong to the service day they started on (a night tram leaving
// at 24:40:00 is on the previous day's timetable).
using ServiceSeconds = std::int32_t;
inline constexpr ServiceSeconds kNoTime = std::numeric_limits<ServiceSeconds>::min();
// The latest time a feed may state: 99:59:59. Real feeds stay below 48 h; the
// bound keeps a typo ("210:00:00") from stretching every search window.
inline constexpr ServiceSeconds kMaxServiceSeconds = 99 * 3600 + 59 * 60 + 59;

// "H:MM:SS" or "HH:MM:SS" (hours may exceed 23, up to kMaxServiceSeconds);
// nullopt with `why` for anything else ("25:61:00", "7:5:00", "-1:00:00", "").
std::optional<ServiceSeconds> parse_service_time(std::string_view text, std::string* why = nullptr);
// "HH:MM:SS" (hours may exceed 23).
std::string format_service_time(ServiceSeconds s);
// A GTFS date "YYYYMMDD" as days since 1970-01-01; nullopt for impossible dates.
std::optional<std::int32_t> parse_date(std::string_view text);
std::string format_date(std::int32_t days);  // "YYYYMMDD"

enum class LocationType : std::uint8_t { Stop = 0, Station = 1, Entrance = 2, GenericNode = 3, BoardingArea = 4 };

struct Stop {
  std::string id, name, code, platform_code;
  LocationType type = LocationType::Stop;
  Point pos;                // in the run's CRS
  Index parent = kNone;     // parent_station (a Station), or kNone
  std::int64_t row = 0;     // data row in stops.txt (1-based)
};

// What runs on a route: GTFS route_type, basic (0-12) and the extended codes
// (100-1700) that Nordic feeds use (Västtrafik writes 700 for bus, 900 for tram).
enum class Mode : std::uint8_t { Tram, Subway, Rail, Bus, Ferry, CableTram, Aerial, Funicular, Trolleybus, Monorail, Other };
Mode mode_of_route_type(int route_type);
const char* to_string(Mode m);       // "tram", "bus", ...
const char* swedish_name(Mode m);    // "spårvagn", "buss", ...

struct Route {
  std::string id, agency_id, short_name, long_name;
  int route_type = 3;
  Mode mode = Mode::Bus;
  std::int64_t row = 0;
  // What a report calls it: the short name ("5"), else the long name.
  const std::string& label() const { return short_name.empty() ? long_name : short_name; }
};

// A service_id: the days it runs, from calendar.txt (weekdays between two dates)
// and calendar_dates.txt (days added or removed).
struct Service {
  std::string id;
  bool has_calendar = false;
  std::array<bool, 7> weekdays{};   // Monday first
  std::int32_t start_day = 0, end_day = -1;  // days since 1970-01-01, inclusive
  std::vector<std::int32_t> added, removed;  // sorted
  std::int64_t row = 0;             // calendar.txt row, 0 if only in calendar_dates.txt
  bool active(std::int32_t day) const;
  // The first and last day it can run (calendar range and added days); last < first if never.
  std::int32_t first_day() const;
  std::int32_t last_day() const;
};

struct Shape {
  std::string id;
  Polyline points;          // in the run's CRS, by shape_pt_sequence
  std::vector<double> dist; // shape_dist_traveled per point; empty when the feed gives none
};

struct Trip {
  std::string id, headsign, short_name, block_id;
  Index route = kNone, service = kNone, shape = kNone;
  std::int8_t direction = -1;  // direction_id 0 / 1, -1 when not given
  // stop_times[first_stop_time .. first_stop_time + stop_time_count), by stop_sequence.
  std::uint32_t first_stop_time = 0, stop_time_count = 0;
  std::int64_t row = 0;
};

struct StopTime {
  Index stop = kNone;
  ServiceSeconds arrival = kNoTime, departure = kNoTime;
  std::uint32_t sequence = 0;
  double shape_dist = std::numeric_limits<double>::quiet_NaN();  // NaN when not given
  bool interpolated = false;  // the feed left the times empty; the reader filled them
};

// frequencies.txt: the trip's times are a template repeated every headway.
struct Frequency {
  Index trip = kNone;
  ServiceSeconds start = 0, end = 0;  // first departures in [start, end)
  std::int32_t headway_s = 0;
  bool exact_times = false;
  std::int64_t row = 0;
};

struct Feed {
  std::string timezone;  // IANA name (agency_timezone, or the reader's default)
  std::vector<Stop> stops;
  std::vector<Route> routes;
  std::vector<Service> services;
  std::vector<Shape> shapes;
  std::vector<Trip> trips;
  std::vector<StopTime> stop_times;  // grouped by trip, in trip order
  std::vector<Frequency> frequencies;
  // id -> index, one map per id space.
  std::unordered_map<std::string, Index> stop_ids, route_ids, service_ids, shape_ids, trip_ids;

  Index find_stop(std::string_view id) const { return find(stop_ids, id); }
  Index find_route(std::string_view id) const { return find(route_ids, id); }
  Index find_trip(std::string_view id) const { return find(trip_ids, id); }

 private:
  static Index find(const std::unordered_map<std::string, Index>& m, std::string_view id) {
    const auto it = m.find(std::string(id));
    return it == m.end() ? kNone : it->second;
  }
};

}  // namespace tryggve::gtfs
