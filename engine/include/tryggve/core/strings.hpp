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

// ASCII letters lower-cased, every other byte kept (so UTF-8 stays valid): keys,
// codes, file extensions, names compared without case.
std::string ascii_lower(std::string_view s);
// Surrounding ASCII whitespace (space, tab, CR, LF, VT, FF) removed.
std::string trim(std::string_view s);
// Text made safe inside HTML or XML text and quoted attributes (& < > " ').
std::string xml_escape(std::string_view s);

}  // namespace tryggve
