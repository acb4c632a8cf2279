// The demo district's geometry. Laid out in local metres (0..3000 east and
// north from the south-west corner), then shifted to SWEREF99 TM. The layout is
// hand-designed in outline (where the ring, the through road, the square, the
// parks and the schools are) and filled in procedurally (collectors,
// cul-de-sacs, villa streets, the footpaths between blocks). A noding pass then
// splits lines where they cross or touch, so the OSM output has shared nodes at
// every at-grade junction and none where a tunnel passes under a road.
#include "tryggve/demo/district.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/polygon.hpp"
#include "tryggve/io/crs.hpp"

namespace tryggve::demo {

const char* to_string(SegmentKind k) {
  switch (k) {
    case SegmentKind::Arterial: return "arterial";
    case SegmentKind::Collector: return "collector";
    case SegmentKind::Residential: return "residential";
    case SegmentKind::Service: return "service";
    case SegmentKind::Footway: return "footway";
    case SegmentKind::ParkPath: return "park_path";
    case SegmentKind::Square: return "square";
    case SegmentKind::Steps: return "steps";
    case SegmentKind::StopAccess: return "stop_access";
    case SegmentKind::Tunnel: return "tunnel";
  }
  return "?";
}

// --- coordinates ------------------------------------------------------------

namespace {

// Transformations serve one thread each: one pair per thread.
struct Transforms {
  std::unique_ptr<io::Transform> to_sweref, to_wgs;
  Transforms() {
    const auto sweref = io::CrsContext::from_spec("EPSG:3006");
    to_sweref = sweref.from_wgs84("demo district");
    to_wgs = sweref.to_wgs84("demo district");
  }
};
Transforms& transforms() {
  thread_local Transforms t;
  return t;
}

}  // namespace

Point wgs84_to_sweref(double lon_deg, double lat_deg) {
  double x = lon_deg, y = lat_deg;
  if (!transforms().to_sweref->apply(x, y))
    throw Error(ErrorCode::BadCrs, "demo district", fmt::format("cannot transform lon {} lat {} to EPSG:3006", lon_deg, lat_deg));
  return {x, y};
}

void sweref_to_wgs84(Point p, double& lon_deg, double& lat_deg) {
  double x = p.x, y = p.y;
  if (!transforms().to_wgs->apply(x, y))
    throw Error(ErrorCode::BadCrs, "demo district", fmt::format("cannot transform E {} N {} to WGS84", p.x, p.y));
  lon_deg = x;
  lat_deg = y;
}

// --- building blocks ------------------------------------------------------------

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kSize = 3000.0;

// The ring road is an ellipse around the district's centre.
constexpr Point kC{1450, 1500};
constexpr double kRx = 1050, kRy = 1000;

Point ell(double deg, double dr = 0) {
  const double a = deg * kPi / 180.0;
  return {kC.x + (kRx + dr) * std::cos(a), kC.y + (kRy + dr) * std::sin(a)};
}
Polyline arc(double a0, double a1, double dr, double step_deg = 3.0) {
  Polyline out;
  const int n = std::max(1, static_cast<int>(std::ceil(std::abs(a1 - a0) / step_deg)));
  for (int i = 0; i <= n; ++i) out.push_back(ell(a0 + (a1 - a0) * i / n, dr));
  return out;
}
Point lerp(Point a, Point b, double t) { return {a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)}; }
Point add(Point a, Point v, double s = 1) { return {a.x + s * v.x, a.y + s * v.y}; }
Point unit(Point a, Point b) {
  const double d = distance(a, b);
  return {(b.x - a.x) / d, (b.y - a.y) / d};
}
Point perp(Point u) { return {-u.y, u.x}; }  // left of u

// A gently curved line from a to b (a quadratic Bézier bowed sideways by `bow` metres).
Polyline curve(Point a, Point b, double bow, int n = 8) {
  const Point m = lerp(a, b, 0.5);
  const Point c = add(m, perp(unit(a, b)), bow * 2);
  Polyline out;
  for (int i = 0; i <= n; ++i) {
    const double t = static_cast<double>(i) / n;
    const Point p = lerp(lerp(a, c, t), lerp(c, b, t), t);
    out.push_back(p);
  }
  return out;
}

// A closed loop: a rounded rectangle centred at c, half-sizes hx along u and hy
// across, starting and ending at the middle of the side facing -u.
Polyline loop(Point c, Point u, double hx, double hy, double corner = 25) {
  const Point v = perp(u);
  auto at = [&](double a, double b) { return Point{c.x + a * u.x + b * v.x, c.y + a * u.y + b * v.y}; };
  Polyline out;
  out.push_back(at(-hx, 0));
  out.push_back(at(-hx, -hy + corner));
  out.push_back(at(-hx + corner * 0.3, -hy + corner * 0.3));
  out.push_back(at(-hx + corner, -hy));
  out.push_back(at(hx - corner, -hy));
  out.push_back(at(hx - corner * 0.3, -hy + corner * 0.3));
  out.push_back(at(hx, -hy + corner));
  out.push_back(at(hx, hy - corner));
  out.push_back(at(hx - corner * 0.3, hy - corner * 0.3));
  out.push_back(at(hx - corner, hy));
  out.push_back(at(-hx + corner, hy));
  out.push_back(at(-hx + corner * 0.3, hy - corner * 0.3));
  out.push_back(at(-hx, hy - corner));
  out.push_back(at(-hx, 0));
  return out;
}

// Closest point on a polyline.
Point closest_on(const Polyline& line, Point p, double* dist = nullptr) {
  Point best = line.front();
  double bd = INFINITY;
  for (std::size_t i = 1; i < line.size(); ++i) {
    const Point q = closest_on_segment(p, line[i - 1], line[i]);
    const double d = distance(p, q);
    if (d < bd) { bd = d; best = q; }
  }
  if (dist) *dist = bd;
  return best;
}

struct Line {
  Polyline pts;
  std::string highway, name;
  SegmentKind kind = SegmentKind::Residential;
  bool lit = true;
  bool tunnel = false;
  bool lamp_line = false;
  double lamp_spacing_m = 0;  // 0: no lamps
  Tags extra;                 // tags beyond highway/name/lit/tunnel
};

class Builder {
 public:
  std::vector<Line> lines;

  std::size_t add(Polyline pts, std::string highway, std::string name, SegmentKind kind, bool lit = true,
                  double lamp_spacing_m = -1) {
    Line l;
    l.pts = std::move(pts);
    l.highway = std::move(highway);
    l.name = std::move(name);
    l.kind = kind;
    l.lit = lit;
    l.lamp_spacing_m = lamp_spacing_m >= 0 ? lamp_spacing_m : (lit ? default_spacing(l.highway) : 0.0);
    lines.push_back(std::move(l));
    return lines.size() - 1;
  }
  Line& operator[](std::size_t i) { return lines[i]; }

  // Connects p to the nearest existing line within max_d with a line of the given
  // class; returns false if there is none that close.
  bool connect(Point p, double max_d, const std::string& highway, const std::string& name, SegmentKind kind,
               bool lit = true, std::vector<std::size_t> skip = {}) {
    double best = INFINITY;
    Point q;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (std::find(skip.begin(), skip.end(), i) != skip.end() || lines[i].tunnel) continue;
      double d;
      const Point c = closest_on(lines[i].pts, p, &d);
      if (d > 0.5 && d < best) { best = d; q = c; }
    }
    if (best > max_d) return false;
    add({p, q}, highway, name, kind, lit);
    return true;
  }

 private:
  static double default_spacing(const std::string& hw) {
    if (hw == "primary" || hw == "secondary") return 40;
    if (hw == "tertiary") return 35;
    if (hw == "residential" || hw == "service") return 32;
    return 30;  // footways, cycleways, squares, tunnels, steps
  }
};

// --- the layout -----------------------------------------------------------------

const char* kVillaNames[] = {"Hagtornsgatan", "Rönnbärsgatan", "Slånbärsgatan", "Nyponvägen",   "Hallonvägen",
                             "Blåbärsvägen",  "Lingonvägen",   "Hjortronvägen", "Vinbärsvägen", "Krusbärsvägen",
                             "Smultronvägen", "Enbärsvägen",   "Körsbärsvägen", "Plommonvägen", "Äppelvägen",
                             "Päronvägen",    "Hasselvägen",   "Alvägen",       "Aspvägen",     "Lönnvägen",
                             "Almvägen",      "Granvägen",     "Tallvägen",     "Syrenvägen",   "Fläderstigen",
                             "Ljungvägen",    "Mossvägen",     "Kaprifolvägen", "Oxelvägen",    "Sälgvägen"};

struct Layout {
  Builder b;
  std::vector<PolygonArea> parks, areas;
  std::vector<Place> places;
  struct StopSpec { std::string name; Point road_pt; Point platform; bool tram; };
  std::vector<StopSpec> stops;
  std::size_t through = 0, ring = 0;
  std::vector<std::size_t> square_lines, lamp_line_lines;
  // Drawn early, built on later: the spines (the green strip follows one) and the
  // collectors' loops (the schools sit beside them).
  struct Spine { double angle; Point from; std::size_t line; Point end; };
  std::vector<Spine> spines;
  std::vector<Point> loop_centres;
};

double through_x(double y) {
  // The through road's x at a given y (piecewise linear through its control points).
  static const Point pts[] = {{1420, 0}, {1440, 600}, {1460, 1200}, {1455, 1500}, {1450, 1800}, {1420, 2400}, {1400, 3000}};
  for (std::size_t i = 1; i < std::size(pts); ++i)
    if (y <= pts[i].y) return pts[i - 1].x + (y - pts[i - 1].y) / (pts[i].y - pts[i - 1].y) * (pts[i].x - pts[i - 1].x);
  return pts[std::size(pts) - 1].x;
}

// Fixed points of the plan that several of its parts start from.
constexpr Point sq_sw{1510, 1460}, sq_ne{1590, 1530};     // the square's corners
constexpr Point sq_w{sq_sw.x, 1495}, sq_e{sq_ne.x, 1495};  // ... and its west and east ends
constexpr Point hub_w{1385, 1545};  // beyond tunnel A: the western spines and the park path start here

void lay_out_arterials(Layout& L) {
  Builder& b = L.b;
  // Arterials: the ring (secondary), the through road with the tram (primary), two exits.
  Polyline ring = arc(0, 360, 0, 4);
  ring.back() = ring.front();
  L.ring = b.add(ring, "secondary", "Ekbackaleden", SegmentKind::Arterial);
  Polyline thr;
  for (double y = 0; y <= kSize + 1e-9; y += 50) thr.push_back({through_x(y), y});
  L.through = b.add(thr, "primary", "Kvarnbovägen", SegmentKind::Arterial);
  b.add(curve({0, 1420}, ell(180), 10, 6), "secondary", "Lindåsvägen", SegmentKind::Arterial);
  b.add(curve(ell(0), {kSize, 1580}, -8, 6), "secondary", "Björkdalsvägen", SegmentKind::Arterial);
}

void lay_out_centre(Layout& L) {
  Builder& b = L.b;
  // The centre: the pedestrian square (torg), the shopping centre, the youth centre.
  {
    const Point nw{sq_sw.x, sq_ne.y}, se{sq_ne.x, sq_sw.y};
    auto sq = [&](Polyline p) {
      const auto i = b.add(std::move(p), "pedestrian", "Kvarnbo torg", SegmentKind::Square, true, 20);
      L.square_lines.push_back(i);
    };
    sq({sq_w, nw, {1550, sq_ne.y}, sq_ne, sq_e});
    sq({sq_e, se, {1550, sq_sw.y}, sq_sw, sq_w});
    sq({sq_w, {1550, 1495}, sq_e});
    sq({{1550, sq_sw.y}, {1550, 1495}, {1550, sq_ne.y}});
    // Main stop on the through road, its platform and the path up to the square.
    const Point road{through_x(1495), 1495};
    const Point platform{road.x + 12, 1495};
    L.stops.push_back({"Kvarnbo torg", road, platform, true});
    b.add({platform, sq_w}, "footway", "", SegmentKind::Footway);
    // Shopping centre north-east of the square: steps from the square's corner,
    // a service road with the car park and loading bay from the through road.
    const Point entrance{1625, 1552};
    b.add({sq_ne, entrance}, "steps", "", SegmentKind::Steps);
    b.add({entrance, {1665, 1560}}, "footway", "", SegmentKind::Footway);
    L.places.push_back({0, "Kvarnbo Centrum", "shopping_centre", {1680, 1575}});
    b.add({{through_x(1640), 1640}, {1700, 1640}, {1740, 1600}, {1740, 1540}, {1700, 1520}, {1665, 1560}}, "service",
          "", SegmentKind::Service);
    L.places.push_back({0, "Kvarnbo torg", "square", {1550, 1495}});
    L.places.push_back({0, "Kvarnbo bibliotek", "library", {1530, 1545}});
    // Youth centre south of the square.
    const Point yc{1565, 1395};
    b.add({{1550, sq_sw.y}, {1555, 1420}, yc}, "footway", "", SegmentKind::Footway);
    L.places.push_back({0, "Fritidsgården Navet", "youth_centre", yc});
  }

  // Tunnel A under the through road just north of the square: the west hub.
  {
    const Point nw{sq_sw.x, sq_ne.y};
    const Point t_e{1490, 1545}, t_w{1420, 1545};
    b.add({nw, {1500, 1540}, t_e}, "footway", "", SegmentKind::Footway);
    const auto t = b.add({t_e, t_w}, "footway", "Kvarnbotunneln", SegmentKind::Tunnel, true, 25);
    b[t].tunnel = true;
    b[t].extra = {{"layer", "-1"}};
    b.add({t_w, hub_w}, "footway", "", SegmentKind::Footway);
  }
}

void lay_out_spines(Layout& L) {
  Builder& b = L.b;
  // Spines: gång- och cykelvägar from the centre out towards the ring, between the collectors.
  for (double a : {20.0, 70.0, 290.0, 340.0, 110.0, 160.0, 200.0, 250.0}) {
    const bool east = a < 90 || a > 270;
    const Point from = east ? sq_e : hub_w;
    const Point end = ell(a, -45);
    const double bow = (a == 20 || a == 200) ? 25 : (a == 340 || a == 160) ? -25 : 12;
    Polyline p = curve(from, end, bow, 12);
    const auto i = b.add(std::move(p), "cycleway", "", SegmentKind::Footway);
    b[i].extra = {{"foot", "designated"}, {"segregated", "no"}};
    L.spines.push_back({a, from, i, end});
  }

  // Tunnels B and C under the ring (spines 70 and 250 continue outwards).
  for (auto [a, name] : {std::pair{70.0, "Björkdalstunneln"}, std::pair{250.0, "Lindåstunneln"}}) {
    const auto t = b.add({ell(a, -45), ell(a, 45)}, "footway", name, SegmentKind::Tunnel, true, 25);
    b[t].tunnel = true;
    b[t].extra = {{"layer", "-1"}};
    b.add({ell(a, 45), ell(a, 130)}, "footway", "", SegmentKind::Footway);
  }
}

void lay_out_stops(Layout& L) {
  Builder& b = L.b;
  // Ring-road bus stops where spines end near the ring: a platform and a path to the spine.
  const char* ring_stop_names[] = {"Björkdalsvägen", "Lindåsparken", "Ekbacka", "Hagtorpet", "Kvarnbodalen", "Smedjegatan"};
  {
    int k = 0;
    for (double a : {20.0, 110.0, 160.0, 200.0, 290.0, 340.0}) {
      const Point road = ell(a, 0), platform = ell(a, -12);
      L.stops.push_back({ring_stop_names[k++], road, platform, false});
      b.add({platform, ell(a, -45)}, "footway", "", SegmentKind::Footway);
    }
  }

  // Through-road tram and bus stops south and north.
  {
    const std::pair<double, const char*> ts[] = {{300, "Lindås"}, {900, "Mjölnargatan"}, {2100, "Garvaregatan"}, {2750, "Kvarnbo norra"}};
    for (auto [y, name] : ts) {
      const Point road{through_x(y), y}, platform{through_x(y) + 12, y};
      L.stops.push_back({name, road, platform, true});
      b.connect(platform, 120, "footway", "", SegmentKind::Footway, true, {L.through});
    }
  }
}

void lay_out_collectors(Layout& L) {
  Builder& b = L.b;
  // Collectors from the ring inwards, with cul-de-sacs and a residential loop at the end.
  struct CollectorSpec { double angle; const char* name; double length; };
  const CollectorSpec cols[] = {{45, "Smedjegatan", 430}, {135, "Mjölnargatan", 430},
                                {225, "Vävaregatan", 420}, {315, "Garvaregatan", 430}};
  for (const auto& c : cols) {
    const Point start = ell(c.angle, 0);
    const Point u = unit(start, kC);
    const Point end = add(start, u, c.length);
    const auto ci = b.add(curve(start, end, 6, 8), "tertiary", c.name, SegmentKind::Collector);
    // Residential loop around a housing block at the end.
    const Point lc = add(end, u, 80);
    b.add(loop(lc, u, 80, 60), "residential", c.name, SegmentKind::Residential);
    L.loop_centres.push_back(lc);
    // Parking off the loop.
    const Point pv = perp(u);
    b.add({add(add(lc, u, 80), pv, 0), add(add(lc, u, 120), pv, 0), add(add(lc, u, 120), pv, 40)}, "service", "",
          SegmentKind::Service);
    // Cul-de-sacs, alternating sides, every ~85 m; each with a footway on to the nearest spine.
    int side = 1;
    for (double s = 95; s < c.length - 40; s += 85, side = -side) {
      const Point base = add(start, u, s);
      const double len = 70 + std::fmod(s * 7.3, 35.0);
      const Point tip = add(base, pv, side * len);
      const auto cd = b.add({base, lerp(base, tip, 0.5), tip}, "residential", c.name, SegmentKind::Residential);
      // The footway starts at the turning end and runs on to the nearest other path or street.
      const Point foot = add(tip, pv, side * 10);
      b.add({tip, foot}, "footway", "", SegmentKind::Footway);
      b.connect(foot, 260, "footway", "", SegmentKind::Footway, true, {cd, ci, b.lines.size() - 1});
    }
  }
}

void lay_out_footpaths(Layout& L) {
  Builder& b = L.b;
  // Footpaths between the housing blocks: arcs across each quadrant between its two
  // spines, crossing the collector at grade (a zebra crossing), joined to the spines.
  for (auto [a0, a1] : {std::pair{20.0, 70.0}, std::pair{110.0, 160.0}, std::pair{200.0, 250.0}, std::pair{290.0, 340.0}}) {
    for (double dr : {-250.0, -680.0}) {
      const auto i = b.add(arc(a0 + 3, a1 - 3, dr, 2), "footway", "", SegmentKind::Footway);
      b.connect(b[i].pts.front(), 80, "footway", "", SegmentKind::Footway, true, {i});
      b.connect(b[i].pts.back(), 80, "footway", "", SegmentKind::Footway, true, {i});
    }
  }
}

void lay_out_schools(Layout& L) {
  Builder& b = L.b;
  // Schools and the loops they sit beside.
  const Point s1 = add(L.loop_centres[1], unit(L.loop_centres[1], kC), 95);  // NW quadrant, inside the ring
  L.places.push_back({0, "Ekbackaskolan", "school", s1});
  b.connect(s1, 120, "footway", "", SegmentKind::Footway);
  const Point s2 = add(L.loop_centres[3], unit(L.loop_centres[3], kC), 95);  // SE quadrant
  L.places.push_back({0, "Kvarnboskolan", "school", s2});
  b.connect(s2, 120, "footway", "", SegmentKind::Footway);
  const Point s3 = ell(250, 235);  // outside the ring, beyond tunnel C
  L.places.push_back({0, "Lindåsskolan", "school", s3});
  b.add({ell(250, 130), s3}, "footway", "", SegmentKind::Footway);
  b.add({add(s3, {1, 0}, 0), add(s3, {60, 10}), add(s3, {60, 50})}, "service", "", SegmentKind::Service);
}

void lay_out_central_park(Layout& L) {
  Builder& b = L.b;
  // The central park west of the through road, with its paths: a diagonal lamp
  // line (unlit until the historical intervention), an unlit loop round the pond.
  Ring park = {{760, 1330}, {980, 1270}, {1250, 1300}, {1350, 1420}, {1345, 1640}, {1200, 1720},
               {960, 1740}, {780, 1660}, {720, 1480}, {760, 1330}};
  L.parks.push_back({0, "Ekbackaparken", "park", "", 0, park});
  const auto d = b.add(curve(hub_w, {770, 1400}, -15, 12), "footway", "Parkstråket", SegmentKind::ParkPath, true, 30);
  b[d].lamp_line = true;
  L.lamp_line_lines.push_back(d);
  Polyline pond;
  for (int i = 0; i <= 24; ++i) {
    const double a = 2 * kPi * i / 24 + 0.3;
    pond.push_back({1030 + 130 * std::cos(a), 1560 + 95 * std::sin(a)});
  }
  pond.back() = pond.front();
  b.add(pond, "path", "", SegmentKind::ParkPath, false);
  L.parks.push_back({0, "Ekbackadammen", "water", "", 0, [] {
                       Ring r;
                       for (int i = 0; i <= 16; ++i) {
                         const double a = 2 * kPi * i / 16;
                         r.push_back({1030 + 70 * std::cos(a), 1560 + 45 * std::sin(a)});
                       }
                       r.back() = r.front();
                       return r;
                     }()});
  b.add({{1030, 1655}, {1040, 1745}}, "path", "", SegmentKind::ParkPath, false);
  b.add({{905, 1545}, {760, 1520}}, "path", "", SegmentKind::ParkPath, false);
  L.places.push_back({0, "Ekbacka lekplats", "playground", {1180, 1360}});
}

void lay_out_green_strip(Layout& L) {
  Builder& b = L.b;
  // A green strip in the south-east (Kvarnbodalen) along spine 340, with an
  // unlit path beside the lit cycleway and sparse old lamps.
  const Layout::Spine& sp = L.spines[3];
  const Polyline spine = b[sp.line].pts;  // a copy: adding lines reallocates
  Polyline par;
  for (std::size_t i = 2; i + 2 < spine.size(); ++i) {
    const Point u = unit(spine[i - 1], spine[i + 1]);
    par.push_back(add(spine[i], perp(u), -45));
  }
  Polyline conn_a{spine[1], par.front()}, conn_b{par.back(), spine[spine.size() - 2]};
  b.add(par, "path", "Dalstigen", SegmentKind::ParkPath, false, 110);
  b.add(conn_a, "path", "", SegmentKind::ParkPath, false);
  b.add(conn_b, "path", "", SegmentKind::ParkPath, false);
  Ring strip;
  for (std::size_t i = 1; i + 1 < spine.size(); ++i) {
    const Point u = unit(spine[i - 1], spine[i + 1]);
    strip.push_back(add(spine[i], perp(u), 35));
  }
  for (std::size_t i = spine.size() - 2; i >= 1; --i) {
    const Point u = unit(spine[i - 1], spine[i + 1]);
    strip.push_back(add(spine[i], perp(u), -85));
  }
  strip.push_back(strip.front());
  L.parks.push_back({0, "Kvarnbodalen", "park", "", 0, strip});
}

void lay_out_villas(Layout& L) {
  Builder& b = L.b;
  // Villa streets outside the ring: a street parallel to the ring with connectors
  // and cul-de-sacs outwards.
  int villa = 0;
  std::vector<Point> forest_edge;
  for (auto [a0, a1] : {std::pair{12.0, 80.0}, std::pair{100.0, 170.0}, std::pair{190.0, 262.0}, std::pair{278.0, 350.0}}) {
    const std::string outer_name = kVillaNames[villa++ % std::size(kVillaNames)];
    b.add(arc(a0, a1, 130, 2), "residential", outer_name, SegmentKind::Residential);
    for (double a : {a0, (a0 + a1) / 2, a1}) {
      if (std::abs(a - 45) < 1 || std::abs(a - 135) < 1 || std::abs(a - 225) < 1 || std::abs(a - 315) < 1) {
        b.add({ell(a, 0), ell(a, 130)}, "residential", outer_name, SegmentKind::Residential);
        continue;
      }
      b.add({ell(a, 0), ell(a, 65), ell(a, 130)}, "residential", outer_name, SegmentKind::Residential);
    }
    const double arc_len_per_deg = (kRx + 130) * kPi / 180.0;
    for (double a = a0 + 4; a < a1 - 3; a += 60.0 / arc_len_per_deg) {
      if (std::abs(a - (a0 + a1) / 2) < 2.5) continue;
      if (std::abs(a - 250) < 6 || std::abs(a - 70) < 4) continue;  // school grounds, tunnel path
      const Point base = ell(a, 130);
      const Point u = unit(kC, base);
      double len = 75 + std::fmod(a * 13.7, 30.0);
      Point tip = add(base, u, len);
      while ((tip.x < 30 || tip.y < 30 || tip.x > kSize - 30 || tip.y > kSize - 30) && len > 30) {
        len -= 10;
        tip = add(base, u, len);
      }
      if (len <= 30) continue;
      b.add({base, tip}, "residential", kVillaNames[villa++ % std::size(kVillaNames)], SegmentKind::Residential);
    }
  }
}

void lay_out_wood(Layout& L) {
  Builder& b = L.b;
  // A wood in the north-east corner with unlit paths, reached through tunnel B.
  Ring wood;
  for (double a = 20; a <= 80.01; a += 5) wood.push_back(ell(a, 250));
  wood.push_back({ell(80, 250).x, kSize - 10});
  wood.push_back({kSize - 10, kSize - 10});
  wood.push_back({kSize - 10, ell(20, 250).y});
  wood.push_back(wood.front());
  L.parks.push_back({0, "Björkdalsskogen", "wood", "", 0, wood});
  const Point w0 = ell(60, 130), w1 = ell(60, 330), w2 = ell(38, 420), w3 = ell(28, 280), w4 = ell(48, 560);
  b.add(curve(w0, w1, 10, 6), "path", "", SegmentKind::ParkPath, false);
  b.add(curve(w1, w2, -12, 6), "path", "", SegmentKind::ParkPath, false);
  b.add(curve(w2, w3, 8, 6), "path", "", SegmentKind::ParkPath, false);
  b.add(curve(w3, ell(28, 130), 5, 4), "path", "", SegmentKind::ParkPath, false);
  b.add(curve(w2, w4, 10, 6), "path", "", SegmentKind::ParkPath, false);
}

void lay_out_areas(Layout& L) {
  // Neighbourhood areas (like primärområden): the square cut by the through road
  // and two east-west lines.
  struct A { const char* name; const char* code; int pop; double y0, y1; bool west; };
  const A as[] = {{"Lindås", "801", 3100, 0, 1050, true},        {"Kvarnbodalen", "802", 3500, 0, 1050, false},
                  {"Ekbacka", "803", 4200, 1050, 2000, true},     {"Kvarnbo centrum", "804", 4800, 1050, 2000, false},
                  {"Hagtorpet", "805", 2200, 2000, kSize, true}, {"Björkdalen", "806", 2500, 2000, kSize, false}};
  for (const auto& a : as) {
    Ring r;
    Polyline edge;
    for (double y = a.y0; y <= a.y1 + 1e-9; y += 50) edge.push_back({through_x(y), y});
    if (a.west) {
      r.push_back({0, a.y0});
      for (const auto& p : edge) r.push_back(p);
      r.push_back({0, a.y1});
    } else {
      for (const auto& p : edge) r.push_back(p);
      r.push_back({kSize, a.y1});
      r.push_back({kSize, a.y0});
    }
    r.push_back(r.front());
    L.areas.push_back({0, a.name, "area", a.code, a.pop, r});
  }
}

// The plan, part by part, in the order it is drawn: a part joins its paths to
// the lines drawn before it (Builder::connect), so the order is the design.
void lay_out(Layout& L) {
  lay_out_arterials(L);
  lay_out_centre(L);
  lay_out_spines(L);
  lay_out_stops(L);
  lay_out_collectors(L);
  lay_out_footpaths(L);
  lay_out_schools(L);
  lay_out_central_park(L);
  lay_out_green_strip(L);
  lay_out_villas(L);
  lay_out_wood(L);
  lay_out_areas(L);
}

// --- noding ---------------------------------------------------------------------

bool seg_intersect(Point p1, Point p2, Point q1, Point q2, double& t, double& u) {
  const double rx = p2.x - p1.x, ry = p2.y - p1.y, sx = q2.x - q1.x, sy = q2.y - q1.y;
  const double den = rx * sy - ry * sx;
  if (std::abs(den) < 1e-12) return false;  // parallel: endpoint snapping handles touching
  const double qpx = q1.x - p1.x, qpy = q1.y - p1.y;
  t = (qpx * sy - qpy * sx) / den;
  u = (qpx * ry - qpy * rx) / den;
  return t >= -1e-9 && t <= 1 + 1e-9 && u >= -1e-9 && u <= 1 + 1e-9;
}

// Splits every line where it crosses another at grade and where another line's
// end touches it (within 3 m, which also snaps that end onto it), so that at-grade
// junctions share a vertex. Tunnels cross the lines above them without one.
void node_lines(std::vector<Line>& lines) {
  constexpr double kSnap = 3.0;
  // 1. Snap line ends onto nearby lines.
  for (std::size_t i = 0; i < lines.size(); ++i) {
    for (int end = 0; end < 2; ++end) {
      Point& p = end == 0 ? lines[i].pts.front() : lines[i].pts.back();
      double best = kSnap;
      Point q = p;
      for (std::size_t j = 0; j < lines.size(); ++j) {
        if (j == i) continue;
        double d;
        const Point c = closest_on(lines[j].pts, p, &d);
        if (d < best) { best = d; q = c; }
      }
      p = q;
    }
  }
  // 2. Split points: crossings and touching ends.
  std::vector<std::vector<std::pair<double, Point>>> splits(lines.size());
  std::vector<Envelope> env(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) env[i] = envelope(lines[i].pts);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    for (std::size_t j = i + 1; j < lines.size(); ++j) {
      if (lines[i].tunnel != lines[j].tunnel) {
        // A tunnel meets lines only at its ends.
        for (int which = 0; which < 2; ++which) {
          const std::size_t tn = lines[i].tunnel ? i : j, other = lines[i].tunnel ? j : i;
          const Point e = which == 0 ? lines[tn].pts.front() : lines[tn].pts.back();
          const auto& o = lines[other].pts;
          for (std::size_t k = 1; k < o.size(); ++k) {
            double t;
            const Point c = closest_on_segment(e, o[k - 1], o[k], &t);
            if (distance(c, e) < 1e-6) splits[other].push_back({static_cast<double>(k - 1) + t, e});
          }
        }
        continue;
      }
      const Envelope& a = env[i];
      const Envelope& bb = env[j];
      if (a.max_x < bb.min_x - 1 || bb.max_x < a.min_x - 1 || a.max_y < bb.min_y - 1 || bb.max_y < a.min_y - 1) continue;
      const auto& P = lines[i].pts;
      const auto& Q = lines[j].pts;
      for (std::size_t k = 1; k < P.size(); ++k) {
        for (std::size_t m = 1; m < Q.size(); ++m) {
          double t, u;
          if (!seg_intersect(P[k - 1], P[k], Q[m - 1], Q[m], t, u)) continue;
          t = std::clamp(t, 0.0, 1.0);
          const Point x = lerp(P[k - 1], P[k], t);
          splits[i].push_back({static_cast<double>(k - 1) + t, x});
          splits[j].push_back({static_cast<double>(m - 1) + std::clamp(u, 0.0, 1.0), x});
        }
      }
    }
  }
  // 3. Insert the split points.
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto& s = splits[i];
    if (s.empty()) continue;
    std::sort(s.begin(), s.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    Polyline out;
    std::size_t si = 0;
    const auto& P = lines[i].pts;
    for (std::size_t k = 0; k < P.size(); ++k) {
      while (si < s.size() && s[si].first < static_cast<double>(k)) out.push_back(s[si++].second);
      out.push_back(P[k]);
    }
    while (si < s.size()) out.push_back(s[si++].second);
    lines[i].pts = std::move(out);
  }
}

// A point of the plan (metres from the district's south-west corner) in SWEREF99 TM.
Point world(const District& d, Point p) { return Point{d.origin.x + p.x, d.origin.y + p.y}; }

// The plan's lines become ways; their vertices become nodes, merged within
// 0.5 m (hash grid of 1 m cells). Returns the line each way came from.
std::vector<std::size_t> add_ways(const Layout& L, District& d) {
  std::unordered_map<std::int64_t, std::vector<std::uint32_t>> grid;
  auto key = [](std::int64_t cx, std::int64_t cy) { return cx * 1000003LL + cy; };
  auto node_at = [&](Point p) -> std::uint32_t {
    const auto cx = static_cast<std::int64_t>(std::floor(p.x)), cy = static_cast<std::int64_t>(std::floor(p.y));
    for (std::int64_t dx = -1; dx <= 1; ++dx)
      for (std::int64_t dy = -1; dy <= 1; ++dy) {
        auto it = grid.find(key(cx + dx, cy + dy));
        if (it == grid.end()) continue;
        for (auto n : it->second)
          if (distance(d.nodes[n].pos, world(d, p)) < 0.5) return n;
      }
    const auto id = static_cast<std::uint32_t>(d.nodes.size());
    d.nodes.push_back({static_cast<std::int64_t>(id) + 1, world(d, p), {}});
    grid[key(cx, cy)].push_back(id);
    return id;
  };

  std::vector<std::size_t> line_of_way;
  for (std::size_t li = 0; li < L.b.lines.size(); ++li) {
    const Line& l = L.b.lines[li];
    Way w;
    for (const auto& p : l.pts) {
      const auto n = node_at(p);
      if (w.nodes.empty() || w.nodes.back() != n) w.nodes.push_back(n);
    }
    if (w.nodes.size() < 2) continue;
    w.id = static_cast<std::int64_t>(d.ways.size()) + 1;
    w.highway = l.highway;
    w.name = l.name;
    w.lit = l.lit;
    w.tunnel = l.tunnel;
    w.kind = l.kind;
    w.tags.push_back({"highway", l.highway});
    if (!l.name.empty()) w.tags.push_back({"name", l.name});
    w.tags.push_back({"lit", l.lit ? "yes" : "no"});
    if (l.tunnel) w.tags.push_back({"tunnel", "yes"});
    for (const auto& t : l.extra) w.tags.push_back(t);
    if (l.highway == "primary" || l.highway == "secondary") w.tags.push_back({"maxspeed", "50"});
    if (l.highway == "residential") w.tags.push_back({"maxspeed", "30"});
    d.ways.push_back(std::move(w));
    line_of_way.push_back(li);
  }
  return line_of_way;
}

// Segments: ways split at nodes used by more than one way (or twice by one) and
// at way ends; footways inside a park become park paths.
void add_segments(const Layout& L, District& d, const std::vector<std::size_t>& line_of_way) {
  // Parks for the in_park flag.
  auto in_park = [&](Point local) {
    for (const auto& p : L.parks)
      if ((p.kind == "park" || p.kind == "wood") && contains(p.ring, local)) return true;
    return false;
  };

  std::vector<int> uses(d.nodes.size(), 0);
  for (const auto& w : d.ways)
    for (std::size_t k = 0; k < w.nodes.size(); ++k)
      if (!(k + 1 == w.nodes.size() && w.nodes.front() == w.nodes.back())) ++uses[w.nodes[k]];
  for (std::uint32_t wi = 0; wi < d.ways.size(); ++wi) {
    const Way& w = d.ways[wi];
    const Line& l = L.b.lines[line_of_way[wi]];
    std::size_t start = 0;
    for (std::size_t k = 1; k < w.nodes.size(); ++k) {
      if (k + 1 < w.nodes.size() && uses[w.nodes[k]] < 2) continue;
      Segment s;
      s.id = static_cast<std::uint32_t>(d.segments.size());
      s.way = wi;
      s.from = w.nodes[start];
      s.to = w.nodes[k];
      for (std::size_t q = start; q <= k; ++q) s.geometry.push_back(d.nodes[w.nodes[q]].pos);
      s.length_m = length(s.geometry);
      s.mid = interpolate(s.geometry, s.length_m / 2);
      s.kind = w.kind;
      s.lit = w.lit;
      s.lamp_line = l.lamp_line;
      s.in_park = w.kind == SegmentKind::ParkPath || in_park({s.mid.x - d.origin.x, s.mid.y - d.origin.y});
      if (s.kind == SegmentKind::Footway && s.in_park) s.kind = SegmentKind::ParkPath;
      if (s.length_m > 0.01) {
        if (l.lamp_line) d.lamp_line_segments.push_back(s.id);
        if (s.kind == SegmentKind::Square) d.square_segments.push_back(s.id);
        d.segments.push_back(std::move(s));
      }
      start = k;
    }
  }
}

// The road point of a stop becomes a node of the arterial it lies on (within
// 1 m): that segment and its way are split there. Returns the new node.
std::uint32_t split_arterial_at(District& d, Point road, const std::string& stop) {
  std::uint32_t seg_idx = UINT32_MAX;
  double best = 1.0;
  for (const auto& s : d.segments) {
    if (s.kind != SegmentKind::Arterial) continue;
    double dd;
    closest_on(s.geometry, road, &dd);
    if (dd < best) { best = dd; seg_idx = s.id; }
  }
  if (seg_idx == UINT32_MAX)
    throw Error(ErrorCode::Internal, "demo district", "stop " + stop + " is not on an arterial road");
  // Split that segment (and its way) at the stop.
  Segment old = d.segments[seg_idx];
  Way& way = d.ways[old.way];
  const auto rn = static_cast<std::uint32_t>(d.nodes.size());
  d.nodes.push_back({static_cast<std::int64_t>(rn) + 1, road, {}});
  // Insert rn into the way between the right pair of nodes.
  {
    std::size_t pos = 0;
    double bd = INFINITY;
    for (std::size_t k = 1; k < way.nodes.size(); ++k) {
      const Point c = closest_on_segment(road, d.nodes[way.nodes[k - 1]].pos, d.nodes[way.nodes[k]].pos);
      const double dd = distance(c, road);
      if (dd < bd) { bd = dd; pos = k; }
    }
    way.nodes.insert(way.nodes.begin() + static_cast<std::ptrdiff_t>(pos), rn);
  }
  // Rebuild the two halves of the old segment.
  {
    double bd = INFINITY;
    std::size_t cut = 1;
    for (std::size_t k = 1; k < old.geometry.size(); ++k) {
      const Point c = closest_on_segment(road, old.geometry[k - 1], old.geometry[k]);
      if (distance(c, road) < bd) { bd = distance(c, road); cut = k; }
    }
    Polyline g1(old.geometry.begin(), old.geometry.begin() + static_cast<std::ptrdiff_t>(cut));
    g1.push_back(road);
    Polyline g2{road};
    g2.insert(g2.end(), old.geometry.begin() + static_cast<std::ptrdiff_t>(cut), old.geometry.end());
    Segment& a = d.segments[seg_idx];
    a.to = rn;
    a.geometry = g1;
    a.length_m = length(g1);
    a.mid = interpolate(g1, a.length_m / 2);
    Segment bseg = old;
    bseg.id = static_cast<std::uint32_t>(d.segments.size());
    bseg.from = rn;
    bseg.geometry = g2;
    bseg.length_m = length(g2);
    bseg.mid = interpolate(g2, bseg.length_m / 2);
    d.segments.push_back(bseg);
  }
  return rn;
}

// Stops: a platform node beside the road, reached by a short access way that
// splits the road at the stop. Stop nodes are way nodes here (platform end).
void add_stop(Layout& L, District& d, const Layout::StopSpec& sp, std::vector<std::size_t>& line_of_way) {
  Stop st;
  st.name = sp.name;
  st.tram = sp.tram;
  const Point road = world(d, sp.road_pt), plat = world(d, sp.platform);
  // The access way (road point -> platform) needs the road point as a node of the road.
  const std::uint32_t rn = split_arterial_at(d, road, sp.name);
  // Platform node and the access way (road -> platform); if a path leaves the
  // platform (added in the layout) it already has a node there: reuse it.
  std::uint32_t pn = UINT32_MAX;
  for (std::uint32_t n = 0; n < d.nodes.size(); ++n)
    if (distance(d.nodes[n].pos, plat) < 0.5) { pn = n; break; }
  if (pn == UINT32_MAX) {
    pn = static_cast<std::uint32_t>(d.nodes.size());
    d.nodes.push_back({static_cast<std::int64_t>(pn) + 1, plat, {}});
  }
  Tags& t = d.nodes[pn].tags;
  t.push_back({"name", sp.name});
  t.push_back({"highway", "bus_stop"});
  t.push_back({"public_transport", "platform"});
  t.push_back({"bus", "yes"});
  if (sp.tram) {
    t.push_back({"railway", "tram_stop"});
    t.push_back({"tram", "yes"});
  }
  Way acc;
  acc.id = static_cast<std::int64_t>(d.ways.size()) + 1;
  acc.nodes = {rn, pn};
  acc.highway = "footway";
  acc.lit = true;
  acc.kind = SegmentKind::StopAccess;
  acc.tags = {{"highway", "footway"}, {"lit", "yes"}, {"footway", "access_aisle"}};
  d.ways.push_back(acc);
  Segment as;
  as.id = static_cast<std::uint32_t>(d.segments.size());
  as.way = static_cast<std::uint32_t>(d.ways.size() - 1);
  as.from = rn;
  as.to = pn;
  as.geometry = {road, plat};
  as.length_m = distance(road, plat);
  as.mid = lerp(road, plat, 0.5);
  as.kind = SegmentKind::StopAccess;
  as.lit = true;
  d.segments.push_back(as);
  st.node_id = d.nodes[pn].id;
  st.pos = plat;
  st.segment = as.id;
  d.stops.push_back(st);
  L.b.lines.push_back({});  // keeps line_of_way aligned for the access way (no lamps of its own)
  line_of_way.push_back(L.b.lines.size() - 1);
  L.b.lines.back().lamp_spacing_m = 0;
}

// Lamps: along every lit way (spacing by class), offset 4 m to the side;
// sparse old lamps on some unlit park paths (lit=no: spacing far above 50 m).
void add_lamps(const Layout& L, District& d, const std::vector<std::size_t>& line_of_way,
               const std::string& lamp_line_installed) {
  for (std::uint32_t wi = 0; wi < d.ways.size(); ++wi) {
    const Line& l = L.b.lines[line_of_way[wi]];
    if (l.lamp_spacing_m <= 0) continue;
    Polyline g;
    for (auto n : d.ways[wi].nodes) g.push_back(d.nodes[n].pos);
    const double len = length(g);
    const int side = (wi % 2 == 0) ? 1 : -1;
    for (double s = std::min(l.lamp_spacing_m / 2, len / 2); s < len; s += l.lamp_spacing_m) {
      const Point p = interpolate(g, s);
      const Point q = interpolate(g, std::min(len, s + 1.0));
      const Point r = interpolate(g, std::max(0.0, s - 1.0));
      const double dd = distance(r, q);
      Point off = dd > 0 ? perp({(q.x - r.x) / dd, (q.y - r.y) / dd}) : Point{0, 0};
      const double side_m = l.kind == SegmentKind::Square ? 0.0 : 4.0;
      Lamp lamp;
      lamp.pos = add(p, off, side * side_m);
      lamp.way = wi;
      lamp.lamp_line = l.lamp_line;
      lamp.installed = l.lamp_line ? lamp_line_installed : (l.kind == SegmentKind::ParkPath && !l.lit ? "1974-10-01" : "1972-09-01");
      const auto n = static_cast<std::uint32_t>(d.nodes.size());
      lamp.node_id = static_cast<std::int64_t>(n) + 1;
      Tags t = {{"highway", "street_lamp"}};
      if (l.lamp_line) t.push_back({"start_date", lamp_line_installed});
      d.nodes.push_back({lamp.node_id, lamp.pos, t});
      d.lamps.push_back(lamp);
    }
  }
}

// Places, parks and areas into world coordinates, with ids.
void add_features(Layout& L, District& d) {
  std::int64_t pid = 1;
  for (auto& p : L.places) {
    p.id = pid++;
    p.pos = world(d, p.pos);
    d.places.push_back(p);
  }
  for (auto& p : L.parks) {
    p.id = pid++;
    for (auto& q : p.ring) q = world(d, q);
    d.parks.push_back(p);
  }
  for (auto& a : L.areas) {
    a.id = pid++;
    for (auto& q : a.ring) q = world(d, q);
    d.areas.push_back(a);
  }
}

}  // namespace

// --- assembly -------------------------------------------------------------------

District build_district(const std::string& lamp_line_installed) {
  Layout L;
  lay_out(L);
  node_lines(L.b.lines);

  District d;
  d.lamp_line_installed = lamp_line_installed;
  // Place the district: centre of Hisingsbacka, rounded to 100 m in SWEREF99 TM.
  const Point centre = wgs84_to_sweref(11.98, 57.75);
  d.origin = {std::round(centre.x / 100) * 100 - kSize / 2, std::round(centre.y / 100) * 100 - kSize / 2};
  {
    double lon, lat;
    sweref_to_wgs84({d.origin.x + kSize / 2, d.origin.y + kSize / 2}, lon, lat);
    d.centre_lon = lon;
    d.centre_lat = lat;
  }
  std::vector<std::size_t> line_of_way = add_ways(L, d);  // grows with the stops' access ways
  add_segments(L, d, line_of_way);
  for (const auto& sp : L.stops) add_stop(L, d, sp, line_of_way);
  add_lamps(L, d, line_of_way, lamp_line_installed);
  add_features(L, d);
  return d;
}

}  // namespace tryggve::demo
