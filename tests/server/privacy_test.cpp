// The public audience of tryggve serve (privacy/privacy.hpp): no incident or
// reject layers, no count fields, small counts suppressed; and error replies that
// name no file path of the server's.
#include <httplib.h>

#include <fstream>
#include <regex>
#include <atomic>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "privacy_checks.hpp"
#include "test_data.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/io/crs.hpp"
#include "tryggve/io/vector_writer.hpp"
#include "tryggve/server/server.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace tryggve;
using namespace tryggve::server;
using test::counts_in;

namespace {

void write(const fs::path& p, const std::string& s) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << s;
}

// Two segments, three incidents (a count of 2 and of 1), a reject, Gi* with counts,
// and a situation picture whose counts are 3 and 12 in two areas.
struct PrivacyRun {
  fs::path dir, data, web;
  explicit PrivacyRun(const std::string& name) {
    dir = test::temp_dir(name);
    data = dir / "run";
    web = dir / "web";
    fs::create_directories(data);
    write(web / "index.html", "<!doctype html><title>viewer</title>");
    const double E = 674571.8664, N = 6580743.0083;
    using io::FieldType;
    {
      io::VectorWriter w(data / "map.gpkg", io::CrsContext::from_spec("EPSG:3006"));
      auto& edges = w.add_layer("edges", io::GeometryKind::Line, {{"edge_id", FieldType::Int64}, {"name", FieldType::String}});
      edges.add({0, "Storgatan"}, Polyline{{E, N}, {E + 100, N}});
      edges.add({1, "Parkvägen"}, Polyline{{E + 100, N}, {E + 100, N + 100}});
      auto& inc = w.add_layer("incidents", io::GeometryKind::Point,
                              {{"incident_id", FieldType::Int64}, {"month", FieldType::String}, {"parameter", FieldType::String},
                               {"parameter_sv", FieldType::String}, {"parameter_en", FieldType::String}, {"text", FieldType::String}});
      inc.add({1, "2025-01", "vandalism", "Skadegörelse", "Vandalism", "klotter"}, Point{E, N});
      inc.add({2, "2025-01", "vandalism", "Skadegörelse", "Vandalism", "ruta"}, Point{E + 50, N});
      inc.add({3, "2025-02", "robbery", "Rån", "Robbery", "rån"}, Point{E + 100, N + 50});
      auto& rej = w.add_layer("rejects", io::GeometryKind::Point, {{"reason", FieldType::String}, {"raw", FieldType::String}});
      rej.add({"bad time", "Anna Andersson,2025-13-01"}, Point{E + 10, N});
      auto& stops = w.add_layer("stops", io::GeometryKind::Point, {{"name", FieldType::String}});
      stops.add({"Torget"}, Point{E + 100, N});
      w.commit();
    }
    {
      io::VectorWriter w(data / "hotspots.gpkg", io::CrsContext::from_spec("EPSG:3006"));
      auto& g = w.add_layer("gistar", io::GeometryKind::Line,
                            {{"edge_id", FieldType::Int64}, {"count", FieldType::Real}, {"z", FieldType::Real}});
      g.add({0, 2.0, 1.2}, Polyline{{E, N}, {E + 100, N}});
      g.add({1, 1.0, -0.3}, Polyline{{E + 100, N}, {E + 100, N + 100}});
      w.commit();
    }
    write(data / "situation.json", R"({"months":["2025-01","2025-02"],"units":[
      {"kind":"district","id":"d","name":"Backa","parameters":{
        "all":{"count":[15,16],"rate_per_km":[1,1],"change_prev_pct":[null,6.7],"level":[0,3],"trend":["x","x"]},
        "vandalism":{"count":[15,16],"rate_per_km":[1,1],"change_prev_pct":[null,6.7],"level":[0,3],"trend":["x","x"]}}},
      {"kind":"area","id":"a1","name":"Norr","parameters":{
        "all":{"count":[3,6],"rate_per_km":[0.3,0.6],"change_prev_pct":[null,100],"level":[0,3],"trend":["x","x"]},
        "vandalism":{"count":[3,6],"rate_per_km":[0.3,0.6],"change_prev_pct":[null,100],"level":[0,3],"trend":["x","x"]}}},
      {"kind":"area","id":"a2","name":"Söder","parameters":{
        "all":{"count":[12,10],"rate_per_km":[1.2,1],"change_prev_pct":[null,-16.7],"level":[0,3],"trend":["x","x"]},
        "vandalism":{"count":[12,10],"rate_per_km":[1.2,1],"change_prev_pct":[null,-16.7],"level":[0,3],"trend":["x","x"]}}}]})");
  }
  ~PrivacyRun() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  ServerOptions options(const std::string& audience) const {
    ServerOptions o;
    o.data = data.string();
    o.static_dir = web.string();
    o.port = 0;
    o.audience = audience;
    return o;
  }
};

}  // namespace

TEST(PublicServer, RefusesIncidentsAndRejectsAndShowsNoSmallCount) {
  const PrivacyRun run("server_public");
  Server srv(run.options("public"));
  httplib::Client c("127.0.0.1", srv.start());
  for (const char* layer : {"incidents", "rejects"}) {
    auto r = c.Get(std::string("/api/layers/") + layer);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << layer;
    EXPECT_NE(r->body.find("public audience"), std::string::npos) << r->body;
    auto e = c.Get(std::string("/api/export?layers=edges,") + layer);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->status, 403) << layer;
  }
  auto fields = c.Get("/api/layers/gistar?fields=count");
  ASSERT_TRUE(fields);
  EXPECT_EQ(fields->status, 403);

  auto list = c.Get("/api/layers");
  ASSERT_TRUE(list);
  const json layers = json::parse(list->body)["layers"];
  std::string names;
  for (const auto& l : layers) {
    names += l["name"].get<std::string>() + ",";
    EXPECT_NE(l["name"], "incidents");
    EXPECT_NE(l["name"], "rejects");
    for (const auto& f : l["fields"]) EXPECT_NE(f["name"], "count") << l["name"];
    // Every layer the public gets, as GeoJSON: no count property, no incident point.
    auto g = c.Get("/api/layers/" + l["name"].get<std::string>());
    ASSERT_TRUE(g);
    ASSERT_EQ(g->status, 200) << g->body;
    const json fc = json::parse(g->body);
    for (const auto& f : fc["features"]) {
      EXPECT_FALSE(f["properties"].contains("count")) << l["name"];
      EXPECT_FALSE(f["properties"].contains("text")) << l["name"];
    }
  }
  names.pop_back();
  auto e = c.Get("/api/export?layers=" + names);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 200) << e->body;
  EXPECT_EQ(e->body.rfind("SQLite format 3", 0), 0u);
  EXPECT_EQ(e->body.find("klotter"), std::string::npos);

  auto sit = c.Get("/api/situation");
  ASSERT_TRUE(sit);
  std::vector<json> counts;
  counts_in(json::parse(sit->body), counts);
  ASSERT_FALSE(counts.empty());
  std::size_t hidden = 0;
  for (const auto& x : counts) {
    EXPECT_FALSE(test::small(x)) << x;
    hidden += x == "<5";
  }
  // Norr's 3 in January, and Söder's 12 with it (the district total would give 3 back).
  EXPECT_GE(hidden, 4u) << sit->body;
  auto cat = c.Get("/api/catalogue");
  ASSERT_TRUE(cat);
  counts.clear();
  counts_in(json::parse(cat->body), counts);
  for (const auto& x : counts) EXPECT_FALSE(test::small(x)) << cat->body;
  srv.stop();
}

TEST(PublicServer, TheInternalServerShowsWhatThePublicOneHides) {
  const PrivacyRun run("server_internal");
  Server srv(run.options("internal"));
  httplib::Client c("127.0.0.1", srv.start());
  auto r = c.Get("/api/layers/incidents");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  auto sit = c.Get("/api/situation");
  ASSERT_TRUE(sit);
  std::vector<json> counts;
  counts_in(json::parse(sit->body), counts);
  EXPECT_TRUE(std::any_of(counts.begin(), counts.end(), [](const json& x) { return test::small(x); })) << "the test data must hold small counts";
  srv.stop();
}

TEST(ServerErrors, RepliesNameNoFilePath) {
  const PrivacyRun run("server_no_paths");
  write(run.data / "situation.json", "{ not json");
  write(run.data / "scenarios" / "broken" / "result.json", "[1,");
  Server srv(run.options("internal"));
  httplib::Client c("127.0.0.1", srv.start());
  const std::regex file_path(R"(/[^/\s"]+/[^/\s"]+)");
  for (const char* url : {"/api/situation", "/api/scenarios/broken", "/api/layers/nope", "/api/export?layers=nope",
                          "/api/layers/edges?month=2025-13", "/api/plan/nope", "/nope/deeper.js", "/api/jobs/zz"}) {
    auto r = c.Get(url);
    ASSERT_TRUE(r) << url;
    EXPECT_GE(r->status, 400) << url;
    const json e = json::parse(r->body)["error"];
    for (const char* k : {"message", "where"}) {
      const std::string text = e.value(k, "");
      EXPECT_EQ(text.find(run.dir.string()), std::string::npos) << url << ": " << text;
      // URL paths a client sent are fine; a server folder (two components outside the URL) is not.
      if (text.find(url) == std::string::npos && text.rfind("/api", 0) != 0 && text.rfind("/nope", 0) != 0) {
        EXPECT_FALSE(std::regex_search(text, file_path)) << url << ": " << text;
      }
    }
  }
  srv.stop();
}

TEST(ServerErrors, WithoutPathsKeepsTheFileName) {
  EXPECT_EQ(without_paths("/tmp/x/run/situation.json: not valid JSON"), "situation.json: not valid JSON");
  EXPECT_EQ(without_paths("no layer 'a/b' here"), "no layer 'a/b' here");
  EXPECT_EQ(without_paths("in '/srv/data/run/plan/x.csv', row 3"), "in 'x.csv', row 3");
  EXPECT_EQ(without_paths("/api"), "/api");
}

TEST(ServerToken, BeyondLoopbackEveryRequestNeedsTheToken) {
  const PrivacyRun run("server_token");
  ServerOptions o = run.options("internal");
  o.host = "0.0.0.0";
  Server srv(o);
  ASSERT_FALSE(srv.loopback());
  const std::string token = srv.token();
  ASSERT_GE(token.size(), 32u) << "generated when none was given";
  httplib::Client c("127.0.0.1", srv.start());
  for (const char* url : {"/api/layers", "/", "/api/situation"}) {
    auto r = c.Get(url);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << url;
    EXPECT_EQ(r->body.find(token), std::string::npos);
  }
  auto wrong = c.Get("/api/layers", {{"Authorization", "Bearer " + std::string(token.size(), 'x')}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto ok = c.Get("/api/layers", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  // The viewer: a first visit with ?token= sets a cookie and drops the token from the address.
  auto first = c.Get("/?token=" + token);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 303);
  EXPECT_EQ(first->get_header_value("Location"), "/");
  const std::string cookie = first->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  auto with_cookie = c.Get("/api/situation", {{"Cookie", cookie.substr(0, cookie.find(';'))}});
  ASSERT_TRUE(with_cookie);
  EXPECT_EQ(with_cookie->status, 200);
  auto bad_first = c.Get("/?token=nope");
  ASSERT_TRUE(bad_first);
  EXPECT_EQ(bad_first->status, 401);
  srv.stop();
}

TEST(ServerToken, AGivenTokenIsUsedAndATooShortOneRefused) {
  const PrivacyRun run("server_token_given");
  ServerOptions o = run.options("internal");
  o.token = "short";
  EXPECT_THROW(Server{o}, Error);
  o.token = "correct-horse-battery-staple";
  Server srv(o);  // loopback with a token: checked too
  EXPECT_TRUE(srv.loopback());
  httplib::Client c("127.0.0.1", srv.start());
  auto r = c.Get("/api/layers");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  auto ok = c.Get("/api/layers", {{"Authorization", "Bearer correct-horse-battery-staple"}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  srv.stop();
}

TEST(ServerBounds, TheGeoJsonCacheIsBoundedByBytes) {
  const PrivacyRun run("server_cache");
  RunFolderReader small(run.data, 3000);
  LayerFilter f;
  const std::string a = small.geojson("edges", f);
  ASSERT_LT(a.size(), 3000u);
  EXPECT_EQ(small.cache_size(), a.size());
  f.limit = 1;
  const std::string b = small.geojson("edges", f);
  EXPECT_LE(small.cache_size(), 3000u);
  f.limit = 0;
  f.fields = {"name"};
  small.geojson("edges", f);
  EXPECT_LE(small.cache_size(), 3000u);
  RunFolderReader none(run.data, 0);
  none.geojson("edges", LayerFilter{});
  EXPECT_EQ(none.cache_size(), 0u);
}

TEST(ServerBounds, JobsAreBoundedPerClientWith429) {
  const PrivacyRun run("server_jobs");
  std::atomic<bool> release{false};
  ServerOptions o = run.options("internal");
  o.max_jobs_per_client = 2;
  write(run.data / "resolved.yaml", "version: 1\n");
  Server srv(o, [&](const json&, JobContext& ctx) {
    while (!release && !ctx.cancel_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return json{{"ok", true}};
  });
  httplib::Client c("127.0.0.1", srv.start());
  const std::string body = R"({"kind":"scenario","scenario":"x"})";
  std::vector<int> statuses;
  for (int i = 0; i < 3; ++i) {
    auto r = c.Post("/api/jobs", body, "application/json");
    ASSERT_TRUE(r);
    statuses.push_back(r->status);
    if (r->status == 429) EXPECT_NE(r->body.find("per client"), std::string::npos) << r->body;
  }
  EXPECT_EQ(statuses, (std::vector<int>{202, 202, 429}));
  release = true;
  srv.stop();
}
