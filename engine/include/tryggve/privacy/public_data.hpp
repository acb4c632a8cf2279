#pragma once
// What of a run folder the public audience may see (privacy.hpp), in one place
// for the report, the server and the exports.
#include <string_view>

#include <nlohmann/json.hpp>

#include "tryggve/privacy/privacy.hpp"

namespace tryggve::privacy {

// Layers with one row per incident or per raw input row (incident points,
// rejected rows with their raw text): never public.
bool public_layer(std::string_view layer);

// Fields a public layer may carry: not a count (count, count_*, hits, total),
// not a number a small count can be read back from (score, rates, changes), not
// free text (text, raw, detail). Layers keep their levels, classes, z-scores and
// densities; the counts go out only through public_situation's suppressed tables.
bool public_field(std::string_view field);

// situation.json (situation/situation.hpp's JSON) for the public: per month, every
// unit's counts (15 parameters and "all") are suppressed as one set of relations
// (a unit's parameters sum to its "all"; the areas sum to the district), a
// suppressed count becomes the text "<k", the numbers derived from it (score,
// rates, changes) become null, and a change against a suppressed month is null too.
nlohmann::json public_situation(const nlohmann::json& situation, const SuppressionOptions& options = {});

// A list of objects each with a count under `key` (map_summary.json's parameters,
// the viewer's catalogue), summing to one published total: suppressed in place
// ("<k"), with the total as the relation. Returns the total's decision.
Suppression suppress_list(nlohmann::json& list, std::int64_t total, const SuppressionOptions& options = {},
                          const char* key = "count");

}  // namespace tryggve::privacy
