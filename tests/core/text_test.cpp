// Text encodings (core/text.hpp): the decision per file, Windows-1252's high
// bytes, UTF-16 with and without a mark, NUL bytes, and the validator's edges
// (overlong forms, surrogates, code points above U+10FFFF).
#include <gtest/gtest.h>

#include "tryggve/core/text.hpp"

using namespace tryggve;

TEST(Text, ValidUtf8IsKeptAsItIs) {
  const std::string s = "Skadegörelse på Backa torg, 5 €";
  const auto d = decode_text(s);
  EXPECT_EQ(d.encoding, TextEncoding::Utf8);
  EXPECT_EQ(d.text, s);
  EXPECT_EQ(d.first_invalid, std::string::npos);
}

TEST(Text, ByteOrderMarkIsDropped) {
  const auto d = decode_text("\xEF\xBB\xBFid,lat\n");
  EXPECT_EQ(d.encoding, TextEncoding::Utf8Bom);
  EXPECT_EQ(d.text, "id,lat\n");
}

TEST(Text, Windows1252AsSwedishExcelWritesIt) {
  // "Skadegörelse;Rån;€ 5;“citat”" in Windows-1252.
  const auto d = decode_text("Skadeg\xF6relse;R\xE5n;\x80 5;\x93" "citat\x94");
  EXPECT_EQ(d.encoding, TextEncoding::Windows1252);
  EXPECT_EQ(d.text, "Skadegörelse;Rån;€ 5;“citat”");
  EXPECT_EQ(d.first_invalid, 6u);
  // Its five unassigned bytes become U+FFFD, never a control character.
  EXPECT_EQ(windows1252_to_utf8("\x81\x8D\x8F\x90\x9D"), "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD");
}

TEST(Text, AMarkedUtf8FileWithABadByteStaysUtf8) {
  const auto d = decode_text("\xEF\xBB\xBFR\xC3\xA5n \xF6kar");
  EXPECT_EQ(d.encoding, TextEncoding::Utf8Bom);
  EXPECT_EQ(d.text, "Rån \uFFFDkar");
  EXPECT_EQ(d.first_invalid, 8u);
}

TEST(Text, Utf16WithAndWithoutMark) {
  const std::string le("\xFF\xFEi\0d\0,\0\xE5\0\n\0", 12);
  auto d = decode_text(le);
  EXPECT_EQ(d.encoding, TextEncoding::Utf16Le);
  EXPECT_EQ(d.text, "id,å\n");
  const std::string be("\xFE\xFF\0i\0d\xD8\x3D\xDE\x00", 10);  // "id" and U+1F600 as a surrogate pair
  d = decode_text(be);
  EXPECT_EQ(d.encoding, TextEncoding::Utf16Be);
  EXPECT_EQ(d.text, "id\xF0\x9F\x98\x80");
  std::string unmarked;
  for (char c : std::string("id,time,lat,lon\n1,2025-01-01,57.7,11.9\n")) unmarked += c, unmarked += '\0';
  d = decode_text(unmarked);
  EXPECT_EQ(d.encoding, TextEncoding::Utf16Le);
  EXPECT_TRUE(d.utf16_without_mark);
  EXPECT_EQ(d.text, "id,time,lat,lon\n1,2025-01-01,57.7,11.9\n");
  // A lone surrogate and an odd last byte are U+FFFD, not a crash or a lost row.
  EXPECT_EQ(decode_text(std::string("\xFF\xFE\x00\xD8x", 5)).text, "\uFFFD\uFFFD");
}

TEST(Text, NulBytesBecomeReplacementCharacters) {
  const auto d = decode_text(std::string("57.\x00" "7,11.9\n", 11));
  EXPECT_EQ(d.text, "57.\uFFFD7,11.9\n");
  EXPECT_EQ(d.nul_bytes, 1u);
  EXPECT_EQ(d.first_nul, 3u);
}

TEST(Text, ValidatorRejectsWhatRfc3629Excludes) {
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));         // U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));        // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));                // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));            // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));            // a surrogate
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));                // cut short
  EXPECT_EQ(first_invalid_utf8("ok \xC3\xA5 \xFF"), 6u);
  EXPECT_EQ(sanitize_utf8("a\xFF" "b\xE2\x82"), "a\uFFFDb\uFFFD\uFFFD");
  EXPECT_TRUE(is_valid_utf8(sanitize_utf8("\xC0\xAF\xED\xA0\x80\xF4\x90\x80\x80")));
}
