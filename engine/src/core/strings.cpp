#include "tryggve/core/strings.hpp"

namespace tryggve {

std::string normalize_label(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  bool pending_space = false;
  auto emit = [&](std::string_view s) {
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    out += s;
  };
  // Compose a decomposed Swedish/Latin letter: the base is the last output byte.
  auto compose = [&](unsigned char mark) -> bool {
    if (out.empty() || pending_space) return false;
    const char base = out.back();
    const char* composed = nullptr;
    if (mark == 0x8A && base == 'a') composed = "\xC3\xA5";  // a + ring above -> å
    if (mark == 0x88 && base == 'a') composed = "\xC3\xA4";  // a + diaeresis -> ä
    if (mark == 0x88 && base == 'o') composed = "\xC3\xB6";  // o + diaeresis -> ö
    if (mark == 0x88 && base == 'u') composed = "\xC3\xBC";  // u + diaeresis -> ü
    if (mark == 0x81 && base == 'e') composed = "\xC3\xA9";  // e + acute -> é
    if (!composed) return false;
    out.pop_back();
    out += composed;
    return true;
  };
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    const auto next = [&](std::size_t k) -> unsigned char {
      return i + k < in.size() ? static_cast<unsigned char>(in[i + k]) : 0;
    };
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
      pending_space = true;
    } else if (c < 0x80) {
      const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
      emit(std::string_view(&lower, 1));
    } else if (c == 0xC2 && next(1) == 0xA0) {  // U+00A0 no-break space
      pending_space = true;
      ++i;
    } else if (c == 0xE2 && next(1) == 0x80 && ((next(2) >= 0x80 && next(2) <= 0x8A) || next(2) == 0xAF)) {
      pending_space = true;  // U+2000..U+200A, U+202F: typographic spaces
      i += 2;
    } else if (c == 0xC3 && next(1) >= 0x80 && next(1) <= 0x9E && next(1) != 0x97) {
      // Latin-1 capitals (À..Þ except ×) are their small letters minus 0x20.
      const char lower[2] = {'\xC3', static_cast<char>(next(1) + 0x20)};
      emit(std::string_view(lower, 2));
      ++i;
    } else if (c == 0xCC && (next(1) == 0x8A || next(1) == 0x88 || next(1) == 0x81) && compose(next(1))) {
      ++i;
    } else {
      emit(std::string_view(reinterpret_cast<const char*>(&in[i]), 1));  // other UTF-8 bytes as they are
    }
  }
  return out;
}

std::string ascii_lower(std::string_view s) {
  std::string r(s);
  for (char& c : r)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return r;
}

std::string trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\v\f";
  const auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(kSpace) - b + 1));
}

std::string xml_escape(std::string_view s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&apos;"; break;
      default: o += c;
    }
  }
  return o;
}

}  // namespace tryggve
