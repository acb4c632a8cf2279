#pragma once
// Cross-actor duplicates: the school and the police report the same fight.
// Such reports become one incident with linked reports (never deleted); the
// score says how sure the match is:
//
//   score = 0.3 * (1 - distance / max_distance_m)
//         + 0.3 * (1 - |time gap| / max_minutes)
//         + 0.2 * parameter score (same 1, compatible 0.5: the same EST class in
//                                  the taxonomy, e.g. public violence and school fights)
//         + 0.2 * text similarity (token Jaccard after Swedish-aware lower-casing,
//                                  stop words and tokens under 3 letters left out;
//                                  0.5 when either report has no text)
//
// A pair farther apart than max_distance_m or max_minutes, or with parameters
// that are not compatible, is never a match (score 0). At or above `link_score`
// the report joins the incident; between `review_score` and `link_score` it
// makes its own incident and the pair goes to duplicate_review for a person.
#include <string>
#include <string_view>
#include <vector>

#include "tryggve/core/incident.hpp"
#include "tryggve/taxonomy/taxonomy.hpp"

namespace tryggve::workspace {

struct DuplicateOptions {
  double max_distance_m = 200.0;
  double max_minutes = 180.0;
  double link_score = 0.7;
  double review_score = 0.45;
};

struct MatchScore {
  double score = 0.0;  // 0 = no match
  double distance_m = 0.0, minutes = 0.0, parameter = 0.0, text = 0.0;
};

// The words of a text as compared: normalize_label'd, split at everything
// that is not a letter or digit (UTF-8 letters are letters), stop words and
// words shorter than 3 characters dropped; sorted, unique.
std::vector<std::string> text_tokens(std::string_view text);
// |A ∩ B| / |A ∪ B| of two sorted unique token lists; 0 for two empty lists.
double jaccard(const std::vector<std::string>& a, const std::vector<std::string>& b);

// 1 for the same parameter, 0.5 for two of the same EST class, else 0.
double parameter_score(const Taxonomy& taxonomy, ParameterId a, ParameterId b);

// The score of a report against an incident (positions in metres, times UTC seconds).
MatchScore match_score(const Taxonomy& taxonomy, const DuplicateOptions& options, Point a, std::int64_t time_a,
                       ParameterId param_a, const std::vector<std::string>& tokens_a, bool has_text_a, Point b,
                       std::int64_t time_b, ParameterId param_b, const std::vector<std::string>& tokens_b,
                       bool has_text_b);

}  // namespace tryggve::workspace
