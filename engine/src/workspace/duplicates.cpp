#include "tryggve/workspace/duplicates.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "tryggve/taxonomy/classifier.hpp"

namespace tryggve::workspace {

namespace {

// Words that say nothing about which event it was (Swedish and English).
const std::set<std::string, std::less<>>& stop_words() {
  static const std::set<std::string, std::less<>> s = {
      "och", "att", "det", "som", "för", "med", "var", "vid", "den", "har", "inte", "till", "från", "efter",
      "han", "hon", "de", "dem", "ett", "en", "på", "av", "om", "men", "kl", "klockan", "ca", "the", "and",
      "was", "were", "with", "for", "from", "that", "this", "has", "had", "near", "not", "are", "been", "there"};
  return s;
}

}  // namespace

std::vector<std::string> text_tokens(std::string_view text) {
  const std::string s = normalize_label(text);
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    // Three characters, counting a UTF-8 letter (å, ä, ö) as one.
    std::size_t chars = 0;
    for (unsigned char c : cur) chars += (c & 0xC0) != 0x80;
    if (chars >= 3 && !stop_words().count(cur)) out.push_back(cur);
    cur.clear();
  };
  for (unsigned char c : s) {
    if (std::isalnum(c) || c >= 0x80) cur += static_cast<char>(c);
    else flush();
  }
  flush();
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double jaccard(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() && b.empty()) return 0.0;
  std::size_t common = 0, i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) ++common, ++i, ++j;
    else if (a[i] < b[j]) ++i;
    else ++j;
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

double parameter_score(const Taxonomy& t, ParameterId a, ParameterId b) {
  if (a == kNoParameter || b == kNoParameter) return 0.0;
  if (a == b) return 1.0;
  if (a < t.size() && b < t.size() && !t[a].est_category.empty() && t[a].est_category == t[b].est_category) return 0.5;
  return 0.0;
}

MatchScore match_score(const Taxonomy& taxonomy, const DuplicateOptions& o, Point a, std::int64_t time_a,
                       ParameterId param_a, const std::vector<std::string>& tokens_a, bool has_text_a, Point b,
                       std::int64_t time_b, ParameterId param_b, const std::vector<std::string>& tokens_b,
                       bool has_text_b) {
  MatchScore m;
  m.distance_m = distance(a, b);
  m.minutes = std::abs(static_cast<double>(time_a - time_b)) / 60.0;
  m.parameter = parameter_score(taxonomy, param_a, param_b);
  m.text = (has_text_a && has_text_b) ? jaccard(tokens_a, tokens_b) : 0.5;
  if (m.distance_m > o.max_distance_m || m.minutes > o.max_minutes || m.parameter == 0.0) return m;
  const double sd = o.max_distance_m > 0 ? 1.0 - m.distance_m / o.max_distance_m : 1.0;
  const double st = o.max_minutes > 0 ? 1.0 - m.minutes / o.max_minutes : 1.0;
  m.score = 0.3 * sd + 0.3 * st + 0.2 * m.parameter + 0.2 * m.text;
  return m;
}

}  // namespace tryggve::workspace
