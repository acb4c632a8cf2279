#include "tryggve/pipeline/transit_hotspots.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "tryggve/core/geometry.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/hotspot/units.hpp"
#include "tryggve/hotspot/weights.hpp"
#include "tryggve/io/vector_writer.hpp"
#include "tryggve/situation/situation.hpp"
#include "tryggve/transit/place.hpp"
#include "tryggve/transit/placement.hpp"

namespace tryggve::pipeline {

std::size_t day_group(int weekday) { return weekday <= 3 ? 0 : static_cast<std::size_t>(weekday - 3); }
std::size_t slice_count() { return kDayGroups * situation::kTimeBands; }
std::size_t slice_of(std::size_t g, std::size_t band) { return g * situation::kTimeBands + band; }
std::string slice_label(std::size_t s, bool sv) {
  const auto& g = kDayGroupDefs[s / situation::kTimeBands];
  const auto& b = situation::kTimeBandDefs[s % situation::kTimeBands];
  return fmt::format("{} {}", sv ? g.sv : g.en, sv ? b.sv : b.en);
}

namespace {

// Stations one stretch apart, weighted by the quartic kernel of the stretch's
// length (none beyond the bandwidth), and itself at weight 1.
hotspot::Weights station_weights(const network::Network& net, double bandwidth_m) {
  hotspot::Weights w;
  w.self_included = true;
  for (network::VertexId v = 0; v < net.vertex_count(); ++v) {
    std::map<hotspot::UnitId, double> nb{{static_cast<hotspot::UnitId>(v), 1.0}};
    for (const auto& inc : net.incident(v)) {
      if (inc.other == v) continue;
      const double k = hotspot::kernel_value(hotspot::KernelShape::Quartic, net.edge(inc.edge).length / bandwidth_m);
      if (k <= 0) continue;
      auto& x = nb[static_cast<hotspot::UnitId>(inc.other)];
      x = std::max(x, k);  // two ways between the same stops: the shorter
    }
    for (const auto& [u, k] : nb) {
      w.neighbours.push_back(u);
      w.weights.push_back(k);
    }
    w.offsets.push_back(w.neighbours.size());
  }
  return w;
}

bool has_spread(const std::vector<double>& v) {
  return std::any_of(v.begin(), v.end(), [&](double x) { return x != v.front(); });
}

}  // namespace

TransitHotspots transit_hotspots(const snap::MapData& map, const transit::System* sys, const TransitHotspotOptions& o) {
  TransitHotspots h;
  if (!sys || map.transit.empty()) return h;
  const auto& net = sys->network();
  const std::size_t E = net.edge_count(), V = net.vertex_count(), S = slice_count();
  std::vector<network::NetworkPosition> pos;  // on-board steps, for the KDE
  std::vector<double> w;
  h.segment_counts.assign(E, 0.0);
  h.slice_counts.assign(S, std::vector<double>(E, 0.0));
  h.stop_counts.assign(V, 0.0);
  const auto segs = hotspot::SpatialUnits::segments(net);
  std::vector<network::NetworkPosition> one_pos;
  std::vector<double> one_w;
  for (std::size_t k = 0; k < map.incidents.size(); ++k) {
    const transit::TransitPlace* tp = map.transit_place(k);
    if (!tp) continue;
    const auto& inc = map.incidents[k];
    if (!inc.has_time) continue;
    const int month = month_index(inc.time);
    if (month < o.from_month || month > o.to_month) continue;
    const double weight =
        inc.weight * (o.severity_weights && inc.parameter != kNoParameter ? map.taxonomy[inc.parameter].weight : 1.0);
    const LocalTime lt = to_local(inc.time);
    const std::size_t slice = slice_of(day_group(lt.weekday), situation::time_band(lt.hour));
    if (tp->kind == transit::PlaceKind::Stop) {
      if (tp->station == transit::kNone || tp->station >= V) continue;
      h.stop_counts[tp->station] += weight;
      ++h.at_stop;
      continue;
    }
    transit::Placement p;
    p.pieces = tp->pieces;
    one_pos.clear();
    one_w.clear();
    h.unplaced_pieces += transit::weighted_positions(*sys, p, o.step_m, one_pos, one_w);
    if (one_pos.empty()) continue;
    ++h.on_board;
    for (std::size_t i = 0; i < one_pos.size(); ++i) {
      const double x = weight * one_w[i];
      pos.push_back(one_pos[i]);
      w.push_back(x);
      if (one_pos[i].edge == network::kNoEdge) continue;
      h.segment_counts[one_pos[i].edge] += x;
      h.slice_counts[slice][one_pos[i].edge] += x;
    }
  }
  if (h.on_board + h.at_stop == 0) return h;
  h.run = true;
  if (E > 0) {
    h.lixels = network::Lixelization(net, o.lixel_length_m);
    if (!pos.empty()) h.density = density::estimate(net, h.lixels, pos, w, o.density);
    else h.density.values.assign(h.lixels.size(), 0.0);
  }
  const hotspot::LocalOptions& lo = o.local;
  if (E >= 3) {
    hotspot::WeightsOptions wo;
    wo.scheme = hotspot::WeightScheme::Kernel;
    wo.kernel = hotspot::KernelShape::Quartic;
    wo.bandwidth_m = o.gistar_bandwidth_m;
    const auto ws = hotspot::build_weights(net, segs, wo);
    if (has_spread(h.segment_counts)) h.segment_gi = hotspot::gi_star(ws, h.segment_counts, lo);
    hotspot::LocalOptions slo = lo;
    slo.permutations = 0;
    slo.classify_by = hotspot::Significance::Analytical;
    h.slice_gi.resize(S);
    for (std::size_t s = 0; s < S; ++s)
      if (has_spread(h.slice_counts[s])) h.slice_gi[s] = hotspot::gi_star(ws, h.slice_counts[s], slo);
  }
  if (V >= 3 && has_spread(h.stop_counts)) h.stop_gi = hotspot::gi_star(station_weights(net, o.gistar_bandwidth_m), h.stop_counts, lo);
  log::info("hotspots: public transport: {} on board over {} line stretches, {} at {} stops", h.on_board, E,
            h.at_stop, V);
  return h;
}

EdgeNames edge_names(const transit::System& sys, network::EdgeId e) {
  EdgeNames n;
  const auto& edge = sys.network().edge(e);
  n.from = transit::display_name(sys.stations()[edge.from].name);
  n.to = transit::display_name(sys.stations()[edge.to].name);
  std::set<std::string> lines, modes;
  std::vector<std::string> line_order, mode_order;
  for (const auto s : sys.segments_on(e)) {
    const auto& route = sys.feed().routes[sys.lines()[sys.segments()[s].line].route];
    const std::string label = route.short_name.empty() ? route.id : route.short_name;
    if (lines.insert(label).second) line_order.push_back(label);
    const std::string mode = gtfs::swedish_name(route.mode);
    if (modes.insert(mode).second) mode_order.push_back(mode);
  }
  for (const auto& l : line_order) n.lines += (n.lines.empty() ? "" : ", ") + l;
  for (const auto& m : mode_order) n.mode += (n.mode.empty() ? "" : ", ") + m;
  return n;
}

void add_transit_hotspot_layers(io::VectorWriter& w, const transit::System& sys, const TransitHotspots& h,
                                const std::string& lang) {
  if (!h.run) return;
  using io::FieldType;
  auto opt = [](double v) { return std::isfinite(v) ? io::FieldValue(v) : io::FieldValue(); };
  const bool sv = lang != "en";
  const auto& net = sys.network();
  const std::size_t E = net.edge_count();
  std::vector<EdgeNames> names;
  for (std::size_t e = 0; e < E; ++e) names.push_back(edge_names(sys, static_cast<network::EdgeId>(e)));
  auto stretch_name = [&](std::size_t e) { return names[e].from + " – " + names[e].to; };
  // Density per edge: the highest lixel's, per km.
  std::vector<double> peak(E, 0.0);
  for (std::size_t l = 0; l < h.lixels.size() && l < h.density.values.size(); ++l)
    peak[h.lixels[l].edge] = std::max(peak[h.lixels[l].edge], 1000.0 * h.density.values[l]);

  auto& sl = w.add_layer(kTransitSegmentHotspotsLayer, io::GeometryKind::Line,
                         {{"edge_id", FieldType::Int64},       {"name", FieldType::String},
                          {"from_stop", FieldType::String},    {"to_stop", FieldType::String},
                          {"lines", FieldType::String},        {"mode", FieldType::String},
                          {"length_m", FieldType::Real},       {"count", FieldType::Real},
                          {"density_peak_per_km", FieldType::Real},
                          {"z", FieldType::Real},              {"p_norm", FieldType::Real},
                          {"p_sim", FieldType::Real},          {"p_fdr", FieldType::Real},
                          {"confidence", FieldType::Int64},    {"hot_cold", FieldType::Int64},
                          {"class", FieldType::String},        {"hot_slices", FieldType::String}});
  for (std::size_t e = 0; e < E; ++e) {
    std::string hot_slices;
    for (std::size_t s = 0; s < h.slice_gi.size(); ++s)
      if (!h.slice_gi[s].stats.empty() && h.slice_gi[s].stats[e].hot_cold > 0)
        hot_slices += (hot_slices.empty() ? "" : ", ") + slice_label(s, sv);
    const auto& edge = net.edge(static_cast<network::EdgeId>(e));
    if (h.gi_ok()) {
      const auto& s = h.segment_gi.stats[e];
      sl.add({e, stretch_name(e), names[e].from, names[e].to, names[e].lines, names[e].mode, edge.length,
              h.segment_counts[e], peak[e], opt(s.z), opt(s.p_norm), opt(s.p_sim), opt(s.p_fdr), s.confidence,
              s.hot_cold, hotspot::class_label(s, false), hot_slices},
             edge.geometry);
    } else {
      sl.add({e, stretch_name(e), names[e].from, names[e].to, names[e].lines, names[e].mode, edge.length,
              h.segment_counts[e], peak[e], io::FieldValue(), io::FieldValue(), io::FieldValue(), io::FieldValue(),
              0, 0, std::string("none"), hot_slices},
             edge.geometry);
    }
  }

  auto& st = w.add_layer(kTransitStopHotspotsLayer, io::GeometryKind::Point,
                         {{"station_id", FieldType::Int64}, {"stop_id", FieldType::String},
                          {"name", FieldType::String},      {"count", FieldType::Real},
                          {"z", FieldType::Real},           {"p_norm", FieldType::Real},
                          {"p_sim", FieldType::Real},       {"p_fdr", FieldType::Real},
                          {"confidence", FieldType::Int64}, {"hot_cold", FieldType::Int64},
                          {"class", FieldType::String}});
  for (std::size_t v = 0; v < sys.stations().size(); ++v) {
    const auto& stn = sys.stations()[v];
    const std::string stop_id = stn.stop != transit::kNone ? sys.feed().stops[stn.stop].id : std::string();
    if (!h.stop_gi.stats.empty()) {
      const auto& s = h.stop_gi.stats[v];
      st.add({v, stop_id, stn.name, h.stop_counts[v], opt(s.z), opt(s.p_norm), opt(s.p_sim), opt(s.p_fdr),
              s.confidence, s.hot_cold, hotspot::class_label(s, false)},
             stn.pos);
    } else {
      st.add({v, stop_id, stn.name, h.stop_counts[v], io::FieldValue(), io::FieldValue(), io::FieldValue(),
              io::FieldValue(), 0, 0, std::string("none")},
             stn.pos);
    }
  }

  auto& bl = w.add_layer(kTransitSegmentBandsLayer, io::GeometryKind::Line,
                         {{"edge_id", FieldType::Int64},   {"name", FieldType::String},
                          {"lines", FieldType::String},    {"days", FieldType::String},
                          {"band", FieldType::String},     {"slice", FieldType::String},
                          {"count", FieldType::Real},      {"z", FieldType::Real},
                          {"p_norm", FieldType::Real},     {"p_fdr", FieldType::Real},
                          {"hot_cold", FieldType::Int64},  {"class", FieldType::String}});
  for (std::size_t s = 0; s < h.slice_counts.size(); ++s) {
    const bool gi = s < h.slice_gi.size() && !h.slice_gi[s].stats.empty();
    for (std::size_t e = 0; e < E; ++e) {
      const double c = h.slice_counts[s][e];
      const int hc = gi ? h.slice_gi[s].stats[e].hot_cold : 0;
      if (c <= 0 && hc == 0) continue;
      const auto& edge = net.edge(static_cast<network::EdgeId>(e));
      const auto* g = gi ? &h.slice_gi[s].stats[e] : nullptr;
      bl.add({e, stretch_name(e), names[e].lines, kDayGroupDefs[s / situation::kTimeBands].code,
              situation::kTimeBandDefs[s % situation::kTimeBands].code, slice_label(s, sv), c,
              g ? opt(g->z) : io::FieldValue(), g ? opt(g->p_norm) : io::FieldValue(),
              g ? opt(g->p_fdr) : io::FieldValue(), hc, g ? hotspot::class_label(*g, false) : std::string("none")},
             edge.geometry);
    }
  }

  auto& dl = w.add_layer(kTransitDensityLayer, io::GeometryKind::Line,
                         {{"lixel_id", FieldType::Int64}, {"edge_id", FieldType::Int64},
                          {"length_m", FieldType::Real}, {"density_per_km", FieldType::Real}});
  for (std::size_t l = 0; l < h.lixels.size() && l < h.density.values.size(); ++l) {
    const auto& lx = h.lixels[l];
    dl.add({l, lx.edge, lx.length(), 1000.0 * h.density.values[l]}, substring(net.edge(lx.edge).geometry, lx.start, lx.end));
  }
}

}  // namespace tryggve::pipeline
