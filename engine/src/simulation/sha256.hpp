#pragma once
// SHA-256 over typed values (OpenSSL's EVP, private to simulation): the digests of
// fit_cache.hpp. Values go in as fixed-width little-endian bytes (doubles as their
// bits, so -0.0 and 0.0 differ and a NaN is its bits), strings and lists with their
// length first so no two different sequences give the same bytes. Buffered: the
// event and neighbour lists are millions of small values.
#include <openssl/evp.h>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "tryggve/core/error.hpp"

namespace tryggve::simulation::detail {

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1)
      throw Error(ErrorCode::Internal, "simulation digest", "OpenSSL's SHA-256 is not available");
    buf_.reserve(kFlush + 64);
  }
  void u64(std::uint64_t v) {
    char b[8];
    for (int k = 0; k < 8; ++k) b[k] = static_cast<char>((v >> (8 * k)) & 0xFFu);
    bytes(b, 8);
  }
  void u32(std::uint32_t v) {
    char b[4];
    for (int k = 0; k < 4; ++k) b[k] = static_cast<char>((v >> (8 * k)) & 0xFFu);
    bytes(b, 4);
  }
  void u8(std::uint8_t v) { buf_.push_back(static_cast<char>(v)); flush_if_full(); }
  void f64(double v) { u64(std::bit_cast<std::uint64_t>(v)); }
  void f32(float v) { u32(std::bit_cast<std::uint32_t>(v)); }
  void text(std::string_view s) {
    u64(s.size());
    bytes(s.data(), s.size());
  }
  std::array<std::uint8_t, 32> finish() {
    update();
    std::array<std::uint8_t, 32> out{};
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx_.get(), out.data(), &len) != 1 || len != out.size())
      throw Error(ErrorCode::Internal, "simulation digest", "SHA-256 failed");
    return out;
  }

 private:
  static constexpr std::size_t kFlush = 1 << 16;
  void bytes(const char* p, std::size_t n) {
    buf_.append(p, n);
    flush_if_full();
  }
  void flush_if_full() {
    if (buf_.size() >= kFlush) update();
  }
  void update() {
    if (!buf_.empty() && EVP_DigestUpdate(ctx_.get(), buf_.data(), buf_.size()) != 1)
      throw Error(ErrorCode::Internal, "simulation digest", "SHA-256 failed");
    buf_.clear();
  }
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
  std::string buf_;
};

}  // namespace tryggve::simulation::detail
