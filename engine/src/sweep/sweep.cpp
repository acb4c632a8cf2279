#include "tryggve/sweep/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/core/strings.hpp"
#include "tryggve/core/version.hpp"
#include "tryggve/pipeline/simulate_stage.hpp"
#include "tryggve/scenario/run.hpp"
#include "tryggve/simulation/simulator.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace tryggve::sweep {

Variation parse_variation(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error(ErrorCode::BadOption, "--vary " + text, "must be KEY=VALUE1,VALUE2,... (a dotted key of the scenario file)");
  Variation v;
  v.key = text.substr(0, eq);
  const std::string rest = text.substr(eq + 1);
  std::size_t at = 0;
  for (;;) {
    const auto comma = rest.find(',', at);
    std::string value = rest.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (value.empty()) throw Error(ErrorCode::BadOption, "--vary " + v.key, "has an empty value (values are separated by commas)");
    if (std::find(v.values.begin(), v.values.end(), value) != v.values.end())
      throw Error(ErrorCode::BadOption, "--vary " + v.key, fmt::format("names the value '{}' twice", value));
    v.values.push_back(std::move(value));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return v;
}

std::vector<Point> expand(const SweepOptions& o) {
  if (o.vary.empty()) throw Error(ErrorCode::BadOption, "--vary", "give at least one variation");
  if (o.block_replicates < 1) throw Error(ErrorCode::BadOption, "--block", "must be >= 1");
  for (std::size_t i = 0; i < o.vary.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (o.vary[i].key == o.vary[j].key) throw Error(ErrorCode::BadOption, "--vary " + o.vary[i].key, "varied twice");
  std::size_t n = 1;
  for (const auto& v : o.vary) {
    n *= v.values.size();
    if (n > 100000) throw Error(ErrorCode::BadOption, "--vary", "more than 100,000 points: split the sweep");
  }
  std::vector<Point> points;
  points.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::string> values(o.vary.size());
    std::size_t rest = i;
    for (std::size_t k = o.vary.size(); k-- > 0;) {  // the last variation fastest
      values[k] = o.vary[k].values[rest % o.vary[k].values.size()];
      rest /= o.vary[k].values.size();
    }
    std::vector<std::string> overrides = o.sets;
    for (std::size_t k = 0; k < o.vary.size(); ++k) overrides.push_back(o.vary[k].key + "=" + values[k]);
    try {
      points.push_back({values, scenario::load(o.file, overrides)});
    } catch (const Error& e) {
      // Name the variation; the scenario file's own check says what is wrong.
      std::string which = o.vary.front().key + "=" + values.front();
      const std::string said = e.where() + " " + e.message();
      std::size_t best = 0;
      for (std::size_t k = 0; k < o.vary.size(); ++k)
        if (o.vary[k].key.size() > best && said.find(o.vary[k].key) != std::string::npos) {
          which = o.vary[k].key + "=" + values[k];
          best = o.vary[k].key.size();
        }
      throw Error(e.code(), "--vary " + which, fmt::format("{}: {}", e.where(), e.message()));
    }
    if (!points.back().file.simulate_enabled)
      throw Error(ErrorCode::BadScenario, o.file.string(), "a sweep simulates: the file's stages need simulate");
  }
  return points;
}

namespace {

struct Task {
  int point = 0;
  int first = 0, n = 0;
};

std::vector<Task> tasks_of(const std::vector<Point>& points, int block) {
  std::vector<Task> t;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const int r = points[i].file.simulate.replicates;
    for (int first = 0; first < r; first += block) t.push_back({static_cast<int>(i), first, std::min(block, r - first)});
  }
  return t;
}

// A block's per-replicate totals: what the summary needs, small enough to gather.
json block_totals(const simulation::RunResult& res, const std::vector<double>& weights, int task) {
  simulation::Slice harm;
  harm.parameter_weights = &weights;
  json b = {{"task", task}, {"scenarios", res.scenario_names}, {"cost", res.scenario_cost_sek}, {"clamped", res.clamped_events}};
  json t = json::array(), h = json::array();
  for (std::size_t s = 0; s < res.scenario_count(); ++s) {
    t.push_back(res.replicate_totals(static_cast<int>(s), simulation::Measure::True));
    h.push_back(res.replicate_totals(static_cast<int>(s), simulation::Measure::True, harm));
  }
  b["true"] = std::move(t);
  b["harm"] = std::move(h);
  return b;
}

std::vector<double> minus(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  return d;
}

}  // namespace

SweepResult run(const std::vector<Point>& points, const SweepOptions& o, const cluster::Cluster& cluster,
                const pipeline::RunControl& control) {
  const auto tasks = tasks_of(points, o.block_replicates);
  // This rank's share: a fixed split, no scheduler. The session (map + fit) is
  // kept while the next point can reuse it (points that vary only simulate or
  // scenario options share one).
  json mine = json::array();
  std::unique_ptr<scenario::Session> session;
  int resolved_point = -1;
  std::vector<scenario::ResolvedScenario> scenarios;
  std::size_t done = 0, share = 0;
  for (std::size_t t = cluster.rank(); t < tasks.size(); t += cluster.size()) ++share;
  for (std::size_t t = cluster.rank(); t < tasks.size(); t += cluster.size()) {
    const Task& k = tasks[t];
    const auto& file = points[k.point].file;
    if (!session || !session->reusable_for(file)) {
      session.reset();
      session = std::make_unique<scenario::Session>(file, control, true);
      resolved_point = -1;
    }
    if (resolved_point != k.point) {
      scenarios = session->resolve(file);
      resolved_point = k.point;
    }
    const auto& fit = session->fit();
    auto so = pipeline::simulator_options(fit, file.simulate, file.seed, session->map().taxonomy, control,
                                          file.where_of("stages.simulate.reporting_rates"));
    so.first_replicate = k.first;
    so.replicates = k.n;
    simulation::Simulator sim(fit.model, *fit.cells, fit.forecast, fit.history, fit.areas, fit.evidence, so);
    std::vector<simulation::Scenario> sc;
    for (const auto& s : scenarios) sc.push_back(s.scenario);
    std::vector<double> weights;
    for (const auto& tr : fit.traits) weights.push_back(tr.severity_weight);
    mine.push_back(block_totals(sim.run(sc), weights, static_cast<int>(t)));
    ++done;
    if (control.progress)
      control.progress(fmt::format("rank {}/{}: point {} replicates {}..{}", cluster.rank(), cluster.size(), k.point,
                                   k.first, k.first + k.n - 1),
                       static_cast<double>(done) / std::max<std::size_t>(share, 1));
  }
  const auto cbor = json::to_cbor(mine);
  const auto gathered = cluster.gather(std::string(cbor.begin(), cbor.end()));
  SweepResult res;
  for (const auto& v : o.vary) res.keys.push_back(v.key);
  if (cluster.rank() != 0) return res;

  std::vector<json> by_task(tasks.size());
  for (const auto& bytes : gathered)
    for (auto& b : json::from_cbor(bytes)) {
      const auto t = b["task"].get<std::size_t>();
      if (t >= tasks.size() || !by_task[t].is_null()) throw Error(ErrorCode::Internal, "sweep", "a task came back twice");
      by_task[t] = std::move(b);
    }
  // Per point: blocks in replicate order, put side by side.
  std::size_t t = 0;
  for (std::size_t p = 0; p < points.size(); ++p) {
    std::vector<std::vector<double>> tr, hm;
    std::vector<std::uint64_t> clamped;
    json head;
    for (; t < tasks.size() && tasks[t].point == static_cast<int>(p); ++t) {
      const json& b = by_task[t];
      if (b.is_null()) throw Error(ErrorCode::Internal, "sweep", fmt::format("task {} never came back", t));
      if (head.is_null()) {
        head = b;
        tr.resize(b["true"].size());
        hm.resize(b["true"].size());
        clamped.assign(b["true"].size(), 0);
      }
      for (std::size_t s = 0; s < tr.size(); ++s) {
        for (double x : b["true"][s]) tr[s].push_back(x);
        for (double x : b["harm"][s]) hm[s].push_back(x);
        clamped[s] += b["clamped"][s].get<std::uint64_t>();
      }
    }
    for (std::size_t s = 1; s < tr.size(); ++s) {
      Row r;
      r.point = static_cast<int>(p);
      r.values = points[p].values;
      r.scenario = head["scenarios"][s];
      r.cost_sek = head["cost"][s];
      r.replicates = static_cast<int>(tr[0].size());
      r.prevented_true = simulation::summarise(minus(tr[0], tr[s]));
      auto harm = minus(hm[0], hm[s]);
      r.prevented_harm = simulation::summarise(harm);
      r.has_cost = r.cost_sek > 0;
      if (r.has_cost) {
        for (double& x : harm) x = x / r.cost_sek * 1e5;
        r.harm_per_100k_sek = simulation::summarise(std::move(harm));
      }
      r.clamped_events = clamped[s];
      res.rows.push_back(std::move(r));
    }
  }
  std::stable_sort(res.rows.begin(), res.rows.end(), [](const Row& a, const Row& b) {
    if (a.has_cost != b.has_cost) return a.has_cost;
    if (a.has_cost) return a.harm_per_100k_sek.mean > b.harm_per_100k_sek.mean;
    return a.prevented_harm.mean > b.prevented_harm.mean;
  });
  return res;
}

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string xml(const std::string& s) { return xml_escape(s); }

std::string label(const SweepResult& r, const Row& row) {
  std::string l;
  for (std::size_t k = 0; k < r.keys.size(); ++k) l += (k ? ", " : "") + r.keys[k] + "=" + row.values[k];
  return l + ": " + row.scenario;
}

}  // namespace

std::string summary_csv(const SweepResult& r) {
  std::string out = "rank,point";
  for (const auto& k : r.keys) out += "," + csv_field(k);
  out += ",scenario,cost_sek,replicates,prevented_true_mean,prevented_true_low,prevented_true_high,"
         "prevented_harm_mean,prevented_harm_low,prevented_harm_high,"
         "harm_per_100k_sek_mean,harm_per_100k_sek_low,harm_per_100k_sek_high,clamped_events\n";
  int rank = 0;
  for (const auto& row : r.rows) {
    out += fmt::format("{},{}", ++rank, row.point);
    for (const auto& v : row.values) out += "," + csv_field(v);
    out += fmt::format(",{},{:.0f},{},{:.4f},{:.4f},{:.4f},{:.4f},{:.4f},{:.4f}", csv_field(row.scenario), row.cost_sek,
                       row.replicates, row.prevented_true.mean, row.prevented_true.low, row.prevented_true.high,
                       row.prevented_harm.mean, row.prevented_harm.low, row.prevented_harm.high);
    if (row.has_cost)
      out += fmt::format(",{:.4f},{:.4f},{:.4f}", row.harm_per_100k_sek.mean, row.harm_per_100k_sek.low,
                         row.harm_per_100k_sek.high);
    else
      out += ",,,";  // no cost: no ratio, rather than a made-up one
    out += fmt::format(",{}\n", row.clamped_events);
  }
  return out;
}

std::string ranking_svg(const SweepResult& r) {
  // One row per (point, scenario) with a cost: the mean as a bar, the 90 % interval as a whisker.
  std::vector<const Row*> rows;
  for (const auto& row : r.rows)
    if (row.has_cost) rows.push_back(&row);
  // Labels end at the bars: the margin fits the longest (about 6.6 px a character at 12 px).
  std::size_t longest = 0;
  for (const Row* row : rows) longest = std::max(longest, label(r, *row).size());
  const double left = std::max(200.0, 6.6 * static_cast<double>(longest) + 16), width = 360, right = 60, top = 48,
               step = 22;
  double lo = 0, hi = 0;
  for (const Row* row : rows) {
    lo = std::min({lo, row->harm_per_100k_sek.low, row->harm_per_100k_sek.mean});
    hi = std::max({hi, row->harm_per_100k_sek.high, row->harm_per_100k_sek.mean});
  }
  if (hi - lo <= 0) hi = lo + 1;
  auto x = [&](double v) { return left + (v - lo) / (hi - lo) * width; };
  const double height = top + step * std::max<std::size_t>(rows.size(), 1) + 40;
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" font-family=\"sans-serif\" "
      "font-size=\"12\">\n",
      left + width + right, height);
  s += "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">Harm prevented per 100,000 SEK, by variation "
       "(severity-weighted true incidents; 90 % interval over replicates)</text>\n";
  if (rows.empty()) s += fmt::format("<text x=\"10\" y=\"{:.0f}\">No scenario has a cost: nothing to rank per SEK.</text>\n", top + 14);
  s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.0f}\" x2=\"{0:.1f}\" y2=\"{2:.0f}\" stroke=\"#888\"/>\n", x(0), top - 6,
                   top + step * rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& row = *rows[i];
    const double y = top + step * i;
    const auto& iv = row.harm_per_100k_sek;
    s += fmt::format("<text x=\"{:.0f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", left - 8, y + 14, xml(label(r, row)));
    s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"12\" fill=\"#4a7fb0\"/>\n",
                     std::min(x(0), x(iv.mean)), y + 4, std::abs(x(iv.mean) - x(0)));
    s += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#222\" stroke-width=\"1.5\"/>\n",
                     x(iv.low), y + 10, x(iv.high), y + 10);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{:.2f}</text>\n", x(std::max(iv.high, iv.mean)) + 4, y + 14, iv.mean);
  }
  const double axis = top + step * rows.size() + 16;
  s += fmt::format("<text x=\"{:.1f}\" y=\"{:.0f}\" text-anchor=\"middle\">{:.2f}</text>\n", x(lo), axis, lo);
  s += fmt::format("<text x=\"{:.1f}\" y=\"{:.0f}\" text-anchor=\"middle\">{:.2f}</text>\n", x(hi), axis, hi);
  s += "</svg>\n";
  return s;
}

void write(const SweepResult& r, const std::vector<Point>& points, const SweepOptions& o) {
  std::error_code ec;
  fs::create_directories(o.out / "points", ec);
  if (ec) throw Error(ErrorCode::OutputFailed, o.out.string(), "cannot create the folder: " + ec.message());
  json j;
  j["tryggve_version"] = kVersion;
  j["file"] = o.file.string();
  j["sets"] = o.sets;
  j["block_replicates"] = o.block_replicates;
  json vary = json::array();
  for (const auto& v : o.vary) vary.push_back({{"key", v.key}, {"values", v.values}});
  j["vary"] = vary;
  json pts = json::array();
  for (std::size_t p = 0; p < points.size(); ++p) {
    const std::string name = fmt::format("points/{:04}.yaml", p);
    write_text_atomically(o.out / name, scenario::resolved_yaml(points[p].file));
    pts.push_back({{"point", p}, {"values", points[p].values}, {"seed", points[p].file.seed},
                   {"replicates", points[p].file.simulate.replicates}, {"resolved", name}});
  }
  j["points"] = pts;
  write_text_atomically(o.out / "sweep.json", j.dump(2) + "\n");
  write_text_atomically(o.out / "sweep.csv", summary_csv(r));
  write_text_atomically(o.out / "sweep.svg", ranking_svg(r));
}

}  // namespace tryggve::sweep
