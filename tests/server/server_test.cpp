// tryggve serve's API, called over HTTP on an ephemeral port: layers, GeoJSON
// validity and WGS84 coordinates, filters, traversal attempts, bad parameters,
// size limits, and the job mechanism.
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <thread>

#include <gtest/gtest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <zlib.h>

#include "test_data.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/io/crs.hpp"
#include "tryggve/io/vector_writer.hpp"
#include "tryggve/pipeline/map_stage.hpp"
#include "tryggve/server/server.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace tryggve;
using namespace tryggve::server;

namespace {

void write(const fs::path& p, const std::string& s) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << s;
}

// A hand-drawn run folder in SWEREF99 TM around the STACK.md reference point
// (E 674571.8664, N 6580743.0083 = lon 18.0686, lat 59.3293): two street
// segments, one park, one stop and five incidents in two months, plus a
// scenario and a plan list.
struct Fixture {
  fs::path dir, data, web, secret;
  explicit Fixture(const std::string& name = "server") {
    dir = test::temp_dir(name);
    data = dir / "run";
    web = dir / "web";
    fs::create_directories(data);
    write(web / "index.html", "<!doctype html><title>viewer</title>");
    write(web / "assets" / "app.js", "console.log('ok')");
    secret = dir / "secret.txt";
    write(secret, "do not serve");
    write(dir / "web-evil" / "x.txt", "sibling folder with a common prefix");

    const double E = 674571.8664, N = 6580743.0083;
    io::VectorWriter w(data / "map.gpkg", io::CrsContext::from_spec("EPSG:3006"));
    using io::FieldType;
    auto& edges = w.add_layer("edges", io::GeometryKind::Line, {{"edge_id", FieldType::Int64}, {"length_m", FieldType::Real}, {"name", FieldType::String}});
    edges.add({0, 100.0, "Storgatan"}, Polyline{{E, N}, {E + 100, N}});
    edges.add({1, 100.0, "Parkvägen"}, Polyline{{E + 100, N}, {E + 100, N + 100}});
    auto& inc = w.add_layer("incidents", io::GeometryKind::Point,
                            {{"incident_id", FieldType::Int64}, {"month", FieldType::String}, {"parameter", FieldType::String},
                             {"parameter_sv", FieldType::String}, {"parameter_en", FieldType::String}, {"edge_id", FieldType::Int64},
                             {"text", FieldType::String}});
    inc.add({1, "2025-01", "vandalism", "Skadegörelse", "Vandalism", 0, "krossad ruta"}, Point{E, N});
    inc.add({2, "2025-01", "vandalism", "Skadegörelse", "Vandalism", 0, "klotter"}, Point{E + 50, N});
    inc.add({3, "2025-02", "robbery", "Rån", "Robbery", 1, "rån"}, Point{E + 100, N + 50});
    inc.add({4, "2025-02", "vandalism", "Skadegörelse", "Vandalism", 1, "\"citat\", komma"}, Point{E + 100, N + 60});
    inc.add({5, "2025-02", "robbery", "Rån", "Robbery", 0, ""}, Point{E + 20, N});
    auto& parks = w.add_layer("parks", io::GeometryKind::Polygon, {{"name", FieldType::String}});
    parks.add({"Lilla parken"}, MultiPolygon{Polygon{Ring{{E, N + 10}, {E + 50, N + 10}, {E + 50, N + 60}, {E, N + 60}, {E, N + 10}}, {}}});
    auto& stops = w.add_layer("stops", io::GeometryKind::Point, {{"name", FieldType::String}});
    stops.add({"Torget"}, Point{E + 100, N});
    w.commit();

    write(data / "scenarios" / "lighting" / "result.json", R"({"incidents":{"mean":90.5,"lo":80,"hi":101}})");
    write(data / "scenarios" / "lighting" / "areas.csv", "area,mean,lo,hi\nBacka,10.5,8,13\n\"Tuve, norra\",3,1,5\n");
    write(data / "resolved.yaml", "version: 1\n");  // read by the real runner only; the tests' runners ignore it
    write(data / "plan" / "watch_list.csv", "rank,edge_id,name,score,x,y\n1,0,Storgatan,2.5,674571.8664,6580743.0083\n2,1,Parkvägen,1.25,,\n");
  }
  ~Fixture() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

// The server on a free port of 127.0.0.1, stopped at the end of the test.
struct Running {
  Server server;
  int port;
  httplib::Client client;
  Running(const Fixture& f, JobRunner runner = {}, std::int64_t max_body = 1 << 16)
      : server(make_options(f, max_body), std::move(runner)), port(server.start()), client("127.0.0.1", port) {
    client.set_read_timeout(10, 0);
  }
  static ServerOptions make_options(const Fixture& f, std::int64_t max_body) {
    ServerOptions o;
    o.data = f.data.string();
    o.static_dir = f.web.string();
    o.port = 0;
    o.max_body_bytes = max_body;
    o.threads = 2;
    return o;
  }
  json get_json(const std::string& path, int expect = 200) {
    auto r = client.Get(path.c_str());
    EXPECT_TRUE(r) << path;
    if (!r) return {};
    EXPECT_EQ(r->status, expect) << path << ": " << r->body;
    return json::parse(r->body);
  }
};

void expect_json_error(const httplib::Result& r, int status, const std::string& where_part = {}) {
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, status) << r->body;
  EXPECT_NE(r->get_header_value("Content-Type").find("application/json"), std::string::npos);
  const json j = json::parse(r->body);
  ASSERT_TRUE(j.contains("error")) << r->body;
  EXPECT_EQ(j["error"]["status"], status);
  EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
  if (!where_part.empty()) {
    EXPECT_NE(j["error"].value("where", "").find(where_part), std::string::npos) << r->body;
  }
}

// Every position of a GeoJSON geometry.
void positions(const json& c, std::vector<std::pair<double, double>>& out) {
  if (c.is_array() && c.size() >= 2 && c[0].is_number()) {
    out.emplace_back(c[0].get<double>(), c[1].get<double>());
    return;
  }
  for (const auto& x : c) positions(x, out);
}

}  // namespace

TEST(Server, ListsTheLayersThatExist) {
  Fixture f;
  Running s(f);
  const json j = s.get_json("/api/layers");
  std::vector<std::string> names;
  for (const auto& l : j["layers"]) names.push_back(l["name"]);
  // Fixed viewer order; lixels, density, gistar ... do not exist yet and are not offered.
  EXPECT_EQ(names, (std::vector<std::string>{"parks", "edges", "stops", "incidents"}));
  for (const auto& l : j["layers"])
    if (l["name"] == "incidents") {
      EXPECT_EQ(l["features"], 5);
      EXPECT_EQ(l["geometry"], "Point");
      EXPECT_EQ(l["title_sv"], "Händelser");
    }
}

TEST(Server, GeoJsonIsWgs84InLonLatOrder) {
  Fixture f;
  Running s(f);
  const json e = s.get_json("/api/layers/edges");
  EXPECT_EQ(e["type"], "FeatureCollection");
  ASSERT_EQ(e["features"].size(), 2u);
  const json& first = e["features"][0];
  EXPECT_EQ(first["type"], "Feature");
  EXPECT_EQ(first["geometry"]["type"], "LineString");
  EXPECT_EQ(first["properties"]["name"], "Storgatan");
  // cs2cs: E 674571.8664 N 6580743.0083 (EPSG:3006) = lon 18.0686, lat 59.3293.
  EXPECT_NEAR(first["geometry"]["coordinates"][0][0].get<double>(), 18.0686, 2e-6);
  EXPECT_NEAR(first["geometry"]["coordinates"][0][1].get<double>(), 59.3293, 2e-6);
  // 100 m east at 59.33 N is 100 / (111320 cos 59.33 deg) = 0.001756 deg of longitude.
  EXPECT_NEAR(first["geometry"]["coordinates"][1][0].get<double>() - 18.0686, 0.001756, 2e-5);
  const json p = s.get_json("/api/layers/parks");
  EXPECT_EQ(p["features"][0]["geometry"]["type"], "MultiPolygon");  // the map stage writes parks as multipolygons
}

TEST(Server, IncidentFiltersByMonthAndParameter) {
  Fixture f;
  Running s(f);
  EXPECT_EQ(s.get_json("/api/layers/incidents")["count"], 5);
  EXPECT_EQ(s.get_json("/api/layers/incidents?month=2025-01")["count"], 2);
  EXPECT_EQ(s.get_json("/api/layers/incidents?month=2025-02&parameter=robbery")["count"], 2);
  EXPECT_EQ(s.get_json("/api/layers/incidents?from=2025-01&to=2025-02&parameter=robbery,vandalism")["count"], 5);
  EXPECT_EQ(s.get_json("/api/layers/incidents?month=2024-12")["count"], 0);
  const json few = s.get_json("/api/layers/incidents?fields=month,parameter&limit=3");
  EXPECT_EQ(few["count"], 3);
  EXPECT_EQ(few["features"][0]["properties"].size(), 2u);
  // The box around the first segment's west half holds incidents 1, 2 and 5.
  EXPECT_EQ(s.get_json("/api/layers/incidents?bbox=18.0685,59.3292,18.0696,59.3294")["count"], 3);
  const json cat = s.get_json("/api/catalogue");
  ASSERT_EQ(cat["parameters"].size(), 2u);
  EXPECT_EQ(cat["parameters"][0]["code"], "robbery");
  EXPECT_EQ(cat["parameters"][0]["name_sv"], "Rån");
  EXPECT_EQ(cat["parameters"][0]["count"], 2);
  EXPECT_EQ(cat["months"].size(), 2u);
}

TEST(Server, BadParametersAre400WithTheirName) {
  Fixture f;
  Running s(f);
  ASSERT_EQ(s.get_json("/api/catalogue")["parameters"].size(), 2u);
  { SCOPED_TRACE("/api/layers/incidents?month=2025-13"); expect_json_error(s.client.Get("/api/layers/incidents?month=2025-13"), 400, "month"); }
  { SCOPED_TRACE("/api/layers/incidents?month=jan"); expect_json_error(s.client.Get("/api/layers/incidents?month=jan"), 400, "month"); }
  { SCOPED_TRACE("/api/layers/incidents?parameter=nonexistent_code"); expect_json_error(s.client.Get("/api/layers/incidents?parameter=nonexistent_code"), 400, "parameter"); }
  { SCOPED_TRACE("/api/layers/incidents?parameter=DROP%20TABLE"); expect_json_error(s.client.Get("/api/layers/incidents?parameter=DROP%20TABLE"), 400, "parameter"); }
  { SCOPED_TRACE("/api/layers/incidents?parameter=x'%20OR%20'1'='1"); expect_json_error(s.client.Get("/api/layers/incidents?parameter=x'%20OR%20'1'='1"), 400, "parameter"); }
  { SCOPED_TRACE("/api/layers/incidents?monht=2025-01"); expect_json_error(s.client.Get("/api/layers/incidents?monht=2025-01"), 400, "monht"); }
  { SCOPED_TRACE("/api/layers/incidents?from=2025-02&to=2025-01"); expect_json_error(s.client.Get("/api/layers/incidents?from=2025-02&to=2025-01"), 400, "from"); }
  { SCOPED_TRACE("/api/layers/incidents?bbox=1,2,3"); expect_json_error(s.client.Get("/api/layers/incidents?bbox=1,2,3"), 400, "bbox"); }
  { SCOPED_TRACE("/api/layers/incidents?bbox=10,60,9,61"); expect_json_error(s.client.Get("/api/layers/incidents?bbox=10,60,9,61"), 400, "bbox"); }
  { SCOPED_TRACE("/api/layers/incidents?bbox=nan,0,1,1"); expect_json_error(s.client.Get("/api/layers/incidents?bbox=nan,0,1,1"), 400, "bbox"); }
  { SCOPED_TRACE("/api/layers/incidents?limit=0"); expect_json_error(s.client.Get("/api/layers/incidents?limit=0"), 400, "limit"); }
  { SCOPED_TRACE("/api/layers/incidents?limit=-5"); expect_json_error(s.client.Get("/api/layers/incidents?limit=-5"), 400, "limit"); }
  { SCOPED_TRACE("/api/layers/incidents?fields=no_such_field"); expect_json_error(s.client.Get("/api/layers/incidents?fields=no_such_field"), 400, "fields"); }
  { SCOPED_TRACE("/api/layers/incidents?month=2025-01&month=2025-02"); expect_json_error(s.client.Get("/api/layers/incidents?month=2025-01&month=2025-02"), 400, "month"); }
  { SCOPED_TRACE("/api/layers/edges?month=2025-01"); expect_json_error(s.client.Get("/api/layers/edges?month=2025-01"), 400, "month"); }  // no month field
  { SCOPED_TRACE("/api/layers/lixels"); expect_json_error(s.client.Get("/api/layers/lixels"), 404, "layer"); }
  { SCOPED_TRACE("/api/layers/..%2Fmap"); expect_json_error(s.client.Get("/api/layers/..%2Fmap"), 404); }  // decoded to /api/layers/../map: no such endpoint
  { SCOPED_TRACE("/api/layers?x=1"); expect_json_error(s.client.Get("/api/layers?x=1"), 400); }
  { SCOPED_TRACE("/api/nothing"); expect_json_error(s.client.Get("/api/nothing"), 404); }
  { SCOPED_TRACE("/api/situation"); expect_json_error(s.client.Get("/api/situation"), 404, "situation"); }
  { SCOPED_TRACE("/api/scenarios/none"); expect_json_error(s.client.Get("/api/scenarios/none"), 404); }
  { SCOPED_TRACE("/api/scenarios/..%2F..%2Fsecret"); expect_json_error(s.client.Get("/api/scenarios/..%2F..%2Fsecret"), 404); }
  { SCOPED_TRACE("/api/scenarios/..secret"); expect_json_error(s.client.Get("/api/scenarios/..secret"), 400); }
  { SCOPED_TRACE("/api/export?layers=edges,../x"); expect_json_error(s.client.Get("/api/export?layers=edges,../x"), 400, "layers"); }
  { SCOPED_TRACE("/api/export"); expect_json_error(s.client.Get("/api/export"), 400, "layers"); }
}

TEST(Server, StaticFilesOnlyFromTheBundle) {
  Fixture f;
  Running s(f);
  auto r = s.client.Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("viewer"), std::string::npos);
  EXPECT_NE(r->get_header_value("Content-Type").find("text/html"), std::string::npos);
  r = s.client.Get("/assets/app.js");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->get_header_value("Content-Type").find("javascript"), std::string::npos);
  r = s.client.Head("/assets/app.js");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->body.empty());

  // Traversal in every spelling: raw, percent-encoded, double-encoded, via a
  // sibling folder with the same prefix, and a symlink out of the bundle.
  fs::create_symlink(f.secret, f.web / "link.txt");
  for (const char* p : {"/../secret.txt", "/%2e%2e/secret.txt", "/%2e%2e%2fsecret.txt", "/assets/../../secret.txt",
                        "/assets/%2e%2e/%2e%2e/secret.txt", "/..%5csecret.txt", "/%252e%252e/secret.txt",
                        "/../web-evil/x.txt", "/link.txt", "//etc/passwd", "/%00index.html"}) {
    r = s.client.Get(p);
    ASSERT_TRUE(r) << p;
    EXPECT_TRUE(r->status == 400 || r->status == 403 || r->status == 404) << p << " -> " << r->status;
    EXPECT_EQ(r->body.find("do not serve"), std::string::npos) << p;
    EXPECT_EQ(r->body.find("common prefix"), std::string::npos) << p;
    EXPECT_EQ(r->body.find("root:"), std::string::npos) << p;
  }
  expect_json_error(s.client.Get("/missing.js"), 404);
  expect_json_error(s.client.Post("/index.html", "x", "text/plain"), 405);
  expect_json_error(s.client.Put("/index.html", "x", "text/plain"), 405);
  expect_json_error(s.client.Delete("/index.html"), 405);
}

TEST(Server, RequestBodiesAreLimited) {
  Fixture f;
  Running s(f, {}, 4096);
  const std::string big(8192, ' ');
  auto r = s.client.Post("/api/jobs", big, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  // An over-long URL is refused by the HTTP layer before any handler runs.
  r = s.client.Get(("/api/layers/incidents?parameter=" + std::string(20000, 'a')).c_str());
  ASSERT_TRUE(r);
  EXPECT_GE(r->status, 400);
}

TEST(Server, ScenariosPlansAndSituation) {
  Fixture f;
  Running s(f);
  EXPECT_EQ(s.get_json("/api/scenarios")["scenarios"], json::array({"lighting"}));
  const json sc = s.get_json("/api/scenarios/lighting");
  EXPECT_EQ(sc["result"]["incidents"]["mean"], 90.5);
  ASSERT_EQ(sc["tables"]["areas"].size(), 2u);
  EXPECT_EQ(sc["tables"]["areas"][1]["area"], "Tuve, norra");
  EXPECT_EQ(sc["tables"]["areas"][0]["mean"], 10.5);
  EXPECT_EQ(s.get_json("/api/plan")["plan"], json::array({"watch_list"}));
  const json plan = s.get_json("/api/plan/watch_list");
  EXPECT_EQ(plan[1]["edge_id"], 1);
  // x, y in the run's CRS get lon, lat (the viewer flies to them); empty ones do not.
  EXPECT_NEAR(plan[0]["lon"].get<double>(), 18.0686, 2e-6);
  EXPECT_NEAR(plan[0]["lat"].get<double>(), 59.3293, 2e-6);
  EXPECT_FALSE(plan[1].contains("lon"));
  // A stage finishing while the server runs: the next request sees it, though
  // the answers before it were kept (the 404 is not; the new file has the same
  // size and may have the same modification time as the one it replaces).
  expect_json_error(s.client.Get("/api/situation"), 404, "situation");
  write(f.data / "situation.json.tmp", R"({"months":["2025-01","2025-02"],"total":5})");
  fs::rename(f.data / "situation.json.tmp", f.data / "situation.json");
  EXPECT_EQ(s.get_json("/api/situation")["total"], 5);
  EXPECT_EQ(s.get_json("/api/situation")["total"], 5);
  write(f.data / "situation.json.tmp", R"({"months":["2025-01","2025-02"],"total":6})");
  fs::rename(f.data / "situation.json.tmp", f.data / "situation.json");
  EXPECT_EQ(s.get_json("/api/situation")["total"], 6);
  write(f.data / "plan" / "watch_list.csv.tmp", "rank,edge_id,name,score,x,y\n1,1,Parkvägen,3.5,,\n");
  fs::rename(f.data / "plan" / "watch_list.csv.tmp", f.data / "plan" / "watch_list.csv");
  const json replanned = s.get_json("/api/plan/watch_list");
  ASSERT_EQ(replanned.size(), 1u);
  EXPECT_EQ(replanned[0]["edge_id"], 1);
  fs::remove(f.data / "plan" / "watch_list.csv");
  expect_json_error(s.client.Get("/api/plan/watch_list"), 404, "plan");
}

// The answers made from files (situation, catalogue, layer list, plan lists,
// exports) are kept within --cache-bytes, and a kept answer is the one made.
TEST(Server, KeptAnswersAreBoundedByBytes) {
  Fixture f;
  write(f.data / "situation.json", json{{"total", 5}, {"note", std::string(5000, 'x')}}.dump());
  for (const std::int64_t bytes : {std::int64_t{0}, std::int64_t{3000}, std::int64_t{1} << 20}) {
    SCOPED_TRACE(bytes);
    ServerOptions o = Running::make_options(f, 1 << 16);
    o.cache_bytes = bytes;
    Server server(o);
    httplib::Client c("127.0.0.1", server.start());
    std::map<std::string, std::string> first;
    for (int round = 0; round < 2; ++round)
      for (const char* path : {"/api/situation", "/api/catalogue", "/api/layers", "/api/plan/watch_list",
                               "/api/export?layers=edges"}) {
        auto r = c.Get(path);
        ASSERT_TRUE(r) << path;
        ASSERT_EQ(r->status, 200) << path << ": " << r->body;
        if (round == 0) {
          first[path] = r->body;
        } else if (r->body.rfind("SQLite format 3", 0) != 0 || bytes > 3000) {
          // A GeoPackage built again carries its own time of writing: only kept ones are equal.
          EXPECT_EQ(r->body, first[path]) << path;
        }
        EXPECT_LE(server.reply_cache_size(), static_cast<std::size_t>(bytes));
      }
    if (bytes == 0) {
      EXPECT_EQ(server.reply_cache_size(), 0u);
    } else if (bytes == 3000) {
      // The small answers are kept, not the 5 kB situation nor the GeoPackage.
      EXPECT_GT(server.reply_cache_size(), 0u);
    }
    server.stop();
  }
}

// A gzip member unpacked with zlib itself (not the server's code); "" and a
// failure if it is not one whole gzip stream.
std::string gunzip(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
  }
  inflateEnd(&zs);
  EXPECT_EQ(rc, Z_STREAM_END);
  EXPECT_EQ(zs.avail_in, 0u) << "bytes after the gzip member";
  return rc == Z_STREAM_END ? out : std::string();
}

// JSON and GeoJSON answers are gzipped exactly when the request's Accept-Encoding
// takes gzip, and unpacked they are the plain answer's bytes; kept answers (made
// once, then from the cache) and answers made per request alike, errors too.
TEST(Server, JsonAnswersAreGzippedWhenTheClientTakesGzip) {
  Fixture f;
  write(f.data / "situation.json", json{{"total", 5}, {"note", std::string(5000, 'x')}}.dump());
  Running s(f);
  s.client.set_decompress(false);  // the bytes as sent
  const std::vector<std::string> paths = {"/api/layers", "/api/layers/edges", "/api/layers/incidents?month=2025-02",
                                          "/api/situation", "/api/catalogue", "/api/plan/watch_list", "/api/scenarios",
                                          "/api/scenarios/lighting", "/api/jobs", "/api/layers/nosuch", "/api/nothing"};
  for (const auto& path : paths) {
    SCOPED_TRACE(path);
    auto plain = s.client.Get(path.c_str());
    ASSERT_TRUE(plain);
    EXPECT_FALSE(plain->has_header("Content-Encoding"));
    EXPECT_NE(plain->get_header_value("Content-Type").find("json"), std::string::npos);
    EXPECT_EQ(plain->get_header_value("Vary"), "Accept-Encoding");
    ASSERT_NO_THROW((void)json::parse(plain->body));
    for (const char* takes : {"gzip", "gzip, deflate, br", "br;q=1.0, GZIP;q=0.5", "*", "identity, *;q=0.1"}) {
      for (int round = 0; round < 2; ++round) {  // the second from the cache where the answer is kept
        SCOPED_TRACE(std::string(takes) + (round ? " (again)" : ""));
        auto packed = s.client.Get(path.c_str(), {{"Accept-Encoding", takes}});
        ASSERT_TRUE(packed);
        EXPECT_EQ(packed->status, plain->status);
        EXPECT_EQ(packed->get_header_value("Content-Encoding"), "gzip");
        EXPECT_EQ(packed->get_header_value("Vary"), "Accept-Encoding");
        EXPECT_EQ(packed->get_header_value("Content-Type"), plain->get_header_value("Content-Type"));
        EXPECT_EQ(gunzip(packed->body), plain->body);
      }
    }
    // Not asked, or refused: plain (httplib would have sent brotli for `br`).
    for (const char* refuses : {"br", "identity", "deflate", "gzip;q=0", "gzip;q=0.000, br", "*;q=0", "*, gzip;q=0", "gzip;q=x"}) {
      SCOPED_TRACE(refuses);
      auto r = s.client.Get(path.c_str(), {{"Accept-Encoding", refuses}});
      ASSERT_TRUE(r);
      EXPECT_FALSE(r->has_header("Content-Encoding"));
      EXPECT_EQ(r->body, plain->body);
    }
  }
  // The viewer's own files are not the server's to encode: httplib's rules as before.
  auto page = s.client.Get("/index.html");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->body, "<!doctype html><title>viewer</title>");
}

// The gzip forms share the caches' byte bounds with the plain answers.
TEST(Server, GzippedAnswersStayWithinTheCacheBytes) {
  Fixture f;
  write(f.data / "situation.json", json{{"total", 5}, {"note", std::string(5000, 'x')}}.dump());
  for (const std::int64_t bytes : {std::int64_t{0}, std::int64_t{2000}, std::int64_t{1} << 20}) {
    SCOPED_TRACE(bytes);
    ServerOptions o = Running::make_options(f, 1 << 16);
    o.cache_bytes = bytes;
    Server server(o);
    httplib::Client c("127.0.0.1", server.start());
    c.set_decompress(false);
    for (int round = 0; round < 2; ++round)
      for (const char* path : {"/api/situation", "/api/catalogue", "/api/layers", "/api/layers/edges"})
        for (const char* takes : {"gzip", ""}) {
          auto r = takes[0] ? c.Get(path, {{"Accept-Encoding", takes}}) : c.Get(path);
          ASSERT_TRUE(r) << path;
          EXPECT_EQ(r->status, 200) << path;
          EXPECT_LE(server.reply_cache_size(), static_cast<std::size_t>(bytes));
        }
    if (bytes == std::int64_t{1} << 20) EXPECT_GT(server.reply_cache_size(), 0u);
    server.stop();
  }
}

TEST(Server, ExportsTheFilteredViewAsGeoPackage) {
  Fixture f;
  Running s(f);
  auto r = s.client.Get("/api/export?layers=edges,incidents&month=2025-02");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  ASSERT_GT(r->body.size(), 16u);
  EXPECT_EQ(r->body.substr(0, 15), "SQLite format 3");
  const fs::path out = f.dir / "export.gpkg";
  write(out, r->body);
  // Read it back through a second server over a folder holding it as map.gpkg.
  Fixture g("server_export");
  fs::copy_file(out, g.data / "map.gpkg", fs::copy_options::overwrite_existing);
  Running s2(g);
  EXPECT_EQ(s2.get_json("/api/layers/incidents")["count"], 3);  // February only
  EXPECT_EQ(s2.get_json("/api/layers/edges")["count"], 2);      // streets kept whole
  expect_json_error(s.client.Get("/api/export?layers=lixels"), 404);
}

TEST(Server, JobsWithoutARunnerAre501) {
  Fixture f;
  Running s(f);
  auto r = s.client.Post("/api/jobs", R"({"kind":"intervention","intervention":{"type":"lighting","edges":[0]}})",
                         "application/json");
  expect_json_error(r, 501, "jobs");
  // Validation still comes first: a bad request is a 400, not a 501.
  expect_json_error(s.client.Post("/api/jobs", R"({"kind":"intervention","intervention":{"type":"lighting","edges":[7]}})",
                                  "application/json"),
                    400, "edges[0]");
}

TEST(Server, JobsNeedAResolvedScenario) {
  Fixture f;
  fs::remove(f.data / "resolved.yaml");
  Running s(f, [](const json& req, JobContext&) { return req; });
  EXPECT_EQ(s.get_json("/api/jobs")["rerunnable"], false);
  expect_json_error(s.client.Post("/api/jobs", R"({"kind":"intervention","intervention":{"type":"lighting","edges":[0]}})",
                                  "application/json"),
                    409, "jobs");
}

TEST(Server, JobRequestsAreValidated) {
  Fixture f;
  Running s(f, [](const json& req, JobContext&) { return json{{"echo", req}}; });
  auto bad = [&](const std::string& body, const std::string& where) {
    expect_json_error(s.client.Post("/api/jobs", body, "application/json"), 400, where);
  };
  bad("not json", "body");
  bad("[]", "request");
  bad(R"({"kind":"magic"})", "request.kind");
  bad(R"({"kind":"scenario","scenario":"../x"})", "request.scenario");
  bad(R"({"kind":"intervention"})", "request.intervention");
  bad(R"({"kind":"intervention","intervention":{"type":"laser","edges":[0]}})", "type");
  bad(R"({"kind":"intervention","intervention":{"type":"patrol"}})", "request.intervention");
  bad(R"({"kind":"intervention","intervention":{"type":"patrol","edges":[-1]}})", "edges[0]");
  bad(R"({"kind":"intervention","intervention":{"type":"patrol","edges":[0],"hours":[18,25]}})", "hours[1]");
  bad(R"({"kind":"intervention","intervention":{"type":"patrol","edges":[0],"hours":[5,5]}})", "hours");
  bad(R"({"kind":"intervention","intervention":{"type":"patrol","edges":[0],"weekdays":[0]}})", "weekdays[0]");
  bad(R"({"kind":"intervention","intervention":{"type":"patrol","edges":[0],"size":0}})", "size");
  bad(R"({"kind":"intervention","intervention":{"type":"patrol","edges":[0],"months":99}})", "months");
  bad(R"({"kind":"intervention","intervention":{"type":"patrol","edges":[0],"radius":5}})", "radius");
  bad(R"({"kind":"intervention","intervention":{"type":"adults","area":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]}}})", "area");
  bad(R"({"kind":"intervention","intervention":{"type":"adults","area":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,91],[0,0]]]}}})", "[2][1]");
  bad(R"({"kind":"intervention","intervention":{"type":"adults","area":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}})", "area");

  bad(R"({"kind":"plan","plans":[]})", "request.plans");
  bad(R"({"kind":"plan","plans":["patrol","lights"]})", "request.plans[1]");
  bad(R"({"kind":"plan","plans":["routes","routes"]})", "request.plans[1]");
  bad(R"({"kind":"plan","replicates":100})", "request.replicates");
  bad(R"({"kind":"plan","scenario":"x"})", "request.scenario");
  bad(R"({"kind":"scenario","scenario":"x","plans":["patrol"]})", "request.plans");

  // Plans: all three by default, in the stage's order whatever the request's.
  EXPECT_EQ(validate_job_request(json::parse(R"({"kind":"plan"})"), 2)["plans"],
            json::array({"patrol", "lighting", "routes"}));
  EXPECT_EQ(validate_job_request(json::parse(R"({"kind":"plan","plans":["routes","patrol"]})"), 2)["plans"],
            json::array({"patrol", "routes"}));
  const json v = validate_job_request(json::parse(R"({"kind":"intervention","intervention":{"type":"patrol","edges":[1,0,1]}})"), 2);
  EXPECT_EQ(v["intervention"]["edges"], json::array({0, 1}));
  EXPECT_EQ(v["intervention"]["hours"], json::array({18, 24}));
  EXPECT_EQ(v["intervention"]["weekdays"].size(), 7u);
  EXPECT_EQ(v["intervention"]["months"], 12);

  // Transit hosts on a line's stretch: the scenario grammar's `where: line`.
  bad(R"({"kind":"intervention","intervention":{"type":"transit_host"}})", "request.intervention.line");
  bad(R"({"kind":"intervention","intervention":{"type":"transit_host","line":"5","between":["Alfa"]}})", "between");
  bad(R"({"kind":"intervention","intervention":{"type":"transit_host","line":""}})", "line");
  bad(R"({"kind":"intervention","intervention":{"type":"patrol","edges":[0],"direction":"Delta"}})", "direction");
  const json t = validate_job_request(
      json::parse(R"({"kind":"intervention","intervention":{"type":"transit_host","line":"5","between":["Alfa","Beta"],"size":2}})"), 2);
  EXPECT_EQ(t["intervention"]["line"], "5");
  EXPECT_EQ(t["intervention"]["between"], json::array({"Alfa", "Beta"}));
  EXPECT_EQ(t["intervention"]["hours"], json::array({18, 24}));
  EXPECT_EQ(t["intervention"]["size"], 2);

  // The early rise: the scenario grammar's `reaction`, with its bounds.
  const std::string patrol = R"({"kind":"intervention","intervention":{"type":"patrol","edges":[0],"reaction":)";
  bad(patrol + R"(5}})", "request.intervention.reaction");
  bad(patrol + R"({"peak_rise":0.2}}})", "reaction.parameters");
  bad(patrol + R"({"parameters":[]}}})", "reaction.parameters");
  bad(patrol + R"({"parameters":[7]}}})", "reaction.parameters[0]");
  bad(patrol + R"({"parameters":["a"],"peak_rise":11}}})", "reaction.peak_rise");
  bad(patrol + R"({"parameters":["a"],"decay_weeks":0}}})", "reaction.decay_weeks");
  bad(patrol + R"({"parameters":["a"],"start":2}}})", "reaction");
  const json r = validate_job_request(json::parse(patrol + R"({"parameters":["public_disorder"],"peak_rise":0.3}}})"), 2);
  EXPECT_EQ(r["intervention"]["reaction"],
            json::parse(R"({"parameters":["public_disorder"],"peak_rise":0.3,"decay_weeks":4.0})"));
}

TEST(Server, JobsRunInTheBackgroundWithProgress) {
  Fixture f;
  std::atomic<bool> release{false};
  Running s(f, [&](const json& req, JobContext& ctx) {
    ctx.progress(0.5, "half way");
    while (!release) {
      ctx.throw_if_cancelled();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (req["intervention"]["size"] == 13) throw Error(ErrorCode::BadOption, "intervention.size", "unlucky");
    return json{{"edges", req["intervention"]["edges"]}};
  });
  auto r = s.client.Post("/api/jobs", R"({"kind":"intervention","intervention":{"type":"lighting","edges":[1,0],"size":3}})",
                         "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
  const std::string url = json::parse(r->body)["url"];
  json st;
  for (int i = 0; i < 12000; ++i) {
    st = s.get_json(url);
    if (st["state"] == "running" && st["progress"] == 0.5) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(st["state"], "running");
  EXPECT_EQ(st["message"], "half way");
  EXPECT_FALSE(st.contains("result"));
  release = true;
  for (int i = 0; i < 12000 && st["state"] == "running"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    st = s.get_json(url);
  }
  EXPECT_EQ(st["state"], "done");
  EXPECT_EQ(st["progress"], 1.0);
  EXPECT_EQ(st["result"]["edges"], json::array({0, 1}));

  // A failing job reports the engine's error; a cancelled one stops.
  release = true;
  r = s.client.Post("/api/jobs", R"({"kind":"intervention","intervention":{"type":"lighting","edges":[0],"size":13}})", "application/json");
  const std::string failing = json::parse(r->body)["url"];
  for (int i = 0; i < 12000 && (st = s.get_json(failing))["state"] != "failed"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(st["state"], "failed");
  EXPECT_EQ(st["error"]["code"], "BadOption");
  EXPECT_EQ(st["error"]["where"], "intervention.size");
  release = false;
  r = s.client.Post("/api/jobs", R"({"kind":"intervention","intervention":{"type":"lighting","edges":[0]}})", "application/json");
  const std::string id = json::parse(r->body)["id"];
  auto d = s.client.Delete(("/api/jobs/" + id).c_str());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, 200);
  for (int i = 0; i < 12000 && (st = s.get_json("/api/jobs/" + id))["state"] != "cancelled"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(st["state"], "cancelled");
  EXPECT_EQ(s.get_json("/api/jobs")["jobs"].size(), 3u);
  expect_json_error(s.client.Get("/api/jobs/999"), 404);
  expect_json_error(s.client.Get("/api/jobs/abc"), 404);
}

TEST(Server, AClientsNewWhatIfCancelsItsRunningOne) {
  Fixture f;
  // Gives a first answer, then waits for its release or its cancellation.
  std::atomic<int> released{0};
  Running s(f, [&](const json& req, JobContext& ctx) {
    ctx.partial(json{{"replicates", 100}, {"size", req["intervention"]["size"]}});
    while (released < req["intervention"]["size"].get<int>()) {
      ctx.throw_if_cancelled();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return json{{"replicates", 1000}, {"size", req["intervention"]["size"]}};
  });
  auto post = [&](int size, const char* client) {
    const std::string body = fmt::format(
        R"({{"kind":"whatif","client":"{}","intervention":{{"type":"patrol","edges":[0],"size":{}}}}})", client, size);
    auto r = s.client.Post("/api/jobs", body, "application/json");
    EXPECT_TRUE(r && r->status == 202) << (r ? r->body : "no answer");
    return std::string(json::parse(r->body)["url"]);
  };
  auto wait = [&](const std::string& url, auto done) {
    json st;
    for (int i = 0; i < 12000 && !done(st = s.get_json(url)); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return st;
  };
  const std::string first = post(1, "tab-1");
  json st = wait(first, [](const json& j) { return j.contains("partial"); });
  EXPECT_EQ(st["state"], "running");
  EXPECT_EQ(st["partial"]["replicates"], 100);
  const std::string second = post(2, "tab-1");
  st = wait(first, [](const json& j) { return j["state"] == "cancelled"; });
  EXPECT_EQ(st["state"], "cancelled");
  EXPECT_FALSE(st.contains("result"));
  EXPECT_FALSE(st.contains("partial")) << "a superseded first answer is withdrawn";
  // Another client's edit does not cancel this one.
  const std::string other = post(3, "tab-2");
  st = wait(second, [](const json& j) { return j.contains("partial"); });
  EXPECT_EQ(st["state"], "running");
  released = 3;
  st = wait(second, [](const json& j) { return j["state"] == "done"; });
  EXPECT_EQ(st["result"]["size"], 2);
  EXPECT_EQ(wait(other, [](const json& j) { return j["state"] == "done"; })["result"]["size"], 3);
  // client only with whatif, and a name.
  expect_json_error(s.client.Post("/api/jobs", R"({"kind":"intervention","client":"x","intervention":{"type":"patrol","edges":[0],"size":1}})",
                                  "application/json"), 400);
  expect_json_error(s.client.Post("/api/jobs", R"({"kind":"whatif","client":"../x","intervention":{"type":"patrol","edges":[0],"size":1}})",
                                  "application/json"), 400);
}

TEST(Server, RefusesAMissingRunFolderOrBundle) {
  Fixture f;
  ServerOptions o = Running::make_options(f, 1 << 16);
  o.data = (f.dir / "nope").string();
  EXPECT_THROW(Server{o}, Error);
  o = Running::make_options(f, 1 << 16);
  o.static_dir = (f.dir / "nope").string();
  EXPECT_THROW(Server{o}, Error);
}

// Real streets: the map stage on the Kouvola OSM extract with a few incidents,
// served back; every coordinate must land inside the extract's box.
TEST(Server, RealMapStageOutputReprojectsIntoTheExtract) {
  TRYGGVE_REQUIRE_SHARED("osm/kouvola_small.osm.pbf");
  Fixture f;
  const fs::path csv = f.dir / "incidents.csv";
  write(csv,
        "id,time,category,lat,lon\n"
        "1,2025-03-01T21:00:00+02:00,vandalism,60.5301,26.9452\n"
        "2,2025-03-02T22:10:00+02:00,robbery,60.5312,26.9501\n"
        "3,2025-04-05T23:00:00+03:00,vandalism,60.5350,26.9600\n"
        "4,2025-04-06T01:00:00+03:00,vandalism,10.0,10.0\n");  // far from any street: a reject
  pipeline::MapOptions mo;
  mo.streets = (test::shared_data() / "osm/kouvola_small.osm.pbf").string();
  mo.incidents = csv.string();
  mo.crs = "EPSG:3067";
  mo.timezone = "Europe/Helsinki";
  const auto result = pipeline::run_map(mo);
  pipeline::write_map(result, f.data / "map.gpkg");
  Running s(f);
  const json e = s.get_json("/api/layers/edges");
  ASSERT_GT(e["features"].size(), 100u);
  EXPECT_EQ(e["count"].get<std::size_t>(), e["features"].size());
  std::vector<std::pair<double, double>> pts;
  for (const auto& ft : e["features"]) positions(ft["geometry"]["coordinates"], pts);
  for (const auto& [lon, lat] : pts) {
    ASSERT_GT(lon, 26.90);
    ASSERT_LT(lon, 27.00);
    ASSERT_GT(lat, 60.50);
    ASSERT_LT(lat, 60.56);
  }
  const json inc = s.get_json("/api/layers/incidents");
  EXPECT_EQ(inc["count"], 3);
  EXPECT_EQ(s.get_json("/api/layers/incidents?month=2025-04")["count"], 1);
  EXPECT_EQ(s.get_json("/api/layers/rejects")["count"], 1);
  // The snapped incident stays within the snap distance of where it was reported.
  EXPECT_NEAR(inc["features"][0]["geometry"]["coordinates"][1].get<double>(), 60.5301, 0.001);
}
