#include "tryggve/simulation/evidence.hpp"

#include <charconv>
#include <cmath>
#include <sstream>

#include "tryggve/core/error.hpp"

namespace tryggve::simulation {

namespace {

// One CSV record per line (RFC 4180 quoting, no line breaks inside fields).
std::vector<std::string> split_csv(std::string_view line, const std::string& where) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false, was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') { cur += '"'; ++i; }
        else quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"' && cur.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      out.push_back(std::move(cur));
      cur.clear();
      was_quoted = false;
    } else {
      cur += c;
    }
  }
  if (quoted) throw Error(ErrorCode::BadValue, where, "unterminated quoted field");
  out.push_back(std::move(cur));
  for (auto& f : out) {  // trim unquoted padding
    const auto a = f.find_first_not_of(" \t\r");
    const auto b = f.find_last_not_of(" \t\r");
    f = a == std::string::npos ? std::string{} : f.substr(a, b - a + 1);
  }
  return out;
}

constexpr double kMaxRelativeRisk = 10.0;

double parse_rr(const std::string& s, const std::string& where, const char* column) {
  double v = 0.0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  // Above 10 (a tenfold rise) no intervention's effect is plausible, and draws
  // from an interval up to 1e300 overflow to infinity in the simulation.
  if (ec != std::errc{} || p != s.data() + s.size() || !std::isfinite(v) || v <= 0.0 || v > kMaxRelativeRisk)
    throw Error(ErrorCode::BadValue, where,
                std::string(column) + " must be a relative risk, a number > 0 and at most 10, got '" + s + "'");
  return v;
}

constexpr const char* kColumns[] = {"intervention", "parameter", "rr_central", "rr_low",
                                    "rr_high",      "applies_when", "source",  "note"};

// 0: no match; 1: `*`; 2: group; 3: code.
int match(const std::string& spec, const ParameterTraits& t) {
  if (spec == "*") return 1;
  if (spec == "outdoor") return t.indoor ? 0 : 2;
  if (spec == "outdoor_dark") return t.darkness_applies() ? 2 : 0;
  if (spec == "indoor") return t.indoor ? 2 : 0;
  std::string_view rest = spec;
  while (!rest.empty()) {
    const auto bar = rest.find('|');
    const auto code = rest.substr(0, bar);
    if (code == t.code) return 3;
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 1);
  }
  return 0;
}

}  // namespace

EvidenceTable EvidenceTable::parse(std::string_view text, const std::string& where) {
  EvidenceTable t;
  std::istringstream in{std::string(text)};
  std::string line;
  int ln = 0;
  bool header = false;
  while (std::getline(in, line)) {
    ++ln;
    const std::string at = where + ":" + std::to_string(ln);
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;  // blank or comment
    auto f = split_csv(line, at);
    if (!header) {
      if (f.size() != std::size(kColumns))
        throw Error(ErrorCode::MissingField, at, "expected the header intervention,parameter,rr_central,rr_low,rr_high,applies_when,source,note");
      for (std::size_t i = 0; i < f.size(); ++i)
        if (f[i] != kColumns[i])
          throw Error(ErrorCode::MissingField, at,
                      "column " + std::to_string(i + 1) + " must be '" + kColumns[i] + "', got '" + f[i] + "'");
      header = true;
      continue;
    }
    if (f.size() != std::size(kColumns))
      throw Error(ErrorCode::BadValue, at,
                  "expected 8 fields, got " + std::to_string(f.size()) + " (quote fields that contain commas)");
    EvidenceRow r;
    r.line = ln;
    r.intervention = f[0];
    r.parameter = f[1];
    if (r.intervention.empty()) throw Error(ErrorCode::BadValue, at, "intervention is empty");
    if (r.parameter.empty()) throw Error(ErrorCode::BadValue, at, "parameter is empty (use * for all)");
    r.rr_central = parse_rr(f[2], at, "rr_central");
    r.rr_low = parse_rr(f[3], at, "rr_low");
    r.rr_high = parse_rr(f[4], at, "rr_high");
    if (!(r.rr_low <= r.rr_central && r.rr_central <= r.rr_high))
      throw Error(ErrorCode::BadValue, at, "need rr_low <= rr_central <= rr_high");
    if (f[5] == "always") r.applies_when = AppliesWhen::Always;
    else if (f[5] == "dark") r.applies_when = AppliesWhen::Dark;
    else if (f[5] == "present") r.applies_when = AppliesWhen::Present;
    else throw Error(ErrorCode::BadValue, at, "applies_when must be dark, always or present, got '" + f[5] + "'");
    r.source = f[6];
    r.note = f[7];
    if (r.source.empty()) throw Error(ErrorCode::BadValue, at, "source is empty: cite where the number comes from");
    t.rows_.push_back(std::move(r));
  }
  if (!header) throw Error(ErrorCode::MissingField, where, "no header line");
  return t;
}

const EvidenceRow* EvidenceTable::find(std::string_view intervention, const ParameterTraits& p) const {
  const EvidenceRow* best = nullptr;
  int best_score = 0;
  for (const auto& r : rows_) {
    if (r.intervention != intervention) continue;
    const int s = match(r.parameter, p);
    if (s > best_score) { best = &r; best_score = s; }
  }
  return best;
}

double draw_rr(const EvidenceRow& row, double z) {
  constexpr double kZ90 = 1.6448536269514722;  // 95th percentile of the standard normal
  const double c = std::log(row.rr_central);
  const double s = z < 0 ? (c - std::log(row.rr_low)) / kZ90 : (std::log(row.rr_high) - c) / kZ90;
  return std::exp(c + s * z);
}

}  // namespace tryggve::simulation
