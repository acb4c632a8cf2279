#include "gzip.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

#include <zlib.h>

#include "tryggve/core/error.hpp"

namespace tryggve::server {

std::string gzip(std::string_view text) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip header and trailer around the deflate stream.
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error(ErrorCode::Internal, "gzip", "zlib could not start");
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(text.size())));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  // avail_in and avail_out are 32 bits: a body above 4 GB goes in pieces.
  constexpr std::size_t kStep = std::numeric_limits<uInt>::max();
  std::size_t in_left = text.size(), out_left = out.size();
  int rc = Z_OK;
  while (rc == Z_OK) {
    const std::size_t in = std::min(in_left, kStep), room = std::min(out_left, kStep);
    zs.avail_in = static_cast<uInt>(in);
    zs.avail_out = static_cast<uInt>(room);
    rc = deflate(&zs, in == in_left ? Z_FINISH : Z_NO_FLUSH);
    in_left -= in - zs.avail_in;
    out_left -= room - zs.avail_out;
    if (rc == Z_BUF_ERROR && zs.avail_out == 0 && out_left > 0) rc = Z_OK;  // only the 4 GB piece was full
  }
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw Error(ErrorCode::Internal, "gzip", "zlib could not compress an answer");
  out.resize(out.size() - out_left);
  return out;
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool same_word(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// A q-value (RFC 9110, 12.4.2: "0" to "1" with up to three decimals) above 0.
// Parameters other than q are ignored; a q that does not parse counts as 0.
bool weight_above_zero(std::string_view params) {
  while (!params.empty()) {
    const auto semi = params.find(';');
    std::string_view p = trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
    if (p.size() < 2 || !same_word(p.substr(0, 2), "q=")) continue;
    const std::string_view v = trim(p.substr(2));
    if (v.empty() || v.size() > 5 || (v[0] != '0' && v[0] != '1')) return false;
    if (v.size() > 1 && v[1] != '.') return false;
    bool above = v[0] == '1';
    for (std::size_t i = 2; i < v.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(v[i]))) return false;
      above |= v[i] != '0';
    }
    return above;
  }
  return true;  // no q: 1
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
  int gzip = -1, any = -1;  // -1 not named, 0 refused, 1 taken
  while (!accept_encoding.empty()) {
    const auto comma = accept_encoding.find(',');
    const std::string_view item = accept_encoding.substr(0, comma);
    accept_encoding = comma == std::string_view::npos ? std::string_view{} : accept_encoding.substr(comma + 1);
    const auto semi = item.find(';');
    const std::string_view coding = trim(item.substr(0, semi));
    const std::string_view params = semi == std::string_view::npos ? std::string_view{} : item.substr(semi + 1);
    if (same_word(coding, "gzip") || same_word(coding, "x-gzip")) {
      gzip = std::max(gzip, weight_above_zero(params) ? 1 : 0);
    } else if (coding == "*") {
      any = std::max(any, weight_above_zero(params) ? 1 : 0);
    }
  }
  return gzip >= 0 ? gzip == 1 : any == 1;
}

}  // namespace tryggve::server
