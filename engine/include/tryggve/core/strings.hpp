#pragma once
// Text helpers every module shares (labels, headers, names typed by people).
#include <string>
#include <string_view>

namespace tryggve {

// The form labels are compared in: surrounding whitespace trimmed, runs of
// whitespace (also no-break spaces) made one space, letters lower-cased
// including Å Ä Ö É Ü and the rest of Latin-1, and decomposed å ä ö é
// (a + U+030A etc., as macOS writes them) composed. Invalid UTF-8 bytes are kept
// as they are.
std::string normalize_label(std::string_view label);

}  // namespace tryggve
