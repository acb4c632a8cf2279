#include "tryggve/transit/layers.hpp"

#include <algorithm>
#include <set>

namespace tryggve::transit {

std::vector<LineFeature> line_features(const System& sys) {
  const gtfs::Feed& feed = sys.feed();
  std::vector<LineFeature> out;
  out.reserve(sys.segments().size());
  for (std::uint32_t i = 0; i < sys.segments().size(); ++i) {
    const Segment& s = sys.segments()[i];
    const Line& l = sys.lines()[s.line];
    const gtfs::Route& r = feed.routes[l.route];
    LineFeature f;
    f.segment = i;
    f.route_id = r.id;
    f.line = r.label();
    f.mode = gtfs::swedish_name(r.mode);
    f.direction = l.direction;
    f.headsign = l.headsign;
    f.index = s.index;
    f.from_stop = sys.stations()[sys.station_of(s.from_stop)].name;
    f.to_stop = sys.stations()[sys.station_of(s.to_stop)].name;
    f.from_stop_id = feed.stops[s.from_stop].id;
    f.to_stop_id = feed.stops[s.to_stop].id;
    f.length_m = s.length;
    f.source = to_string(s.source);
    f.geometry = s.geometry;
    out.push_back(std::move(f));
  }
  return out;
}

// Short names sort as numbers where they are ("5" before "25").
static bool line_less(const std::string& a, const std::string& b) {
  const bool na = !a.empty() && std::all_of(a.begin(), a.end(), [](char c) { return c >= '0' && c <= '9'; });
  const bool nb = !b.empty() && std::all_of(b.begin(), b.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (na && nb && a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

std::vector<StopFeature> stop_features(const System& sys) {
  const gtfs::Feed& feed = sys.feed();
  std::vector<std::set<std::string>> lines(sys.stations().size());
  for (const Line& l : sys.lines())
    for (Index s : l.stops) lines[sys.station_of(s)].insert(feed.routes[l.route].label());
  std::vector<StopFeature> out;
  out.reserve(sys.stations().size());
  for (std::uint32_t i = 0; i < sys.stations().size(); ++i) {
    const Station& st = sys.stations()[i];
    StopFeature f;
    f.station = i;
    f.stop_id = feed.stops[st.stop].id;
    f.name = st.name;
    std::vector<std::string> names(lines[i].begin(), lines[i].end());
    std::sort(names.begin(), names.end(), line_less);
    for (const auto& n : names) f.lines += (f.lines.empty() ? "" : ", ") + n;
    f.platforms = st.stops.size();
    f.pos = st.pos;
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace tryggve::transit
