// Simulation of the demo incidents: background events hour by hour (a Poisson
// count per hour and darkness state, placed on segments in proportion to their
// weights and uniformly along the segment, at a minute drawn from the dark or
// light part of the hour), then near-repeat offspring generation by generation.
// Each parameter draws from its own random stream, so the result is the same at
// any thread count.

#include <algorithm>
#include <bit>
#include <cmath>

#include <fmt/format.h>

#include "internal.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/parallel.hpp"
#include "tryggve/core/polygon.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/demo/generator.hpp"

namespace tryggve::demo {

void validate(const DemoOptions& o) {
  if (o.months < 1 || o.months > 240)
    throw Error(ErrorCode::BadOption, "demo --months", fmt::format("must be 1..240, got {}", o.months));
  if (o.start_month < 1 || o.start_month > 12)
    throw Error(ErrorCode::BadOption, "demo start_month", fmt::format("must be 1..12, got {}", o.start_month));
  if (o.start_year < 1900 || o.start_year > 2200)
    throw Error(ErrorCode::BadOption, "demo start_year", fmt::format("must be 1900..2200, got {}", o.start_year));
  if (!(o.volume_scale > 0 && o.volume_scale <= 100))
    throw Error(ErrorCode::BadOption, "demo volume_scale", fmt::format("must be in (0, 100], got {}", o.volume_scale));
  if (!(o.raw_defect_rate >= 0 && o.raw_defect_rate <= 0.1) || !(o.raw_duplicate_rate >= 0 && o.raw_duplicate_rate <= 0.2))
    throw Error(ErrorCode::BadOption, "demo raw rates", "defect rate must be in [0, 0.1], duplicate rate in [0, 0.2]");
}

int DemoData::month_of(std::int64_t utc) const {
  const std::int64_t local = utc + cal::stockholm_offset(utc);
  int y, m, d;
  cal::civil_from_days(local / 86400, y, m, d);
  return (y - options.start_year) * 12 + (m - options.start_month) + 1;
}

namespace {

struct Ev {
  std::int64_t utc;
  std::uint32_t segment;
  double offset;
  std::int32_t parent;  // index in the same parameter's list, -1 for background
  // Thinned away by a planted intervention (it and its descendants are dropped at
  // the end; kept until then so the main random stream is the same as without).
  bool removed = false;
  bool extra_report = false;
};

// A random stream of its own for one decision about one event, so the decisions
// of the planted interventions never shift the main stream.
Rng side_stream(std::uint64_t seed, std::size_t p, std::uint64_t what, std::size_t index) {
  return Rng(seed, (static_cast<std::uint64_t>(p) << 48) ^ (what << 40) ^ static_cast<std::uint64_t>(index));
}

// The k-th set bit (0-based) of x.
int nth_bit(std::uint64_t x, int k) {
  for (int i = 0; i < k; ++i) x &= x - 1;
  return std::countr_zero(x);
}

struct Adjacency {
  // For each node: (segment, node is the segment's `from` end).
  std::vector<std::vector<std::pair<std::uint32_t, bool>>> at;
  explicit Adjacency(const District& d) : at(d.nodes.size()) {
    for (const auto& s : d.segments) {
      at[s.from].push_back({s.id, true});
      at[s.to].push_back({s.id, false});
    }
  }
};

// A random walk of `dist` metres along the network from (seg, offset) in a random
// direction, turning onto a uniformly chosen other segment at every node and
// turning back at dead ends: the offspring's displacement.
void walk(const District& d, const Adjacency& adj, Rng& rng, std::uint32_t& seg, double& offset, double dist) {
  int dir = rng.uniform() < 0.5 ? 1 : -1;
  for (int guard = 0; guard < 10000 && dist > 0; ++guard) {
    const Segment& s = d.segments[seg];
    const double room = dir > 0 ? s.length_m - offset : offset;
    if (dist <= room) {
      offset += dir * dist;
      return;
    }
    dist -= room;
    const std::uint32_t node = dir > 0 ? s.to : s.from;
    const auto& inc = adj.at[node];
    // Other ends at this node (a segment may appear twice if it is a loop).
    std::vector<std::pair<std::uint32_t, bool>> options;
    for (const auto& e : inc)
      if (e.first != seg) options.push_back(e);
    if (options.empty()) {  // dead end: turn back
      offset = dir > 0 ? s.length_m : 0.0;
      dir = -dir;
      continue;
    }
    const auto& next = options[rng.below(options.size())];
    seg = next.first;
    if (next.second) {
      offset = 0.0;
      dir = 1;
    } else {
      offset = d.segments[seg].length_m;
      dir = -1;
    }
  }
  offset = std::clamp(offset, 0.0, d.segments[seg].length_m);
}

}  // namespace

DemoData simulate(const DemoOptions& options) {
  validate(options);
  DemoData out;
  out.options = options;
  out.district = build_district(month_start_date(options, 14));
  out.model = build_model(options, out.district);
  const District& d = out.district;
  const Model& m = out.model;
  const std::size_t P = m.parameters.size(), S = d.segments.size();

  const auto hrs = cal::hours(options.start_year, options.start_month, options.months, d.centre_lat, d.centre_lon,
                              m.darkness_threshold_deg);
  out.start_utc = hrs.front().utc;
  out.end_utc = hrs.back().utc + 3600;
  const Adjacency adj(d);
  std::int64_t adults_start = out.end_utc;
  for (const auto& h : hrs)
    if (h.month >= m.adults_first_month) { adults_start = h.utc; break; }

  std::vector<std::vector<Ev>> per_param(P);
  parallel_for(std::size_t{0}, P, [&](std::size_t p) {
    const ParameterModel& pm = m.parameters[p];
    Rng rng(options.seed, 1 + p);
    std::vector<Ev>& ev = per_param[p];
    // Cumulative segment weights per (dark, patrol, adults) state of an hour.
    std::vector<double> cum[2][2][2];
    for (auto& a : cum)
      for (auto& b : a)
        for (auto& c : b) c.resize(S);
    int month = 0;
    for (std::size_t hi = 0; hi < hrs.size(); ++hi) {
      const cal::Hour& h = hrs[hi];
      if (h.month != month) {
        month = h.month;
        for (int dk = 0; dk < 2; ++dk)
          for (int pt = 0; pt < 2; ++pt)
            for (int ad = 0; ad < 2; ++ad) {
              double acc = 0;
              for (std::uint32_t s = 0; s < S; ++s) {
                acc += m.weight[p][s] * segment_multiplier(m, d, p, s, month, dk, pt, ad);
                cum[dk][pt][ad][s] = acc;
              }
            }
      }
      const bool pt = patrol_active(m, h);
      const bool ad = adults_active(m, h);
      const double base = pm.mu_per_hour * temporal_factor(pm, h);
      const double df = h.dark_count / 60.0;
      const double lam_light = base * (1 - df) * cum[0][pt][ad].back();
      const double lam_dark = base * df * cum[1][pt][ad].back();
      const std::uint64_t n = rng.poisson(lam_light + lam_dark);
      for (std::uint64_t k = 0; k < n; ++k) {
        const bool dark = rng.uniform() * (lam_light + lam_dark) < lam_dark;
        const std::uint64_t mask = dark ? h.dark_minutes : (~h.dark_minutes & (~0ULL >> 4));
        const int count = dark ? h.dark_count : 60 - h.dark_count;
        const int minute = nth_bit(mask, static_cast<int>(rng.below(static_cast<std::uint64_t>(count))));
        const std::int64_t t = h.utc + minute * 60 + static_cast<std::int64_t>(rng.below(60));
        const auto& c = cum[dark][pt][ad];
        const double u = rng.uniform() * c.back();
        auto s = static_cast<std::uint32_t>(std::upper_bound(c.begin(), c.end(), u) - c.begin());
        s = std::min<std::uint32_t>(s, static_cast<std::uint32_t>(S - 1));
        Ev e{t, s, rng.uniform() * d.segments[s].length_m, -1};
        // Adults out: the hour's weights used the ceiling; thin to the real,
        // time-dependent multiplier (the early rise decays), and flag the reports
        // that only the uplift in reporting brought in.
        if (ad && pm.setting != "indoor" && std::binary_search(m.adults_segments.begin(), m.adults_segments.end(), s)) {
          Rng side = side_stream(options.seed, p, 1, ev.size());
          const double weeks = static_cast<double>(t - adults_start) / (7 * 86400.0);
          const double keep = m.adults_multiplier(p, weeks) / m.adults_ceiling(p);
          if (side.uniform() >= keep) continue;
          e.extra_report = side.uniform() < m.adults_reporting_uplift / (1.0 + m.adults_reporting_uplift);
        }
        ev.push_back(e);
      }
    }
    // Near-repeat offspring, generation by generation (children are appended and
    // become parents in turn).
    const double delay_rate = 1.0 / (pm.trigger_mean_days * 86400.0);
    for (std::size_t i = 0; i < ev.size(); ++i) {
      const std::uint64_t kids = rng.poisson(pm.branching_ratio);
      for (std::uint64_t k = 0; k < kids; ++k) {
        const Ev parent = ev[i];
        const auto t = parent.utc + static_cast<std::int64_t>(rng.exponential(delay_rate));
        std::uint32_t seg = parent.segment;
        double off = parent.offset;
        walk(d, adj, rng, seg, off, rng.exponential(1.0 / pm.trigger_mean_m));
        if (t >= out.end_utc) continue;  // beyond the horizon: not observed
        Ev child{t, seg, off, static_cast<std::int32_t>(i)};
        // The planted interventions thin offspring too (a stream of their own).
        child.removed = parent.removed;
        if (!child.removed) {
          const std::size_t hi = static_cast<std::size_t>((t - out.start_utc) / 3600);
          const double rr = offspring_relative_risk(m, d, p, seg, hrs[hi], static_cast<int>((t - hrs[hi].utc) / 60));
          if (rr < 1.0 && side_stream(options.seed, p, 2, ev.size()).uniform() >= rr) child.removed = true;
        }
        ev.push_back(child);
      }
    }
  });

  // Merge, sort by time (ties by parameter, segment, offset) and number 1..N.
  struct Ref { std::uint16_t p; std::uint32_t i; };
  std::vector<Ref> refs;
  for (std::size_t p = 0; p < P; ++p)
    for (std::uint32_t i = 0; i < per_param[p].size(); ++i)
      if (!per_param[p][i].removed) refs.push_back({static_cast<std::uint16_t>(p), i});
  std::sort(refs.begin(), refs.end(), [&](const Ref& a, const Ref& b) {
    const Ev& x = per_param[a.p][a.i];
    const Ev& y = per_param[b.p][b.i];
    if (x.utc != y.utc) return x.utc < y.utc;
    if (a.p != b.p) return a.p < b.p;
    return a.i < b.i;
  });
  std::vector<std::vector<std::int64_t>> id_of(P);
  for (std::size_t p = 0; p < P; ++p) id_of[p].resize(per_param[p].size());
  for (std::size_t k = 0; k < refs.size(); ++k) id_of[refs[k].p][refs[k].i] = static_cast<std::int64_t>(k + 1);

  // Labels: setting, reporter and text, drawn per parameter in generation order
  // from a stream of their own.
  std::vector<Point> stops, schools;
  for (const auto& s : d.stops) stops.push_back(s.pos);
  for (const auto& p : d.places)
    if (p.kind == "school") schools.push_back(p.pos);
  auto nearest_dist = [](Point p, const std::vector<Point>& v) {
    double r = INFINITY;
    for (const auto& q : v) r = std::min(r, distance(p, q));
    return r;
  };
  out.incidents.resize(refs.size());
  parallel_for(std::size_t{0}, P, [&](std::size_t p) {
    const ParameterModel& pm = m.parameters[p];
    Rng rng(options.seed, 1000 + p);
    for (std::uint32_t i = 0; i < per_param[p].size(); ++i) {
      const Ev& e = per_param[p][i];
      if (e.removed) {
        // The same draws as a kept event's labels, so every other label stays as it was.
        rng.uniform();
        rng.uniform();
        rng.below(pm.texts.size());
        continue;
      }
      DemoIncident& inc = out.incidents[static_cast<std::size_t>(id_of[p][i] - 1)];
      inc.id = id_of[p][i];
      inc.utc = e.utc;
      inc.utc_offset_s = cal::stockholm_offset(e.utc);
      inc.parameter = static_cast<std::uint16_t>(p);
      inc.segment = e.segment;
      inc.offset_m = e.offset;
      inc.pos = interpolate(d.segments[e.segment].geometry, e.offset);
      inc.offspring = e.parent >= 0;
      inc.parent = e.parent >= 0 ? id_of[p][static_cast<std::size_t>(e.parent)] : -1;
      inc.extra_report = e.extra_report;
      const auto& h = hrs[static_cast<std::size_t>((e.utc - out.start_utc) / 3600)];
      inc.dark = (h.dark_minutes >> ((e.utc - h.utc) / 60)) & 1ULL;
      inc.outdoor = rng.uniform() < pm.outdoor_share;
      // Who reports it depends on where: Västtrafik at stops, the parks department
      // on park paths, schools near schools in school hours, housing companies in
      // residential streets.
      const Segment& seg = d.segments[e.segment];
      auto w = pm.actor;
      if (nearest_dist(inc.pos, stops) < 40) w[3] *= 6;
      if (seg.kind == SegmentKind::ParkPath) w[4] *= 5;
      if (nearest_dist(inc.pos, schools) < 150 && h.school_day && h.hour >= 8 && h.hour < 16) w[1] *= 6;
      if (seg.kind == SegmentKind::Residential || seg.kind == SegmentKind::Service) w[2] *= 3;
      double tot = 0;
      for (double x : w) tot += x;
      double u = rng.uniform() * tot;
      std::uint8_t a = 0;
      while (a + 1 < w.size() && u >= w[a]) u -= w[a++];
      inc.actor = a;
      // Text: a template with the place (the street's name, or the nearest named place).
      std::string place = d.ways[seg.way].name;
      if (seg.kind == SegmentKind::StopAccess || nearest_dist(inc.pos, stops) < 30) {
        double best = INFINITY;
        for (const auto& st : d.stops)
          if (distance(st.pos, inc.pos) < best) { best = distance(st.pos, inc.pos); place = "hållplats " + st.name; }
      } else if (place.empty()) {
        double best = INFINITY;
        for (const auto& pl : d.places)
          if (distance(pl.pos, inc.pos) < best) { best = distance(pl.pos, inc.pos); place = "nära " + pl.name; }
        for (const auto& pk : d.parks)
          if (seg.kind == SegmentKind::ParkPath && (pk.kind == "park" || pk.kind == "wood")) {
            // Paths in parks are named after the park they cross.
            if (contains(pk.ring, inc.pos)) place = pk.name;
          }
      }
      const std::string& tpl = pm.texts[rng.below(pm.texts.size())];
      std::string text = tpl;
      if (auto pos = text.find("{plats}"); pos != std::string::npos) text.replace(pos, 7, place);
      inc.text = std::move(text);
    }
  });
  return out;
}

}  // namespace tryggve::demo
