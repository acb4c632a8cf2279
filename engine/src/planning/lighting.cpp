#include "tryggve/planning/lighting.hpp"
#include "interval_json.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <unordered_map>

#include <fmt/format.h>

#include "tryggve/core/csv.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/parallel.hpp"
#include "tryggve/core/polygon.hpp"
#include "tryggve/core/rng.hpp"

namespace tryggve::planning {

using namespace simulation;

void LightingOptions::declare(OptionSet& o) {
  o.real("lamp_radius_m", lamp_radius_m, "Light radius of a lamp whose data give none", 1.0, 200.0);
  o.flag("unknown_is_lit", unknown_is_lit, "Count streets without a lit tag and without a mapped lamp as lit");
  o.list("exclude_highways", exclude_highways, "Highway classes left out of the lighting ranking (nobody walks there)");
  o.real("lamp_spacing_m", lamp_spacing_m, "Distance between new lamps along a path", 5.0, 500.0);
  o.real("sek_per_lamp", sek_per_lamp, "Cost of one new lamp installed (pole, foundation, cable, digging), SEK", 0.0, 1e8);
  o.real("fixed_cost_sek", fixed_cost_sek, "Fixed cost of one lighting project (design, permits, connection), SEK",
         0.0, 1e9);
  o.real("max_project_length_m", max_project_length_m, "Longest stretch of street or path in one project", 20.0,
         10000.0);
  o.text("evidence_key", evidence_key, "Evidence-table row for the lighting effect");
  o.integer("draws", draws, "Draws from the evidence interval for the 90% intervals", 10, 100000);
  o.integer("seed", seed, "Seed for the evidence draws (0: TRYGGVE_SEED or the default)", 0);
  o.integer("top", top, "Keep only the best N projects (0: all)", 0, 100000);
}

const char* to_string(LitSource s) {
  switch (s) {
    case LitSource::Tag: return "tag";
    case LitSource::Lamp: return "lamp";
    case LitSource::Unlit: return "unlit";
    case LitSource::Excluded: return "excluded";
  }
  return "?";
}

namespace {

struct LampGrid {
  double cell;
  std::unordered_map<std::int64_t, std::vector<std::pair<Point, double>>> bins;
  static std::int64_t key(std::int64_t i, std::int64_t j) { return i * 73856093LL ^ j * 19349663LL; }
  LampGrid(const std::vector<PointFeature>& lamps, double default_r) {
    double rmax = default_r;
    for (const auto& l : lamps) rmax = std::max(rmax, l.radius_m > 0 ? l.radius_m : default_r);
    cell = std::max(1.0, rmax);
    for (const auto& l : lamps) {
      const double r = l.radius_m > 0 ? l.radius_m : default_r;
      bins[key(static_cast<std::int64_t>(std::floor(l.pos.x / cell)), static_cast<std::int64_t>(std::floor(l.pos.y / cell)))]
          .push_back({l.pos, r});
    }
  }
  bool lit(Point p) const {
    const auto i = static_cast<std::int64_t>(std::floor(p.x / cell)), j = static_cast<std::int64_t>(std::floor(p.y / cell));
    for (std::int64_t a = i - 1; a <= i + 1; ++a)
      for (std::int64_t b = j - 1; b <= j + 1; ++b) {
        const auto it = bins.find(key(a, b));
        if (it == bins.end()) continue;
        for (const auto& [q, r] : it->second)
          if (distance(p, q) <= r) return true;
      }
    return false;
  }
};

bool is_path(const std::string& h) {
  return h == "footway" || h == "path" || h == "cycleway" || h == "pedestrian" || h == "steps" || h == "bridleway" ||
         h == "track" || h == "living_street";
}

struct UnionFind {
  std::vector<std::uint32_t> parent;
  std::vector<double> len;
  explicit UnionFind(const std::vector<double>& l) : parent(l.size()), len(l) {
    std::iota(parent.begin(), parent.end(), 0u);
  }
  std::uint32_t find(std::uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  // Joins unless the result would exceed max_len (max_len < 0: no cap).
  void join(std::uint32_t a, std::uint32_t b, double max_len) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (max_len >= 0 && len[a] + len[b] > max_len) return;
    if (b < a) std::swap(a, b);
    parent[b] = a;
    len[a] += len[b];
  }
};

}  // namespace

std::vector<LixelLight> classify_lighting(const CellNetwork& cells, const std::vector<PointFeature>& lamps,
                                          const std::vector<PolygonFeature>& parks, const LightingOptions& o) {
  const auto& net = cells.network();
  const LampGrid grid(lamps, o.lamp_radius_m);
  std::vector<Envelope> park_env;
  for (const auto& p : parks) park_env.push_back(envelope(p.geometry));
  std::vector<LixelLight> out(cells.size());
  parallel_for(std::size_t{0}, cells.size(), [&](std::size_t c) {
    const Cell& cl = cells.cell(static_cast<CellId>(c));
    const auto& e = net.edge(cl.edge);
    LixelLight& x = out[c];
    const Point mid = net.point_at(cl.edge, 0.5 * (cl.start + cl.end));
    for (std::size_t k = 0; k < parks.size(); ++k)
      if (park_env[k].contains(mid) && contains(parks[k].geometry, mid)) { x.park = static_cast<int>(k); break; }
    if (std::find(o.exclude_highways.begin(), o.exclude_highways.end(), e.highway) != o.exclude_highways.end()) {
      x.source = LitSource::Excluded;
      x.lit = true;  // not a candidate
      return;
    }
    constexpr int kSamples = 5;
    int covered = 0;
    for (int s = 0; s < kSamples; ++s)
      covered += grid.lit(net.point_at(cl.edge, cl.start + (s + 0.5) / kSamples * cl.length()));
    x.lamp_cover = static_cast<double>(covered) / kSamples;
    if (e.lit == Lit::Yes) { x.lit = true; x.source = LitSource::Tag; }
    else if (x.lamp_cover >= 0.5) { x.lit = true; x.source = LitSource::Lamp; }
    else if (e.lit == Lit::Unknown && o.unknown_is_lit) { x.lit = true; x.source = LitSource::Tag; }
    else { x.lit = false; x.source = LitSource::Unlit; }
  });
  return out;
}

std::vector<LightingProject> group_projects(const CellNetwork& cells, const std::vector<LixelLight>& light,
                                            const std::vector<PolygonFeature>& parks, const LightingOptions& o) {
  const auto& net = cells.network();
  const std::size_t n = cells.size();
  auto kind_of = [&](CellId c) -> std::string {
    if (light[c].park >= 0) return "park";
    const auto& e = net.edge(cells.cell(c).edge);
    if (e.tunnel) return "tunnel";
    return is_path(e.highway) ? "path" : "street";
  };
  auto candidate = [&](CellId c) { return !light[c].lit; };
  std::vector<double> len(n);
  for (CellId c = 0; c < n; ++c) len[c] = cells.length(c);
  UnionFind uf(len);
  // Parks: every unlit lixel of one park is one project (its paths).
  std::vector<std::int64_t> park_root(parks.size(), -1);
  for (CellId c = 0; c < n; ++c) {
    if (!candidate(c) || light[c].park < 0) continue;
    auto& r = park_root[light[c].park];
    if (r < 0) r = c;
    else uf.join(static_cast<std::uint32_t>(r), c, -1.0);
  }
  // Along edges.
  for (network::EdgeId e = 0; e < net.edge_count(); ++e) {
    const CellId a = cells.first_cell(e), k = cells.cell_count(e);
    for (CellId c = a; c + 1 < a + k; ++c)
      if (candidate(c) && candidate(c + 1) && light[c].park < 0 && light[c + 1].park < 0 &&
          kind_of(c) == kind_of(c + 1))
        uf.join(c, c + 1, o.max_project_length_m);
  }
  // Through vertices where the way goes on.
  for (network::VertexId v = 0; v < net.vertex_count(); ++v) {
    const auto inc = net.incident(v);
    std::vector<std::pair<CellId, network::EdgeId>> ends;
    for (const auto& i : inc) {
      const CellId k = cells.cell_count(i.edge);
      if (k == 0) continue;
      const CellId c = i.at_from ? cells.first_cell(i.edge) : cells.first_cell(i.edge) + k - 1;
      if (candidate(c) && light[c].park < 0) ends.push_back({c, i.edge});
    }
    for (std::size_t x = 0; x < ends.size(); ++x)
      for (std::size_t y = x + 1; y < ends.size(); ++y) {
        const auto& ea = net.edge(ends[x].second);
        const auto& eb = net.edge(ends[y].second);
        const bool goes_on = inc.size() == 2 || (!ea.name.empty() && ea.name == eb.name);
        if (goes_on && kind_of(ends[x].first) == kind_of(ends[y].first))
          uf.join(ends[x].first, ends[y].first, o.max_project_length_m);
      }
  }
  std::map<std::uint32_t, std::vector<CellId>> groups;
  for (CellId c = 0; c < n; ++c)
    if (candidate(c)) groups[uf.find(c)].push_back(c);
  std::vector<LightingProject> out;
  for (auto& [root, members] : groups) {
    LightingProject p;
    p.id = static_cast<int>(out.size() + 1);
    p.kind = kind_of(members.front());
    p.cells = members;
    std::map<std::string, double> names;
    for (CellId c : members) {
      p.length_m += cells.length(c);
      names[net.edge(cells.cell(c).edge).name] += cells.length(c);
    }
    std::string best;
    double best_len = -1;
    for (const auto& [nm, l] : names)
      if (!nm.empty() && l > best_len) { best = nm; best_len = l; }
    if (p.kind == "park") {
      const auto& park = parks[light[members.front()].park];
      p.name = park.name.empty() ? fmt::format("park {}", park.source_id) : park.name;
    } else if (!best.empty()) {
      p.name = best;
    } else {
      p.name = p.kind == "tunnel" ? "tunnel (unnamed)" : p.kind == "path" ? "path (unnamed)" : "street (unnamed)";
    }
    const Cell& mid = cells.cell(members[members.size() / 2]);
    p.mid = net.point_at(mid.edge, 0.5 * (mid.start + mid.end));
    out.push_back(std::move(p));
  }
  return out;
}

void rank_projects(std::vector<LightingProject>& projects, const std::vector<std::vector<double>>& D,
                   const std::vector<const EvidenceRow*>& rows, const std::vector<double>& outdoor_share,
                   const std::vector<double>& weights, const EvidenceTable& evidence, const LightingOptions& o) {
  const std::size_t P = rows.size();
  // S[j][p]: the project's dark-hour forecast of parameter p that lighting can touch.
  std::vector<std::vector<double>> S(projects.size(), std::vector<double>(P, 0.0));
  for (std::size_t j = 0; j < projects.size(); ++j) {
    auto& pr = projects[j];
    pr.lamps = std::max(1, static_cast<int>(std::ceil(pr.length_m / o.lamp_spacing_m - 1e-9)));
    pr.cost_sek = o.fixed_cost_sek + pr.lamps * o.sek_per_lamp;
    pr.dark_incidents_per_year = 0.0;
    pr.harm_prevented_per_year = 0.0;
    for (std::size_t p = 0; p < P; ++p) {
      if (!rows[p] || D[p].empty()) continue;
      double s = 0.0;
      for (CellId c : pr.cells) s += D[p][c];
      pr.dark_incidents_per_year += s;
      S[j][p] = s * outdoor_share[p];
      pr.harm_prevented_per_year += weights[p] * S[j][p] * (1.0 - rows[p]->rr_central);
    }
  }
  const std::uint64_t seed = o.seed ? static_cast<std::uint64_t>(o.seed) : default_seed();
  // draws × projects, each draw one possible world of the evidence.
  std::vector<std::vector<double>> prevented(projects.size(), std::vector<double>(o.draws));
  parallel_for(0, o.draws, [&](int d) {
    Rng rng(seed, 0x11647u + static_cast<std::uint64_t>(d));
    std::vector<double> z(evidence.rows().size());
    for (double& x : z) x = rng.normal();
    std::vector<double> eff(P, 0.0);
    for (std::size_t p = 0; p < P; ++p)
      if (rows[p]) eff[p] = 1.0 - draw_rr(*rows[p], z[evidence.index_of(rows[p])]);
    for (std::size_t j = 0; j < projects.size(); ++j) {
      double s = 0.0;
      for (std::size_t p = 0; p < P; ++p) s += S[j][p] * eff[p];
      prevented[j][d] = s;
    }
  });
  for (std::size_t j = 0; j < projects.size(); ++j) {
    auto& pr = projects[j];
    double central = 0.0;
    for (std::size_t p = 0; p < P; ++p)
      if (rows[p]) central += S[j][p] * (1.0 - rows[p]->rr_central);
    pr.prevented_per_year = summarise(prevented[j]);
    // The mean is the central estimate (RR at its median), not the mean over
    // draws: a two-piece interval's mean differs from the published figure.
    pr.prevented_per_year.mean = central;
    const double k = pr.cost_sek > 0 ? 1e5 / pr.cost_sek : 0.0;
    pr.prevented_per_100k_sek = {central * k, pr.prevented_per_year.low * k, pr.prevented_per_year.high * k};
  }
  std::stable_sort(projects.begin(), projects.end(), [](const LightingProject& a, const LightingProject& b) {
    if (a.prevented_per_100k_sek.mean != b.prevented_per_100k_sek.mean)
      return a.prevented_per_100k_sek.mean > b.prevented_per_100k_sek.mean;
    return a.id < b.id;
  });
  for (std::size_t j = 0; j < projects.size(); ++j) projects[j].rank = static_cast<int>(j + 1);
}

LightingPlan plan_lighting(const PlanningContext& ctx, const EvidenceTable& evidence,
                           const std::vector<PointFeature>& lamps, const std::vector<PolygonFeature>& parks,
                           const LightingOptions& o) {
  const auto& cells = ctx.cells();
  const auto& traits = ctx.traits();
  LightingPlan plan;
  const int month = ctx.forecast_first_month();
  plan.first_month = month_label(month);
  std::vector<const EvidenceRow*> rows(traits.size(), nullptr);
  std::vector<double> weights, share;
  const auto& model = ctx.model();
  for (std::size_t p = 0; p < traits.size(); ++p) {
    rows[p] = evidence.find(o.evidence_key, traits[p]);
    // A lighting row that acts "always" would count daytime; this ranking counts the
    // dark hours only, which is what `dark` rows promise.
    if (rows[p] && rows[p]->applies_when != AppliesWhen::Dark && o.evidence_key == "lighting") rows[p] = nullptr;
    if (rows[p]) plan.parameters.push_back(traits[p].code);
    weights.push_back(traits[p].severity_weight);
    share.push_back(std::clamp(model.parameters[p].outdoor_share, 0.0, 1.0));
  }
  if (plan.parameters.empty())
    throw Error(ErrorCode::BadOption, "lighting.evidence_key",
                fmt::format("the evidence table has no '{}' row for any parameter of the taxonomy", o.evidence_key));

  plan.lixels = classify_lighting(cells, lamps, parks, o);
  for (CellId c = 0; c < cells.size(); ++c) {
    const auto& x = plan.lixels[c];
    (x.source == LitSource::Excluded ? plan.excluded_length_m : x.lit ? plan.lit_length_m : plan.unlit_length_m) +=
        cells.length(c);
  }
  plan.projects = group_projects(cells, plan.lixels, parks, o);

  HourFilter dark;
  dark.dark_only = true;
  const auto D = ctx.forecast(month, 12, dark);
  const auto w = ctx.window(month, 12);
  plan.dark_hours_by_month.assign(static_cast<std::size_t>(w->calendar.month_count()), 0.0);
  for (std::size_t h = 0; h < w->calendar.size(); ++h) {
    const int m = w->calendar[h].month;
    if (m >= 0 && m < static_cast<int>(plan.dark_hours_by_month.size()))
      plan.dark_hours_by_month[m] += w->calendar.dark_fraction(h) * w->calendar.hour_weight(h);
  }
  for (int m = 0; m < w->calendar.month_count(); ++m) plan.month_labels.push_back(w->calendar.month_label(m));

  rank_projects(plan.projects, D, rows, share, weights, evidence, o);
  if (o.top > 0 && static_cast<int>(plan.projects.size()) > o.top) plan.projects.resize(o.top);
  plan.project_of_cell.assign(cells.size(), -1);
  for (const auto& p : plan.projects)
    for (CellId c : p.cells) plan.project_of_cell[c] = p.id;
  return plan;
}

namespace {
}  // namespace

std::string lighting_csv(const LightingPlan& plan) {
  std::string s =
      "rank,project_id,kind,name,length_m,lamps,cost_sek,dark_incidents_per_year,prevented_per_year,"
      "prevented_low,prevented_high,prevented_per_100k_sek,per_100k_low,per_100k_high,harm_prevented_per_year,x,y\n";
  for (const auto& p : plan.projects)
    s += fmt::format("{},{},{},{},{:.1f},{},{:.0f},{:.4f},{:.4f},{:.4f},{:.4f},{:.5f},{:.5f},{:.5f},{:.4f},{:.2f},{:.2f}\n",
                     p.rank, p.id, p.kind, csv_field(p.name), p.length_m, p.lamps, p.cost_sek,
                     p.dark_incidents_per_year, p.prevented_per_year.mean, p.prevented_per_year.low,
                     p.prevented_per_year.high, p.prevented_per_100k_sek.mean, p.prevented_per_100k_sek.low,
                     p.prevented_per_100k_sek.high, p.harm_prevented_per_year, p.mid.x, p.mid.y);
  return s;
}

nlohmann::json to_json(const LightingPlan& plan, const LightingOptions& o) {
  const auto iv = interval_json;
  nlohmann::json j;
  j["first_month"] = plan.first_month;
  j["months"] = plan.month_labels;
  j["dark_hours_by_month"] = plan.dark_hours_by_month;
  j["parameters"] = plan.parameters;
  j["lit_length_m"] = plan.lit_length_m;
  j["unlit_length_m"] = plan.unlit_length_m;
  j["excluded_length_m"] = plan.excluded_length_m;
  j["cost_model"] = {{"sek_per_lamp", o.sek_per_lamp}, {"lamp_spacing_m", o.lamp_spacing_m},
                     {"fixed_cost_sek", o.fixed_cost_sek}};
  j["interval"] = "90% interval over draws of the lighting relative risk from the evidence table";
  auto& arr = j["projects"] = nlohmann::json::array();
  for (const auto& p : plan.projects)
    arr.push_back({{"rank", p.rank}, {"project_id", p.id}, {"kind", p.kind}, {"name", p.name},
                   {"length_m", p.length_m}, {"lamps", p.lamps}, {"cost_sek", p.cost_sek},
                   {"dark_incidents_per_year", p.dark_incidents_per_year},
                   {"prevented_per_year", iv(p.prevented_per_year)},
                   {"prevented_per_100k_sek", iv(p.prevented_per_100k_sek)},
                   {"harm_prevented_per_year", p.harm_prevented_per_year}, {"x", p.mid.x}, {"y", p.mid.y}});
  return j;
}

}  // namespace tryggve::planning
