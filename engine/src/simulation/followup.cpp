#include "tryggve/simulation/followup.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <boost/math/special_functions/gamma.hpp>
#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/simulation/spillover.hpp"

namespace tryggve::simulation {

const EvidenceRow* acting_row(const Intervention& iv, const ParameterTraits& t, std::size_t p,
                              const EvidenceTable& evidence) {
  if (!iv.only_parameters.empty() &&
      std::find(iv.only_parameters.begin(), iv.only_parameters.end(), p) == iv.only_parameters.end())
    return nullptr;
  if (iv.type == InterventionType::Lighting && !t.darkness_applies()) return nullptr;
  return evidence.find(iv.evidence_key, t);
}

namespace {

enum class Active { Dark, Window, All };

Active active_of(const EvidenceRow& row) {
  switch (row.applies_when) {
    case AppliesWhen::Dark: return Active::Dark;
    case AppliesWhen::Present: return Active::Window;
    case AppliesWhen::Always: return Active::All;
  }
  return Active::All;
}

// One acted-on parameter: its fitted counterfactual and when the measure acts.
struct Acted {
  ParameterId p = 0;
  Active active = Active::All;
  EtasParameters model;
  bool fitted = false;
};

double z_of(double confidence) {
  // The two-sided normal quantile for the usual levels without a table lookup.
  return std::sqrt(2.0) * boost::math::erf_inv(confidence);
}

// Observed over expected with a two-sided interval: Garwood's exact Poisson limits
// for the count, and the expected count's own relative uncertainty (the fitted
// core rate rests on `pre_events` incidents), in quadrature on the log scale.
Estimate ratio(double observed, double expected, double pre_events, double confidence) {
  Estimate e;
  e.observed = observed;
  e.expected = expected;
  if (!(expected > 0)) return e;
  const double a = 1.0 - confidence, z = z_of(confidence);
  const double var_e = 1.0 / std::max(pre_events, 1.0);
  e.rr = observed / expected;
  const double up = boost::math::gamma_p_inv(observed + 1.0, 1.0 - a / 2);
  if (observed > 0) {
    const double lo = boost::math::gamma_p_inv(observed, a / 2);
    const double wl = std::log(observed / lo), wh = std::log(up / observed);
    e.low = e.rr * std::exp(-std::sqrt(wl * wl + z * z * var_e));
    e.high = e.rr * std::exp(std::sqrt(wh * wh + z * z * var_e));
  } else {
    e.low = 0.0;
    e.high = up / expected * std::exp(z * std::sqrt(var_e));
  }
  return e;
}

// Difference in differences of four counts on the log scale (a half added to
// every count when one of them is zero).
Estimate did_ratio(double pre_t, double post_t, double pre_c, double post_c, double confidence) {
  Estimate e;
  e.observed = post_t;
  if (!(pre_t > 0) || !(pre_c > 0) || !(post_c > 0)) return e;
  e.expected = pre_t * post_c / pre_c;  // the core's post count if it had moved as the comparison did
  const double k = (post_t == 0) ? 0.5 : 0.0;
  const double a = pre_t + k, b = post_t + k, c = pre_c + k, d = post_c + k;
  const double l = std::log((b / a) / (d / c));
  const double s = std::sqrt(1 / a + 1 / b + 1 / c + 1 / d) * z_of(confidence);
  e.rr = post_t / e.expected;
  e.low = std::exp(l - s);
  e.high = std::exp(l + s);
  return e;
}

}  // namespace

FollowupResult follow_up(const EventTable& events, const CellNetwork& cells, const HourCalendar& cal,
                         const std::vector<ParameterTraits>& traits, const EvidenceTable& evidence,
                         const Deployment& dep, const FollowupOptions& o) {
  const Intervention& iv = dep.intervention;
  const std::string where = "follow-up of '" + iv.name + "'";
  if (iv.cells.empty()) throw Error(ErrorCode::BadOption, where, "no cells (where was it deployed?)");
  for (CellId c : iv.cells)
    if (c >= cells.size()) throw Error(ErrorCode::BadOption, where, fmt::format("cell {} is not in the network", c));
  if (!(dep.end_hours > dep.start_hours)) throw Error(ErrorCode::BadOption, where, "it must end after it starts");
  if (dep.start_hours <= cal.start_hours() || dep.end_hours > cal.end_hours() + 1e-9)
    throw Error(ErrorCode::BadOption, where, "its period must lie inside the data's calendar, after its first month");
  if (o.pre_months < 1) throw Error(ErrorCode::BadOption, where, "pre_months must be >= 1");

  FollowupResult r;
  const auto h0 = static_cast<std::size_t>(dep.start_hours);
  const int start_month = cal[h0].month;
  const int pre_month = std::max(0, start_month - o.pre_months);
  r.pre_start_hours = cal.start_hours();
  for (std::size_t h = 0; h < cal.size(); ++h)
    if (cal[h].month >= pre_month) { r.pre_start_hours = std::max(cal.start_hours(), static_cast<double>(h)); break; }
  const double t_pre = r.pre_start_hours, t0 = dep.start_hours, t1 = dep.end_hours;

  std::vector<CellId> core = iv.cells;
  std::sort(core.begin(), core.end());
  core.erase(std::unique(core.begin(), core.end()), core.end());
  std::vector<char> in_core(cells.size(), 0);
  for (CellId c : core) in_core[c] = 1;
  r.core_cells = core.size();

  // What it acts on, and when.
  std::vector<Acted> acted;
  for (std::size_t p = 0; p < traits.size() && p < events.parameter_count(); ++p)
    if (const EvidenceRow* row = acting_row(iv, traits[p], p, evidence))
      acted.push_back({static_cast<ParameterId>(p), active_of(*row), {}, false});
  if (acted.empty())
    throw Error(ErrorCode::BadOption, where,
                fmt::format("the evidence table has no row '{}' for any parameter: nothing to follow up", iv.evidence_key));
  r.active_hours = acted.front().active == Active::Dark ? "dark" : acted.front().active == Active::Window ? "window" : "all";
  for (const auto& a : acted) r.parameters.push_back(a.p);

  auto hour_active = [&](const Acted& a, std::size_t h) {
    switch (a.active) {
      case Active::Dark: return cal.dark_fraction(h);
      case Active::Window: return iv.window.contains(cal[h].hour_of_week) ? 1.0 : 0.0;
      case Active::All: return 1.0;
    }
    return 1.0;
  };
  auto event_active = [&](const Acted& a, const CellEvent& e) {
    switch (a.active) {
      case Active::Dark: return e.dark;
      case Active::Window: return iv.window.contains(e.hour_of_week);
      case Active::All: return true;
    }
    return true;
  };
  // The background's time factor in the active part of hour h.
  auto active_factor = [&](const Acted& a, std::size_t h) {
    const EtasParameters& P = a.model;
    const double base = P.hour_of_week[cal[h].hour_of_week] * P.month_of_year[cal[h].month_of_year];
    if (a.active == Active::Dark) return base * (P.darkness_applies ? P.dark_factor : 1.0) * cal.dark_fraction(h);
    return P.time_factor(cal[h], cal.dark_fraction(h)) * hour_active(a, h);
  };

  // 1. The counterfactual on the core, hour by hour from the fit window's start to
  // the end: background and triggering apart, in the active hours.
  const std::size_t hp = static_cast<std::size_t>(std::floor(t_pre)), hs = static_cast<std::size_t>(std::floor(t0));
  const std::size_t he = std::min(cal.size(), static_cast<std::size_t>(std::ceil(t1)));
  std::vector<double> bg_h(he - hp, 0.0), trig_h(he - hp, 0.0), window_share_h(he - hp, 0.0);
  std::vector<std::string> notes;
  for (Acted& a : acted) {
    const auto& ev = events.by_parameter[a.p];
    try {
      a.model = fit_parameter(ev, cells, cal, t_pre, t0, traits[a.p].darkness_applies(), o.fit);
      a.fitted = true;
    } catch (const Error& e) {
      if (e.code() != ErrorCode::NoData) throw;
      notes.push_back(fmt::format("{}: no incidents before the start, expected 0", traits[a.p].code));
      continue;
    }
    const EtasParameters& P = a.model;
    double mu_core = 0.0;
    for (CellId c : core) mu_core += P.mu[c];
    for (std::size_t h = hp; h < he; ++h) {
      const double w = std::min(static_cast<double>(h + 1), t1) - std::max(static_cast<double>(h), t_pre);
      if (w > 0) bg_h[h - hp] += mu_core * active_factor(a, h) * w * cal.hour_weight(h);
    }
    if (!(P.theta > 0)) continue;
    // Triggering from the incidents that really happened, into the core's cells.
    const auto Z = kernel_normalisers(cells, P.sigma_m);
    for (const CellEvent& e : events_between(ev, t_pre - P.max_lag_hours, t1)) {
      double k = 0.0;
      for (const Neighbour& n : cells.neighbours(e.cell))
        if (in_core[n.cell]) k += std::exp(-n.distance_m / P.sigma_m) * cells.cell(n.cell).weight_length();
      if (k <= 0 || !(Z[e.cell] > 0)) continue;
      k *= P.theta / Z[e.cell];
      const double from = std::max(e.t, t_pre), to = std::min(t1, e.t + P.max_lag_hours);
      for (auto h = static_cast<std::size_t>(std::floor(from)); h < he && static_cast<double>(h) < to; ++h) {
        const double a0 = std::max(static_cast<double>(h), from), a1 = std::min(static_cast<double>(h + 1), to);
        if (a1 <= a0) continue;
        const double mass = std::exp(-P.omega_per_hour * (a0 - e.t)) - std::exp(-P.omega_per_hour * (a1 - e.t));
        trig_h[h - hp] += k * mass * hour_active(a, h);
      }
    }
  }
  for (std::size_t h = hp; h < he; ++h) window_share_h[h - hp] = iv.window.contains(cal[h].hour_of_week) ? 1.0 : 0.0;

  // Observed incidents (recorded) on the core and elsewhere, in the active hours.
  auto count_cells = [&](const std::vector<char>& mask, double a0, double a1) {
    double n = 0.0;
    for (const Acted& a : acted)
      for (const CellEvent& e : events_between(events.by_parameter[a.p], a0, a1))
        if (mask[e.cell] && event_active(a, e)) n += 1.0;
    return n;
  };
  r.pre_observed_core = count_cells(in_core, t_pre, t0);
  // The level of the core's background is its own: the fitted rates are shrunk
  // toward their neighbourhood (right for a map, biased for one chosen place: a
  // quiet street comes out too busy), and the model's hour profile is the whole
  // area's. So the background is scaled to what the core's own active-hour history
  // says, net of what triggering explains there; the model keeps the shape in time
  // (season, hour, darkness) and the near repeats.
  auto sum_h = [&](const std::vector<double>& v, double a0, double a1, bool in_window_only = false) {
    double s = 0.0;
    for (std::size_t h = hp; h < he; ++h)
      if (static_cast<double>(h) >= a0 - 1e-9 && static_cast<double>(h) < a1 && (!in_window_only || window_share_h[h - hp] > 0))
        s += v[h - hp];
    return s;
  };
  const double bg_pre = sum_h(bg_h, t_pre, t0), trig_pre = sum_h(trig_h, t_pre, t0);
  const double level = bg_pre > 0 ? std::max(r.pre_observed_core - trig_pre, 0.5) / bg_pre : 0.0;
  auto expected_between = [&](double a0, double a1) { return level * sum_h(bg_h, a0, a1) + sum_h(trig_h, a0, a1); };
  r.model = ratio(count_cells(in_core, t0, t1), expected_between(t0, t1), r.pre_observed_core, o.confidence);
  const double t_early = std::min(t1, t0 + o.early_weeks * kHoursOfWeek);
  r.early = ratio(count_cells(in_core, t0, t_early), expected_between(t0, t_early), r.pre_observed_core, o.confidence);
  if (t_early < t1)
    r.later = ratio(count_cells(in_core, t_early, t1), expected_between(t_early, t1), r.pre_observed_core, o.confidence);

  // Recorded and true: the uplift in reporting acts while the measure is there.
  r.reporting_uplift = iv.type == InterventionType::Lighting ? 0.0 : iv.reporting_uplift;
  if (std::isnan(r.reporting_uplift)) {
    // Not given: the evidence table's assumption, as the simulation draws it (central value).
    const EvidenceRow* row = nullptr;
    for (const auto& t : traits) if (!row) row = evidence.find("reporting_presence:" + iv.evidence_key, t);
    for (const auto& t : traits) if (!row) row = evidence.find("reporting_presence", t);
    r.reporting_uplift = row ? std::max(0.0, row->rr_central - 1.0) : 0.0;
    if (!row) notes.push_back("no reporting_presence row in the evidence table: recorded taken as true");
  }
  {
    const double all = expected_between(t0, t1);
    const double present = level * sum_h(bg_h, t0, t1, true) + sum_h(trig_h, t0, t1, true);
    const double f = 1.0 + r.reporting_uplift * (all > 0 ? present / all : 0.0);
    r.model_true = r.model;
    if (r.model.defined()) {
      r.model_true.rr /= f;
      r.model_true.low /= f;
      r.model_true.high /= f;
      r.model_true.expected *= f;
    }
  }

  // Month by month, for the follow-up chart.
  for (std::size_t h = hs; h < he;) {
    const int m = cal[h].month;
    std::size_t e = h;
    while (e < he && cal[e].month == m) ++e;
    const double a0 = std::max(static_cast<double>(h), t0), a1 = std::min(static_cast<double>(e), t1);
    r.monthly.push_back({cal.month_label(m), count_cells(in_core, a0, a1), expected_between(a0, a1)});
    h = e;
  }

  // 2. The comparison area: similar streets outside the spill-over ring.
  Spillover ring_spec = iv.spillover;
  ring_spec.buffer_m = std::min(ring_spec.buffer_m, ring_spec.outer_m);
  const SpilloverFootprint f = spillover_footprint(cells, core, ring_spec, where);
  std::vector<char> in_ring(cells.size(), 0), excluded = in_core;
  for (CellId c : f.diffusion_cells) in_ring[c] = excluded[c] = 1;
  for (CellId c : f.ring_cells) in_ring[c] = excluded[c] = 1;
  r.ring_cells = f.diffusion_cells.size() + f.ring_cells.size();
  std::vector<double> rate(cells.size(), 0.0);  // fitted pre-period expected count, active hours
  for (const Acted& a : acted) {
    if (!a.fitted) continue;
    double x = 0.0;
    for (std::size_t h = static_cast<std::size_t>(t_pre); h < hs; ++h) x += active_factor(a, h) * cal.hour_weight(h);
    for (CellId c = 0; c < cells.size(); ++c) rate[c] += a.model.mu[c] * x;
  }
  // Lighting: compare with streets that are unlit, as the core was before (where
  // the network knows; the core itself may be tagged lit by now).
  const auto& net = cells.network();
  auto lit_of = [&](CellId c) { return net.edge(cells.cell(c).edge).lit; };
  bool lit_filter = false;
  if (iv.type == InterventionType::Lighting)
    for (CellId c = 0; c < cells.size() && !lit_filter; ++c) lit_filter = lit_of(c) == Lit::No;
  double core_rate = 0.0;
  for (CellId c : core) core_rate += rate[c];
  const double per_cell = core_rate / static_cast<double>(core.size());
  std::vector<CellId> candidates;
  for (CellId c = 0; c < cells.size(); ++c) {
    if (excluded[c] || !(rate[c] > 0)) continue;
    if (lit_filter && lit_of(c) != Lit::No) continue;
    candidates.push_back(c);
  }
  if (per_cell > 0) {
    const double lr = std::log(per_cell);
    std::stable_sort(candidates.begin(), candidates.end(), [&](CellId a, CellId b) {
      return std::abs(std::log(rate[a]) - lr) < std::abs(std::log(rate[b]) - lr);
    });
    double got = 0.0;
    for (CellId c : candidates) {
      if (got >= o.comparison_factor * core_rate && r.comparison_cells.size() >= core.size()) break;
      r.comparison_cells.push_back(c);
      got += rate[c];
    }
    std::sort(r.comparison_cells.begin(), r.comparison_cells.end());
  }
  std::vector<char> in_comp(cells.size(), 0);
  for (CellId c : r.comparison_cells) in_comp[c] = 1;
  const double Rb = r.pre_observed_core, Ra = r.model.observed;
  const double Cb = count_cells(in_comp, t_pre, t0), Ca = count_cells(in_comp, t0, t1);
  const double Db = count_cells(in_ring, t_pre, t0), Da = count_cells(in_ring, t0, t1);
  if (!r.comparison_cells.empty()) r.did = did_ratio(Rb, Ra, Cb, Ca, o.confidence);
  else notes.push_back("no comparison streets outside the spill-over ring");

  // 3. WDQ with a Poisson bootstrap.
  const double counts[6] = {Rb, Ra, Db, Da, Cb, Ca};
  std::copy(counts, counts + 6, r.wdq_counts);
  const double central = weighted_displacement(Rb, Ra, Db, Da, Cb, Ca).wdq;
  if (std::isfinite(central) && Cb > 0 && Ca > 0) {
    Rng rng(o.seed ? o.seed : default_seed(), 0xF011'0A0Bu);
    std::vector<double> w;
    w.reserve(static_cast<std::size_t>(o.bootstrap));
    for (int k = 0; k < o.bootstrap; ++k) {
      double x[6];
      for (int i = 0; i < 6; ++i) x[i] = static_cast<double>(rng.poisson(counts[i]));
      if (x[4] <= 0 || x[5] <= 0) continue;
      const double q = weighted_displacement(x[0], x[1], x[2], x[3], x[4], x[5]).wdq;
      if (std::isfinite(q)) w.push_back(q);
    }
    Interval i = summarise(std::move(w));
    i.mean = central;
    r.wdq = i;
  }
  for (const auto& n : notes) r.note += (r.note.empty() ? "" : "; ") + n;
  return r;
}

std::string verdict_key(double rr, double low, double high) {
  if (!(std::isfinite(rr) && std::isfinite(low) && std::isfinite(high))) return "unknown";
  if (high < 1.0) return high < 0.9 ? "fewer_clear" : "fewer_slight";
  if (low > 1.0) return low > 1.1 ? "more_clear" : "more_slight";
  return high / low > 2.0 ? "unclear_wide" : "no_change";
}

}  // namespace tryggve::simulation
