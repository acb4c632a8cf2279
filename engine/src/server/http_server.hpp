#pragma once
// httplib's server with one addition: a request can be answered in this process
// from bytes in memory, through exactly the code a socket connection runs
// (request parsing, pre-routing, routes, error and exception handlers), without
// a socket. Server::answer uses it; the request fuzzer (tests/fuzz/) calls that
// for every input, where a real connection would cost a round trip per input.
#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include <httplib.h>

namespace tryggve::server {

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
};

}  // namespace tryggve::server
