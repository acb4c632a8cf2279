#include "tryggve/server/workspace_view.hpp"

#include <cmath>
#include <regex>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/io/layers.hpp"
#include "tryggve/simulation/followup.hpp"

namespace tryggve::server {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// io's errors name the file: the answer names the workspace only.
template <class F>
auto without_paths(const std::string& what, F&& f) {
  try {
    return f();
  } catch (const Error& e) {
    throw Error(e.code(), "workspace", fmt::format("cannot read the {}", what));
  }
}

json rows_json(const std::vector<std::vector<std::string>>& rows, const std::vector<std::string>& cols,
               const std::vector<bool>& numeric) {
  json out = json::array();
  for (const auto& r : rows) {
    json o = json::object();
    for (std::size_t i = 0; i < cols.size() && i < r.size(); ++i) {
      if (r[i].empty()) o[cols[i]] = nullptr;
      else if (numeric[i]) o[cols[i]] = std::stod(r[i]);
      else o[cols[i]] = r[i];
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

bool WorkspaceView::valid_month(const std::string& m) {
  static const std::regex re(R"(^[0-9]{4}-(0[1-9]|1[0-2])$)");
  return std::regex_match(m, re);
}

WorkspaceView::WorkspaceView(fs::path gpkg) : file_(std::move(gpkg)) {
  std::error_code ec;
  if (!fs::is_regular_file(file_, ec)) throw Error(ErrorCode::FileNotFound, "--workspace", "no such workspace file");
  const auto v = io::query_rows(file_, "SELECT value FROM workspace_meta WHERE key = 'schema_version'");
  if (v.empty() || v[0].empty())
    throw Error(ErrorCode::BadWorkspace, "--workspace", "not a Tryggve workspace GeoPackage (no workspace_meta)");
}

json WorkspaceView::summary() const {
  return without_paths("months", [&] {
    std::map<std::string, json> months;
    auto add = [&](const std::string& sql, const char* key) {
      for (const auto& r : io::query_rows(file_, sql))
        if (r.size() == 2 && valid_month(r[0])) months[r[0]][key] = std::stoll(r[1].empty() ? "0" : r[1]);
    };
    add("SELECT month, COUNT(*) FROM incidents GROUP BY month", "incidents");
    add("SELECT month, COUNT(*) FROM reports GROUP BY month", "reports");
    add("SELECT month, COUNT(*) FROM assessments GROUP BY month", "assessments");
    add("SELECT month, COUNT(*) FROM proposals GROUP BY month", "proposals");
    json list = json::array();
    for (auto& [m, j] : months) {
      for (const char* k : {"incidents", "reports", "assessments", "proposals"})
        if (!j.contains(k)) j[k] = 0;
      j["month"] = m;
      list.push_back(j);
    }
    auto count = [&](const char* table) {
      const auto r = io::query_rows(file_, fmt::format("SELECT COUNT(*) FROM {}", table));
      return r.empty() || r[0].empty() ? 0LL : std::stoll(r[0][0]);
    };
    return json{{"months", list}, {"deployments", count("deployments")}, {"followups", count("followups")}};
  });
}

json WorkspaceView::picture(const std::string& month) const {
  if (!valid_month(month)) throw Error(ErrorCode::BadOption, "month", "expected YYYY-MM");
  return without_paths("situation picture", [&] {
    const std::vector<std::string> cols = {"unit_type", "unit_id", "unit_name", "parameter", "incidents",
                                           "reports", "actors", "rate_per_km", "rate_per_1000", "change_prev_pct",
                                           "change_year_pct", "level", "trend"};
    const std::vector<bool> num = {false, true, false, false, true, true, true, true, true, true, true, true, false};
    std::string sel;
    for (const auto& c : cols) sel += (sel.empty() ? "" : ", ") + c;
    const auto rows = io::query_rows(
        file_, fmt::format("SELECT {} FROM assessments WHERE month = '{}' ORDER BY unit_type, unit_id, parameter", sel, month));
    return json{{"month", month}, {"rows", rows_json(rows, cols, num)}};
  });
}

std::string WorkspaceView::proposals(const std::string& month) const {
  if (!valid_month(month)) throw Error(ErrorCode::BadOption, "month", "expected YYYY-MM");
  return without_paths("proposals", [&] {
    io::LayerQuery q;
    q.conditions.push_back({"month", month, month, {}, "month"});
    return io::layer_geojson(file_, "proposals", "proposals", q);
  });
}

std::string WorkspaceView::deployments() const {
  return without_paths("deployments", [&] { return io::layer_geojson(file_, "deployments", "deployments", {}); });
}

json WorkspaceView::followups(std::int64_t deployment) const {
  if (deployment < 0) throw Error(ErrorCode::BadOption, "deployment", "expected a deployment id (>= 0)");
  return without_paths("follow-ups", [&] {
    const std::vector<std::string> cols = {"month", "phase", "observed", "expected", "expected_lo", "expected_hi",
                                           "relative_risk", "rr_lo", "rr_hi", "did_estimate", "did_lo", "did_hi",
                                           "wdq", "recorded_vs_true"};
    const std::vector<bool> num = {false, false, true, true, true, true, true, true, true, true, true, true, true, false};
    std::string sel;
    for (const auto& c : cols) sel += (sel.empty() ? "" : ", ") + c;
    const auto rows = io::query_rows(
        file_, fmt::format("SELECT {} FROM followups WHERE deployment_id = {} ORDER BY month, phase", sel, deployment));
    json out = rows_json(rows, cols, num);
    // The month report's words for each estimate, so no client repeats the rule.
    const auto number = [](const json& v) { return v.is_number() ? v.get<double>() : std::nan(""); };
    for (auto& r : out) r["verdict"] = simulation::verdict_key(number(r["relative_risk"]), number(r["rr_lo"]), number(r["rr_hi"]));
    return json{{"deployment", deployment}, {"rows", out}};
  });
}

}  // namespace tryggve::server
