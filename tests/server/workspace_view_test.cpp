// tryggve serve --workspace: the month timeline, picture, proposals, deployments
// and follow-ups of a workspace made from the demo district with one month of
// actor files, over HTTP. Read-only (the file's bytes do not change), and error
// answers never name a path.
#include <httplib.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_data.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/server/server.hpp"
#include "tryggve/workspace/deploy.hpp"
#include "tryggve/workspace/intake.hpp"
#include "tryggve/workspace/workspace.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace tryggve;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

TEST(ServerWorkspace, ShowsTheMonthsOfAWorkspaceReadOnlyWithoutPathsInErrors) {
  const fs::path dir = test::temp_dir("server_workspace");
  demo::DemoOptions o;
  o.months = 1;
  o.volume_scale = 0.3;
  const fs::path d = dir / "district";
  demo::generate(o, d);
  pipeline::MapOptions mo;
  mo.streets = (d / "streets.osm").string();
  mo.areas = (d / "areas.gpkg").string();
  mo.stops = (d / "stops.gpkg").string();
  mo.crs = "EPSG:3006";
  const fs::path wsf = dir / "w.gpkg";
  {
    auto ws = workspace::Workspace::init(wsf.string(), mo);
    workspace::IntakeOptions io;
    io.actor = "polisen";
    workspace::intake(ws, {(d / "actors" / "2024-05" / "polisen_2024-05.csv").string()}, io);
    std::ofstream(dir / "insatser.yaml") << R"(deployments:
  - type: patrol
    name: Fotpatrull
    where: {edges: [0, 1, 2]}
    when: {hours: "18-24"}
    visits_per_week: 6
    start: 2024-05-10
)";
    workspace::deploy(ws, (dir / "insatser.yaml").string());
  }
  fs::create_directories(dir / "run");
  fs::create_directories(dir / "web");
  std::ofstream(dir / "web" / "index.html") << "<!doctype html>";
  const std::string before = slurp(wsf);

  server::ServerOptions so;
  so.data = (dir / "run").string();
  so.static_dir = (dir / "web").string();
  so.workspace = wsf.string();
  so.port = 0;
  so.threads = 2;
  server::Server srv(so);
  const int port = srv.start();
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(10, 0);

  auto get = [&](const std::string& path, int status) {
    auto r = c.Get(path.c_str());
    EXPECT_TRUE(r) << path;
    if (!r) return json();
    EXPECT_EQ(r->status, status) << path << ": " << r->body;
    EXPECT_EQ(r->body.find(dir.string()), std::string::npos) << path << " names a path: " << r->body;
    return json::parse(r->body);
  };
  const json s = get("/api/workspace", 200);
  ASSERT_EQ(s["months"].size(), 1u);
  EXPECT_EQ(s["months"][0]["month"], "2024-05");
  EXPECT_GT(s["months"][0]["incidents"].get<int>(), 10);
  EXPECT_EQ(s["deployments"], 1);
  EXPECT_EQ(get("/api/workspace/picture?month=2024-05", 200)["rows"].size(), 0u);  // no month assessed yet
  // A deployment carries its footprint (the streets it covers), in WGS84 for the map.
  const json deps = get("/api/workspace/deployments", 200);
  EXPECT_EQ(deps["type"], "FeatureCollection");
  ASSERT_EQ(deps["features"].size(), 1u);
  const json& g = deps["features"][0]["geometry"];
  ASSERT_TRUE(g.is_object()) << deps.dump();
  EXPECT_TRUE(g["type"] == "MultiPolygon" || g["type"] == "Polygon") << g["type"];
  const json& ring = g["type"] == "Polygon" ? g["coordinates"][0] : g["coordinates"][0][0];
  ASSERT_GE(ring.size(), 4u);
  for (const auto& p : ring) {
    EXPECT_NEAR(p[0].get<double>(), 11.95, 0.5) << "longitude";
    EXPECT_NEAR(p[1].get<double>(), 57.75, 0.5) << "latitude";
  }
  EXPECT_EQ(get("/api/workspace/proposals?month=2024-06", 200)["type"], "FeatureCollection");
  EXPECT_EQ(get("/api/workspace/followups?deployment=1", 200)["rows"].size(), 0u);
  EXPECT_EQ(get("/api/workspace/picture?month=2024-13", 400)["error"]["where"], "month");
  EXPECT_EQ(get("/api/workspace/picture?month=1'%20OR%201=1", 400)["error"]["where"], "month");
  EXPECT_EQ(get("/api/workspace/followups?deployment=x", 400)["error"]["where"], "deployment");
  srv.stop();
  EXPECT_EQ(slurp(wsf), before) << "the server changed the workspace file";

  // Without --workspace: a 404 that says how to get one.
  so.workspace.clear();
  server::Server plain(so);
  httplib::Client c2("127.0.0.1", plain.start());
  auto r = c2.Get("/api/workspace");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  plain.stop();
  // A file that is not a workspace is refused at start, naming the option, not the path.
  so.workspace = (d / "parks.gpkg").string();
  try {
    server::Server bad(so);
    FAIL() << "a GeoPackage without workspace_meta was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadWorkspace);
    EXPECT_EQ(std::string(e.what()).find(dir.string()), std::string::npos);
  }
}

}  // namespace
