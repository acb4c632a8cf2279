#pragma once
// `tryggve serve`: the local web viewer and its JSON API over one run folder.
//
//   GET  /api/layers                  the layers that exist now (name, geometry, count, fields)
//   GET  /api/layers/NAME             GeoJSON in WGS84; month=, from=, to=, parameter=, bbox=, limit=
//   GET  /api/catalogue               parameters (sv/en names, counts) and months of the incidents
//   GET  /api/situation               situation.json
//   GET  /api/scenarios               scenario names; /api/scenarios/NAME its result and tables
//   GET  /api/plan, /api/plan/NAME    watch list, lighting ranking ... as JSON
//   GET  /api/export?layers=a,b&...   the filtered layers as a GeoPackage download
//   POST /api/jobs                    {"kind":"scenario","scenario":NAME},
//                                     {"kind":"intervention","intervention":{...}},
//                                     {"kind":"whatif","intervention":{...},"client":ID}
//                                     (answers on 100 replicates as "partial", then all;
//                                     the client's next what-if cancels this one) or
//                                     {"kind":"plan","plans":["patrol","lighting","routes"]}
//                                     (the plan stage, written into plan/) -> 202 {"id"}
//                                     (409 if the folder has no resolved.yaml to re-run)
//   GET  /api/jobs, /api/jobs/ID      status with progress; the result when done
//   DELETE /api/jobs/ID               cancel
//   GET  /api/workspace[/...]         with --workspace: months, picture, proposals,
//                                     deployments, follow-ups (server/workspace_view.hpp; read-only)
//   GET|HEAD anything else            the viewer's static files (index.html for "/")
//
// Safety for a laptop in a town hall: binds to 127.0.0.1 unless told otherwise;
// static files only from the bundle folder (the resolved path must stay inside
// it); request bodies limited (413); every query parameter validated (400 with
// a JSON error naming it); unknown API paths 404, wrong methods 405, all as
// {"error":{"status","code","message","where"}}.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include <nlohmann/json.hpp>

#include "tryggve/core/options.hpp"
#include "tryggve/server/jobs.hpp"
#include "tryggve/server/run_folder.hpp"
#include "tryggve/server/workspace_view.hpp"

namespace tryggve::server {

class HttpServer;  // httplib::Server with in-process answers (src/server/http_server.hpp)
class ReplyCache;  // answers kept per (request, the files' stamps), bounded by bytes (src/server/reply_cache.hpp)

struct ServerOptions {
  std::string data = "out/demo";   // the run folder
  std::string workspace;           // a workspace GeoPackage to show read-only ("" = none)
  std::string static_dir;          // the viewer bundle; "" = viewer/dist found from the executable / source tree
  std::string host = "127.0.0.1";
  int port = 8080;                 // 0 = any free port (tests)
  std::int64_t max_body_bytes = 1 << 20;
  // HTTP worker threads. httplib gives each open connection one worker for as
  // long as it stays open, so the pool is sized for connections, not cores: a
  // browser keeps about six, a room of viewers or a load tool (bench/README.md)
  // dozens. Idle threads cost only their stacks' address space.
  int threads = 64;
  // An idle keep-alive connection gives its worker back after this many seconds
  // (httplib's default, 5 s, kept a quiet browser tab's workers from everyone else).
  int keep_alive_s = 1;
  std::int64_t whatif_cache_mb = 2048;  // the kept what-if baselines (scenario_runner.hpp)
  // public (privacy/privacy.hpp): no incident or reject layers (403), no count
  // fields in layers and exports, situation and catalogue counts below min_count
  // suppressed ("<k") with their complements.
  std::string audience = "internal";
  std::int64_t min_count = 5;
  // Access token. Beyond loopback one is always required: given here (--token or
  // the TRYGGVE_TOKEN environment variable), or generated at start (token()).
  // Every request then carries it: "Authorization: Bearer TOKEN", or the cookie
  // set by a first visit to any page with ?token=TOKEN (so the viewer works).
  std::string token;
  // Background jobs queued or running at once, per client address and in total (429 beyond).
  int max_jobs_per_client = 2;
  int max_jobs = 8;
  // The size in bytes (not entries: one layer can be 50 MB) of each of the two
  // caches of ready answers: GeoJSON layers (RunFolderReader), and the other answers
  // made from files (situation, catalogue, layer list, plan lists, exports).
  std::int64_t cache_bytes = 256 << 20;

  void declare(OptionSet& o);
};

// Validates a job request and returns it normalised (defaults filled in).
// Throws Error(BadOption, "<json path>", reason). `edge_count` bounds edge ids
// (0 = not checked). A plan job names its plans (default all three, returned in
// the order patrol, lighting, routes). The intervention shape:
//   {"type":"lighting|patrol|adults", "edges":[ids] and/or
//    "area":{GeoJSON Polygon in WGS84}, "hours":[from,to] (0..24, local time),
//    "weekdays":[1..7] (Monday = 1), "size": lamps | officers | adults (1..1000),
//    "months": forecast months (1..36), "name": text}
nlohmann::json validate_job_request(const nlohmann::json& request, std::int64_t edge_count);

// The viewer bundle next to the executable (../share/tryggve/viewer) or in the
// source tree (viewer/dist); "" if neither exists.
std::filesystem::path default_static_dir();

class Server {
 public:
  // `runner` runs validated job requests; without one POST /api/jobs answers
  // 501 naming what is missing. Throws Error(FileNotFound) for a missing run folder
  // or static folder, Error(BadOption) for bad options.
  Server(ServerOptions options, JobRunner runner = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the socket; returns the port (the chosen one when options.port is 0).
  // Throws Error(BadOption) naming host:port if it cannot bind.
  int bind();
  // Serves until stop() (call bind() first).
  void listen();
  // bind() + listen() on a background thread; returns the port.
  int start();
  void stop();

  // Answers the raw HTTP/1.1 request(s) in `raw` (the bytes a client would
  // send, pipelined requests included) in this process, through the same
  // parsing, routes and error replies as a socket connection, and returns the
  // raw reply bytes. Needs no bind(). The request fuzzer (tests/fuzz/) calls it
  // for every input.
  std::string answer(std::string_view raw);

  RunFolderReader& run_folder() { return *folder_; }
  // Bytes held now by the cache of other answers (never above cache_bytes).
  std::size_t reply_cache_size() const;
  // The access token every request must carry; "" on loopback without --token.
  const std::string& token() const { return opt_.token; }
  // True when bound beyond loopback (the token is then required).
  bool loopback() const;
  const std::filesystem::path& static_root() const { return static_root_; }

 private:
  void routes();
  ServerOptions opt_;
  std::filesystem::path static_root_;
  std::unique_ptr<RunFolderReader> folder_;
  std::shared_ptr<ReplyCache> replies_;
  std::unique_ptr<WorkspaceView> workspace_;
  std::unique_ptr<JobQueue> jobs_;
  std::unique_ptr<HttpServer> http_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace tryggve::server
