#include "tryggve/transit/placement.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include <fmt/format.h>

namespace tryggve::transit {

// ---- Names -----------------------------------------------------------------------------

std::string fold(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ', space = false;
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c + 32);
    } else if (c == 0xC3 && i + 1 < text.size()) {
      // Latin-1 capitals (À-Þ but ×) as UTF-8: C3 80-9E -> C3 A0-BE.
      unsigned char d = static_cast<unsigned char>(text[i + 1]);
      if (d >= 0x80 && d <= 0x9E && d != 0x97) d = static_cast<unsigned char>(d + 0x20);
      out += static_cast<char>(c);
      out += static_cast<char>(d);
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string short_name(std::string_view text) {
  std::string f = fold(text);
  const auto comma = f.rfind(',');
  if (comma == std::string::npos) return f;
  return fold(std::string_view(f).substr(0, comma));
}

namespace {

std::vector<std::string> words(const std::string& folded) {
  std::vector<std::string> w;
  std::size_t i = 0;
  while (i < folded.size()) {
    const auto j = folded.find(' ', i);
    w.push_back(folded.substr(i, j == std::string::npos ? std::string::npos : j - i));
    if (j == std::string::npos) break;
    i = j + 1;
  }
  return w;
}

std::string join(const std::vector<std::string>& w, std::size_t from = 0, std::size_t to = std::string::npos) {
  std::string s;
  for (std::size_t i = from; i < std::min(to, w.size()); ++i) s += (s.empty() ? "" : " ") + w[i];
  return s;
}

// "spårvagn 5", "buss 25", "linje 5", "5:an", "Tram 5" -> the line's name and the mode named.
struct LineText {
  std::string name;
  int mode = -1;  // gtfs::Mode, or -1
};
LineText parse_line(std::string_view text) {
  static const std::map<std::string, gtfs::Mode> kModes = {
      {"spårvagn", gtfs::Mode::Tram},     {"spårvagnen", gtfs::Mode::Tram}, {"spårvagnslinje", gtfs::Mode::Tram},
      {"spårvagnslinjen", gtfs::Mode::Tram}, {"tram", gtfs::Mode::Tram},   {"tramline", gtfs::Mode::Tram},
      {"buss", gtfs::Mode::Bus},          {"bussen", gtfs::Mode::Bus},      {"busslinje", gtfs::Mode::Bus},
      {"busslinjen", gtfs::Mode::Bus},    {"bus", gtfs::Mode::Bus},         {"båt", gtfs::Mode::Ferry},
      {"båten", gtfs::Mode::Ferry},       {"färja", gtfs::Mode::Ferry},     {"ferry", gtfs::Mode::Ferry},
      {"tåg", gtfs::Mode::Rail},          {"tåget", gtfs::Mode::Rail},      {"train", gtfs::Mode::Rail}};
  static const std::set<std::string> kFiller = {"linje", "linjen", "line", "nr", "nr.", "nummer", "no", "no.", "route"};
  LineText out;
  std::vector<std::string> kept;
  for (auto w : words(fold(text))) {
    if (auto it = kModes.find(w); it != kModes.end()) {
      out.mode = static_cast<int>(it->second);
      continue;
    }
    if (kFiller.count(w)) continue;
    // "5:an", "5:ans" (Swedish for "the five")
    for (const char* suf : {":ans", ":an", ":a"})
      if (w.size() > std::strlen(suf) && w.compare(w.size() - std::strlen(suf), std::string::npos, suf) == 0) {
        w.resize(w.size() - std::strlen(suf));
        break;
      }
    kept.push_back(w);
  }
  out.name = join(kept);
  return out;
}

std::string direction_text(std::string_view text) {
  std::vector<std::string> w = words(fold(text));
  static const std::set<std::string> kLead = {"mot", "mot:", "towards", "toward", "to", "riktning", "riktning:",
                                              "dir", "dir.", "direction", "mot/towards"};
  std::size_t i = 0;
  while (i < w.size() && kLead.count(w[i])) ++i;
  return join(w, i);
}

// "Kvarnbo torg läge A", "Kvarnbo torg, läge A", "Brunnsbotorget platform C" -> (name, "a").
std::pair<std::string, std::string> split_platform(std::string_view text) {
  std::vector<std::string> w = words(fold(text));
  static const std::set<std::string> kPlatform = {"läge", "lage", "platform", "plattform", "spår", "track", "stop"};
  if (w.size() >= 3 && kPlatform.count(w[w.size() - 2])) {
    std::string name = join(w, 0, w.size() - 2);
    while (!name.empty() && (name.back() == ',' || name.back() == ' ')) name.pop_back();
    return {name, w.back()};
  }
  return {join(w), ""};
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string hhmm(std::int64_t utc, const TimeZone& tz) {
  const LocalTime l = to_local(tz.at_utc(utc));
  return fmt::format("{:02}:{:02}", l.hour, l.minute);
}
std::string date_time(std::int64_t utc, const TimeZone& tz) {
  const LocalTime l = to_local(tz.at_utc(utc));
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}", l.year, l.month, l.day, l.hour, l.minute);
}

}  // namespace

// ---- Placer -------------------------------------------------------------------------------

Placer::Placer(const System& sys, PlacementOptions options) : sys_(&sys), opt_(options) {
  const auto& st = sys.stations();
  for (Index s = 0; s < st.size(); ++s) {
    const std::string full = fold(st[s].name), sh = short_name(st[s].name);
    station_names_.emplace(full, s);
    if (sh != full) station_names_.emplace(sh, s);
  }
  const auto& routes = sys.feed().routes;
  for (Index r = 0; r < routes.size(); ++r) {
    std::set<std::string> keys = {fold(routes[r].short_name), fold(routes[r].long_name), fold(routes[r].id)};
    for (const auto& k : keys)
      if (!k.empty()) route_names_.emplace(k, r);
  }
  route_stations_.assign(routes.size(), {});
  for (const auto& line : sys.lines())
    for (Index stop : line.stops) route_stations_[line.route].push_back(sys.station_of(stop));
  for (auto& v : route_stations_) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  }
}

std::vector<Index> Placer::routes_named(const std::string& text) const {
  const LineText lt = parse_line(text);
  std::set<Index> found;
  for (const std::string& key : {lt.name, fold(text)}) {
    auto [b, e] = route_names_.equal_range(key);
    for (auto it = b; it != e; ++it)
      if (lt.mode < 0 || static_cast<int>(sys_->feed().routes[it->second].mode) == lt.mode) found.insert(it->second);
  }
  return {found.begin(), found.end()};
}

std::vector<std::string> Placer::line_labels(const std::string& text) const {
  const LineText lt = parse_line(text);
  std::set<std::string> labels;
  for (const auto& r : sys_->feed().routes)
    if (lt.mode < 0 || static_cast<int>(r.mode) == lt.mode)
      labels.insert(fmt::format("{} {}", gtfs::swedish_name(r.mode), r.label()));
  std::vector<std::string> c(labels.begin(), labels.end());
  if (c.size() > 12) c.resize(12);
  return c;
}

namespace {

struct StopMatch {
  std::vector<Index> stations;
  Index platform = kNone;
};

// Stations (and a platform) a stop text names, among `among` when given (sorted).
StopMatch match_stop(const System& sys, const std::unordered_multimap<std::string, Index>& names,
                     std::string_view text, const std::vector<Index>* among) {
  StopMatch m;
  auto allowed = [&](Index s) { return !among || std::binary_search(among->begin(), among->end(), s); };
  const std::string trimmed = fold(text);
  // A stop_id as it is.
  std::string_view id = text;
  while (!id.empty() && (id.front() == ' ' || id.front() == '\t')) id.remove_prefix(1);
  while (!id.empty() && (id.back() == ' ' || id.back() == '\t')) id.remove_suffix(1);
  const std::string raw(id);
  if (const Index id = sys.feed().find_stop(raw); id != kNone && allowed(sys.station_of(id))) {
    m.stations.push_back(sys.station_of(id));
    if (sys.feed().stops[id].type == gtfs::LocationType::Stop && sys.feed().stops[id].parent != kNone) m.platform = id;
    return m;
  }
  auto [name, code] = split_platform(text);
  auto lookup = [&](const std::string& key) {
    auto [b, e] = names.equal_range(key);
    for (auto it = b; it != e; ++it)
      if (allowed(it->second)) m.stations.push_back(it->second);
  };
  lookup(name);
  if (m.stations.empty()) lookup(short_name(name));
  if (m.stations.empty() && !code.empty()) {
    // "Kvarnbo torg A" could be a station called so; the split was a guess.
    code.clear();
    lookup(trimmed);
  }
  std::sort(m.stations.begin(), m.stations.end());
  m.stations.erase(std::unique(m.stations.begin(), m.stations.end()), m.stations.end());
  if (!code.empty() && m.stations.size() == 1) {
    for (Index p : sys.stations()[m.stations.front()].stops)
      if (fold(sys.feed().stops[p].platform_code) == code) m.platform = p;
  }
  return m;
}

// Up to three names close to `text` (edit distance), from the stations given or all.
std::vector<std::string> near_names(const System& sys, std::string_view text, const std::vector<Index>* among) {
  const std::string q = short_name(split_platform(text).first);
  std::map<std::pair<std::size_t, std::string>, bool> ranked;
  std::set<std::string> seen;
  auto consider = [&](Index s) {
    const std::string& name = sys.stations()[s].name;
    if (!seen.insert(name).second) return;
    const std::size_t d = std::min(edit_distance(q, short_name(name)), edit_distance(q, fold(name)));
    if (d <= std::max<std::size_t>(2, q.size() / 3)) ranked[{d, name}] = true;
  };
  if (among)
    for (Index s : *among) consider(s);
  else
    for (Index s = 0; s < sys.stations().size(); ++s) consider(s);
  std::vector<std::string> out;
  for (const auto& [k, v] : ranked) {
    if (out.size() == 3) break;
    out.push_back(k.second);
  }
  return out;
}

}  // namespace

bool Placement::uncertain() const {
  if (vehicles > 1) return true;
  for (const auto& p : pieces)
    if (p.segment != pieces.front().segment) return true;
  return false;
}

network::NetworkPosition Placement::position(const System& sys) const {
  return sys.segments()[segment].position(offset_m);
}

PlacementResult Placer::on_board(const OnBoardReport& rep) const {
  const System& sys = *sys_;
  const gtfs::Feed& feed = sys.feed();
  PlacementResult res;
  auto reject = [&](RejectReason reason, std::string detail, std::vector<std::string> cands = {}) {
    res.placed = false;
    res.reason = reason;
    res.detail = std::move(detail);
    res.candidates = std::move(cands);
    return res;
  };
  if (fold(rep.line).empty()) return reject(RejectReason::BadValue, "no line given");

  // ---- The route.
  std::vector<Index> routes = routes_named(rep.line);
  if (routes.empty())
    return reject(RejectReason::UnknownReference, fmt::format("line '{}' is not in the feed", rep.line),
                  line_labels(rep.line));
  // Stops named narrow a line name several routes share (bus 5 in two towns).
  if (routes.size() > 1 && (!rep.from_stop.empty() || !rep.to_stop.empty())) {
    std::vector<Index> keep;
    for (Index r : routes) {
      bool ok = true;
      for (const std::string* s : {&rep.from_stop, &rep.to_stop})
        if (!s->empty() && match_stop(sys, station_names_, *s, &route_stations_[r]).stations.empty()) ok = false;
      if (ok) keep.push_back(r);
    }
    if (!keep.empty()) routes = keep;
  }
  if (routes.size() > 1) {
    std::vector<std::string> c;
    for (Index r : routes)
      c.push_back(fmt::format("{} {} (route {}{})", gtfs::swedish_name(feed.routes[r].mode), feed.routes[r].label(),
                              feed.routes[r].id, feed.routes[r].long_name.empty() ? "" : ", " + feed.routes[r].long_name));
    return reject(RejectReason::BadValue,
                  fmt::format("line '{}' names {} routes: say the mode or a stop to tell them apart", rep.line, routes.size()),
                  c);
  }
  const Index route = routes.front();
  const std::string label = fmt::format("{} {}", gtfs::swedish_name(feed.routes[route].mode), feed.routes[route].label());
  const auto& route_runs = sys.runs_of_route(route);

  // ---- Filters: direction, trip, vehicle.
  const std::string dir = direction_text(rep.direction);
  const int dir_id = dir == "0" ? 0 : dir == "1" ? 1 : -1;
  auto terminus = [&](const Line& l) { return sys.stations()[sys.station_of(l.stops.back())].name; };
  auto dir_ok = [&](const Run& r) {
    if (dir.empty()) return true;
    const gtfs::Trip& t = feed.trips[r.trip];
    if (dir_id >= 0) return t.direction == dir_id;
    const std::string term = terminus(sys.lines()[r.line]);
    return fold(t.headsign) == dir || short_name(t.headsign) == dir || fold(term) == dir || short_name(term) == dir;
  };
  if (!dir.empty() && std::none_of(route_runs.begin(), route_runs.end(), [&](std::uint32_t r) { return dir_ok(sys.runs()[r]); })) {
    std::set<std::string> c;
    for (const auto& l : sys.lines())
      if (l.route == route) {
        if (!l.headsign.empty()) c.insert(l.headsign);
        c.insert(terminus(l));
      }
    return reject(RejectReason::UnknownReference,
                  fmt::format("direction '{}' is neither a headsign nor a terminus of {}", rep.direction, label),
                  {c.begin(), c.end()});
  }
  Index trip = kNone;
  if (!rep.trip_id.empty()) {
    trip = feed.find_trip(rep.trip_id);
    if (trip == kNone) return reject(RejectReason::UnknownReference, fmt::format("trip '{}' is not in the feed", rep.trip_id));
    if (feed.trips[trip].route != route)
      return reject(RejectReason::UnknownReference,
                    fmt::format("trip '{}' runs on {} {}, not on {}", rep.trip_id,
                                gtfs::swedish_name(feed.routes[feed.trips[trip].route].mode),
                                feed.routes[feed.trips[trip].route].label(), label));
  }
  const std::string vehicle = rep.vehicle;
  if (!vehicle.empty() && std::none_of(route_runs.begin(), route_runs.end(), [&](std::uint32_t r) {
        return feed.trips[sys.runs()[r].trip].block_id == vehicle;
      }))
    return reject(RejectReason::UnknownReference, fmt::format("vehicle (block) '{}' does not run on {}", vehicle, label));

  // ---- The stop pair: a stretch of chainage per line.
  std::vector<std::pair<double, double>> interval(sys.lines().size(), {-1.0, -1.0});
  const bool has_from = !fold(rep.from_stop).empty(), has_to = !fold(rep.to_stop).empty();
  if (has_from || has_to) {
    const auto* among = &route_stations_[route];
    StopMatch from, to;
    for (auto [text, m] : {std::pair{&rep.from_stop, &from}, std::pair{&rep.to_stop, &to}}) {
      if (fold(*text).empty()) continue;
      *m = match_stop(sys, station_names_, *text, among);
      if (m->stations.empty())
        return reject(RejectReason::UnknownReference, fmt::format("stop '{}' is not on {}", *text, label),
                      near_names(sys, *text, among));
    }
    auto in = [](const StopMatch& m, Index st) { return std::binary_search(m.stations.begin(), m.stations.end(), st); };
    bool any = false;
    for (Index li = 0; li < sys.lines().size(); ++li) {
      const Line& l = sys.lines()[li];
      if (l.route != route) continue;
      const std::size_t n = l.stops.size();
      if (has_from && has_to) {
        for (std::size_t i = 0; i < n && interval[li].first < 0; ++i) {
          if (!in(from, sys.station_of(l.stops[i]))) continue;
          for (std::size_t j = i + 1; j < n; ++j)
            if (in(to, sys.station_of(l.stops[j]))) {
              interval[li] = {l.chainage[i], l.chainage[j]};
              break;
            }
        }
      } else {
        const StopMatch& m = has_from ? from : to;
        for (std::size_t i = 0; i < n; ++i)
          if (in(m, sys.station_of(l.stops[i]))) {
            interval[li] = {l.chainage[i > 0 ? i - 1 : 0], l.chainage[std::min(i + 1, n - 1)]};
            break;
          }
      }
      any = any || interval[li].first >= 0;
    }
    if (!any)
      return reject(RejectReason::UnknownReference,
                    has_from && has_to ? fmt::format("{} does not run from '{}' to '{}'", label, rep.from_stop, rep.to_stop)
                                       : fmt::format("{} does not stop at '{}'", label, has_from ? rep.from_stop : rep.to_stop));
  }
  const bool restricted = has_from || has_to;

  auto run_ok = [&](const Run& r) {
    if (trip != kNone && r.trip != trip) return false;
    if (!vehicle.empty() && feed.trips[r.trip].block_id != vehicle) return false;
    if (restricted && interval[r.line].first < 0) return false;
    return dir_ok(r);
  };

  // ---- Pieces of one run in the scheduled window [lo, hi].
  // How likely each scheduled moment tau is for a report stated at minute t:
  // g(tau) = P(t_true - tau = delay), t_true uniform in the stated minute and the
  // delay triangular on [-early_s, late_s] with its mode at typical_delay_s.
  const double E = opt_.early_s, L = opt_.late_s, R = opt_.time_resolution_s;
  const double M = std::clamp(static_cast<double>(opt_.typical_delay_s), -E, L);
  auto delay_cdf = [&](double x) {
    if (x <= -E) return 0.0;
    if (x >= L) return 1.0;
    if (x <= M) return M > -E ? (x + E) * (x + E) / ((L + E) * (M + E)) : 0.0;
    return L > M ? 1.0 - (L - x) * (L - x) / ((L + E) * (L - M)) : 1.0;
  };
  auto likelihood = [&](double t, double tau) {
    if (R <= 0) {
      const double h = 1e-3;
      return (delay_cdf(t - tau + h) - delay_cdf(t - tau - h)) / (2 * h);
    }
    return (delay_cdf(t + R - tau) - delay_cdf(t - tau)) / R;
  };
  struct Cand {
    std::uint32_t run;
    std::int32_t day;
    std::vector<Piece> pieces;
    std::vector<double> dt;    // scheduled seconds in the window (instants count half a second)
    std::vector<double> mass;  // the same, weighted by the likelihood of that lateness
    std::vector<std::pair<double, double>> when;  // the scheduled moments of each piece
    double total = 0, total_mass = 0;
    double tau = 0;  // the stated time on this run's service day
  };
  // The likelihood integrated over [ta, tb] (Simpson's rule: it is piecewise quadratic in tau).
  auto integral = [&](double t, double ta, double tb) {
    if (!(tb > ta)) return 0.0;
    constexpr int kSteps = 8;
    const double h = (tb - ta) / kSteps;
    double m = 0;
    for (int i = 0; i <= kSteps; ++i) m += (i == 0 || i == kSteps ? 1 : i % 2 ? 4 : 2) * likelihood(t, ta + i * h);
    return m * h / 3;
  };
  auto pieces_of = [&](std::uint32_t ri, std::int32_t day, double t, double lo, double hi) {
    Cand c{ri, day, {}, {}, {}, {}, 0, 0};
    const Run& r = sys.runs()[ri];
    const Line& l = sys.lines()[r.line];
    const std::size_t n = l.stops.size();
    lo = std::max(lo, static_cast<double>(r.start));
    hi = std::min(hi, static_cast<double>(r.end));
    if (hi < lo) return c;
    const bool instant = hi == lo;
    const double ilo = restricted ? interval[r.line].first : -1.0, ihi = restricted ? interval[r.line].second : 1e300;
    // A piece of the run between scheduled times ta and tb, offsets o0 to o1 on segment seg.
    auto add = [&](std::uint32_t seg, double o0, double o1, double ta, double tb) {
      const double base = l.chainage[sys.segments()[seg].index];
      // Clip to the stop pair's stretch; time in proportion (constant speed).
      const double c0 = base + o0, c1 = base + o1;
      if (c1 < ilo - 1e-6 || c0 > ihi + 1e-6) return;
      const double span = c1 - c0;
      const double k0 = std::max(c0, ilo), k1 = std::min(c1, ihi);
      if (span > 0 && k1 - k0 <= 1e-9) return;  // only touches the stretch's end
      if (span > 0) {
        const double a = ta + (k0 - c0) / span * (tb - ta), b = ta + (k1 - c0) / span * (tb - ta);
        ta = a, tb = b;
      }
      const double m = tb > ta ? integral(t, ta, tb) : 0.5 * likelihood(t, ta);
      c.pieces.push_back({ri, day, seg, k0 - base, k1 - base, 0.0});
      c.when.push_back({ta, tb});
      c.dt.push_back(std::max(tb - ta, 0.5));
      c.mass.push_back(m * (L + E + R));  // in seconds, like dt
      c.total += c.dt.back();
      c.total_mass += c.mass.back();
    };
    for (std::size_t k = 0; k + 1 < n; ++k) {
      const std::uint32_t seg = l.segment(k);
      const double len = sys.segments()[seg].length;
      if (k > 0) {  // dwelling at stop k
        const double a = sys.arrival(r, k), d = sys.departure(r, k);
        const double t0 = std::max(lo, a), t1 = std::min(hi, d);
        if (t1 > t0 || (instant && t0 == t1 && a <= lo && lo <= d && a < d)) add(seg, 0.0, 0.0, t0, t1);
      }
      const double d = sys.departure(r, k), a = sys.arrival(r, k + 1);
      if (a <= d) {  // no scheduled time between the stops: the whole segment at that instant
        if (lo <= d && d <= hi) add(seg, 0.0, len, d, d);
        continue;
      }
      const double t0 = std::max(lo, d), t1 = std::min(hi, a);
      if (t1 > t0 || (instant && t0 == t1 && d <= lo && lo <= a)) {
        const double o0 = (t0 - d) / (a - d) * len, o1 = (t1 - d) / (a - d) * len;
        add(seg, o0, o1, t0, t1);
      }
    }
    return c;
  };

  // ---- Service days that can be running at that instant, and the window.
  const TimeZone& tz = sys.timezone();
  const std::int64_t utc = rep.time.utc_seconds;
  const std::int64_t local_s = utc + tz.offset_at_utc(utc);
  const auto d0 = static_cast<std::int32_t>(local_s >= 0 ? local_s / 86400 : (local_s - 86399) / 86400);
  const ServiceSeconds longest = sys.longest_run(route);
  const int max_back = gtfs::kMaxServiceSeconds / 86400 + 1;
  std::vector<Cand> cands;
  int widened = 0;
  for (int widen = 0; widen <= opt_.max_widen_s && cands.empty(); widen += std::max(1, opt_.widen_step_s)) {
    widened = widen;
    for (int back = max_back; back >= 0; --back) {
      const std::int32_t day = d0 - back;
      const double tau = static_cast<double>(utc - sys.service_day_origin(day));
      const double lo = tau - opt_.late_s - widen, hi = tau + opt_.time_resolution_s + opt_.early_s + widen;
      // Runs starting in [lo - longest, hi]: sorted by start.
      auto first = std::lower_bound(route_runs.begin(), route_runs.end(), lo - longest,
                                    [&](std::uint32_t r, double v) { return sys.runs()[r].start < v; });
      for (auto it = first; it != route_runs.end() && sys.runs()[*it].start <= hi; ++it) {
        const Run& r = sys.runs()[*it];
        if (r.end < lo || !run_ok(r) || !feed.services[r.service].active(day)) continue;
        Cand c = pieces_of(*it, day, tau, lo, hi);
        if (!c.pieces.empty()) c.tau = tau, cands.push_back(std::move(c));
      }
    }
  }
  if (cands.empty()) {
    // The nearest runs before and after, to say what the report might have meant.
    std::vector<std::string> c;
    std::int64_t best_before = INT64_MIN, best_after = INT64_MAX;
    std::string before, after;
    for (int back = max_back; back >= -1; --back) {
      const std::int32_t day = d0 - back;
      const std::int64_t origin = sys.service_day_origin(day);
      if (!std::any_of(feed.services.begin(), feed.services.end(), [&](const gtfs::Service& s) { return s.active(day); }))
        continue;
      for (std::uint32_t ri : route_runs) {
        const Run& r = sys.runs()[ri];
        if (!run_ok(r) || !feed.services[r.service].active(day)) continue;
        const std::int64_t s = origin + r.start, e = origin + r.end;
        const auto text = [&] {
          const gtfs::Trip& t = feed.trips[r.trip];
          return fmt::format("trip {}{} {}-{} ({})", t.id, t.headsign.empty() ? "" : " mot " + t.headsign,
                             hhmm(s, tz), hhmm(e, tz), date_time(s, tz).substr(0, 10));
        };
        if (e < utc && e > best_before) best_before = e, before = "last before: " + text();
        if (s > utc && s < best_after) best_after = s, after = "first after: " + text();
      }
    }
    if (!before.empty()) c.push_back(before);
    if (!after.empty()) c.push_back(after);
    return reject(RejectReason::NotInService,
                  fmt::format("no vehicle of {}{} under way at {} (±{} min searched)", label,
                              dir.empty() ? "" : " mot " + rep.direction, date_time(utc, tz),
                              (opt_.late_s + opt_.max_widen_s) / 60),
                  c);
  }

  // ---- The placement.
  std::sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) {
    return a.day != b.day ? a.day < b.day : a.run < b.run;
  });
  Placement& p = res.placement;
  p.route = route;
  p.vehicles = cands.size();
  p.widened_s = widened;
  // Weights by the likelihood of the lateness; uniform in time when the window
  // had to be widened (the vehicle is later than the prior allows) or the
  // likelihood vanishes on every piece (all at the window's very edges).
  double total_mass = 0;
  for (const auto& c : cands) total_mass += c.total_mass;
  const bool by_time = widened > 0 || !(total_mass > 0);
  if (by_time)
    for (auto& c : cands) c.mass = c.dt, c.total_mass = c.total;
  double total = 0;
  for (const auto& c : cands) total += c.total_mass;
  std::size_t heaviest = 0;
  for (std::size_t i = 0; i < cands.size(); ++i) {
    if (cands[i].total_mass > cands[heaviest].total_mass) heaviest = i;
    for (std::size_t k = 0; k < cands[i].pieces.size(); ++k) {
      Piece pc = cands[i].pieces[k];
      pc.weight = cands[i].mass[k] / total;
      p.pieces.push_back(pc);
    }
  }
  {
    // The weighted median of the heaviest vehicle's stretch (by its weights;
    // within a piece in proportion).
    const Cand& c = cands[heaviest];
    double acc = 0;
    std::size_t k = 0;
    for (; k + 1 < c.pieces.size() && acc + c.mass[k] < c.total_mass / 2; ++k) acc += c.mass[k];
    const Piece& pc = c.pieces[k];
    // Where in the piece the half is reached: by bisection on the integral, or in
    // proportion to time when the weights are by time.
    const auto [ta, tb] = c.when[k];
    const double need = c.total_mass / 2 - acc;
    double f = c.mass[k] > 0 ? std::clamp(need / c.mass[k], 0.0, 1.0) : 0.5;
    if (!by_time && c.mass[k] > 0 && tb > ta) {
      const double scale = L + E + R;
      double lo_t = ta, hi_t = tb;
      for (int it = 0; it < 40; ++it) {
        const double mid = 0.5 * (lo_t + hi_t);
        (integral(c.tau, ta, mid) * scale < need ? lo_t : hi_t) = mid;
      }
      f = (0.5 * (lo_t + hi_t) - ta) / (tb - ta);
    }
    p.run = c.run;
    p.service_day = c.day;
    p.segment = pc.segment;
    p.offset_m = pc.from_m + f * (pc.to_m - pc.from_m);
    p.pos = interpolate(sys.segments()[pc.segment].geometry, p.offset_m);
  }
  {
    std::map<std::uint32_t, std::vector<std::pair<double, double>>> by_seg;
    for (const auto& pc : p.pieces) by_seg[pc.segment].push_back({pc.from_m, pc.to_m});
    for (auto& [seg, v] : by_seg) {
      std::sort(v.begin(), v.end());
      double lo = v.front().first, hi = v.front().second;
      for (const auto& [a, b] : v) {
        if (a > hi) {
          p.stretch_m += hi - lo;
          lo = a;
        }
        hi = std::max(hi, b);
      }
      p.stretch_m += hi - lo;
    }
  }
  res.placed = true;
  return res;
}

StopResult Placer::at_stop(const StopReport& rep) const {
  const System& sys = *sys_;
  StopResult res;
  auto reject = [&](RejectReason reason, std::string detail, std::vector<std::string> cands = {}) {
    res.placed = false;
    res.reason = reason;
    res.detail = std::move(detail);
    res.candidates = std::move(cands);
    return res;
  };
  if (fold(rep.stop).empty()) return reject(RejectReason::BadValue, "no stop given");
  std::vector<Index> among;
  if (!fold(rep.line).empty()) {
    const LineText lt = parse_line(rep.line);
    std::set<Index> st;
    bool known = false;
    for (const std::string& key : {lt.name, fold(rep.line)}) {
      auto [b, e] = route_names_.equal_range(key);
      for (auto it = b; it != e; ++it) {
        if (lt.mode >= 0 && static_cast<int>(sys.feed().routes[it->second].mode) != lt.mode) continue;
        known = true;
        st.insert(route_stations_[it->second].begin(), route_stations_[it->second].end());
      }
    }
    if (!known) return reject(RejectReason::UnknownReference, fmt::format("line '{}' is not in the feed", rep.line));
    among.assign(st.begin(), st.end());
  }
  StopMatch m = match_stop(sys, station_names_, rep.stop, among.empty() ? nullptr : &among);
  if (m.stations.empty() && !among.empty()) {
    // Named with a line that does not serve it: the stop still is where it is.
    m = match_stop(sys, station_names_, rep.stop, nullptr);
  }
  if (m.stations.empty())
    return reject(RejectReason::UnknownReference, fmt::format("stop '{}' is not in the feed", rep.stop),
                  near_names(sys, rep.stop, among.empty() ? nullptr : &among));
  if (m.stations.size() > 1) {
    std::vector<std::string> c;
    for (Index s : m.stations)
      c.push_back(fmt::format("{} ({})", sys.stations()[s].name, sys.feed().stops[sys.stations()[s].stop].id));
    return reject(RejectReason::BadValue,
                  fmt::format("stop '{}' names {} stations: give the line or the stop id", rep.stop, m.stations.size()), c);
  }
  res.placed = true;
  res.placement.station = m.stations.front();
  res.placement.stop = m.platform;
  res.placement.pos = m.platform != kNone ? sys.feed().stops[m.platform].pos : sys.stations()[m.stations.front()].pos;
  return res;
}

StretchResult Placer::stretch(const StretchQuery& q) const {
  const System& sys = *sys_;
  const gtfs::Feed& feed = sys.feed();
  StretchResult res;
  auto fail = [&](std::string detail, std::vector<std::string> cands = {}) {
    res.detail = std::move(detail);
    res.candidates = std::move(cands);
    return res;
  };
  if (fold(q.line).empty()) return fail("no line given");
  const bool has_from = !fold(q.from_stop).empty(), has_to = !fold(q.to_stop).empty();
  if (has_from != has_to) {
    res.about_stops = true;
    return fail("give both stops of the stretch, or neither for the whole line");
  }
  std::vector<Index> routes = routes_named(q.line);
  if (routes.empty()) return fail(fmt::format("line '{}' is not in the feed", q.line), line_labels(q.line));
  if (routes.size() > 1 && has_from) {
    std::vector<Index> keep;
    for (Index r : routes)
      if (!match_stop(sys, station_names_, q.from_stop, &route_stations_[r]).stations.empty() &&
          !match_stop(sys, station_names_, q.to_stop, &route_stations_[r]).stations.empty())
        keep.push_back(r);
    if (!keep.empty()) routes = keep;
  }
  if (routes.size() > 1) {
    std::vector<std::string> c;
    for (Index r : routes) c.push_back(fmt::format("{} {} (route {})", gtfs::swedish_name(feed.routes[r].mode),
                                                   feed.routes[r].label(), feed.routes[r].id));
    return fail(fmt::format("line '{}' names {} routes: say the mode (\"buss 5\") or give the route id", q.line,
                            routes.size()), c);
  }
  const Index route = routes.front();
  const std::string label = fmt::format("{} {}", gtfs::swedish_name(feed.routes[route].mode), feed.routes[route].label());
  const auto* among = &route_stations_[route];
  auto names_on_route = [&] {
    std::vector<std::string> c;
    for (Index st : *among) c.push_back(sys.stations()[st].name);
    return c;
  };
  StopMatch from, to;
  if (has_from) {
    for (auto [text, m] : {std::pair{&q.from_stop, &from}, std::pair{&q.to_stop, &to}}) {
      *m = match_stop(sys, station_names_, *text, among);
      if (m->stations.empty()) {
        auto near = near_names(sys, *text, among);
        res.about_stops = true;
        return fail(fmt::format("stop '{}' is not on {}", *text, label), near.empty() ? names_on_route() : near);
      }
    }
  }
  const std::string dir = direction_text(q.direction);
  const int dir_id = dir == "0" ? 0 : dir == "1" ? 1 : -1;
  auto terminus = [&](const Line& l) { return sys.stations()[sys.station_of(l.stops.back())].name; };
  auto dir_ok = [&](const Line& l) {
    if (dir.empty()) return true;
    if (dir_id >= 0) return l.direction == dir_id;
    const std::string term = terminus(l);
    return fold(l.headsign) == dir || short_name(l.headsign) == dir || fold(term) == dir || short_name(term) == dir;
  };
  bool any_dir = false;
  for (const auto& l : sys.lines()) any_dir = any_dir || (l.route == route && dir_ok(l));
  if (!any_dir) {
    std::set<std::string> c;
    for (const auto& l : sys.lines())
      if (l.route == route) {
        if (!l.headsign.empty()) c.insert(l.headsign);
        c.insert(terminus(l));
      }
    return fail(fmt::format("direction '{}' is neither a headsign nor a terminus of {}", q.direction, label),
                {c.begin(), c.end()});
  }
  auto in = [](const StopMatch& m, Index st) { return std::binary_search(m.stations.begin(), m.stations.end(), st); };
  std::set<std::uint32_t> segs;
  std::set<Index> stations;
  for (const auto& l : sys.lines()) {
    if (l.route != route || !dir_ok(l)) continue;
    std::size_t a = 0, b = l.stops.size() - 1;  // stop indices: the stretch runs a .. b
    if (has_from) {
      // The first pair along the line, either way round: "between" has no order.
      bool hit = false;
      for (std::size_t i = 0; i < l.stops.size() && !hit; ++i) {
        const Index si = sys.station_of(l.stops[i]);
        const StopMatch* other = in(from, si) ? &to : in(to, si) ? &from : nullptr;
        if (!other) continue;
        for (std::size_t j = i + 1; j < l.stops.size(); ++j)
          if (in(*other, sys.station_of(l.stops[j]))) {
            a = i;
            b = j;
            hit = true;
            break;
          }
      }
      if (!hit) continue;
    }
    for (std::size_t k = a; k < b; ++k) segs.insert(l.segment(k));
    for (std::size_t k = a; k <= b; ++k) stations.insert(sys.station_of(l.stops[k]));
  }
  res.about_stops = segs.empty();  // the line runs, but not between these two
  if (segs.empty())
    return fail(fmt::format("{}{} does not run between '{}' and '{}'", label, dir.empty() ? "" : " towards " + q.direction,
                            q.from_stop, q.to_stop),
                names_on_route());
  res.found = true;
  res.stretch.route = route;
  res.stretch.segments.assign(segs.begin(), segs.end());
  res.stretch.stations.assign(stations.begin(), stations.end());
  return res;
}

PlacementResult place_on_board(const System& sys, const OnBoardReport& report, const PlacementOptions& options) {
  return Placer(sys, options).on_board(report);
}

StopResult place_at_stop(const System& sys, const StopReport& report) { return Placer(sys).at_stop(report); }

std::size_t weighted_positions(const System& sys, const Placement& p, double step_m,
                               std::vector<network::NetworkPosition>& positions, std::vector<double>& weights) {
  step_m = step_m > 0 ? step_m : 50.0;
  std::size_t unplaced = 0;
  for (const auto& pc : p.pieces) {
    const Segment& s = sys.segments()[pc.segment];
    if (s.edge == network::kNoEdge) {
      // A zero-length segment: at its station, on any edge that meets it.
      const auto v = sys.station_of(s.from_stop);
      const auto inc = sys.network().incident(v);
      if (inc.empty()) {
        ++unplaced;
        continue;
      }
      const auto& e = sys.network().edge(inc.front().edge);
      positions.push_back({inc.front().edge, inc.front().at_from ? 0.0 : e.length});
      weights.push_back(pc.weight);
      continue;
    }
    const double len = pc.to_m - pc.from_m;
    const int steps = std::max(1, static_cast<int>(std::ceil(len / step_m)));
    for (int i = 0; i < steps; ++i) {
      positions.push_back(s.position(pc.from_m + (i + 0.5) * len / steps));
      weights.push_back(pc.weight / steps);
    }
  }
  return unplaced;
}

}  // namespace tryggve::transit
