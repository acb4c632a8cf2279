#include "tryggve/core/json_text.hpp"
#include "tryggve/workspace/workspace.hpp"

#include <algorithm>
#include <atomic>
#include <ctime>
#include <filesystem>
#include <fstream>

#include <openssl/evp.h>
#include <unistd.h>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/core/version.hpp"
#include "tryggve/io/gtfs.hpp"
#include "tryggve/io/readers.hpp"
#include "tryggve/pipeline/transit_stage.hpp"
#include "tryggve/transit/layers.hpp"
#include "tryggve/taxonomy/classifier.hpp"
#include "tryggve/workspace/gazetteer.hpp"

namespace tryggve::workspace {

namespace fs = std::filesystem;
using io::FieldValue;

std::string now_iso(const TimeZone& zone) { return to_iso8601(zone.at_utc(std::time(nullptr))); }

std::string actor_kind(const std::string& name) {
  const std::string n = normalize_label(name);
  auto has = [&](std::initializer_list<const char*> words) {
    for (const char* w : words)
      if (n.find(w) != std::string::npos) return true;
    return false;
  };
  if (has({"polis", "police"})) return "police";
  if (has({"skol", "school", "gymnasi"})) return "school";
  if (has({"västtrafik", "vasttrafik", "transit", "kollektivtrafik"})) return "transit";
  if (has({"park", "natur"})) return "parks";
  if (has({"bostad", "bostäder", "housing", "poseidon", "familjebostäder", "bostadsbolag"})) return "housing";
  if (has({"fastighet", "property", "landlord"})) return "property_owner";
  if (has({"stadsdel", "district", "stadsområde", "göteborgs stad", "city"})) return "city_district";
  if (has({"felanmälan", "medborgare", "citizen", "invånare", "error report"})) return "citizens";
  return {};
}

// ---- Profile -----------------------------------------------------------------

nlohmann::json Profile::to_json() const {
  nlohmann::json f = nlohmann::json::object();
  auto put = [&](const char* k, const std::string& v) {
    if (!v.empty()) f[k] = v;
  };
  put("layer", fields.layer), put("id", fields.id), put("time", fields.time), put("date", fields.date);
  put("category", fields.category), put("actor", fields.actor), put("setting", fields.setting);
  put("text", fields.text), put("weight", fields.weight), put("lon", fields.lon), put("lat", fields.lat);
  put("x", fields.x), put("y", fields.y), put("address", fields.address), put("stop", fields.stop);
  put("source_crs", fields.source_crs);
  nlohmann::json cats = nlohmann::json::object();
  for (const auto& [label, code] : categories) cats[label] = code;
  return {{"version", 1},          {"actor", actor},       {"fields", f},
          {"day_first", fields.day_first}, {"categories", cats}, {"timezone", timezone},
          {"default_setting", default_setting}};
}

Profile Profile::from_json(const nlohmann::json& j, const std::string& where) {
  try {
    Profile p;
    if (!j.is_object()) throw Error(ErrorCode::BadWorkspace, where, "a profile is a JSON object");
    if (j.value("version", 1) != 1)
      throw Error(ErrorCode::BadWorkspace, where, fmt::format("profile version {} is unknown", j.value("version", 0)));
    p.actor = j.value("actor", "");
    const auto f = j.value("fields", nlohmann::json::object());
    auto get = [&](const char* k) { return f.value(k, std::string()); };
    p.fields.layer = get("layer"), p.fields.id = get("id"), p.fields.time = get("time"), p.fields.date = get("date");
    p.fields.category = get("category"), p.fields.actor = get("actor"), p.fields.setting = get("setting");
    p.fields.text = get("text"), p.fields.weight = get("weight"), p.fields.lon = get("lon"), p.fields.lat = get("lat");
    p.fields.x = get("x"), p.fields.y = get("y"), p.fields.address = get("address"), p.fields.stop = get("stop");
    p.fields.source_crs = get("source_crs");
    p.fields.day_first = j.value("day_first", true);
    const auto cats = j.value("categories", nlohmann::json::object());  // not a temporary in the loop: items() refers to it
    for (const auto& [label, code] : cats.items()) p.categories.emplace_back(label, code.get<std::string>());
    p.timezone = j.value("timezone", "");
    p.default_setting = j.value("default_setting", "");
    return p;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::BadWorkspace, where, std::string("malformed profile: ") + e.what());
  }
}

// ---- Info --------------------------------------------------------------------

std::string WorkspaceInfo::text() const {
  std::string s = fmt::format("workspace: {} schema version {}, CRS {}, time zone {}\ncreated {} by Tryggve {}\n", backend,
                              schema_version, crs, timezone, created, software_version);
  for (const auto& [t, n] : tables) {
    const bool reserved = table_spec(t).reserved;
    s += fmt::format("  {:<20} {:>9} {}\n", t, n, reserved ? "(for the month and follow-up)" : "");
  }
  return s;
}

// ---- Workspace -----------------------------------------------------------------

namespace {

void put_meta(io::Database& db, const std::string& k, const std::string& v) {
  db.insert("workspace_meta", {"key", "value"}, {k, v});
}

std::string sha256_hex(const std::string& bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr) != 1)
    throw Error(ErrorCode::Internal, "sha256", "SHA-256 is not available");
  std::string hex;
  for (unsigned i = 0; i < len; ++i) hex += fmt::format("{:02x}", md[i]);
  return hex;
}

const char* lit_text(Lit l) { return l == Lit::Yes ? "yes" : l == Lit::No ? "no" : ""; }
Lit lit_from(const std::string& s) { return s == "yes" ? Lit::Yes : s == "no" ? Lit::No : Lit::Unknown; }

}  // namespace

Workspace Workspace::init(const std::string& target, const pipeline::MapOptions& options) {
  if (!options.incidents.empty())
    throw Error(ErrorCode::Usage, "workspace init", "incidents are taken in with 'tryggve intake', not at init");
  if (!options.transit_reports.empty())
    throw Error(ErrorCode::Usage, "workspace init",
                "transit reports are taken in with 'tryggve intake' (the workspace places them on its --gtfs feed)");
  pipeline::MapResult r = pipeline::run_map(options);
  std::vector<AddressFeature> addresses;
  if (io::is_osm_path(options.streets)) {
    io::OsmReadOptions o;
    o.streets = o.parks = o.stops = o.lamps = o.places = false;
    o.addresses = true;
    addresses = io::read_osm(options.streets, r.crs, o).addresses;
  }
  const TimeZone zone = TimeZone::from_name(options.timezone);

  Workspace ws;
  ws.db_ = io::Database::create(target);
  auto& db = *ws.db_;
  if (db.has_table("workspace_meta"))
    throw Error(ErrorCode::BadWorkspace, db.name(), "the database already holds a workspace (open it, or use a new database)");
  io::Transaction tx(db);
  create_schema(db, r.crs);
  const std::string created = now_iso(zone);
  put_meta(db, "schema_version", std::to_string(kSchemaVersion));
  put_meta(db, "crs", r.crs.describe());
  put_meta(db, "crs_wkt", r.crs.is_local() ? "local" : r.crs.wkt());
  put_meta(db, "timezone", options.timezone);
  put_meta(db, "created", created);
  put_meta(db, "software_version", kVersion);
  put_meta(db, "taxonomy", r.taxonomy.source().string());
  put_meta(db, "streets_source", options.streets);
  db.insert("schema_migrations", {"from_version", "to_version", "what", "applied", "software_version"},
            {0, kSchemaVersion, "created", created, kVersion});

  const std::vector<std::string> street_cols = {"edge_id", "from_vertex", "to_vertex", "name",      "class",
                                                "lit",     "tunnel",      "length_m",  "component", "source_id"};
  for (network::EdgeId e = 0; e < r.net.edge_count(); ++e) {
    const auto& ed = r.net.edge(e);
    db.insert("streets", street_cols,
              {e, ed.from, ed.to, ed.name, ed.highway, lit_text(ed.lit), ed.tunnel ? 1 : 0, ed.length, ed.component,
               static_cast<long long>(ed.source_id)},
              ed.geometry);
  }
  auto polys = [&](const char* table, const char* id, const std::vector<PolygonFeature>& v, bool area) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      const auto& p = v[i];
      if (area)
        db.insert(table, {id, "source_id", "name", "code", "population"},
                  {i, static_cast<long long>(p.source_id), p.name, p.kind,
                   p.population >= 0 ? FieldValue(p.population) : FieldValue()},
                  p.geometry);
      else
        db.insert(table, {id, "source_id", "name", "kind"}, {i, static_cast<long long>(p.source_id), p.name, p.kind},
                  p.geometry);
    }
  };
  polys("areas", "area_id", r.areas, true);
  polys("parks", "park_id", r.parks, false);
  auto points = [&](const char* table, const char* id, const std::vector<PointFeature>& v) {
    for (std::size_t i = 0; i < v.size(); ++i)
      db.insert(table, {id, "source_id", "name", "kind"}, {i, static_cast<long long>(v[i].source_id), v[i].name, v[i].kind},
                v[i].pos);
  };
  points("stops", "stop_id", r.stops);
  points("places", "place_id", r.places);
  for (std::size_t i = 0; i < r.lamps.size(); ++i)
    db.insert("lamps", {"lamp_id", "source_id", "kind", "radius_m"},
              {i, static_cast<long long>(r.lamps[i].source_id), r.lamps[i].kind,
               r.lamps[i].radius_m >= 0 ? FieldValue(r.lamps[i].radius_m) : FieldValue()},
              r.lamps[i].pos);
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    const auto& a = addresses[i];
    db.insert("addresses",
              {"address_id", "source_id", "street", "housenumber", "postcode", "city", "street_key", "number_key", "source"},
              {i, static_cast<long long>(a.source_id), a.street, a.housenumber, a.postcode, a.city, street_key(a.street),
               number_key(a.housenumber), a.from_building ? "building" : "node"},
              a.pos);
  }
  ws.crs_ = r.crs;
  ws.zone_ = zone;
  if (r.transit_system) ws.store_transit(options.gtfs, *r.transit_system);
  tx.commit();
  log::info("workspace {}: {} street edges, {} areas, {} parks, {} stops, {} lamps, {} places, {} addresses", db.name(),
            r.net.edge_count(), r.areas.size(), r.parks.size(), r.stops.size(), r.lamps.size(), r.places.size(),
            addresses.size());
  ws.crs_ = std::move(r.crs);
  ws.zone_ = zone;
  ws.timezone_ = options.timezone;
  ws.schema_version_ = kSchemaVersion;
  return ws;
}

Workspace Workspace::open(const std::string& target, const std::vector<Migration>& steps, int target_version) {
  Workspace ws;
  ws.db_ = io::Database::open(target);
  auto& db = *ws.db_;
  if (!db.has_table("workspace_meta"))
    throw Error(ErrorCode::BadWorkspace, db.name(), "not a Tryggve workspace (no workspace_meta table)");
  const std::string version = ws.meta("schema_version");
  int found = 0;
  try {
    found = std::stoi(version);
  } catch (...) {
    throw Error(ErrorCode::BadWorkspace, db.name(), fmt::format("schema_version '{}' is not a number", version));
  }
  const std::string wkt = ws.meta("crs_wkt");
  ws.crs_ = io::CrsContext::from_spec(wkt.empty() || wkt == "local" ? "local" : wkt);
  ws.timezone_ = ws.meta("timezone");
  ws.zone_ = TimeZone::from_name(ws.timezone_.empty() ? "Europe/Stockholm" : ws.timezone_);
  if (found != target_version) {
    if (found > target_version) migrate(db, ws.crs_, found, target_version, steps);  // throws: too new
    io::Transaction tx(db);
    migrate(db, ws.crs_, found, target_version, steps);
    tx.commit();
    log::info("{}: schema migrated from version {} to {}", db.name(), found, target_version);
  }
  ws.schema_version_ = target_version;
  return ws;
}

void Workspace::store_transit(const std::string& feed, const transit::System& sys) {
  auto& db = *db_;
  std::vector<io::GtfsFile> files = io::read_gtfs_files(feed);
  std::string list;
  for (const auto& f : files) {
    // Text columns on both back ends: PostgreSQL's text holds no NUL byte.
    if (f.content.find('\0') != std::string::npos)
      throw Error(ErrorCode::BadValue, feed + "/" + f.name, "a NUL byte: a GTFS file is UTF-8 text");
    list += f.name + " " + sha256_hex(f.content) + "\n";
  }
  // The feed's identity: its files and their hashes (the same for the zip and the folder it came from).
  const std::string feed_sha = sha256_hex(list);
  db.execute("DELETE FROM transit_feed");
  db.execute("DELETE FROM transit_lines");
  db.execute("DELETE FROM transit_stops");
  const std::string now = now_iso(zone_);
  for (auto& f : files) {
    const std::string sha = sha256_hex(f.content);
    const auto bytes = static_cast<long long>(f.content.size());
    db.insert("transit_feed", {"file_name", "bytes", "sha256", "content", "source", "feed_sha256", "created"},
              {f.name, bytes, sha, std::move(f.content), feed, feed_sha, now});
  }
  for (const auto& f : transit::line_features(sys))
    db.insert("transit_lines",
              {"segment_id", "route_id", "line", "mode", "direction", "headsign", "stop_index", "from_stop", "to_stop",
               "from_stop_id", "to_stop_id", "length_m", "geometry_source"},
              {f.segment, f.route_id, f.line, f.mode, f.direction, f.headsign, f.index, f.from_stop, f.to_stop,
               f.from_stop_id, f.to_stop_id, f.length_m, f.source},
              f.geometry);
  for (const auto& f : transit::stop_features(sys))
    db.insert("transit_stops", {"station_id", "stop_id", "name", "lines", "platforms"},
              {f.station, f.stop_id, f.name, f.lines, f.platforms}, f.pos);
  log::info("workspace {}: GTFS feed {} stored ({} files, sha256 {}), {} line segments, {} stations", db.name(), feed,
            files.size(), feed_sha.substr(0, 12), sys.segments().size(), sys.stations().size());
}

void Workspace::set_gtfs(const std::string& feed) {
  RejectLog rejects;
  io::CrsContext crs = crs_;
  const pipeline::TransitNetwork tn = pipeline::load_transit(feed, crs, rejects);
  io::Transaction tx(*db_);
  store_transit(feed, *tn.system);
  tx.commit();
}

bool Workspace::has_transit() { return db_->count("transit_feed") > 0; }

std::string Workspace::transit_feed_sha256() {
  const auto rows = db_->query("SELECT feed_sha256 FROM transit_feed LIMIT 1");
  return rows.empty() ? std::string() : rows.front().text(0);
}

std::shared_ptr<const transit::System> Workspace::load_transit() {
  const std::string sha = transit_feed_sha256();
  if (sha.empty()) return nullptr;
  if (transit_ && sha == transit_sha_) return transit_;
  const auto rows = db_->read("transit_feed", {"file_name", "content"});
  if (rows.empty()) return nullptr;
  // io::read_gtfs reads a folder or a zip: the stored files go to a folder of
  // their own for the time of the read.
  static std::atomic<int> counter{0};
  const fs::path dir = fs::temp_directory_path() /
                       fmt::format("tryggve-gtfs-{}-{}", static_cast<long>(::getpid()), counter++);
  struct Remove {
    fs::path p;
    ~Remove() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } remove{dir};
  fs::create_directories(dir);
  for (const auto& r : rows) {
    const std::string name = r.text(0);
    if (name.empty() || name.find('/') != std::string::npos || name.find("..") != std::string::npos)
      throw Error(ErrorCode::BadWorkspace, db_->name(), fmt::format("transit_feed row {}: file name '{}'", r.fid, name));
    std::ofstream out(dir / name, std::ios::binary);
    const std::string content = r.text(1);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) throw Error(ErrorCode::OutputFailed, (dir / name).string(), "cannot write the stored feed file");
  }
  RejectLog rejects;  // the feed's own rejects were reported when it was stored
  io::CrsContext crs = crs_;
  try {
    transit_ = pipeline::load_transit(dir.string(), crs, rejects).system;
    transit_sha_ = sha;
    return transit_;
  } catch (const Error& e) {
    throw Error(ErrorCode::BadWorkspace, db_->name(), std::string("the stored GTFS feed: ") + e.what());
  }
}

std::string Workspace::meta(const std::string& key) {
  const auto rows = db_->read("workspace_meta", {"value"}, "key = " + io::Database::quote(key));
  return rows.empty() ? std::string() : rows.front().text(0);
}

WorkspaceInfo Workspace::info() {
  WorkspaceInfo i;
  i.schema_version = schema_version_;
  i.backend = db_->backend() == io::DbBackend::PostgreSQL ? "PostgreSQL" : "GeoPackage";
  i.crs = meta("crs");
  i.timezone = meta("timezone");
  i.created = meta("created");
  i.software_version = meta("software_version");
  for (const auto& t : schema()) i.tables.emplace_back(t.name, db_->count(t.name));
  return i;
}

network::Network Workspace::load_network() {
  const auto rows = db_->read("streets", {"edge_id", "from_vertex", "to_vertex", "name", "class", "lit", "tunnel", "length_m",
                                          "source_id"});
  std::vector<network::Edge> edges(rows.size());
  std::vector<Point> vertices;
  std::vector<unsigned char> seen;
  for (const auto& r : rows) {
    const auto id = r.integer(0).value_or(-1);
    const auto* line = std::get_if<Polyline>(&r.geometry);
    if (id < 0 || static_cast<std::size_t>(id) >= rows.size() || !line || line->size() < 2)
      throw Error(ErrorCode::BadWorkspace, db_->name(),
                  fmt::format("streets row {}: edge_id {} or its line is broken", r.fid, id));
    auto& e = edges[static_cast<std::size_t>(id)];
    e.from = static_cast<network::VertexId>(r.integer(1).value_or(0));
    e.to = static_cast<network::VertexId>(r.integer(2).value_or(0));
    e.name = r.text(3);
    e.highway = r.text(4);
    e.lit = lit_from(r.text(5));
    e.tunnel = r.integer(6).value_or(0) != 0;
    e.length = r.real(7).value_or(0.0);
    e.source_id = r.integer(8).value_or(0);
    e.geometry = *line;
    const std::size_t need = std::max(e.from, e.to) + 1;
    if (vertices.size() < need) vertices.resize(need), seen.resize(need, 0);
    vertices[e.from] = line->front();
    vertices[e.to] = line->back();
    seen[e.from] = seen[e.to] = 1;
  }
  if (edges.empty()) throw Error(ErrorCode::BadWorkspace, db_->name(), "the workspace has no streets");
  return network::Network(std::move(vertices), std::move(edges), crs_.wkt());
}

std::vector<PolygonFeature> Workspace::load_polygons(const std::string& table) {
  const bool area = table == "areas";
  const auto rows = db_->read(table, {"source_id", "name", area ? "code" : "kind"});
  std::vector<PolygonFeature> out;
  for (const auto& r : rows) {
    PolygonFeature p;
    p.source_id = r.integer(0).value_or(0);
    p.name = r.text(1);
    p.kind = r.text(2);
    if (const auto* mp = std::get_if<MultiPolygon>(&r.geometry)) p.geometry = *mp;
    out.push_back(std::move(p));
  }
  if (area) {
    const auto pop = db_->read(table, {"population"});
    for (std::size_t i = 0; i < pop.size() && i < out.size(); ++i) out[i].population = pop[i].real(0).value_or(-1);
  }
  return out;
}

std::vector<PointFeature> Workspace::load_points(const std::string& table) {
  const auto rows = db_->read(table, {"source_id", "name", "kind"});
  std::vector<PointFeature> out;
  for (const auto& r : rows) {
    PointFeature p;
    p.source_id = r.integer(0).value_or(0);
    p.name = r.text(1);
    p.kind = r.text(2);
    if (const auto* pt = std::get_if<Point>(&r.geometry)) p.pos = *pt;
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<AddressFeature> Workspace::load_addresses() {
  const auto rows = db_->read("addresses", {"source_id", "street", "housenumber", "postcode", "city", "source"});
  std::vector<AddressFeature> out;
  for (const auto& r : rows) {
    AddressFeature a;
    a.source_id = r.integer(0).value_or(0);
    a.street = r.text(1);
    a.housenumber = r.text(2);
    a.postcode = r.text(3);
    a.city = r.text(4);
    a.from_building = r.text(5) == "building";
    if (const auto* pt = std::get_if<Point>(&r.geometry)) a.pos = *pt;
    out.push_back(std::move(a));
  }
  return out;
}

std::optional<Profile> Workspace::profile(const std::string& name) {
  const auto rows = db_->read("profiles", {"profile_json"}, "name = " + io::Database::quote(name));
  if (rows.empty()) return std::nullopt;
  const std::string where = fmt::format("{} profile '{}'", db_->name(), name);
  nlohmann::json j = nlohmann::json::parse(rows.back().text(0), nullptr, false);
  if (j.is_discarded()) throw Error(ErrorCode::BadWorkspace, where, "profile_json is not JSON");
  Profile p = Profile::from_json(j, where);
  p.name = name;
  return p;
}

std::string Workspace::actor_profile(const std::string& actor) {
  const auto rows = db_->read("actors", {"profile"}, "name = " + io::Database::quote(actor));
  return rows.empty() ? std::string() : rows.back().text(0);
}

void Workspace::save_profile(const Profile& p) {
  const std::string now = now_iso(zone_);
  const std::string json = json_text(p.to_json());
  const auto rows = db_->read("profiles", {"created"}, "name = " + io::Database::quote(p.name));
  if (rows.empty())
    db_->insert("profiles", {"name", "actor", "profile_json", "created", "updated"}, {p.name, p.actor, json, now, now});
  else
    db_->execute(fmt::format("UPDATE profiles SET profile_json = {}, actor = {}, updated = {} WHERE name = {}",
                             io::Database::quote(json), io::Database::quote(p.actor), io::Database::quote(now),
                             io::Database::quote(p.name)));
}

void Workspace::ensure_actor(const std::string& actor, const std::string& profile) {
  const auto rows = db_->read("actors", {"profile"}, "name = " + io::Database::quote(actor));
  if (rows.empty()) {
    db_->insert("actors", {"name", "kind", "profile", "created"}, {actor, actor_kind(actor), profile, now_iso(zone_)});
  } else if (!profile.empty() && rows.back().text(0) != profile) {
    db_->execute(fmt::format("UPDATE actors SET profile = {} WHERE name = {}", io::Database::quote(profile),
                             io::Database::quote(actor)));
  }
}

}  // namespace tryggve::workspace
