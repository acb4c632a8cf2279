// The demo district's public transport (see demo/transit.hpp): lines along the
// district's arterials, timetables that follow the day, late vehicles, and
// Västtrafik's reports with their truth.
#include "tryggve/demo/transit.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <queue>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "internal.hpp"
#include "tryggve/core/csv.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/rng.hpp"

namespace tryggve::demo {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

// ---- The model's numbers (also in truth.json) ----------------------------------------------

constexpr double kTramSpeed = 8.0, kBusSpeed = 8.5;  // m/s between stops
constexpr double kStopPenalty_s = 20;                 // braking and starting at each stop
constexpr double kPeakSlowdown = 1.15;                // weekday 7-9 and 15-18
constexpr int kLayover_s = 300;
// On-board reports per scheduled vehicle-hour, by local hour of the trip's start.
constexpr double kOnBoardRate = 0.012;
constexpr std::array<double, 24> kHourFactor = {4.0, 4.0, 4.0, 4.0, 4.0, 0.5, 0.5, 0.8, 0.8, 0.6, 0.6, 0.6,
                                                0.6, 0.6, 0.6, 1.0, 1.0, 1.0, 1.5, 1.5, 3.0, 3.0, 3.0, 3.0};
constexpr double kWeekendNightFactor = 1.5;  // Friday and Saturday after 20:00
constexpr double kAtStopPerDay = 0.3;
// Delays: normal(mean, sd) seconds clamped to [min, max], more at the peaks; now
// and then a run is far behind (heavy_share, uniform in [heavy_min, heavy_max]).
constexpr double kDelayMean = 40, kDelaySd = 50, kDelayMin = -45, kDelayMax = 150, kPeakDelay = 30;
constexpr double kHeavyShare = 0.02, kHeavyMin = 200, kHeavyMax = 420;

struct Category {
  const char* code;
  double weight;
  std::vector<const char*> on_board, at_stop;
};
const std::vector<Category>& categories() {
  static const std::vector<Category> c = {
      {"vandalism", 0.25,
       {"stenkastning mot vagnen", "klotter ombord", "sönderskuren stolsdyna", "krossad ruta i vagnen"},
       {"klotter i väderskyddet", "krossat glas i väderskyddet", "sönderslagen biljettautomat"}},
      {"threats_harassment", 0.22, {"hot mot föraren", "ofredande av passagerare", "trakasserier ombord"},
       {"hot mot resenär vid hållplatsen", "ofredande vid hållplatsen"}},
      {"public_violence", 0.15, {"stenkastning mot föraren", "bråk mellan passagerare", "misshandel ombord"},
       {"slagsmål vid hållplatsen", "misshandel vid hållplatsen"}},
      {"public_disorder", 0.20, {"berusad person stör", "störande resenärer", "bråk om plats, flera störande"},
       {"berusade personer vid hållplatsen", "störande sällskap vid hållplatsen"}},
      {"youth_gatherings", 0.10, {"grupp ungdomar stör ombord", "ungdomar som springer i vagnen"},
       {"grupp ungdomar samlas vid hållplatsen", "ungdomar stör resenärer vid hållplatsen"}},
      {"robbery", 0.05, {"rån av passagerare", "passagerare rånad på telefon"}, {"personrån vid hållplatsen"}},
      {"drug_dealing", 0.03, {"misstänkt langning ombord"}, {"misstänkt langning vid hållplatsen"}},
  };
  return c;
}

// ---- Calendar ----------------------------------------------------------------------------

std::int32_t day_of(int y, int m, int d) { return static_cast<std::int32_t>(cal::days_from_civil(y, m, d)); }

// "Noon minus 12 h" of a local service day, in UTC (GTFS's time origin; local
// midnight except on the two daylight-saving days).
std::int64_t service_origin(std::int32_t day) {
  const std::int64_t local_noon = static_cast<std::int64_t>(day) * 86400 + 12 * 3600;
  const std::int32_t off = cal::stockholm_offset(local_noon - 3 * 3600);
  return local_noon - off - 12 * 3600;
}

std::string gtfs_date(std::int32_t day) {
  int y, m, d;
  cal::civil_from_days(day, y, m, d);
  return fmt::format("{:04}{:02}{:02}", y, m, d);
}

std::string gtfs_time(std::int32_t s) { return fmt::format("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60); }

std::string local_minute(std::int64_t utc) {
  const std::int64_t l = utc + cal::stockholm_offset(utc);
  const std::int64_t days = l >= 0 ? l / 86400 : (l - 86399) / 86400;
  const std::int64_t sod = l - days * 86400;
  int y, m, d;
  cal::civil_from_days(days, y, m, d);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}", y, m, d, sod / 3600, (sod / 60) % 60);
}

// Day types: 0 Monday-Thursday, 1 Friday, 2 Saturday, 3 Sunday.
const char* kServiceIds[] = {"VARDAG", "FREDAG", "LORDAG", "SONDAG"};

// Swedish public holidays with their timetable (2: Saturday's, 3: Sunday's).
std::vector<std::pair<std::int32_t, int>> holidays(int year) {
  std::vector<std::pair<std::int32_t, int>> h = {{day_of(year, 1, 1), 3},  {day_of(year, 1, 6), 3},
                                                 {day_of(year, 5, 1), 3},  {day_of(year, 6, 6), 3},
                                                 {day_of(year, 12, 24), 2}, {day_of(year, 12, 25), 3},
                                                 {day_of(year, 12, 26), 3}, {day_of(year, 12, 31), 2}};
  // Midsommarafton: the Friday between 19 and 25 June.
  for (int d = 19; d <= 25; ++d)
    if (cal::weekday(day_of(year, 6, d)) == 4) h.push_back({day_of(year, 6, d), 2});
  return h;
}

int regular_type(std::int32_t day) {
  const int wd = cal::weekday(day);
  return wd <= 3 ? 0 : wd == 4 ? 1 : wd == 5 ? 2 : 3;
}

// ---- Streets: paths along the arterials --------------------------------------------------

struct Arterials {
  const District& d;
  std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> at;  // node -> (segment, other node)
  explicit Arterials(const District& dd) : d(dd), at(dd.nodes.size()) {
    for (const auto& s : d.segments)
      if (s.kind == SegmentKind::Arterial) {
        at[s.from].push_back({s.id, s.to});
        at[s.to].push_back({s.id, s.from});
      }
  }
  // The shortest path between two nodes along the arterials, as a polyline.
  Polyline path(std::uint32_t a, std::uint32_t b) const {
    std::vector<double> dist(d.nodes.size(), INFINITY);
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pred(d.nodes.size(), {UINT32_MAX, UINT32_MAX});
    using Item = std::pair<double, std::uint32_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> q;
    dist[a] = 0;
    q.push({0, a});
    while (!q.empty()) {
      const auto [du, u] = q.top();
      q.pop();
      if (du > dist[u]) continue;
      if (u == b) break;
      for (const auto& [s, v] : at[u]) {
        const double nd = du + d.segments[s].length_m;
        if (nd < dist[v]) dist[v] = nd, pred[v] = {s, u}, q.push({nd, v});
      }
    }
    if (!std::isfinite(dist[b]))
      throw Error(ErrorCode::Internal, "demo transit", "two stops of a line are not joined by the arterials");
    std::vector<std::pair<std::uint32_t, std::uint32_t>> steps;  // (segment, node it ends at)
    for (std::uint32_t v = b; v != a; v = pred[v].second) steps.push_back({pred[v].first, v});
    Polyline out{d.nodes[a].pos};
    for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
      const Segment& s = d.segments[it->first];
      Polyline g = s.geometry;
      if (s.to != it->second) std::reverse(g.begin(), g.end());
      for (std::size_t k = 1; k < g.size(); ++k) out.push_back(g[k]);
    }
    return out;
  }
};

struct RouteSpec {
  TransitRoute route;
  std::vector<std::string> stops;  // district stop names, direction 0
  double speed;
  double headway_factor;
  int phase_min;
  bool night;       // runs on Friday and Saturday nights
  bool shape_dist;  // shape_dist_traveled in the feed
};

// Minutes between departures by hour (4..26, 24+ is after midnight), per day type; 0: none.
int base_headway(int type, int h) {
  static const int kWeekday[27] = {0, 0, 0, 0, 0, 15, 10, 5, 5, 10, 10, 10, 10, 10, 10, 6, 5, 5, 10, 12, 15, 15, 20, 30, 30, 0, 0};
  static const int kSaturday[27] = {0, 0, 0, 0, 0, 0, 30, 20, 15, 12, 10, 10, 10, 10, 10, 10, 10, 10, 12, 15, 15, 15, 20, 20, 20, 30, 30};
  static const int kSunday[27] = {0, 0, 0, 0, 0, 0, 0, 30, 20, 15, 12, 12, 12, 12, 12, 12, 12, 12, 12, 20, 20, 20, 30, 30, 60, 0, 0};
  if (h < 0 || h > 26) return 0;
  if (type == 2) return kSaturday[h];
  if (type == 3) return kSunday[h];
  if (type == 1 && h >= 24) return h == 24 ? 20 : 30;  // Friday night
  return kWeekday[h];
}

}  // namespace

bool TransitService::active(std::int32_t day, std::int32_t first, std::int32_t last) const {
  for (const auto& [d, type] : exceptions)
    if (d == day) return type == 1;
  if (day < first || day > last) return false;
  return weekdays[static_cast<std::size_t>(cal::weekday(day))];
}

DemoTransit simulate_transit(const DemoOptions& o, const District& d, const Model& model) {
  DemoTransit t;
  t.first_day = day_of(o.start_year, o.start_month, 1);
  {
    const int m = o.start_month - 1 + o.months;
    t.last_day = day_of(o.start_year + m / 12, m % 12 + 1, 1) - 1;
  }

  // ---- Stop areas and platforms.
  auto stop_index = [&](const std::string& name) -> std::size_t {
    for (std::size_t i = 0; i < d.stops.size(); ++i)
      if (d.stops[i].name == name) return i;
    throw Error(ErrorCode::Internal, "demo transit", "no stop " + name);
  };
  std::map<std::size_t, std::array<std::size_t, 3>> area_of;  // district stop -> (area, A, B)
  auto area = [&](std::size_t ds) {
    if (auto it = area_of.find(ds); it != area_of.end()) return it->second;
    const Stop& s = d.stops[ds];
    const Point road = d.nodes[d.segments[s.segment].from].pos;
    const std::string num = fmt::format("{:06}", 900100 + 10 * static_cast<int>(ds));
    const std::string name = s.name + ", Göteborg";
    const std::size_t a = t.stops.size();
    t.stops.push_back({"9021014" + num + "000", name, "", "", road, true, static_cast<int>(ds)});
    t.stops.push_back({"9022014" + num + "001", name, "A", t.stops[a].id, s.pos, false, static_cast<int>(ds)});
    t.stops.push_back({"9022014" + num + "002", name, "B", t.stops[a].id,
                       {2 * road.x - s.pos.x, 2 * road.y - s.pos.y}, false, static_cast<int>(ds)});
    return area_of[ds] = {a, a + 1, a + 2};
  };

  // ---- Routes and their patterns, with shapes along the arterials.
  std::vector<RouteSpec> specs = {
      {{"9011014500500000", "5", "Östra Sjukhuset - Brunnsbo", 900, "spårvagn", {"Brunnsbo", "Östra Sjukhuset"}},
       {"Lindås", "Mjölnargatan", "Kvarnbo torg", "Garvaregatan", "Kvarnbo norra"}, kTramSpeed, 1.0, 2, true, false},
      {{"9011014502500000", "25", "Hagtorpet - Kvarnbodalen", 700, "buss", {"Kvarnbodalen", "Hagtorpet"}},
       {"Hagtorpet", "Ekbacka", "Lindåsparken", "Björkdalsvägen", "Smedjegatan", "Kvarnbodalen"}, kBusSpeed, 1.5, 5,
       true, false},
      {{"9011014504500000", "45", "Lindås - Smedjegatan", 700, "buss", {"Smedjegatan", "Lindås"}},
       {"Lindås", "Mjölnargatan", "Kvarnbo torg", "Garvaregatan", "Björkdalsvägen", "Smedjegatan"}, kBusSpeed, 2.0, 8,
       false, true},
  };
  const Arterials art(d);
  std::vector<std::array<std::size_t, 2>> pattern_of(specs.size());
  for (std::size_t r = 0; r < specs.size(); ++r) {
    t.routes.push_back(specs[r].route);
    std::vector<std::size_t> ds;
    for (const auto& n : specs[r].stops) ds.push_back(stop_index(n));
    // One path along the arterials through the road nodes of the stops, direction 0.
    Polyline shape;
    std::vector<double> chain;
    for (std::size_t k = 0; k < ds.size(); ++k) {
      const std::uint32_t node = d.segments[d.stops[ds[k]].segment].from;
      if (k == 0) {
        shape.push_back(d.nodes[node].pos);
        chain.push_back(0.0);
        continue;
      }
      const std::uint32_t prev = d.segments[d.stops[ds[k - 1]].segment].from;
      const Polyline p = art.path(prev, node);
      for (std::size_t i = 1; i < p.size(); ++i) shape.push_back(p[i]);
      chain.push_back(chain.back() + length(p));
    }
    for (int dir = 0; dir < 2; ++dir) {
      TransitPattern p;
      p.route = r;
      p.direction = dir;
      p.shape_id = fmt::format("{}_{}", specs[r].route.short_name, dir);
      p.shape_dist = specs[r].shape_dist;
      const double total = chain.back();
      for (std::size_t k = 0; k < ds.size(); ++k) {
        const std::size_t kk = dir == 0 ? k : ds.size() - 1 - k;
        p.stops.push_back(area(ds[kk])[dir == 0 ? 1 : 2]);
        p.chainage.push_back(dir == 0 ? chain[kk] : total - chain[kk]);
      }
      p.shape = shape;
      if (dir == 1) std::reverse(p.shape.begin(), p.shape.end());
      pattern_of[r][static_cast<std::size_t>(dir)] = t.patterns.size();
      t.patterns.push_back(std::move(p));
    }
  }

  // ---- Services: Monday-Thursday, Friday, Saturday, Sunday; holidays moved.
  for (int type = 0; type < 4; ++type) {
    TransitService s;
    s.id = kServiceIds[type];
    for (int wd = 0; wd < 7; ++wd)
      s.weekdays[static_cast<std::size_t>(wd)] = (type == 0 && wd <= 3) || (type == 1 && wd == 4) ||
                                                 (type == 2 && wd == 5) || (type == 3 && wd == 6);
    t.services.push_back(s);
  }
  {
    int y0, m0, d0, y1, m1, d1;
    cal::civil_from_days(t.first_day, y0, m0, d0);
    cal::civil_from_days(t.last_day, y1, m1, d1);
    for (int y = y0; y <= y1; ++y)
      for (const auto& [day, type] : holidays(y)) {
        if (day < t.first_day || day > t.last_day) continue;
        const int reg = regular_type(day);
        if (reg == type) continue;
        t.services[static_cast<std::size_t>(reg)].exceptions.push_back({day, 2});
        t.services[static_cast<std::size_t>(type)].exceptions.push_back({day, 1});
      }
    for (auto& s : t.services) std::sort(s.exceptions.begin(), s.exceptions.end());
  }

  // ---- Trips: departures by the hour's headway, whole-minute stop times, blocks.
  for (std::size_t r = 0; r < specs.size(); ++r) {
    const RouteSpec& sp = specs[r];
    for (int type = 0; type < 4; ++type) {
      std::vector<TransitTrip> trips;
      for (int dir = 0; dir < 2; ++dir) {
        const std::size_t pi = pattern_of[r][static_cast<std::size_t>(dir)];
        const TransitPattern& p = t.patterns[pi];
        for (int h = 4; h <= 26; ++h) {
          if (h >= 24 && !(sp.night || h == 24)) continue;
          const int base = base_headway(type, h);
          if (base == 0) continue;
          const int hw = std::min(60, std::max(base, static_cast<int>(std::lround(base * sp.headway_factor))));
          const int phase = (sp.phase_min + (dir == 1 ? hw / 2 : 0)) % hw;
          for (int m = phase; m < 60; m += hw) {
            TransitTrip tr;
            tr.service = kServiceIds[type];
            tr.pattern = pi;
            const std::int32_t dep0 = h * 3600 + m * 60;
            const bool peak = type <= 1 && ((h >= 7 && h < 9) || (h >= 15 && h < 18));
            double run = 0;
            std::int32_t last = dep0;
            for (std::size_t k = 0; k < p.stops.size(); ++k) {
              if (k > 0) run += (p.chainage[k] - p.chainage[k - 1]) / sp.speed * (peak ? kPeakSlowdown : 1.0) + kStopPenalty_s;
              std::int32_t at = dep0 + static_cast<std::int32_t>(std::lround(run / 60.0)) * 60;
              if (k > 0) at = std::max(at, last + 60);
              // Kvarnbo torg: a minute at the square's stop (drivers change there).
              const bool dwell = k > 0 && k + 1 < p.stops.size() &&
                                 t.stops[p.stops[k]].name.rfind("Kvarnbo torg", 0) == 0;
              tr.arrival.push_back(at);
              tr.departure.push_back(dwell ? at + 60 : at);
              if (dwell) run += 60;
              last = tr.departure.back();
            }
            tr.id = fmt::format("{}_{}_{}_{:02}{:02}", sp.route.short_name, dir, kServiceIds[type], h, m);
            trips.push_back(std::move(tr));
          }
        }
      }
      // Vehicles: each departure takes the vehicle that has waited longest at its
      // first stop, or a new one.
      std::sort(trips.begin(), trips.end(), [](const TransitTrip& a, const TransitTrip& b) {
        return a.departure.front() != b.departure.front() ? a.departure.front() < b.departure.front() : a.id < b.id;
      });
      // Keyed by stop area: a vehicle arrives at one platform and leaves from the other.
      std::map<std::string, std::vector<std::pair<std::int32_t, int>>> waiting;  // area -> (ready at, vehicle)
      int vehicles = 0;
      for (auto& tr : trips) {
        const TransitPattern& p = t.patterns[tr.pattern];
        auto& here = waiting[t.stops[p.stops.front()].parent];
        std::sort(here.begin(), here.end());
        int v = -1;
        if (!here.empty() && here.front().first <= tr.departure.front()) {
          v = here.front().second;
          here.erase(here.begin());
        } else {
          v = ++vehicles;
        }
        tr.block = fmt::format("{}-{}-{:02}", sp.route.short_name, kServiceIds[type], v);
        waiting[t.stops[p.stops.back()].parent].push_back({tr.arrival.back() + kLayover_s, v});
      }
      for (auto& tr : trips) t.trips.push_back(std::move(tr));
    }
  }

  // ---- Reports.
  struct Cat {
    const Category* c;
    std::uint16_t parameter;
  };
  std::vector<Cat> cats;
  double cat_total = 0;
  for (const auto& c : categories())
    for (std::size_t p = 0; p < model.parameters.size(); ++p)
      if (model.parameters[p].code == c.code) {
        cats.push_back({&c, static_cast<std::uint16_t>(p)});
        cat_total += c.weight;
      }
  Rng rng(o.seed, 0x7472616E736974ULL);  // "transit": a stream of its own
  auto pick_cat = [&]() -> const Cat& {
    double u = rng.uniform() * cat_total;
    for (const auto& c : cats) {
      if (u < c.c->weight) return c;
      u -= c.c->weight;
    }
    return cats.back();
  };
  auto pick = [&](const std::vector<const char*>& v) { return std::string(v[rng.below(v.size())]); };
  auto short_stop = [&](std::size_t s) { return d.stops[static_cast<std::size_t>(t.stops[s].district_stop)].name; };

  std::vector<std::vector<std::size_t>> trips_of_service(t.services.size());
  for (std::size_t i = 0; i < t.trips.size(); ++i)
    for (std::size_t s = 0; s < t.services.size(); ++s)
      if (t.trips[i].service == t.services[s].id) trips_of_service[s].push_back(i);
  std::vector<std::size_t> area_stops;  // stop areas, for at-stop reports
  std::vector<double> area_weight;
  for (std::size_t s = 0; s < t.stops.size(); ++s)
    if (t.stops[s].station) {
      area_stops.push_back(s);
      const Stop& ds = d.stops[static_cast<std::size_t>(t.stops[s].district_stop)];
      area_weight.push_back(ds.name == "Kvarnbo torg" ? 3.0 : ds.tram ? 1.5 : 1.0);
    }
  double area_total = 0;
  for (double w : area_weight) area_total += w;

  for (std::int32_t day = t.first_day; day <= t.last_day; ++day) {
    const int wd = cal::weekday(day);
    const std::int64_t origin = service_origin(day);
    for (std::size_t s = 0; s < t.services.size(); ++s) {
      if (!t.services[s].active(day, t.first_day, t.last_day)) continue;
      for (std::size_t ti : trips_of_service[s]) {
        const TransitTrip& tr = t.trips[ti];
        const TransitPattern& p = t.patterns[tr.pattern];
        const double start = tr.departure.front(), end = tr.arrival.back();
        const double hours = (end - start) / 3600.0;
        t.vehicle_hours += hours;
        if (cats.empty()) continue;
        const int hour = (static_cast<int>(start) / 3600) % 24;
        const bool weekend_night = ((wd == 4 || wd == 5) && start >= 20 * 3600) || ((wd == 5 || wd == 6) && start < 5 * 3600);
        const double lambda = kOnBoardRate * hours * kHourFactor[static_cast<std::size_t>(hour)] *
                              (weekend_night ? kWeekendNightFactor : 1.0) * o.volume_scale;
        const std::uint64_t n = rng.poisson(lambda);
        if (n == 0) continue;
        // This run's delay (the same for all its incidents).
        const bool peak = wd <= 4 && ((hour >= 7 && hour < 9) || (hour >= 15 && hour < 18));
        double delay = std::clamp(kDelayMean + kDelaySd * rng.normal() + (peak ? kPeakDelay : 0.0), kDelayMin, kDelayMax);
        if (rng.uniform() < kHeavyShare) delay = rng.uniform(kHeavyMin, kHeavyMax);
        const auto delay_s = static_cast<std::int32_t>(std::lround(delay));
        for (std::uint64_t i = 0; i < n; ++i) {
          TransitReport rep;
          rep.on_board = true;
          rep.route_id = t.routes[p.route].id;
          rep.line = t.routes[p.route].short_name;
          rep.mode_sv = t.routes[p.route].mode_sv;
          rep.trip = ti;
          rep.service_day = day;
          rep.delay_s = delay_s;
          // The scheduled moment of the vehicle's position, and where that is.
          const double tau = rng.uniform(start, end);
          rep.true_utc = origin + static_cast<std::int64_t>(std::floor(tau)) + delay_s;
          std::size_t k = 0;
          while (k + 1 < p.stops.size() && tau >= tr.arrival[k + 1]) ++k;
          if (k + 1 == p.stops.size()) k = p.stops.size() - 2;
          const double seg_len = p.chainage[k + 1] - p.chainage[k];
          if (tau < tr.departure[k] && k > 0) {
            rep.dwelling = true;
            rep.offset_m = 0;
          } else {
            // Vehicles leave and reach stops slowly: smoothstep in the scheduled time.
            const double u = std::clamp((tau - tr.departure[k]) / (tr.arrival[k + 1] - tr.departure[k]), 0.0, 1.0);
            rep.offset_m = seg_len * u * u * (3 - 2 * u);
          }
          rep.segment = k;
          rep.chainage_m = p.chainage[k] + rep.offset_m;
          {
            // The point on the shape at that chainage.
            rep.pos = interpolate(p.shape, rep.chainage_m);
          }
          rep.reported_utc = rep.true_utc - ((rep.true_utc % 60) + 60) % 60;
          rep.utc_offset_s = cal::stockholm_offset(rep.reported_utc);
          const Cat& cat = pick_cat();
          rep.parameter = cat.parameter;
          const double how = rng.uniform();
          std::string detail;
          if (how < 0.55) {  // direction: the headsign, or the terminus by name
            rep.direction = rng.uniform() < 0.7 ? t.routes[p.route].headsign[static_cast<std::size_t>(p.direction)]
                                                : short_stop(p.stops.back());
            detail = " mot " + rep.direction;
          } else if (how < 0.70) {  // the stops it was between, sometimes one stop wider
            std::size_t a = k, b = k + 1;
            if (rng.uniform() < 0.3) {
              if (a > 0) --a;
              else if (b + 1 < p.stops.size()) ++b;
            }
            rep.from_stop = short_stop(p.stops[a]);
            rep.to_stop = short_stop(p.stops[b]);
            detail = " mellan " + rep.from_stop + " och " + rep.to_stop;
          } else if (how < 0.80) {  // from the operator's system: the trip
            rep.trip_id = tr.id;
            detail = " (tur " + tr.id + ")";
          } else if (how < 0.85) {  // the vehicle
            rep.vehicle = tr.block;
            detail = " (vagn " + tr.block + ")";
          }
          const std::string hhmm = local_minute(rep.reported_utc).substr(11);
          rep.text = fmt::format("{} {}{}, {}, {}", rep.mode_sv, rep.line, detail, hhmm, pick(cat.c->on_board));
          if (std::abs(delay_s) > 180) ++t.heavy_delays;
          ++t.on_board_per_route[rep.route_id];
          t.reports.push_back(std::move(rep));
        }
      }
    }
    // At stops: evening-weighted, more at the square.
    if (cats.empty()) continue;
    const std::uint64_t n = rng.poisson(kAtStopPerDay * (wd >= 4 ? 1.5 : 1.0) * o.volume_scale);
    int y, m, dd;
    cal::civil_from_days(day, y, m, dd);
    const std::int64_t midnight = cal::stockholm_midnight(y, m, dd);
    for (std::uint64_t i = 0; i < n; ++i) {
      TransitReport rep;
      rep.on_board = false;
      double u = rng.uniform() * area_total;
      std::size_t a = 0;
      while (a + 1 < area_stops.size() && u >= area_weight[a]) u -= area_weight[a++];
      rep.station = area_stops[a];
      rep.platform = rep.station;
      // An hour from 6 to 23, evenings twice as likely.
      double hour = 0;
      do hour = rng.uniform(6, 24);
      while (hour < 18 && rng.uniform() < 0.5);
      rep.true_utc = midnight + static_cast<std::int64_t>(hour * 3600);
      rep.reported_utc = rep.true_utc - ((rep.true_utc % 60) + 60) % 60;
      rep.utc_offset_s = cal::stockholm_offset(rep.reported_utc);
      rep.service_day = day;
      rep.pos = t.stops[rep.station].pos;
      rep.stop = short_stop(rep.station);
      if (rng.uniform() < 0.5) {
        rep.platform = rep.station + 1 + rng.below(2);  // A or B
        rep.stop += " läge " + t.stops[rep.platform].platform_code;
        rep.pos = t.stops[rep.platform].pos;
      }
      const Cat& cat = pick_cat();
      rep.parameter = cat.parameter;
      rep.text = fmt::format("{}, {}, {}", rep.stop, local_minute(rep.reported_utc).substr(11), pick(cat.c->at_stop));
      ++t.at_stop_per_station[t.stops[rep.station].id];
      t.reports.push_back(std::move(rep));
    }
  }
  std::stable_sort(t.reports.begin(), t.reports.end(),
                   [](const TransitReport& a, const TransitReport& b) { return a.true_utc < b.true_utc; });
  for (std::size_t i = 0; i < t.reports.size(); ++i) t.reports[i].id = static_cast<std::int64_t>(i) + 1;
  return t;
}

// ---- Files ------------------------------------------------------------------------------------

std::vector<std::string> transit_files() {
  return {"gtfs/agency.txt", "gtfs/stops.txt",    "gtfs/routes.txt",   "gtfs/trips.txt",         "gtfs/stop_times.txt",
          "gtfs/shapes.txt", "gtfs/calendar.txt", "gtfs/calendar_dates.txt", "transit_reports.csv", "transit_truth.csv"};
}

namespace {

void put(const fs::path& p, const std::string& text) {
  std::ofstream f(p, std::ios::binary);
  f << text;
  f.close();
  if (!f) throw Error(ErrorCode::OutputFailed, p.string(), "cannot write file");
}

std::string lat_lon(Point p) {
  double lon, lat;
  sweref_to_wgs84(p, lon, lat);
  return fmt::format("{:.7f},{:.7f}", lat, lon);
}

}  // namespace

void write_transit(const fs::path& dir, const DemoTransit& t, const Model& model) {
  const fs::path g = dir / "gtfs";
  std::error_code ec;
  fs::create_directories(g, ec);
  if (ec) throw Error(ErrorCode::OutputFailed, g.string(), "cannot create the folder: " + ec.message());
  put(g / "agency.txt",
      "agency_id,agency_name,agency_url,agency_timezone,agency_lang\n"
      "279,Västtrafik (SYNTHETIC demo feed),https://www.vasttrafik.se,Europe/Stockholm,sv\n");
  {
    std::string s = "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station,platform_code\n";
    for (const auto& st : t.stops)
      s += fmt::format("{},{},{},{},{},{}\n", st.id, csv_field(st.name), lat_lon(st.pos), st.station ? 1 : 0, st.parent,
                       st.platform_code);
    put(g / "stops.txt", s);
  }
  {
    std::string s = "route_id,agency_id,route_short_name,route_long_name,route_type\n";
    for (const auto& r : t.routes)
      s += fmt::format("{},279,{},{},{}\n", r.id, r.short_name, csv_field(r.long_name), r.route_type);
    put(g / "routes.txt", s);
  }
  {
    std::string trips = "route_id,service_id,trip_id,trip_headsign,direction_id,block_id,shape_id\n";
    std::string times = "trip_id,arrival_time,departure_time,stop_id,stop_sequence,shape_dist_traveled\n";
    for (const auto& tr : t.trips) {
      const TransitPattern& p = t.patterns[tr.pattern];
      const TransitRoute& r = t.routes[p.route];
      trips += fmt::format("{},{},{},{},{},{},{}\n", r.id, tr.service, tr.id, csv_field(r.headsign[static_cast<std::size_t>(p.direction)]),
                           p.direction, tr.block, p.shape_id);
      for (std::size_t k = 0; k < p.stops.size(); ++k)
        times += fmt::format("{},{},{},{},{},{}\n", tr.id, gtfs_time(tr.arrival[k]), gtfs_time(tr.departure[k]),
                             t.stops[p.stops[k]].id, k + 1, p.shape_dist ? fmt::format("{:.1f}", p.chainage[k]) : "");
    }
    put(g / "trips.txt", trips);
    put(g / "stop_times.txt", times);
  }
  {
    std::string s = "shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence,shape_dist_traveled\n";
    for (const auto& p : t.patterns) {
      double acc = 0;
      for (std::size_t i = 0; i < p.shape.size(); ++i) {
        if (i > 0) acc += distance(p.shape[i - 1], p.shape[i]);
        s += fmt::format("{},{},{},{}\n", p.shape_id, lat_lon(p.shape[i]), i + 1,
                         p.shape_dist ? fmt::format("{:.1f}", acc) : "");
      }
    }
    put(g / "shapes.txt", s);
  }
  {
    std::string cal_s = "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n";
    std::string dates = "service_id,date,exception_type\n";
    for (const auto& s : t.services) {
      cal_s += s.id;
      for (bool w : s.weekdays) cal_s += w ? ",1" : ",0";
      cal_s += fmt::format(",{},{}\n", gtfs_date(t.first_day), gtfs_date(t.last_day));
      for (const auto& [day, type] : s.exceptions) dates += fmt::format("{},{},{}\n", s.id, gtfs_date(day), type);
    }
    put(g / "calendar.txt", cal_s);
    put(g / "calendar_dates.txt", dates);
  }
  {
    std::string s = "id,tidpunkt,plats,linje,trafikslag,riktning,tur,fordon,från_hållplats,till_hållplats,hållplats,kategori,text\n";
    std::string truth =
        "id,kind,route_id,trip_id,block_id,service_date,true_time,reported_time,delay_s,segment_index,from_stop_id,"
        "to_stop_id,offset_m,chainage_m,dwelling,x,y,stop_area_id,platform_id\n";
    for (const auto& r : t.reports) {
      s += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.id, local_minute(r.reported_utc),
                       r.on_board ? "ombord" : "hållplats", r.line, r.mode_sv, csv_field(r.direction), r.trip_id,
                       r.vehicle, csv_field(r.from_stop), csv_field(r.to_stop), csv_field(r.stop),
                       model.parameters[r.parameter].code, csv_field(r.text));
      if (r.on_board) {
        const TransitTrip& tr = t.trips[r.trip];
        const TransitPattern& p = t.patterns[tr.pattern];
        truth += fmt::format("{},on_board,{},{},{},{},{},{},{},{},{},{},{:.2f},{:.2f},{},{:.2f},{:.2f},,\n", r.id,
                             r.route_id, tr.id, tr.block, gtfs_date(r.service_day),
                             cal::iso8601(r.true_utc, cal::stockholm_offset(r.true_utc)), local_minute(r.reported_utc),
                             r.delay_s, r.segment, t.stops[p.stops[r.segment]].id, t.stops[p.stops[r.segment + 1]].id,
                             r.offset_m, r.chainage_m, r.dwelling ? "yes" : "no", r.pos.x, r.pos.y);
      } else {
        truth += fmt::format("{},at_stop,,,,{},{},{},,,,,,,no,{:.2f},{:.2f},{},{}\n", r.id, gtfs_date(r.service_day),
                             cal::iso8601(r.true_utc, cal::stockholm_offset(r.true_utc)), local_minute(r.reported_utc),
                             r.pos.x, r.pos.y, t.stops[r.station].id,
                             r.platform != r.station ? t.stops[r.platform].id : "");
      }
    }
    put(dir / "transit_reports.csv", s);
    put(dir / "transit_truth.csv", truth);
  }
}

json transit_truth_json(const DemoTransit& t) {
  json routes = json::array();
  for (std::size_t r = 0; r < t.routes.size(); ++r) {
    json patterns = json::array();
    for (const auto& p : t.patterns) {
      if (p.route != r) continue;
      json stops = json::array();
      for (auto s : p.stops) stops.push_back(t.stops[s].id);
      patterns.push_back({{"direction", p.direction},
                          {"headsign", t.routes[r].headsign[static_cast<std::size_t>(p.direction)]},
                          {"shape_id", p.shape_id},
                          {"length_m", std::round(p.chainage.back() * 10) / 10},
                          {"stops", stops}});
    }
    std::size_t trips = 0;
    for (const auto& tr : t.trips) trips += t.patterns[tr.pattern].route == r;
    routes.push_back({{"route_id", t.routes[r].id},
                      {"line", t.routes[r].short_name},
                      {"mode", t.routes[r].mode_sv},
                      {"trips_in_feed", trips},
                      {"on_board_reports", t.on_board_per_route.count(t.routes[r].id) ? t.on_board_per_route.at(t.routes[r].id) : 0},
                      {"patterns", patterns}});
  }
  json at_stop = json::object();
  for (const auto& [id, n] : t.at_stop_per_station) at_stop[id] = n;
  std::size_t on_board = 0;
  for (const auto& r : t.reports) on_board += r.on_board;
  return {{"files", transit_files()},
          {"model",
           {{"on_board_per_vehicle_hour", kOnBoardRate},
            {"hour_factor", kHourFactor},
            {"weekend_night_factor", kWeekendNightFactor},
            {"at_stop_per_day", kAtStopPerDay},
            {"delay_s",
             {{"mean", kDelayMean},
              {"sd", kDelaySd},
              {"clamp", {kDelayMin, kDelayMax}},
              {"peak_extra", kPeakDelay},
              {"heavy_share", kHeavyShare},
              {"heavy_range", {kHeavyMin, kHeavyMax}}}},
            {"motion", "smoothstep in the scheduled time between stops (slow away from and into stops), delayed by the run's delay"},
            {"reported_time", "the true time cut to the minute"},
            {"report_content",
             "55% direction (headsign 70%, terminus 30%), 15% the stop pair around it (30% one stop wider), 10% the "
             "trip id, 5% the vehicle (block_id), 15% line and time only"}}},
          {"vehicle_hours", std::round(t.vehicle_hours)},
          {"routes", routes},
          {"counts",
           {{"on_board", on_board},
            {"at_stop", t.reports.size() - on_board},
            {"on_board_from_runs_over_3_min_late", t.heavy_delays},
            {"at_stop_per_stop_area", at_stop}}}};
}

}  // namespace tryggve::demo
