// The month folder for people outside the room (month.hpp, write_public_month):
// made from the internal folder's month.json and situation.json, never from the
// incidents, so nothing reaches it that the aggregates did not already hold.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/csv.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/json_text.hpp"
#include "tryggve/pipeline/run_folder.hpp"
#include "tryggve/privacy/public_data.hpp"
#include "tryggve/report/month_report.hpp"
#include "tryggve/workspace/month.hpp"

namespace fs = std::filesystem;

namespace tryggve::workspace {

using nlohmann::json;

namespace {

json read_json(const fs::path& p) {
  std::ifstream in(p);
  if (!in) throw Error(ErrorCode::FileNotFound, p.string(), "not in the month folder");
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    throw Error(ErrorCode::BadValue, p.string(), std::string("not valid JSON: ") + e.what());
  }
}

std::int64_t as_count(const json& v) { return v.is_number() ? static_cast<std::int64_t>(std::llround(v.get<double>())) : 0; }

std::string cell(const json& v, int digits = 3) {
  if (v.is_string()) return csv_field(v.get<std::string>());
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_number()) return fmt::format("{:.{}f}", v.get<double>(), digits);
  return "";
}

// What the public report says about what it leaves out, counted as it goes.
struct Tally {
  std::int64_t primary = 0, complementary = 0, followups = 0, targets = 0;
};

// The picture rows of the month from the public situation picture, so the report's
// tables and situation.json agree on every suppressed cell (one set of decisions).
json public_picture(const json& picture, const json& sit, const std::string& month) {
  json out = json::array();
  const auto& months = sit["months"];
  std::size_t mi = months.size();
  for (std::size_t k = 0; k < months.size(); ++k)
    if (months[k] == month) mi = k;
  if (mi == months.size()) return out;
  auto at = [](const json& arr, std::size_t m) { return arr.is_array() && arr.size() > m ? arr[m] : json(); };
  for (const auto& r : picture) {
    const json* unit = nullptr;
    for (const auto& u : sit["units"])
      if (u.value("kind", "") == r.value("unit_type", "") && u.value("name", "") == r.value("unit", "")) unit = &u;
    // A row the public picture does not hold is left out rather than published unchecked.
    if (!unit || !(*unit)["parameters"].contains(r.value("parameter", ""))) continue;
    const json& c = (*unit)["parameters"][r["parameter"].get<std::string>()];
    json p = r;
    p.erase("score");
    p["count"] = at(c["count"], mi);
    p["prev"] = mi >= 1 ? at(c["count"], mi - 1) : json();
    p["year_ago"] = mi >= 12 ? at(c["count"], mi - 12) : json();
    p["change_prev_pct"] = at(c.value("change_prev_pct", json()), mi);
    out.push_back(std::move(p));
  }
  return out;
}

// One follow-up for the public: no actor, no free text (the measure's name and the
// notes are written by people and may name one), no month-by-month counts; the
// observed counts of its phases suppressed below k with the phases' relation
// (early + later = all) complemented, and every number a suppressed count can be
// read back from (expected with the ratio, the ratio itself) left out with it.
json public_followup(const json& f, const privacy::SuppressionOptions& so, Tally& tally) {
  json p = {{"deployment_id", f.value("deployment_id", json())}, {"type", f.value("type", "")}, {"place", f.value("place", "")},
            {"start", f.value("start", "")}, {"end", f.value("end", "")}, {"cost_sek", f.value("cost_sek", 0.0)},
            {"map", f.value("map", json())}};
  if (!f.contains("model")) {
    p["note_key"] = "no_followup";
    return p;
  }
  const char* phases[] = {"model", "early", "later", "model_true", "did"};
  std::vector<std::int64_t> counts;
  for (const char* ph : phases) counts.push_back(f.contains(ph) ? as_count(f[ph].value("observed", json())) : 0);
  const std::vector<std::vector<std::size_t>> groups = {{0, 1, 2}};
  const auto s = privacy::suppress_counts(counts, groups, so);
  bool any = false;
  for (std::size_t k = 0; k < std::size(phases); ++k) {
    if (!f.contains(phases[k])) continue;
    json e = f[phases[k]];
    if (privacy::suppressed(s[k])) {
      any = true;
      (s[k] == privacy::Suppression::Primary ? tally.primary : tally.complementary)++;
      e = {{"observed", privacy::format_count(counts[k], s[k], so)}, {"expected", nullptr}, {"rr", nullptr}, {"low", nullptr},
           {"high", nullptr}, {"verdict", {{"key", "unknown"}}}, {"suppressed", true}};
    }
    p[phases[k]] = std::move(e);
  }
  if (any) ++tally.followups;
  // The ring's quotient and the reporting assumption are ratios of the model's, not counts.
  p["wdq"] = privacy::suppressed(s[0]) ? json() : f.value("wdq", json());
  p["reporting_uplift"] = f.value("reporting_uplift", 0.0);
  p["comparison_cells"] = f.value("comparison_cells", 0);
  return p;
}

// A target for the public: its baseline and current values are averages of monthly
// counts, so a sum below k is left out (with the progress computed from it).
json public_target(const json& t, const privacy::SuppressionOptions& so, Tally& tally) {
  json p = t;
  auto small = [&](const char* value, const char* months) {
    if (!t.contains(value) || !t[value].is_number()) return false;
    const std::int64_t sum = std::llround(t[value].get<double>() * t.value(months, 1));
    return sum >= 1 && sum < so.min_count;
  };
  const bool base = small("baseline", "baseline_months"), cur = small("current", "current_months");
  if (base) p["baseline"] = nullptr, p["target"] = nullptr;
  if (cur) p["current"] = nullptr;
  if (base || cur) {
    p["progress_pct"] = nullptr;
    p["suppressed"] = true;
    ++tally.targets;
  }
  p.erase("baseline_months");
  p.erase("current_months");
  return p;
}

}  // namespace

report::ReportResult write_public_month(const fs::path& internal_dir, const fs::path& public_dir, const std::string& lang,
                                        const privacy::SuppressionOptions& so, bool no_report) {
  const json M = read_json(internal_dir / "month.json");
  const json sit = privacy::public_situation(read_json(internal_dir / outputs::kSituationJson), so);
  write_text_atomically(public_dir / outputs::kSituationJson, json_text(sit) + "\n");
  Tally tally;
  // situation.csv: the public situation picture as a flat table.
  {
    std::string csv = "month,unit_type,unit,parameter,incidents,level,trend\n";
    const auto& months = sit["months"];
    for (const auto& u : sit["units"])
      for (auto it = u["parameters"].begin(); it != u["parameters"].end(); ++it)
        for (std::size_t m = 0; m < months.size(); ++m) {
          const json& c = *it;
          auto at = [&](const char* k) { return c.contains(k) && c[k].is_array() && c[k].size() > m ? c[k][m] : json(); };
          const json n = at("count");
          if (n.is_string()) ++tally.primary;  // complementary ones are counted the same: the reader sees "<k"
          csv += fmt::format("{},{},{},{},{},{},{}\n", cell(months[m]), cell(u.value("kind", json())), cell(u.value("name", json())),
                             csv_field(it.key()), cell(n, 0), cell(at("level")), cell(at("trend")));
        }
    write_text_atomically(public_dir / outputs::kSituationCsv, csv);
  }
  const std::string month = M.value("month", "");
  json P = {{"month", month},
            {"next_month", M.value("next_month", "")},
            {"previous_month", M.value("previous_month", "")},
            {"lang", lang},
            {"software_version", M.value("software_version", "")},
            {"created", M.value("created", "")},
            {"audience", "public"},
            {"min_count", so.min_count},
            {"parameters", M.value("parameters", json::array())},
            {"areas", M.value("areas", json::array())},
            {"sek_per_officer_hour", M.value("sek_per_officer_hour", 0.0)}};
  P["picture"] = public_picture(M.value("picture", json::array()), sit, month);
  // Public transport's busiest stretches: a stretch with fewer than min_count
  // reports is left out, and the uncertain placements shown only when both counts
  // are at least min_count (a small one could be read back from the other).
  if (M.contains("transit") && M["transit"].is_object()) {
    const json& t = M["transit"];
    json stretches = json::array();
    for (const auto& s : t.value("stretches", json::array()))
      if (as_count(s.value("n", json())) >= so.min_count) stretches.push_back(s);
    const std::int64_t on_board = as_count(t.value("on_board", json())), uncertain = as_count(t.value("uncertain", json()));
    const bool shown = on_board >= so.min_count && uncertain >= so.min_count && on_board - uncertain >= so.min_count;
    P["transit"] = {{"stretches", stretches},
                    {"on_board", shown ? json(on_board) : json(nullptr)},
                    {"uncertain", shown ? json(uncertain) : json(nullptr)}};
  }
  // The month's total is the district's "all" cell of the public picture.
  P["incidents_in_month"] = nullptr;
  for (const auto& r : P["picture"])
    if (r.value("unit_type", "") == "district" && r.value("parameter", "") == "all") P["incidents_in_month"] = r["count"];
  // Changes: levels and hot spots are classes, the counts behind them stay inside.
  json changes = json::array();
  for (auto c : M.value("changes", json::array())) {
    c.erase("count");
    c.erase("prev");
    changes.push_back(std::move(c));
  }
  P["changes"] = changes;
  // The proposal: places, doses, costs and the model's prevented incidents; the
  // per-place forecast (a smoothed count of that street's own incidents) stays inside.
  json proposal = M.value("proposal", json::object());
  if (proposal.contains("patrol"))
    for (auto& it : proposal["patrol"]) it.erase("forecast_incidents");
  P["proposal"] = proposal;
  json followups = json::array();
  for (const auto& f : M.value("followups", json::array())) followups.push_back(public_followup(f, so, tally));
  P["followups"] = followups;
  json targets = json::array();
  for (const auto& t : M.value("targets", json::array())) targets.push_back(public_target(t, so, tally));
  P["targets"] = targets;
  P["suppressed"] = {{"situation_cells", tally.primary}, {"followups", tally.followups}, {"targets", tally.targets}};
  write_text_atomically(public_dir / "month.json", json_text(P, 1) + "\n");
  write_text_atomically(public_dir / "changes.json", json_text(changes, 1) + "\n");
  {
    std::string csv = "kind,unit_type,unit,parameter,from_level,to_level,place\n";
    for (const auto& c : changes)
      csv += fmt::format("{},{},{},{},{},{},{}\n", cell(c.value("kind", json())), cell(c.value("unit_type", json())),
                         cell(c.value("unit", json())), cell(c.value("parameter", json())), cell(c.value("from_level", json())),
                         cell(c.value("to_level", json())), cell(c.value("place", json())));
    write_text_atomically(public_dir / "changes.csv", csv);
  }
  write_text_atomically(public_dir / "followup.json", json_text(followups, 1) + "\n");
  {
    std::string csv = "deployment_id,type,place,start,end,phase,observed,expected,rr,rr_lo,rr_hi,verdict\n";
    for (const auto& f : followups)
      for (const char* ph : {"model", "early", "later", "model_true", "did"}) {
        if (!f.contains(ph)) continue;
        const json& e = f[ph];
        csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", cell(f["deployment_id"]), cell(f["type"]), cell(f["place"]),
                           cell(f["start"]), cell(f["end"]), ph, cell(e.value("observed", json()), 0),
                           cell(e.value("expected", json()), 1), cell(e.value("rr", json())), cell(e.value("low", json())),
                           cell(e.value("high", json())), cell(e.contains("verdict") ? e["verdict"].value("key", json()) : json()));
      }
    write_text_atomically(public_dir / "followup.csv", csv);
  }
  {
    std::string csv = "target_id,name,parameter,unit,baseline,target,current,progress_pct,due,expected_at_due,expected_lo,expected_hi,probability\n";
    for (const auto& t : targets)
      csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{}\n", cell(t.value("target_id", json())), cell(t.value("name", json())),
                         cell(t.value("parameter", json())), cell(t.value("unit", json())), cell(t.value("baseline", json()), 2),
                         cell(t.value("target", json()), 2), cell(t.value("current", json()), 2),
                         cell(t.value("progress_pct", json()), 1), cell(t.value("due", json())),
                         cell(t.value("expected_at_due", json()), 2), cell(t.value("expected_lo", json()), 2),
                         cell(t.value("expected_hi", json()), 2), cell(t.value("probability", json())));
    write_text_atomically(public_dir / "targets.csv", csv);
  }
  if (no_report) return {};
  return report::write_month_report(public_dir, lang);
}

}  // namespace tryggve::workspace
