#pragma once
// httplib's server with two additions. A request can be answered in this process
// from bytes in memory, through exactly the code a socket connection runs
// (request parsing, pre-routing, routes, error and exception handlers), without
// a socket. Server::answer uses it; the request fuzzer (tests/fuzz/) calls that
// for every input, where a real connection would cost a round trip per input.
// And every JSON answer (application/json, application/geo+json) goes through
// encode(): gzip when the request's Accept-Encoding takes it, as it is otherwise.
#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include <httplib.h>

#include "gzip.hpp"

namespace tryggve::server {

// The answers this server compresses itself: its JSON (a GeoJSON layer is tens of
// MB as text and a tenth of that gzipped).
inline bool json_type(std::string_view type) { return type == "application/json" || type == "application/geo+json"; }

// Whether the answer to `req`, of `type`, goes out gzipped: a JSON answer to a
// request that takes gzip and asks for no byte range (a range of the whole, as the
// viewer's files are served, is httplib's to cut).
inline bool gzip_wanted(const httplib::Request& req, std::string_view type) {
  return json_type(type) && req.ranges.empty() && accepts_gzip(req.get_header_value("Accept-Encoding"));
}

// Makes a JSON answer gzip or plain as gzip_wanted says (a body a handler already
// encoded, Content-Encoding set, is left as it is), says so in Vary, and keeps
// httplib's own compression off it: that one would pick brotli at its slowest
// setting for every browser (which names br beside gzip), once per request, and
// send no Vary. Never throws: an answer that cannot be compressed goes out plain.
inline void encode(const httplib::Request& req, httplib::Response& res) noexcept {
  try {
    const std::string type = res.get_header_value("Content-Type");
    if (!json_type(type) || !req.ranges.empty()) return;
    if (!res.has_header("Content-Encoding") && !res.body.empty() && gzip_wanted(req, type)) {
      std::string packed = gzip(res.body);
      res.body.swap(packed);
      res.set_header("Content-Encoding", "gzip");
    }
    res.set_header("Vary", "Accept-Encoding");
  } catch (...) {
  }
  // httplib reads the request's Accept-Encoding when it writes the answer; the
  // Request is httplib's own non-const object, handed to handlers as const.
  const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");
}

// A connection whose client has sent `in` and then waits: reads end at the
// end of `in`, writes collect into `out`.
class MemoryStream final : public httplib::Stream {
 public:
  explicit MemoryStream(std::string_view in) : in_(in) {}
  bool is_readable() const override { return pos_ < in_.size(); }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const std::size_t n = std::min(size, in_.size() - pos_);
    std::memcpy(ptr, in_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override { ip = "127.0.0.1", port = 40000; }
  void get_local_ip_and_port(std::string& ip, int& port) const override { ip = "127.0.0.1", port = 8080; }
  socket_t socket() const override { return INVALID_SOCKET; }

  bool exhausted() const { return pos_ >= in_.size(); }
  std::string& out() { return out_; }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
  std::string out_;
};

class HttpServer final : public httplib::Server {
 public:
  // The routes and handlers, each answer through encode() (these hide httplib's
  // own, so a route cannot be registered around it).
  HttpServer& Get(const std::string& pattern, Handler h) { return add(&httplib::Server::Get, pattern, std::move(h)); }
  HttpServer& Post(const std::string& pattern, Handler h) { return add(&httplib::Server::Post, pattern, std::move(h)); }
  HttpServer& Put(const std::string& pattern, Handler h) { return add(&httplib::Server::Put, pattern, std::move(h)); }
  HttpServer& Patch(const std::string& pattern, Handler h) { return add(&httplib::Server::Patch, pattern, std::move(h)); }
  HttpServer& Delete(const std::string& pattern, Handler h) { return add(&httplib::Server::Delete, pattern, std::move(h)); }
  HttpServer& set_error_handler(Handler h) {
    httplib::Server::set_error_handler(encoding(std::move(h)));
    return *this;
  }
  HttpServer& set_exception_handler(ExceptionHandler h) {
    httplib::Server::set_exception_handler([h = std::move(h)](const httplib::Request& req, httplib::Response& res,
                                                             std::exception_ptr ep) {
      h(req, res, std::move(ep));
      encode(req, res);
    });
    return *this;
  }
  HttpServer& set_pre_routing_handler(HandlerWithResponse h) {
    httplib::Server::set_pre_routing_handler([h = std::move(h)](const httplib::Request& req, httplib::Response& res) {
      const auto r = h(req, res);
      if (r == HandlerResponse::Handled) encode(req, res);
      return r;
    });
    return *this;
  }

  // Every request in `raw` in turn (keep-alive, pipelined), as one connection
  // would be served, up to `max_requests`; the replies concatenated.
  std::string answer(std::string_view raw, int max_requests) {
    MemoryStream s(raw);
    for (int k = 0; k < max_requests && !s.exhausted(); ++k) {
      bool closed = false;
      const bool last = k + 1 == max_requests;
      if (!process_request(s, last, closed, [](httplib::Request&) {}) || closed) break;
    }
    return std::move(s.out());
  }

 private:
  static Handler encoding(Handler h) {
    return [h = std::move(h)](const httplib::Request& req, httplib::Response& res) {
      h(req, res);
      encode(req, res);
    };
  }
  using Route = httplib::Server& (httplib::Server::*)(const std::string&, Handler);
  HttpServer& add(Route method, const std::string& pattern, Handler h) {
    (this->*method)(pattern, encoding(std::move(h)));
    return *this;
  }
};

}  // namespace tryggve::server
