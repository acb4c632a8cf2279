#pragma once
// Public transport as a place of its own: the lines of a GTFS feed on the map,
// their timetables, and a network of line segments the density and Gi* code
// runs on as it runs on streets. Pure: a gtfs::Feed (io/gtfs.hpp reads one) in,
// vectors out; no files, no GDAL.
//
//  - A Line is one route's direction and stop pattern (and shape): what a vehicle
//    of "tram 5 towards Brunnsbo" passes, stop by stop. Trips with the same route,
//    direction_id, stops in the same order and the same shape share a line.
//  - A Segment is the stretch of a line between two consecutive stops. Its
//    geometry is the line's shape cut at the stops: at shape_dist_traveled where
//    the feed gives it for the stops and the shape points, otherwise at each stop's
//    projection onto the shape, chosen monotone along it (a dynamic programme over
//    every pass of the shape near each stop, so a line that passes a stop twice is
//    cut at the right pass). A line without a shape runs along the street network
//    between its stops (shortest paths: BuildOptions::streets, given as data),
//    else straight from stop to stop; BuildReport counts each kind.
//  - A Station is a vertex: a stop's parent station, or the stop itself when it
//    has none, so both platforms of a stop (one per direction) are one place.
//  - network(): one edge per pair of stations and way between them. Segments of
//    several lines and both directions that join the same two stations along the
//    same way (lengths within max(merge_tolerance_m, 10%), midpoints as close)
//    share an edge; each segment knows its edge and whether it runs against it.
//  - Runs: every trip, and every departure of a frequencies.txt trip (start_time,
//    then every headway_secs before end_time; for exact_times 0 too, whose real
//    departures only keep the headway), with the days its service runs;
//    System::position() is a run's scheduled position along its line.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "tryggve/core/gtfs.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/network/network.hpp"

namespace tryggve::transit {

using gtfs::Index;
using gtfs::kNone;
using gtfs::ServiceSeconds;

struct Station {
  Index stop = kNone;        // the feed's station, or its lone stop
  std::string name;
  Point pos;
  std::vector<Index> stops;  // the feed's stops (platforms) that belong to it
};

enum class SegmentSource : std::uint8_t {
  ShapeDistance,  // cut at shape_dist_traveled
  Shape,          // cut at the stops' projections onto the shape
  Streets,        // a shortest path along the street network
  Straight,       // a straight line between the stops (no shape, no street path)
};
const char* to_string(SegmentSource s);

struct Segment {
  Index line = kNone;
  std::uint32_t index = 0;           // k: from the line's stop k to stop k + 1
  Index from_stop = kNone, to_stop = kNone;  // the feed's stops
  Polyline geometry;
  double length = 0.0;
  SegmentSource source = SegmentSource::Shape;
  network::EdgeId edge = network::kNoEdge;  // kNoEdge: zero length, no edge of its own
  bool reversed = false;             // runs from the edge's `to` to its `from`
  double edge_length = 0.0;
  // Offset along this segment -> offset along its edge (in proportion: segments
  // of different lines on one edge differ a little in length).
  double edge_offset(double offset) const;
  network::NetworkPosition position(double offset) const;
};

struct Line {
  Index route = kNone;
  std::int8_t direction = -1;
  std::string headsign;              // the most common headsign of its trips
  Index shape = kNone;
  std::vector<Index> stops;          // the feed's stops, in order
  std::vector<double> chainage;      // distance along the line at each stop (0 at the first)
  std::uint32_t first_segment = 0;   // segments first_segment .. + stops.size() - 2
  std::size_t trips = 0;
  double length() const { return chainage.empty() ? 0.0 : chainage.back(); }
  std::uint32_t segment(std::size_t k) const { return first_segment + static_cast<std::uint32_t>(k); }
};

// One vehicle's journey on a service day: a trip, or one departure of a
// frequency-based trip (its times shifted).
struct Run {
  Index trip = kNone;     // the feed's trip
  Index line = kNone;
  Index route = kNone;
  Index service = kNone;
  ServiceSeconds shift = 0;          // added to the trip's stop times
  ServiceSeconds start = 0, end = 0; // first departure, last arrival (shifted)
};

// Where a run is at a scheduled time: on segment `segment` at `offset` from its
// start, or dwelling at a stop (then offset 0 on the segment that leaves it, or
// the line's last segment's end).
struct RunPosition {
  std::uint32_t segment = 0;
  double offset = 0.0;
  double chainage = 0.0;  // along the line
  bool at_stop = false;
};

struct BuildOptions {
  // Street paths for lines without a shape: the street network and, per feed
  // stop, its position on it (kNoEdge where it is not on the network). Empty:
  // such lines are drawn straight from stop to stop.
  const network::Network* streets = nullptr;
  std::vector<network::NetworkPosition> stop_positions;
  // A street path longer than this times the straight distance (plus 500 m) is
  // not taken: the segment is drawn straight and counted.
  double max_detour_factor = 4.0;
  // Stops farther than this from their line's shape are counted (and the worst named).
  double max_stop_distance_m = 100.0;
  double merge_tolerance_m = 30.0;
  std::string crs_wkt;  // passed to the network
};

struct BuildReport {
  std::size_t stations = 0, lines = 0, segments = 0, edges = 0, runs = 0;
  std::size_t frequency_runs = 0;                 // runs made from frequencies.txt
  std::array<std::size_t, 4> segments_by_source{};  // by SegmentSource
  std::size_t zero_length_segments = 0;           // two stops at one point of the shape: no edge
  std::size_t stops_far_from_shape = 0;           // beyond max_stop_distance_m
  double worst_stop_distance_m = 0.0;
  std::string worst_stop;                         // "stop 'X' on line 5 (trip T): 412 m from the shape"
  std::size_t unmonotone_cuts = 0;                // projections that had to be held at the previous stop's
  std::string summary() const;
};

class System {
 public:
  System() = default;
  const gtfs::Feed& feed() const { return feed_; }
  const TimeZone& timezone() const { return tz_; }
  const std::vector<Station>& stations() const { return stations_; }
  const std::vector<Line>& lines() const { return lines_; }
  const std::vector<Segment>& segments() const { return segments_; }
  const std::vector<Run>& runs() const { return runs_; }
  // The network of line segments: vertices are stations (same index), edges as above.
  const network::Network& network() const { return network_; }
  // The station (vertex) of a feed stop.
  Index station_of(Index stop) const { return station_of_[stop]; }
  // Edge -> the segments on it.
  const std::vector<std::uint32_t>& segments_on(network::EdgeId e) const { return edge_segments_[e]; }

  // Scheduled arrival and departure of run r at its line's stop k.
  ServiceSeconds arrival(const Run& r, std::size_t k) const;
  ServiceSeconds departure(const Run& r, std::size_t k) const;
  // The scheduled position at service time t, clamped to [start, end].
  RunPosition position(const Run& r, ServiceSeconds t) const;
  // Runs of a route, sorted by start; and the longest run of the route (seconds).
  const std::vector<std::uint32_t>& runs_of_route(Index route) const { return route_runs_[route]; }
  ServiceSeconds longest_run(Index route) const { return route_longest_[route]; }
  // "Noon minus 12 h" of a service day (days since 1970-01-01) as a UTC instant.
  std::int64_t service_day_origin(std::int32_t day) const;

 private:
  friend System build(gtfs::Feed feed, const BuildOptions& options, BuildReport* report);
  gtfs::Feed feed_;
  TimeZone tz_;
  std::vector<Station> stations_;
  std::vector<Index> station_of_;
  std::vector<Line> lines_;
  std::vector<Segment> segments_;
  std::vector<Run> runs_;
  std::vector<std::vector<std::uint32_t>> route_runs_;
  std::vector<ServiceSeconds> route_longest_;
  network::Network network_;
  std::vector<std::vector<std::uint32_t>> edge_segments_;
};

// Throws Error(BadValue) naming the feed's time zone if it is not known, and
// Error(NoData) if the feed has no trip.
System build(gtfs::Feed feed, const BuildOptions& options = {}, BuildReport* report = nullptr);

}  // namespace tryggve::transit
