// The demo's reports as each actor would send them, month by month, in the
// formats those actors use (issue 11), and the historical interventions as the
// deployments a steering group would have recorded. Eight actors send one file a
// month each; the model's six (kActors) decide who saw an incident, and two of them
// share their reports with a second sender (drawn from a stream of their own, so
// the other files keep their rows):
//
// (each name carries the month: polisen_2025-03.csv)
//   polis             polisen.csv            semicolon, Swedish headers, local time without offset,
//                                            decimal-comma WGS84 (what a police export looks like)
//   skola             skolan.xlsx            an Excel sheet: Datum, Klockslag, Kategori, Adress
//                                            (the nearest street address, no coordinates), Kommentar
//   bostadsbolag      bostadsbolaget.csv     Windows-1252, semicolon: by street address only
//                     fastighetsagaren.ods   two in five of them from a private property owner: a
//                                            LibreOffice sheet, Datum, Klockslag, Fastighet (the
//                                            property), Adress, Händelsetyp, Kommentar
//   Västtrafik        vasttrafik.csv         by stop: Hållplats-id, Hållplats, Linje, UTC time; and
//                                            on board (the transit stream's on-board reports,
//                                            transit.hpp): Linje, Riktning, Tur, Fordon, Från/Till
//                                            hållplats as the report gave them, no stop
//   parkförvaltningen parkforvaltningen.geojson  points from the parks department's field app
//   EST-rapportör     felanmalan.csv         the city's error-reporting (felanmälan) export:
//                                            Ärendenummer, Skapad, Ärendetyp, coordinates
//                     stadsdelen.gpkg        two in five of them seen by the city district's field
//                                            staff instead: GeoPackage points in SWEREF 99 TM,
//                                            Tidpunkt (local, no offset), Kategori, Beskrivning
//
// Planted on top, recorded in the truth so a test can check intake: the same
// event reported by the police and by the school (a share of police incidents
// gets a school row a few minutes later at the nearest address), rows with no
// time in the police file and unknown addresses in the housing company's and the
// property owner's files.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>

#include <fmt/format.h>

#include "internal.hpp"
#include "tryggve/core/csv.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/io/crs.hpp"
#include "tryggve/io/vector_writer.hpp"

namespace tryggve::demo {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

// Addresses along the streets a car can use; paths and squares have none.
bool has_addresses(const Way& w) {
  static const char* kinds[] = {"residential", "tertiary", "secondary", "primary", "living_street"};
  if (w.name.empty() || w.tunnel) return false;
  return std::any_of(std::begin(kinds), std::end(kinds), [&](const char* k) { return w.highway == k; });
}

void write_text(const fs::path& p, const std::string& content) {
  std::ofstream f(p, std::ios::binary);
  f << content;
  f.close();
  if (!f) throw Error(ErrorCode::OutputFailed, p.string(), "cannot write file");
}

// UTF-8 to Windows-1252 for the text the demo writes (Swedish letters, all in
// Latin-1's upper half); anything else becomes '?', as Excel's "CSV (semikolonavgränsad)" does.
std::string to_cp1252(const std::string& s) {
  std::string o;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      o += static_cast<char>(c);
    } else if ((c & 0xE0) == 0xC0 && i + 1 < s.size()) {
      const unsigned cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[++i]) & 0x3Fu);
      o += cp >= 0xA0 && cp <= 0xFF ? static_cast<char>(cp) : '?';
    } else {
      while (i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) ++i;
      o += '?';
    }
  }
  return o;
}

// Local "YYYY-MM-DD", "HH:MM" of a UTC instant in Stockholm.
struct Local {
  std::string date, hm;
};
Local local_of(std::int64_t utc) {
  const std::int64_t t = utc + cal::stockholm_offset(utc);
  std::int64_t days = t / 86400, sec = t % 86400;
  if (sec < 0) sec += 86400, --days;
  int y, m, d;
  cal::civil_from_days(days, y, m, d);
  return {fmt::format("{:04}-{:02}-{:02}", y, m, d), fmt::format("{:02}:{:02}", sec / 3600, (sec % 3600) / 60)};
}

std::string utc_iso(std::int64_t utc) {
  std::int64_t days = utc / 86400, sec = utc % 86400;
  int y, m, d;
  cal::civil_from_days(days, y, m, d);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y, m, d, sec / 3600, (sec % 3600) / 60, sec % 60);
}

std::string comma_decimal(double v) {
  std::string s = fmt::format("{:.6f}", v);
  std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

std::size_t nearest(const std::vector<Point>& pts, Point p) {
  std::size_t best = 0;
  double bd = std::numeric_limits<double>::max();
  for (std::size_t i = 0; i < pts.size(); ++i) {
    const double d = (pts[i].x - p.x) * (pts[i].x - p.x) + (pts[i].y - p.y) * (pts[i].y - p.y);
    if (d < bd) bd = d, best = i;
  }
  return best;
}

// The stop area, its id and the lines that serve it, per district stop.
struct StopInfo {
  std::string id, name, lines;
};
std::vector<StopInfo> stop_infos(const District& d, const DemoTransit& t) {
  std::vector<StopInfo> out(d.stops.size());
  for (std::size_t i = 0; i < d.stops.size(); ++i) out[i].name = d.stops[i].name;
  for (const auto& s : t.stops)
    if (s.station && s.district_stop >= 0) out[static_cast<std::size_t>(s.district_stop)].id = s.id;
  std::vector<std::vector<std::string>> lines(d.stops.size());
  for (const auto& pat : t.patterns)
    for (auto k : pat.stops) {
      const TransitStop& pl = t.stops[k];
      for (std::size_t i = 0; i < out.size(); ++i)
        if (!out[i].id.empty() && pl.parent == out[i].id) {
          const std::string& line = t.routes[pat.route].short_name;
          if (std::find(lines[i].begin(), lines[i].end(), line) == lines[i].end()) lines[i].push_back(line);
        }
    }
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::sort(lines[i].begin(), lines[i].end());
    for (const auto& l : lines[i]) out[i].lines += (out[i].lines.empty() ? "" : " ") + l;
  }
  return out;
}

struct MonthFiles {
  std::string police, housing, transit, citizens;
  std::size_t police_rows = 0, housing_rows = 0, transit_rows = 0, citizens_rows = 0;
  std::map<std::string, std::size_t> on_board;  // line -> on-board rows in the Västtrafik file
  std::vector<std::vector<io::FieldValue>> school, parks, owner, district;  // rows
  std::vector<Point> parks_lonlat, district_xy;
  std::size_t incidents = 0;
  // Source rows: the police's, the housing company's and the property owner's.
  std::vector<std::int64_t> missing_time, unknown_address, owner_unknown_address;
  json duplicates = json::array();
};

}  // namespace

std::vector<DemoAddress> demo_addresses(const District& d) {
  std::vector<DemoAddress> out;
  std::map<std::string, std::pair<int, int>> next;  // street -> next odd (left), next even (right)
  constexpr double kSpacing = 45, kFirst = 20, kSetback = 12;
  for (const auto& w : d.ways) {
    if (!has_addresses(w)) continue;
    auto& [odd, even] = next.try_emplace(w.name, 1, 2).first->second;
    double at = kFirst, walked = 0;
    bool left = true;
    for (std::size_t k = 0; k + 1 < w.nodes.size(); ++k) {
      const Point a = d.nodes[w.nodes[k]].pos, b = d.nodes[w.nodes[k + 1]].pos;
      const double len = std::hypot(b.x - a.x, b.y - a.y);
      if (len <= 0) continue;
      const double ux = (b.x - a.x) / len, uy = (b.y - a.y) / len;
      for (; at <= walked + len; at += kSpacing, left = !left) {
        const double s = at - walked, side = left ? 1.0 : -1.0;
        const Point p{a.x + ux * s - uy * kSetback * side, a.y + uy * s + ux * kSetback * side};
        const int n = left ? odd : even;
        (left ? odd : even) += 2;
        out.push_back({w.name, std::to_string(n), p});
      }
      walked += len;
    }
  }
  return out;
}

json write_actor_files(const fs::path& dir, const DemoData& data, const DemoTransit& transit) {
  const auto& o = data.options;
  const auto& params = data.model.parameters;
  const std::vector<DemoAddress> addresses = demo_addresses(data.district);
  std::vector<Point> address_pos;
  for (const auto& a : addresses) address_pos.push_back(a.pos);
  std::vector<Point> stop_pos;
  for (const auto& s : data.district.stops) stop_pos.push_back(s.pos);
  const std::vector<StopInfo> stops = stop_infos(data.district, transit);
  if (addresses.empty() || stops.empty())
    throw Error(ErrorCode::Internal, dir.string(), "the demo district has no addresses or no stops");
  const auto address_text = [&](std::size_t i) { return addresses[i].street + " " + addresses[i].number; };

  // Shares of the planted cases (fixed: the truth records every one).
  constexpr double kPoliceSchoolDuplicate = 0.06, kMissingTime = 0.005, kUnknownAddress = 0.01;
  constexpr double kOwnerShare = 0.4, kDistrictShare = 0.4;
  Rng rng(o.seed, 7000);
  Rng sender(o.seed, 7001);  // which of two senders: its own stream, so `rng` draws as before
  std::vector<MonthFiles> months(static_cast<std::size_t>(o.months));
  for (auto& m : months) {
    m.police = "Händelsenummer;Tidpunkt;Händelsetyp;Latitud;Longitud;Beskrivning\n";
    m.housing = to_cp1252("Datum;Tid;Adress;Typ av händelse;Beskrivning\n");  // the whole file, header too, as the export writes it
    m.transit = "Tidpunkt,Linje,Hållplats-id,Hållplats,Riktning,Tur,Fordon,Från hållplats,Till hållplats,Händelse,"
                "Beskrivning\n";
    m.citizens = "\xEF\xBB\xBF\xC3\x84rendenummer,Skapad,\xC3\x84rendetyp,Beskrivning,Latitud,Longitud\n";
  }
  const auto school_row = [&](MonthFiles& m, std::int64_t utc, const ParameterModel& pm, Point pos,
                              const std::string& text) {
    const Local l = local_of(utc);
    m.school.push_back({l.date, l.hm, pm.name_sv, address_text(nearest(address_pos, pos)), text});
  };

  for (const auto& inc : data.incidents) {
    const int mo = data.month_of(inc.utc);
    if (mo < 1 || mo > o.months) continue;
    MonthFiles& m = months[static_cast<std::size_t>(mo - 1)];
    ++m.incidents;
    const ParameterModel& pm = params[inc.parameter];
    double lon, lat;
    sweref_to_wgs84(inc.pos, lon, lat);
    const Local local = local_of(inc.utc);
    switch (inc.actor) {
      case 0: {  // polis
        const std::int64_t row = static_cast<std::int64_t>(++m.police_rows);
        const std::string number = fmt::format("{}-{:06}", local.date.substr(0, 4), inc.id);
        std::string when = local.date + " " + local.hm;
        if (rng.uniform() < kMissingTime) {
          when.clear();
          m.missing_time.push_back(row);
        }
        m.police += fmt::format("{};{};{};{};{};{}\n", number, when, csv_field(pm.name_sv), comma_decimal(lat),
                                comma_decimal(lon), csv_field(inc.text));
        // The school saw it too: its own row a few minutes later at the nearest
        // address, same category and words (only for rows the police file keeps).
        if (!when.empty() && rng.uniform() < kPoliceSchoolDuplicate) {
          const std::int64_t t2 = inc.utc + 120 + static_cast<std::int64_t>(rng.below(18 * 60));
          if (data.month_of(t2) == mo) {
            school_row(m, t2, pm, inc.pos, inc.text);
            m.duplicates.push_back({{"incident_id", inc.id},
                                    {"police_row", row},
                                    {"school_row", m.school.size()}});
          }
        }
        break;
      }
      case 1:  // skola
        school_row(m, inc.utc, pm, inc.pos, inc.text);
        break;
      case 2: {  // bostadsbolag, or a private property owner
        const bool owner = sender.uniform() < kOwnerShare;
        const std::int64_t row = static_cast<std::int64_t>(owner ? m.owner.size() + 1 : ++m.housing_rows);
        const std::size_t at = nearest(address_pos, inc.pos);
        std::string address = address_text(at);
        if (rng.uniform() < kUnknownAddress) {
          // A street the district does not have, or a number its street does not have.
          const auto& a = addresses[rng.below(addresses.size())];
          address = rng.uniform() < 0.5 ? fmt::format("Okändgatan {}", 1 + rng.below(40)) : a.street + " 999";
          (owner ? m.owner_unknown_address : m.unknown_address).push_back(row);
        }
        if (owner)  // the property's designation as the land registry writes it (block:unit, invented)
          m.owner.push_back({local.date, local.hm, fmt::format("Backa {}:{}", 10 + at / 6, 1 + at % 6), address,
                             pm.name_sv, inc.text});
        else
          m.housing += to_cp1252(fmt::format("{};{};{};{};{}\n", local.date, local.hm, csv_field(address),
                                             csv_field(pm.name_sv), csv_field(inc.text)));
        break;
      }
      case 3: {  // Västtrafik
        const StopInfo& s = stops[nearest(stop_pos, inc.pos)];
        std::string line = s.lines.substr(0, s.lines.find(' '));
        m.transit += fmt::format("{},{},{},{},,,,,,{},{}\n", utc_iso(inc.utc), line, s.id, csv_field(s.name),
                                 csv_field(pm.name_sv), csv_field(inc.text));
        ++m.transit_rows;
        break;
      }
      case 4:  // parkförvaltningen
        m.parks.push_back({cal::iso8601(inc.utc, inc.utc_offset_s), pm.name_sv, inc.text});
        m.parks_lonlat.push_back({lon, lat});
        break;
      default:  // EST-rapportör, through the city's error-reporting service or the district's field staff
        if (sender.uniform() < kDistrictShare) {
          m.district.push_back({local.date + " " + local.hm, pm.name_sv, inc.text});
          m.district_xy.push_back(inc.pos);
          break;
        }
        m.citizens += fmt::format("FA-{:07},{}:00,{},{},{:.6f},{:.6f}\n", inc.id, local.date + " " + local.hm,
                                  csv_field(pm.name_sv), csv_field(inc.text), lat, lon);
        ++m.citizens_rows;
        break;
    }
  }

  // Västtrafik's on-board reports (the transit stream): as the report gave them,
  // to be placed from the timetable of the demo's GTFS feed. They are events of
  // their own (the stream is drawn apart from the incidents), counted per line.
  for (const auto& r : transit.reports) {
    if (!r.on_board) continue;
    const int mo = data.month_of(r.reported_utc);
    if (mo < 1 || mo > o.months) continue;
    MonthFiles& m = months[static_cast<std::size_t>(mo - 1)];
    m.transit += fmt::format("{},{},,,{},{},{},{},{},{},{}\n", utc_iso(r.reported_utc), r.line, csv_field(r.direction),
                             r.trip_id, r.vehicle, csv_field(r.from_stop), csv_field(r.to_stop),
                             csv_field(params[r.parameter].name_sv), csv_field(r.text));
    ++m.transit_rows;
    ++m.on_board[r.line];
    ++m.incidents;
  }

  json files = json::array(), per_month = json::object(), duplicates = json::array();
  std::map<std::string, std::size_t> on_board_total;
  std::size_t total_rows = 0, total_dups = 0, total_rejects = 0;
  for (int mo = 1; mo <= o.months; ++mo) {
    MonthFiles& m = months[static_cast<std::size_t>(mo - 1)];
    const std::string label = month_label(o, mo);
    const fs::path md = dir / label;
    fs::create_directories(md);
    // The month in every name: intake takes a file with a name it has seen from the
    // same actor as a correction of that file.
    const auto name = [&](const char* stem, const char* ext) { return fmt::format("{}_{}.{}", stem, label, ext); };
    write_text(md / name("polisen", "csv"), m.police);
    write_text(md / name("bostadsbolaget", "csv"), m.housing);
    write_text(md / name("vasttrafik", "csv"), m.transit);
    write_text(md / name("felanmalan", "csv"), m.citizens);
    {
      io::VectorWriter w(md / name("skolan", "xlsx"), io::CrsContext{});
      auto& L = w.add_layer("Incidenter", io::GeometryKind::None,
                            {{"Datum", io::FieldType::String}, {"Klockslag", io::FieldType::String},
                             {"Kategori", io::FieldType::String}, {"Adress", io::FieldType::String},
                             {"Kommentar", io::FieldType::String}});
      for (const auto& r : m.school) L.add(r);
      w.commit();
    }
    {
      io::VectorWriter w(md / name("fastighetsagaren", "ods"), io::CrsContext{});
      auto& L = w.add_layer("Händelser", io::GeometryKind::None,
                            {{"Datum", io::FieldType::String}, {"Klockslag", io::FieldType::String},
                             {"Fastighet", io::FieldType::String}, {"Adress", io::FieldType::String},
                             {"Händelsetyp", io::FieldType::String}, {"Kommentar", io::FieldType::String}});
      for (const auto& r : m.owner) L.add(r);
      w.commit();
    }
    {
      // The district's GIS: SWEREF 99 TM points, local time as its staff typed it.
      io::VectorWriter w(md / name("stadsdelen", "gpkg"), io::CrsContext::from_spec("EPSG:3006"),
                         io::VectorWriter::Options{.fixed_timestamp = true});
      auto& L = w.add_layer("observationer", io::GeometryKind::Point,
                            {{"Tidpunkt", io::FieldType::String}, {"Kategori", io::FieldType::String},
                             {"Beskrivning", io::FieldType::String}});
      for (std::size_t i = 0; i < m.district.size(); ++i) L.add(m.district[i], m.district_xy[i]);
      w.commit();
    }
    {
      // The field app's export: RFC 7946 GeoJSON (WGS84 longitude, latitude).
      json fc = {{"type", "FeatureCollection"}, {"name", "parkforvaltningen"}, {"features", json::array()}};
      for (std::size_t i = 0; i < m.parks.size(); ++i) {
        const auto text = [&](std::size_t k) { return std::get<std::string>(m.parks[i][k].value()); };
        fc["features"].push_back(
            {{"type", "Feature"},
             {"properties", {{"tidpunkt", text(0)}, {"kategori", text(1)}, {"beskrivning", text(2)}}},
             {"geometry",
              {{"type", "Point"},
               {"coordinates", json::array({std::round(m.parks_lonlat[i].x * 1e6) / 1e6,
                                            std::round(m.parks_lonlat[i].y * 1e6) / 1e6})}}}});
      }
      write_text(md / name("parkforvaltningen", "geojson"), fc.dump(1) + "\n");
    }
    const std::string file_of[] = {name("polisen", "csv"),        name("skolan", "xlsx"),
                                   name("bostadsbolaget", "csv"), name("vasttrafik", "csv"),
                                   name("parkforvaltningen", "geojson"), name("felanmalan", "csv"),
                                   name("fastighetsagaren", "ods"),      name("stadsdelen", "gpkg")};
    const char* actor_of[] = {"polisen",           "skolan",     "bostadsbolaget",   "Västtrafik",
                              "parkförvaltningen", "felanmälan", "fastighetsägaren", "stadsdelen"};
    const std::size_t model_actor[] = {0, 1, 2, 3, 4, 5, 2, 5};
    const std::size_t rows[] = {m.police_rows, m.school.size(), m.housing_rows, m.transit_rows, m.parks.size(),
                                m.citizens_rows, m.owner.size(), m.district.size()};
    std::size_t month_rows = 0;
    for (std::size_t k = 0; k < std::size(actor_of); ++k) {
      json f = {{"month", label},
                {"file", label + "/" + file_of[k]},
                {"actor", actor_of[k]},
                {"model_actor", kActors[model_actor[k]]},
                {"rows", rows[k]}};
      if (k == 0) f["planted_rejects"] = {{"missing_time", m.missing_time}};
      if (k == 2) f["planted_rejects"] = {{"unknown_address", m.unknown_address}};
      if (k == 6) f["planted_rejects"] = {{"unknown_address", m.owner_unknown_address}};
      if (k == 3) f["on_board_per_line"] = m.on_board;
      files.push_back(f);
      month_rows += rows[k];
    }
    const std::size_t rejects = m.missing_time.size() + m.unknown_address.size() + m.owner_unknown_address.size();
    per_month[label] = {{"incidents", m.incidents},
                        {"rows", month_rows},
                        {"planted_rejects", rejects},
                        {"police_school_duplicates", m.duplicates.size()},
                        {"on_board_per_line", m.on_board}};
    for (const auto& [line, n] : m.on_board) on_board_total[line] += n;
    for (auto& d : m.duplicates) {
      d["month"] = label;
      d["police_file"] = label + "/" + file_of[0];
      d["school_file"] = label + "/" + file_of[1];
      duplicates.push_back(d);
    }
    total_rows += month_rows;
    total_dups += m.duplicates.size();
    total_rejects += rejects;
  }
  json index = {{"note",
                 "SYNTHETIC: each actor's reports as it would send them, one file per actor and month. "
                 "Take them in month by month with 'tryggve intake W FILE --actor ACTOR'."},
                {"files", files}};
  write_text(dir / "index.json", index.dump(1) + "\n");
  return {{"folder", "actors"},
          {"formats",
           {{"polisen.csv", "semicolon CSV, Swedish headers, local time without offset, decimal-comma WGS84"},
            {"skolan.xlsx", "Excel sheet Incidenter: Datum, Klockslag, Kategori, Adress (no coordinates), Kommentar"},
            {"bostadsbolaget.csv", "Windows-1252 semicolon CSV by street address (the addresses in streets.osm)"},
            {"vasttrafik.csv", "by stop: UTC time, line, stop area id (gtfs/stops.txt), stop name; on board: UTC "
                               "time, line, direction, trip, vehicle, from/to stop as reported, no stop"},
            {"parkforvaltningen.geojson", "WGS84 points, time with offset"},
            {"felanmalan.csv", "the city's error-reporting export: UTF-8 with BOM, local time, WGS84"},
            {"fastighetsagaren.ods", "LibreOffice sheet Händelser by street address: Datum, Klockslag, Fastighet, "
                                     "Adress, Händelsetyp, Kommentar (no coordinates)"},
            {"stadsdelen.gpkg", "GeoPackage points in SWEREF 99 TM (EPSG:3006): Tidpunkt (local, no offset), "
                                "Kategori, Beskrivning"}}},
          {"rows", total_rows},
          {"planted_rejects", total_rejects},
          {"police_school_duplicates", total_dups},
          {"on_board_per_line", on_board_total},
          {"on_board_rule",
           "every on-board report of the transit stream (transit_truth.csv) is a row of that month's Västtrafik file; "
           "intake with the demo's GTFS feed places each on its line: incidents with place_type on_board per line = "
           "on_board_per_line, less what it rejects"},
          {"duplicate_rule",
           "a share of police incidents is reported again by the school 2-20 minutes later at the nearest street "
           "address, with the same category and text: intake should link the two into one incident"},
          {"per_month", per_month},
          {"duplicates", duplicates}};
}

std::string deployments_yaml(const DemoData& data) {
  const auto& o = data.options;
  const auto& m = data.model;
  auto day_before = [](const std::string& iso) {
    int y = 0, mo = 0, d = 0;
    std::sscanf(iso.c_str(), "%d-%d-%d", &y, &mo, &d);
    int yy, mm, dd;
    cal::civil_from_days(cal::days_from_civil(y, mo, d) - 1, yy, mm, dd);
    return fmt::format("{:04}-{:02}-{:02}", yy, mm, dd);
  };
  const char* wd_sv[] = {"mån", "tis", "ons", "tor", "fre", "lör", "sön"};
  auto weekdays = [&](const std::array<bool, 7>& on) {
    std::string s;
    for (int i = 0; i < 7; ++i)
      if (on[static_cast<std::size_t>(i)]) s += (s.empty() ? "" : ", ") + std::string(wd_sv[i]);
    return "[" + s + "]";
  };
  std::string y;
  y += "# SYNTHETIC: the demo district's historical interventions as a steering group would have\n"
       "# recorded them. Each entry is an intervention in the scenario files' grammar (type, name,\n"
       "# where, when, dose, cost_sek) plus when it actually ran: start (first day) and end (last\n"
       "# day; absent while it still runs). truth.json holds the effects the generator planted;\n"
       "# the placebo entry had none, so a follow-up must find no effect there.\n";
  y += "version: 1\ndeployments:\n";
  if (m.lamp_line_month <= o.months)
  y += fmt::format(
      "  - type: lighting\n    name: lamp line along Parkstråket through Ekbackaparken\n    where:\n"
      "      - park: Ekbackaparken\n    lamps: {}\n    cost_sek: 450000\n    start: {}\n"
      "    notes: planted relative risk {} in the dark hours on the lit segments\n",
      [&] {
        int n = 0;
        for (const auto& l : data.district.lamps) n += l.lamp_line;
        return n;
      }(),
      data.district.lamp_line_installed, m.lighting_relative_risk);
  if (m.patrol_first_month <= o.months)
  y += fmt::format(
      "  - type: patrol\n    name: foot patrols at Kvarnbo torg and its main stop\n    where:\n"
      "      - place: Kvarnbo torg\n        radius_m: {0}\n      - stop: Kvarnbo torg\n        radius_m: {0}\n"
      "    when:\n      weekdays: {1}\n      hours: \"{2}-{3}\"\n    visits_per_week: 6\n    visit_minutes: 60\n"
      "    cost_sek: 600000\n    start: {4}\n    end: {5}\n    notes: planted relative risk {6}\n",
      m.patrol_radius_m, weekdays(m.patrol_weekdays), m.patrol_first_hour, m.patrol_last_hour + 1,
      month_start_date(o, m.patrol_first_month),
      day_before(month_start_date(o, std::min(m.patrol_last_month, o.months) + 1)),
      m.patrol_relative_risk);
  if (m.adults_first_month <= o.months)
    y += fmt::format(
        "  - type: adults_outdoors\n    name: adults outdoors in the evenings at Fritidsgården Navet and Kvarnbo torg\n"
        "    where:\n      - place: Fritidsgården Navet\n        radius_m: {0}\n      - place: Kvarnbo torg\n"
        "        radius_m: {0}\n    when:\n      weekdays: {1}\n      hours: \"{2}-{3}\"\n    adults: 6\n"
        "    cost_sek: 300000\n    reporting_uplift: {4}\n    reaction:\n      parameters: [{5}]\n"
        "      peak_rise: {6}\n      decay_weeks: {7}\n    start: {8}\n"
        "    notes: planted true relative risk {9}\n",
        m.adults_radius_m, weekdays(m.adults_weekdays), m.adults_first_hour, m.adults_last_hour + 1,
        m.adults_reporting_uplift, fmt::join(m.adults_reacting, ", "), m.adults_early_rise, m.adults_early_decay_weeks,
        month_start_date(o, m.adults_first_month), m.adults_relative_risk);
  const int placebo_first = std::min(10, o.months), placebo_last = std::min(12, o.months);
  y += fmt::format(
      "  - type: patrol\n    name: placebo patrols at Ekbacka lekplats\n    where:\n      - place: Ekbacka lekplats\n"
      "        radius_m: 100\n    when:\n      weekdays: [fre, lör]\n      hours: \"18-24\"\n    visits_per_week: 4\n"
      "    visit_minutes: 30\n    cost_sek: 200000\n    start: {}\n    end: {}\n"
      "    notes: placebo (no effect planted)\n",
      month_start_date(o, placebo_first), day_before(month_start_date(o, placebo_last + 1)));
  return y;
}

}  // namespace tryggve::demo
