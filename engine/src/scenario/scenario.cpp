#include "tryggve/scenario/scenario.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "tryggve/core/duplicate_keys.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/month.hpp"
#include "tryggve/core/strings.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/core/text.hpp"
#include "tryggve/core/version.hpp"
#include "where.hpp"

namespace fs = std::filesystem;

namespace tryggve::scenario {

std::string ScenarioFile::where_of(const std::string& key) const {
  auto it = keys_at.find(key);
  return it == keys_at.end() ? file.string() : it->second.file_line;
}

namespace {

struct Ctx {
  std::string file;
};

std::string loc(const Ctx& c, const YAML::Node& n) {
  if (!n.IsDefined()) return c.file;  // a key that is not there: an invalid node, whose Mark() throws
  const YAML::Mark m = n.Mark();
  if (m.is_null() || m.line < 0) return "--set";
  return c.file + ":" + std::to_string(m.line + 1);
}

[[noreturn]] void fail(const Ctx& c, const YAML::Node& n, const std::string& path, const std::string& msg) {
  throw Error(ErrorCode::BadScenario, loc(c, n), path + ": " + msg);
}

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

std::string kind_name(const YAML::Node& n) {
  if (!n.IsDefined()) return "nothing";
  switch (n.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Scalar: return "'" + n.Scalar() + "'";
    default: return "an undefined value";
  }
}

void check_keys(const Ctx& c, const YAML::Node& map, const std::string& path, const std::vector<std::string>& allowed) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    // `? [a, b] : c` makes a list a key: it can be no option's name.
    if (!it->first.IsScalar()) fail(c, it->first, path, "a key must be a name, not " + kind_name(it->first));
    const std::string k = it->first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
    const std::string hint = closest_key(k, allowed);
    fail(c, it->first, path.empty() ? k : path + "." + k,
         fmt::format("unknown key{} (expected one of: {})", hint.empty() ? "" : " (did you mean '" + hint + "'?)",
                     join(allowed)));
  }
}

std::string scalar(const Ctx& c, const YAML::Node& n, const std::string& path) {
  if (!n.IsScalar()) fail(c, n, path, "expected a text value, got " + kind_name(n));
  return n.Scalar();
}

double number(const Ctx& c, const YAML::Node& n, const std::string& path, double lo = -1e300, double hi = 1e300) {
  const std::string s = scalar(c, n, path);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v)) fail(c, n, path, "expected a number, got '" + s + "'");
  if (v < lo || v > hi) {
    std::string range = lo > -1e299 && hi < 1e299 ? fmt::format("in [{}, {}]", lo, hi)
                        : lo > -1e299                ? fmt::format(">= {}", lo)
                                                     : fmt::format("<= {}", hi);
    fail(c, n, path, fmt::format("must be {}, got {}", range, s));
  }
  return v;
}

std::int64_t integer(const Ctx& c, const YAML::Node& n, const std::string& path, std::int64_t lo = INT64_MIN,
                     std::int64_t hi = INT64_MAX) {
  const std::string s = scalar(c, n, path);
  std::size_t used = 0;
  std::int64_t v = 0;
  try {
    v = std::stoll(s, &used);
  } catch (...) {
    used = 0;
  }
  if (s.empty() || used != s.size()) fail(c, n, path, "expected a whole number, got '" + s + "'");
  if (v < lo || v > hi) fail(c, n, path, fmt::format("must be in [{}, {}], got {}", lo, hi, v));
  return v;
}

bool boolean(const Ctx& c, const YAML::Node& n, const std::string& path) {
  const std::string s = ascii_lower(scalar(c, n, path));
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  fail(c, n, path, "expected true or false, got '" + s + "'");
}

// A scalar or a list of scalars.
std::vector<std::string> strings(const Ctx& c, const YAML::Node& n, const std::string& path) {
  std::vector<std::string> out;
  if (n.IsSequence()) {
    for (std::size_t i = 0; i < n.size(); ++i) out.push_back(scalar(c, n[i], fmt::format("{}[{}]", path, i)));
  } else {
    out.push_back(scalar(c, n, path));
  }
  if (out.empty()) fail(c, n, path, "expected at least one value");
  return out;
}

// Option sets from a mapping: values go through OptionSet::set (same rules as the CLI).
// Keys in `nested` belong to sub-stages (stages.plan's patrol, lighting, routes) and
// are read by the caller.
void apply_options(const Ctx& c, const YAML::Node& map, const std::string& path, OptionSet& set,
                   std::map<std::string, Where>& keys_at, const std::vector<std::string>& nested = {}) {
  if (!map || map.IsNull()) return;
  if (!map.IsMap()) fail(c, map, path, "expected a mapping of options, got " + kind_name(map));
  std::vector<std::string> keys = nested;
  for (const auto& o : set.options()) keys.push_back(o.key);
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) fail(c, it->first, path, "a key must be a name, not " + kind_name(it->first));
    const std::string k = it->first.Scalar();
    const YAML::Node v = it->second;
    if (std::find(nested.begin(), nested.end(), k) != nested.end()) continue;
    if (!set.find(k)) {
      const std::string hint = closest_key(k, keys);
      fail(c, it->first, path + "." + k,
           fmt::format("unknown option{} (see `tryggve run --help` for the list)",
                       hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
    std::string text;
    if (v.IsSequence()) {
      std::vector<std::string> parts;
      for (std::size_t i = 0; i < v.size(); ++i) parts.push_back(scalar(c, v[i], fmt::format("{}.{}[{}]", path, k, i)));
      text = join(parts, ",");
    } else if (v.IsNull()) {
      text = "";
    } else {
      text = scalar(c, v, path + "." + k);
    }
    const auto* opt = set.find(k);
    if (opt->kind == OptionSet::Kind::Flag) text = boolean(c, v, path + "." + k) ? "true" : "false";
    set.set(k, text, loc(c, v));
    keys_at[path + "." + k] = {loc(c, v), path + "." + k};
  }
}

std::string absolute_against(const fs::path& dir, const std::string& p) {
  if (p.empty()) return p;
  fs::path x(p);
  if (x.is_relative()) x = dir / x;
  return fs::absolute(x).lexically_normal().string();
}

bool looks_like_path(const std::string& s) {
  return s.find('/') != std::string::npos || (s.size() > 4 && s.substr(s.size() - 4) == ".csv");
}

// --- when -----------------------------------------------------------------

int weekday_of(std::string s) {
  s = ascii_lower(s);
  static const std::vector<std::vector<std::string>> names = {
      {"mon", "monday", "mån", "måndag", "man"},  {"tue", "tuesday", "tis", "tisdag"},
      {"wed", "wednesday", "ons", "onsdag"},      {"thu", "thursday", "tor", "torsdag"},
      {"fri", "friday", "fre", "fredag"},         {"sat", "saturday", "lör", "lördag", "lor"},
      {"sun", "sunday", "sön", "söndag", "son"}};
  for (int d = 0; d < 7; ++d)
    for (const auto& n : names[d])
      if (n == s) return d;
  return -1;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char ch) { return std::isdigit(ch); });
}

MonthRange parse_month(const Ctx& c, const YAML::Node& n, const std::string& path) {
  MonthRange r;
  r.at = {loc(c, n), path};
  const std::string s = trim(scalar(c, n, path));
  std::string a = s, b = s;
  if (auto k = s.find(".."); k != std::string::npos) {
    a = trim(s.substr(0, k));
    b = trim(s.substr(k + 2));
  } else if (s.size() != 7) {
    if (auto d = s.find('-'); d != std::string::npos) {
      a = trim(s.substr(0, d));
      b = trim(s.substr(d + 1));
    }
  }
  if (parse_month_label(a) && parse_month_label(b)) {
    r.from_label = a;
    r.to_label = b;
    if (b < a) fail(c, n, path, "the range ends before it starts: '" + s + "'");
  } else if (all_digits(a) && all_digits(b)) {
    r.from_index = std::stoi(a);
    r.to_index = std::stoi(b);
    if (r.to_index < r.from_index) fail(c, n, path, "the range ends before it starts: '" + s + "'");
  } else {
    fail(c, n, path,
         "expected a month YYYY-MM, a range YYYY-MM..YYYY-MM, or forecast month indices (0-based: 3, \"3-5\"), got '" + s +
             "'");
  }
  return r;
}

WhenSpec parse_when(const Ctx& c, const YAML::Node& n, const std::string& path, const std::string& type) {
  WhenSpec w;
  // Evening after office hours for adults; Friday/Saturday-style evenings for patrols.
  if (type == "patrol") { w.from_hour = 18; w.to_hour = 24; }
  else if (type == "adults_outdoors") { w.from_hour = 17; w.to_hour = 22; }
  else if (type == "transit_host") { w.from_hour = 18; w.to_hour = 24; }  // evenings, when reports on board peak
  else { w.from_hour = 0; w.to_hour = 24; }
  if (!n || n.IsNull()) return w;
  w.at = {loc(c, n), path};
  if (!n.IsMap()) fail(c, n, path, "expected a mapping with months, weekdays, hours; got " + kind_name(n));
  check_keys(c, n, path, {"months", "weekdays", "hours"});
  if (const auto m = n["months"]) {
    if (m.IsSequence()) {
      for (std::size_t i = 0; i < m.size(); ++i) w.months.push_back(parse_month(c, m[i], fmt::format("{}.months[{}]", path, i)));
    } else {
      w.months.push_back(parse_month(c, m, path + ".months"));
    }
  }
  if (const auto d = n["weekdays"]) {
    std::vector<std::pair<std::string, YAML::Node>> items;
    if (d.IsSequence()) {
      for (std::size_t i = 0; i < d.size(); ++i) items.push_back({scalar(c, d[i], fmt::format("{}.weekdays[{}]", path, i)), d[i]});
    } else {
      std::stringstream ss(scalar(c, d, path + ".weekdays"));
      std::string part;
      while (std::getline(ss, part, ',')) items.push_back({trim(part), d});
    }
    std::uint8_t mask = 0;
    for (const auto& [text, node] : items) {
      const auto dash = text.find('-');
      const std::string a = dash == std::string::npos ? text : trim(text.substr(0, dash));
      const std::string b = dash == std::string::npos ? text : trim(text.substr(dash + 1));
      const int da = weekday_of(a), db = weekday_of(b);
      if (da < 0 || db < 0)
        fail(c, node, path + ".weekdays",
             "expected weekday names (mon..sun or mån..sön, or a range like mon-fri), got '" + text + "'");
      for (int k = da;; k = (k + 1) % 7) {
        mask |= static_cast<std::uint8_t>(1u << k);
        if (k == db) break;
      }
    }
    if (!mask) fail(c, d, path + ".weekdays", "no weekdays given");
    w.weekdays = mask;
    w.weekdays_given = true;
  }
  if (const auto h = n["hours"]) {
    const std::string s = trim(scalar(c, h, path + ".hours"));
    auto hour = [&](std::string t) -> int {
      t = trim(t);
      if (auto k = t.find(':'); k != std::string::npos) {
        if (t.substr(k + 1) != "00") return -1;
        t = t.substr(0, k);
      }
      if (!all_digits(t) || t.size() > 2) return -1;
      return std::stoi(t);
    };
    const auto dash = s.find('-');
    const int a = dash == std::string::npos ? -1 : hour(s.substr(0, dash));
    const int b = dash == std::string::npos ? -1 : hour(s.substr(dash + 1));
    if (a < 0 || a > 23 || b < 0 || b > 24)
      fail(c, h, path + ".hours", "expected local hours FROM-TO like \"18-24\" or \"22-02\" (whole hours), got '" + s + "'");
    if (a == b) fail(c, h, path + ".hours", "the window '" + s + "' is empty");
    w.from_hour = a;
    w.to_hour = b;
  }
  return w;
}

// --- where ----------------------------------------------------------------

WhereSpec parse_where_item(const Ctx& c, const YAML::Node& n, const std::string& path) {
  static const std::vector<std::string> keys = {"segments", "edges", "area", "park", "stop", "place", "polygon", "route",
                                                "line", "between", "direction", "corridor_m", "radius_m"};
  WhereSpec w;
  if (!n.IsMap()) fail(c, n, path, "expected a mapping with one or more of: " + join(keys) + "; got " + kind_name(n));
  check_keys(c, n, path, keys);
  bool any = false;
  for (const char* k : {"segments", "edges"}) {
    if (const auto e = n[k]) {
      any = true;
      w.at[k] = {loc(c, e), path + "." + k};
      if (e.IsSequence()) {
        if (e.size() == 0) fail(c, e, path + "." + k, "expected at least one edge id");
        for (std::size_t i = 0; i < e.size(); ++i) w.edges.push_back(integer(c, e[i], fmt::format("{}.{}[{}]", path, k, i), 0));
      } else {
        w.edges.push_back(integer(c, e, path + "." + k, 0));
      }
    }
  }
  auto names = [&](const char* k, std::vector<std::string>& into) {
    if (const auto e = n[k]) {
      any = true;
      w.at[k] = {loc(c, e), path + "." + k};
      into = strings(c, e, path + "." + k);
    }
  };
  names("area", w.areas);
  names("park", w.parks);
  names("stop", w.stops);
  names("place", w.places);
  names("polygon", w.polygons);
  // The polygons' text needs no map to be checked: a mistake is found by `tryggve validate`.
  for (std::size_t i = 0; i < w.polygons.size(); ++i)
    detail::parse_wkt_polygon(w.polygons[i], w.at["polygon"].file_line,
                              w.polygons.size() == 1 ? path + ".polygon" : fmt::format("{}.polygon[{}]", path, i));
  if (const auto r = n["route"]) {
    any = true;
    w.at["route"] = {loc(c, r), path + ".route"};
    if (!r.IsSequence() || r.size() < 2)
      fail(c, r, path + ".route", "expected a list of at least two points ([x, y] in the run CRS) or place/stop names");
    std::vector<RouteStop> stops;
    for (std::size_t i = 0; i < r.size(); ++i) {
      const std::string p = fmt::format("{}.route[{}]", path, i);
      RouteStop s;
      if (r[i].IsSequence()) {
        if (r[i].size() != 2) fail(c, r[i], p, "expected a point [x, y]");
        s.is_point = true;
        s.point = {number(c, r[i][0], p + "[0]"), number(c, r[i][1], p + "[1]")};
      } else {
        s.name = scalar(c, r[i], p);
      }
      stops.push_back(s);
    }
    w.routes.push_back(std::move(stops));
  }
  if (const auto l = n["line"]) {
    any = true;
    w.at["line"] = {loc(c, l), path + ".line"};
    LineStretchSpec s;
    s.line = scalar(c, l, path + ".line");
    if (trim(s.line).empty()) fail(c, l, path + ".line", "expected a line (\"5\", \"buss 25\" or a route id)");
    if (const auto b = n["between"]) {
      w.at["between"] = {loc(c, b), path + ".between"};
      if (!b.IsSequence() || b.size() != 2)
        fail(c, b, path + ".between", "expected two stops [FROM, TO] (names or stop ids) on the line");
      s.from_stop = scalar(c, b[0], path + ".between[0]");
      s.to_stop = scalar(c, b[1], path + ".between[1]");
    }
    if (const auto d = n["direction"]) {
      w.at["direction"] = {loc(c, d), path + ".direction"};
      s.direction = scalar(c, d, path + ".direction");
    }
    if (const auto k = n["corridor_m"]) s.corridor_m = number(c, k, path + ".corridor_m", 0.0, 1000.0);
    w.lines.push_back(std::move(s));
  } else {
    for (const char* k : {"between", "direction", "corridor_m"})
      if (n[k]) fail(c, n[k], path + "." + k, "applies to a `line` only");
  }
  if (const auto r = n["radius_m"]) {
    w.radius_m = number(c, r, path + ".radius_m", 0.0, 1e5);
    w.at["radius_m"] = {loc(c, r), path + ".radius_m"};
  }
  if (!any) fail(c, n, path, "expected at least one of: segments, area, park, stop, place, polygon, route, line");
  return w;
}

std::vector<WhereSpec> parse_where(const Ctx& c, const YAML::Node& n, const std::string& path) {
  std::vector<WhereSpec> out;
  if (!n || n.IsNull()) fail(c, n, path, "every intervention needs `where`");
  if (n.IsSequence()) {
    if (n.size() == 0) fail(c, n, path, "expected at least one place");
    for (std::size_t i = 0; i < n.size(); ++i) out.push_back(parse_where_item(c, n[i], fmt::format("{}[{}]", path, i)));
  } else {
    out.push_back(parse_where_item(c, n, path));
  }
  return out;
}

// --- interventions ----------------------------------------------------------

const std::vector<std::string> kTypes = {"lighting", "patrol", "adults_outdoors", "transit_host"};

InterventionSpec parse_intervention(const Ctx& c, const YAML::Node& n, const std::string& path, std::size_t index,
                                    const std::vector<std::string>& extra_keys = {}) {
  InterventionSpec iv;
  iv.at = {loc(c, n), path};
  if (!n.IsMap()) fail(c, n, path, "expected a mapping (type, name, where, when, ...), got " + kind_name(n));
  const auto t = n["type"];
  if (!t) fail(c, n, path + ".type", "missing; expected one of: " + join(kTypes));
  iv.type = scalar(c, t, path + ".type");
  if (std::find(kTypes.begin(), kTypes.end(), iv.type) == kTypes.end()) {
    const std::string hint = closest_key(iv.type, kTypes);
    fail(c, t, path + ".type",
         fmt::format("unknown type '{}'{} (expected one of: {})", iv.type,
                     hint.empty() ? "" : " (did you mean '" + hint + "'?)", join(kTypes)));
  }
  std::vector<std::string> keys = {"type", "name", "where", "when", "cost_sek", "evidence", "parameters",
                                   "reporting_uplift", "spillover", "reaction"};
  if (iv.type == "lighting") keys.push_back("lamps");
  if (iv.type == "patrol") keys.insert(keys.end(), {"visits_per_week", "visit_minutes", "residual_minutes"});
  if (iv.type == "adults_outdoors") keys.push_back("adults");
  if (iv.type == "transit_host") keys.insert(keys.end(), {"hosts", "coverage"});
  keys.insert(keys.end(), extra_keys.begin(), extra_keys.end());
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (!it->first.IsScalar()) fail(c, it->first, path, "a key must be a name, not " + kind_name(it->first));
    const std::string k = it->first.Scalar();
    iv.keys_at[k] = {loc(c, it->second), path + "." + k};
    if (std::find(keys.begin(), keys.end(), k) != keys.end()) continue;
    for (const char* other : {"lamps", "visits_per_week", "visit_minutes", "residual_minutes", "adults", "hosts", "coverage"})
      if (k == other) fail(c, it->first, path + "." + k, fmt::format("does not apply to type {}", iv.type));
  }
  check_keys(c, n, path, keys);
  iv.name = n["name"] ? scalar(c, n["name"], path + ".name") : fmt::format("{} {}", iv.type, index + 1);
  if (iv.name.empty()) fail(c, n["name"], path + ".name", "must not be empty");
  iv.where = parse_where(c, n["where"], path + ".where");
  iv.when = parse_when(c, n["when"], path + ".when", iv.type);
  if (const auto v = n["cost_sek"]) iv.cost_sek = number(c, v, path + ".cost_sek", 0.0);
  if (const auto v = n["evidence"]) iv.evidence = scalar(c, v, path + ".evidence");
  if (const auto v = n["parameters"]) iv.parameters = strings(c, v, path + ".parameters");
  if (const auto v = n["reporting_uplift"]) iv.reporting_uplift = number(c, v, path + ".reporting_uplift", 0.0, 10.0);
  if (const auto v = n["lamps"]) iv.lamps = static_cast<int>(integer(c, v, path + ".lamps", 0, 1000000));
  if (const auto v = n["adults"]) iv.adults = static_cast<int>(integer(c, v, path + ".adults", 0, 1000000));
  if (const auto v = n["hosts"]) iv.hosts = static_cast<int>(integer(c, v, path + ".hosts", 1, 100));
  if (const auto v = n["coverage"]) {
    iv.coverage = number(c, v, path + ".coverage", 0.0, 1.0);
    if (!(iv.coverage > 0)) fail(c, v, path + ".coverage", "must be > 0 (the share of the line's vehicles staffed)");
  }
  if (iv.type == "transit_host")
    for (std::size_t j = 0; j < iv.where.size(); ++j)
      if (iv.where[j].lines.empty())
        fail(c, n["where"], iv.where.size() == 1 ? path + ".where" : fmt::format("{}.where[{}]", path, j),
             "transit hosts ride a line: give `line` (with `between: [STOP, STOP]` for a stretch)");
  if (const auto v = n["visits_per_week"]) iv.visits_per_week = number(c, v, path + ".visits_per_week", 0.0, 10000.0);
  if (const auto v = n["visit_minutes"]) iv.visit_minutes = number(c, v, path + ".visit_minutes", 0.0, 1440.0);
  if (const auto v = n["residual_minutes"]) iv.residual_minutes = number(c, v, path + ".residual_minutes", 0.0, 100000.0);
  if (iv.type == "patrol") {
    if (!(iv.visits_per_week > 0))
      fail(c, n["visits_per_week"] ? n["visits_per_week"] : n, path + ".visits_per_week",
           "a patrol needs visits_per_week > 0 (visits of visit_minutes, default 15)");
    if (!(iv.visit_minutes > 0)) fail(c, n["visit_minutes"], path + ".visit_minutes", "must be > 0");
  }
  if (const auto s = n["spillover"]) {
    const std::string sp = path + ".spillover";
    if (s.IsScalar()) {
      iv.spillover_enabled = boolean(c, s, sp);
    } else if (s.IsMap()) {
      check_keys(c, s, sp, {"enabled", "buffer_m", "diffusion_share", "diffusion_decay_m", "outer_m", "displacement_share"});
      if (s["enabled"]) iv.spillover_enabled = boolean(c, s["enabled"], sp + ".enabled");
      for (const char* k : {"buffer_m", "diffusion_decay_m", "outer_m"})
        if (s[k]) iv.spillover[k] = number(c, s[k], sp + "." + k, 0.0, 1e5);
      for (const char* k : {"diffusion_share", "displacement_share"})
        if (s[k]) iv.spillover[k] = number(c, s[k], sp + "." + k, 0.0, 1.0);  // shares of what the core prevents
      const double buffer = iv.spillover.count("buffer_m") ? iv.spillover["buffer_m"] : 300.0;
      const double outer = iv.spillover.count("outer_m") ? iv.spillover["outer_m"] : 600.0;
      if (outer < buffer)
        fail(c, s, sp, fmt::format("outer_m ({}) must be >= buffer_m ({}): displacement is in the ring beyond the buffer",
                                   outer, buffer));
    } else {
      fail(c, s, sp, "expected true, false or a mapping, got " + kind_name(s));
    }
  }
  if (const auto r = n["reaction"]) {
    const std::string rp = path + ".reaction";
    if (!r.IsMap()) fail(c, r, rp, "expected a mapping with parameters, peak_rise, decay_weeks");
    check_keys(c, r, rp, {"parameters", "peak_rise", "decay_weeks"});
    if (!r["parameters"]) fail(c, r, rp + ".parameters", "missing: which parameters react (codes)");
    iv.reaction_parameters = strings(c, r["parameters"], rp + ".parameters");
    if (r["peak_rise"]) iv.reaction_peak_rise = number(c, r["peak_rise"], rp + ".peak_rise", -1.0, 10.0);
    if (r["decay_weeks"]) iv.reaction_decay_weeks = number(c, r["decay_weeks"], rp + ".decay_weeks", 0.01, 520.0);
  }
  return iv;
}

std::vector<InterventionSpec> parse_interventions(const Ctx& c, const YAML::Node& n, const std::string& path) {
  std::vector<InterventionSpec> out;
  if (!n || n.IsNull()) return out;
  if (!n.IsSequence()) fail(c, n, path, "expected a list of interventions, got " + kind_name(n));
  std::set<std::string> names;
  for (std::size_t i = 0; i < n.size(); ++i) {
    out.push_back(parse_intervention(c, n[i], fmt::format("{}[{}]", path, i), i));
    if (!names.insert(out.back().name).second)
      fail(c, n[i], fmt::format("{}[{}].name", path, i), "another intervention of this scenario is called '" + out.back().name + "'");
  }
  return out;
}

void check_scenario_name(const Ctx& c, const YAML::Node& n, const std::string& path, const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\\') != std::string::npos || name.front() == '.')
    fail(c, n, path, "'" + name + "' cannot be a folder name (no '/', '\\', leading '.')");
  if (name == "baseline") fail(c, n, path, "'baseline' is reserved for the do-nothing run");
}

// --- the plan stage ---------------------------------------------------------

// stages.plan: true / false, or the shared options (the forecast's, evidence) with
// patrol, lighting, routes and transit_hosts each true, false or a mapping of its options.
void parse_plan_stage(const Ctx& c, const YAML::Node& p, ScenarioFile& f) {
  if (p.IsScalar()) {
    f.plan_enabled = boolean(c, p, "stages.plan");
    return;
  }
  f.plan_enabled = true;
  auto& o = f.plan;
  {
    OptionSet set("stages.plan");
    o.declare(set);
    apply_options(c, p, "stages.plan", set, f.keys_at, {"patrol", "lighting", "routes", "transit_hosts"});
  }
  auto sub = [&](const char* name, bool& enabled, auto& options) {
    const YAML::Node n = p.IsMap() ? p[name] : YAML::Node();
    if (!n) return;
    const std::string path = std::string("stages.plan.") + name;
    f.keys_at[path] = {loc(c, n), path};
    if (n.IsScalar()) {
      enabled = boolean(c, n, path);
      return;
    }
    enabled = true;
    OptionSet set(path);
    options.declare(set);
    apply_options(c, n, path, set, f.keys_at);
  };
  sub("patrol", o.patrol_enabled, o.patrol);
  sub("lighting", o.lighting_enabled, o.lighting);
  sub("routes", o.routes_enabled, o.routes);
  sub("transit_hosts", o.transit_hosts_enabled, o.transit_hosts);
  // The windows and start points parse before any data are read, with the file's line.
  try {
    o.check();
  } catch (const Error& e) {
    const std::string key = "stages.plan." + e.where();  // "patrol.windows" -> stages.plan.patrol.windows
    throw Error(ErrorCode::BadScenario, f.where_of(key), key + ": " + e.message());
  }
}

// --- overrides --------------------------------------------------------------

void apply_override(YAML::Node& root, const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error(ErrorCode::Usage, "--set " + text, "expected KEY=VALUE with a dotted key (simulate.replicates=200)");
  std::string key = trim(text.substr(0, eq));
  const std::string value = text.substr(eq + 1);
  for (const char* stage : {"simulate.", "map.", "hotspots.", "plan."})
    if (key.rfind(stage, 0) == 0) key = "stages." + key;
  struct Part {
    std::string name;
    int index = -1;
  };
  std::vector<Part> parts;
  std::stringstream ss(key);
  std::string seg;
  while (std::getline(ss, seg, '.')) {
    Part p;
    if (auto b = seg.find('['); b != std::string::npos) {
      const auto e = seg.find(']', b);
      const std::string idx = e == std::string::npos ? "" : seg.substr(b + 1, e - b - 1);
      if (!all_digits(idx) || e != seg.size() - 1)
        throw Error(ErrorCode::Usage, "--set " + text, "bad index in '" + seg + "' (expected name[N])");
      p.index = std::stoi(idx);
      seg = seg.substr(0, b);
    }
    if (seg.empty()) throw Error(ErrorCode::Usage, "--set " + text, "empty key part in '" + key + "'");
    p.name = seg;
    parts.push_back(p);
  }
  YAML::Node v;
  const std::string tv = trim(value);
  if (!tv.empty() && (tv.front() == '[' || tv.front() == '{')) {
    try {
      v = YAML::Load(tv);
    } catch (const YAML::Exception& e) {
      throw Error(ErrorCode::Usage, "--set " + text, std::string("value is not valid YAML: ") + e.what());
    }
  } else {
    v = YAML::Node(value);
  }
  YAML::Node cur;
  cur.reset(root);
  std::string walked;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const Part& p = parts[i];
    walked += (walked.empty() ? "" : ".") + p.name;
    const bool last = i + 1 == parts.size();
    if (!cur.IsMap() && !cur.IsNull())
      throw Error(ErrorCode::Usage, "--set " + text, "'" + walked + "' is inside a value that is not a mapping");
    if (p.index < 0) {
      if (last) {
        cur[p.name] = v;
        return;
      }
      if (!cur[p.name]) cur[p.name] = YAML::Node(YAML::NodeType::Map);
      YAML::Node next = cur[p.name];
      cur.reset(next);
    } else {
      YAML::Node seq = cur[p.name];
      if (!seq || !seq.IsSequence() || static_cast<std::size_t>(p.index) >= seq.size())
        throw Error(ErrorCode::Usage, "--set " + text,
                    fmt::format("'{}' has {} entries, no [{}]", walked, seq && seq.IsSequence() ? seq.size() : 0, p.index));
      walked += fmt::format("[{}]", p.index);
      if (last) {
        seq[p.index] = v;
        return;
      }
      YAML::Node next = seq[p.index];
      cur.reset(next);
    }
  }
}

std::string iso_utc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

InterventionSpec parse_intervention(const YAML::Node& n, const std::string& file, const std::string& path,
                                    std::size_t index, const std::vector<std::string>& extra_keys) {
  return parse_intervention(Ctx{file}, n, path, index, extra_keys);
}

namespace {

ScenarioFile parse_document(const std::string& text, const fs::path& file, const std::vector<std::string>& overrides) {
  Ctx c{file.string()};
  ScenarioFile f;
  f.file = file;
  f.overrides = overrides;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw Error(ErrorCode::BadScenario, c.file + ":" + std::to_string(e.mark.line + 1), "YAML syntax: " + e.msg);
  }
  if (!root.IsMap()) throw Error(ErrorCode::BadScenario, c.file, "expected a mapping with version, name, inputs, stages, interventions");
  {
    std::string path;
    YAML::Node a, b;
    switch (check_yaml_keys(root, path, a, b)) {
      case YamlKeys::Duplicate:
        fail(c, b, path, fmt::format("is given twice (first at line {}): say it once", a.Mark().line + 1));
      case YamlKeys::TooLarge:
        throw Error(ErrorCode::BadScenario, c.file,
                    "the document holds more than 100,000 values once its aliases (*name) are expanded");
      case YamlKeys::Cycle:
        fail(c, a, path, "is an alias (*name) inside the very node it names: the document never ends");
      case YamlKeys::Ok: break;
    }
  }
  for (const auto& o : overrides) apply_override(root, o);
  f.document = std::make_shared<YAML::Node>(root);
  check_keys(c, root, "",
             {"version", "name", "description", "seed", "inputs", "stages", "interventions", "scenarios", "software",
              "input_files"});
  if (!root["version"]) throw Error(ErrorCode::BadScenario, c.file + ":1", "version: missing (expected `version: 1`)");
  f.version = static_cast<int>(integer(c, root["version"], "version"));
  if (f.version != kScenarioVersion)
    fail(c, root["version"], "version", fmt::format("this tryggve reads scenario version {}, not {}", kScenarioVersion, f.version));
  if (!root["name"]) throw Error(ErrorCode::BadScenario, c.file + ":1", "name: missing (a short name for the run)");
  f.name = scalar(c, root["name"], "name");
  if (root["description"]) f.description = scalar(c, root["description"], "description");
  if (root["seed"]) {
    const std::string s = scalar(c, root["seed"], "seed");
    std::size_t used = 0;
    try {
      f.seed = std::stoull(s, &used, 0);
    } catch (...) {
      used = 0;
    }
    if (s.empty() || used != s.size() || s.front() == '-') fail(c, root["seed"], "seed", "expected a whole number >= 0, got '" + s + "'");
    f.seed_given = true;
  } else {
    f.seed = default_seed();
  }

  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  {
    const auto in = root["inputs"];
    if (!in) throw Error(ErrorCode::BadScenario, c.file + ":1", "inputs: missing (at least `streets:`)");
    OptionSet set("inputs");
    f.inputs.declare(set);
    apply_options(c, in, "inputs", set, f.keys_at);
    set.check_required(c.file);
    auto& m = f.inputs;
    for (std::string* p : {&m.streets, &m.incidents, &m.parks, &m.stops, &m.lamps, &m.areas, &m.places, &m.gtfs,
                           &m.transit_reports, &m.taxonomy})
      *p = absolute_against(dir, *p);
    for (auto& mp : m.mappings)
      if (looks_like_path(mp)) mp = absolute_against(dir, mp);
  }
  if (const auto st = root["stages"]) {
    if (!st.IsMap()) fail(c, st, "stages", "expected a mapping (map, simulate), got " + kind_name(st));
    check_keys(c, st, "stages", {"map", "hotspots", "simulate", "plan"});
    if (const auto m = st["map"]; m && !m.IsNull() && !(m.IsMap() && m.size() == 0))
      fail(c, m, "stages.map", "the map stage's options belong under `inputs` (write `map: {}` or leave it out)");
    if (const auto h = st["hotspots"]) {
      if (h.IsScalar()) {
        f.hotspots_enabled = boolean(c, h, "stages.hotspots");
      } else {
        f.hotspots_enabled = true;
        OptionSet set("stages.hotspots");
        f.hotspots.declare(set);
        apply_options(c, h, "stages.hotspots", set, f.keys_at);
      }
    }
    if (const auto p = st["plan"]) parse_plan_stage(c, p, f);
    if (const auto s = st["simulate"]) {
      if (s.IsScalar()) {
        f.simulate_enabled = boolean(c, s, "stages.simulate");
      } else {
        OptionSet set("stages.simulate");
        f.simulate.declare(set);
        apply_options(c, s, "stages.simulate", set, f.keys_at);
      }
    }
  }
  if (!f.simulate.forecast_start.empty()) {
    if (!parse_month_label(f.simulate.forecast_start))
      throw Error(ErrorCode::BadScenario, f.where_of("stages.simulate.forecast_start"),
                  "stages.simulate.forecast_start: expected YYYY-MM, got '" + f.simulate.forecast_start + "'");
  }
  for (const auto& r : f.simulate.reporting_rates) {
    const auto eq = r.find('=');
    char* end = nullptr;
    const double v = eq == std::string::npos ? 0.0 : std::strtod(r.c_str() + eq + 1, &end);
    if (eq == std::string::npos || eq == 0 || !end || *end || !(v > 0 && v <= 1))
      throw Error(ErrorCode::BadScenario, f.where_of("stages.simulate.reporting_rates"),
                  "stages.simulate.reporting_rates: expected code=rate with rate in (0, 1], got '" + r + "'");
  }
  if (!f.simulate.latitude_deg.empty() && f.simulate.latitude_deg != "auto") {
    char* end = nullptr;
    const double v = std::strtod(f.simulate.latitude_deg.c_str(), &end);
    if (*end || !(v >= -90 && v <= 90))
      throw Error(ErrorCode::BadScenario, f.where_of("stages.simulate.latitude_deg"),
                  "stages.simulate.latitude_deg: expected auto or degrees in [-90, 90]");
  }
  if (!f.simulate.longitude_deg.empty() && f.simulate.longitude_deg != "auto") {
    char* end = nullptr;
    const double v = std::strtod(f.simulate.longitude_deg.c_str(), &end);
    if (*end || !(v >= -180 && v <= 180))
      throw Error(ErrorCode::BadScenario, f.where_of("stages.simulate.longitude_deg"),
                  "stages.simulate.longitude_deg: expected auto or degrees in [-180, 180]");
  }
  f.simulate.evidence = absolute_against(dir, f.simulate.evidence);
  f.plan.evidence = absolute_against(dir, f.plan.evidence);

  std::set<std::string> names;
  if (const auto iv = root["interventions"]) {
    ScenarioSpec s;
    s.name = f.name;
    s.description = f.description;
    s.at = {loc(c, iv), "interventions"};
    check_scenario_name(c, root["name"], "name", f.name);
    s.interventions = parse_interventions(c, iv, "interventions");
    names.insert(s.name);
    f.scenarios.push_back(std::move(s));
  }
  if (const auto ss = root["scenarios"]) {
    if (!ss.IsSequence()) fail(c, ss, "scenarios", "expected a list of {name, description, interventions}, got " + kind_name(ss));
    for (std::size_t i = 0; i < ss.size(); ++i) {
      const std::string p = fmt::format("scenarios[{}]", i);
      const auto n = ss[i];
      if (!n.IsMap()) fail(c, n, p, "expected a mapping with name, description, interventions");
      check_keys(c, n, p, {"name", "description", "interventions"});
      ScenarioSpec s;
      s.at = {loc(c, n), p};
      if (!n["name"]) fail(c, n, p + ".name", "missing");
      s.name = scalar(c, n["name"], p + ".name");
      check_scenario_name(c, n["name"], p + ".name", s.name);
      if (!names.insert(s.name).second) fail(c, n["name"], p + ".name", "another scenario is called '" + s.name + "'");
      if (n["description"]) s.description = scalar(c, n["description"], p + ".description");
      if (!n["interventions"]) fail(c, n, p + ".interventions", "missing: a list of interventions");
      s.interventions = parse_interventions(c, n["interventions"], p + ".interventions");
      f.scenarios.push_back(std::move(s));
    }
  }
  if (f.scenarios.size() > 63)
    throw Error(ErrorCode::BadScenario, c.file, fmt::format("at most 63 scenarios per file, not {}", f.scenarios.size()));
  return f;
}

}  // namespace

ScenarioFile parse(const std::string& text, const fs::path& file, const std::vector<std::string>& overrides) {
  // UTF-8 in, UTF-8 out: a byte that is not (from --set on a terminal in another
  // encoding, or text not read through load()) would come back changed from
  // resolved.yaml, so the file could not reproduce its own run (found by the fuzzer).
  std::vector<std::string> sets;
  for (const auto& o : overrides) sets.push_back(is_valid_utf8(o) ? o : sanitize_utf8(o));
  try {
    return parse_document(is_valid_utf8(text) ? text : sanitize_utf8(text), file, sets);
  } catch (const YAML::Exception& e) {
    // Every shape the checks above expect is tested before it is used; this is
    // the net under them, so that no document can end in "internal error".
    const std::string where = e.mark.is_null() ? file.string() : fmt::format("{}:{}", file.string(), e.mark.line + 1);
    throw Error(ErrorCode::BadScenario, where, "not a scenario this version understands (YAML: " + e.msg + ")");
  }
}

ScenarioFile load(const fs::path& file, const std::vector<std::string>& overrides) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    if (!fs::exists(file)) throw Error(ErrorCode::FileNotFound, file.string(), "scenario file not found");
    throw Error(ErrorCode::FileUnreadable, file.string(), "cannot read the scenario file");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(decode_text_logged(ss.str(), file.string()), file, overrides);
}

std::vector<InputFileInfo> input_files(const ScenarioFile& f) {
  std::vector<InputFileInfo> out;
  auto add = [&](const std::string& key, const std::string& p) {
    if (p.empty()) return;
    InputFileInfo i;
    i.key = key;
    i.path = p;
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) {
      i.size = static_cast<std::uintmax_t>(st.st_size);
      i.mtime_utc = iso_utc(st.st_mtime);
    }
    out.push_back(i);
  };
  const auto& m = f.inputs;
  add("streets", m.streets);
  add("incidents", m.incidents);
  add("parks", m.parks);
  add("stops", m.stops);
  add("lamps", m.lamps);
  add("areas", m.areas);
  add("places", m.places);
  add("gtfs", m.gtfs);  // a folder's stat size is the folder's, not the feed's: the path is what it records
  add("transit_reports", m.transit_reports);
  add("taxonomy", m.taxonomy);
  for (std::size_t i = 0; i < m.mappings.size(); ++i)
    if (looks_like_path(m.mappings[i])) add(fmt::format("mappings[{}]", i), m.mappings[i]);
  add("evidence", f.simulate.evidence);
  if (f.plan.evidence != f.simulate.evidence) add("plan.evidence", f.plan.evidence);
  return out;
}

namespace {

// The options as map entries (the caller opens and closes the map).
void emit_option_entries(YAML::Emitter& e, OptionSet& set) {
  for (const auto& o : set.options()) {
    const std::string v = o.get();
    e << YAML::Key << o.key << YAML::Value;
    if (o.kind == OptionSet::Kind::List) {
      e << YAML::Flow << YAML::BeginSeq;
      std::stringstream ss(v);
      std::string part;
      while (std::getline(ss, part, ','))
        if (!part.empty()) e << part;
      e << YAML::EndSeq;
    } else {
      e << YAML::DoubleQuoted << v;
    }
  }
}

void emit_options(YAML::Emitter& e, OptionSet& set) {
  e << YAML::BeginMap;
  emit_option_entries(e, set);
  e << YAML::EndMap;
}

std::string weekday_list(std::uint8_t mask) {
  static const char* names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  std::string s;
  for (int d = 0; d < 7; ++d)
    if ((mask >> d) & 1u) s += std::string(s.empty() ? "" : ",") + names[d];
  return s;
}

std::string num(double v) { return fmt::format("{}", v); }

void emit_intervention(YAML::Emitter& e, const InterventionSpec& iv) {
  e << YAML::BeginMap;
  e << YAML::Key << "type" << YAML::Value << iv.type;
  e << YAML::Key << "name" << YAML::Value << YAML::DoubleQuoted << iv.name;
  e << YAML::Key << "where" << YAML::Value << YAML::BeginSeq;
  for (const auto& w : iv.where) {
    e << YAML::BeginMap;
    if (!w.edges.empty()) {
      e << YAML::Key << "segments" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (auto x : w.edges) e << x;
      e << YAML::EndSeq;
    }
    auto names = [&](const char* k, const std::vector<std::string>& v) {
      if (v.empty()) return;
      e << YAML::Key << k << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (const auto& x : v) e << YAML::DoubleQuoted << x;
      e << YAML::EndSeq;
    };
    names("area", w.areas);
    names("park", w.parks);
    names("stop", w.stops);
    names("place", w.places);
    names("polygon", w.polygons);
    for (const auto& r : w.routes) {
      e << YAML::Key << "route" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (const auto& s : r) {
        if (s.is_point) e << YAML::Flow << YAML::BeginSeq << num(s.point.x) << num(s.point.y) << YAML::EndSeq;
        else e << YAML::DoubleQuoted << s.name;
      }
      e << YAML::EndSeq;
    }
    for (const auto& l : w.lines) {  // one per item (the grammar's mapping has one `line`)
      e << YAML::Key << "line" << YAML::Value << YAML::DoubleQuoted << l.line;
      if (!l.from_stop.empty())
        e << YAML::Key << "between" << YAML::Value << YAML::Flow << YAML::BeginSeq << YAML::DoubleQuoted << l.from_stop
          << YAML::DoubleQuoted << l.to_stop << YAML::EndSeq;
      if (!l.direction.empty()) e << YAML::Key << "direction" << YAML::Value << YAML::DoubleQuoted << l.direction;
      if (l.corridor_m) e << YAML::Key << "corridor_m" << YAML::Value << num(*l.corridor_m);
    }
    if (w.radius_m) e << YAML::Key << "radius_m" << YAML::Value << num(*w.radius_m);
    e << YAML::EndMap;
  }
  e << YAML::EndSeq;
  e << YAML::Key << "when" << YAML::Value << YAML::BeginMap;
  if (!iv.when.months.empty()) {
    e << YAML::Key << "months" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& m : iv.when.months) {
      if (!m.from_label.empty()) e << YAML::DoubleQuoted << (m.from_label + ".." + m.to_label);
      else e << YAML::DoubleQuoted << fmt::format("{}..{}", m.from_index, m.to_index);
    }
    e << YAML::EndSeq;
  }
  e << YAML::Key << "weekdays" << YAML::Value << YAML::DoubleQuoted << weekday_list(iv.when.weekdays);
  e << YAML::Key << "hours" << YAML::Value << YAML::DoubleQuoted
    << fmt::format("{:02d}-{:02d}", iv.when.from_hour, iv.when.to_hour);
  e << YAML::EndMap;
  if (iv.type == "lighting") e << YAML::Key << "lamps" << YAML::Value << iv.lamps;
  if (iv.type == "patrol") {
    e << YAML::Key << "visits_per_week" << YAML::Value << num(iv.visits_per_week);
    e << YAML::Key << "visit_minutes" << YAML::Value << num(iv.visit_minutes);
    e << YAML::Key << "residual_minutes" << YAML::Value << num(iv.residual_minutes);
  }
  if (iv.type == "adults_outdoors") e << YAML::Key << "adults" << YAML::Value << iv.adults;
  if (iv.type == "transit_host") {
    e << YAML::Key << "hosts" << YAML::Value << iv.hosts;
    e << YAML::Key << "coverage" << YAML::Value << num(iv.coverage);
  }
  e << YAML::Key << "cost_sek" << YAML::Value << num(iv.cost_sek);
  if (!iv.evidence.empty()) e << YAML::Key << "evidence" << YAML::Value << iv.evidence;
  if (!iv.parameters.empty()) {
    e << YAML::Key << "parameters" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& p : iv.parameters) e << p;
    e << YAML::EndSeq;
  }
  if (iv.reporting_uplift) e << YAML::Key << "reporting_uplift" << YAML::Value << num(*iv.reporting_uplift);
  e << YAML::Key << "spillover" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "enabled" << YAML::Value << (iv.spillover_enabled ? "true" : "false");
  for (const auto& [k, v] : iv.spillover) e << YAML::Key << k << YAML::Value << num(v);
  e << YAML::EndMap;
  if (!iv.reaction_parameters.empty()) {
    e << YAML::Key << "reaction" << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "parameters" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& p : iv.reaction_parameters) e << p;
    e << YAML::EndSeq;
    e << YAML::Key << "peak_rise" << YAML::Value << num(iv.reaction_peak_rise);
    e << YAML::Key << "decay_weeks" << YAML::Value << num(iv.reaction_decay_weeks);
    e << YAML::EndMap;
  }
  e << YAML::EndMap;
}

}  // namespace

std::string resolved_yaml(const ScenarioFile& f, const std::string& forecast_start_resolved) {
  ScenarioFile copy = f;  // OptionSet binds by reference; work on a copy so `f` stays const
  if (!forecast_start_resolved.empty()) copy.simulate.forecast_start = forecast_start_resolved;
  YAML::Emitter e;
  e << YAML::Comment(fmt::format("Resolved by tryggve {} from {}{}", kVersion, f.file.string(),
                                 f.overrides.empty() ? "" : " with --set " + join(f.overrides, " --set ")));
  e << YAML::BeginMap;
  e << YAML::Key << "version" << YAML::Value << copy.version;
  e << YAML::Key << "name" << YAML::Value << YAML::DoubleQuoted << copy.name;
  e << YAML::Key << "description" << YAML::Value << YAML::DoubleQuoted << copy.description;
  e << YAML::Key << "seed" << YAML::Value << copy.seed;
  e << YAML::Key << "software" << YAML::Value << YAML::BeginMap << YAML::Key << "tryggve" << YAML::Value << kVersion
    << YAML::Key << "scenario_version" << YAML::Value << kScenarioVersion << YAML::EndMap;
  e << YAML::Key << "input_files" << YAML::Value << YAML::BeginMap;
  for (const auto& i : input_files(copy)) {
    e << YAML::Key << i.key << YAML::Value << YAML::BeginMap << YAML::Key << "path" << YAML::Value << i.path
      << YAML::Key << "size_bytes" << YAML::Value << i.size << YAML::Key << "mtime_utc" << YAML::Value << i.mtime_utc
      << YAML::EndMap;
  }
  e << YAML::EndMap;
  {
    OptionSet set("inputs");
    copy.inputs.declare(set);
    e << YAML::Key << "inputs" << YAML::Value;
    emit_options(e, set);
  }
  e << YAML::Key << "stages" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "map" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::EndMap;
  if (copy.hotspots_enabled) {
    OptionSet set("stages.hotspots");
    copy.hotspots.declare(set);
    e << YAML::Key << "hotspots" << YAML::Value;
    emit_options(e, set);
  }
  if (copy.simulate_enabled) {
    OptionSet set("stages.simulate");
    copy.simulate.declare(set);
    e << YAML::Key << "simulate" << YAML::Value;
    emit_options(e, set);
  } else {
    e << YAML::Key << "simulate" << YAML::Value << "false";
  }
  if (copy.plan_enabled) {
    auto& pl = copy.plan;
    e << YAML::Key << "plan" << YAML::Value << YAML::BeginMap;
    OptionSet shared("stages.plan");
    pl.declare(shared);
    emit_option_entries(e, shared);
    auto sub = [&](const char* name, bool enabled, auto& options) {
      e << YAML::Key << name << YAML::Value;
      if (!enabled) {
        e << "false";
        return;
      }
      OptionSet set(std::string("stages.plan.") + name);
      options.declare(set);
      emit_options(e, set);
    };
    sub("patrol", pl.patrol_enabled, pl.patrol);
    sub("lighting", pl.lighting_enabled, pl.lighting);
    sub("routes", pl.routes_enabled, pl.routes);
    sub("transit_hosts", pl.transit_hosts_enabled, pl.transit_hosts);
    e << YAML::EndMap;
  }
  e << YAML::EndMap;
  e << YAML::Key << "scenarios" << YAML::Value << YAML::BeginSeq;
  for (const auto& s : copy.scenarios) {
    e << YAML::BeginMap;
    e << YAML::Key << "name" << YAML::Value << YAML::DoubleQuoted << s.name;
    e << YAML::Key << "description" << YAML::Value << YAML::DoubleQuoted << s.description;
    e << YAML::Key << "interventions" << YAML::Value << YAML::BeginSeq;
    for (const auto& iv : s.interventions) emit_intervention(e, iv);
    e << YAML::EndSeq << YAML::EndMap;
  }
  e << YAML::EndSeq;
  e << YAML::EndMap;
  if (!e.good()) throw Error(ErrorCode::Internal, "resolved.yaml", std::string("YAML emitter: ") + e.GetLastError());
  return std::string(e.c_str()) + "\n";
}

}  // namespace tryggve::scenario
