// tryggve serve's request handling (server/server.hpp), in process: each input is
// the raw bytes of one connection (one or more pipelined HTTP/1.1 requests),
// answered by Server::answer through the same parsing, routes and error replies
// as a socket, on a small run folder made once (two streets, five incidents in
// two months, a park, a stop, a situation, a scenario, a plan list, a viewer
// page). Checks: every reply is HTTP/1.1 with a status; every JSON body parses
// (no invalid UTF-8 can leak into it); no request ends in a 500 (a handler met
// an exception other than tryggve::Error, i.e. an unchecked case).
#include "fuzz_common.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tryggve/core/error.hpp"
#include "tryggve/io/crs.hpp"
#include "tryggve/io/vector_writer.hpp"
#include "tryggve/server/server.hpp"

namespace fs = std::filesystem;

namespace tryggve::fuzz {

namespace {

void write(const fs::path& p, const std::string& s) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << s;
}

struct RunFolderFixture {
  fs::path dir;
  std::unique_ptr<server::Server> srv;
  RunFolderFixture() {
    dir = fs::temp_directory_path() / fmt::format("tryggve_fuzz_server_{}", ::getpid());
    fs::remove_all(dir);
    const fs::path data = dir / "run", web = dir / "web";
    write(web / "index.html", "<!doctype html><title>viewer</title>");
    write(web / "assets" / "app.js", "console.log('ok')");
    const double E = 674571.8664, N = 6580743.0083;
    {
      using io::FieldType;
      io::VectorWriter w(data / "map.gpkg", io::CrsContext::from_spec("EPSG:3006"));
      auto& edges = w.add_layer("edges", io::GeometryKind::Line,
                                {{"edge_id", FieldType::Int64}, {"length_m", FieldType::Real}, {"name", FieldType::String}});
      edges.add({0, 100.0, "Storgatan"}, Polyline{{E, N}, {E + 100, N}});
      edges.add({1, 100.0, "Parkvägen"}, Polyline{{E + 100, N}, {E + 100, N + 100}});
      auto& inc = w.add_layer("incidents", io::GeometryKind::Point,
                              {{"incident_id", FieldType::Int64}, {"month", FieldType::String},
                               {"parameter", FieldType::String}, {"parameter_sv", FieldType::String},
                               {"parameter_en", FieldType::String}, {"edge_id", FieldType::Int64},
                               {"text", FieldType::String}});
      inc.add({1, "2025-01", "vandalism", "Skadegörelse", "Vandalism", 0, "krossad ruta"}, Point{E, N});
      inc.add({2, "2025-01", "vandalism", "Skadegörelse", "Vandalism", 0, "klotter"}, Point{E + 50, N});
      inc.add({3, "2025-02", "robbery", "Rån", "Robbery", 1, "rån"}, Point{E + 100, N + 50});
      inc.add({4, "2025-02", "vandalism", "Skadegörelse", "Vandalism", 1, "\"citat\", komma"}, Point{E + 100, N + 60});
      inc.add({5, "2025-02", "robbery", "Rån", "Robbery", 0, ""}, Point{E + 20, N});
      auto& parks = w.add_layer("parks", io::GeometryKind::Polygon, {{"name", FieldType::String}});
      parks.add({"Lilla parken"},
                MultiPolygon{Polygon{Ring{{E, N + 10}, {E + 50, N + 10}, {E + 50, N + 60}, {E, N + 60}, {E, N + 10}}, {}}});
      auto& stops = w.add_layer("stops", io::GeometryKind::Point, {{"name", FieldType::String}});
      stops.add({"Torget"}, Point{E + 100, N});
      w.commit();
    }
    write(data / "situation.json", R"({"months":["2025-01","2025-02"],"units":[{"name":"Backa","level":3}]})");
    write(data / "scenarios" / "lighting" / "result.json", R"({"incidents":{"mean":90.5,"lo":80,"hi":101}})");
    write(data / "scenarios" / "lighting" / "areas.csv", "area,mean,lo,hi\nBacka,10.5,8,13\n\"Tuve, norra\",3,1,5\n");
    write(data / "resolved.yaml", "version: 1\n");
    write(data / "plan" / "watch_list.csv",
          "rank,edge_id,name,score,x,y\n1,0,Storgatan,2.5,674571.8664,6580743.0083\n2,1,Parkvägen,1.25,,\n");
    server::ServerOptions o;
    o.data = data.string();
    o.static_dir = web.string();
    o.port = 0;
    o.threads = 1;
    o.max_body_bytes = 1 << 16;
    // Jobs finish at once: the request's validation and the queue are what is fuzzed.
    srv = std::make_unique<server::Server>(o, [](const nlohmann::json& req, server::JobContext&) {
      return nlohmann::json{{"echo", req}};
    });
  }
  ~RunFolderFixture() {
    srv.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

// Splits concatenated replies by their heads and Content-Length.
void check_replies(std::string_view out, std::string_view input) {
  while (!out.empty()) {
    check(out.rfind("HTTP/1.1 ", 0) == 0, fmt::format("a reply that is not HTTP/1.1: '{}'", out.substr(0, 40)));
    const auto head_end = out.find("\r\n\r\n");
    check(head_end != std::string_view::npos, "a reply without the end of its head");
    const std::string_view head = out.substr(0, head_end);
    const int status = std::atoi(std::string(head.substr(9, 3)).c_str());
    check(status >= 200 && status < 600, fmt::format("status {}", status));
    std::size_t length = 0;
    std::string type;
    for (std::size_t p = head.find("\r\n"); p != std::string_view::npos;) {
      const auto q = head.find("\r\n", p + 2);
      const std::string_view line = head.substr(p + 2, q == std::string_view::npos ? std::string_view::npos : q - p - 2);
      if (line.rfind("Content-Length: ", 0) == 0) length = std::strtoul(std::string(line.substr(16)).c_str(), nullptr, 10);
      if (line.rfind("Content-Type: ", 0) == 0) type = std::string(line.substr(14));
      p = q;
    }
    // A reply to HEAD has a Content-Length and no body: the next reply (or the end) follows its head.
    const std::string_view after = out.substr(head_end + 4);
    const bool bodiless = length > 0 && (after.empty() || after.rfind("HTTP/1.1 ", 0) == 0) &&
                          !(length <= after.size() && (after.size() == length || after.substr(length).rfind("HTTP/1.1 ", 0) == 0));
    if (bodiless) length = 0;
    check(head_end + 4 + length <= out.size(), "a reply shorter than its Content-Length");
    const std::string_view body = out.substr(head_end + 4, length);
    // 206: the bytes of a viewer file a Range asked for, a piece by design.
    if (type.rfind("application/json", 0) == 0 && !body.empty() && status != 206) {
      try {
        const auto j = nlohmann::json::parse(body);
        check(!j.is_discarded(), "a JSON reply that does not parse");
      } catch (const std::exception& e) {
        bug(fmt::format("a JSON reply that does not parse ({}): {}", e.what(), body.substr(0, 200)));
      }
    }
    check(status != 500, fmt::format("a 500 for request '{}': {}", input.substr(0, 300), body.substr(0, 300)));
    out.remove_prefix(head_end + 4 + length);
  }
}

}  // namespace

int server(std::string_view input) {
  quiet();
  static RunFolderFixture fx;
  const std::string out = fx.srv->answer(input);
  check_replies(out, input);
  return 0;
}

}  // namespace tryggve::fuzz

TRYGGVE_FUZZ_ENTRY(server)
