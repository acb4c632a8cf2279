#include "tryggve/situation/situation.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "tryggve/core/csv.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/limits.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/snap/place_tagger.hpp"
#include "tryggve/transit/place.hpp"

namespace tryggve::situation {

namespace {

constexpr const char* kLevelSv[] = {"okänd", "mycket låg", "låg", "medel", "hög", "mycket hög"};
constexpr const char* kLevelEn[] = {"unknown", "very low", "low", "moderate", "high", "very high"};

struct PlaceTypeName {
  const char* kind;
  const char* sv;
  const char* en;
};
constexpr PlaceTypeName kPlaceTypes[] = {
    {"park", "Parker", "Parks"},
    {"stop", "Hållplatser", "Public-transport stops"},
    {"on_board", "Ombord i kollektivtrafiken", "On board public transport"},
    {"school", "Skolor", "Schools"},
    {"square", "Torg", "Squares"},
    {"youth_centre", "Fritidsgårdar", "Youth centres"},
    {"shopping_centre", "Köpcentrum", "Shopping centres"},
    {"library", "Bibliotek", "Libraries"},
    {"playground", "Lekplatser", "Playgrounds"},
};

// Short names sort as numbers where they are ("5" before "25").
bool line_less(const std::string& a, const std::string& b) {
  auto digits = [](const std::string& x) {
    return !x.empty() && std::all_of(x.begin(), x.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (digits(a) && digits(b) && a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

std::pair<std::string, std::string> place_type_names(const std::string& kind) {
  for (const auto& p : kPlaceTypes)
    if (kind == p.kind) return {p.sv, p.en};
  return {kind, kind};
}

// R's quantile type 7 of sorted values.
double quantile7(const std::vector<double>& sorted, double prob) {
  const double h = (sorted.size() - 1) * prob;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

double pct(double now, double before) { return before > 0 ? 100.0 * (now - before) / before : NAN; }

std::string num(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : std::string(); }


nlohmann::json jnum(double v) { return std::isfinite(v) ? nlohmann::json(std::round(v * 1e6) / 1e6) : nlohmann::json(); }

}  // namespace

std::string_view level_label_sv(int level) { return kLevelSv[std::clamp(level, 0, 5)]; }
std::string_view level_label_en(int level) { return kLevelEn[std::clamp(level, 0, 5)]; }

std::string_view to_string(Trend t) {
  switch (t) {
    case Trend::TooShort: return "too_short";
    case Trend::NoTrend: return "no_trend";
    case Trend::Increasing: return "increasing";
    case Trend::Decreasing: return "decreasing";
  }
  return "too_short";
}
std::string_view label_sv(Trend t) {
  switch (t) {
    case Trend::TooShort: return "för få månader";
    case Trend::NoTrend: return "ingen trend";
    case Trend::Increasing: return "ökande";
    case Trend::Decreasing: return "minskande";
  }
  return "";
}
std::string_view label_en(Trend t) {
  switch (t) {
    case Trend::TooShort: return "too few months";
    case Trend::NoTrend: return "no trend";
    case Trend::Increasing: return "increasing";
    case Trend::Decreasing: return "decreasing";
  }
  return "";
}

LevelScale parse_level_scale(const std::string& rule, const std::vector<std::string>& thresholds,
                             const std::string& where) {
  LevelScale s;
  if (rule == "own_history") s.rule = LevelScale::Rule::OwnHistory;
  else if (rule == "fixed") s.rule = LevelScale::Rule::Fixed;
  else throw Error(ErrorCode::BadOption, where, fmt::format("level rule '{}' must be own_history or fixed", rule));
  if (!thresholds.empty()) {
    s.thresholds.clear();
    for (const auto& t : thresholds) {
      char* end = nullptr;
      const double v = std::strtod(t.c_str(), &end);
      if (t.empty() || *end != '\0' || !std::isfinite(v))
        throw Error(ErrorCode::BadOption, where, fmt::format("level threshold '{}' is not a number", t));
      s.thresholds.push_back(v);
    }
  }
  if (s.rule == LevelScale::Rule::Fixed && s.thresholds == LevelScale{}.thresholds)
    throw Error(ErrorCode::BadOption, where,
                "the fixed level rule needs its own thresholds (severity points per km per month)");
  return s;
}

namespace {

void check_scale(const LevelScale& s) {
  if (s.thresholds.empty() || s.thresholds.size() > 4)
    throw Error(ErrorCode::BadOption, "situation.level_thresholds", "give 1 to 4 thresholds (for up to 5 levels)");
  for (std::size_t k = 0; k < s.thresholds.size(); ++k) {
    if (k > 0 && !(s.thresholds[k] > s.thresholds[k - 1]))
      throw Error(ErrorCode::BadOption, "situation.level_thresholds", "thresholds must be strictly ascending");
    if (s.rule == LevelScale::Rule::OwnHistory && !(s.thresholds[k] > 0 && s.thresholds[k] < 1))
      throw Error(ErrorCode::BadOption, "situation.level_thresholds",
                  fmt::format("own_history thresholds are quantile probabilities in (0, 1); got {}", s.thresholds[k]));
  }
  if (s.history_months < 1 || s.min_history_months < 1)
    throw Error(ErrorCode::BadOption, "situation.level_history_months", "must be >= 1");
}

}  // namespace

SituationPicture compute_situation(const snap::MapData& map, const SituationOptions& opt) {
  check_scale(opt.levels);
  SituationPicture s;
  s.options = opt;
  const std::size_t P = map.taxonomy.size();
  for (const auto& p : map.taxonomy.parameters()) s.parameters.push_back({p.code, p.name_sv, p.name_en, p.weight});
  s.parameters.push_back({"all", "alla", "all", 1.0});
  const std::size_t NP = P + 1;

  // Month range of the data.
  int first = INT32_MAX, last = INT32_MIN;
  for (const auto& i : map.incidents) {
    if (!i.has_time) {
      ++s.without_time;
      continue;
    }
    const int m = month_index(i.time);
    first = std::min(first, m);
    last = std::max(last, m);
  }
  if (first > last) throw Error(ErrorCode::NoData, map.incidents_file, "no incident has a time: no monthly picture");
  const std::size_t M = static_cast<std::size_t>(last - first + 1);

  // Units.
  s.units.push_back({"district", "all", "Hela området", "Whole district", map.net.total_length() / 1000.0, -1});
  {
    double pop = 0;
    bool known = !map.areas.empty();
    for (const auto& a : map.areas) known = known && a.population >= 0, pop += a.population;
    if (known) s.units[0].population = pop;
  }
  const std::size_t area0 = s.units.size();
  for (std::size_t a = 0; a < map.areas.size(); ++a) {
    const auto& f = map.areas[a];
    SituationUnit u{"area", f.kind.empty() || f.kind == "area" ? std::to_string(a) : f.kind, f.name, f.name, 0,
                    f.population};
    u.area_index = static_cast<std::uint32_t>(a);
    s.units.push_back(u);
  }
  // Place kinds in a fixed order: the known ones first, then others by name.
  std::vector<std::string> kinds;
  {
    std::set<std::string> present;
    for (const auto& p : map.places) present.insert(p.kind.empty() ? "place" : p.kind);
    for (const auto& t : kPlaceTypes)
      if (present.count(t.kind)) kinds.push_back(t.kind), present.erase(t.kind);
    for (const auto& k : present) kinds.push_back(k);
  }
  // Public transport: the lines and stops its reports were placed on.
  bool any_on_board = false, any_at_stop = false;
  std::map<std::string, std::string, bool (*)(const std::string&, const std::string&)> lines(&line_less);  // line -> mode
  std::map<std::string, std::string> transit_stops;  // station id -> name
  for (std::size_t k = 0; k < map.incidents.size(); ++k) {
    const auto* t = map.transit_place(k);
    if (!t) continue;
    if (t->kind == transit::PlaceKind::OnBoard) {
      any_on_board = true;
      lines.emplace(t->line, t->mode);
    } else {
      any_at_stop = true;
      transit_stops.emplace(t->station_id, t->station_name);
    }
  }
  const std::size_t park_u = s.units.size();
  if (!map.parks.empty()) s.units.push_back({"place_type", "park", "Parker", "Parks", 0, -1});
  const std::size_t stop_u = s.units.size();
  const bool have_stops = !map.stops.empty() || any_at_stop;
  if (have_stops) s.units.push_back({"place_type", "stop", "Hållplatser", "Public-transport stops", 0, -1});
  const std::size_t board_u = s.units.size();
  if (any_on_board)
    s.units.push_back({"place_type", "on_board", "Ombord i kollektivtrafiken", "On board public transport", 0, -1});
  const std::size_t kind0 = s.units.size();
  for (const auto& k : kinds) {
    auto [sv, en] = place_type_names(k);
    s.units.push_back({"place_type", k, sv, en, 0, -1});
  }
  std::map<std::string, std::size_t> line_unit, stop_unit;
  for (const auto& [line, mode] : lines) {
    line_unit[line] = s.units.size();
    s.units.push_back({"line", line, transit::describe_stretch(mode, line, "", ""),
                       transit::describe_stretch(mode, line, "", "", "en"), 0, -1});
  }
  for (const auto& [id, name] : transit_stops) {
    stop_unit[id] = s.units.size();
    s.units.push_back({"transit_stop", id, name, name, 0, -1});
  }
  const std::size_t U = s.units.size();
  const bool have_parks = !map.parks.empty();
  const bool have_stop_tags = !map.stops.empty();

  // Which places (by kind) are within the radius of a point.
  const double r2 = opt.place_radius_m * opt.place_radius_m;
  std::vector<std::vector<Point>> place_pos(kinds.size());
  for (const auto& p : map.places) {
    const std::string k = p.kind.empty() ? "place" : p.kind;
    place_pos[std::find(kinds.begin(), kinds.end(), k) - kinds.begin()].push_back(p.pos);
  }
  auto near_kind = [&](Point q, std::size_t k) {
    for (const auto& p : place_pos[k])
      if ((p.x - q.x) * (p.x - q.x) + (p.y - q.y) * (p.y - q.y) <= r2) return true;
    return false;
  };

  // Street length per unit, from the lixel midpoints.
  {
    snap::PlaceTagOptions to;
    to.park_distance_m = opt.park_distance_m;
    to.stop_radius_m = opt.stop_radius_m;
    const snap::PlaceTagger tagger(map.parks, map.stops, map.areas, to);
    std::vector<Point> mids;
    mids.reserve(map.lixels.size());
    for (const auto& l : map.lixels.lixels()) mids.push_back(l.mid);
    const auto tags = tagger.tag_all(mids);
    std::vector<double> len(U, 0.0);
    for (std::size_t l = 0; l < mids.size(); ++l) {
      const double L = map.lixels[l].length();
      if (tags[l].area != snap::kNoPlace) len[area0 + tags[l].area] += L;
      if (have_parks && tags[l].park != snap::kNoPlace) len[park_u] += L;
      if (have_stop_tags && tags[l].stop != snap::kNoPlace) len[stop_u] += L;
      for (std::size_t k = 0; k < kinds.size(); ++k)
        if (near_kind(mids[l], k)) len[kind0 + k] += L;
    }
    for (std::size_t u = 1; u < U; ++u) s.units[u].street_km = len[u] / 1000.0;
  }

  // Counts and scores per (unit, parameter, month over the whole data range);
  // each cell also becomes a row of situation.csv and situation.json (~200 bytes).
  check_month_cube(static_cast<double>(U * NP), first, last, 16 + 200, "situation picture",
                   "the monthly situation picture");
  std::vector<double> count(U * NP * M, 0.0), score(U * NP * M, 0.0), bands(U * kTimeBands * M, 0.0);
  auto idx = [&](std::size_t u, std::size_t p, std::size_t m) { return (u * NP + p) * M + m; };
  std::vector<std::size_t> members;
  for (std::size_t k = 0; k < map.incidents.size(); ++k) {
    const Incident& inc = map.incidents[k];
    if (!inc.has_time || inc.parameter >= P) continue;
    const auto m = static_cast<std::size_t>(month_index(inc.time) - first);
    members.assign(1, 0);
    const auto& t = map.tags[k];
    if (t.area != snap::kNoPlace) members.push_back(area0 + t.area);
    if (have_parks && t.park != snap::kNoPlace) members.push_back(park_u);
    const auto* tp = map.transit_place(k);
    // A report the operator placed at a stop is at that stop, whatever stop is nearest.
    if (have_stops && ((have_stop_tags && t.stop != snap::kNoPlace) || (tp && tp->kind == transit::PlaceKind::Stop)))
      members.push_back(stop_u);
    for (std::size_t q = 0; q < kinds.size(); ++q)
      if (near_kind(inc.pos, q)) members.push_back(kind0 + q);
    const double w = inc.weight, sw = inc.weight * map.taxonomy[inc.parameter].weight;
    if (tp) {
      const std::size_t first_transit = members.size();
      if (tp->kind == transit::PlaceKind::OnBoard) {
        members.push_back(board_u);
        members.push_back(line_unit.at(tp->line));
      } else {
        members.push_back(stop_unit.at(tp->station_id));
      }
      const std::int64_t local = inc.time.utc_seconds + inc.time.utc_offset_s;
      const int hour = static_cast<int>(((local % 86400) + 86400) % 86400 / 3600);
      const std::size_t b = time_band(hour);
      bands[(stop_u * kTimeBands + b) * M + m] += tp->kind == transit::PlaceKind::Stop ? w : 0.0;
      for (std::size_t q = first_transit; q < members.size(); ++q) bands[(members[q] * kTimeBands + b) * M + m] += w;
    }
    for (const auto u : members) {
      count[idx(u, inc.parameter, m)] += w;
      score[idx(u, inc.parameter, m)] += sw;
      count[idx(u, P, m)] += w;
      score[idx(u, P, m)] += sw;
    }
  }

  // The reported months and their cells.
  const std::size_t report = opt.months == 0 ? M : std::min(opt.months, M);
  const std::size_t m0 = M - report;
  for (std::size_t m = m0; m < M; ++m) s.months.push_back(first + static_cast<int>(m));
  s.cells.resize(report * U * NP);
  s.band_counts.assign(report * U * kTimeBands, 0.0);
  for (std::size_t mm = 0; mm < report; ++mm)
    for (std::size_t u = 0; u < U; ++u)
      for (std::size_t b = 0; b < kTimeBands; ++b)
        s.band_counts[(mm * U + u) * kTimeBands + b] = bands[(u * kTimeBands + b) * M + m0 + mm];
  const auto& L = opt.levels;
  std::vector<double> hist, series;
  for (std::size_t mm = 0; mm < report; ++mm) {
    const std::size_t m = m0 + mm;
    for (std::size_t u = 0; u < U; ++u) {
      const auto& unit = s.units[u];
      const double km = unit.street_km;
      auto metric = [&](std::size_t p, std::size_t mo) {
        const double v = score[idx(u, p, mo)];
        return km > 0 ? v / km : v;
      };
      for (std::size_t p = 0; p < NP; ++p) {
        SituationCell& c = s.cells[(mm * U + u) * NP + p];
        c.count = count[idx(u, p, m)];
        c.score = score[idx(u, p, m)];
        if (km > 0) c.rate_per_km = c.count / km;
        if (unit.population > 0) c.rate_per_1000 = 1000.0 * c.count / unit.population;
        if (m >= 1) {
          c.prev_count = count[idx(u, p, m - 1)];
          c.change_prev = c.count - c.prev_count;
          c.change_prev_pct = pct(c.count, c.prev_count);
        }
        if (m >= 12) {
          c.year_ago_count = count[idx(u, p, m - 12)];
          c.change_year = c.count - c.year_ago_count;
          c.change_year_pct = pct(c.count, c.year_ago_count);
        }
        const double v = metric(p, m);
        if (L.rule == LevelScale::Rule::Fixed) {
          c.level = 1;
          for (const double t : L.thresholds) c.level += v > t ? 1 : 0;
        } else {
          hist.clear();
          const std::size_t h0 = m >= static_cast<std::size_t>(L.history_months) ? m - L.history_months : 0;
          for (std::size_t q = h0; q < m; ++q) hist.push_back(metric(p, q));
          if (hist.size() >= static_cast<std::size_t>(L.min_history_months)) {
            std::sort(hist.begin(), hist.end());
            c.level = 1;
            for (const double t : L.thresholds) c.level += v > quantile7(hist, t) ? 1 : 0;
          }
        }
        series.clear();
        const std::size_t t0 = m + 1 >= opt.trend_months ? m + 1 - opt.trend_months : 0;
        for (std::size_t q = t0; q <= m; ++q) series.push_back(count[idx(u, p, q)]);
        if (series.size() >= 4) {
          c.mk = hotspot::mann_kendall(series);
          c.trend = c.mk.p <= opt.trend_alpha ? (c.mk.s > 0 ? Trend::Increasing : Trend::Decreasing) : Trend::NoTrend;
        }
      }
    }
  }
  return s;
}

std::size_t time_band(int hour) {
  for (std::size_t b = 0; b < kTimeBands; ++b)
    if (hour >= kTimeBandDefs[b].from_hour && hour < kTimeBandDefs[b].to_hour) return b;
  return kTimeBands - 1;
}

namespace {

struct Row {
  const SituationPicture& s;
  std::size_t m, u, p;
  const SituationCell& c() const { return s.at(m, u, p); }
};

}  // namespace

std::string situation_csv(const SituationPicture& s) {
  std::string o =
      "month,unit_kind,unit_id,unit_name,parameter,parameter_sv,parameter_en,count,score,street_km,rate_per_km,"
      "population,rate_per_1000,prev_month_count,change_prev,change_prev_pct,year_ago_count,change_year,"
      "change_year_pct,level,level_sv,level_en,trend,trend_sv,trend_en,trend_tau,trend_p\n";
  for (std::size_t m = 0; m < s.months.size(); ++m)
    for (std::size_t u = 0; u < s.units.size(); ++u)
      for (std::size_t p = 0; p < s.parameters.size(); ++p) {
        const auto& c = s.at(m, u, p);
        const auto& un = s.units[u];
        const auto& pa = s.parameters[p];
        const bool mk = c.trend != Trend::TooShort;
        o += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                         month_label(s.months[m]), un.kind, csv_field(un.id), csv_field(un.name), pa.code,
                         csv_field(pa.name_sv), csv_field(pa.name_en), num(c.count), num(c.score), num(un.street_km),
                         num(c.rate_per_km), un.population >= 0 ? num(un.population) : std::string(),
                         num(c.rate_per_1000), num(c.prev_count), num(c.change_prev), num(c.change_prev_pct),
                         num(c.year_ago_count), num(c.change_year), num(c.change_year_pct), c.level,
                         level_label_sv(c.level), level_label_en(c.level), to_string(c.trend), label_sv(c.trend),
                         label_en(c.trend), mk ? num(c.mk.tau) : std::string(), mk ? num(c.mk.p) : std::string());
      }
  return o;
}

nlohmann::json situation_json(const SituationPicture& s) {
  using nlohmann::json;
  json j;
  j["version"] = 1;
  json months = json::array();
  for (int m : s.months) months.push_back(month_label(m));
  j["months"] = months;
  json params = json::array();
  for (const auto& p : s.parameters)
    params.push_back({{"code", p.code}, {"name_sv", p.name_sv}, {"name_en", p.name_en}, {"weight", p.weight}});
  j["parameters"] = params;
  json levels = json::array();
  for (int l = 0; l <= 5; ++l) levels.push_back({{"level", l}, {"sv", level_label_sv(l)}, {"en", level_label_en(l)}});
  j["levels"] = levels;
  json trends = json::array();
  for (Trend t : {Trend::TooShort, Trend::NoTrend, Trend::Increasing, Trend::Decreasing})
    trends.push_back({{"code", to_string(t)}, {"sv", label_sv(t)}, {"en", label_en(t)}});
  j["trends"] = trends;
  const auto& L = s.options.levels;
  j["level_rule"] = {
      {"rule", L.rule == LevelScale::Rule::Fixed ? "fixed" : "own_history"},
      {"thresholds", L.thresholds},
      {"history_months", L.history_months},
      {"metric", "severity score per km of street (score when the unit has no streets)"},
      {"description",
       L.rule == LevelScale::Rule::Fixed
           ? "level = 1 + number of thresholds (severity points per km per month) the month exceeds"
           : "level = 1 + number of the unit's own quantiles (at the threshold probabilities, over the history "
             "months before) the month exceeds; 0 = too little history"}};
  j["trend_rule"] = {{"test", "Mann-Kendall on monthly counts"},
                     {"months", s.options.trend_months},
                     {"alpha", s.options.trend_alpha}};
  j["without_time"] = s.without_time;
  json tb = json::array();
  for (const auto& b : kTimeBandDefs)
    tb.push_back({{"code", b.code}, {"from_hour", b.from_hour}, {"to_hour", b.to_hour}, {"sv", b.sv}, {"en", b.en}});
  j["time_bands"] = tb;
  json units = json::array();
  const std::size_t M = s.months.size();
  for (std::size_t u = 0; u < s.units.size(); ++u) {
    const auto& un = s.units[u];
    json ju = {{"kind", un.kind}, {"id", un.id}, {"name", un.name}, {"name_en", un.name_en},
               {"street_km", jnum(un.street_km)}, {"population", un.population >= 0 ? json(un.population) : json()}};
    json by = json::object();
    for (std::size_t p = 0; p < s.parameters.size(); ++p) {
      json count = json::array(), rate = json::array(), r1000 = json::array(), cp = json::array(),
           cy = json::array(), level = json::array(), trend = json::array(), score = json::array();
      for (std::size_t m = 0; m < M; ++m) {
        const auto& c = s.at(m, u, p);
        count.push_back(jnum(c.count));
        score.push_back(jnum(c.score));
        rate.push_back(jnum(c.rate_per_km));
        r1000.push_back(jnum(c.rate_per_1000));
        cp.push_back(jnum(c.change_prev_pct));
        cy.push_back(jnum(c.change_year_pct));
        level.push_back(c.level);
        trend.push_back(to_string(c.trend));
      }
      by[s.parameters[p].code] = {{"count", count},           {"score", score},
                                  {"rate_per_km", rate},      {"rate_per_1000", r1000},
                                  {"change_prev_pct", cp},    {"change_year_pct", cy},
                                  {"level", level},           {"trend", trend}};
    }
    ju["parameters"] = by;
    if (SituationPicture::is_transit_unit(un)) {
      json jb = json::object();
      for (std::size_t b = 0; b < kTimeBands; ++b) {
        json per = json::array();
        for (std::size_t m = 0; m < M; ++m) per.push_back(jnum(s.band_count(m, u, b)));
        jb[kTimeBandDefs[b].code] = per;
      }
      ju["time_bands"] = jb;
    }
    units.push_back(ju);
  }
  j["units"] = units;
  return j;
}

}  // namespace tryggve::situation
