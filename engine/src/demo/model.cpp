// The incident model's parameters: the 15 parameters' profiles and location
// affinities, the planted hotspots and the historical interventions, and the
// calibration of the background rates to realistic monthly volumes.
//
// The numbers are invented to be plausible for a Swedish suburb of about 20,000
// residents (a few hundred to a couple of thousand reports a month across police,
// schools, housing companies, the transit operator, the parks department and EST
// reporters); the shapes follow the literature summarised in ../shared/EVIDENCE.md
// (concentration on a few percent of segments, evening peaks, more outdoor
// incidents after dark, near repeats over days and a few hundred metres).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include <fmt/format.h>

#include "internal.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/paths.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/demo/generator.hpp"

namespace tryggve::demo {

double PlantedHotspot::multiplier(int month) const {
  if (month < from_month) return 1.0;
  return std::max(floor, a + b * (month - 1));
}

namespace {

// --- profiles -----------------------------------------------------------------

// A 24-hour profile: a floor plus circular Gaussian bumps (centre hour, width, height).
struct Bump { double centre, width, height; };
std::array<double, 24> hours(double floor, std::initializer_list<Bump> bumps) {
  std::array<double, 24> h{};
  for (int i = 0; i < 24; ++i) {
    double v = floor;
    for (const auto& b : bumps) {
      double d = std::abs(i + 0.5 - b.centre);
      d = std::min(d, 24 - d);
      v += b.height * std::exp(-0.5 * d * d / (b.width * b.width));
    }
    h[i] = v;
  }
  return h;
}
std::array<double, 12> season(double amplitude, double peak_month) {
  std::array<double, 12> s{};
  for (int m = 0; m < 12; ++m) s[m] = 1 + amplitude * std::cos(2 * M_PI * (m + 1 - peak_month) / 12.0);
  return s;
}
template <std::size_t N>
void normalise_mean(std::array<double, N>& a) {
  double s = 0;
  for (double v : a) s += v;
  for (double& v : a) v *= static_cast<double>(N) / s;
}

const std::array<double, 7> kNightlife{0.85, 0.85, 0.9, 1.0, 1.3, 1.4, 0.9};
const std::array<double, 7> kFlat{1, 1, 1, 1, 1, 1, 1};
const std::array<double, 7> kSchoolWeek{1.1, 1.1, 1.1, 1.1, 1.0, 0.3, 0.3};

// Actors: polis, skola, bostadsbolag, Västtrafik, parkförvaltningen, EST-rapportör.
using Actors = std::array<double, kActors.size()>;

// The built-in table, one entry per taxonomy code. Used for the model's numbers
// whatever the taxonomy file says; the file decides which codes exist, their
// order, names, setting and darkness sensitivity.
// The taxonomy file (engine/data/taxonomy.yaml) and the list name some
// parameters differently; both spellings get the same model.
std::string model_key(const std::string& code) {
  static const std::pair<const char*, const char*> aliases[] = {
      {"threats_harassment", "threats_extortion"}, {"arson_fire", "arson"},
      {"moped_traffic_disorder", "traffic_disorder"}, {"social_media_rumours", "rumours_conflicts"},
      {"unsafe_place", "unsafe_places"}, {"serious_violence", "weapons"}};
  for (const auto& [a, b] : aliases)
    if (code == a) return b;
  return code;
}

ParameterModel builtin(const std::string& taxonomy_code) {
  ParameterModel p;
  p.code = taxonomy_code;
  const std::string code = model_key(taxonomy_code);
  p.weekday = kNightlife;
  p.season = season(0.15, 7);
  p.actor = Actors{3, 0.5, 1, 0.5, 0.5, 1};
  auto& A = p.affinity;
  if (code == "drug_dealing") {
    p.name_sv = "Narkotikaförsäljning"; p.name_en = "Drug dealing"; p.darkness_sensitive = true;
    p.target_per_month = 110; p.darkness_factor = 1.8; p.branching_ratio = 0.3;
    p.hour = hours(0.12, {{21.5, 2.5, 1.0}, {1.0, 1.5, 0.4}});
    A = {{"square", 4}, {"park_path", 5}, {"tunnel", 6}, {"stop_access", 3}, {"residential", 0.4}, {"arterial", 0.3},
         {"collector", 0.4}, {"near_square", 6}, {"near_stop", 3}, {"near_youth_centre", 4}};
    p.actor = Actors{5, 0.3, 1, 0.5, 0.5, 1.5};
    p.texts = {"Misstänkt narkotikaförsäljning vid {plats}", "Personer som säljer narkotika, {plats}",
               "Lukt av cannabis och langning, {plats}"};
  } else if (code == "school_fights") {
    p.name_sv = "Bråk i skolan"; p.name_en = "Fights at school"; p.setting = "mixed"; p.outdoor_share = 0.4;
    p.school_related = true; p.school_off_factor = 0.08; p.target_per_month = 30; p.branching_ratio = 0.2;
    p.trigger_mean_days = 3; p.trigger_mean_m = 60;
    p.hour = hours(0.02, {{12.0, 2.3, 1.0}, {15.5, 1.0, 0.3}});
    p.weekday = kSchoolWeek; p.season = season(0.15, 10);
    A = {{"near_school", 80}, {"arterial", 0.3}, {"near_youth_centre", 3}};
    p.actor = Actors{0.8, 8, 0.2, 0.1, 0.1, 0.5};
    p.texts = {"Slagsmål på skolgården, {plats}", "Bråk mellan elever vid {plats}", "Elever i konflikt, {plats}"};
  } else if (code == "vandalism") {
    p.name_sv = "Skadegörelse"; p.name_en = "Vandalism"; p.darkness_sensitive = true; p.target_per_month = 210;
    p.darkness_factor = 1.7;
    p.hour = hours(0.15, {{22.0, 2.5, 1.0}, {2.0, 1.5, 0.3}});
    p.season = season(0.1, 9);
    A = {{"stop_access", 6}, {"square", 5}, {"tunnel", 6}, {"service", 2}, {"footway", 1.5}, {"near_school", 4},
         {"near_stop", 3}, {"near_square", 3}, {"near_shopping_centre", 2}};
    p.actor = Actors{1.5, 1, 3, 2, 1.5, 2};
    p.texts = {"Krossad ruta vid {plats}", "Förstörd belysning och sönderslagna bänkar, {plats}",
               "Skadegörelse på busskur, {plats}", "Nedrivna skyltar, {plats}"};
  } else if (code == "graffiti") {
    p.name_sv = "Klotter"; p.name_en = "Graffiti"; p.darkness_sensitive = true; p.target_per_month = 150;
    p.darkness_factor = 2.0; p.branching_ratio = 0.3; p.trigger_mean_days = 4;
    p.hour = hours(0.1, {{23.0, 2.0, 1.0}, {2.5, 1.5, 0.5}});
    p.season = season(0.2, 8);
    A = {{"tunnel", 15}, {"stop_access", 5}, {"square", 4}, {"footway", 1.5}, {"service", 2}, {"near_school", 3},
         {"near_stop", 3}, {"near_square", 2}};
    p.actor = Actors{0.5, 1, 3, 2, 2, 2.5};
    p.texts = {"Klotter på väggen, {plats}", "Nytt klotter i {plats}", "Taggar på elskåp och skyltar, {plats}"};
  } else if (code == "arson") {
    p.name_sv = "Anlagd brand"; p.name_en = "Arson"; p.darkness_sensitive = true; p.target_per_month = 16;
    p.darkness_factor = 1.8; p.branching_ratio = 0.25; p.trigger_mean_days = 4;
    p.hour = hours(0.08, {{23.0, 2.0, 1.0}, {2.0, 1.5, 0.6}});
    p.season = season(0.25, 12);
    A = {{"service", 8}, {"residential", 1.2}, {"near_school", 3}, {"near_shopping_centre", 3}, {"park_path", 1.5}};
    p.actor = Actors{3, 0.5, 2, 0.2, 0.5, 0.8};
    p.texts = {"Bilbrand på parkeringen, {plats}", "Brand i papperskorg, {plats}", "Anlagd brand i container, {plats}"};
  } else if (code == "public_violence") {
    p.name_sv = "Våld i offentlig miljö"; p.name_en = "Public violence"; p.darkness_sensitive = true;
    p.target_per_month = 32; p.darkness_factor = 1.6;
    p.hour = hours(0.1, {{22.5, 2.5, 1.0}, {1.5, 1.2, 0.5}});
    A = {{"square", 8}, {"stop_access", 4}, {"residential", 0.3}, {"near_square", 6}, {"near_shopping_centre", 3},
         {"near_stop", 2}};
    p.actor = Actors{6, 0.3, 0.5, 0.6, 0.2, 0.8};
    p.texts = {"Misshandel utomhus vid {plats}", "Slagsmål mellan flera personer, {plats}", "Person slagen, {plats}"};
  } else if (code == "robbery") {
    p.name_sv = "Rån"; p.name_en = "Robbery"; p.darkness_sensitive = true; p.target_per_month = 20;
    p.darkness_factor = 2.2;
    p.hour = hours(0.1, {{21.0, 2.5, 1.0}});
    A = {{"tunnel", 10}, {"park_path", 4}, {"stop_access", 4}, {"square", 3}, {"residential", 0.4}, {"near_stop", 3},
         {"near_square", 2}};
    p.actor = Actors{8, 0.5, 0.2, 0.5, 0.3, 0.5};
    p.texts = {"Rån av mobiltelefon, {plats}", "Ungdom rånad på jacka och telefon vid {plats}", "Personrån, {plats}"};
  } else if (code == "threats_extortion") {
    p.name_sv = "Hot och utpressning"; p.name_en = "Threats and extortion"; p.setting = "mixed";
    p.outdoor_share = 0.6; p.target_per_month = 26;
    p.hour = hours(0.1, {{16.5, 2.5, 1.0}, {21.0, 2.0, 0.4}});
    A = {{"square", 4}, {"near_school", 4}, {"near_youth_centre", 5}, {"near_square", 3}, {"near_stop", 2}};
    p.actor = Actors{5, 2, 1, 0.3, 0.2, 1};
    p.texts = {"Ungdom hotad och tvingad att lämna ut pengar, {plats}", "Hot mot person vid {plats}",
               "Utpressning bland unga, {plats}"};
  } else if (code == "weapons") {
    p.name_sv = "Vapen och grovt våld"; p.name_en = "Weapons and serious violence"; p.darkness_sensitive = true;
    p.target_per_month = 9;
    p.darkness_factor = 1.6; p.branching_ratio = 0.2;
    p.hour = hours(0.1, {{22.0, 2.5, 1.0}});
    A = {{"square", 6}, {"park_path", 3}, {"near_square", 4}, {"near_youth_centre", 4}};
    p.actor = Actors{8, 0.5, 0.3, 0.2, 0.2, 0.5};
    p.texts = {"Person med kniv, {plats}", "Uppgift om skottlossning, {plats}", "Kniv hittad vid {plats}",
               "Smäll, misstänkt sprängning, {plats}"};
  } else if (code == "hostility_to_society") {
    p.name_sv = "Angrepp mot samhällets företrädare"; p.name_en = "Hostility to society"; p.darkness_sensitive = true;
    p.target_per_month = 10; p.darkness_factor = 1.7; p.branching_ratio = 0.3; p.trigger_mean_days = 3;
    p.hour = hours(0.08, {{21.5, 2.5, 1.0}});
    p.season = season(0.2, 7);
    A = {{"square", 6}, {"arterial", 1.5}, {"near_square", 4}, {"near_youth_centre", 5}, {"residential", 0.5}};
    p.actor = Actors{8, 0.3, 0.5, 1.5, 0.2, 0.5};
    p.texts = {"Stenkastning mot polisbil, {plats}", "Räddningstjänsten hindrad och hotad, {plats}",
               "Busschaufför hotad och buss beskjuten med sten, {plats}"};
  } else if (code == "youth_gatherings") {
    p.name_sv = "Ungdomssamlingar"; p.name_en = "Youth gatherings"; p.darkness_sensitive = true;
    p.target_per_month = 115; p.darkness_factor = 1.5;
    p.hour = hours(0.1, {{20.5, 2.8, 1.0}});
    p.season = season(0.25, 6);
    A = {{"square", 6}, {"park_path", 3}, {"tunnel", 4}, {"stop_access", 4}, {"near_youth_centre", 8},
         {"near_square", 5}, {"near_school", 3}, {"near_stop", 2}};
    p.actor = Actors{1.5, 0.5, 1, 1, 1, 4};
    p.texts = {"Grupp ungdomar samlas och spelar hög musik, {plats}", "Stort ungdomsgäng vid {plats}",
               "Ungdomar samlas sent på kvällen, {plats}"};
  } else if (code == "public_disorder") {
    p.name_sv = "Ordningsstörning"; p.name_en = "Public disorder"; p.darkness_sensitive = true;
    p.target_per_month = 105; p.darkness_factor = 1.4;
    p.hour = hours(0.15, {{21.5, 3.0, 1.0}, {15.0, 2.0, 0.3}});
    A = {{"square", 6}, {"stop_access", 4}, {"service", 1.5}, {"near_square", 5}, {"near_shopping_centre", 5},
         {"near_stop", 2}};
    p.actor = Actors{2, 0.3, 2, 1.5, 0.5, 2};
    p.texts = {"Berusade personer stör, {plats}", "Störande beteende vid {plats}", "Bråk och oväsen, {plats}"};
  } else if (code == "unsafe_places") {
    p.name_sv = "Otrygga platser"; p.name_en = "Unsafe places"; p.darkness_sensitive = true;
    p.target_per_month = 50; p.darkness_factor = 1.6;
    p.hour = hours(0.3, {{19.0, 3.5, 1.0}});
    A = {{"park_path", 6}, {"tunnel", 12}, {"footway", 1.5}, {"arterial", 0.2}, {"near_stop", 2}};
    p.actor = Actors{0.3, 0.5, 2, 0.5, 3, 4};
    p.texts = {"Trasig belysning, otryggt att gå här, {plats}", "Igenvuxna buskar och mörkt, {plats}",
               "Boende känner sig otrygga vid {plats}"};
  } else if (code == "burglary_theft") {
    p.name_sv = "Inbrott och stöld"; p.name_en = "Burglary and theft"; p.setting = "mixed"; p.outdoor_share = 0.35;
    p.target_per_month = 95; p.branching_ratio = 0.3; p.trigger_mean_days = 7; p.trigger_mean_m = 150;
    p.hour = hours(0.3, {{13.0, 3.5, 1.0}, {2.0, 2.0, 0.4}});
    p.weekday = kFlat; p.season = season(0.2, 12);
    A = {{"residential", 2.5}, {"service", 3}, {"near_shopping_centre", 12}, {"footway", 0.7}, {"park_path", 0.3}};
    p.actor = Actors{4, 0.5, 3, 0.3, 0.2, 0.5};
    p.texts = {"Inbrott i källarförråd, {plats}", "Cykelstöld vid {plats}", "Stöld ur bil, {plats}",
               "Snatteri i butik, {plats}"};
  } else if (code == "traffic_disorder") {
    p.name_sv = "Trafikstörningar"; p.name_en = "Traffic disorder"; p.target_per_month = 75;
    p.branching_ratio = 0.2;
    p.hour = hours(0.15, {{20.5, 2.5, 1.0}, {17.0, 1.5, 0.3}});
    p.season = season(0.3, 7);
    A = {{"arterial", 4}, {"collector", 3}, {"service", 3}, {"residential", 1.2}, {"footway", 0.8}, {"park_path", 0.3},
         {"square", 1.5}};
    p.actor = Actors{4, 0.3, 1.5, 1.5, 0.5, 1.5};
    p.texts = {"Mopeder kör på gångvägen, {plats}", "Bilar kör fort och spinner, {plats}",
               "Olovlig körning med EPA-traktor, {plats}"};
  } else if (code == "rumours_conflicts") {
    p.name_sv = "Rykten och konflikter"; p.name_en = "Rumours and conflicts"; p.setting = "mixed";
    p.outdoor_share = 0.3; p.target_per_month = 20; p.branching_ratio = 0.3; p.trigger_mean_days = 6;
    p.hour = hours(0.1, {{15.0, 3.5, 1.0}});
    p.weekday = kSchoolWeek;
    A = {{"near_school", 8}, {"near_youth_centre", 10}, {"near_square", 4}};
    p.actor = Actors{1, 3, 0.5, 0.1, 0.1, 5};
    p.texts = {"Rykten i sociala medier om konflikt mellan grupper, {plats}", "Spänningar mellan ungdomsgrupper, {plats}",
               "Uppgifter om planerat bråk, {plats}"};
  } else {
    // A code the generator does not know (a user's own taxonomy): a plain evening profile.
    p.name_sv = code; p.name_en = code; p.target_per_month = 20;
    p.hour = hours(0.2, {{20.0, 3.0, 1.0}});
    p.texts = {"Händelse, {plats}"};
  }
  if (p.hour[0] == 0 && p.hour[12] == 0) p.hour = hours(0.2, {{20.0, 3.0, 1.0}});
  normalise_mean(p.hour);
  normalise_mean(p.weekday);
  normalise_mean(p.season);
  return p;
}

const char* kBuiltinCodes[] = {"drug_dealing",    "school_fights",     "vandalism",        "graffiti",
                               "arson",           "public_violence",   "robbery",          "threats_extortion",
                               "weapons",         "youth_gatherings",  "public_disorder",  "unsafe_places",
                               "burglary_theft",  "traffic_disorder",  "rumours_conflicts"};

std::string scalar(const YAML::Node& n, std::initializer_list<const char*> keys) {
  for (const char* k : keys)
    if (n[k] && n[k].IsScalar()) return n[k].as<std::string>();
  return {};
}

// Reads the parameter codes (in order) with their names, setting and darkness
// flag from the taxonomy file, leaving the model numbers to the built-in table.
std::vector<ParameterModel> parameters_from(const std::filesystem::path& file) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::BadTaxonomy, file.string(), fmt::format("line {}: {}", e.mark.line + 1, e.msg));
  }
  YAML::Node list = root.IsSequence() ? root : root["parameters"];
  if (!list || !list.IsSequence())
    throw Error(ErrorCode::BadTaxonomy, file.string(), "expected a list of parameters (a top-level 'parameters:' list)");
  std::vector<ParameterModel> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node& n = list[i];
    const std::string code = scalar(n, {"id", "code", "key"});
    if (code.empty())
      throw Error(ErrorCode::BadTaxonomy, fmt::format("{}: parameters[{}]", file.string(), i), "parameter without an id");
    ParameterModel p = builtin(code);
    std::string sv = scalar(n, {"name_sv", "sv", "swedish"});
    std::string en = scalar(n, {"name_en", "en", "english"});
    if (n["name"] && n["name"].IsMap()) {
      if (sv.empty()) sv = scalar(n["name"], {"sv"});
      if (en.empty()) en = scalar(n["name"], {"en"});
    }
    if (!sv.empty()) p.name_sv = sv;
    if (!en.empty()) p.name_en = en;
    const std::string setting = scalar(n, {"setting", "place", "environment"});
    if (setting == "outdoor" || setting == "indoor" || setting == "mixed") p.setting = setting;
    else if (n["outdoor"] && n["outdoor"].IsScalar()) p.setting = n["outdoor"].as<bool>() ? "outdoor" : "indoor";
    if (p.setting == "outdoor") p.outdoor_share = 1.0;
    if (p.setting == "indoor") p.outdoor_share = 0.1;
    for (const char* k : {"darkness_sensitive", "darkness", "dark", "darkness_matters"})
      if (n[k] && n[k].IsScalar()) {
        p.darkness_sensitive = n[k].as<bool>();
        break;
      }
    // Darkness acts on outdoor incidents only (lighting cannot reach indoor ones).
    if (p.setting == "indoor") p.darkness_sensitive = false;
    if (n["school_related"] && n["school_related"].IsScalar()) {
      p.school_related = n["school_related"].as<bool>();
      if (p.school_related && p.school_off_factor >= 1.0) p.school_off_factor = 0.5;
    }
    if (p.darkness_sensitive && p.darkness_factor <= 1.0) p.darkness_factor = 1.5;
    if (!p.darkness_sensitive) p.darkness_factor = 1.0;
    out.push_back(std::move(p));
  }
  if (out.empty()) throw Error(ErrorCode::BadTaxonomy, file.string(), "no parameters");
  return out;
}

}  // namespace

std::vector<ParameterModel> demo_parameters(const DemoOptions& o, std::string* source) {
  std::filesystem::path file = o.taxonomy;
  if (file.empty()) {
    file = data_dir() / "taxonomy.yaml";
    if (!std::filesystem::exists(file)) {
      if (source) *source = "built-in list of 15 parameters";
      std::vector<ParameterModel> out;
      for (const char* c : kBuiltinCodes) out.push_back(builtin(c));
      return out;
    }
  } else if (!std::filesystem::exists(file)) {
    throw Error(ErrorCode::FileNotFound, file.string(), "taxonomy file not found");
  }
  if (source) *source = file.string();
  return parameters_from(file);
}

// --- the spatial model ---------------------------------------------------------

namespace {

double nearest(Point p, const std::vector<Point>& pts) {
  double d = INFINITY;
  for (const auto& q : pts) d = std::min(d, distance(p, q));
  return d;
}

// Segments whose midpoint lies within radius of c, nearest first (at most n).
std::vector<std::uint32_t> segments_near(const District& d, Point c, double radius, std::size_t n,
                                         std::initializer_list<SegmentKind> kinds = {}) {
  std::vector<std::pair<double, std::uint32_t>> v;
  for (const auto& s : d.segments) {
    if (kinds.size() && std::find(kinds.begin(), kinds.end(), s.kind) == kinds.end()) continue;
    double best = INFINITY;
    for (std::size_t i = 1; i < s.geometry.size(); ++i)
      best = std::min(best, distance(c, closest_on_segment(c, s.geometry[i - 1], s.geometry[i])));
    if (best <= radius) v.push_back({best, s.id});
  }
  std::sort(v.begin(), v.end());
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < v.size() && i < n; ++i) out.push_back(v[i].second);
  std::sort(out.begin(), out.end());
  return out;
}

const Way& way_named(const District& d, const std::string& name) {
  for (const auto& w : d.ways)
    if (w.name == name) return w;
  throw Error(ErrorCode::Internal, "demo district", "no way named " + name);
}

}  // namespace

Model build_model(const DemoOptions& o, const District& d) {
  Model m;
  m.parameters = demo_parameters(o, nullptr);
  const std::size_t S = d.segments.size(), P = m.parameters.size();

  // Per-segment effect shared by all parameters: the unobserved "place" heterogeneity
  // (an entrance, a bench, a blind corner). Fixed, not drawn from the incident seed,
  // so every seed samples the same truth.
  {
    Rng r(0x7E57D157ULL, 1);
    m.segment_effect.resize(S);
    for (std::size_t s = 0; s < S; ++s)
      m.segment_effect[s] = std::exp(m.segment_effect_sigma * r.normal() - 0.5 * m.segment_effect_sigma * m.segment_effect_sigma);
  }

  // Feature points.
  std::vector<Point> stops, schools;
  for (const auto& s : d.stops) stops.push_back(s.pos);
  Point square{}, youth{}, shop{};
  for (const auto& p : d.places) {
    if (p.kind == "school") schools.push_back(p.pos);
    if (p.kind == "square") square = p.pos;
    if (p.kind == "youth_centre") youth = p.pos;
    if (p.kind == "shopping_centre") shop = p.pos;
  }

  m.weight.assign(P, std::vector<double>(S, 0.0));
  for (std::size_t p = 0; p < P; ++p) {
    const auto& A = m.parameters[p].affinity;
    auto aff = [&](const std::string& k) {
      auto it = A.find(k);
      return it == A.end() ? 1.0 : it->second;
    };
    auto bump = [&](const char* key, double dist, double scale) {
      const double a = aff(key);
      return 1.0 + (a - 1.0) * std::exp(-dist / scale);
    };
    double total = 0;
    for (std::size_t s = 0; s < S; ++s) {
      const Segment& seg = d.segments[s];
      const Point c = seg.mid;
      double w = (seg.length_m + m.length_floor_m) * aff(to_string(seg.kind)) * m.segment_effect[s];
      w *= bump("near_square", distance(c, square), m.proximity_scale_m);
      w *= bump("near_stop", nearest(c, stops), m.proximity_scale_m * 0.6);
      w *= bump("near_school", nearest(c, schools), m.proximity_scale_m * 1.6);
      w *= bump("near_youth_centre", distance(c, youth), m.proximity_scale_m);
      w *= bump("near_shopping_centre", distance(c, shop), m.proximity_scale_m);
      m.weight[p][s] = w;
      total += w;
    }
    for (double& w : m.weight[p]) w /= total;
  }

  // Planted hotspots (the square and the main stop are persistent hotspots by
  // their affinities alone, and listed as such).
  auto idx = [&](const std::string& code) {
    for (std::size_t i = 0; i < P; ++i)
      if (m.parameters[i].code == code) return static_cast<int>(i);
    return -1;
  };
  auto present = [&](std::vector<std::string> codes) {
    std::vector<std::string> out;
    for (auto& c : codes)
      if (idx(c) >= 0) out.push_back(c);
    return out;
  };
  {
    PlantedHotspot h;
    h.id = "H1";
    h.type = "persistent";
    h.description = "Kvarnbo torg and its main tram/bus stop: high by location affinity alone, all months";
    h.centre = square;
    h.segments = d.square_segments;
    for (const auto& st : d.stops)
      if (st.name == "Kvarnbo torg") h.segments.push_back(st.segment);
    std::sort(h.segments.begin(), h.segments.end());
    h.parameters = present({"drug_dealing", "public_violence", "public_disorder", "youth_gatherings", "vandalism"});
    m.hotspots.push_back(h);
  }
  {
    // New: the north-east tunnel under the ring (and its approaches) from month 12.
    const Way& t = way_named(d, "Björkdalstunneln");
    const Point c = d.nodes[t.nodes[t.nodes.size() / 2]].pos;
    PlantedHotspot h;
    h.id = "H2";
    h.type = "new";
    h.description = "Björkdalstunneln under the ring road: a new hangout from month 12";
    h.centre = c;
    h.segments = segments_near(d, c, 70, 4, {SegmentKind::Tunnel, SegmentKind::Footway, SegmentKind::ParkPath});
    h.parameters = present({"drug_dealing", "youth_gatherings", "robbery", "graffiti", "vandalism", "unsafe_places"});
    h.from_month = 12;
    h.a = 10;
    h.b = 0;
    m.hotspots.push_back(h);
  }
  {
    // Intensifying: the ring-road stop at Hagtorpet (south-west).
    Point c{};
    for (const auto& st : d.stops)
      if (st.name == "Hagtorpet") c = st.pos;
    PlantedHotspot h;
    h.id = "H3";
    h.type = "intensifying";
    h.description = "the Hagtorpet bus stop on the ring road: disorder growing month by month";
    h.centre = c;
    h.segments = segments_near(d, c, 60, 4);
    h.parameters = present({"vandalism", "graffiti", "public_disorder", "youth_gatherings", "drug_dealing"});
    h.a = 1.0;
    h.b = 0.35;
    m.hotspots.push_back(h);
  }
  {
    // Diminishing: the unlit path through Kvarnbodalen.
    const Way& w = way_named(d, "Dalstigen");
    const Point c = d.nodes[w.nodes[w.nodes.size() / 2]].pos;
    PlantedHotspot h;
    h.id = "H4";
    h.type = "diminishing";
    h.description = "Dalstigen, the unlit path through Kvarnbodalen: an old dealing spot fading out";
    h.centre = c;
    h.segments = segments_near(d, c, 90, 4, {SegmentKind::ParkPath});
    h.parameters = present({"drug_dealing", "public_disorder", "robbery", "weapons", "unsafe_places"});
    h.a = 12.0;
    h.b = -0.4;
    h.floor = 1.0;
    m.hotspots.push_back(h);
  }
  {
    // Persistent, planted: the path to the youth centre.
    Point c = youth;
    PlantedHotspot h;
    h.id = "H5";
    h.type = "persistent";
    h.description = "the path between the square and Fritidsgården Navet: a steady meeting point";
    h.centre = c;
    h.segments = segments_near(d, c, 45, 3, {SegmentKind::Footway});
    h.parameters = present({"youth_gatherings", "threats_extortion", "drug_dealing", "rumours_conflicts"});
    h.a = 5.0;
    m.hotspots.push_back(h);
  }

  for (auto& h : m.hotspots)
    for (const auto& c : h.parameters) h.parameter_index.push_back(static_cast<std::uint16_t>(idx(c)));

  // Patrols at the square: segments within patrol_radius_m of the square's centre
  // or the main stop.
  {
    Point main_stop = square;
    for (const auto& st : d.stops)
      if (st.name == "Kvarnbo torg") main_stop = st.pos;
    for (const auto& s : d.segments)
      if (distance(s.mid, square) <= m.patrol_radius_m || distance(s.mid, main_stop) <= m.patrol_radius_m)
        m.patrol_segments.push_back(s.id);
  }
  // Adults outdoors around the youth centre and the square.
  {
    Point youth = square;
    for (const auto& pl : d.places)
      if (pl.kind == "youth_centre") youth = pl.pos;
    for (const auto& s : d.segments)
      if (distance(s.mid, square) <= m.adults_radius_m || distance(s.mid, youth) <= m.adults_radius_m)
        m.adults_segments.push_back(s.id);
    for (const auto& c : m.adults_reacting) {
      for (std::size_t p = 0; p < m.parameters.size(); ++p)
        if (m.parameters[p].code == c) m.adults_reacting_index.push_back(static_cast<std::uint16_t>(p));
    }
  }
  calibrate(m, d, o);
  return m;
}

double Model::adults_ceiling(std::size_t p) const {
  const bool reacts = std::find(adults_reacting_index.begin(), adults_reacting_index.end(), p) != adults_reacting_index.end();
  return adults_relative_risk * (reacts ? 1.0 + std::max(0.0, adults_early_rise) : 1.0) * (1.0 + adults_reporting_uplift);
}

double Model::adults_multiplier(std::size_t p, double weeks) const {
  const bool reacts = std::find(adults_reacting_index.begin(), adults_reacting_index.end(), p) != adults_reacting_index.end();
  const double rise = reacts ? adults_early_rise * std::exp(-std::max(0.0, weeks) / adults_early_decay_weeks) : 0.0;
  return adults_relative_risk * (1.0 + rise) * (1.0 + adults_reporting_uplift);
}

std::string month_start_date(const DemoOptions& o, int month) {
  int y = o.start_year, mo = o.start_month + month - 1;
  while (mo > 12) { mo -= 12; ++y; }
  return fmt::format("{:04}-{:02}-01", y, mo);
}

std::string month_label(const DemoOptions& o, int month) { return month_start_date(o, month).substr(0, 7); }

double segment_multiplier(const Model& m, const District& d, std::size_t p, std::uint32_t s, int month, bool dark,
                          bool patrol, bool adults) {
  double f = 1.0;
  for (const auto& h : m.hotspots) {
    if (h.a == 1.0 && h.b == 0.0) continue;
    if (std::find(h.parameter_index.begin(), h.parameter_index.end(), p) == h.parameter_index.end()) continue;
    if (!std::binary_search(h.segments.begin(), h.segments.end(), s)) continue;
    f *= h.multiplier(month);
  }
  const ParameterModel& pm = m.parameters[p];
  if (dark && pm.darkness_sensitive) {
    const Segment& seg = d.segments[s];
    const bool lit = seg.lit && !(seg.lamp_line && month < m.lamp_line_month);
    f *= pm.darkness_factor * (lit ? 1.0 : 1.0 / m.lighting_relative_risk);
  }
  if (patrol && pm.setting != "indoor" &&
      std::binary_search(m.patrol_segments.begin(), m.patrol_segments.end(), s))
    f *= m.patrol_relative_risk;
  if (adults && pm.setting != "indoor" &&
      std::binary_search(m.adults_segments.begin(), m.adults_segments.end(), s))
    f *= m.adults_ceiling(p);
  return f;
}

bool adults_active(const Model& m, const cal::Hour& h) {
  return h.month >= m.adults_first_month && m.adults_weekdays[h.weekday] && h.hour >= m.adults_first_hour &&
         h.hour <= m.adults_last_hour;
}

double offspring_relative_risk(const Model& m, const District& d, std::size_t p, std::uint32_t s, const cal::Hour& h,
                               int minute) {
  const ParameterModel& pm = m.parameters[p];
  double f = 1.0;
  const Segment& seg = d.segments[s];
  const bool dark = (h.dark_minutes >> minute) & 1ULL;
  if (dark && pm.darkness_sensitive && seg.lamp_line && h.month >= m.lamp_line_month) f *= m.lighting_relative_risk;
  if (pm.setting != "indoor") {
    if (patrol_active(m, h) && std::binary_search(m.patrol_segments.begin(), m.patrol_segments.end(), s))
      f *= m.patrol_relative_risk;
    if (adults_active(m, h) && std::binary_search(m.adults_segments.begin(), m.adults_segments.end(), s))
      f *= m.adults_relative_risk;
  }
  return f;
}

double temporal_factor(const ParameterModel& p, const cal::Hour& h) {
  double f = p.hour[h.hour] * p.weekday[h.weekday] * p.season[h.calendar_month - 1];
  if (p.school_related && !h.school_day) f *= p.school_off_factor;
  return f;
}

bool patrol_active(const Model& m, const cal::Hour& h) {
  return h.month >= m.patrol_first_month && h.month <= m.patrol_last_month && m.patrol_weekdays[h.weekday] &&
         h.hour >= m.patrol_first_hour && h.hour <= m.patrol_last_hour;
}

void calibrate(Model& m, const District& d, const DemoOptions& o) {
  const auto hrs = cal::hours(o.start_year, o.start_month, 12, d.centre_lat, d.centre_lon, m.darkness_threshold_deg);
  for (std::size_t p = 0; p < m.parameters.size(); ++p) {
    ParameterModel& pm = m.parameters[p];
    double expected = 0;  // background events over the year with mu = 1
    int month = 0;
    double S[2][2] = {};
    for (const auto& h : hrs) {
      if (h.month != month) {
        month = h.month;
        for (int dk = 0; dk < 2; ++dk)
          for (int pt = 0; pt < 2; ++pt) {
            double s = 0;
            for (std::uint32_t k = 0; k < d.segments.size(); ++k)
              s += m.weight[p][k] * segment_multiplier(m, d, p, k, month, dk, pt);
            S[dk][pt] = s;
          }
      }
      const double df = h.dark_count / 60.0;
      const bool pt = patrol_active(m, h);
      expected += temporal_factor(pm, h) * ((1 - df) * S[0][pt] + df * S[1][pt]);
    }
    // Offspring: each background event has n/(1-n) descendants in expectation
    // (minus the few that would fall after the horizon, ignored here).
    const double target_background = 12.0 * pm.target_per_month * o.volume_scale * (1.0 - pm.branching_ratio);
    pm.mu_per_hour = target_background / expected;
  }
}

}  // namespace tryggve::demo
