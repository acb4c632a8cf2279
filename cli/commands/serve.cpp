// tryggve serve: the local web viewer over a run folder (see server/server.hpp).
#include <csignal>

#include <fmt/format.h>

#include "command.hpp"
#include "options_cli.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/server/scenario_runner.hpp"
#include "tryggve/server/server.hpp"

namespace tryggve::cli {
namespace {

server::Server* g_server = nullptr;

Registrar reg{{"serve", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description("Serve the web viewer and its API over a run folder (http://127.0.0.1:8080 by default)");
  auto opts = std::make_shared<server::ServerOptions>();
  auto set = std::make_shared<OptionSet>("serve");
  opts->declare(*set);
  auto bound = std::make_shared<BoundOptions>();
  bound->bind(app, *set);
  return [=] {
    bound->apply();
    // Jobs re-run the folder's resolved scenario with the library runner; the
    // prepared session (map + fit) is kept between jobs.
    server::ScenarioRunner runner(opts->data, static_cast<std::size_t>(opts->whatif_cache_mb) << 20);
    server::Server srv(*opts, runner.as_job_runner());
    const int port = srv.bind();
    // The line the e2e tests and scripts wait for: the address to open.
    fmt::print("tryggve serve: http://{}:{}/ (data {}, viewer {})\n", opts->host, port, opts->data,
               srv.static_root().string());
    if (!srv.token().empty())
      // Said at start: beyond loopback every request needs the token.
      fmt::print("access token required{}: open http://{}:{}/?token={} or send 'Authorization: Bearer {}'\n",
                 srv.loopback() ? "" : " (listening beyond this computer)", opts->host, port, srv.token(), srv.token());
    if (opts->audience == "public")
      fmt::print("audience public: no incident or reject layers, counts below {} suppressed\n", opts->min_count);
    std::fflush(stdout);
    g_server = &srv;
    // Ctrl-C stops the server cleanly (httplib's stop() only closes sockets).
    std::signal(SIGINT, [](int) { if (g_server) g_server->stop(); });
    std::signal(SIGTERM, [](int) { if (g_server) g_server->stop(); });
    srv.listen();
    g_server = nullptr;
    return 0;
  };
}}};

}  // namespace
}  // namespace tryggve::cli
