#include "tryggve/server/server.hpp"

#include <chrono>
#include <thread>

#include <stdlib.h>  // mkdtemp, getenv
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <regex>
#include <semaphore>
#include <sstream>

#include <fmt/format.h>
#include <httplib.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/hotspot_classes.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/core/paths.hpp"
#include "http_server.hpp"
#include "reply_cache.hpp"
#include "tryggve/pipeline/run_folder.hpp"
#include "tryggve/privacy/public_data.hpp"

namespace fs = std::filesystem;
using nlohmann::json;


namespace tryggve::server {


namespace {

// As many requests as one connection may carry before httplib closes it (its
// default, 5, made a load tool's connections reconnect every fifth request).
constexpr std::size_t kKeepAliveRequests = 100;

// GeoPackage exports built at once per server; more wait. Each build writes a
// temporary file and holds its layers in memory: however many different exports
// are asked for, they cannot take all the cores or memory from the other answers.
constexpr std::ptrdiff_t kExportBuilds = 2;

// What a file is now: device, inode, size and modification time in ns, or "-"
// when it is absent. The stages replace files by rename, so a new file always
// shows a new stamp, whatever the clock's resolution.
std::string file_stamp(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return "-";
  return fmt::format("{}:{}:{}:{}.{}", st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

// The reply to `req` goes out whole, whatever its Range header asked for. The
// Request is httplib's own non-const object, handed to handlers as const.
void answer_whole(const httplib::Request& req) { const_cast<httplib::Request&>(req).ranges.clear(); }

// HTTP status for an engine error met while answering a request: the user's
// parameters are 400, a missing thing 404, a broken file on our side 500.
int http_status(ErrorCode c) {
  switch (c) {
    case ErrorCode::BadOption:
    case ErrorCode::BadValue:
    case ErrorCode::BadScenario:
    case ErrorCode::TooLarge:
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
    res.headers.erase("Content-Encoding");  // the error replaces whatever the handler had answered
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

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// 128 bits from the kernel's generator, as hex.
std::string random_token() {
  std::random_device rd;
  std::string out;
  for (int i = 0; i < 4; ++i) out += fmt::format("{:08x}", static_cast<std::uint32_t>(rd()));
  return out;
}

// Compares in time independent of where the texts differ.
bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d |= static_cast<unsigned char>(a[i] ^ b[i]);
  return d == 0;
}

std::string cookie_value(const std::string& cookies, const std::string& name) {
  std::size_t i = 0;
  while (i < cookies.size()) {
    std::size_t j = cookies.find(';', i);
    if (j == std::string::npos) j = cookies.size();
    std::string part = cookies.substr(i, j - i);
    const auto b = part.find_first_not_of(' ');
    if (b != std::string::npos) part = part.substr(b);
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    i = j + 1;
  }
  return {};
}

std::string json_text(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void send_json(httplib::Response& res, const json& j, int status = 200) {
  res.status = status;
  res.set_content(json_text(j), "application/json");
  res.set_header("Cache-Control", "no-store");
}

// Answers with the kept answer for (key, stamp), or makes it with `make` and
// keeps it. `make` returns the body, or nullopt when it has sent an error reply
// itself (errors are not kept; neither is anything when it throws). The stamp is
// taken before `make` reads the files: a file replaced meanwhile gives the next
// request a new stamp, never an old answer under a new one. A JSON answer to a
// request that takes gzip goes out gzipped, and that form is kept too, as its own
// entry within the same byte bound: a browser asks for it every time, and
// compressing the 390 kB situation once per request would cost more than reading it.
template <class Make>
void send_kept(const httplib::Request& req, ReplyCache& cache, const std::string& key, const std::string& stamp,
               const char* type, httplib::Response& res, Make&& make) {
  const bool packed = gzip_wanted(req, type);
  const std::string kept = packed ? key + "\ngzip" : key;
  auto body = cache.find(kept, stamp);
  if (!body) {
    const auto gate = cache.gate(kept);
    std::unique_lock<std::mutex> one_at_a_time;
    if (gate) one_at_a_time = std::unique_lock(*gate);
    body = cache.find(kept, stamp);  // made while this request waited
    if (!body) {
      std::shared_ptr<const std::string> plain = packed ? cache.find(key, stamp) : nullptr;
      if (!plain) {
        std::optional<std::string> made = make();
        if (!made) return;
        plain = std::make_shared<const std::string>(std::move(*made));
        cache.keep(key, stamp, plain);
      }
      body = packed ? std::make_shared<const std::string>(gzip(*plain)) : plain;
      if (packed) cache.keep(kept, stamp, body);
    }
  }
  res.status = 200;
  res.set_content(*body, type);
  if (packed) res.set_header("Content-Encoding", "gzip");
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

json layer_json(const LayerInfo& l, bool is_public) {
  json fields = json::array();
  for (const auto& [n, t] : l.fields)
    if (!is_public || privacy::public_field(n)) fields.push_back({{"name", n}, {"type", t}});
  return {{"name", l.name},         {"file", l.file.filename().string()}, {"geometry", l.geometry},
          {"features", l.features}, {"fields", fields},                    {"title_sv", l.title_sv},
          {"title_en", l.title_en}, {"url", "/api/layers/" + l.name}};
}

// The hotspot classes' names and colours (core/hotspot_classes.hpp), so the
// viewer's legend says what QGIS's and the report's say.
json classes_json() {
  json out = json::object();
  const auto add = [&](std::span<const hotspot_classes::ClassInfo> list) {
    for (const auto& c : list)
      out[std::string(c.code)] = {{"sv", c.label_sv},
                                  {"en", c.label_en},
                                  {"colour", fmt::format("#{:02x}{:02x}{:02x}", c.colour.r, c.colour.g, c.colour.b)}};
  };
  add(hotspot_classes::gistar());
  add(hotspot_classes::emerging());
  return out;
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
      .text("workspace", workspace, "Workspace GeoPackage to show read-only: months, picture, proposals, deployments, follow-ups")
      .text("static_dir", static_dir, "Folder with the built viewer (default: viewer/dist or share/tryggve/viewer)")
      .text("host", host, "Address to listen on; 127.0.0.1 keeps the viewer on this computer")
      .integer("port", port, "TCP port (0 = any free port)", 0, 65535)
      .integer("max_body_bytes", max_body_bytes, "Largest request body accepted (bytes)", 1024, 64 << 20)
      .integer("http_threads", threads,
               "HTTP worker threads, one per open connection (the simulation jobs use --threads)", 1, 1024)
      .integer("keep_alive_s", keep_alive_s, "Seconds an idle keep-alive connection keeps its HTTP worker", 1, 60)
      .integer("whatif_cache_mb", whatif_cache_mb,
               "Memory for the baselines kept for instant what-ifs (MB, least recently used dropped first)", 16, 1 << 20)
      .choice("audience", audience, "internal (analysts: incident points) or public (no points, counts below --min-count suppressed)",
              {"internal", "public"})
      .integer("min_count", min_count, "Public audience: counts below this are shown as <k", 2, 1000)
      .text("token", token, "Access token every request must carry (default: $TRYGGVE_TOKEN; generated when --host is not loopback)")
      .integer("max_jobs_per_client", max_jobs_per_client, "Background jobs queued or running per client address", 1, 64)
      .integer("max_jobs", max_jobs, "Background jobs queued or running in total", 1, 256)
      .integer("cache_bytes", cache_bytes,
               "Size of each cache of ready answers, GeoJSON layers and the others (bytes)", 0, std::int64_t{64} << 30);
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
  check_keys(req, {"kind", "scenario", "intervention", "plans", "replicates", "seed", "client"}, "request");
  const char* kinds = "must be \"scenario\", \"intervention\", \"whatif\" or \"plan\"";
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
  if (req.contains("client")) {
    // Who edits: a what-if from the same client cancels its previous one.
    if (req["kind"] != "whatif") throw Error(ErrorCode::BadOption, "request.client", "only with kind whatif");
    if (!req["client"].is_string() || !RunFolderReader::valid_name(req["client"]))
      throw Error(ErrorCode::BadOption, "request.client", "must be a name (letters, digits, _ - ., at most 100)");
    out["client"] = req["client"];
  }
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
  if (kind != "intervention" && kind != "whatif") throw Error(ErrorCode::BadOption, "request.kind", kinds);
  if (!req.contains("intervention") || !req["intervention"].is_object())
    throw Error(ErrorCode::BadOption, "request.intervention", "must be an object");
  const json& iv = req["intervention"];
  const std::string w = "request.intervention";
  check_keys(iv, {"type", "edges", "area", "hours", "weekdays", "size", "months", "name", "line", "between", "direction",
                  "reaction"},
             w);
  json o;
  if (!iv.contains("type") || !iv["type"].is_string() ||
      (iv["type"] != "lighting" && iv["type"] != "patrol" && iv["type"] != "adults" && iv["type"] != "transit_host"))
    throw Error(ErrorCode::BadOption, w + ".type", "must be lighting, patrol, adults or transit_host");
  o["type"] = iv["type"];
  // A line stretch (the scenario grammar's `where: line`, resolved against the run's feed).
  auto text = [&](const json& v, const std::string& wk) {
    if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>().size() > 200)
      throw Error(ErrorCode::BadOption, wk, "must be a text of 1 .. 200 characters");
    return v.get<std::string>();
  };
  if (iv.contains("line")) o["line"] = text(iv["line"], w + ".line");
  if (iv.contains("between")) {
    if (!o.contains("line")) throw Error(ErrorCode::BadOption, w + ".between", "applies to a line only");
    if (!iv["between"].is_array() || iv["between"].size() != 2)
      throw Error(ErrorCode::BadOption, w + ".between", "must be two stops [from, to]");
    o["between"] = json::array({text(iv["between"][0], w + ".between[0]"), text(iv["between"][1], w + ".between[1]")});
  }
  if (iv.contains("direction")) {
    if (!o.contains("line")) throw Error(ErrorCode::BadOption, w + ".direction", "applies to a line only");
    o["direction"] = text(iv["direction"], w + ".direction");
  }
  if (o["type"] == "transit_host" && !o.contains("line"))
    throw Error(ErrorCode::BadOption, w + ".line", "transit hosts ride a line: give line (and between: [from, to])");
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
  if (o["edges"].empty() && !o.contains("area") && !o.contains("line"))
    throw Error(ErrorCode::BadOption, w, "select at least one segment (edges), draw an area or choose a line");
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
  if (iv.contains("reaction")) {
    // The early rise (the scenario grammar's `reaction`): more trouble at first for the
    // chosen parameters, decaying over decay_weeks. The codes are checked against the
    // run's taxonomy when the scenario is resolved.
    const json& r = iv["reaction"];
    const std::string wr = w + ".reaction";
    if (!r.is_object()) throw Error(ErrorCode::BadOption, wr, "must be {parameters, peak_rise, decay_weeks}");
    check_keys(r, {"parameters", "peak_rise", "decay_weeks"}, wr);
    if (!r.contains("parameters") || !r["parameters"].is_array() || r["parameters"].empty() || r["parameters"].size() > 100)
      throw Error(ErrorCode::BadOption, wr + ".parameters", "must list 1 .. 100 parameter codes");
    json codes = json::array();
    for (std::size_t i = 0; i < r["parameters"].size(); ++i)
      codes.push_back(text(r["parameters"][i], fmt::format("{}.parameters[{}]", wr, i)));
    // The same bounds as the scenario grammar (scenario.cpp).
    o["reaction"] = {{"parameters", codes},
                     {"peak_rise", r.contains("peak_rise") ? number_in(r["peak_rise"], -1.0, 10.0, wr + ".peak_rise") : 0.0},
                     {"decay_weeks",
                      r.contains("decay_weeks") ? number_in(r["decay_weeks"], 0.01, 520.0, wr + ".decay_weeks") : 4.0}};
  }
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
  if (opt_.threads < 1 || opt_.threads > 1024) throw Error(ErrorCode::BadOption, "--http-threads", "must be in 1 .. 1024");
  if (opt_.keep_alive_s < 1 || opt_.keep_alive_s > 60) throw Error(ErrorCode::BadOption, "--keep-alive-s", "must be in 1 .. 60");
  if (opt_.cache_bytes < 0) throw Error(ErrorCode::BadOption, "--cache-bytes", "must be >= 0");
  if (opt_.token.empty())
    if (const char* env = std::getenv("TRYGGVE_TOKEN")) opt_.token = env;
  if (!opt_.token.empty() && (opt_.token.size() < 16 || opt_.token.size() > 256 ||
                              opt_.token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") != std::string::npos))
    throw Error(ErrorCode::BadOption, "--token", "must be 16 .. 256 letters, digits, '-', '.', '_' or '~'");
  // Beyond loopback anyone on the network can reach the server: it never runs
  // open there. A token nobody gave is made here and printed by `tryggve serve`.
  if (!loopback() && opt_.token.empty()) opt_.token = random_token();
  folder_ = std::make_unique<RunFolderReader>(opt_.data, static_cast<std::size_t>(opt_.cache_bytes));
  replies_ = std::make_shared<ReplyCache>(static_cast<std::size_t>(opt_.cache_bytes));
  if (!opt_.workspace.empty()) workspace_ = std::make_unique<WorkspaceView>(opt_.workspace);
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
  if (runner) {
    jobs_ = std::make_unique<JobQueue>(std::move(runner));
    jobs_->limits(static_cast<std::size_t>(opt_.max_jobs), static_cast<std::size_t>(opt_.max_jobs_per_client));
  }
  http_ = std::make_unique<HttpServer>();
  http_->set_payload_max_length(static_cast<std::size_t>(opt_.max_body_bytes));
  const int threads = opt_.threads;
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  http_->set_keep_alive_max_count(kKeepAliveRequests);
  http_->set_keep_alive_timeout(opt_.keep_alive_s);
  routes();
}

Server::~Server() { stop(); }

bool Server::loopback() const { return is_loopback(opt_.host); }

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

// As many requests as one connection may carry (the keep-alive count set above).
std::string Server::answer(std::string_view raw) { return http_->answer(raw, static_cast<int>(kKeepAliveRequests)); }

std::size_t Server::reply_cache_size() const { return replies_->bytes(); }

void Server::routes() {
  auto& s = *http_;
  // Handlers outlive this function: they hold the folder by pointer, never a
  // reference to a local.
  RunFolderReader* const fp = folder_.get();
  // Handlers keep answers made from the run folder's files here (file_stamp).
  ReplyCache* const replies = replies_.get();
  const fs::path map_gpkg = fp->dir() / outputs::kMapGpkg, hotspots_gpkg = fp->dir() / outputs::kHotspotsGpkg;

  // Engine errors become JSON errors with a status; anything else is a 500 that
  // still names the request, and is logged.
  // The handler itself must not throw (httplib would let it end the process).
  s.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) noexcept {
    answer_whole(req);
    try {
      std::rethrow_exception(ep);
    } catch (const Error& e) {
      send_error(res, http_status(e.code()), error_info(e.code()).name, without_paths(e.message()), without_paths(e.where()));
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
  const bool loopback = is_loopback(opt_.host);
  const std::string token = opt_.token;
  s.set_pre_routing_handler([loopback, token](const httplib::Request& req, httplib::Response& res) {
    if (!token.empty()) {
      // A first visit with ?token= sets the cookie and sends the browser on without
      // the token in its address bar (or history, or a Referer).
      if (req.has_param("token")) {
        if (!same_secret(req.get_param_value("token"), token)) {
          send_error(res, 401, "Unauthorized", "wrong access token", "query parameter token");
          return httplib::Server::HandlerResponse::Handled;
        }
        res.set_header("Set-Cookie", "tryggve_token=" + token + "; Path=/; HttpOnly; SameSite=Strict");
        std::string target = req.path.empty() ? "/" : req.path;
        std::string rest;
        for (const auto& [k, v] : req.params)
          if (k != "token") rest += (rest.empty() ? "?" : "&") + httplib::detail::encode_query_param(k) + "=" +
                                    httplib::detail::encode_query_param(v);
        res.set_redirect(target + rest, 303);
        return httplib::Server::HandlerResponse::Handled;
      }
      const std::string auth = req.get_header_value("Authorization");
      const bool bearer = auth.rfind("Bearer ", 0) == 0 && same_secret(auth.substr(7), token);
      const bool cookie = same_secret(cookie_value(req.get_header_value("Cookie"), "tryggve_token"), token);
      if (!bearer && !cookie) {
        res.set_header("WWW-Authenticate", "Bearer");
        send_error(res, 401, "Unauthorized",
                   "this server needs its access token: open the address tryggve serve printed (with ?token=), "
                   "or send Authorization: Bearer TOKEN",
                   "token");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    // A Range header is for the viewer's files: httplib would cut any routed
    // reply to the requested bytes, an API answer or an error too, and send the
    // pieces of a JSON document as the whole (found by the request fuzzer). The
    // static handler keeps them for the files it serves.
    if (req.method != "GET" || req.path.rfind("/api", 0) == 0) answer_whole(req);
    if (loopback) {
      std::string host = req.get_header_value("Host");
      if (const auto colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos)
        host = host.substr(0, colon);
      else if (host.rfind("[::1]", 0) == 0)
        host = "::1";
      if (!host.empty() && host != "127.0.0.1" && host != "localhost" && host != "::1") {
        answer_whole(req);
        send_error(res, 403, "Forbidden", "this server answers only requests addressed to 127.0.0.1 or localhost", "Host");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    if (req.method != "GET" && req.method != "HEAD" && req.has_header("Origin")) {
      const std::string origin = req.get_header_value("Origin");
      const std::string self = "http://" + req.get_header_value("Host");
      if (origin != self) {
        answer_whole(req);
        send_error(res, 403, "Forbidden", "cross-origin requests may not change anything", "Origin");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // httplib's own refusals (404 without a route, 413 too large, 414 URI too long,
  // 400 malformed) get a JSON body too.
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    answer_whole(req);  // an error reply is one JSON document, never a byte range of it
    if (!res.body.empty()) return;
    const char* msg = res.status == 404 ? "not found"
                      : res.status == 413 ? "request body too large"
                      : res.status == 414 ? "request URI too long"
                      : res.status == 405 ? "method not allowed"
                                          : "bad request";
    send_error(res, res.status, res.status == 413 ? "TooLarge" : res.status == 404 ? "NotFound" : "BadRequest", msg, req.path);
  });

  // The public audience: whole layers refused, count fields left out of the rest.
  const bool is_public = privacy::parse_audience(opt_.audience, "--audience") == privacy::Audience::Public;
  const privacy::SuppressionOptions suppression{opt_.min_count};
  auto refused = [is_public](const std::string& name, httplib::Response& res) {
    if (!is_public || privacy::public_layer(name)) return false;
    send_error(res, 403, "Forbidden",
               "this server is for the public audience: incident points and rejected rows are not shown "
               "(restart with --audience internal for analysts)",
               "layer " + name);
    return true;
  };
  // Public: the fields asked for must be public ones; none asked for means all public ones.
  auto public_fields = [is_public](const LayerInfo& l, LayerFilter& f, httplib::Response& res) {
    if (!is_public) return true;
    if (f.fields.empty()) {
      for (const auto& [n, t] : l.fields)
        if (privacy::public_field(n)) f.fields.push_back(n);
      return true;
    }
    for (const auto& n : f.fields)
      if (!privacy::public_field(n)) {
        send_error(res, 403, "Forbidden", "counts and free text are not shown to the public audience: " + n,
                   "query parameter fields");
        return false;
      }
    return true;
  };

  auto known_parameters = [fp] {
    std::vector<std::string> codes;
    const json cat = fp->incident_catalogue();  // kept alive: the loop runs over a part of it
    for (const auto& p : cat["parameters"]) codes.push_back(p["code"]);
    return codes;
  };

  s.Get("/api/layers", [fp, is_public, replies, map_gpkg, hotspots_gpkg](const httplib::Request& req, httplib::Response& res) {
    if (!req.params.empty()) return send_error(res, 400, "BadOption", "takes no query parameters", "query");
    send_kept(req, *replies, "layers", file_stamp(map_gpkg) + "|" + file_stamp(hotspots_gpkg), "application/json", res,
              [&]() -> std::optional<std::string> {
                json out = json::array();
                for (const auto& l : fp->layers())
                  if (!is_public || privacy::public_layer(l.name)) out.push_back(layer_json(l, is_public));
                return json_text({{"layers", out}, {"data", fp->dir().filename().string()},
                                  {"audience", is_public ? "public" : "internal"}, {"classes", classes_json()}});
              });
    res.set_header("Cache-Control", "no-store");
  });
  s.Get(R"(/api/layers/([^/]+))", [fp, known_parameters, refused, public_fields](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1];
    if (!RunFolderReader::valid_name(name)) return send_error(res, 400, "BadOption", "not a layer name", "layer");
    if (refused(name, res)) return;
    const auto info = fp->find_layer(name);
    if (!info) return send_error(res, 404, "LayerNotFound", "no layer '" + name + "' in this run folder (yet)", "layer");
    const bool filtered = req.has_param("parameter");
    LayerFilter f = parse_layer_filter(query_of(req), filtered ? known_parameters() : std::vector<std::string>{});
    if (!public_fields(*info, f, res)) return;
    if (gzip_wanted(req, "application/geo+json")) {
      res.set_content(fp->geojson_gzip(name, f), "application/geo+json");
      res.set_header("Content-Encoding", "gzip");
    } else {
      res.set_content(fp->geojson(name, f), "application/geo+json");
    }
    res.set_header("Cache-Control", "no-store");
  });
  // The workspace (read-only): 404 when the server was started without one.
  WorkspaceView* const wp = workspace_.get();
  // The workspace's tables hold unsuppressed counts: a public server does not show them.
  auto no_workspace = [is_public](httplib::Response& res) {
    if (is_public)
      return send_error(res, 403, "Forbidden", "the workspace is shown to the internal audience only", "workspace");
    send_error(res, 404, "NotFound", "no workspace: start the server with --workspace W", "workspace");
  };
  s.Get("/api/workspace", [wp, no_workspace, is_public](const httplib::Request&, httplib::Response& res) {
    if (!wp || is_public) return no_workspace(res);
    send_json(res, wp->summary());
  });
  auto month_param = [](const httplib::Request& req, httplib::Response& res, std::string& m) {
    m = req.get_param_value("month");
    if (WorkspaceView::valid_month(m)) return true;
    send_error(res, 400, "BadOption", "month= is required, as YYYY-MM", "month");
    return false;
  };
  s.Get("/api/workspace/picture", [wp, no_workspace, month_param, is_public](const httplib::Request& req, httplib::Response& res) {
    if (!wp || is_public) return no_workspace(res);
    std::string m;
    if (month_param(req, res, m)) send_json(res, wp->picture(m));
  });
  s.Get("/api/workspace/proposals", [wp, no_workspace, month_param, is_public](const httplib::Request& req, httplib::Response& res) {
    if (!wp || is_public) return no_workspace(res);
    std::string m;
    if (!month_param(req, res, m)) return;
    res.set_content(wp->proposals(m), "application/geo+json");
  });
  s.Get("/api/workspace/deployments", [wp, no_workspace, is_public](const httplib::Request&, httplib::Response& res) {
    if (!wp || is_public) return no_workspace(res);
    res.set_content(wp->deployments(), "application/geo+json");
  });
  s.Get("/api/workspace/followups", [wp, no_workspace, is_public](const httplib::Request& req, httplib::Response& res) {
    if (!wp || is_public) return no_workspace(res);
    const std::string d = req.get_param_value("deployment");
    static const std::regex digits(R"(^[0-9]{1,12}$)");
    if (!std::regex_match(d, digits))
      return send_error(res, 400, "BadOption", "deployment= is required, a deployment id", "deployment");
    send_json(res, wp->followups(std::stoll(d)));
  });
  s.Get("/api/catalogue", [fp, is_public, suppression, replies, map_gpkg](const httplib::Request& req, httplib::Response& res) {
    // Two SQL queries over the incidents: kept per map.gpkg, which holds them.
    send_kept(req, *replies, "catalogue", file_stamp(map_gpkg), "application/json", res, [&]() -> std::optional<std::string> {
      json cat = fp->incident_catalogue();
      if (is_public) {
        // Parameters and months each sum to the number of incidents.
        std::int64_t total = 0;
        for (const auto& p : cat["parameters"]) total += p.value("count", std::int64_t{0});
        privacy::suppress_list(cat["parameters"], total, suppression);
        privacy::suppress_list(cat["months"], total, suppression);
      }
      return json_text(cat);
    });
    res.set_header("Cache-Control", "no-store");
  });
  s.Get("/api/situation", [fp, is_public, suppression, replies](const httplib::Request& req, httplib::Response& res) {
    send_kept(req, *replies, "situation", file_stamp(fp->dir() / outputs::kSituationJson), "application/json", res,
              [&]() -> std::optional<std::string> {
                auto j = fp->situation();
                if (!j) {
                  send_error(res, 404, "NotFound", "no situation.json in this run folder (yet): run the situation stage", "situation");
                  return std::nullopt;
                }
                return json_text(is_public ? privacy::public_situation(*j, suppression) : *j);
              });
    res.set_header("Cache-Control", "no-store");
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
  s.Get(R"(/api/plan/([^/]+))", [fp, replies, map_gpkg](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1];
    if (!RunFolderReader::valid_name(name)) return send_error(res, 400, "BadOption", "not a plan name", "plan");
    // The list is plan/NAME.csv, else plan/NAME.json; its positions are projected with map.gpkg's CRS.
    const fs::path plan = fp->dir() / outputs::kPlanDir / name;
    const std::string stamp = file_stamp(fs::path(plan) += ".csv") + "|" + file_stamp(fs::path(plan) += ".json") + "|" +
                              file_stamp(map_gpkg);
    send_kept(req, *replies, "plan/" + name, stamp, "application/json", res, [&]() -> std::optional<std::string> {
      auto j = fp->plan(name);
      if (!j) {
        send_error(res, 404, "NotFound", "no plan list '" + name + "'", "plan");
        return std::nullopt;
      }
      return json_text(*j);
    });
    if (res.status == 200) res.set_header("Cache-Control", "no-store");
  });
  auto builds = std::make_shared<std::counting_semaphore<>>(kExportBuilds);
  s.Get("/api/export", [fp, known_parameters, refused, public_fields, is_public, replies, map_gpkg, hotspots_gpkg,
                        builds](const httplib::Request& req, httplib::Response& res) {
    auto q = query_of(req);
    if (!req.has_param("layers")) return send_error(res, 400, "BadOption", "give layers=name,name", "query parameter layers");
    const auto names = split_list(req.get_param_value("layers"));
    q.erase("layers");
    for (const auto& n : names)
      if (!RunFolderReader::valid_name(n)) return send_error(res, 400, "BadOption", "not a layer name: " + n, "query parameter layers");
    for (const auto& n : names)
      if (refused(n, res)) return;
    LayerFilter f = parse_layer_filter(q, req.has_param("parameter") ? known_parameters() : std::vector<std::string>{});
    if (is_public) {
      // One request, several layers: only fields public in every one, so ask per layer.
      if (!f.fields.empty()) {
        for (const auto& n : f.fields)
          if (!privacy::public_field(n))
            return send_error(res, 403, "Forbidden", "counts and free text are not shown to the public audience: " + n,
                              "query parameter fields");
      }
    }
    // The same view asked again (the filter's canonical text, the layers in their
    // order) is the GeoPackage already built, while the files it came from stay.
    std::string key = "export:";
    for (const auto& n : names) key += n + ",";
    key += "#" + f.key();
    send_kept(req, *replies, key, file_stamp(map_gpkg) + "|" + file_stamp(hotspots_gpkg), "application/geopackage+sqlite3", res,
              [&]() -> std::optional<std::string> {
                builds->acquire();
                struct Release {
                  std::counting_semaphore<>& s;
                  ~Release() { s.release(); }
                } release{*builds};
                // A private folder per request (mkdtemp: mode 0700, a name nobody can guess or
                // plant a link at), removed whatever happens.
                std::string templ = (fs::temp_directory_path() / "tryggve_export_XXXXXX").string();
                if (!::mkdtemp(templ.data())) {
                  send_error(res, 500, "OutputFailed", "no temporary folder for the export", "export");
                  return std::nullopt;
                }
                const fs::path dir = templ, tmp = dir / "view.gpkg";
                std::error_code ec;
                try {
                  fp->export_gpkg(names, f, tmp, is_public ? std::function<bool(const std::string&)>(
                                                                 [](const std::string& n) { return privacy::public_field(n); })
                                                           : std::function<bool(const std::string&)>{});
                } catch (...) {
                  fs::remove_all(dir, ec);
                  throw;
                }
                std::string body;
                const bool ok = read_file(tmp, body);
                fs::remove_all(dir, ec);
                if (!ok) {
                  send_error(res, 500, "OutputFailed", "export could not be read back", "export");
                  return std::nullopt;
                }
                return body;
              });
    if (res.status == 200) res.set_header("Content-Disposition", "attachment; filename=\"tryggve_view.gpkg\"");
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
    } catch (const json::exception& e) {  // parse_error, and out_of_range for a number like 1e999999
      return send_error(res, 400, "BadValue", std::string("body is not JSON: ") + e.what(), "body");  // names a byte, not a file
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
    const std::string supersedes = request.contains("client") ? "whatif:" + request["client"].get<std::string>() : "";
    std::string id;
    try {
      id = jobs->submit(std::move(request), req.remote_addr, supersedes);
    } catch (const JobQueue::Busy& e) {
      res.set_header("Retry-After", "10");
      return send_error(res, 429, "TooManyJobs", e.what(), "jobs");
    }
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
      return answer_whole(req), send_error(res, 400, "BadRequest", "bad path", "path");
    fs::path rel = fs::path(path.substr(1)).lexically_normal();
    if (!rel.empty() && (*rel.begin() == ".." || rel.is_absolute()))
      return answer_whole(req), send_error(res, 403, "Forbidden", "outside the viewer's folder", "path");
    fs::path file = root / rel;
    std::error_code ec;
    if (rel.empty() || fs::is_directory(file, ec)) file /= "index.html";
    // Resolving symlinks too: a link inside the bundle must not lead outside it.
    const fs::path real = fs::weakly_canonical(file, ec);
    if (ec || !inside(root, real))
      return answer_whole(req), send_error(res, 403, "Forbidden", "outside the viewer's folder", "path");
    std::string body;
    if (!fs::is_regular_file(real, ec) || !read_file(real, body))
      return answer_whole(req), send_error(res, 404, "NotFound", "no such file in the viewer", path);
    res.set_content(std::move(body), content_type(real));
    // Vite puts a content hash in asset names: they can be cached; index.html must not be.
    res.set_header("Cache-Control", real.filename() == "index.html" ? "no-cache" : "max-age=86400");
  });
}

}  // namespace tryggve::server
