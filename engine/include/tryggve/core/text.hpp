#pragma once
// Text encodings of input files. Tryggve is UTF-8 inside; files arrive as UTF-8
// with or without a byte-order mark (LibreOffice, Excel's "CSV UTF-8"), as
// Windows-1252 (Excel's plain "CSV" on a Swedish Windows, where å ä ö are single
// bytes 0xE5 0xE4 0xF6), or as UTF-16 with a byte-order mark (Excel's "Unicode
// text"). The rule, per file: a UTF-16 mark decides UTF-16; otherwise text that
// is valid UTF-8 is UTF-8 (a Windows-1252 file with any letter beyond ASCII is
// practically never valid UTF-8); otherwise it is read as Windows-1252, and the
// reader says so in the log with the first byte that was not UTF-8.
#include <cstddef>
#include <string>
#include <string_view>

namespace tryggve {

enum class TextEncoding { Utf8, Utf8Bom, Windows1252, Utf16Le, Utf16Be };
const char* to_string(TextEncoding e);

// Offset of the first byte that does not belong to valid UTF-8 (overlong forms,
// surrogates and code points above U+10FFFF are invalid), or npos.
std::size_t first_invalid_utf8(std::string_view s);
inline bool is_valid_utf8(std::string_view s) { return first_invalid_utf8(s) == std::string_view::npos; }

// Windows-1252 bytes as UTF-8 (0x80..0x9F are the typographic characters
// Windows puts there; its five unassigned bytes become U+FFFD).
std::string windows1252_to_utf8(std::string_view s);

// The text with every byte that is not valid UTF-8 replaced by U+FFFD: for
// messages and outputs that must stay valid UTF-8 whatever came in.
std::string sanitize_utf8(std::string_view s);

struct DecodedText {
  std::string text;  // UTF-8, without a byte-order mark
  TextEncoding encoding = TextEncoding::Utf8;
  std::size_t first_invalid = std::string::npos;  // offset in the bytes of the first one that was not UTF-8
  bool utf16_without_mark = false;  // UTF-16 recognised by its NUL bytes (every other byte of ASCII text)
  std::size_t nul_bytes = 0;        // NUL characters, each replaced by U+FFFD (no reader can carry them)
  std::size_t first_nul = std::string::npos;  // offset in the bytes (UTF-8 and Windows-1252 only)
};

// Decodes a whole file's bytes by the rule above. Never throws on content; a
// UTF-16 text with an odd byte count or a lone surrogate gets U+FFFD there, and
// so does every NUL character. UTF-16 without a mark is recognised when nearly
// every other byte of the first 4 kB is 0 (mostly ASCII text).
DecodedText decode_text(std::string_view bytes);

// decode_text, plus one log line when the file was not UTF-8 (naming `where`,
// the encoding taken, and the line of the first byte that was not UTF-8).
std::string decode_text_logged(std::string_view bytes, const std::string& where);
// That log line alone, for a text decoded with decode_text(bytes).
void log_decoded(const DecodedText& decoded, std::string_view bytes, const std::string& where);

}  // namespace tryggve
