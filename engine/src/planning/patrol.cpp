#include "tryggve/planning/patrol.hpp"
#include "interval_json.hpp"

#include <algorithm>
#include <cmath>
#include <queue>

#include <fmt/format.h>

#include "tryggve/core/csv.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/parallel.hpp"
#include "tryggve/core/polygon.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/simulation/results.hpp"
#include "tryggve/simulation/spillover.hpp"

namespace tryggve::planning {

using namespace simulation;

void PatrolOptions::declare(OptionSet& o) {
  o.real("officer_hours_per_week", officer_hours_per_week, "Patrol budget: officer-hours per week at the places", 0.25,
         10000.0);
  o.real("visit_minutes", visit_minutes, "Length of one visit (the Koper curve: 10-15 minutes work best)", 1.0, 240.0);
  o.real("visit_interval_hours", visit_interval_hours,
         "A full dose is one visit per this many hours of the windows (the evidence's reference programme)", 0.25, 24.0);
  o.integer("max_places", max_places, "Most places on the watch list", 1, 1000);
  o.text("windows", windows, "Patrol time windows, e.g. 'fri,sat 18-24' or 'mon-fri 17-22; sat 12-24'");
  o.real("min_spacing_m", min_spacing_m, "Least network distance between two places on the list", 0.0, 10000.0);
  o.text("area", area, "Stay within this area (name or code in the areas layer); empty: anywhere");
  o.real("max_place_length_m", max_place_length_m, "Longest stretch of street one place may cover", 10.0, 5000.0);
  o.text("evidence_key", evidence_key, "Evidence-table row for the patrol effect (hotspot_policing, foot_patrol)");
  o.real("diffusion_share", diffusion_share,
         "Diffusion of benefits around a place, as a share of what it prevents itself (-1: the evidence table's "
         "diffusion row)",
         -1.0, 1.0);
  o.real("displacement_share", displacement_share,
         "Share of what a place prevents that moves elsewhere (-1: the evidence table's displacement row)", -1.0, 1.0);
  o.real("diffusion_decay_m", diffusion_decay_m, "e-folding distance of the diffusion of benefits", 1.0, 5000.0);
  o.real("diffusion_buffer_m", diffusion_buffer_m, "Diffusion of benefits reaches this far (network metres)", 0.0,
         5000.0);
  o.integer("draws", draws, "Draws from the evidence interval for the 90% interval of the benefit", 10, 100000);
  o.integer("seed", seed, "Seed for the evidence draws (0: TRYGGVE_SEED or the default)", 0);
  o.integer("backtest_months", backtest_months, "Months of history to backtest the choice on (0: none)", 0, 36);
}

std::vector<PatrolPlace> make_places(const CellNetwork& cells, double max_len) {
  std::vector<PatrolPlace> out;
  const auto& net = cells.network();
  for (network::EdgeId e = 0; e < net.edge_count(); ++e) {
    const CellId first = cells.first_cell(e), n = cells.cell_count(e);
    if (n == 0) continue;
    const int k = std::max(1, static_cast<int>(std::ceil(net.edge(e).length / max_len - 1e-9)));
    const int chunks = std::min<int>(k, static_cast<int>(n));
    for (int j = 0; j < chunks; ++j) {
      PatrolPlace p;
      p.id = static_cast<std::uint32_t>(out.size());
      p.edge = e;
      const CellId a = first + static_cast<CellId>(j * n / chunks), b = first + static_cast<CellId>((j + 1) * n / chunks);
      for (CellId c = a; c < b; ++c) {
        p.cells.push_back(c);
        p.length_m += cells.length(c);
      }
      p.mid = net.point_at(e, 0.5 * (cells.cell(a).start + cells.cell(b - 1).end));
      out.push_back(std::move(p));
    }
  }
  return out;
}

namespace {

struct Influence {
  CellId cell;
  float share;  // s_i(c)
};

// The same spill-over model as the simulation (simulation/spillover.hpp): the
// place's own cells keep 1 - displacement of the effect (the rest moves away),
// cells within the buffer get min(1, diffusion x w_c) with the decay weights
// scaled so that diffusion is at most that share of the place's own benefit.
// The opportunity is the harm the patrol can act on, h_c = Σ_p w_p (1 − RR_p) F_p,c,
// so a place is never credited with more around it than a share of its own.
std::vector<std::vector<Influence>> influences(const CellNetwork& cells, const std::vector<PatrolPlace>& places,
                                               const PatrolOptions& o, const std::vector<double>& opportunity) {
  if (o.diffusion_share < 0 || o.displacement_share < 0)
    throw Error(ErrorCode::BadOption, "patrol", "spill-over shares not resolved (resolve_spillover_shares)");
  std::vector<std::vector<Influence>> out(places.size());
  const bool diffuse = o.diffusion_share > 0 && o.diffusion_buffer_m > 0;
  Spillover sp;
  sp.buffer_m = sp.outer_m = o.diffusion_buffer_m;
  sp.diffusion_decay_m = o.diffusion_decay_m;
  parallel_for(std::size_t{0}, places.size(), [&](std::size_t i) {
    const auto& p = places[i];
    auto& inf = out[i];
    for (CellId c : p.cells) inf.push_back({c, static_cast<float>(1.0 - o.displacement_share)});
    if (!diffuse) return;
    const SpilloverFootprint f = spillover_footprint(cells, p.cells, sp, "patrol");
    const auto w = diffusion_weights(f, p.cells, opportunity);
    for (std::size_t k = 0; k < w.size(); ++k)
      if (w[k] > 0) inf.push_back({f.diffusion_cells[k], static_cast<float>(std::min(1.0, o.diffusion_share * w[k]))});
  });
  return out;
}

std::vector<double> patrol_opportunity(std::size_t n_cells, const std::vector<std::vector<double>>& F,
                                       const std::vector<double>& weights, const std::vector<double>& rr) {
  std::vector<double> h(n_cells, 0.0);
  for (std::size_t p = 0; p < F.size(); ++p) {
    if (F[p].empty()) continue;
    const double e = weights[p] * (1.0 - rr[p]);
    if (e <= 0) continue;
    for (std::size_t c = 0; c < n_cells; ++c) h[c] += e * F[p][c];
  }
  return h;
}

double full_visits(const PatrolOptions& o, double window_hours) {
  return window_hours / o.visit_interval_hours;
}

}  // namespace

Selection choose_places(const CellNetwork& cells, const std::vector<PatrolPlace>& places,
                        const std::vector<std::vector<double>>& F, const std::vector<double>& weights,
                        const std::vector<double>& rr, const PatrolOptions& o, const std::vector<char>& allowed) {
  Selection sel;
  const auto windows = parse_windows(o.windows, "patrol.windows");
  const double wh = window_hours_per_week(windows);
  const double need = full_visits(o, wh);
  const int full = static_cast<int>(std::ceil(need - 1e-9));
  const double hours_per_visit = o.visit_minutes / 60.0;
  const double visit_dose = patrol_visit_dose(o.visit_minutes);
  // Active parameters: a forecast and an effect.
  std::vector<std::size_t> act;
  for (std::size_t p = 0; p < F.size(); ++p)
    if (!F[p].empty() && weights[p] > 0 && rr[p] != 1.0) act.push_back(p);
  const auto inf = influences(cells, places, o, patrol_opportunity(cells.size(), F, weights, rr));
  // R[k][c]: the share of parameter act[k]'s harm at c not yet prevented.
  std::vector<std::vector<double>> R(act.size(), std::vector<double>(cells.size(), 1.0));
  auto gain = [&](std::size_t i, double q) {
    double g = 0.0;
    for (std::size_t k = 0; k < act.size(); ++k) {
      const std::size_t p = act[k];
      const double e = q * (1.0 - rr[p]);
      for (const auto& x : inf[i]) g += weights[p] * F[p][x.cell] * R[k][x.cell] * e * x.share;
    }
    return g;
  };
  std::vector<char> blocked(cells.size(), 0);
  auto feasible = [&](std::size_t i) {
    if (!allowed.empty() && !allowed[i]) return false;
    for (CellId c : places[i].cells)
      if (blocked[c]) return false;
    return true;
  };
  // CELF: stale upper bounds in a max-heap; a popped bound that is fresh for this
  // round is the true best (submodularity: gains only shrink as the set grows).
  struct Entry {
    double gain;
    std::size_t index;
    int round;
    bool operator<(const Entry& b) const { return gain < b.gain || (gain == b.gain && index > b.index); }
  };
  const double q_full = visit_dose * std::min(1.0, full / need);
  std::priority_queue<Entry> heap;
  for (std::size_t i = 0; i < places.size(); ++i) {
    if (!allowed.empty() && !allowed[i]) continue;
    heap.push({gain(i, q_full), i, 0});
    ++sel.evaluations;
  }
  double budget = o.officer_hours_per_week;
  int round = 0;
  while (!heap.empty() && static_cast<int>(sel.chosen.size()) < o.max_places) {
    const int visits = std::min(full, static_cast<int>(std::floor(budget / hours_per_visit + 1e-9)));
    if (visits <= 0) break;
    if (!o.lazy && round > 0 && heap.top().round != round) {
      // Plain greedy (the reference CELF is measured against): every gain afresh.
      std::priority_queue<Entry> fresh;
      while (!heap.empty()) {
        Entry e = heap.top();
        heap.pop();
        if (!feasible(e.index)) continue;
        e.gain = gain(e.index, q_full);
        e.round = round;
        ++sel.evaluations;
        fresh.push(e);
      }
      heap.swap(fresh);
      continue;
    }
    Entry top = heap.top();
    heap.pop();
    if (!feasible(top.index)) continue;
    if (top.round != round) {
      top.gain = gain(top.index, q_full);
      top.round = round;
      ++sel.evaluations;
      heap.push(top);
      continue;
    }
    if (top.gain <= 0) break;  // nothing left worth an officer's time
    const std::size_t i = top.index;
    const double q = visit_dose * std::min(1.0, visits / need);
    sel.chosen.push_back(i);
    sel.visits.push_back(visits);
    sel.doses.push_back(q);
    sel.gains.push_back(gain(i, q));
    budget -= visits * hours_per_visit;
    for (std::size_t k = 0; k < act.size(); ++k) {
      const double e = q * (1.0 - rr[act[k]]);
      for (const auto& x : inf[i]) R[k][x.cell] *= 1.0 - e * x.share;
    }
    if (o.min_spacing_m > 0)
      for (const auto& [c, d] : cells.within(places[i].cells, o.min_spacing_m)) blocked[c] = 1;
    else
      for (CellId c : places[i].cells) blocked[c] = 1;
    ++round;
  }
  return sel;
}

namespace {

double harm_of(std::size_t n_cells, const std::vector<std::vector<Influence>>& inf, const std::vector<double>& doses,
               const std::vector<std::vector<double>>& F, const std::vector<double>& weights,
               const std::vector<double>& rr) {
  double total = 0.0;
  std::vector<double> R(n_cells, 1.0);
  std::vector<char> seen(n_cells, 0);
  std::vector<CellId> touched;
  for (std::size_t p = 0; p < F.size(); ++p) {
    if (F[p].empty() || weights[p] <= 0 || rr[p] == 1.0) continue;
    touched.clear();
    for (std::size_t k = 0; k < inf.size(); ++k) {
      const double e = doses[k] * (1.0 - rr[p]);
      for (const auto& x : inf[k]) {
        if (!seen[x.cell]) { seen[x.cell] = 1; touched.push_back(x.cell); }
        R[x.cell] *= 1.0 - e * x.share;
      }
    }
    for (CellId c : touched) {
      total += weights[p] * F[p][c] * (1.0 - R[c]);
      R[c] = 1.0;
      seen[c] = 0;
    }
  }
  return total;
}

std::vector<std::vector<Influence>> chosen_influences(const CellNetwork& cells, const std::vector<PatrolPlace>& places,
                                                      const Selection& s, const PatrolOptions& o,
                                                      const std::vector<double>& opportunity) {
  std::vector<PatrolPlace> chosen;
  for (std::size_t i : s.chosen) chosen.push_back(places[i]);
  return influences(cells, chosen, o, opportunity);
}

}  // namespace

double harm_prevented(const CellNetwork& cells, const std::vector<PatrolPlace>& places, const Selection& s,
                      const std::vector<std::vector<double>>& F, const std::vector<double>& weights,
                      const std::vector<double>& rr, const PatrolOptions& o) {
  return harm_of(cells.size(), chosen_influences(cells, places, s, o, patrol_opportunity(cells.size(), F, weights, rr)),
                 s.doses, F, weights, rr);
}

namespace {

// Severity-weighted events in the windows per cell, in [t0, t1).
std::vector<double> observed(const PlanningContext::Window& w, const std::vector<WeeklyWindow>& windows,
                             const std::vector<double>& weights, std::size_t n_cells, double t0, double t1) {
  std::vector<double> out(n_cells, 0.0);
  for (std::size_t p = 0; p < w.events.by_parameter.size(); ++p)
    for (const auto& e : events_between(w.events.by_parameter[p], t0, t1))
      if (in_windows(windows, e.hour_of_week)) out[e.cell] += weights[p];
  return out;
}

void score(const Selection& s, const std::vector<PatrolPlace>& places, const std::vector<double>& obs,
           double total_len, double& hit_rate, double& length_share, double& pai) {
  double hits = 0.0, all = 0.0, len = 0.0;
  for (double x : obs) all += x;
  for (std::size_t i : s.chosen) {
    for (CellId c : places[i].cells) hits += obs[c];
    len += places[i].length_m;
  }
  hit_rate = all > 0 ? hits / all : 0.0;
  length_share = len / total_len;
  pai = length_share > 0 ? hit_rate / length_share : 0.0;
}

}  // namespace

namespace {
// The evidence rows of the shares the options leave to the table (-1), for the
// first parameter that has one (the shipped rows apply to every parameter).
struct SpilloverRows {
  const EvidenceRow* diffusion = nullptr;
  const EvidenceRow* displacement = nullptr;
};
SpilloverRows spillover_rows(const PatrolOptions& o, const EvidenceTable& evidence,
                             const std::vector<ParameterTraits>& traits) {
  SpilloverRows r;
  for (const auto& t : traits) {
    if (o.diffusion_share < 0 && !r.diffusion) r.diffusion = diffusion_row(evidence, o.evidence_key, t);
    if (o.displacement_share < 0 && !r.displacement) r.displacement = displacement_row(evidence, o.evidence_key, t);
  }
  return r;
}
}  // namespace

PatrolOptions resolve_spillover_shares(const PatrolOptions& o, const EvidenceTable& evidence,
                                       const std::vector<ParameterTraits>& traits) {
  PatrolOptions out = o;
  const SpilloverRows r = spillover_rows(o, evidence, traits);
  if (out.diffusion_share < 0) out.diffusion_share = r.diffusion ? draw_share(*r.diffusion, 0.0) : 0.0;
  if (out.displacement_share < 0) out.displacement_share = r.displacement ? draw_share(*r.displacement, 0.0) : 0.0;
  return out;
}

PatrolPlan plan_patrol(const PlanningContext& ctx, const EvidenceTable& evidence, const PatrolOptions& given,
                       const std::vector<PolygonFeature>& areas) {
  // Spill-over shares as the simulation would draw them (central values here).
  const PatrolOptions o = resolve_spillover_shares(given, evidence, ctx.traits());
  const auto windows = parse_windows(o.windows, "patrol.windows");
  if (o.visit_minutes / 60.0 > o.officer_hours_per_week)
    throw Error(ErrorCode::BadOption, "patrol.officer_hours_per_week",
                fmt::format("a budget of {} h per week does not cover one visit of {} minutes",
                            o.officer_hours_per_week, o.visit_minutes));
  const auto& cells = ctx.cells();
  const auto& traits = ctx.traits();
  PatrolPlan plan;
  plan.window_hours_per_week = window_hours_per_week(windows);
  const int month = ctx.forecast_first_month();
  plan.month = month_label(month);

  std::vector<double> weights, rr(traits.size(), 1.0);
  std::vector<const EvidenceRow*> rows(traits.size(), nullptr);
  bool any = false;
  for (std::size_t p = 0; p < traits.size(); ++p) {
    weights.push_back(traits[p].severity_weight);
    rows[p] = evidence.find(o.evidence_key, traits[p]);
    if (rows[p]) { rr[p] = rows[p]->rr_central; any = true; }
  }
  if (!any)
    throw Error(ErrorCode::BadOption, "patrol.evidence_key",
                fmt::format("the evidence table has no row '{}' for any parameter", o.evidence_key));

  const auto places = make_places(cells, o.max_place_length_m);
  plan.candidates = places.size();
  std::vector<char> allowed;
  if (!o.area.empty()) {
    const PolygonFeature* area = nullptr;
    for (const auto& a : areas)
      if (a.name == o.area || a.kind == o.area || std::to_string(a.source_id) == o.area) { area = &a; break; }
    if (!area)
      throw Error(ErrorCode::BadOption, "patrol.area",
                  fmt::format("no area named '{}' among the {} areas given", o.area, areas.size()));
    allowed.resize(places.size());
    for (std::size_t i = 0; i < places.size(); ++i) allowed[i] = contains(area->geometry, places[i].mid);
  }
  HourFilter filter;
  filter.weight = [windows](const HourInfo& h) { return in_windows(windows, h.hour_of_week) ? 1.0 : 0.0; };
  const auto F = ctx.forecast(month, 1, filter);
  for (std::size_t p = 0; p < F.size(); ++p)
    for (double x : F[p]) plan.forecast_harm_total += weights[p] * x;

  const Selection sel = choose_places(cells, places, F, weights, rr, o, allowed);
  plan.evaluations = sel.evaluations;
  const auto& net = ctx.network();
  for (std::size_t k = 0; k < sel.chosen.size(); ++k) {
    WatchItem it;
    it.rank = static_cast<int>(k + 1);
    it.place = places[sel.chosen[k]];
    it.street = net.edge(it.place.edge).name;
    it.visits_per_week = sel.visits[k];
    it.officer_hours_per_week = sel.visits[k] * o.visit_minutes / 60.0;
    it.dose = sel.doses[k];
    for (std::size_t p = 0; p < F.size(); ++p)
      for (CellId c : it.place.cells) {
        it.forecast_harm += weights[p] * F[p][c];
        it.forecast_incidents += F[p][c];
      }
    it.marginal_harm_prevented = sel.gains[k];
    plan.officer_hours_used += it.officer_hours_per_week;
    plan.items.push_back(std::move(it));
  }

  // The interval: RR and spill-over shares drawn per evidence row, the same draw
  // for every parameter sharing a row (the "true effect of patrols" in one
  // possible world), as the simulation draws them.
  const std::uint64_t seed = o.seed ? static_cast<std::uint64_t>(o.seed) : default_seed();
  const auto opportunity = patrol_opportunity(cells.size(), F, weights, rr);
  const auto chosen_inf = chosen_influences(cells, places, sel, o, opportunity);
  const SpilloverRows spill_rows = spillover_rows(given, evidence, traits);
  const std::vector<double> ones(traits.size(), 1.0);
  std::vector<double> harm(o.draws), count(o.draws);
  parallel_for(0, o.draws, [&](int d) {
    Rng rng(seed, 0x9A7201u + static_cast<std::uint64_t>(d));
    std::vector<double> z(evidence.rows().size());
    for (double& x : z) x = rng.normal();
    std::vector<double> r(traits.size(), 1.0);
    for (std::size_t p = 0; p < traits.size(); ++p)
      if (rows[p]) r[p] = draw_rr(*rows[p], z[evidence.index_of(rows[p])]);
    std::vector<std::vector<Influence>> drawn;
    const std::vector<std::vector<Influence>>* inf = &chosen_inf;
    if (spill_rows.diffusion || spill_rows.displacement) {
      PatrolOptions od = o;
      if (spill_rows.diffusion) od.diffusion_share = draw_share(*spill_rows.diffusion, z[evidence.index_of(spill_rows.diffusion)]);
      if (spill_rows.displacement)
        od.displacement_share = draw_share(*spill_rows.displacement, z[evidence.index_of(spill_rows.displacement)]);
      drawn = chosen_influences(cells, places, sel, od, opportunity);
      inf = &drawn;
    }
    harm[d] = harm_of(cells.size(), *inf, sel.doses, F, weights, r);
    count[d] = harm_of(cells.size(), *inf, sel.doses, F, ones, r);
  });
  plan.harm_prevented = summarise(harm);
  plan.incidents_prevented = summarise(count);

  // Backtest: a model fitted before the backtest months, each month forecast from
  // the events before it, against last month's top places of the same number.
  const int B = std::min(o.backtest_months, month - ctx.first_month() - 2);
  double hits_m = 0, hits_l = 0, all = 0, share_m = 0, share_l = 0;
  for (int m = month - B; B > 0 && m < month; ++m) {
    BacktestMonth bm;
    bm.month = month_label(m);
    const auto Fm = ctx.forecast(m, 1, filter, month - B);
    const Selection sm = choose_places(cells, places, Fm, weights, rr, o, allowed);
    const auto w = ctx.window(m, 1);
    const auto obs = observed(*w, windows, weights, cells.size(), w->calendar.start_hours(), w->calendar.end_hours());
    const auto wl = ctx.window(m - 1, 1);
    const auto last = observed(*wl, windows, weights, cells.size(), wl->calendar.start_hours(), wl->calendar.end_hours());
    PatrolOptions ol = o;
    ol.diffusion_share = ol.displacement_share = 0.0;
    ol.max_places = std::max<int>(1, static_cast<int>(sm.chosen.size()));
    const Selection sl = choose_places(cells, places, {last}, {1.0}, {0.5}, ol, allowed);
    for (double x : obs) bm.events += x;
    score(sm, places, obs, cells.total_length(), bm.model_hit_rate, bm.model_length_share, bm.model_pai);
    score(sl, places, obs, cells.total_length(), bm.last_month_hit_rate, bm.last_month_length_share, bm.last_month_pai);
    all += bm.events;
    hits_m += bm.model_hit_rate * bm.events;
    hits_l += bm.last_month_hit_rate * bm.events;
    share_m += bm.model_length_share;
    share_l += bm.last_month_length_share;
    plan.backtest.push_back(bm);
  }
  if (!plan.backtest.empty()) {
    auto& p = plan.backtest_pooled;
    p.month = "all";
    p.events = all;
    const double n = static_cast<double>(plan.backtest.size());
    p.model_hit_rate = all > 0 ? hits_m / all : 0.0;
    p.last_month_hit_rate = all > 0 ? hits_l / all : 0.0;
    p.model_length_share = share_m / n;
    p.last_month_length_share = share_l / n;
    p.model_pai = p.model_length_share > 0 ? p.model_hit_rate / p.model_length_share : 0.0;
    p.last_month_pai = p.last_month_length_share > 0 ? p.last_month_hit_rate / p.last_month_length_share : 0.0;
  }
  return plan;
}

namespace {
}  // namespace

std::string watch_list_csv(const PatrolPlan& plan) {
  std::string s =
      "rank,place_id,edge_id,street,length_m,x,y,visits_per_week,officer_hours_per_week,dose,forecast_incidents,"
      "forecast_harm,harm_prevented\n";
  for (const auto& it : plan.items)
    s += fmt::format("{},{},{},{},{:.1f},{:.2f},{:.2f},{},{:.2f},{:.3f},{:.4f},{:.4f},{:.4f}\n", it.rank, it.place.id,
                     it.place.edge, csv_field(it.street), it.place.length_m, it.place.mid.x, it.place.mid.y,
                     it.visits_per_week, it.officer_hours_per_week, it.dose, it.forecast_incidents, it.forecast_harm,
                     it.marginal_harm_prevented);
  return s;
}

std::string patrol_backtest_csv(const PatrolPlan& plan) {
  std::string s = "month,weighted_events,model_hit_rate,model_pai,model_length_share,last_month_hit_rate,"
                  "last_month_pai,last_month_length_share\n";
  auto row = [&](const BacktestMonth& b) {
    s += fmt::format("{},{:.2f},{:.4f},{:.3f},{:.5f},{:.4f},{:.3f},{:.5f}\n", b.month, b.events, b.model_hit_rate,
                     b.model_pai, b.model_length_share, b.last_month_hit_rate, b.last_month_pai,
                     b.last_month_length_share);
  };
  for (const auto& b : plan.backtest) row(b);
  if (!plan.backtest.empty()) row(plan.backtest_pooled);
  return s;
}

nlohmann::json to_json(const PatrolPlan& plan, const PatrolOptions& o) {
  const auto iv = interval_json;
  nlohmann::json j;
  j["month"] = plan.month;
  j["windows"] = o.windows;
  j["window_hours_per_week"] = plan.window_hours_per_week;
  j["officer_hours_per_week"] = {{"budget", o.officer_hours_per_week}, {"used", plan.officer_hours_used}};
  j["visit_minutes"] = o.visit_minutes;
  j["evidence_key"] = o.evidence_key;
  j["forecast_harm_in_windows"] = plan.forecast_harm_total;
  j["harm_prevented"] = iv(plan.harm_prevented);
  j["incidents_prevented"] = iv(plan.incidents_prevented);
  j["interval"] = "90% interval over draws of the patrol relative risk from the evidence table";
  j["candidates"] = plan.candidates;
  j["gain_evaluations"] = plan.evaluations;
  auto& items = j["places"] = nlohmann::json::array();
  for (const auto& it : plan.items)
    items.push_back({{"rank", it.rank}, {"place_id", it.place.id}, {"edge_id", it.place.edge}, {"street", it.street},
                     {"length_m", it.place.length_m}, {"x", it.place.mid.x}, {"y", it.place.mid.y},
                     {"visits_per_week", it.visits_per_week}, {"officer_hours_per_week", it.officer_hours_per_week},
                     {"forecast_incidents", it.forecast_incidents}, {"forecast_harm", it.forecast_harm},
                     {"harm_prevented", it.marginal_harm_prevented}});
  auto& bt = j["backtest"] = nlohmann::json::array();
  auto row = [](const BacktestMonth& b) {
    return nlohmann::json{{"month", b.month}, {"weighted_events", b.events},
                          {"model", {{"hit_rate", b.model_hit_rate}, {"pai", b.model_pai}, {"length_share", b.model_length_share}}},
                          {"last_month_top", {{"hit_rate", b.last_month_hit_rate}, {"pai", b.last_month_pai},
                                              {"length_share", b.last_month_length_share}}}};
  };
  for (const auto& b : plan.backtest) bt.push_back(row(b));
  if (!plan.backtest.empty()) j["backtest_pooled"] = row(plan.backtest_pooled);
  return j;
}

}  // namespace tryggve::planning
