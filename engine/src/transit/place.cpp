#include "tryggve/transit/place.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <map>

#include <fmt/format.h>

namespace tryggve::transit {

const char* to_string(PlaceKind k) {
  switch (k) {
    case PlaceKind::OnBoard: return "on_board";
    case PlaceKind::Stop: return "stop";
    case PlaceKind::None: break;
  }
  return "";
}

PlaceKind parse_place_kind(std::string_view text) {
  if (text == "on_board") return PlaceKind::OnBoard;
  if (text == "stop") return PlaceKind::Stop;
  return PlaceKind::None;
}

std::string display_name(std::string_view name) {
  const auto comma = name.rfind(", ");
  return std::string(comma == std::string_view::npos || comma == 0 ? name : name.substr(0, comma));
}

namespace {

std::string station_name_of_stop(const System& sys, Index stop) {
  return display_name(sys.stations()[sys.station_of(stop)].name);
}

void set_route(const System& sys, Index route, TransitPlace& t) {
  t.route = route;
  if (route == kNone) return;
  const gtfs::Route& r = sys.feed().routes[route];
  t.line = r.label();
  t.mode = gtfs::swedish_name(r.mode);
}

}  // namespace

TransitPlace to_place(const System& sys, const Placement& p) {
  TransitPlace t;
  t.kind = PlaceKind::OnBoard;
  t.pos = p.pos;
  t.position = p.position(sys);
  set_route(sys, p.route, t);
  t.stretch_m = p.stretch_m;
  t.uncertain = p.uncertain();
  t.vehicles = p.vehicles;
  t.widened_s = p.widened_s;
  t.segment = p.segment;
  t.pieces = p.pieces;
  const Segment& s = sys.segments()[p.segment];
  t.from_stop = station_name_of_stop(sys, s.from_stop);
  t.to_stop = station_name_of_stop(sys, s.to_stop);
  // The heaviest vehicle's stretch: its pieces are in order along its line, so
  // the first piece's segment starts it and the last one's ends it.
  const Piece* first = nullptr;
  const Piece* last = nullptr;
  for (const auto& pc : p.pieces) {
    if (pc.run != p.run || pc.service_day != p.service_day) continue;
    if (!first) first = &pc;
    last = &pc;
  }
  if (first) {
    const Segment& a = sys.segments()[first->segment];
    const Segment& b = sys.segments()[last->segment];
    // A piece that starts at the segment's end (or is a dwell there) begins at its to-stop.
    t.stretch_from = station_name_of_stop(sys, first->from_m >= a.length && a.length > 0 ? a.to_stop : a.from_stop);
    t.stretch_to = station_name_of_stop(sys, last->to_m <= 0 && b.length > 0 ? b.from_stop : b.to_stop);
  } else {
    t.stretch_from = t.from_stop;
    t.stretch_to = t.to_stop;
  }
  return t;
}

TransitPlace to_place(const System& sys, const StopPlacement& p, std::string_view line) {
  TransitPlace t;
  t.kind = PlaceKind::Stop;
  t.pos = p.pos;
  t.station = p.station;
  const Station& st = sys.stations()[p.station];
  t.station_name = display_name(st.name);
  t.station_id = sys.feed().stops[st.stop].id;
  t.position = {network::kNoEdge, 0.0};
  // The station as a network position: the end of an edge that meets it.
  const network::Network& net = sys.network();
  if (p.station < net.vertex_count())
    for (const auto& inc : net.incident(p.station)) {
      t.position = {inc.edge, inc.at_from ? 0.0 : net.edge(inc.edge).length};
      break;
    }
  if (!line.empty()) {
    // The route the line names, when the feed knows it: its short name and mode.
    const std::string f = fold(line);
    for (Index r = 0; r < sys.feed().routes.size(); ++r) {
      const gtfs::Route& route = sys.feed().routes[r];
      if (fold(route.short_name) == f || fold(route.id) == f ||
          fold(std::string(gtfs::swedish_name(route.mode)) + " " + route.short_name) == f) {
        set_route(sys, r, t);
        break;
      }
    }
    if (t.route == kNone) t.line = std::string(line);
  }
  return t;
}

namespace {

std::string header_key(std::string_view h) {
  std::string k = fold(h);
  for (char& c : k)
    if (c == ' ' || c == '-' || c == '.') c = '_';
  return k;
}

using Names = std::initializer_list<std::string_view>;

template <class List>
int find_column(const std::vector<std::string>& keys, const List& names) {
  for (auto n : names)
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == n) return static_cast<int>(i);
  return -1;
}

constexpr std::array<std::string_view, 6> kLineHeaders = {"linje", "line", "route", "linjenummer",
                                                          "route_short_name", "linje_nr"};

}  // namespace

bool is_line_header(std::string_view header) {
  const std::string k = header_key(header);
  for (auto n : kLineHeaders)
    if (k == n) return true;
  return false;
}

TransitRequest transit_request(const std::vector<std::pair<std::string, std::string>>& fields, Timestamp time) {
  std::vector<std::string> keys;
  keys.reserve(fields.size());
  for (const auto& [h, v] : fields) keys.push_back(header_key(h));
  auto get = [&](const auto& names) {
    const int i = find_column(keys, names);
    return i < 0 ? std::string() : fields[static_cast<std::size_t>(i)].second;
  };
  auto trim = [](std::string s) {
    const auto a = s.find_first_not_of(" \t");
    if (a == std::string::npos) return std::string();
    const auto b = s.find_last_not_of(" \t");
    return s.substr(a, b - a + 1);
  };
  TransitRequest r;
  const std::string line = trim(get(kLineHeaders));
  const std::string mode = trim(get(Names{"trafikslag", "mode", "färdmedel", "route_type_name"}));
  std::string stop = trim(get(Names{"hållplats", "hållplatsnamn", "stop", "stop_name", "hpl"}));
  if (stop.empty()) stop = trim(get(Names{"hållplats_id", "hållplatsid", "stop_id"}));
  if (!stop.empty()) {
    r.kind = PlaceKind::Stop;
    r.stop.stop = stop;
    r.stop.line = line;
    return r;
  }
  if (line.empty()) return r;
  r.kind = PlaceKind::OnBoard;
  // "5" with the mode "spårvagn" is "spårvagn 5"; a line that already names its mode stays as it is.
  r.on_board.line = !mode.empty() && fold(line).find(fold(mode)) == std::string::npos ? mode + " " + line : line;
  r.on_board.time = time;
  r.on_board.direction = trim(get(Names{"riktning", "direction", "headsign", "mot"}));
  r.on_board.trip_id = trim(get(Names{"tur", "trip", "trip_id", "turnummer"}));
  r.on_board.vehicle = trim(get(Names{"fordon", "vehicle", "fordonsnummer", "block", "block_id"}));
  r.on_board.from_stop = trim(get(Names{"från_hållplats", "fran_hallplats", "from_stop", "från"}));
  r.on_board.to_stop = trim(get(Names{"till_hållplats", "till_hallplats", "to_stop", "till"}));
  return r;
}

TransitPlaceResult place_report(const Placer& placer, const TransitRequest& req) {
  TransitPlaceResult out;
  auto with_candidates = [](std::string detail, const std::vector<std::string>& cands) {
    if (!cands.empty()) {
      detail += " (candidates: ";
      for (std::size_t i = 0; i < cands.size(); ++i) detail += (i ? ", " : "") + cands[i];
      detail += ")";
    }
    return detail;
  };
  // Both kinds of result answer the same way: a reject with its candidates, or the place.
  auto answer = [&](const auto& res, auto&& make_place) {
    if (!res.placed) {
      out.reason = res.reason;
      out.detail = with_candidates(res.detail, res.candidates);
      return;
    }
    out.placed = true;
    out.place = make_place(res.placement);
  };
  if (req.kind == PlaceKind::OnBoard) {
    answer(placer.on_board(req.on_board), [&](const auto& pl) { return to_place(placer.system(), pl); });
  } else if (req.kind == PlaceKind::Stop) {
    answer(placer.at_stop(req.stop), [&](const auto& pl) { return to_place(placer.system(), pl, req.stop.line); });
  } else {
    out.reason = RejectReason::BadValue;
    out.detail = "neither a line nor a stop given";
  }
  return out;
}

TransitPlaceResult place_row(const Placer& placer, const std::vector<std::pair<std::string, std::string>>& fields,
                             bool has_time, Timestamp time) {
  const TransitRequest req = transit_request(fields, time);
  if (req.kind == PlaceKind::None) {
    TransitPlaceResult out;
    out.reason = RejectReason::BadValue;
    out.detail = "neither a line nor a stop: not a public-transport report";
    return out;
  }
  if (req.kind == PlaceKind::OnBoard && !has_time) {
    TransitPlaceResult out;
    out.asked = req.kind;
    out.reason = RejectReason::BadTime;
    out.detail = "an on-board report needs its time to be placed from the timetable";
    return out;
  }
  TransitPlaceResult out = place_report(placer, req);
  out.asked = req.kind;
  return out;
}

std::vector<Polyline> stretch_geometry(const System& sys, const TransitPlace& p) {
  std::vector<Polyline> out;
  out.reserve(p.pieces.size());
  for (const Piece& pc : p.pieces) {
    Polyline g = substring(sys.segments()[pc.segment].geometry, pc.from_m, pc.to_m);
    if (g.size() == 1) g.push_back(g.front());
    if (!g.empty()) out.push_back(std::move(g));
  }
  return out;
}

std::string mode_en(std::string_view mode_sv) {
  static const std::array<std::pair<std::string_view, std::string_view>, 11> kModes{{{"spårvagn", "tram"},
                                                                                     {"tunnelbana", "metro"},
                                                                                     {"tåg", "train"},
                                                                                     {"buss", "bus"},
                                                                                     {"båt", "ferry"},
                                                                                     {"kabelspårvagn", "cable tram"},
                                                                                     {"linbana", "cable car"},
                                                                                     {"bergbana", "funicular"},
                                                                                     {"trådbuss", "trolleybus"},
                                                                                     {"monorail", "monorail"},
                                                                                     {"annat", "line"}}};
  for (const auto& [sv, en] : kModes)
    if (sv == mode_sv) return std::string(en);
  return std::string(mode_sv);
}

std::string describe_stretch(std::string_view mode_sv, std::string_view line, std::string_view from,
                             std::string_view to, std::string_view lang) {
  const bool en = lang == "en";
  std::string who = en ? mode_en(mode_sv) : std::string(mode_sv);
  if (who.empty()) who = en ? "line" : "linje";
  who += " ";
  who += line;
  if (from.empty() && to.empty()) return who;
  if (from == to || to.empty()) return fmt::format("{} {} {}", who, en ? "at" : "vid", from);
  return fmt::format("{} {} {} {} {}", who, en ? "between" : "mellan", from, en ? "and" : "och", to);
}

std::string describe(const TransitPlace& p, std::string_view lang) {
  const bool en = lang == "en";
  switch (p.kind) {
    case PlaceKind::OnBoard: return describe_stretch(p.mode, p.line, p.from_stop, p.to_stop, lang);
    case PlaceKind::Stop: return fmt::format("{} {}", en ? "stop" : "hållplats", p.station_name);
    case PlaceKind::None: break;
  }
  return {};
}

}  // namespace tryggve::transit
