#pragma once
// JSON text of a document that may hold what users wrote (names, categories,
// free text, file paths). nlohmann's dump() throws on a string that is not valid
// UTF-8, which would end a whole run at its last step, after hours of work: every
// JSON file and answer Tryggve writes goes through here, where each invalid byte
// becomes U+FFFD instead. (The readers already decode their text to UTF-8,
// core/text.hpp; this is the last line for anything that got past them, such as
// a file name in another encoding.) Header-only: core does not link nlohmann.
#include <string>

#include <nlohmann/json.hpp>

namespace tryggve {

// indent -1: one line; >= 0: pretty-printed with that many spaces.
inline std::string json_text(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace tryggve
