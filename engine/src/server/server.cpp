#include "tryggve/server/server.hpp"

#include <chrono>
#include <thread>

#include <stdlib.h>  // mkdtemp
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <httplib.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/core/paths.hpp"
#include "tryggve/pipeline/run_folder.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace tryggve::server {
namespace {

// HTTP status for an engine error met while answering a request: the user's
// parameters are 400, a missing thing 404, a broken file on our side 500.
int http_status(ErrorCode c) {
  switch (c) {
    case ErrorCode::BadOption:
    case ErrorCode::BadValue:
    case ErrorCode::BadScenario:
    case ErrorCode::Usage: return 400;
    case ErrorCode::LayerNotFound:
    case ErrorCode::FileNotFound: return 404;
    default: return 500;
  }
}

// Builds and sets an error reply; never throws. Its texts may carry what the
// client sent (a path, a name) and so any byte: invalid UTF-8 is replaced
// (U+FFFD) rather than making the dump throw, and if anything at all goes wrong
// the reply falls back to a fixed text. (A throwing error reply used to end the
// process: the exception handler's own exception escapes httplib's worker.)
void send_error(httplib::Response& res, int status, const std::string& code, const std::string& message,
                const std::string& where = {}) noexcept {
  try {
    res.status = status;
    json e = {{"status", status}, {"code", code}, {"message", message}};
    if (!where.empty()) e["where"] = where;
    res.set_content(json{{"error", e}}.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
  } catch (...) {
    try {
      res.status = 500;
      res.set_content(R"({"error":{"status":500,"code":"Internal","message":"internal error"}})", "application/json");
    } catch (...) {
    }
  }
}

void send_json(httplib::Response& res, const json& j, int status = 200) {
  res.status = status;
  res.set_content(j.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
  res.set_header("Cache-Control", "no-store");
}

std::multimap<std::string, std::string> query_of(const httplib::Request& req) {
  std::multimap<std::string, std::string> q;
  for (const auto& [k, v] : req.params) q.emplace(k, v);
  return q;
}

const char* content_type(const fs::path& p) {
  const std::string e = p.extension().string();
  if (e == ".html") return "text/html; charset=utf-8";
  if (e == ".js" || e == ".mjs") return "text/javascript; charset=utf-8";
  if (e == ".css") return "text/css; charset=utf-8";
  if (e == ".json" || e == ".map") return "application/json";
  if (e == ".svg") return "image/svg+xml";
  if (e == ".png") return "image/png";
  if (e == ".jpg" || e == ".jpeg") return "image/jpeg";
  if (e == ".ico") return "image/x-icon";
  if (e == ".woff2") return "font/woff2";
  if (e == ".pbf") return "application/x-protobuf";
  if (e == ".wasm") return "application/wasm";
  return "application/octet-stream";
}

// True if `p` is `root` or inside it, comparing whole path components (so
// /srv/dist-evil is not inside /srv/dist).
bool inside(const fs::path& root, const fs::path& p) {
  auto [r, q] = std::mismatch(root.begin(), root.end(), p.begin(), p.end());
  return r == root.end();
}

bool read_file(const fs::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = s.str();
  return true;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s + ",") {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

json layer_json(const LayerInfo& l) {
  json fields = json::array();
  for (const auto& [n, t] : l.fields) fields.push_back({{"name", n}, {"type", t}});
  return {{"name", l.name},         {"file", l.file.filename().string()}, {"geometry", l.geometry},
          {"features", l.features}, {"fields", fields},                    {"title_sv", l.title_sv},
          {"title_en", l.title_en}, {"url", "/api/layers/" + l.name}};
}

void check_keys(const json& obj, std::initializer_list<const char*> allowed, const std::string& where) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return it.key() == a; })) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      throw Error(ErrorCode::BadOption, where + "." + it.key(), "unknown key (allowed: " + list + ")");
    }
  }
}

double number_in(const json& v, double lo, double hi, const std::string& where) {
  if (!v.is_number()) throw Error(ErrorCode::BadOption, where, "must be a number");
  const double d = v.get<double>();
  if (!(d >= lo && d <= hi)) throw Error(ErrorCode::BadOption, where, fmt::format("must be in {} .. {}", lo, hi));
  return d;
}

}  // namespace

void ServerOptions::declare(OptionSet& o) {
  o.text("data", data, "Run folder to show (map.gpkg, hotspots.gpkg, situation.json, scenarios/ ...)")
      .text("static_dir", static_dir, "Folder with the built viewer (default: viewer/dist or share/tryggve/viewer)")
      .text("host", host, "Address to listen on; 127.0.0.1 keeps the viewer on this computer")
      .integer("port", port, "TCP port (0 = any free port)", 0, 65535)
      .integer("max_body_bytes", max_body_bytes, "Largest request body accepted (bytes)", 1024, 64 << 20)
      .integer("http_threads", threads, "HTTP worker threads (the simulation jobs use --threads)", 1, 64);
}

std::filesystem::path default_static_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> candidates;
  if (!ec) {
    candidates.push_back(exe.parent_path().parent_path() / "share" / "tryggve" / "viewer");
  }
  // The source tree (data_dir() is <source>/engine/data there).
  fs::path data = data_dir();
  if (!data.has_filename()) data = data.parent_path();
  candidates.push_back(data.parent_path().parent_path() / "viewer" / "dist");
  for (const auto& c : candidates)
    if (fs::is_regular_file(c / "index.html", ec)) return fs::canonical(c, ec);
  return {};
}

json validate_job_request(const json& req, std::int64_t edge_count) {
  if (!req.is_object()) throw Error(ErrorCode::BadOption, "request", "must be a JSON object");
  check_keys(req, {"kind", "scenario", "intervention", "plans", "replicates", "seed"}, "request");
  const char* kinds = "must be \"scenario\", \"intervention\" or \"plan\"";
  if (!req.contains("kind") || !req["kind"].is_string()) throw Error(ErrorCode::BadOption, "request.kind", kinds);
  json out = {{"kind", req["kind"]}};
  if (req["kind"] == "plan") {
    // The plan stage on the run's map: the plans named (default all three), written
    // into the folder's plan/ like `tryggve run` writes them.
    for (const char* k : {"scenario", "intervention", "replicates", "seed"})
      if (req.contains(k)) throw Error(ErrorCode::BadOption, std::string("request.") + k, "not allowed with kind plan");
    static const std::vector<std::string> all = {"patrol", "lighting", "routes"};
    std::vector<std::string> plans = all;
    if (req.contains("plans")) {
      const json& p = req["plans"];
      if (!p.is_array() || p.empty() || p.size() > all.size())
        throw Error(ErrorCode::BadOption, "request.plans", "must list one or more of patrol, lighting, routes");
      std::vector<std::string> asked;
      for (std::size_t i = 0; i < p.size(); ++i) {
        const std::string w = fmt::format("request.plans[{}]", i);
        if (!p[i].is_string() || std::find(all.begin(), all.end(), p[i].get<std::string>()) == all.end())
          throw Error(ErrorCode::BadOption, w, "must be patrol, lighting or routes");
        if (std::find(asked.begin(), asked.end(), p[i].get<std::string>()) != asked.end())
          throw Error(ErrorCode::BadOption, w, "named twice");
        asked.push_back(p[i]);
      }
      plans.clear();
      for (const auto& a : all)  // in the stage's order, whatever the request's
        if (std::find(asked.begin(), asked.end(), a) != asked.end()) plans.push_back(a);
    }
    out["plans"] = plans;
    return out;
  }
  if (req.contains("plans")) throw Error(ErrorCode::BadOption, "request.plans", "only with kind plan");
  if (req.contains("replicates"))
    // Bounded: one job's result tables grow with replicates x scenarios x parameters x areas x months.
    out["replicates"] = static_cast<int>(number_in(req["replicates"], 10, 5000, "request.replicates"));
  if (req.contains("seed")) {
    if (!req["seed"].is_number_unsigned()) throw Error(ErrorCode::BadOption, "request.seed", "must be a whole number >= 0");
    out["seed"] = req["seed"];
  }
  const std::string kind = req["kind"];
  if (kind == "scenario") {
    if (!req.contains("scenario") || !req["scenario"].is_string() || !RunFolderReader::valid_name(req["scenario"]))
      throw Error(ErrorCode::BadOption, "request.scenario", "must be a scenario name (letters, digits, _ - .)");
    if (req.contains("intervention")) throw Error(ErrorCode::BadOption, "request.intervention", "not allowed with kind scenario");
    out["scenario"] = req["scenario"];
    return out;
  }
  if (kind != "intervention") throw Error(ErrorCode::BadOption, "request.kind", kinds);
  if (!req.contains("intervention") || !req["intervention"].is_object())
    throw Error(ErrorCode::BadOption, "request.intervention", "must be an object");
  const json& iv = req["intervention"];
  const std::string w = "request.intervention";
  check_keys(iv, {"type", "edges", "area", "hours", "weekdays", "size", "months", "name"}, w);
  json o;
  if (!iv.contains("type") || !iv["type"].is_string() ||
      (iv["type"] != "lighting" && iv["type"] != "patrol" && iv["type"] != "adults"))
    throw Error(ErrorCode::BadOption, w + ".type", "must be lighting, patrol or adults");
  o["type"] = iv["type"];
  o["edges"] = json::array();
  if (iv.contains("edges")) {
    if (!iv["edges"].is_array()) throw Error(ErrorCode::BadOption, w + ".edges", "must be an array of edge ids");
    if (iv["edges"].size() > 100000) throw Error(ErrorCode::BadOption, w + ".edges", "at most 100000 edges");
    std::vector<std::int64_t> ids;
    for (std::size_t i = 0; i < iv["edges"].size(); ++i) {
      const json& e = iv["edges"][i];
      const std::string we = fmt::format("{}.edges[{}]", w, i);
      if (!e.is_number_integer() || e.get<std::int64_t>() < 0) throw Error(ErrorCode::BadOption, we, "must be an edge id >= 0");
      if (edge_count > 0 && e.get<std::int64_t>() >= edge_count)
        throw Error(ErrorCode::BadOption, we, fmt::format("no edge {} (the network has {})", e.get<std::int64_t>(), edge_count));
      ids.push_back(e.get<std::int64_t>());
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    o["edges"] = ids;
  }
  if (iv.contains("area")) {
    const json& a = iv["area"];
    const std::string wa = w + ".area";
    if (!a.is_object() || a.value("type", "") != "Polygon" || !a.contains("coordinates") || !a["coordinates"].is_array() ||
        a["coordinates"].empty() || !a["coordinates"][0].is_array())
      throw Error(ErrorCode::BadOption, wa, "must be a GeoJSON Polygon");
    const json& ring = a["coordinates"][0];
    if (ring.size() < 4 || ring.size() > 10000) throw Error(ErrorCode::BadOption, wa, "the ring needs 4 .. 10000 positions");
    for (std::size_t i = 0; i < ring.size(); ++i) {
      const std::string wp = fmt::format("{}.coordinates[0][{}]", wa, i);
      if (!ring[i].is_array() || ring[i].size() < 2) throw Error(ErrorCode::BadOption, wp, "must be [lon, lat]");
      number_in(ring[i][0], -180, 180, wp + "[0]");
      number_in(ring[i][1], -90, 90, wp + "[1]");
    }
    if (ring.front() != ring.back()) throw Error(ErrorCode::BadOption, wa, "the ring must be closed (first = last position)");
    o["area"] = json{{"type", "Polygon"}, {"coordinates", json::array({ring})}};
  }
  if (o["edges"].empty() && !o.contains("area"))
    throw Error(ErrorCode::BadOption, w, "select at least one segment (edges) or draw an area");
  const bool timed = o["type"] != "lighting";
  json hours = json::array({18, 24});
  if (iv.contains("hours")) {
    if (!iv["hours"].is_array() || iv["hours"].size() != 2) throw Error(ErrorCode::BadOption, w + ".hours", "must be [from, to]");
    const double a = number_in(iv["hours"][0], 0, 23, w + ".hours[0]");
    const double b = number_in(iv["hours"][1], 1, 24, w + ".hours[1]");
    if (a != std::floor(a) || b != std::floor(b)) throw Error(ErrorCode::BadOption, w + ".hours", "must be whole hours");
    if (a == b) throw Error(ErrorCode::BadOption, w + ".hours", "from and to must differ");
    hours = json::array({static_cast<int>(a), static_cast<int>(b)});
  }
  if (timed) o["hours"] = hours;
  json days = json::array({1, 2, 3, 4, 5, 6, 7});
  if (iv.contains("weekdays")) {
    if (!iv["weekdays"].is_array() || iv["weekdays"].empty() || iv["weekdays"].size() > 7)
      throw Error(ErrorCode::BadOption, w + ".weekdays", "must list 1 .. 7 weekdays (Monday = 1)");
    std::vector<int> d;
    for (std::size_t i = 0; i < iv["weekdays"].size(); ++i) {
      const double v = number_in(iv["weekdays"][i], 1, 7, fmt::format("{}.weekdays[{}]", w, i));
      if (v != std::floor(v)) throw Error(ErrorCode::BadOption, fmt::format("{}.weekdays[{}]", w, i), "must be a whole number");
      d.push_back(static_cast<int>(v));
    }
    std::sort(d.begin(), d.end());
    d.erase(std::unique(d.begin(), d.end()), d.end());
    days = d;
  }
  if (timed) o["weekdays"] = days;
  o["size"] = iv.contains("size") ? static_cast<int>(number_in(iv["size"], 1, 1000, w + ".size")) : 1;
  o["months"] = iv.contains("months") ? static_cast<int>(number_in(iv["months"], 1, 36, w + ".months")) : 12;
  if (iv.contains("name")) {
    if (!iv["name"].is_string() || iv["name"].get<std::string>().size() > 200)
      throw Error(ErrorCode::BadOption, w + ".name", "must be a text of at most 200 characters");
    o["name"] = iv["name"];
  } else {
    o["name"] = std::string(o["type"]) + " (viewer)";
  }
  out["intervention"] = o;
  return out;
}

Server::Server(ServerOptions options, JobRunner runner) : opt_(std::move(options)) {
  if (opt_.port < 0 || opt_.port > 65535) throw Error(ErrorCode::BadOption, "--port", "must be in 0 .. 65535");
  if (opt_.max_body_bytes < 1024) throw Error(ErrorCode::BadOption, "--max-body-bytes", "must be >= 1024");
  if (opt_.threads < 1 || opt_.threads > 64) throw Error(ErrorCode::BadOption, "--http-threads", "must be in 1 .. 64");
  folder_ = std::make_unique<RunFolderReader>(opt_.data);
  std::error_code ec;
  static_root_ = opt_.static_dir.empty() ? default_static_dir() : fs::path(opt_.static_dir);
  if (static_root_.empty())
    throw Error(ErrorCode::FileNotFound, "viewer bundle",
                "not built: run 'npm ci && npm run build' in viewer/ (tools/setup.sh viewer), or pass --static-dir");
  if (!fs::is_directory(static_root_, ec)) throw Error(ErrorCode::FileNotFound, static_root_.string(), "static folder does not exist");
  static_root_ = fs::canonical(static_root_, ec);
  // An empty root would make every path "inside" it: refuse rather than serve the disk.
  if (ec || static_root_.empty())
    throw Error(ErrorCode::FileUnreadable, opt_.static_dir.empty() ? "viewer bundle" : opt_.static_dir,
                "cannot resolve the static folder: " + ec.message());
  if (runner) jobs_ = std::make_unique<JobQueue>(std::move(runner));
  http_ = std::make_unique<httplib::Server>();
  http_->set_payload_max_length(static_cast<std::size_t>(opt_.max_body_bytes));
  const int threads = opt_.threads;
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  routes();
}

Server::~Server() { stop(); }

int Server::bind() {
  if (opt_.port == 0) {
    port_ = http_->bind_to_any_port(opt_.host);
    if (port_ <= 0) throw Error(ErrorCode::BadOption, opt_.host, "cannot bind to any port");
  } else {
    if (!http_->bind_to_port(opt_.host, opt_.port))
      throw Error(ErrorCode::BadOption, fmt::format("{}:{}", opt_.host, opt_.port), "cannot listen here (in use, or not an address of this computer)");
    port_ = opt_.port;
  }
  return port_;
}

void Server::listen() { http_->listen_after_bind(); }

int Server::start() {
  const int p = bind();
  thread_ = std::thread([this] { listen(); });
  // httplib's stop() does nothing until the listen loop runs: wait for it, so a
  // Server destroyed right after start() (a failed test, Ctrl-C) cannot hang in join().
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!http_->is_running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return p;
}

void Server::stop() {
  if (http_) http_->stop();
  if (thread_.joinable()) thread_.join();
}

void Server::routes() {
  auto& s = *http_;
  // Handlers outlive this function: they hold the folder by pointer, never a
  // reference to a local.
  RunFolderReader* const fp = folder_.get();

  // Engine errors become JSON errors with a status; anything else is a 500 that
  // still names the request, and is logged.
  // The handler itself must not throw (httplib would let it end the process).
  s.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) noexcept {
    try {
      std::rethrow_exception(ep);
    } catch (const Error& e) {
      send_error(res, http_status(e.code()), error_info(e.code()).name, e.message(), e.where());
    } catch (const std::exception& e) {
      // The details (paths, library messages) stay in the server's log, not in the answer.
      try { log::error("{} {}: {}", req.method, req.path, e.what()); } catch (...) {}
      send_error(res, 500, "Internal", "internal error (the server's log has the details)", req.path);
    } catch (...) {
      send_error(res, 500, "Internal", "internal error", req.path);
    }
  });
  // DNS rebinding: a remote page whose name resolves to 127.0.0.1 would send its own
  // name as Host. Bound to a loopback address, only loopback names are answered; a
  // cross-site Origin may not change anything.
  const bool loopback = opt_.host == "127.0.0.1" || opt_.host == "localhost" || opt_.host == "::1";
  s.set_pre_routing_handler([loopback](const httplib::Request& req, httplib::Response& res) {
    if (loopback) {
      std::string host = req.get_header_value("Host");
      if (const auto colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos)
        host = host.substr(0, colon);
      else if (host.rfind("[::1]", 0) == 0)
        host = "::1";
      if (!host.empty() && host != "127.0.0.1" && host != "localhost" && host != "::1") {
        send_error(res, 403, "Forbidden", "this server answers only requests addressed to 127.0.0.1 or localhost", "Host");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    if (req.method != "GET" && req.method != "HEAD" && req.has_header("Origin")) {
      const std::string origin = req.get_header_value("Origin");
      const std::string self = "http://" + req.get_header_value("Host");
      if (origin != self) {
        send_error(res, 403, "Forbidden", "cross-origin requests may not change anything", "Origin");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // httplib's own refusals (404 without a route, 413 too large, 414 URI too long,
  // 400 malformed) get a JSON body too.
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    const char* msg = res.status == 404 ? "not found"
                      : res.status == 413 ? "request body too large"
                      : res.status == 414 ? "request URI too long"
                      : res.status == 405 ? "method not allowed"
                                          : "bad request";
    send_error(res, res.status, res.status == 413 ? "TooLarge" : res.status == 404 ? "NotFound" : "BadRequest", msg, req.path);
  });

  auto known_parameters = [fp] {
    std::vector<std::string> codes;
    const json cat = fp->incident_catalogue();  // kept alive: the loop runs over a part of it
    for (const auto& p : cat["parameters"]) codes.push_back(p["code"]);
    return codes;
  };

  s.Get("/api/layers", [fp](const httplib::Request& req, httplib::Response& res) {
    if (!req.params.empty()) return send_error(res, 400, "BadOption", "takes no query parameters", "query");
    json out = json::array();
    for (const auto& l : fp->layers()) out.push_back(layer_json(l));
    send_json(res, {{"layers", out}, {"data", fp->dir().filename().string()}});
  });
  s.Get(R"(/api/layers/([^/]+))", [fp, known_parameters](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1];
    if (!RunFolderReader::valid_name(name)) return send_error(res, 400, "BadOption", "not a layer name", "layer");
    if (!fp->find_layer(name)) return send_error(res, 404, "LayerNotFound", "no layer '" + name + "' in this run folder (yet)", "layer");
    const bool filtered = req.has_param("parameter");
    const LayerFilter f = parse_layer_filter(query_of(req), filtered ? known_parameters() : std::vector<std::string>{});
    res.set_content(fp->geojson(name, f), "application/geo+json");
    res.set_header("Cache-Control", "no-store");
  });
  s.Get("/api/catalogue", [fp](const httplib::Request&, httplib::Response& res) {
    send_json(res, fp->incident_catalogue());
  });
  s.Get("/api/situation", [fp](const httplib::Request&, httplib::Response& res) {
    auto j = fp->situation();
    if (!j) return send_error(res, 404, "NotFound", "no situation.json in this run folder (yet): run the situation stage", "situation");
    send_json(res, *j);
  });
  s.Get("/api/scenarios", [fp](const httplib::Request&, httplib::Response& res) {
    send_json(res, {{"scenarios", fp->scenario_names()}});
  });
  s.Get(R"(/api/scenarios/([^/]+))", [fp](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1];
    if (!RunFolderReader::valid_name(name)) return send_error(res, 400, "BadOption", "not a scenario name", "scenario");
    auto j = fp->scenario(name);
    if (!j) return send_error(res, 404, "NotFound", "no scenario '" + name + "'", "scenario");
    send_json(res, *j);
  });
  s.Get("/api/plan", [fp](const httplib::Request&, httplib::Response& res) {
    send_json(res, {{"plan", fp->plan_names()}});
  });
  s.Get(R"(/api/plan/([^/]+))", [fp](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1];
    if (!RunFolderReader::valid_name(name)) return send_error(res, 400, "BadOption", "not a plan name", "plan");
    auto j = fp->plan(name);
    if (!j) return send_error(res, 404, "NotFound", "no plan list '" + name + "'", "plan");
    send_json(res, *j);
  });
  s.Get("/api/export", [fp, known_parameters](const httplib::Request& req, httplib::Response& res) {
    auto q = query_of(req);
    if (!req.has_param("layers")) return send_error(res, 400, "BadOption", "give layers=name,name", "query parameter layers");
    const auto names = split_list(req.get_param_value("layers"));
    q.erase("layers");
    for (const auto& n : names)
      if (!RunFolderReader::valid_name(n)) return send_error(res, 400, "BadOption", "not a layer name: " + n, "query parameter layers");
    const LayerFilter f = parse_layer_filter(q, req.has_param("parameter") ? known_parameters() : std::vector<std::string>{});
    // A private folder per request (mkdtemp: mode 0700, a name nobody can guess or
    // plant a link at), removed whatever happens.
    std::string templ = (fs::temp_directory_path() / "tryggve_export_XXXXXX").string();
    if (!::mkdtemp(templ.data())) return send_error(res, 500, "OutputFailed", "no temporary folder for the export", "export");
    const fs::path dir = templ, tmp = dir / "view.gpkg";
    std::error_code ec;
    try {
      fp->export_gpkg(names, f, tmp);
    } catch (...) {
      fs::remove_all(dir, ec);
      throw;
    }
    std::string body;
    const bool ok = read_file(tmp, body);
    fs::remove_all(dir, ec);
    if (!ok) return send_error(res, 500, "OutputFailed", "export could not be read back", "export");
    res.set_content(std::move(body), "application/geopackage+sqlite3");
    res.set_header("Content-Disposition", "attachment; filename=\"tryggve_view.gpkg\"");
  });

  JobQueue* jobs = jobs_.get();
  s.Post("/api/jobs", [fp, jobs](const httplib::Request& req, httplib::Response& res) {
    // A JSON content type needs a CORS preflight, so another web page in the user's
    // browser cannot start jobs with a "simple" text/plain POST.
    if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0)
      return send_error(res, 415, "BadValue", "POST /api/jobs takes Content-Type: application/json", "Content-Type");
    json body;
    try {
      body = json::parse(req.body);
    } catch (const json::parse_error& e) {
      return send_error(res, 400, "BadValue", std::string("body is not JSON: ") + e.what(), "body");
    }
    std::int64_t edges = 0;
    if (auto l = fp->find_layer(outputs::kEdgesLayer)) edges = l->features;
    json request = validate_job_request(body, edges);
    if (!jobs)
      return send_error(res, 501, "NotImplemented",
                        "this build of tryggve serve has no scenario runner (scenario/run.hpp): jobs cannot run", "jobs");
    std::error_code ec;
    if (!fs::is_regular_file(fp->dir() / outputs::kResolvedScenario, ec))
      return send_error(res, 409, "NoResolvedScenario",
                        "this run folder has no resolved.yaml, so it cannot be re-run: make it with "
                        "`tryggve run SCENARIO.yaml --out DIR` and serve that folder",
                        "jobs");
    const std::string id = jobs->submit(std::move(request));
    res.set_header("Location", "/api/jobs/" + id);
    send_json(res, {{"id", id}, {"url", "/api/jobs/" + id}}, 202);
  });
  s.Get("/api/jobs", [fp, jobs](const httplib::Request&, httplib::Response& res) {
    std::error_code ec;
    send_json(res, {{"jobs", jobs ? jobs->list() : json::array()},
                    {"runner", jobs != nullptr},
                    {"rerunnable", fs::is_regular_file(fp->dir() / outputs::kResolvedScenario, ec)}});
  });
  s.Get(R"(/api/jobs/([^/]+))", [jobs](const httplib::Request& req, httplib::Response& res) {
    auto st = jobs ? jobs->status(req.matches[1]) : std::nullopt;
    if (!st) return send_error(res, 404, "NotFound", "no job '" + std::string(req.matches[1]) + "'", "job");
    send_json(res, *st);
  });
  s.Delete(R"(/api/jobs/([^/]+))", [jobs](const httplib::Request& req, httplib::Response& res) {
    if (!jobs || !jobs->cancel(req.matches[1]))
      return send_error(res, 404, "NotFound", "no running job '" + std::string(req.matches[1]) + "'", "job");
    send_json(res, {{"id", std::string(req.matches[1])}, {"state", "cancelling"}});
  });
  // Unknown API paths are a JSON 404, whatever the method; other methods than
  // GET/HEAD on static paths are 405.
  auto api_not_found = [](const httplib::Request& req, httplib::Response& res) {
    send_error(res, 404, "NotFound", "no such API endpoint", req.path);
  };
  s.Get(R"(/api(/.*)?)", api_not_found);
  s.Post(R"(/api(/.*)?)", api_not_found);
  auto not_allowed = [](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Allow", "GET, HEAD");
    send_error(res, 405, "MethodNotAllowed", "static files are read-only (GET, HEAD)", req.path);
  };
  s.Post(R"(/.*)", not_allowed);
  s.Put(R"(/.*)", not_allowed);
  s.Delete(R"(/.*)", not_allowed);
  s.Patch(R"(/.*)", not_allowed);

  const fs::path root = static_root_;
  s.Get(R"(/.*)", [root](const httplib::Request& req, httplib::Response& res) {
    // httplib has percent-decoded the path: check the decoded form.
    const std::string& path = req.path;
    if (path.empty() || path[0] != '/' || path.find('\0') != std::string::npos || path.find('\\') != std::string::npos)
      return send_error(res, 400, "BadRequest", "bad path", "path");
    fs::path rel = fs::path(path.substr(1)).lexically_normal();
    if (!rel.empty() && (*rel.begin() == ".." || rel.is_absolute()))
      return send_error(res, 403, "Forbidden", "outside the viewer's folder", "path");
    fs::path file = root / rel;
    std::error_code ec;
    if (rel.empty() || fs::is_directory(file, ec)) file /= "index.html";
    // Resolving symlinks too: a link inside the bundle must not lead outside it.
    const fs::path real = fs::weakly_canonical(file, ec);
    if (ec || !inside(root, real)) return send_error(res, 403, "Forbidden", "outside the viewer's folder", "path");
    std::string body;
    if (!fs::is_regular_file(real, ec) || !read_file(real, body))
      return send_error(res, 404, "NotFound", "no such file in the viewer", path);
    res.set_content(std::move(body), content_type(real));
    // Vite puts a content hash in asset names: they can be cached; index.html must not be.
    res.set_header("Cache-Control", real.filename() == "index.html" ? "no-cache" : "max-age=86400");
  });
}

}  // namespace tryggve::server
