#include "tryggve/simulation/simulator.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/parallel.hpp"
#include "tryggve/simulation/followup.hpp"
#include "tryggve/simulation/spillover.hpp"

namespace tryggve::simulation {

namespace {

constexpr std::uint64_t kTagBackground = 0x6261636b67726f75ULL;  // "backgrou"
constexpr std::uint64_t kTagHistory = 0x686973746f727921ULL;     // "history!"
constexpr std::uint64_t kTagEffect = 0x6566666563747321ULL;      // "effects!"
constexpr std::uint64_t kTagDisplaced = 0x646973706c616365ULL;   // "displace"
constexpr std::uint64_t kTagRing = 0x72696e6763656c6cULL;        // "ringcell"

// A well-mixed 64-bit key from two: the address of a random stream.
std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  std::uint64_t s = a ^ (b * 0xD6E8FEB86659FD93ULL + 0x632BE59BD9B4E019ULL);
  splitmix64(s);
  return splitmix64(s);
}

// The standard normal that replicate `rep` draws for evidence row `row`: one per
// (replicate, row), the same in every scenario and task (common random numbers).
double replicate_z(std::uint64_t seed, int rep, int row) {
  Rng r(seed, mix(kTagEffect, mix(static_cast<std::uint64_t>(rep), static_cast<std::uint64_t>(row))));
  return r.normal();
}

// Vose's alias method: O(1) draws from a fixed discrete distribution.
struct Alias {
  std::vector<double> prob;
  std::vector<std::uint32_t> alias;
  double total = 0.0;
  void build(const std::vector<double>& w) {
    const std::size_t n = w.size();
    prob.assign(n, 0.0);
    alias.assign(n, 0);
    total = 0.0;
    for (double x : w) total += x;
    if (n == 0 || total <= 0.0) return;
    std::vector<double> q(n);
    std::vector<std::uint32_t> small, large;
    for (std::size_t i = 0; i < n; ++i) {
      q[i] = w[i] * static_cast<double>(n) / total;
      (q[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
    }
    while (!small.empty() && !large.empty()) {
      const auto s = small.back(); small.pop_back();
      const auto l = large.back();
      prob[s] = q[s];
      alias[s] = l;
      q[l] = (q[l] + q[s]) - 1.0;
      if (q[l] < 1.0) { large.pop_back(); small.push_back(l); }
    }
    for (auto l : large) prob[l] = 1.0;
    for (auto s : small) prob[s] = 1.0;  // rounding leftovers
  }
  std::uint32_t sample(Rng& r) const {
    const auto i = static_cast<std::uint32_t>(r.below(prob.size()));
    return r.uniform() < prob[i] ? i : alias[i];
  }
};

struct ParamSampler {
  Alias cells, hours;
  std::vector<float> kernel_cum;  // aligned with the cells' neighbour lists
  double expected_background = 0.0;  // fitted model, recorded scale, whole forecast
  double reporting = 1.0;     // fixed share recorded, or
  int reporting_row = -1;     // the evidence row it is drawn from per replicate
};

struct Samplers {
  std::vector<ParamSampler> p;
  std::size_t nbr_base = 0;  // offset helper
};

std::uint32_t sample_offspring_cell(const CellNetwork& cells, const ParamSampler& ps, CellId from, Rng& r) {
  const auto nb = cells.neighbours(from);
  const std::size_t off = static_cast<std::size_t>(nb.data() - cells.neighbours(0).data());
  const float* cum = ps.kernel_cum.data() + off;
  const float u = static_cast<float>(r.uniform()) * cum[nb.size() - 1];
  const auto* it = std::upper_bound(cum, cum + nb.size(), u);
  const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(it - cum), nb.size() - 1);
  return nb[k].cell;
}

// --- Scenarios compiled for fast per-event evaluation ---------------------------

struct CompiledIv {
  InterventionType type{};
  double t_start = 0, t_end = 0;
  std::array<bool, kHoursOfWeek> window{};
  std::array<double, kHoursOfWeek> since_end{};  // hours since the last window hour ended
  double dose_scale = 1.0;
  double residual_h = 0.5;
  double uplift_fixed = 0.0;             // NaN: drawn from uplift_row
  int uplift_row = -1;                   // evidence row `reporting_presence` (a factor, 1 + uplift)
  double reaction_peak = 0.0, reaction_decay_h = 1.0, reaction_t0 = 0.0;
  std::vector<char> reacts;            // per parameter
  std::vector<int> row;                // per parameter: evidence row index, -1 = no effect
  std::vector<AppliesWhen> when;       // per parameter
  std::vector<double> scale;           // per parameter (lighting: outdoor share)
  // Spill-over (simulation/spillover.hpp). Shares: fixed by the scenario, or drawn
  // per replicate from the evidence rows (per parameter; -1 = no row, share 0).
  bool spill = false;
  double diffusion_fixed = std::numeric_limits<double>::quiet_NaN();
  double displacement_fixed = std::numeric_limits<double>::quiet_NaN();
  std::vector<int> diffusion_row, displacement_row;
  std::vector<std::vector<float>> diffusion_w;  // [parameter][diffusion cell]: weight at share 1
  std::vector<CellId> ring;                      // displacement ring
  std::vector<std::vector<double>> ring_cum;     // [parameter]: cumulative baseline over the ring
};

struct EffectRef {
  std::uint32_t iv;
  std::uint32_t diffusion;  // non-core: index into the intervention's diffusion cells
  bool core;
};

struct CompiledScenario {
  std::vector<CompiledIv> ivs;
  std::vector<std::uint32_t> off;  // per cell, CSR into refs
  std::vector<EffectRef> refs;
  // WDQ zones per cell (Bowers & Johnson 2003): 0 response (an intervention's
  // cells), 1 buffer (within an intervention's outer_m ring), 2 control (the rest).
  std::vector<std::uint8_t> zone;
};

// One replicate's draws for one parameter: per intervention, its relative risk
// and spill-over shares (the same in every scenario: common random numbers).
struct Draws {
  std::vector<double> rr, diffusion, displacement, uplift;
};

double month_start_hours(const HourCalendar& cal, int month) {
  if (month <= 0) return cal.start_hours();
  for (std::size_t h = 0; h < cal.size(); ++h)
    if (cal[h].month >= month) return std::max(static_cast<double>(h), cal.start_hours());
  return cal.end_hours();
}

CompiledScenario compile(const Scenario& sc, const FittedModel& model, const CellNetwork& cells,
                         const HourCalendar& cal, const EvidenceTable& evidence) {
  CompiledScenario out;
  out.zone.assign(cells.size(), 2);
  const std::size_t np = model.traits.size();
  std::vector<std::vector<EffectRef>> per_cell(cells.size());
  for (std::size_t k = 0; k < sc.interventions.size(); ++k) {
    const Intervention& iv = sc.interventions[k];
    const std::string where = "scenario '" + sc.name + "' intervention '" + iv.name + "'";
    if (iv.cells.empty()) throw Error(ErrorCode::BadScenario, where, "no cells given (where?)");
    for (CellId c : iv.cells)
      if (c >= cells.size()) throw Error(ErrorCode::BadScenario, where, "cell id " + std::to_string(c) + " is not in the network");
    if (iv.end_month <= iv.start_month) throw Error(ErrorCode::BadScenario, where, "end_month must be after start_month");
    CompiledIv ci;
    ci.type = iv.type;
    ci.t_start = month_start_hours(cal, iv.start_month);
    ci.t_end = month_start_hours(cal, iv.end_month == std::numeric_limits<int>::max() ? cal.month_count() : iv.end_month);
    bool any = false;
    for (int h = 0; h < kHoursOfWeek; ++h) any |= (ci.window[h] = iv.window.contains(h));
    if (iv.type != InterventionType::Lighting && !any)
      throw Error(ErrorCode::BadScenario, where, "the weekly window has no hours");
    for (int h = 0; h < kHoursOfWeek; ++h) {
      double d = std::numeric_limits<double>::infinity();
      for (int back = 1; back <= kHoursOfWeek && any; ++back)
        if (ci.window[(h - back + kHoursOfWeek) % kHoursOfWeek]) { d = back - 1; break; }
      ci.since_end[h] = ci.window[h] ? 0.0 : d;
    }
    if (iv.type == InterventionType::Patrol) {
      if (!(iv.visits_per_week > 0) || !(iv.visit_minutes > 0))
        throw Error(ErrorCode::BadScenario, where, "a patrol needs visits_per_week > 0 and visit_minutes > 0");
      const double reference_visits = iv.window.hours_per_week() / 2.0;  // one visit every 2 h
      ci.dose_scale = patrol_visit_dose(iv.visit_minutes) * std::min(1.0, iv.visits_per_week / reference_visits);
      ci.residual_h = std::max(iv.residual_minutes, 1e-3) / 60.0;
    }
    if (iv.type == InterventionType::TransitHost) {
      if (!(iv.coverage > 0.0 && iv.coverage <= 1.0))
        throw Error(ErrorCode::BadScenario, where, "transit hosts need coverage in (0, 1] (the share of vehicles staffed)");
      ci.dose_scale = iv.coverage;
    }
    ci.uplift_fixed = iv.type == InterventionType::Lighting ? 0.0 : iv.reporting_uplift;
    if (std::isnan(ci.uplift_fixed)) {
      const EvidenceRow* r = nullptr;
      for (const auto& tr : model.traits)
        if (!r) r = evidence.find("reporting_presence:" + iv.evidence_key, tr);
      for (const auto& tr : model.traits)
        if (!r) r = evidence.find("reporting_presence", tr);
      if (!r)
        throw Error(ErrorCode::BadScenario, where,
                    "no reporting_uplift given and the evidence table has no reporting_presence row");
      ci.uplift_row = static_cast<int>(evidence.index_of(r));
    } else if (!(ci.uplift_fixed >= 0.0)) {
      throw Error(ErrorCode::BadScenario, where, "reporting_uplift must be >= 0");
    }
    ci.reaction_peak = iv.reaction.peak_rise;
    ci.reaction_decay_h = std::max(iv.reaction.decay_weeks, 1e-3) * kHoursOfWeek;
    // The reaction decays from the measure's first start, not from each month span's.
    ci.reaction_t0 = iv.reaction.start_month >= 0 ? month_start_hours(cal, iv.reaction.start_month) : ci.t_start;
    ci.reacts.assign(np, 0);
    for (auto p : iv.reaction.parameters) if (p < np) ci.reacts[p] = 1;
    ci.row.assign(np, -1);
    ci.when.assign(np, AppliesWhen::Always);
    ci.scale.assign(np, 1.0);
    for (std::size_t p = 0; p < np; ++p) {
      const ParameterTraits& tr = model.traits[p];
      // Lighting only acts on outdoor darkness-sensitive parameters (followup.hpp: the shared rule).
      const EvidenceRow* r = acting_row(iv, tr, p, evidence);
      if (!r) continue;
      if (iv.type == InterventionType::Lighting) ci.scale[p] = model.parameters[p].outdoor_share;
      ci.row[p] = static_cast<int>(evidence.index_of(r));
      ci.when[p] = r->applies_when;
    }
    // Core cells and the spill-over ring.
    std::vector<char> core(cells.size(), 0);
    for (CellId c : iv.cells) core[c] = 1;
    for (CellId c : iv.cells) out.zone[c] = 0;
    // The buffer is the displacement ring even when spill-over is switched off, so
    // the WDQ can show displacement the model was told not to expect.
    for (auto [c, d] : cells.within(iv.cells, std::max(iv.spillover.outer_m, 0.0)))
      if (out.zone[c] == 2) out.zone[c] = 1;
    for (CellId c = 0; c < cells.size(); ++c)
      if (core[c]) per_cell[c].push_back({static_cast<std::uint32_t>(k), 0, true});
    if (iv.spillover.enabled) {
      const Spillover& sp = iv.spillover;
      for (const char* what : {"diffusion_share", "displacement_share"}) {
        const double v = what[1] == 'i' ? sp.diffusion_share : sp.displacement_share;
        if (!std::isnan(v) && !(v >= 0.0 && v <= 1.0))
          throw Error(ErrorCode::BadScenario, where, std::string("spill-over ") + what + " must be in 0 .. 1");
      }
      const SpilloverFootprint f = spillover_footprint(cells, iv.cells, sp, where);
      ci.spill = true;
      ci.diffusion_fixed = sp.diffusion_share;
      ci.displacement_fixed = sp.displacement_share;
      ci.diffusion_row.assign(np, -1);
      ci.displacement_row.assign(np, -1);
      ci.diffusion_w.resize(np);
      ci.ring = f.ring_cells;
      ci.ring_cum.resize(np);
      for (std::size_t p = 0; p < np; ++p) {
        if (ci.row[p] < 0) continue;  // no effect: nothing prevented, nothing to spill
        const ParameterTraits& tr = model.traits[p];
        if (const EvidenceRow* r = diffusion_row(evidence, iv.evidence_key, tr)) ci.diffusion_row[p] = static_cast<int>(evidence.index_of(r));
        if (const EvidenceRow* r = displacement_row(evidence, iv.evidence_key, tr)) ci.displacement_row[p] = static_cast<int>(evidence.index_of(r));
        // Opportunity: the parameter's fitted background per cell.
        const std::vector<double>& mu = model.parameters[p].mu;
        const auto w = diffusion_weights(f, iv.cells, mu);
        ci.diffusion_w[p].assign(w.begin(), w.end());
        double acc = 0.0;
        ci.ring_cum[p].reserve(f.ring_cells.size());
        for (CellId c : f.ring_cells) ci.ring_cum[p].push_back(acc += mu[c]);
        if (!(acc > 0)) ci.ring_cum[p].clear();  // a ring without opportunity takes no one
      }
      for (std::size_t j = 0; j < f.diffusion_cells.size(); ++j)
        per_cell[f.diffusion_cells[j]].push_back({static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(j), false});
    }
    out.ivs.push_back(std::move(ci));
  }
  out.off.assign(cells.size() + 1, 0);
  for (std::size_t c = 0; c < cells.size(); ++c) out.off[c + 1] = out.off[c] + static_cast<std::uint32_t>(per_cell[c].size());
  for (auto& v : per_cell) out.refs.insert(out.refs.end(), v.begin(), v.end());
  return out;
}

// Relative risk and reporting probability of one event in one scenario, and what
// the core effects alone contributed: the event would have happened without them
// iff u < rr / core_factor, and then the intervention `core_iv` prevented it.
struct Outcome {
  double rr;
  double report;
  double core_factor = 1.0;
  int core_iv = -1;  // the core intervention with the largest effect here, -1 none
};

Outcome evaluate(const CompiledScenario& sc, const Draws& draws, std::size_t p, CellId cell, double t,
                 const HourCalendar& cal, double base_report) {
  Outcome o{1.0, base_report};
  const std::uint32_t a = sc.off[cell], b = sc.off[cell + 1];
  if (a == b) return o;
  const auto hour = static_cast<std::size_t>(t);
  const int how = cal[hour].hour_of_week;
  const bool dark = cal.is_dark(t);
  double best = 0.0;
  for (std::uint32_t k = a; k < b; ++k) {
    const EffectRef& ref = sc.refs[k];
    const CompiledIv& iv = sc.ivs[ref.iv];
    if (t < iv.t_start || t >= iv.t_end) continue;
    // How present the intervention is now (0..1) and whether it is "there".
    double presence = 0.0;
    bool there = false;
    switch (iv.type) {
      case InterventionType::Lighting: there = dark; presence = dark ? 1.0 : 0.0; break;
      case InterventionType::AdultPresence: there = iv.window[how]; presence = there ? 1.0 : 0.0; break;
      case InterventionType::TransitHost: there = iv.window[how]; presence = there ? iv.dose_scale : 0.0; break;
      case InterventionType::Patrol:
        there = iv.window[how];
        presence = there ? iv.dose_scale
                         : iv.dose_scale * std::exp(-(iv.since_end[how] + (t - static_cast<double>(hour))) / iv.residual_h);
        break;
    }
    double effect = 0.0;  // share of incidents prevented at a core cell now
    if (iv.row[p] >= 0) {
      double when = presence;
      if (iv.when[p] == AppliesWhen::Always) when = iv.type == InterventionType::Patrol || iv.type == InterventionType::TransitHost ? iv.dose_scale : 1.0;
      else if (iv.when[p] == AppliesWhen::Dark) when = dark ? (iv.type == InterventionType::Lighting ? 1.0 : presence) : 0.0;
      effect = (1.0 - draws.rr[ref.iv]) * when * iv.scale[p];
    }
    if (ref.core) {
      o.rr *= 1.0 - effect;
      o.core_factor *= 1.0 - effect;
      if (effect > best) { best = effect; o.core_iv = static_cast<int>(ref.iv); }
      if (iv.reacts[p] && iv.reaction_peak != 0.0)
        o.rr *= 1.0 + iv.reaction_peak * std::exp(-(t - iv.reaction_t0) / iv.reaction_decay_h);
      if (there) o.report *= 1.0 + draws.uplift[ref.iv];
    } else if (effect != 0.0 && !iv.diffusion_w[p].empty()) {
      // Diffusion: never more than the core's own effect (w <= 1).
      const double w = std::min(1.0, draws.diffusion[ref.iv] * iv.diffusion_w[p][ref.diffusion]);
      o.rr *= 1.0 - w * effect;
    }
  }
  o.rr = std::max(o.rr, 0.0);
  o.report = std::clamp(o.report, 0.0, 1.0);
  return o;
}

struct GenEvent {
  double t;
  CellId cell;
  std::uint64_t key;
  std::uint64_t mask;
  bool triggered;
  // Moved here from a core where it was prevented: it exists with probability 1
  // (not thinned from the dominating process) and is never displaced again.
  bool displaced = false;
  std::int32_t cached = -1;  // index of the same event in a baseline cache, -1: not there
};

// A replicate's baseline, kept for instant what-ifs: the queue of the dominating
// process as the baseline-only run built it (breadth-first order), with each
// event's fate in the baseline and where its children sit in the queue (a parent
// alive in the baseline has all its children there, one after the other).
struct CachedEvent {
  double t;
  std::uint64_t key;
  CellId cell;
  std::uint32_t first_child;
  std::uint16_t children;
  std::uint8_t flags;  // kAlive | kRecorded | kTriggered
};
constexpr std::uint8_t kAlive = 1, kRecorded = 2, kTriggered = 4;
struct CachedTask {
  std::vector<CachedEvent> events;
  // The baseline's alive events by cell (sorted by cell), and their number.
  std::vector<std::pair<CellId, std::uint32_t>> alive_cells;
  std::uint32_t alive_total = 0;
};

}  // namespace

AreaMap AreaMap::from_edges(const CellNetwork& cells, const std::vector<int>& area_of_edge, std::vector<std::string> names) {
  if (area_of_edge.size() != cells.network().edge_count())
    throw Error(ErrorCode::BadOption, "simulation areas", "area_of_edge must have one entry per network edge");
  AreaMap m;
  m.names = std::move(names);
  m.area_of_cell.resize(cells.size());
  for (CellId c = 0; c < cells.size(); ++c) m.area_of_cell[c] = area_of_edge[cells.cell(c).edge];
  return m;
}

Simulator::Simulator(const FittedModel& model, const CellNetwork& cells, const HourCalendar& forecast,
                     const EventTable& history, AreaMap areas, const EvidenceTable& evidence, SimulatorOptions options)
    : model_(&model), cells_(&cells), cal_(&forecast), history_(&history), areas_(std::move(areas)),
      evidence_(&evidence), opt_(std::move(options)) {
  const std::size_t np = model.parameters.size();
  auto bad = [](const std::string& m) { return Error(ErrorCode::BadOption, "simulator", m); };
  if (model.traits.size() != np) throw bad("model traits and parameters differ in number");
  if (history.parameter_count() != np && history.parameter_count() != 0)
    throw bad("history has " + std::to_string(history.parameter_count()) + " parameters, the model " + std::to_string(np));
  for (const auto& p : model.parameters)
    if (p.mu.size() != cells.size()) throw bad("the model was fitted on other cells (mu has the wrong size)");
  if (opt_.replicates <= 0) throw bad("replicates must be > 0");
  if (opt_.first_replicate < 0) throw bad("first_replicate must be >= 0");
  if (!(opt_.headroom >= 1.0)) throw bad("headroom must be >= 1");
  if (!opt_.reporting_rate.empty() && opt_.reporting_rate.size() != np) throw bad("reporting_rate needs one value per parameter");
  if (areas_.area_of_cell.empty()) areas_.area_of_cell.assign(cells.size(), -1);
  if (areas_.area_of_cell.size() != cells.size()) throw bad("area_of_cell needs one entry per cell");
  for (int a : areas_.area_of_cell)
    if (a < -1 || a >= static_cast<int>(areas_.names.size())) throw bad("area id " + std::to_string(a) + " has no name");

  auto s = std::make_shared<Samplers>();
  s->p.resize(np);
  parallel_for(std::size_t{0}, np, [&](std::size_t p) {
    const EtasParameters& P = model.parameters[p];
    ParamSampler& ps = s->p[p];
    ps.reporting = opt_.reporting_rate.empty() ? opt_.default_reporting_rate : opt_.reporting_rate[p];
    if (ps.reporting <= 0.0) {
      // Not given: drawn per replicate from the evidence table's reporting_rate row.
      const EvidenceRow* r = evidence.find("reporting_rate", model.traits[p]);
      if (!r)
        throw bad("no reporting rate given for " + model.traits[p].code +
                  " and the evidence table has no reporting_rate row (stages.simulate.reporting_rate)");
      ps.reporting_row = static_cast<int>(evidence.index_of(r));
      ps.reporting = draw_share(*r, 0.0);
    }
    if (!(ps.reporting > 0.0 && ps.reporting <= 1.0)) throw bad("reporting rates must be in (0, 1]");
    ps.cells.build(P.mu);
    std::vector<double> hw(forecast.size());
    for (std::size_t h = 0; h < forecast.size(); ++h)
      hw[h] = forecast.hour_weight(h) * P.time_factor(forecast[h], forecast.dark_fraction(h));
    ps.hours.build(hw);
    ps.expected_background = ps.cells.total * ps.hours.total;
    if (P.theta > 0) {
      const auto all = cells.neighbours(0);
      const std::size_t total = static_cast<std::size_t>(cells.neighbours(static_cast<CellId>(cells.size() - 1)).data() +
                                                         cells.neighbours(static_cast<CellId>(cells.size() - 1)).size() - all.data());
      ps.kernel_cum.resize(total);
      for (CellId v = 0; v < cells.size(); ++v) {
        const auto nb = cells.neighbours(v);
        const std::size_t off = static_cast<std::size_t>(nb.data() - all.data());
        double acc = 0.0;
        for (std::size_t k = 0; k < nb.size(); ++k) {
          acc += std::exp(-nb[k].distance_m / P.sigma_m) * cells.cell(nb[k].cell).weight_length();
          ps.kernel_cum[off + k] = static_cast<float>(acc);
        }
      }
    }
  });
  samplers_ = s;
}

namespace {

// One event's fate in the scenarios of its mask (`alive`, `recorded`). Where some
// scenario of the run acts (`acts`), its two uniforms are drawn from its own stream
// (left in `r` for its offspring) and each scenario is evaluated; an event a core
// effect prevented in scenario s goes to `prevented(s, event, outcome)`, which may
// return a ring cell to move it to (handed to `push`). Elsewhere a baseline event
// (`c`) keeps its cached fate in every scenario without drawing: nothing there can
// differ.
template <class Eval, class Prevented, class Push>
void event_fate(const GenEvent& e, const CachedEvent* c, bool acts, std::uint64_t seed, double headroom, Eval& eval,
                Prevented& prevented, Push&& push, std::optional<Rng>& r, std::uint64_t& alive, std::uint64_t& recorded) {
  alive = recorded = 0;
  if (c && !acts) {
    if (c->flags & kAlive) alive = e.mask;
    if (c->flags & kRecorded) recorded = alive;
    return;
  }
  r.emplace(seed, e.key);
  const double u = r->uniform() * (e.displaced ? 1.0 : headroom), v = r->uniform();
  for (std::uint64_t m = e.mask; m; m &= m - 1) {
    const int s = __builtin_ctzll(m);
    const Outcome o = eval(s, e.cell, e.t);
    if (u < o.rr) {
      alive |= 1ull << s;
      if (v < o.report) recorded |= 1ull << s;
    } else if (!e.displaced && o.core_iv >= 0 && o.core_factor > 0.0 && u < o.rr / o.core_factor) {
      if (const auto to = prevented(s, e, o)) {
        GenEvent d = e;
        d.cell = *to;
        d.key = mix(e.key, kTagDisplaced);
        d.mask = 1ull << s;
        d.displaced = true;
        d.cached = -1;
        push(d);
      }
    }
  }
}

// The offspring of an event alive in the scenarios of `alive`, from its own stream
// after its two uniforms; those before the forecast's end `t1` go to `push`.
template <class Push>
void draw_offspring(const EtasParameters& P, const ParamSampler& ps, const CellNetwork& cells, const GenEvent& e,
                    std::optional<Rng>& r, std::uint64_t seed, double theta_dom, double t1, std::uint64_t alive,
                    Push&& push) {
  if (!r) {
    r.emplace(seed, e.key);
    r->uniform();
    r->uniform();
  }
  const std::uint64_t n = r->poisson(theta_dom);
  for (std::uint64_t k = 0; k < n; ++k) {
    const double t = e.t + r->exponential(P.omega_per_hour);
    const CellId cell = sample_offspring_cell(cells, ps, e.cell, *r);
    if (t < t1) push(GenEvent{t, cell, mix(e.key, k + 1), alive, true});
  }
}

// One (replicate, parameter) task: generate the dominating process and hand each
// event, with its alive and recorded masks, to `sink`. An event a core effect
// prevented may be moved to the ring (event_fate). With `record` the task keeps
// its queue, each event's fate and its children's place (a baseline-only run, for
// instant what-ifs: replay below).
template <class Eval, class Sink, class Prevented>
void generate(const EtasParameters& P, const ParamSampler& ps, const CellNetwork& cells, const HourCalendar& cal,
              std::span<const CellEvent> history, std::uint64_t seed, int rep, std::size_t p, double headroom,
              double reporting, std::uint64_t full_mask, Eval&& eval, Sink&& sink, Prevented&& prevented,
              CachedTask* record = nullptr) {
  const double t0 = cal.start_hours(), t1 = cal.end_hours();
  const double theta_dom = headroom * P.theta;
  std::vector<GenEvent> q;
  {
    // Background: one stream per (replicate, parameter).
    const std::uint64_t bg_key = mix(kTagBackground, mix(static_cast<std::uint64_t>(rep), p));
    Rng bg(seed, bg_key);
    // True incidents: the recorded rate the model was fitted to, over the share recorded.
    const double mean_bg = headroom * ps.expected_background / reporting;
    const std::uint64_t n_bg = ps.expected_background > 0 ? bg.poisson(mean_bg) : 0;
    q.reserve(static_cast<std::size_t>(n_bg * 1.2) + 16);
    for (std::uint64_t k = 0; k < n_bg; ++k) {
      const CellId c = ps.cells.sample(bg);
      const std::uint32_t h = ps.hours.sample(bg);
      double frac;
      const std::uint8_t dm = cal[h].dark_slots;
      if (P.darkness_applies && P.dark_factor != 1.0 && dm != 0 && dm != (1u << kSlotsPerHour) - 1) {
        // Place the event in a 10-minute slot weighted by δ for dark slots.
        double w[kSlotsPerHour], tot = 0.0;
        for (int sl = 0; sl < kSlotsPerHour; ++sl) tot += (w[sl] = ((dm >> sl) & 1u) ? P.dark_factor : 1.0);
        double u = bg.uniform() * tot;
        int sl = 0;
        while (sl < kSlotsPerHour - 1 && u >= w[sl]) u -= w[sl++];
        frac = (sl + bg.uniform()) / kSlotsPerHour;
      } else {
        frac = bg.uniform();
      }
      const double t = std::clamp(static_cast<double>(h) + frac, t0, std::nextafter(t1, t0));
      q.push_back({t, c, mix(bg_key, k), full_mask, false});
    }
    // Offspring still due from history events (memoryless delays restart at t0).
    if (P.theta > 0) {
      const auto hist = events_between(history, t0 - P.max_lag_hours, t0);
      const std::size_t base = static_cast<std::size_t>(hist.data() - history.data());
      for (std::size_t j = 0; j < hist.size(); ++j) {
        const std::uint64_t key = mix(kTagHistory, mix(mix(static_cast<std::uint64_t>(rep), p), base + j));
        Rng r(seed, key);
        const std::uint64_t n = r.poisson(theta_dom * std::exp(-P.omega_per_hour * (t0 - hist[j].t)));
        for (std::uint64_t c = 0; c < n; ++c) {
          const double t = t0 + r.exponential(P.omega_per_hour);
          const CellId cell = sample_offspring_cell(cells, ps, hist[j].cell, r);
          if (t < t1) q.push_back({t, cell, mix(key, c + 1), full_mask, true});
        }
      }
    }
  }
  std::vector<std::uint8_t> rec_flags;
  std::vector<std::uint32_t> rec_first;
  std::vector<std::uint16_t> rec_children;
  auto push = [&q](const GenEvent& d) { q.push_back(d); };
  // Breadth-first over the branching structure.
  for (std::size_t i = 0; i < q.size(); ++i) {
    const GenEvent e = q[i];
    std::optional<Rng> r;
    std::uint64_t alive, recorded;
    event_fate(e, nullptr, true, seed, headroom, eval, prevented, push, r, alive, recorded);
    if (record) {
      rec_flags.push_back(static_cast<std::uint8_t>((alive ? kAlive : 0) | (recorded ? kRecorded : 0) |
                                                    (e.triggered ? kTriggered : 0)));
      rec_first.push_back(static_cast<std::uint32_t>(q.size()));
      rec_children.push_back(0);
    }
    if (!alive) continue;
    sink(e, alive, recorded);
    if (theta_dom <= 0) continue;
    draw_offspring(P, ps, cells, e, r, seed, theta_dom, t1, alive, push);
    if (record) rec_children.back() = static_cast<std::uint16_t>(q.size() - rec_first.back());
  }
  if (record) {
    record->events.resize(q.size());
    for (std::size_t i = 0; i < q.size(); ++i)
      record->events[i] = {q[i].t, q[i].key, q[i].cell, rec_first[i], rec_children[i], rec_flags[i]};
    // What the baseline leaves on each cell: a replay starts every scenario from it.
    std::vector<CellId> alive_at;
    for (std::size_t i = 0; i < q.size(); ++i)
      if (rec_flags[i] & kAlive) alive_at.push_back(q[i].cell);
    std::sort(alive_at.begin(), alive_at.end());
    record->alive_cells.clear();
    for (std::size_t i = 0; i < alive_at.size();) {
      std::size_t j = i;
      while (j < alive_at.size() && alive_at[j] == alive_at[i]) ++j;
      record->alive_cells.push_back({alive_at[i], static_cast<std::uint32_t>(j - i)});
      i = j;
    }
    record->alive_total = static_cast<std::uint32_t>(alive_at.size());
  }
}

// A scenario run against a task's cached baseline (instant what-ifs, issue 14).
// The caller has counted every baseline event as alive, as the baseline had it, in
// every scenario; this walks only the events that can differ and corrects the
// counts for each (`unsink` takes a baseline event's assumed counts back, `sink`
// adds what happened):
// - baseline events on `scan` cells: where a scenario acts (`reached`: drawn and
//   evaluated) or counts them in a WDQ zone other than control;
// - the cached descendants of an event not alive in every scenario (their mask is
//   no longer every scenario);
// - events the baseline never had: moved to a ring, or the offspring of an event
//   alive in some scenario but not in the baseline, drawn as a full run draws them.
// Everything else keeps its baseline fate in every scenario, and its children their
// full mask: there is nothing to walk. The walk visits the events in the order of
// the full run's breadth-first queue, which matters for displacement's running
// account: baseline events keep their cache order, and an event the baseline never
// had sits in the queue after the baseline events pushed before it (`tail`, read
// from the cache: after baseline event k is handled the queue holds
// first_child(k) + children(k) of them) and after the new events pushed before it.
template <class Eval, class Sink, class Unsink, class Prevented>
void replay_task(const EtasParameters& P, const ParamSampler& ps, const CellNetwork& cells, const HourCalendar& cal,
                 std::uint64_t seed, double headroom, std::uint64_t full_mask, const CachedTask& task,
                 const std::vector<char>& reached, const std::vector<char>& scan_cell, Eval&& eval, Sink&& sink,
                 Unsink&& unsink, Prevented&& prevented) {
  const double t1 = cal.end_hours(), theta_dom = headroom * P.theta;
  const std::vector<CachedEvent>& ev = task.events;
  std::vector<std::uint32_t> scan;
  for (std::uint32_t j = 0; j < ev.size(); ++j)
    if (scan_cell[ev[j].cell]) scan.push_back(j);
  std::vector<std::uint64_t> scan_mask(scan.size(), full_mask);
  // Queue order as (2 x baseline events before it + 1 for a baseline event, order
  // of pushing among new events).
  struct Pending {
    std::uint64_t at, seq;
    GenEvent e;
    bool operator>(const Pending& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  std::vector<Pending> heap;
  auto push_heap = [&heap](Pending x) {
    heap.push_back(std::move(x));
    std::push_heap(heap.begin(), heap.end(), std::greater<>());
  };
  auto baseline_event = [&ev](std::uint32_t j, std::uint64_t mask) {
    const CachedEvent& c = ev[j];
    return GenEvent{c.t, c.cell, c.key, mask, (c.flags & kTriggered) != 0, false, static_cast<std::int32_t>(j)};
  };
  std::uint64_t seq = 0;
  std::size_t next = 0;
  for (;;) {
    Pending x;
    if (next < scan.size() && (heap.empty() || 2ull * scan[next] + 1 < heap.front().at)) {
      x = {2ull * scan[next] + 1, 0, baseline_event(scan[next], scan_mask[next])};
      ++next;
    } else if (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), std::greater<>());
      x = heap.back();
      heap.pop_back();
    } else {
      break;
    }
    const GenEvent& e = x.e;
    const CachedEvent* c = e.cached >= 0 ? &ev[static_cast<std::size_t>(e.cached)] : nullptr;
    const std::uint64_t before = x.at / 2;  // baseline events before this one in the queue
    const std::uint64_t tail = c ? c->first_child : ev[before - 1].first_child + ev[before - 1].children;
    auto push_new = [&](const GenEvent& d) { push_heap({2 * tail, seq++, d}); };
    std::optional<Rng> r;
    std::uint64_t alive, recorded;
    event_fate(e, c, c == nullptr || reached[e.cell], seed, headroom, eval, prevented, push_new, r, alive, recorded);
    const bool baseline_alive = c && (c->flags & kAlive);
    if (baseline_alive) unsink(*c);
    if (!alive) continue;
    sink(e, alive, recorded);
    if (theta_dom <= 0) continue;
    if (baseline_alive) {
      // The baseline's children, now in the scenarios this one lives in; with all of
      // them they are as the caller counted them (unless on a scan cell: walked anyway).
      if (alive == full_mask) continue;
      for (std::uint32_t j = c->first_child; j < c->first_child + c->children; ++j) {
        if (scan_cell[ev[j].cell]) {
          // Not walked yet: a child comes after its parent in the queue.
          const auto it = std::lower_bound(scan.begin() + static_cast<std::ptrdiff_t>(next), scan.end(), j);
          if (it == scan.end() || *it != j) throw Error(ErrorCode::Internal, "what-if replay", "a child walked before its parent");
          scan_mask[static_cast<std::size_t>(it - scan.begin())] = alive;
        } else {
          push_heap({2ull * j + 1, 0, baseline_event(j, alive)});
        }
      }
      continue;
    }
    draw_offspring(P, ps, cells, e, r, seed, theta_dom, t1, alive, push_new);
  }
}

}  // namespace

std::vector<SimulatedEvent> Simulator::simulate_events(ParameterId p, int replicate) const {
  const auto& s = *static_cast<const Samplers*>(samplers_.get());
  if (p >= model_->parameters.size()) throw Error(ErrorCode::BadOption, "simulator", "no parameter " + std::to_string(p));
  std::vector<SimulatedEvent> out;
  const ParamSampler& ps = s.p[p];
  const double report = ps.reporting_row < 0 ? ps.reporting
                                             : draw_share(evidence_->rows()[ps.reporting_row],
                                                          replicate_z(opt_.seed, replicate, ps.reporting_row));
  const double headroom = opt_.headroom;
  std::span<const CellEvent> hist;
  if (history_->parameter_count() > p) hist = history_->by_parameter[p];
  generate(model_->parameters[p], ps, *cells_, *cal_, hist, opt_.seed, replicate, p, headroom, report, 1,
           [&](int, CellId, double) { return Outcome{1.0, report}; },
           [&](const GenEvent& e, std::uint64_t, std::uint64_t rec) {
             out.push_back({e.t, e.cell, rec != 0, e.triggered});
           },
           [](int, const GenEvent&, const Outcome&) { return std::optional<CellId>{}; });
  std::sort(out.begin(), out.end(), [](const SimulatedEvent& a, const SimulatedEvent& b) { return a.t < b.t; });
  return out;
}

struct BaselineCache::Impl {
  int replicates = 0;
  std::size_t parameters = 0;
  std::vector<CachedTask> tasks;  // [replicate * parameters + parameter]
  // The baseline's counts by task: [task][area x month] (slice of them)
  std::size_t slice = 0;
  std::vector<std::uint32_t> true_counts, recorded_counts;
  std::size_t bytes = 0;
};
BaselineCache::~BaselineCache() = default;
int BaselineCache::replicates() const { return impl ? impl->replicates : 0; }
std::size_t BaselineCache::bytes() const { return impl ? impl->bytes : 0; }

std::size_t Simulator::cache_bytes_estimate() const {
  const auto& smp = *static_cast<const Samplers*>(samplers_.get());
  double events = 0.0, cells = 0.0;
  for (std::size_t p = 0; p < smp.p.size(); ++p) {
    const double theta = std::min(0.95, opt_.headroom * model_->parameters[p].theta);
    const double n = opt_.headroom * smp.p[p].expected_background / smp.p[p].reporting / (1.0 - theta);
    events += n;
    cells += std::min(n, static_cast<double>(cells_->size()));  // a task's alive events by cell, at most
  }
  // The events, each task's alive events by cell, and its counts by area x month.
  const double slice = static_cast<double>(areas_.names.size() + 1) * cal_->month_count();
  const double per_replicate = events * sizeof(CachedEvent) + cells * sizeof(std::pair<CellId, std::uint32_t>) +
                               static_cast<double>(smp.p.size()) * slice * 2 * sizeof(std::uint32_t);
  return static_cast<std::size_t>(per_replicate * opt_.replicates * 1.1);
}

std::shared_ptr<const BaselineCache> Simulator::cache_baseline(std::size_t max_bytes) const {
  const std::size_t need = cache_bytes_estimate();
  if (need > max_bytes)
    throw Error(ErrorCode::BadOption, "simulator",
                fmt::format("keeping the baseline for instant what-ifs would take about {:.1f} GB (limit {:.1f} GB): "
                            "use fewer replicates",
                            need / 1e9, max_bytes / 1e9));
  auto cache = std::make_shared<BaselineCache>();
  cache->impl = std::make_unique<BaselineCache::Impl>();
  RunResult base = run_impl({}, nullptr, opt_.replicates, cache.get());
  BaselineCache::Impl& B = *cache->impl;
  // With one scenario the counts are [replicate][parameter][area x month]: by task.
  B.slice = static_cast<std::size_t>(base.areas) * base.months;
  B.true_counts = std::move(base.true_counts);
  B.recorded_counts = std::move(base.recorded_counts);
  B.bytes = (B.true_counts.capacity() + B.recorded_counts.capacity()) * sizeof(std::uint32_t);
  for (const auto& t : B.tasks)
    B.bytes += t.events.capacity() * sizeof(CachedEvent) + t.alive_cells.capacity() * sizeof(t.alive_cells[0]);
  return cache;
}

RunResult Simulator::run(const std::vector<Scenario>& scenarios) const {
  return run_impl(scenarios, nullptr, opt_.replicates, nullptr);
}

RunResult Simulator::run(const std::vector<Scenario>& scenarios, const BaselineCache& cache, int replicates,
                         const RunResult* head) const {
  if (!cache.impl || cache.impl->parameters != model_->parameters.size())
    throw Error(ErrorCode::BadOption, "simulator", "the baseline cache belongs to another model");
  const int n = replicates < 0 ? cache.replicates() : replicates;
  if (n < 1 || n > cache.replicates())
    throw Error(ErrorCode::BadOption, "simulator",
                fmt::format("the baseline cache holds {} replicates, {} asked", cache.replicates(), n));
  if (head) {
    // What can be checked of "the same scenarios on this simulator": the shape of
    // every array and the scenarios' names.
    std::vector<std::string> names{"baseline"};
    for (const auto& s : scenarios) names.push_back(s.name);
    const std::size_t S = names.size(), np = model_->parameters.size(), nc = cells_->size();
    const std::size_t R = static_cast<std::size_t>(std::max(head->replicates, 0));
    const std::size_t per = static_cast<std::size_t>(head->areas) * head->months;
    std::string wrong;
    if (head->replicates < 1 || head->replicates > n)
      wrong = fmt::format("it has {} replicates, this run {}", head->replicates, n);
    else if (head->scenario_names != names)
      wrong = fmt::format("it has {} scenarios, this run {} (or other names)", head->scenario_names.size(), S);
    else if (head->parameters != static_cast<int>(np) || head->cells != nc ||
             head->areas != static_cast<int>(areas_.names.size()) + 1 || head->months != cal_->month_count())
      wrong = "it is of another model, network, area map or calendar";
    else if (head->true_counts.size() != S * R * np * per || head->recorded_counts.size() != S * R * np * per ||
             head->zone_counts.size() != S * R * np * 6 || head->spill_counts.size() != R * np * S * 2 ||
             head->cell_sum.size() != S * np * nc || head->clamped_events.size() != S)
      wrong = "its counts are not the size of its replicates' (not a run against a baseline cache?)";
    if (!wrong.empty())
      throw Error(ErrorCode::BadOption, "simulator", "the first answer to go on from is not this run's: " + wrong);
  }
  return run_impl(scenarios, &cache, n, nullptr, head);
}

RunResult Simulator::run_impl(const std::vector<Scenario>& scenarios, const BaselineCache* replay, int replicates,
                              BaselineCache* record, const RunResult* head) const {
  if (scenarios.size() > 63) throw Error(ErrorCode::BadOption, "simulator", "at most 63 scenarios per run");
  const auto& smp = *static_cast<const Samplers*>(samplers_.get());
  const FittedModel& model = *model_;
  const std::size_t np = model.parameters.size();
  const int S = static_cast<int>(scenarios.size()) + 1;
  std::vector<CompiledScenario> comp(S);  // comp[0]: baseline, no interventions
  comp[0].off.assign(cells_->size() + 1, 0);
  for (int s = 1; s < S; ++s) comp[s] = compile(scenarios[s - 1], model, *cells_, *cal_, *evidence_);

  RunResult res;
  res.scenario_names.push_back("baseline");
  res.scenario_cost_sek.push_back(0.0);
  for (const auto& sc : scenarios) {
    res.scenario_names.push_back(sc.name);
    res.scenario_cost_sek.push_back(sc.cost_sek());
  }
  res.area_names = areas_.names;
  res.area_names.push_back("(no area)");
  res.replicates = replicates;
  res.parameters = static_cast<int>(np);
  res.areas = static_cast<int>(res.area_names.size());
  res.months = cal_->month_count();
  for (int m = 0; m < res.months; ++m) res.month_labels.push_back(cal_->month_label(m));
  res.cells = cells_->size();
  const std::size_t slice = static_cast<std::size_t>(res.areas) * res.months;
  const std::size_t total = static_cast<std::size_t>(S) * res.replicates * np * slice;
  res.true_counts.assign(total, 0);
  res.recorded_counts.assign(total, 0);
  res.clamped_events.assign(S, 0);
  res.zone_counts.assign(static_cast<std::size_t>(S) * res.replicates * np * 6, 0);
  res.spill_counts.assign(static_cast<std::size_t>(res.replicates) * np * S * 2, 0);

  // Cells where some scenario of this run can change anything (its cores, rings and
  // displacement targets): elsewhere a replay takes the baseline's fates.
  std::vector<char> reached(cells_->size(), 0);
  for (int s = 1; s < S; ++s) {
    for (CellId c = 0; c < cells_->size(); ++c)
      if (comp[s].off[c + 1] > comp[s].off[c]) reached[c] = 1;
    for (const auto& iv : comp[s].ivs)
      for (CellId c : iv.ring) reached[c] = 1;
  }
  // Cells where a replay walks the baseline's events: where some scenario acts, or
  // counts them in a WDQ zone other than control (replay_task).
  std::vector<char> scan_cell;
  if (replay) {
    if (replay->impl->slice != static_cast<std::size_t>(res.areas) * res.months)
      throw Error(ErrorCode::BadOption, "simulator", "the baseline cache belongs to another calendar or other areas");
    scan_cell = reached;
    for (int s = 1; s < S; ++s)
      for (CellId c = 0; c < cells_->size(); ++c)
        if (comp[s].zone[c] != 2) scan_cell[c] = 1;
  }
  if (record) {
    record->impl->replicates = replicates;
    record->impl->parameters = np;
    record->impl->tasks.assign(static_cast<std::size_t>(replicates) * np, {});
  }

  struct Local {
    std::vector<std::uint32_t> cell_counts;
    std::vector<std::uint64_t> clamped;
  };
  const std::size_t nc = cells_->size();
  PerThread<Local> locals([&] {
    return Local{std::vector<std::uint32_t>(static_cast<std::size_t>(S) * np * nc, 0), std::vector<std::uint64_t>(S, 0)};
  });
  const std::uint64_t full = (S >= 64) ? ~0ull : ((1ull << S) - 1);
  const std::size_t tasks = static_cast<std::size_t>(res.replicates) * np;
  // Replicates before `from` are head's: its counts are copied in below.
  const int from = head ? head->replicates : 0;
  parallel_for(IndexRange<std::size_t>(static_cast<std::size_t>(from) * np, tasks, 1), [&](const auto& range) {
    Local& L = locals.local();
    for (std::size_t task = range.begin(); task != range.end(); ++task) {
      if (opt_.cancelled && opt_.cancelled()) throw Error(ErrorCode::Interrupted, "simulation", "cancelled");
      // `row` indexes this run's result; `rep` keys the random streams, so a block of
      // replicates run alone (first_replicate) draws what the whole run draws there.
      const int local = static_cast<int>(task / np);
      const int rep = opt_.first_replicate + local;
      const std::size_t p = task % np;
      const ParamSampler& ps = smp.p[p];
      // This replicate's effect sizes and spill-over shares: one draw per
      // (replicate, evidence row), the same in every scenario.
      auto draw = [&](int row) { return replicate_z(opt_.seed, rep, row); };
      // This replicate's share recorded (drawn from the evidence, unless given).
      const double reporting =
          ps.reporting_row < 0 ? ps.reporting : draw_share(evidence_->rows()[ps.reporting_row], draw(ps.reporting_row));
      std::vector<Draws> draws(S);
      for (int s = 1; s < S; ++s) {
        const std::size_t n = comp[s].ivs.size();
        draws[s].rr.assign(n, 1.0);
        draws[s].diffusion.assign(n, 0.0);
        draws[s].displacement.assign(n, 0.0);
        draws[s].uplift.assign(n, 0.0);
        for (std::size_t k = 0; k < n; ++k) {
          const CompiledIv& iv = comp[s].ivs[k];
          // More seen and passed on while it is there: a factor 1 + uplift from the evidence.
          draws[s].uplift[k] = iv.uplift_row < 0 ? iv.uplift_fixed
                                                 : std::max(0.0, draw_rr(evidence_->rows()[iv.uplift_row], draw(iv.uplift_row)) - 1.0);
          const int row = iv.row[p];
          if (row < 0) continue;
          draws[s].rr[k] = draw_rr(evidence_->rows()[row], draw(row));
          if (!iv.spill) continue;
          auto share = [&](double fixed, int r) {
            if (!std::isnan(fixed)) return fixed;
            return r < 0 ? 0.0 : draw_share(evidence_->rows()[r], draw(r));
          };
          draws[s].diffusion[k] = share(iv.diffusion_fixed, iv.diffusion_row[p]);
          draws[s].displacement[k] = share(iv.displacement_fixed, iv.displacement_row[p]);
        }
      }
      std::span<const CellEvent> hist;
      if (history_->parameter_count() > p) hist = history_->by_parameter[p];
      const double headroom = opt_.headroom;
      auto eval = [&](int s, CellId cell, double t) {
        Outcome o = evaluate(comp[s], draws[s], p, cell, t, *cal_, reporting);
        if (o.rr > headroom) { ++L.clamped[s]; o.rr = headroom; }
        return o;
      };
      // Displacement's running account per (scenario, intervention): each prevented
      // incident adds the share; a whole one moves to the ring. So in this task
      // displaced = floor(share x prevented) <= share x prevented, exactly.
      std::vector<std::vector<double>> account(S);
      for (int s = 1; s < S; ++s) account[s].assign(comp[s].ivs.size(), 0.0);
      std::uint32_t* spill = &res.spill_counts[(static_cast<std::size_t>(local) * np + p) * S * 2];
      auto prevented = [&](int s, const GenEvent& e, const Outcome& o) -> std::optional<CellId> {
        ++spill[2 * s];
        const CompiledIv& iv = comp[s].ivs[static_cast<std::size_t>(o.core_iv)];
        const double share = draws[s].displacement[static_cast<std::size_t>(o.core_iv)];
        if (!iv.spill || !(share > 0.0) || iv.ring_cum[p].empty()) return std::nullopt;
        double& acc = account[s][static_cast<std::size_t>(o.core_iv)];
        acc += share;
        if (acc < 1.0 - 1e-9) return std::nullopt;
        acc -= 1.0;
        ++spill[2 * s + 1];
        // A ring cell in proportion to its baseline, from the moved event's own stream.
        Rng r(opt_.seed, mix(mix(e.key, kTagDisplaced), kTagRing));
        const auto& cum = iv.ring_cum[p];
        const double x = r.uniform() * cum.back();
        const std::size_t j = std::min<std::size_t>(
            static_cast<std::size_t>(std::upper_bound(cum.begin(), cum.end(), x) - cum.begin()), cum.size() - 1);
        return iv.ring[j];
      };
      // This task's counts of scenario s start at counts(s) + its area x month.
      auto counts = [&](int s) { return ((static_cast<std::size_t>(s) * res.replicates + local) * np + p) * slice; };
      auto zones = [&](int s) { return &res.zone_counts[((static_cast<std::size_t>(s) * res.replicates + local) * np + p) * 6]; };
      auto cell_counts = [&](int s) { return &L.cell_counts[(static_cast<std::size_t>(s) * np + p) * nc]; };
      auto slot = [&](CellId cell, double t) {
        const int a = areas_.area_of_cell[cell] < 0 ? res.areas - 1 : areas_.area_of_cell[cell];
        return static_cast<std::size_t>(a) * res.months + (*cal_)[static_cast<std::size_t>(t)].month;
      };
      auto sink = [&](const GenEvent& e, std::uint64_t alive, std::uint64_t rec) {
        const std::size_t at = slot(e.cell, e.t);
        for (std::uint64_t m = alive; m; m &= m - 1) {
          const int s = __builtin_ctzll(m);
          ++res.true_counts[counts(s) + at];
          if ((rec >> s) & 1u) ++res.recorded_counts[counts(s) + at];
          ++cell_counts(s)[e.cell];
        }
        for (int s = 1; s < S; ++s) {
          const bool in_base = alive & 1u, in_s = (alive >> s) & 1u;
          if (!in_base && !in_s) continue;
          std::uint32_t* z = zones(s);
          const int zone = comp[s].zone[e.cell];
          z[zone] += in_base;
          z[3 + zone] += in_s;
        }
      };
      if (!replay) {
        CachedTask* into = record ? &record->impl->tasks[task] : nullptr;
        generate(model.parameters[p], ps, *cells_, *cal_, hist, opt_.seed, rep, p, headroom, reporting, full, eval,
                 sink, prevented, into);
        continue;
      }
      // A replay starts from the baseline as it was, in every scenario (every event
      // in the control zone); replay_task corrects that for the events that can differ.
      const BaselineCache::Impl& B = *replay->impl;
      const CachedTask& cached = B.tasks[task];
      for (int s = 0; s < S; ++s) {
        std::copy_n(&B.true_counts[task * slice], slice, &res.true_counts[counts(s)]);
        std::copy_n(&B.recorded_counts[task * slice], slice, &res.recorded_counts[counts(s)]);
        std::uint32_t* cc = cell_counts(s);
        for (const auto& [cell, n] : cached.alive_cells) cc[cell] += n;
        if (s > 0) zones(s)[2] = zones(s)[5] = cached.alive_total;
      }
      auto unsink = [&](const CachedEvent& c) {
        const std::size_t at = slot(c.cell, c.t);
        for (int s = 0; s < S; ++s) {
          --res.true_counts[counts(s) + at];
          if (c.flags & kRecorded) --res.recorded_counts[counts(s) + at];
          --cell_counts(s)[c.cell];
          if (s > 0) --zones(s)[2], --zones(s)[5];
        }
      };
      replay_task(model.parameters[p], ps, *cells_, *cal_, opt_.seed, headroom, full, cached, reached, scan_cell, eval, sink,
                  unsink, prevented);
    }
  });
  // Integer sums: the same whatever thread did what.
  std::vector<std::uint64_t>& cell_sum = res.cell_sum;
  cell_sum.assign(static_cast<std::size_t>(S) * np * nc, 0);
  for (const Local& L : locals) {
    for (std::size_t i = 0; i < cell_sum.size(); ++i) cell_sum[i] += L.cell_counts[i];
    for (int s = 0; s < S; ++s) res.clamped_events[s] += L.clamped[s];
  }
  if (head) {
    // Each array's replicates [0, from) from head, scenario by scenario where the
    // scenario is the outer index; the sums over replicates add.
    const std::size_t f = static_cast<std::size_t>(from);
    auto take = [&](const std::vector<std::uint32_t>& src, std::vector<std::uint32_t>& dst, std::size_t per_replicate) {
      for (int s = 0; s < S; ++s)
        std::copy_n(src.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(s) * f * per_replicate), f * per_replicate,
                    dst.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(s) * static_cast<std::size_t>(res.replicates) * per_replicate));
    };
    take(head->true_counts, res.true_counts, np * slice);
    take(head->recorded_counts, res.recorded_counts, np * slice);
    take(head->zone_counts, res.zone_counts, np * 6);
    std::copy_n(head->spill_counts.begin(), f * np * S * 2, res.spill_counts.begin());  // replicate outermost
    for (std::size_t i = 0; i < cell_sum.size(); ++i) cell_sum[i] += head->cell_sum[i];
    for (int s = 0; s < S; ++s) res.clamped_events[s] += head->clamped_events[s];
  }
  res.cell_mean.resize(cell_sum.size());
  for (std::size_t i = 0; i < cell_sum.size(); ++i) res.cell_mean[i] = static_cast<double>(cell_sum[i]) / res.replicates;
  if (!replay) cell_sum = {};  // only a what-if's first answer is gone on from (cell_sum)
  return res;
}

}  // namespace tryggve::simulation
