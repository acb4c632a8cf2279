#include "tryggve/core/text.hpp"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "tryggve/core/log.hpp"

namespace tryggve {

const char* to_string(TextEncoding e) {
  switch (e) {
    case TextEncoding::Utf8: return "UTF-8";
    case TextEncoding::Utf8Bom: return "UTF-8 with BOM";
    case TextEncoding::Windows1252: return "Windows-1252";
    case TextEncoding::Utf16Le: return "UTF-16LE";
    case TextEncoding::Utf16Be: return "UTF-16BE";
  }
  return "UTF-8";
}

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 (RFC 3629 table 3-7: the
// second byte's range excludes overlong forms, surrogates and > U+10FFFF).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) n = 3, lo = 0xA0;
  else if (c >= 0xE1 && c <= 0xEC) n = 3;
  else if (c == 0xED) n = 3, hi = 0x9F;
  else if (c >= 0xEE && c <= 0xEF) n = 3;
  else if (c == 0xF0) n = 4, lo = 0x90;
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else if (c == 0xF4) n = 4, hi = 0x8F;
  else return 0;
  if (i + n > s.size()) return 0;
  if (b(1) < lo || b(1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (b(k) < 0x80 || b(k) > 0xBF) return 0;
  return n;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

constexpr std::uint32_t kReplacement = 0xFFFD;

// Windows-1252's 0x80..0x9F (0 = unassigned).
constexpr std::uint16_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

std::string utf16_to_utf8(std::string_view s, bool little_endian) {
  std::string out;
  out.reserve(s.size());
  const auto unit = [&](std::size_t i) -> std::uint32_t {
    const auto a = static_cast<unsigned char>(s[i]), b = static_cast<unsigned char>(s[i + 1]);
    return little_endian ? (a | (b << 8)) : ((a << 8) | b);
  };
  std::size_t i = 0;
  for (; i + 1 < s.size(); i += 2) {
    const std::uint32_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < s.size()) {
      const std::uint32_t v = unit(i + 2);
      if (v >= 0xDC00 && v <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00));
        i += 2;
        continue;
      }
    }
    append_utf8(out, (u >= 0xD800 && u <= 0xDFFF) ? kReplacement : u);
  }
  if (i < s.size()) append_utf8(out, kReplacement);  // an odd last byte
  return out;
}

}  // namespace

std::size_t first_invalid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

std::string windows1252_to_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) out += ch;
    else if (c < 0xA0) append_utf8(out, kCp1252High[c - 0x80] ? kCp1252High[c - 0x80] : kReplacement);
    else append_utf8(out, c);  // 0xA0..0xFF are Latin-1
  }
  return out;
}

std::string sanitize_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) {
      append_utf8(out, kReplacement);
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

namespace {

// UTF-16 without a byte-order mark: mostly ASCII text has a NUL in every other
// byte. 0 = not UTF-16, 1 = little-endian, 2 = big-endian.
int unmarked_utf16(std::string_view b) {
  const std::size_t n = std::min<std::size_t>(b.size(), 4096) & ~std::size_t{1};
  if (n < 4) return 0;
  std::size_t even = 0, odd = 0;
  for (std::size_t i = 0; i < n; i += 2) even += b[i] == '\0', odd += b[i + 1] == '\0';
  const std::size_t units = n / 2;
  if (odd * 10 >= units * 9 && even * 10 < units) return 1;
  if (even * 10 >= units * 9 && odd * 10 < units) return 2;
  return 0;
}

// NUL is valid UTF-8 but no text reader can carry it (GDAL's CSV reader, C
// strings): each becomes U+FFFD, so the row it is in shows it instead of ending there.
void replace_nul(DecodedText& d) {
  const std::string_view r = "\xEF\xBF\xBD";
  for (std::size_t p = d.text.find('\0'); p != std::string::npos; p = d.text.find('\0', p + r.size())) {
    d.text.replace(p, 1, r);
    ++d.nul_bytes;
  }
}

}  // namespace

DecodedText decode_text(std::string_view bytes) {
  DecodedText d;
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  const bool le = bytes.size() >= 2 && byte(0) == 0xFF && byte(1) == 0xFE;
  const bool be = bytes.size() >= 2 && byte(0) == 0xFE && byte(1) == 0xFF;
  if (le || be) {
    d.encoding = le ? TextEncoding::Utf16Le : TextEncoding::Utf16Be;
    d.text = utf16_to_utf8(bytes.substr(2), le);
    replace_nul(d);
    return d;
  }
  if (const int u = unmarked_utf16(bytes)) {
    d.encoding = u == 1 ? TextEncoding::Utf16Le : TextEncoding::Utf16Be;
    d.utf16_without_mark = true;
    d.text = utf16_to_utf8(bytes, u == 1);
    replace_nul(d);
    return d;
  }
  d.first_nul = bytes.find('\0');
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    // The mark says UTF-8: a stray invalid byte later is damage, not another
    // encoding (reading the whole file as Windows-1252 would garble every å).
    d.encoding = TextEncoding::Utf8Bom;
    const std::size_t bad = first_invalid_utf8(bytes.substr(3));
    if (bad != std::string::npos) d.first_invalid = bad + 3;
    d.text = bad == std::string::npos ? std::string(bytes.substr(3)) : sanitize_utf8(bytes.substr(3));
  } else if ((d.first_invalid = first_invalid_utf8(bytes)) == std::string::npos) {
    d.text = std::string(bytes);
  } else {
    d.encoding = TextEncoding::Windows1252;
    d.text = windows1252_to_utf8(bytes);
  }
  replace_nul(d);
  return d;
}

std::string decode_text_logged(std::string_view bytes, const std::string& where) {
  DecodedText d = decode_text(bytes);
  log_decoded(d, bytes, where);
  return std::move(d.text);
}

void log_decoded(const DecodedText& d, std::string_view bytes, const std::string& where) {
  const auto line_of = [&](std::size_t offset) {
    const std::string_view head = bytes.substr(0, offset);
    return 1 + std::count(head.begin(), head.end(), '\n');
  };
  if (d.first_invalid != std::string::npos) {
    const auto b = static_cast<unsigned>(static_cast<unsigned char>(bytes[d.first_invalid]));
    if (d.encoding == TextEncoding::Windows1252)
      log::info("{}: not UTF-8 (line {} has the byte 0x{:02X}): read as Windows-1252", where, line_of(d.first_invalid), b);
    else
      log::warn("{}: UTF-8 (it starts with a byte-order mark) with bytes that are not UTF-8, the first on line {} "
                "(0x{:02X}): each is replaced by U+FFFD", where, line_of(d.first_invalid), b);
  } else if (d.encoding == TextEncoding::Utf16Le || d.encoding == TextEncoding::Utf16Be) {
    log::info("{}: read as {} ({})", where, to_string(d.encoding),
              d.utf16_without_mark ? "every other byte is 0, though it has no byte-order mark" : "it starts with that byte-order mark");
  }
  if (d.nul_bytes > 0)
    log::warn("{}: {} NUL bytes{}, each replaced by U+FFFD", where, d.nul_bytes,
              d.first_nul != std::string::npos ? fmt::format(" (the first on line {})", line_of(d.first_nul)) : std::string());
}

}  // namespace tryggve
