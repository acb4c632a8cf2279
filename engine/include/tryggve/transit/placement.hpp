#pragma once
// Placing reports about public transport: on board (a line and a time, perhaps a
// direction, a trip or vehicle, a pair of stops) onto the stretch of the line
// where the vehicle was, from the timetable; at a stop or platform onto the stop.
//
// On board. The report's time is turned into service-day seconds for every
// service day that can still be running then (times may pass 24:00). A vehicle
// seen at time t may run late or early, and a report states whole minutes, so
// the scheduled times that fit are the window
//     [t - late_s, t + time_resolution_s + early_s].
// Every run of the line whose service runs that day and which is under way in
// the window (after the filters: direction, trip, vehicle, stop pair) is a
// candidate vehicle. Each contributes the stretch it covers in the window, cut
// into pieces per segment (and dwell at stops). A piece weighs the scheduled
// time the vehicle spends in it, each moment tau counted by how likely its
// lateness is: the true time is uniform in the stated minute and the delay
// triangular from early_s early to late_s late, most likely typical_delay_s
// late. Every vehicle under way is taken to be equally likely a priori. So one
// vehicle with a known direction gives one stretch of one line; no direction at
// a busy hour gives the stretches of several vehicles, each with its share,
// never a single false point. The most likely point (the weighted median of the
// heaviest vehicle's stretch) is given too, for a map symbol.
//
// When no vehicle is under way in the window the window is widened step by
// step up to max_widen_s (vehicles can run later than late_s) and the placement
// says how far (widened_s); its pieces then weigh by time alone. Rejected, with
// the reason and the candidates:
//   UnknownReference  a line, direction, trip, vehicle or stop that the feed
//                     does not know (the nearest names or the line's headsigns)
//   NotInService      no vehicle under way even in the widened window (the last
//                     run before and the first after, with their times)
//   BadValue          a line that names several routes and nothing to choose
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "tryggve/core/reject.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/transit/system.hpp"

namespace tryggve::transit {

struct OnBoardReport {
  std::string line;       // "5", "spårvagn 5", "buss 25", "Tram 5", or a route_id
  Timestamp time;
  std::string direction;  // a headsign or terminus ("mot Brunnsbo"), or "0"/"1"; "" unknown
  std::string trip_id;    // "" unknown
  std::string vehicle;    // GTFS block_id (one vehicle's chain of trips); "" unknown
  std::string from_stop, to_stop;  // the stops the vehicle was between (names or ids); one alone: near it
};

struct PlacementOptions {
  int late_s = 180;             // vehicles may run up to this late
  int early_s = 60;             // ... or this early
  int time_resolution_s = 60;   // reports state the minute
  int typical_delay_s = 45;     // the most likely lateness (the mode of the delay prior)
  int max_widen_s = 900;        // widen the window up to this when no vehicle fits
  int widen_step_s = 60;
};

struct Piece {
  std::uint32_t run = 0;       // System::runs() index
  std::int32_t service_day = 0;
  std::uint32_t segment = 0;   // System::segments() index
  double from_m = 0, to_m = 0; // along the segment; equal at a stop (dwell)
  double weight = 0;           // the pieces of a placement sum to 1
};

struct Placement {
  Index route = kNone;
  std::vector<Piece> pieces;      // in run order, then along the line
  std::size_t vehicles = 0;       // candidate runs
  int widened_s = 0;              // 0: the window as stated was enough
  // The most likely point.
  std::uint32_t run = 0;
  std::int32_t service_day = 0;
  std::uint32_t segment = 0;
  double offset_m = 0;
  Point pos;
  double stretch_m = 0;           // length covered by the pieces (overlaps counted once)
  bool uncertain() const;         // more than one vehicle or more than one segment
  network::NetworkPosition position(const System& sys) const;
};

struct PlacementResult {
  bool placed = false;
  Placement placement;
  RejectReason reason = RejectReason::UnknownReference;
  std::string detail;                   // "line 7 is not in the feed"
  std::vector<std::string> candidates;  // what it could have meant
};

// At a stop: a stop or station name (Västtrafik's ", Göteborg" suffix and a
// platform "läge A" are understood) or a stop_id; `line` (optional) narrows a
// name several stations share to the line's.
struct StopReport {
  std::string stop;
  std::string line;
};
struct StopPlacement {
  Index station = kNone;        // System::stations() index = network vertex
  Index stop = kNone;           // the platform when one was named
  Point pos;
};
struct StopResult {
  bool placed = false;
  StopPlacement placement;
  RejectReason reason = RejectReason::UnknownReference;
  std::string detail;
  std::vector<std::string> candidates;
};
// A stretch of a line for an intervention (hosts on board, scenario `where: line`):
// the line's segments between two stops, in both directions unless one is given
// (the stops in either order), or the whole line when no stops are given; and the
// stations along it. Names as for reports (line "5" or "spårvagn 5"; stop names
// or ids; direction a headsign, a terminus, or "0"/"1").
struct StretchQuery {
  std::string line;
  std::string from_stop, to_stop;  // both or neither
  std::string direction;           // "" both
};
struct Stretch {
  Index route = kNone;
  std::vector<std::uint32_t> segments;  // System::segments() indices, sorted
  std::vector<Index> stations;          // System::stations() indices, sorted
};
struct StretchResult {
  bool found = false;
  Stretch stretch;
  std::string detail;                   // why not: "stop 'Epsilon' is not on spårvagn 5"
  std::vector<std::string> candidates;  // what it could have meant
  bool about_stops = false;             // the stops are the problem (not the line or direction)
};

// Holds the name indexes (stations, routes): build one per System and place
// many reports with it. Thread-safe for concurrent placing.
class Placer {
 public:
  explicit Placer(const System& sys, PlacementOptions options = {});
  PlacementResult on_board(const OnBoardReport& report) const;
  StopResult at_stop(const StopReport& report) const;
  StretchResult stretch(const StretchQuery& query) const;
  const System& system() const { return *sys_; }
  const PlacementOptions& options() const { return opt_; }

 private:
  std::vector<Index> routes_named(const std::string& line) const;  // sorted; empty: unknown
  std::vector<std::string> line_labels(const std::string& line) const;  // the feed's lines, for messages

  const System* sys_;
  PlacementOptions opt_;
  std::unordered_multimap<std::string, Index> station_names_;  // folded full and short names -> station
  std::unordered_multimap<std::string, Index> route_names_;    // folded short, long name and id -> route
  std::vector<std::vector<Index>> route_stations_;             // stations each route serves
};

PlacementResult place_on_board(const System& sys, const OnBoardReport& report, const PlacementOptions& options = {});

StopResult place_at_stop(const System& sys, const StopReport& report);

// A placement as weighted positions on sys.network() (for density and Gi*):
// each piece cut into steps of at most step_m, each step at its middle with its
// share of the piece's weight. Pieces on zero-length segments (no edge) go to
// their station, at the end of an edge that meets it; returns how many pieces
// could not be placed (a station no edge meets), whose weight is then missing.
std::size_t weighted_positions(const System& sys, const Placement& p, double step_m,
                               std::vector<network::NetworkPosition>& positions, std::vector<double>& weights);

// Names as reports write them: folded to lower case (Swedish letters too),
// spaces collapsed; `short_name` also drops Västtrafik's ", <municipality>".
std::string fold(std::string_view text);
std::string short_name(std::string_view text);

}  // namespace tryggve::transit
