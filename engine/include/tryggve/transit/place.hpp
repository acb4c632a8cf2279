#pragma once
// A placed transit report as the place of an incident: the one conversion the
// run pipeline (map stage) and the workspace (intake) both use, so an on-board
// incident means the same thing in a run folder and in a workspace.
//
//   on_board  a Placement (placement.hpp): the most likely point and its position
//             on the line network, the line, the stretch the vehicle can have been
//             on (its length, and the stops at its ends), uncertain when several
//             vehicles or segments fit. The segment of the most likely point names
//             the stretch a report counts for ("spårvagn 5 mellan Backa kyrka och
//             Brunnsbo torg"): one segment per incident, so stretches can be
//             counted and ranked.
//   stop      a StopPlacement: the station (a vertex of the line network), its
//             name; the line when the report named one.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tryggve/core/reject.hpp"

#include "tryggve/transit/placement.hpp"
#include "tryggve/transit/system.hpp"

namespace tryggve::transit {

enum class PlaceKind : std::uint8_t { None, OnBoard, Stop };
// "", "on_board", "stop": the place type of the situation picture and the
// incidents layers' `place_type` column.
const char* to_string(PlaceKind k);
PlaceKind parse_place_kind(std::string_view text);  // the inverse; None for anything else

struct TransitPlace {
  PlaceKind kind = PlaceKind::None;
  Point pos;                            // the most likely point, or the station
  network::NetworkPosition position;    // the same on System::network()
  Index route = kNone;
  std::string line;                     // the route's short name ("5"); "" at a stop no line named
  std::string mode;                     // "spårvagn", "buss" (gtfs::swedish_name)
  // On board.
  double stretch_m = 0;                 // length of line the vehicle can have been on
  bool uncertain = false;               // several vehicles or segments fit
  std::size_t vehicles = 0;
  int widened_s = 0;
  std::uint32_t segment = 0;            // System::segments() index of the most likely point
  std::string from_stop, to_stop;       // that segment's stops (station names)
  std::string stretch_from, stretch_to; // the ends of the heaviest vehicle's stretch (station names)
  std::vector<Piece> pieces;            // the whole stretch, every vehicle's (placement.hpp)
  // At a stop (and the station at the ends of segment for on board: kNone).
  Index station = kNone;                // System::stations() index = network vertex
  std::string station_name;
  std::string station_id;               // the feed's stop_id of the station
  bool placed() const { return kind != PlaceKind::None; }
};

TransitPlace to_place(const System& sys, const Placement& p);
TransitPlace to_place(const System& sys, const StopPlacement& p, std::string_view line = {});

// A transit report as a row of an operator's export (Västtrafik's, as the demo
// writes it, or the monthly actor files): the columns found by header, folded
// (case, Swedish letters, spaces/hyphens/dots as '_'), Swedish and English:
//   line       linje, line, route, linjenummer, route_short_name
//   mode       trafikslag, mode, färdmedel (put before the line: "spårvagn 5")
//   direction  riktning, direction, headsign, mot
//   trip       tur, trip, trip_id, turnummer
//   vehicle    fordon, vehicle, fordonsnummer, block, block_id
//   from/to    från_hållplats, from_stop / till_hållplats, to_stop
//   stop       hållplats, hållplatsnamn, stop, stop_name, hpl; else hållplats_id, stop_id
// A row with a stop is at that stop (its line, if any, narrows the name); a row
// with a line and no stop is on board; neither: not a transit row.
struct TransitRequest {
  PlaceKind kind = PlaceKind::None;
  OnBoardReport on_board;
  StopReport stop;
};
TransitRequest transit_request(const std::vector<std::pair<std::string, std::string>>& fields, Timestamp time);
// True when the header is one of the line columns above (a reader keeps a row
// that has no coordinates but a line).
bool is_line_header(std::string_view header);

struct TransitPlaceResult {
  bool placed = false;
  TransitPlace place;
  RejectReason reason = RejectReason::UnknownReference;
  std::string detail;  // the placer's reason, with its candidates: "line 7 is not in the feed (candidates: 5, 25)"
  PlaceKind asked = PlaceKind::None;  // what the row asked for (place_row): None = not a transit row
};
// The one conversion: a request placed by the Placer and turned into the place.
TransitPlaceResult place_report(const Placer& placer, const TransitRequest& request);

// One row of an operator's export placed, the same way wherever it is read (the
// run pipeline's transit reports, the workspace's intake): transit_request, then
// the rule that an on-board row needs its time (BadTime otherwise), then
// place_report. A row with neither a line nor a stop: not placed, BadValue,
// asked = None.
TransitPlaceResult place_row(const Placer& placer, const std::vector<std::pair<std::string, std::string>>& fields,
                             bool has_time, Timestamp time);

// The stretch as lines on the map: each piece's part of its segment (a dwell:
// one point, as a two-point line of zero length), in the pieces' order.
std::vector<Polyline> stretch_geometry(const System& sys, const TransitPlace& p);

// Where, in words: "spårvagn 5 mellan Backa kyrka och Brunnsbo torg" (sv) /
// "tram 5 between Backa kyrka and Brunnsbo torg" (en); "hållplats Backa kyrka".
std::string describe(const TransitPlace& p, std::string_view lang = "sv");
// A stretch between two stops in words, as describe() writes it.
std::string describe_stretch(std::string_view mode_sv, std::string_view line, std::string_view from,
                             std::string_view to, std::string_view lang = "sv");
// The English mode for a Swedish one ("spårvagn" -> "tram"); the text itself when unknown.
std::string mode_en(std::string_view mode_sv);

// A station's name as a reader says it: Västtrafik's ", Göteborg" dropped, case
// kept, so a stretch reads the same in every layer and report.
std::string display_name(std::string_view name);

}  // namespace tryggve::transit
