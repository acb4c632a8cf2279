#include "tryggve/workspace/deploy.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/core/month.hpp"
#include "tryggve/core/options.hpp"
#include "tryggve/core/version.hpp"
#include "tryggve/pipeline/evidence_file.hpp"
#include "tryggve/io/footprint.hpp"
#include "tryggve/scenario/run.hpp"
#include "tryggve/simulation/cells.hpp"
#include "tryggve/simulation/evidence.hpp"
#include "tryggve/workspace/intake.hpp"
#include "tryggve/workspace/month.hpp"

namespace fs = std::filesystem;

namespace tryggve::workspace {

namespace {

using io::Database;
using io::FieldValue;

// The street pieces a deployment's cells cover (each cell's stretch of its edge),
// buffered into its footprint: 15 m either side, the width of a street and its
// pavements, so QGIS and the viewer show the area the measure covered.
MultiPolygon footprint(const network::Network& net, const simulation::CellNetwork& cells,
                       const std::vector<simulation::CellId>& ids) {
  std::vector<Polyline> pieces;
  for (auto id : ids) {
    const auto& c = cells.cell(id);
    const auto& g = net.edge(c.edge).geometry;
    Polyline l{net.point_at(c.edge, c.start)};
    double at = 0.0;
    for (std::size_t i = 0; i + 1 < g.size(); ++i) {
      at += distance(g[i], g[i + 1]);
      if (at > c.start && at < c.end) l.push_back(g[i + 1]);
    }
    l.push_back(net.point_at(c.edge, c.end));
    pieces.push_back(std::move(l));
  }
  return io::line_footprint(pieces, 15.0);
}

std::string loc(const std::string& file, const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  return m.is_null() || m.line < 0 ? file : file + ":" + std::to_string(m.line + 1);
}

[[noreturn]] void fail(const std::string& file, const YAML::Node& n, const std::string& path, const std::string& msg) {
  throw Error(ErrorCode::BadScenario, loc(file, n), path + ": " + msg);
}

std::string text(const std::string& file, const YAML::Node& n, const std::string& path) {
  if (!n.IsScalar()) fail(file, n, path, "expected a text value");
  return n.Scalar();
}

double number(const std::string& file, const YAML::Node& n, const std::string& path, double lo, double hi) {
  const std::string s = text(file, n, path);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v)) fail(file, n, path, "expected a number, got '" + s + "'");
  if (v < lo || v > hi) fail(file, n, path, fmt::format("must be in [{}, {}], got {}", lo, hi, s));
  return v;
}

void check_keys(const std::string& file, const YAML::Node& n, const std::string& path,
                const std::vector<std::string>& allowed) {
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string k = it->first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
    const std::string hint = closest_key(k, allowed);
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    fail(file, it->first, path.empty() ? k : path + "." + k,
         fmt::format("unknown key{} (expected one of: {})", hint.empty() ? "" : " (did you mean '" + hint + "'?)", list));
  }
}

// YAML -> JSON with every scalar as text: JSON is YAML, so the stored text reads
// back through the same parser (scenario::parse_intervention) unchanged.
nlohmann::json to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json j = nlohmann::json::object();
      for (auto it = n.begin(); it != n.end(); ++it) j[it->first.as<std::string>()] = to_json(it->second);
      return j;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& x : n) j.push_back(to_json(x));
      return j;
    }
    case YAML::NodeType::Scalar: return n.Scalar();
    default: return nullptr;
  }
}

// "YYYY-MM-DD" -> local midnight; "YYYY-MM" -> the 1st (or, as an end, the 1st of the next month).
std::int64_t parse_date(const std::string& file, const YAML::Node& n, const std::string& path, const TimeZone& zone,
                        bool end_inclusive) {
  const std::string s = text(file, n, path);
  int y = 0, m = 0, d = 0;
  char c1 = 0, c2 = 0;
  bool whole_month = false;
  std::istringstream in(s);
  if (s.size() == 10 && (in >> y >> c1 >> m >> c2 >> d) && c1 == '-' && c2 == '-') {
  } else if (s.size() == 7 && std::sscanf(s.c_str(), "%4d-%2d", &y, &m) == 2 && s[4] == '-') {
    d = 1;
    whole_month = true;
  } else {
    fail(file, n, path, "expected a date YYYY-MM-DD or a month YYYY-MM, got '" + s + "'");
  }
  const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap))
    fail(file, n, path, "'" + s + "' is not a date");
  if (!end_inclusive) return zone.from_local(y, m, d, 0, 0, 0).utc_seconds;
  if (whole_month) return m == 12 ? zone.from_local(y + 1, 1, 1, 0, 0, 0).utc_seconds : zone.from_local(y, m + 1, 1, 0, 0, 0).utc_seconds;
  // The day after the last day.
  const std::int64_t days = days_from_civil(y, m, d) + 1;
  civil_from_days(days, y, m, d);
  return zone.from_local(y, m, d, 0, 0, 0).utc_seconds;
}

std::string month_of(const std::string& file, const YAML::Node& n, const std::string& path) {
  const std::string s = text(file, n, path);
  if (const auto idx = parse_month_label(s); !idx || *idx < month_index(1970, 1))
    fail(file, n, path, "expected a month YYYY-MM, got '" + s + "'");
  return s;
}

struct ParsedDeployment {
  scenario::InterventionSpec spec;
  nlohmann::json item;
  std::int64_t start = 0;
  std::optional<std::int64_t> end;
  std::string start_text, end_text, planned_start, planned_end, actor, notes;
  std::optional<std::int64_t> proposal;
  MultiPolygon footprint;  // the streets it covers (the follow-up's cells), in the workspace CRS
};

struct ParsedTarget {
  Target t;
  YAML::Node node;
};

const std::vector<std::string> kExtra = {"start", "end", "planned_start", "planned_end", "actor", "proposal", "notes"};

}  // namespace

std::string DeployResult::summary() const {
  if (status == "unchanged") return fmt::format("{}: unchanged (taken in before): nothing added\n", file);
  return fmt::format("{}: {} {} deployments and {} targets{}\n", file, status, deployments, targets,
                     removed ? fmt::format(" ({} earlier rows of this file removed)", removed) : "");
}

DeployResult deploy(Workspace& ws, const std::string& path, const std::string& evidence_csv) {
  if (!fs::exists(path)) throw Error(ErrorCode::FileNotFound, path, "no such deployment file");
  const std::string file = fs::path(path).filename().string();
  const std::string sha = file_sha256(path);
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::BadScenario, fmt::format("{}:{}", path, e.mark.line + 1), "not valid YAML: " + e.msg);
  }
  if (!root.IsMap()) throw Error(ErrorCode::BadScenario, path, "expected a mapping with version, deployments, targets");
  check_keys(path, root, "", {"version", "deployments", "targets"});
  if (root["version"] && text(path, root["version"], "version") != "1")
    fail(path, root["version"], "version", "this Tryggve reads deployment files of version 1");
  const TimeZone& zone = ws.zone();

  // Everything is checked before anything is written.
  std::vector<ParsedDeployment> deps;
  std::set<std::string> names;
  if (const auto d = root["deployments"]; d && !d.IsNull()) {
    if (!d.IsSequence()) fail(path, d, "deployments", "expected a list of deployments");
    for (std::size_t i = 0; i < d.size(); ++i) {
      const std::string p = fmt::format("deployments[{}]", i);
      ParsedDeployment x;
      x.spec = scenario::parse_intervention(d[i], path, p, i, kExtra);
      if (!x.spec.when.months.empty())
        fail(path, d[i]["when"]["months"], p + ".when.months", "a deployment says when it ran with start and end, not months");
      if (!d[i]["start"]) fail(path, d[i], p + ".start", "missing: the day it actually started (YYYY-MM-DD)");
      x.start = parse_date(path, d[i]["start"], p + ".start", zone, false);
      x.start_text = d[i]["start"].Scalar();
      if (d[i]["end"]) {
        x.end = parse_date(path, d[i]["end"], p + ".end", zone, true);
        x.end_text = d[i]["end"].Scalar();
        if (*x.end <= x.start) fail(path, d[i]["end"], p + ".end", "ends before it starts (" + x.start_text + ")");
      }
      for (const char* k : {"planned_start", "planned_end"})
        if (d[i][k]) {
          parse_date(path, d[i][k], p + "." + k, zone, std::string(k) == "planned_end");
          (std::string(k) == "planned_start" ? x.planned_start : x.planned_end) = d[i][k].Scalar();
        }
      if (d[i]["actor"]) x.actor = text(path, d[i]["actor"], p + ".actor");
      if (d[i]["notes"]) x.notes = text(path, d[i]["notes"], p + ".notes");
      if (d[i]["proposal"]) x.proposal = static_cast<std::int64_t>(number(path, d[i]["proposal"], p + ".proposal", 1, 1e15));
      if (!names.insert(x.spec.name).second) fail(path, d[i], p + ".name", "another deployment in this file is called '" + x.spec.name + "'");
      nlohmann::json item = to_json(d[i]);
      for (const auto& k : kExtra) item.erase(k);
      x.item = std::move(item);
      deps.push_back(std::move(x));
    }
  }
  const auto taxonomy = Taxonomy::load_default();
  std::vector<ParsedTarget> targets;
  std::set<std::string> tnames;
  if (const auto t = root["targets"]; t && !t.IsNull()) {
    if (!t.IsSequence()) fail(path, t, "targets", "expected a list of targets");
    const auto areas = ws.load_polygons("areas");
    for (std::size_t i = 0; i < t.size(); ++i) {
      const std::string p = fmt::format("targets[{}]", i);
      const YAML::Node n = t[i];
      if (!n.IsMap()) fail(path, n, p, "expected a mapping (name, parameter, area, reduction_pct, baseline, due)");
      check_keys(path, n, p, {"name", "parameter", "area", "reduction_pct", "baseline", "due", "notes"});
      for (const char* k : {"name", "parameter", "reduction_pct", "baseline", "due"})
        if (!n[k]) fail(path, n, p + "." + k, "missing");
      ParsedTarget x;
      x.node = n;
      x.t.name = text(path, n["name"], p + ".name");
      if (!tnames.insert(x.t.name).second) fail(path, n["name"], p + ".name", "another target in this file is called '" + x.t.name + "'");
      x.t.parameter = text(path, n["parameter"], p + ".parameter");
      if (!taxonomy.find(x.t.parameter)) {
        std::vector<std::string> codes;
        for (const auto& q : taxonomy.parameters()) codes.push_back(q.code);
        const std::string hint = closest_key(x.t.parameter, codes);
        fail(path, n["parameter"], p + ".parameter",
             fmt::format("no parameter '{}'{}", x.t.parameter, hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      }
      x.t.unit_type = "district";
      if (n["area"]) {
        const std::string a = text(path, n["area"], p + ".area");
        std::vector<std::string> an;
        for (std::size_t k = 0; k < areas.size(); ++k) {
          an.push_back(areas[k].name);
          if (areas[k].name == a || areas[k].kind == a) x.t.unit_id = static_cast<std::int64_t>(k);
        }
        if (x.t.unit_id < 0) {
          const std::string hint = closest_key(a, an);
          fail(path, n["area"], p + ".area", fmt::format("no area named '{}'{}", a, hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
        }
        x.t.unit_type = "area";
        x.t.unit_name = areas[static_cast<std::size_t>(x.t.unit_id)].name;
      }
      x.t.reduction_pct = number(path, n["reduction_pct"], p + ".reduction_pct", 0.0, 100.0);
      const std::string b = text(path, n["baseline"], p + ".baseline");
      const auto dots = b.find("..");
      if (dots == std::string::npos) fail(path, n["baseline"], p + ".baseline", "expected YYYY-MM..YYYY-MM, got '" + b + "'");
      YAML::Node from(b.substr(0, dots)), to(b.substr(dots + 2));
      (void)from;
      auto check_month = [&](const std::string& s) {
        if (!parse_month_label(s)) fail(path, n["baseline"], p + ".baseline", "expected YYYY-MM..YYYY-MM, got '" + b + "'");
      };
      x.t.baseline_from = b.substr(0, dots);
      x.t.baseline_to = b.substr(dots + 2);
      check_month(x.t.baseline_from);
      check_month(x.t.baseline_to);
      if (x.t.baseline_to < x.t.baseline_from) fail(path, n["baseline"], p + ".baseline", "ends before it starts");
      x.t.due = month_of(path, n["due"], p + ".due");
      if (x.t.due <= x.t.baseline_to) fail(path, n["due"], p + ".due", "must come after the baseline (" + b + ")");
      if (n["notes"]) x.t.notes = text(path, n["notes"], p + ".notes");
      targets.push_back(std::move(x));
    }
  }
  if (deps.empty() && targets.empty()) throw Error(ErrorCode::BadScenario, path, "no deployments and no targets");

  // `where` against the district (the follow-up's cells): names that do not exist fail here.
  if (!deps.empty()) {
    const auto map = load_map(ws, std::int64_t{0}, 50.0);
    const simulation::CellNetwork cells(map.net, map.lixels, 300.0);
    const auto evidence = pipeline::load_evidence_or_default(evidence_csv);
    for (auto& x : deps) {
      std::vector<simulation::CellId> c;
      scenario::make_intervention(x.spec, map, cells, evidence, 10.0, &c);
      x.footprint = footprint(map.net, cells, c);
    }
  }

  DeployResult r;
  r.file = path;
  auto& db = ws.db();
  io::Transaction tx(db);
  const std::string qf = Database::quote(file);
  const std::string qs = Database::quote(sha);
  if (db.count("deployments", "source_file = " + qf + " AND source_sha256 = " + qs) +
          db.count("targets", "source_file = " + qf + " AND source_sha256 = " + qs) >
      0) {
    r.status = "unchanged";
    return r;  // the transaction rolls back: nothing was written
  }
  // A correction: the file's earlier rows go; names that stay keep their fid.
  std::map<std::string, std::int64_t> old_dep, old_tgt;
  for (const auto& row : db.read("deployments", {"name"}, "source_file = " + qf)) old_dep[row.text(0)] = row.fid;
  for (const auto& row : db.read("targets", {"name"}, "source_file = " + qf)) old_tgt[row.text(0)] = row.fid;
  r.removed = old_dep.size() + old_tgt.size();
  r.status = r.removed ? "replaced" : "recorded";
  db.execute("DELETE FROM deployments WHERE source_file = " + qf);
  db.execute("DELETE FROM targets WHERE source_file = " + qf);
  const std::string now = now_iso(zone);
  for (const auto& x : deps) {
    const auto& s = x.spec;
    double dose = 0.0;
    std::string unit;
    if (s.type == "lighting") dose = s.lamps, unit = "lamps";
    else if (s.type == "patrol") dose = s.visits_per_week, unit = "visits_per_week";
    // Hosts per vehicle averaged over the window's vehicles (a share of them staffed).
    else if (s.type == "transit_host") dose = s.hosts * s.coverage, unit = "hosts_per_vehicle";
    else dose = s.adults, unit = "adults";
    nlohmann::json where_j = x.item.contains("where") ? x.item["where"] : nlohmann::json();
    nlohmann::json when_j = x.item.contains("when") ? x.item["when"] : nlohmann::json();
    auto it = old_dep.find(s.name);
    const std::int64_t fid = it == old_dep.end() ? -1 : it->second;
    auto iso = [&](std::int64_t utc) { return to_iso8601(zone.at_utc(utc)); };
    db.insert("deployments",
              {"name", "type", "where_json", "when_json", "dose", "dose_unit", "cost_sek", "planned_start", "planned_end",
               "actual_start", "actual_end", "actual_start_utc", "actual_end_utc", "proposal_id", "actor", "source_file",
               "intervention_json", "notes", "created", "updated", "source_sha256"},
              {s.name, s.type, where_j.dump(), when_j.dump(), dose, unit, s.cost_sek,
               x.planned_start.empty() ? FieldValue() : FieldValue(x.planned_start),
               x.planned_end.empty() ? FieldValue() : FieldValue(x.planned_end), iso(x.start),
               x.end ? FieldValue(x.end_text) : FieldValue(), x.start, x.end ? FieldValue(*x.end) : FieldValue(),
               x.proposal ? FieldValue(*x.proposal) : FieldValue(), x.actor, file, x.item.dump(), x.notes, now, now, sha},
              x.footprint.empty() ? io::Geometry{} : io::Geometry{x.footprint}, fid);
    if (x.proposal)
      db.execute(fmt::format("UPDATE proposals SET status = 'deployed' WHERE fid = {}", *x.proposal));
    ++r.deployments;
  }
  for (const auto& x : targets) {
    const auto& t = x.t;
    auto it = old_tgt.find(t.name);
    db.insert("targets",
              {"name", "parameter", "unit_type", "unit_id", "unit_name", "baseline_from", "baseline_to", "target_change_pct",
               "due", "status", "notes", "created", "source_file", "source_sha256"},
              {t.name, t.parameter, t.unit_type, t.unit_id < 0 ? FieldValue() : FieldValue(t.unit_id), t.unit_name,
               t.baseline_from, t.baseline_to, -t.reduction_pct, t.due, "active", t.notes, now, file, sha},
              {}, it == old_tgt.end() ? -1 : it->second);
    ++r.targets;
  }
  tx.commit();
  return r;
}

std::vector<StoredDeployment> load_deployments(Workspace& ws) {
  std::vector<StoredDeployment> out;
  const auto rows = ws.db().read("deployments", {"name", "type", "actor", "source_file", "notes", "intervention_json",
                                                 "actual_start_utc", "actual_end_utc", "actual_start", "actual_end", "cost_sek"});
  for (const auto& r : rows) {
    StoredDeployment d;
    d.id = r.fid;
    d.name = r.text(0);
    d.type = r.text(1);
    d.actor = r.text(2);
    d.source_file = r.text(3);
    d.notes = r.text(4);
    const std::string where = fmt::format("{} deployments row {}", ws.db().name(), r.fid);
    try {
      d.spec = scenario::parse_intervention(YAML::Load(r.text(5)), where, d.name, 0, kExtra);
    } catch (const YAML::Exception& e) {
      throw Error(ErrorCode::BadWorkspace, where, "intervention_json is not readable: " + e.msg);
    }
    d.spec.at.path = "deployment '" + d.name + "' (" + d.source_file + ")";
    d.start_utc = r.integer(6).value_or(0);
    if (auto e = r.integer(7)) d.end_utc = *e;
    d.actual_start = r.text(8);
    d.actual_end = r.text(9);
    d.cost_sek = r.real(10).value_or(0.0);
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<Target> load_targets(Workspace& ws) {
  std::vector<Target> out;
  for (const auto& r : ws.db().read("targets", {"name", "parameter", "unit_type", "unit_id", "unit_name", "baseline_from",
                                                "baseline_to", "target_change_pct", "due", "notes", "source_file"})) {
    Target t;
    t.id = r.fid;
    t.name = r.text(0);
    t.parameter = r.text(1);
    t.unit_type = r.text(2);
    t.unit_id = r.integer(3).value_or(-1);
    t.unit_name = r.text(4);
    t.baseline_from = r.text(5);
    t.baseline_to = r.text(6);
    t.reduction_pct = -r.real(7).value_or(0.0);
    t.due = r.text(8);
    t.notes = r.text(9);
    t.source_file = r.text(10);
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace tryggve::workspace
