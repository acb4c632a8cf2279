// tryggve serve under hostile requests: raw bytes over a socket (paths, queries,
// methods, headers and bodies that a client library would refuse to send), after
// each of which the server must still answer a plain request. A request with a
// byte that is not valid UTF-8 in its path used to end the process: the error
// reply threw while it was being built, and the exception handler threw again.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <httplib.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_data.hpp"
#include "tryggve/server/server.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace tryggve;
using namespace tryggve::server;

namespace {

// Sends `raw` as it is and returns the reply: its head and as much body as its
// Content-Length says, or whatever came before the server closed or 1 s passed
// ("" when nothing came: a refused or dropped connection). The write side stays
// open: httplib drops a request whose client has already shut down its half.
std::string send_raw(int port, const std::string& raw) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  timeval tv{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    std::size_t sent = 0;
    while (sent < raw.size()) {
      const ssize_t n = ::send(fd, raw.data() + sent, raw.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    char buf[4096];
    for (;;) {
      const auto head = out.find("\r\n\r\n");
      if (head != std::string::npos) {
        std::size_t length = 0;
        const auto cl = out.find("Content-Length: ");
        if (cl != std::string::npos && cl < head) length = std::strtoul(out.c_str() + cl + 16, nullptr, 10);
        if (out.size() >= head + 4 + length) break;
      }
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return out;
}

std::string status_line(const std::string& reply) { return reply.substr(0, reply.find("\r\n")); }

// The JSON body of a reply, if it has one that parses.
std::optional<json> body_json(const std::string& reply) {
  const auto p = reply.find("\r\n\r\n");
  if (p == std::string::npos) return std::nullopt;
  try {
    return json::parse(reply.substr(p + 4));
  } catch (...) {
    return std::nullopt;
  }
}

struct Folder {
  fs::path dir, data, web;
  Folder() {
    dir = test::temp_dir("hostile");
    data = dir / "run";
    web = dir / "web";
    fs::create_directories(data);
    fs::create_directories(web);
    std::ofstream(web / "index.html") << "<!doctype html><title>viewer</title>";
  }
  ~Folder() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

std::vector<std::pair<std::string, std::string>> hostile_requests() {
  const std::string bad_utf8 = "\xff\xfe\xc3\x28\xe2\x82\xa1\xf0\x28\x8c\xbc";
  const std::string H = "Host: 127.0.0.1\r\n";
  std::vector<std::pair<std::string, std::string>> r = {
      {"invalid UTF-8 in the path", "GET /" + bad_utf8 + " HTTP/1.1\r\n" + H + "\r\n"},
      {"invalid UTF-8 in an API path", "GET /api/" + bad_utf8 + " HTTP/1.1\r\n" + H + "\r\n"},
      {"invalid UTF-8 percent-encoded", "GET /api/layers/%ff%fe%c3%28 HTTP/1.1\r\n" + H + "\r\n"},
      {"invalid UTF-8 in a scenario name", "GET /api/scenarios/%ff%c3 HTTP/1.1\r\n" + H + "\r\n"},
      {"invalid UTF-8 in a job id", "GET /api/jobs/%ff%c3%28 HTTP/1.1\r\n" + H + "\r\n"},
      {"invalid UTF-8 DELETE job", "DELETE /api/jobs/%ff%c3 HTTP/1.1\r\n" + H + "\r\n"},
      {"invalid UTF-8 static POST", "POST /%ff%c3 HTTP/1.1\r\n" + H + "Content-Length: 0\r\n\r\n"},
      {"invalid UTF-8 in a query key", "GET /api/layers/incidents?%ff%fe=1 HTTP/1.1\r\n" + H + "\r\n"},
      {"invalid UTF-8 in a query value", "GET /api/layers/incidents?month=%ff%fe HTTP/1.1\r\n" + H + "\r\n"},
      {"invalid UTF-8 in export layers", "GET /api/export?layers=%ff,%fe HTTP/1.1\r\n" + H + "\r\n"},
      {"invalid UTF-8 in the Host header", "GET /api/layers HTTP/1.1\r\nHost: " + bad_utf8 + "\r\n\r\n"},
      {"invalid UTF-8 in Origin", "POST /api/jobs HTTP/1.1\r\n" + H + "Origin: " + bad_utf8 + "\r\nContent-Length: 0\r\n\r\n"},
      {"invalid UTF-8 JSON body", "POST /api/jobs HTTP/1.1\r\n" + H + "Content-Type: application/json\r\nContent-Length: " +
                                      std::to_string(bad_utf8.size() + 4) + "\r\n\r\n\"" + bad_utf8 + "\"}\n"},
      {"JSON body with a bad string", "POST /api/jobs HTTP/1.1\r\n" + H + "Content-Type: application/json\r\nContent-Length: 24\r\n\r\n{\"kind\":\"\xff\xfe\xfd\",\"x\":1}"},
      {"NUL in the path", std::string("GET /a\0b HTTP/1.1\r\n", 19) + H + "\r\n"},
      {"percent-encoded NUL", "GET /a%00b HTTP/1.1\r\n" + H + "\r\n"},
      {"traversal", "GET /../../../../etc/passwd HTTP/1.1\r\n" + H + "\r\n"},
      {"encoded traversal", "GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\n" + H + "\r\n"},
      {"backslashes", "GET /..\\..\\etc\\passwd HTTP/1.1\r\n" + H + "\r\n"},
      {"no path", "GET  HTTP/1.1\r\n" + H + "\r\n"},
      {"relative path", "GET api/layers HTTP/1.1\r\n" + H + "\r\n"},
      {"absolute URI", "GET http://127.0.0.1/api/layers HTTP/1.1\r\n" + H + "\r\n"},
      {"unknown method", "BREW /api/layers HTTP/1.1\r\n" + H + "\r\n"},
      {"lower-case method", "get /api/layers HTTP/1.1\r\n" + H + "\r\n"},
      {"method of bytes", "\xff\xfe /api/layers HTTP/1.1\r\n" + H + "\r\n"},
      {"bad version", "GET /api/layers HTTP/9.9\r\n" + H + "\r\n"},
      {"no version", "GET /api/layers\r\n" + H + "\r\n"},
      {"garbage line", "\x01\x02\x03\x04\r\n\r\n"},
      {"only CRLF", "\r\n\r\n\r\n"},
      {"half a request", "GET /api/la"},
      {"header without colon", "GET /api/layers HTTP/1.1\r\n" + H + "NoColonHere\r\n\r\n"},
      {"very long header", "GET /api/layers HTTP/1.1\r\n" + H + "X-Long: " + std::string(20000, 'a') + "\r\n\r\n"},
      {"many headers", [&] { std::string s = "GET /api/layers HTTP/1.1\r\n" + H; for (int i = 0; i < 500; ++i) s += "X-" + std::to_string(i) + ": v\r\n"; return s + "\r\n"; }()},
      {"very long path", "GET /" + std::string(20000, 'a') + " HTTP/1.1\r\n" + H + "\r\n"},
      {"very long query", "GET /api/layers/incidents?" + std::string(9000, 'x') + "=1 HTTP/1.1\r\n" + H + "\r\n"},
      {"negative Content-Length", "POST /api/jobs HTTP/1.1\r\n" + H + "Content-Type: application/json\r\nContent-Length: -5\r\n\r\n{}"},
      {"huge Content-Length", "POST /api/jobs HTTP/1.1\r\n" + H + "Content-Type: application/json\r\nContent-Length: 99999999999999999999\r\n\r\n{}"},
      {"Content-Length not a number", "POST /api/jobs HTTP/1.1\r\n" + H + "Content-Type: application/json\r\nContent-Length: ten\r\n\r\n{}"},
      {"short body", "POST /api/jobs HTTP/1.1\r\n" + H + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{}"},
      {"bad chunked body", "POST /api/jobs HTTP/1.1\r\n" + H + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"},
      {"JSON nested deep", "POST /api/jobs HTTP/1.1\r\n" + H + "Content-Type: application/json\r\nContent-Length: 20000\r\n\r\n" + std::string(10000, '[') + std::string(10000, ']')},
      {"JSON number overflow", "POST /api/jobs HTTP/1.1\r\n" + H + "Content-Type: application/json\r\nContent-Length: 47\r\n\r\n{\"kind\":\"scenario\",\"replicates\":1e999999,\"a\":1}"},
      {"JSON wrong types", "POST /api/jobs HTTP/1.1\r\n" + H + "Content-Type: application/json\r\nContent-Length: 34\r\n\r\n{\"kind\":[1,2],\"intervention\":null}"},
      {"intervention with bad edges", "POST /api/jobs HTTP/1.1\r\n" + H + "Content-Type: application/json\r\nContent-Length: 70\r\n\r\n{\"kind\":\"intervention\",\"intervention\":{\"type\":\"patrol\",\"edges\":[1e300]}}"},
      {"bbox of bytes", "GET /api/layers/incidents?bbox=%ff,%fe,1,2 HTTP/1.1\r\n" + H + "\r\n"},
      {"bbox of NaN", "GET /api/layers/incidents?bbox=nan,nan,inf,-inf HTTP/1.1\r\n" + H + "\r\n"},
      {"limit huge", "GET /api/layers/incidents?limit=99999999999999999999999 HTTP/1.1\r\n" + H + "\r\n"},
      {"repeated parameters", "GET /api/layers/incidents?month=2025-01&month=2025-02&month=%ff HTTP/1.1\r\n" + H + "\r\n"},
      {"bad percent escapes", "GET /api/layers/%zz%%%g HTTP/1.1\r\n" + H + "\r\n"},
      {"Range header", "GET /index.html HTTP/1.1\r\n" + H + "Range: bytes=999999-1,-5,abc\r\n\r\n"},
      {"HEAD on the API", "HEAD /api/layers HTTP/1.1\r\n" + H + "\r\n"},
      {"OPTIONS", "OPTIONS /api/jobs HTTP/1.1\r\n" + H + "\r\n"},
      {"TRACE", "TRACE / HTTP/1.1\r\n" + H + "\r\n"},
      {"CONNECT", "CONNECT 127.0.0.1:22 HTTP/1.1\r\n" + H + "\r\n"},
      {"pipelined with bad second", "GET /api/layers HTTP/1.1\r\n" + H + "\r\nGET /\xff HTTP/1.1\r\n" + H + "\r\n"},
  };
  return r;
}

}  // namespace

TEST(ServerHostile, SurvivesEveryMalformedRequestAndKeepsAnswering) {
  Folder f;
  ServerOptions o;
  o.data = f.data.string();
  o.static_dir = f.web.string();
  o.port = 0;
  o.threads = 2;
  o.max_body_bytes = 1 << 16;
  Server server(o, {});
  const int port = server.start();
  httplib::Client ok("127.0.0.1", port);
  ok.set_read_timeout(5, 0);
  for (const auto& [what, raw] : hostile_requests()) {
    SCOPED_TRACE(what);
    const std::string reply = send_raw(port, raw);
    // Whatever came back is a well-formed error (or a plain answer); a JSON error
    // body must parse and carry a status.
    if (!reply.empty()) {
      EXPECT_EQ(reply.rfind("HTTP/1.1 ", 0), 0u) << status_line(reply);
      if (auto j = body_json(reply); j && j->contains("error")) {
        EXPECT_TRUE((*j)["error"].contains("status"));
      }
    }
    auto r = ok.Get("/api/layers");
    ASSERT_TRUE(r) << "the server stopped answering after: " << what;
    EXPECT_EQ(r->status, 200);
  }
}

TEST(ServerHostile, InvalidUtf8PathGetsA404WithValidJson) {
  Folder f;
  ServerOptions o;
  o.data = f.data.string();
  o.static_dir = f.web.string();
  o.port = 0;
  o.threads = 1;
  Server server(o, {});
  const int port = server.start();
  const std::string reply = send_raw(port, "GET /api/\xff\xfe HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  ASSERT_FALSE(reply.empty());
  EXPECT_EQ(status_line(reply), "HTTP/1.1 404 Not Found");
  const auto j = body_json(reply);
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)["error"]["status"], 404);
  // The invalid bytes are replaced, not passed on.
  EXPECT_NE((*j)["error"]["where"].get<std::string>().find("\xef\xbf\xbd"), std::string::npos);
}

// Server::answer (what the request fuzzer calls) is the same server as over a
// socket: the same status and body for every hostile request, without binding.
TEST(ServerHostile, AnswersInProcessAsOverASocket) {
  Folder f;
  ServerOptions o;
  o.data = f.data.string();
  o.static_dir = f.web.string();
  o.port = 0;
  o.threads = 1;
  o.max_body_bytes = 1 << 16;
  Server in_process(o, {});
  Server over_socket(o, {});
  const int port = over_socket.start();
  auto body = [](const std::string& r) { const auto p = r.find("\r\n\r\n"); return p == std::string::npos ? r : r.substr(p + 4); };
  int compared = 0;
  for (const auto& [what, raw] : hostile_requests()) {
    SCOPED_TRACE(what);
    const std::string a = in_process.answer(raw), b = send_raw(port, raw);
    if (b.empty()) continue;  // the socket closed without a reply (httplib drops some); nothing to compare
    EXPECT_EQ(status_line(a), status_line(b));
    // Pipelined requests: the socket reply holds what came before the server closed.
    if (a.size() == b.size()) EXPECT_EQ(body(a), body(b));
    ++compared;
  }
  EXPECT_GT(compared, 40);
  EXPECT_EQ(status_line(in_process.answer("GET /api/layers HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")), "HTTP/1.1 200 OK");
}

// Found by the request fuzzer (tests/fuzz/regressions/server/): httplib cuts any
// routed reply to a Range header's bytes, so a request with `Range: bytes=0-3`
// got the first four bytes of a JSON error (or of /api/layers, with status 200)
// as the whole answer. Ranges now apply to the viewer's files only.
TEST(ServerHostile, RangesApplyToViewerFilesOnly) {
  Folder f;
  ServerOptions o;
  o.data = f.data.string();
  o.static_dir = f.web.string();
  Server server(o, {});
  const std::string R = "Range: bytes=0-3\r\n";
  for (const std::string& raw :
       {"GET /api/layers HTTP/1.1\r\nHost: 127.0.0.1\r\n" + R + "\r\n",
        "GET /index.html HTTP/1.1\r\nHost: evil.example\r\n" + R + "\r\n",
        "GET /no-such-file HTTP/1.1\r\nHost: 127.0.0.1\r\n" + R + "\r\n",
        "GET /api/nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n" + R + "\r\n"}) {
    SCOPED_TRACE(raw);
    const std::string reply = server.answer(raw);
    EXPECT_TRUE(body_json(reply)) << reply;
  }
  const std::string file = server.answer("GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n" + R + "\r\n");
  EXPECT_EQ(status_line(file), "HTTP/1.1 206 Partial Content");
  EXPECT_EQ(file.substr(file.find("\r\n\r\n") + 4), "<!do");
}
