#include "tryggve/situation/hotspot_stage.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/json_text.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/density/density.hpp"
#include "tryggve/hotspot/emerging.hpp"
#include "tryggve/hotspot/local_stats.hpp"
#include "tryggve/hotspot/units.hpp"
#include "tryggve/hotspot/weights.hpp"
#include "tryggve/io/vector_writer.hpp"
#include "tryggve/pipeline/outputs.hpp"
#include "tryggve/situation/forecast.hpp"

namespace tryggve::situation {

namespace fs = std::filesystem;

void HotspotStageOptions::declare(OptionSet& o) {
  o.choice("density_method", density_method, "Network KDE method", {"heat", "continuous", "discontinuous", "simple"})
      .choice("kernel", kernel, "KDE kernel (equal-split and simple methods; heat is always Gaussian)",
              {"quartic", "epanechnikov", "triweight", "gaussian", "triangular", "uniform"})
      .real("bandwidth_m", bandwidth_m, "KDE bandwidth: sigma (heat, gaussian) or support radius (m)", 1.0, 1e5)
      .flag("severity_weights", severity_weights, "Weight incidents by the taxonomy's severity in the density (default on)")
      .real("gistar_distance_m", gistar_distance_m, "Gi*: network distance band between segment midpoints (m)", 1.0, 1e5)
      .integer("permutations", permutations, "Gi*: conditional permutations for pseudo p-values (0 = analytical)", 0, 99999)
      .choice("gistar_significance", gistar_significance,
              "Gi*: classify hot/cold by the analytical z or the conditional-permutation p", {"analytical", "permutation"})
      .integer("seed", seed, "Random seed for permutations (0 = the default seed, TRYGGVE_SEED)", 0)
      .flag("no_fdr", no_fdr, "Gi*: classify on raw p instead of Benjamini-Hochberg adjusted p")
      .integer("emerging_time_lags", emerging_time_lags, "Emerging hot spots: earlier months in each neighbourhood", 0, 24)
      .real("emerging_alpha", emerging_alpha, "Emerging hot spots: significance of a hot/cold month", 1e-6, 0.5)
      .integer("months", months, "Analyse the latest N months of the data (0 = all)", 0, 1200)
      .choice("level_rule", level_rule, "Situation level 1-5: own_history quantiles or fixed thresholds",
              {"own_history", "fixed"})
      .list("level_thresholds", level_thresholds,
            "Level thresholds (4 ascending): quantile probabilities (own_history, default 0.5,0.75,0.9,0.975) or "
            "severity points per km per month (fixed)")
      .integer("level_history_months", level_history_months, "own_history: months of history the quantiles use", 1, 1200)
      .integer("trend_months", trend_months, "Mann-Kendall trend over the latest N months", 4, 1200)
      .real("place_radius_m", place_radius_m, "Place types (schools, squares ...): incidents within this distance", 0.0, 1e4)
      .list("backtest_coverages_pct", backtest_coverages_pct, "Backtest: hotspot coverages, % of street length")
      .integer("backtest_months", backtest_months, "Backtest: score the latest N months (0 = every month possible)", 0, 1200)
      .integer("backtest_history_months", backtest_history_months, "Backtest: KDE and Gi* use this many previous months",
               1, 1200)
      .flag("no_backtest", no_backtest, "Skip the forecast-accuracy backtest");
}

SituationOptions HotspotStageOptions::situation_options() const {
  SituationOptions s;
  s.months = static_cast<std::size_t>(months);
  s.levels = parse_level_scale(level_rule, level_thresholds, "hotspots.level_thresholds");
  s.levels.history_months = level_history_months;
  s.trend_months = static_cast<std::size_t>(trend_months);
  s.place_radius_m = place_radius_m;
  s.park_distance_m = park_distance_m;
  s.stop_radius_m = stop_radius_m;
  return s;
}

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::uint64_t seed_of(std::int64_t s) { return s == 0 ? default_seed() : static_cast<std::uint64_t>(s); }

density::DensityOptions density_options(const HotspotStageOptions& o) {
  density::DensityOptions d;
  const auto m = density::parse_method(o.density_method);
  const auto k = density::parse_kernel(o.kernel);
  if (!m) throw Error(ErrorCode::BadOption, "hotspots.density_method", fmt::format("unknown method '{}'", o.density_method));
  if (!k) throw Error(ErrorCode::BadOption, "hotspots.kernel", fmt::format("unknown kernel '{}'", o.kernel));
  d.method = *m;
  d.kernel = *k;
  d.bandwidth_m = o.bandwidth_m;
  return d;
}

// Positions and weights of the incidents in months [from, to] (month indices).
struct EventSet {
  std::vector<network::NetworkPosition> pos;
  std::vector<double> w;
};
EventSet events_in(const pipeline::MapResult& map, const std::vector<int>& month_of, int from, int to,
                   bool severity) {
  EventSet e;
  for (std::size_t k = 0; k < map.incidents.size(); ++k) {
    if (month_of[k] < from || month_of[k] > to) continue;
    e.pos.push_back({map.snaps[k].edge, map.snaps[k].offset});
    const auto& inc = map.incidents[k];
    e.w.push_back(inc.weight * (severity ? map.taxonomy[inc.parameter].weight : 1.0));
  }
  return e;
}

std::vector<double> lixel_counts(const pipeline::MapResult& map, const std::vector<int>& month_of, int from, int to) {
  std::vector<double> c(map.lixels.size(), 0.0);
  for (std::size_t k = 0; k < map.incidents.size(); ++k)
    if (month_of[k] >= from && month_of[k] <= to) c[map.lixel_of[k]] += map.incidents[k].weight;
  return c;
}

io::FieldValue opt(double v) { return std::isfinite(v) ? io::FieldValue(v) : io::FieldValue(); }

}  // namespace

nlohmann::json run_hotspot_stage(const pipeline::MapResult& map, const HotspotStageOptions& o, const fs::path& out_dir) {
  const auto t_all = Clock::now();
  const SituationOptions so = o.situation_options();
  const auto coverages = parse_coverages(o.backtest_coverages_pct, "hotspots.backtest_coverages_pct");
  const auto dopt = density_options(o);
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw Error(ErrorCode::OutputFailed, out_dir.string(), "cannot create the folder: " + ec.message());

  // Months of the incidents; those without a time (INT32_MIN) take part in no month.
  std::vector<int> month_of(map.incidents.size(), INT32_MIN);
  int first = INT32_MAX, last = INT32_MIN;
  for (std::size_t k = 0; k < map.incidents.size(); ++k) {
    if (!map.incidents[k].has_time) continue;
    month_of[k] = month_index(map.incidents[k].time);
    first = std::min(first, month_of[k]);
    last = std::max(last, month_of[k]);
  }
  if (first > last)
    throw Error(ErrorCode::NoData, map.incidents_file.empty() ? "hotspots" : map.incidents_file,
                "no placed incident has a time: nothing to analyse by month");
  const int a0 = o.months > 0 ? std::max(first, last - o.months + 1) : first;  // first analysed month
  const std::size_t n_months = static_cast<std::size_t>(last - a0 + 1);

  nlohmann::json summary;
  summary["months"] = {{"first", month_label(a0)}, {"last", month_label(last)}, {"count", n_months}};

  // Density, all analysed months and the latest.
  auto t0 = Clock::now();
  const auto ev_all = events_in(map, month_of, a0, last, o.severity_weights);
  const auto ev_last = events_in(map, month_of, last, last, o.severity_weights);
  const auto dens_all = density::estimate(map.net, map.lixels, ev_all.pos, ev_all.w, dopt);
  const auto dens_last = density::estimate(map.net, map.lixels, ev_last.pos, ev_last.w, dopt);
  summary["density"] = {{"method", density::method_name(dopt.method)},
                        {"kernel", o.kernel},
                        {"bandwidth_used_m", dens_all.bandwidth_used},
                        {"severity_weighted", o.severity_weights},
                        {"events", ev_all.pos.size()},
                        {"events_latest_month", ev_last.pos.size()}};
  log::info("hotspots: density on {} lixels ({:.2f} s)", map.lixels.size(), seconds_since(t0));

  // Gi* per segment on the analysed months' counts.
  t0 = Clock::now();
  const auto segs = hotspot::SpatialUnits::segments(map.net);
  hotspot::WeightsOptions wo;
  wo.scheme = hotspot::WeightScheme::DistanceBand;
  wo.max_distance_m = o.gistar_distance_m;
  wo.self = hotspot::SelfWeight::Include;
  const auto wseg = hotspot::build_weights(map.net, segs, wo);
  std::vector<network::NetworkPosition> pos_a;
  std::vector<Timestamp> times_a;
  for (std::size_t k = 0; k < map.incidents.size(); ++k)
    if (month_of[k] >= a0) {
      pos_a.push_back({map.snaps[k].edge, map.snaps[k].offset});
      times_a.push_back(map.incidents[k].time);
    }
  std::vector<double> seg_count(segs.size(), 0.0);
  for (std::size_t k = 0; k < map.incidents.size(); ++k)
    if (month_of[k] >= a0) seg_count[map.snaps[k].edge] += map.incidents[k].weight;
  hotspot::LocalOptions lo;
  lo.permutations = static_cast<std::size_t>(o.permutations);
  lo.seed = seed_of(o.seed);
  lo.fdr = !o.no_fdr;
  lo.classify_by = o.permutations > 0 && o.gistar_significance == "permutation" ? hotspot::Significance::Permutation
                                                                                 : hotspot::Significance::Analytical;
  hotspot::LocalResult gi;
  const bool gi_ok = segs.size() >= 3;
  if (gi_ok) gi = hotspot::gi_star(wseg, seg_count, lo);
  {
    std::size_t hot = 0, cold = 0;
    for (const auto& s : gi.stats) hot += s.hot_cold > 0, cold += s.hot_cold < 0;
    summary["gistar"] = {{"unit", "segment"},        {"distance_m", o.gistar_distance_m},
                         {"permutations", lo.permutations}, {"fdr", lo.fdr},
                         {"classified_by", std::string(hotspot::to_string(lo.classify_by))},
                         {"seed", lo.seed},          {"hot", hot},
                         {"cold", cold},             {"mean_neighbours", wseg.mean_cardinality()}};
  }
  log::info("hotspots: Gi* on {} segments ({:.2f} s)", segs.size(), seconds_since(t0));

  // Emerging hot spots per segment.
  t0 = Clock::now();
  std::vector<int> bins_a;
  for (const auto& t : times_a) bins_a.push_back(month_index(t));
  const auto cube = hotspot::bin_counts(segs, pos_a, bins_a, a0, n_months);
  hotspot::EmergingOptions eo;
  eo.time_lags = static_cast<std::size_t>(o.emerging_time_lags);
  eo.alpha = o.emerging_alpha;
  eo.seed = seed_of(o.seed);
  hotspot::EmergingResult em;
  const bool em_ok = segs.size() >= 3 && n_months >= 2;
  if (em_ok) {
    em = hotspot::emerging_hotspots(wseg, cube, eo);
    nlohmann::json cc = nlohmann::json::object();
    for (int c = 0; c < hotspot::kEmergingClassCount; ++c)
      if (em.class_counts[c] > 0) cc[std::string(hotspot::to_string(static_cast<hotspot::EmergingClass>(c)))] = em.class_counts[c];
    summary["emerging"] = {{"time_lags", eo.time_lags}, {"alpha", eo.alpha}, {"classes", cc}};
  }
  log::info("hotspots: emerging hot spots over {} months ({:.2f} s)", n_months, seconds_since(t0));

  // Situation picture.
  t0 = Clock::now();
  const SituationPicture sit = compute_situation(map, so);
  log::info("hotspots: situation picture, {} units x {} months ({:.2f} s)", sit.units.size(), sit.months.size(),
            seconds_since(t0));

  // Backtest on lixels.
  t0 = Clock::now();
  std::vector<BacktestRow> bt;
  if (!o.no_backtest) {
    const int K = o.backtest_history_months;
    std::vector<double> measure(map.lixels.size());
    for (std::size_t l = 0; l < measure.size(); ++l) measure[l] = std::max(map.lixels[l].length(), 1e-9);
    density::DensityOptions kd = dopt;
    const int t_first = o.backtest_months > 0 ? std::max(first + 1, last - o.backtest_months + 1) : first + 1;
    hotspot::LocalOptions zl;
    zl.permutations = 0;
    zl.fdr = false;
    zl.classify_by = hotspot::Significance::Analytical;
    for (int t = t_first; t <= last; ++t) {
      const auto outcome = lixel_counts(map, month_of, t, t);
      std::vector<double> recent(segs.size(), 0.0);
      for (std::size_t k = 0; k < map.incidents.size(); ++k)
        if (month_of[k] >= t - K && month_of[k] <= t - 1) recent[map.snaps[k].edge] += map.incidents[k].weight;
      std::vector<std::pair<std::string, std::vector<double>>> risks;
      {
        const auto ev = events_in(map, month_of, t - K, t - 1, false);
        risks.emplace_back("kde", ev.pos.empty() ? std::vector<double>(measure.size(), 0.0)
                                                 : density::estimate(map.net, map.lixels, ev.pos, ev.w, kd).values);
      }
      {
        // Gi* on segments (the stage's weights), each lixel taking its segment's z:
        // lixel-level distance weights would cost ~100 neighbours per 20 m lixel.
        std::vector<double> z(measure.size(), 0.0);
        if (gi_ok && *std::max_element(recent.begin(), recent.end()) > 0) {
          const auto r = hotspot::gi_star(wseg, recent, zl);
          for (std::size_t l = 0; l < z.size(); ++l) {
            const double v = r.stats[map.lixels[l].edge].z;
            z[l] = std::isfinite(v) ? v : 0.0;
          }
        }
        risks.emplace_back("gistar", std::move(z));
      }
      risks.emplace_back("last_month", lixel_counts(map, month_of, t - 1, t - 1));
      risks.emplace_back("all_history", lixel_counts(map, month_of, first, t - 1));
      for (const auto& [name, risk] : risks)
        for (const auto& sc : score_forecast(risk, measure, outcome, coverages))
          bt.push_back({month_label(t), name, sc});
    }
    nlohmann::json bs = nlohmann::json::array();
    for (const auto& s : summarise_backtest(bt))
      bs.push_back({{"method", s.method},
                    {"coverage", s.coverage},
                    {"months", s.months},
                    {"mean_hit_rate", std::isfinite(s.mean_hit_rate) ? nlohmann::json(s.mean_hit_rate) : nlohmann::json()},
                    {"mean_pai", std::isfinite(s.mean_pai) ? nlohmann::json(s.mean_pai) : nlohmann::json()},
                    {"mean_pei", std::isfinite(s.mean_pei) ? nlohmann::json(s.mean_pei) : nlohmann::json()}});
    summary["backtest"] = {{"unit", "lixel"}, {"measure", "street length"}, {"history_months", K},
                           {"scored_months", std::max(0, last - t_first + 1)}, {"methods", bs}};
    log::info("hotspots: backtest over {} months ({:.2f} s)", std::max(0, last - t_first + 1), seconds_since(t0));
  }

  // hotspots.gpkg.
  t0 = Clock::now();
  using io::FieldType;
  io::VectorWriter w(out_dir / outputs::kHotspotsGpkg, map.crs);
  auto& dl = w.add_layer(outputs::kDensityLayer, io::GeometryKind::Line,
                         {{"lixel_id", FieldType::Int64},
                          {"edge_id", FieldType::Int64},
                          {"length_m", FieldType::Real},
                          {"density_all", FieldType::Real},
                          {"density_latest", FieldType::Real},
                          {"density_all_per_km", FieldType::Real},
                          {"density_latest_per_km", FieldType::Real},
                          {"months", FieldType::String},
                          {"latest_month", FieldType::String}});
  const std::string months_text = month_label(a0) + ".." + month_label(last);
  for (std::size_t l = 0; l < map.lixels.size(); ++l) {
    const auto& lx = map.lixels[l];
    dl.add({l, lx.edge, lx.length(), dens_all.values[l], dens_last.values[l], 1000.0 * dens_all.values[l],
            1000.0 * dens_last.values[l], months_text, month_label(last)},
           substring(map.net.edge(lx.edge).geometry, lx.start, lx.end));
  }
  auto& gl = w.add_layer(outputs::kGiStarLayer, io::GeometryKind::Line,
                         {{"edge_id", FieldType::Int64},     {"name", FieldType::String},
                          {"length_m", FieldType::Real},     {"count", FieldType::Real},
                          {"z", FieldType::Real},            {"p_norm", FieldType::Real},
                          {"p_sim", FieldType::Real},        {"p_fdr", FieldType::Real},
                          {"confidence", FieldType::Int64},  {"hot_cold", FieldType::Int64},
                          {"class", FieldType::String},      {"neighbours", FieldType::Int64}});
  if (gi_ok)
    for (std::size_t e = 0; e < segs.size(); ++e) {
      const auto& s = gi.stats[e];
      const auto& edge = map.net.edge(static_cast<network::EdgeId>(e));
      gl.add({e, edge.name, edge.length, s.value, opt(s.z), opt(s.p_norm), opt(s.p_sim), opt(s.p_fdr), s.confidence,
              s.hot_cold, hotspot::class_label(s, false), wseg.cardinality(e)},
             edge.geometry);
    }
  auto& el = w.add_layer(outputs::kEmergingLayer, io::GeometryKind::Line,
                         {{"edge_id", FieldType::Int64},    {"class", FieldType::String},
                          {"trend_tau", FieldType::Real},   {"trend_p", FieldType::Real},
                          {"z_latest", FieldType::Real},    {"p_latest", FieldType::Real},
                          {"hot_months", FieldType::Int64}, {"cold_months", FieldType::Int64},
                          {"months", FieldType::String}});
  if (em_ok)
    for (std::size_t e = 0; e < segs.size(); ++e) {
      const auto& L = em.locations[e];
      std::size_t hot = 0, cold = 0;
      for (std::size_t t = 0; t < L.z.size(); ++t) {
        hot += L.p[t] <= eo.alpha && L.z[t] > 0;
        cold += L.p[t] <= eo.alpha && L.z[t] < 0;
      }
      el.add({e, hotspot::to_string(L.cls), opt(L.trend.tau), opt(L.trend.p), opt(L.z.back()), opt(L.p.back()), hot,
              cold, months_text},
             map.net.edge(static_cast<network::EdgeId>(e)).geometry);
    }
  if (!map.areas.empty() || !sit.units.empty()) add_situation_layers(w, sit, map);
  auto& bl = w.add_layer(kBacktestTable, io::GeometryKind::None,
                         {{"month", FieldType::String},  {"method", FieldType::String}, {"coverage", FieldType::Real},
                          {"units", FieldType::Int64},    {"measure_share", FieldType::Real},
                          {"hits", FieldType::Real},      {"total", FieldType::Real},   {"hit_rate", FieldType::Real},
                          {"pai", FieldType::Real},       {"pei", FieldType::Real}});
  for (const auto& r : bt)
    bl.add({r.month, r.method, r.score.coverage, r.score.units, r.score.measure_share, r.score.hits, r.score.total,
            r.score.hit_rate, opt(r.score.pai), opt(r.score.pei)});
  w.commit();

  write_situation_csv(sit, out_dir / outputs::kSituationCsv);
  write_text_atomically(out_dir / outputs::kSituationJson, json_text(situation_json(sit)) + "\n");
  if (!o.no_backtest) write_backtest_csv(bt, (out_dir / outputs::kBacktestCsv).string());
  log::info("hotspots: wrote {} ({:.2f} s)", out_dir.string(), seconds_since(t0));

  // The latest month per area, highest score first.
  nlohmann::json latest = nlohmann::json::array();
  {
    std::vector<std::size_t> order;
    for (std::size_t u = 0; u < sit.units.size(); ++u) order.push_back(u);
    const std::size_t lm = sit.months.size() - 1, all = sit.all_index();
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return sit.at(lm, a, all).score > sit.at(lm, b, all).score; });
    for (const auto u : order) {
      const auto& c = sit.at(lm, u, all);
      latest.push_back({{"kind", sit.units[u].kind}, {"id", sit.units[u].id}, {"name", sit.units[u].name},
                        {"count", c.count}, {"score", c.score}, {"level", c.level},
                        {"trend", std::string(to_string(c.trend))}});
    }
  }
  summary["situation"] = {{"latest_month", month_label(last)}, {"units", latest}, {"without_time", sit.without_time}};
  summary["outputs"] = {outputs::kHotspotsGpkg, outputs::kSituationJson, outputs::kSituationCsv};
  if (!o.no_backtest) summary["outputs"].push_back(outputs::kBacktestCsv);
  summary["seconds"] = seconds_since(t_all);
  return summary;
}

}  // namespace tryggve::situation
