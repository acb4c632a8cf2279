// core/strings.hpp's plain helpers: the one lower-casing, trimming and escaping.
#include <gtest/gtest.h>

#include "tryggve/core/strings.hpp"

using namespace tryggve;

TEST(TextHelpers, AsciiLowerKeepsUtf8) {
  EXPECT_EQ(ascii_lower("GeoJSON.GPKG"), "geojson.gpkg");
  EXPECT_EQ(ascii_lower("LÖRDAG"), "lÖrdag");  // bytes above 127 untouched: still valid UTF-8
  EXPECT_EQ(ascii_lower(""), "");
}

TEST(TextHelpers, TrimRemovesAsciiWhitespaceOnly) {
  EXPECT_EQ(trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(trim("\v\f"), "");
  EXPECT_EQ(trim("x"), "x");
  EXPECT_EQ(trim("\xc2\xa0x"), "\xc2\xa0x");  // a no-break space is text here (normalize_label folds it)
}

TEST(TextHelpers, XmlEscapeCoversTextAndAttributes) {
  EXPECT_EQ(xml_escape("Kvillebäcken <\"A\" & 'B'>"), "Kvillebäcken &lt;&quot;A&quot; &amp; &apos;B&apos;&gt;");
  EXPECT_EQ(xml_escape("plain"), "plain");
}
