#include "tryggve/pipeline/hotspots_stage.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <span>

#include <fmt/format.h>

#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/json_text.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/core/rng.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/forecast/etas.hpp"
#include "tryggve/forecast/methods.hpp"
#include "tryggve/hotspot/units.hpp"
#include "tryggve/io/vector_writer.hpp"
#include "model_outputs.hpp"
#include "tryggve/planning/terrain.hpp"

namespace tryggve::pipeline {

using namespace situation;

void HotspotStageOptions::declare(OptionSet& o) {
  o.choice("density_method", density_method, "Network KDE method", {"heat", "continuous", "discontinuous", "simple"})
      .choice("kernel", kernel, "KDE kernel (equal-split and simple methods; heat is always Gaussian)",
              {"quartic", "epanechnikov", "triweight", "gaussian", "triangular", "uniform"})
      .real("bandwidth_m", bandwidth_m, "KDE bandwidth: sigma (heat, gaussian) or support radius (m)", 1.0, 1e5)
      .flag("severity_weights", severity_weights, "Weight incidents by the taxonomy's severity in the density (default on)")
      .real("gistar_distance_m", gistar_distance_m, "Gi*: network distance band between segment midpoints (m)", 1.0, 1e5)
      .real("transit_gistar_bandwidth_m", transit_gistar_bandwidth_m,
            "Gi* along public-transport lines: quartic kernel bandwidth, network distance between stretch midpoints (m)",
            10.0, 1e5)
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
      .flag("no_backtest", no_backtest, "Skip the forecast-accuracy backtest")
      .integer("forecast_cv_months", forecast_cv_months,
               "Backtest: months before each scored month the mixture's weights are cross-validated on", 1, 120)
      .flag("no_forecast_model", no_forecast_model,
            "Backtest: leave out the self-exciting model's forecast (etas; its monthly fits are most of the time)")
      .real("forecast_cutoff_m", forecast_cutoff_m,
            "Backtest: network distance within which lixels are neighbours (near repeats, smoothing)", 20.0, 1e4)
      .real("backtest_lixel_length_m", backtest_lixel_length_m,
            "Backtest: the length of its lixels (0 = the map's; longer ones when those would take more than "
            "backtest_memory_mb)",
            0.0, 1e4)
      .integer("backtest_memory_mb", backtest_memory_mb,
               "Backtest: the most its lixels' neighbour lists may take (MB), estimated before they are made (while "
               "they are made, one block of ~40 MB more)",
               1,
               1 << 20);
}

SituationOptions HotspotStageOptions::situation_options(const snap::PlaceTagOptions& tags) const {
  SituationOptions s;
  s.months = static_cast<std::size_t>(months);
  s.levels = parse_level_scale(level_rule, level_thresholds, "hotspots.level_thresholds");
  s.levels.history_months = level_history_months;
  s.trend_months = static_cast<std::size_t>(trend_months);
  s.place_radius_m = place_radius_m;
  s.park_distance_m = tags.park_distance_m;
  s.stop_radius_m = tags.stop_radius_m;
  return s;
}

void HotspotStageOptions::check() const {
  (void)situation_options();
  if (backtest_lixel_length_m != 0.0 && backtest_lixel_length_m < 1.0)
    throw Error(ErrorCode::BadOption, "hotspots.backtest_lixel_length_m",
                fmt::format("{:g} m: 0 (the map's lixels) or at least 1 m", backtest_lixel_length_m));
  (void)parse_coverages(backtest_coverages_pct, "hotspots.backtest_coverages_pct");
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
EventSet events_in(const MapResult& map, const std::vector<int>& month_of, int from, int to,
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

std::vector<double> lixel_counts(const MapResult& map, std::span<const network::LixelId> lixel_of, std::size_t lixels,
                                 const std::vector<int>& month_of, int from, int to) {
  std::vector<double> c(lixels, 0.0);
  for (std::size_t k = 0; k < map.incidents.size(); ++k)
    if (month_of[k] >= from && month_of[k] <= to) c[lixel_of[k]] += map.incidents[k].weight;
  return c;
}

// The backtest's units (HotspotStageOptions::backtest_lixel_length_m): nullopt for
// the map's lixels, else longer ones, each step at least 1.25x longer, until their
// neighbour lists within `cutoff` are estimated to fit in the budget.
std::optional<network::Lixelization> backtest_lixels(const MapResult& map, const HotspotStageOptions& o, double cutoff) {
  const double budget = static_cast<double>(o.backtest_memory_mb) * 1048576.0;
  auto bytes = [&](const network::Lixelization& lix) {
    return simulation::CellNetwork::list_bytes_estimate(map.net, lix, cutoff);
  };
  auto too_big = [&](const network::Lixelization& lix, double need, const char* hint) {
    return Error(ErrorCode::BadOption, "hotspots.backtest_memory_mb",
                 fmt::format("the backtest's neighbour lists on {} lixels of {:g} m within {:g} m would take about "
                             "{:.0f} MB, over {} MB: {}",
                             lix.size(), lix.target_length(), cutoff, need / 1048576.0, o.backtest_memory_mb, hint));
  };
  if (o.backtest_lixel_length_m > 0) {
    network::Lixelization own(map.net, o.backtest_lixel_length_m);
    if (const double need = bytes(own); need > budget)
      throw too_big(own, need, "raise it, set a longer backtest_lixel_length_m or a shorter forecast_cutoff_m");
    return own;
  }
  double need = bytes(map.lixels);
  if (need <= budget) return std::nullopt;
  const double asked = map.lixels.target_length(), asked_need = need;
  std::optional<network::Lixelization> own;
  double len = asked;
  // Lists shrink about with the square of the length (fewer cells, each with fewer
  // neighbours) until a lixel is a whole street segment.
  for (int step = 0; need > budget; ++step) {
    if (step == 12 || len > cutoff) throw too_big(own ? *own : map.lixels, need, "raise it, set a shorter forecast_cutoff_m, or use --no-backtest");
    len = std::ceil(len * std::max(1.25, std::sqrt(need / budget)));
    own.emplace(map.net, len);
    need = bytes(*own);
  }
  log::warn("hotspots: the backtest's neighbour lists on the map's {} lixels of {:g} m would take about {:.0f} MB, over "
            "backtest_memory_mb ({}): it runs on {} lixels of {:g} m (about {:.0f} MB)",
            map.lixels.size(), asked, asked_need / 1048576.0, o.backtest_memory_mb, own->size(), len,
            need / 1048576.0);
  return own;
}

io::FieldValue opt(double v) { return std::isfinite(v) ? io::FieldValue(v) : io::FieldValue(); }

}  // namespace

HotspotsResult run_hotspots(const MapResult& map, const HotspotStageOptions& o) {
  const auto t_all = Clock::now();
  const SituationOptions so = o.situation_options(map.tag_options);
  const auto coverages = parse_coverages(o.backtest_coverages_pct, "hotspots.backtest_coverages_pct");
  const auto dopt = density_options(o);
  HotspotsResult res;

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
  res.first_month = first;
  res.last_month = last;
  res.analysed_from = a0;

  nlohmann::json& summary = res.summary;
  summary["months"] = {{"first", month_label(a0)}, {"last", month_label(last)}, {"count", n_months}};

  // Density, all analysed months and the latest.
  auto t0 = Clock::now();
  const auto ev_all = events_in(map, month_of, a0, last, o.severity_weights);
  const auto ev_last = events_in(map, month_of, last, last, o.severity_weights);
  res.density_all = density::estimate(map.net, map.lixels, ev_all.pos, ev_all.w, dopt);
  res.density_latest = density::estimate(map.net, map.lixels, ev_last.pos, ev_last.w, dopt);
  const auto& dens_all = res.density_all;
  summary["density"] = {{"method", density::method_name(dopt.method)},
                        {"kernel", o.kernel},
                        {"bandwidth_used_m", dens_all.bandwidth_used},
                        {"severity_weighted", o.severity_weights},
                        {"events", ev_all.pos.size()},
                        {"events_latest_month", ev_last.pos.size()}};
  log::info("hotspots: density on {} lixels ({:.2f} s)", map.lixels.size(), seconds_since(t0));

  // Gi* per segment on the analysed months' counts.
  t0 = Clock::now();
  res.segments = hotspot::SpatialUnits::segments(map.net);
  const auto& segs = res.segments;
  hotspot::WeightsOptions wo;
  wo.scheme = hotspot::WeightScheme::DistanceBand;
  wo.max_distance_m = o.gistar_distance_m;
  wo.self = hotspot::SelfWeight::Include;
  res.segment_weights = hotspot::build_weights(map.net, segs, wo);
  const auto& wseg = res.segment_weights;
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
  res.gistar_ok = segs.size() >= 3;
  const bool gi_ok = res.gistar_ok;
  hotspot::LocalResult& gi = res.gistar;
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

  // Along public-transport lines: the same density and Gi* on the line network.
  if (map.transit_system) {
    t0 = Clock::now();
    TransitHotspotOptions to;
    to.density = dopt;
    to.severity_weights = o.severity_weights;
    to.local = lo;
    to.gistar_bandwidth_m = o.transit_gistar_bandwidth_m;
    to.from_month = a0;
    res.transit = transit_hotspots(map, map.transit_system.get(), to);
    if (res.transit.run) {
      std::size_t hot = 0, stops_hot = 0, slices_hot = 0;
      for (const auto& s : res.transit.segment_gi.stats) hot += s.hot_cold > 0;
      for (const auto& s : res.transit.stop_gi.stats) stops_hot += s.hot_cold > 0;
      for (const auto& g : res.transit.slice_gi)
        for (const auto& s : g.stats) slices_hot += s.hot_cold > 0;
      summary["transit"] = {{"on_board", res.transit.on_board},     {"at_stop", res.transit.at_stop},
                            {"stretches", res.transit.segment_counts.size()},
                            {"stops", res.transit.stop_counts.size()}, {"hot_stretches", hot},
                            {"hot_stops", stops_hot},               {"hot_stretch_slices", slices_hot},
                            {"weights", "quartic kernel"},          {"bandwidth_m", o.transit_gistar_bandwidth_m},
                            {"slices", slice_count()},
                            {"unplaced_pieces", res.transit.unplaced_pieces}};
      log::info("hotspots: {} hot line stretches, {} hot stops ({:.2f} s)", hot, stops_hot, seconds_since(t0));
    }
  }

  // Emerging hot spots per segment.
  t0 = Clock::now();
  std::vector<int> bins_a;
  for (const auto& t : times_a) bins_a.push_back(month_index(t));
  const auto cube = hotspot::bin_counts(segs, pos_a, bins_a, a0, n_months);
  hotspot::EmergingOptions eo;
  eo.time_lags = static_cast<std::size_t>(o.emerging_time_lags);
  eo.alpha = o.emerging_alpha;
  eo.seed = seed_of(o.seed);
  res.emerging_alpha = eo.alpha;
  res.emerging_ok = segs.size() >= 3 && n_months >= 2;
  if (res.emerging_ok) {
    res.emerging = hotspot::emerging_hotspots(wseg, cube, eo);
    const auto& em = res.emerging;
    nlohmann::json cc = nlohmann::json::object();
    for (int c = 0; c < hotspot::kEmergingClassCount; ++c)
      if (em.class_counts[c] > 0) cc[std::string(hotspot::to_string(static_cast<hotspot::EmergingClass>(c)))] = em.class_counts[c];
    summary["emerging"] = {{"time_lags", eo.time_lags}, {"alpha", eo.alpha}, {"classes", cc}};
  }
  log::info("hotspots: emerging hot spots over {} months ({:.2f} s)", n_months, seconds_since(t0));

  // Situation picture.
  t0 = Clock::now();
  res.situation = compute_situation(map, so);
  const SituationPicture& sit = res.situation;
  log::info("hotspots: situation picture, {} units x {} months ({:.2f} s)", sit.units.size(), sit.months.size(),
            seconds_since(t0));

  // Backtest on lixels.
  t0 = Clock::now();
  std::vector<BacktestRow>& bt = res.backtest;
  res.backtest_run = !o.no_backtest;
  if (!o.no_backtest) {
    const int K = o.backtest_history_months;
    forecast::MixtureOptions mo;
    mo.cv_months = o.forecast_cv_months;
    const double cutoff = std::max(o.forecast_cutoff_m, mo.needed_cutoff_m());
    // Its units: the map's lixels, or longer ones whose neighbour lists fit the budget.
    const std::optional<network::Lixelization> own = backtest_lixels(map, o, cutoff);
    const network::Lixelization& lixels = own ? *own : map.lixels;
    std::vector<network::LixelId> own_lixel_of;
    if (own)
      for (const auto& s : map.snaps) own_lixel_of.push_back(own->lixel_at(s.edge, s.offset));
    const std::span<const network::LixelId> lixel_of = own ? own_lixel_of : map.lixel_of;
    std::vector<double> measure(lixels.size());
    for (std::size_t l = 0; l < measure.size(); ++l) measure[l] = std::max(lixels[l].length(), 1e-9);
    density::DensityOptions kd = dopt;
    const int t_first = o.backtest_months > 0 ? std::max(first + 1, last - o.backtest_months + 1) : first + 1;
    hotspot::LocalOptions zl;
    zl.permutations = 0;
    zl.fdr = false;
    zl.classify_by = hotspot::Significance::Analytical;
    // The forecast module's view of the district: lixels with their neighbours
    // along the network, the incidents by month, what the map knows of each lixel.
    const simulation::CellNetwork cells(map.net, lixels, cutoff);
    const forecast::History history(forecast::events_from_incidents(map.incidents, lixel_of, map.taxonomy),
                                    cells.size(), map.taxonomy.size());
    std::unique_ptr<forecast::SelfExcitingForecast> model;
    if (!o.no_forecast_model) {
      simulation::Place place;
      if (const auto c = map.centre_lon_lat()) place = {c->y, c->x};
      else log::warn("hotspots: no CRS to find the sun from; the model's darkness is at {:.2f} N, {:.2f} E", place.lat_deg, place.lon_deg);
      auto fit = forecast::SelfExcitingForecast::default_fit();
      fit.near_repeat.seed = seed_of(o.seed);
      model = std::make_unique<forecast::SelfExcitingForecast>(cells, history, simulation::traits_from_taxonomy(map.taxonomy),
                                                               place, TimeZone::from_name(map.timezone), fit, last + 1);
    }
    forecast::Forecaster fc(cells, history, planning::risk_terrain(cells, map.parks, map.stops, map.lamps, map.places),
                            model.get(), mo);
    std::vector<forecast::Method> methods{
        {"kde",
         [&](int t) {
           const auto ev = events_in(map, month_of, t - K, t - 1, false);
           return ev.pos.empty() ? std::vector<double>(measure.size(), 0.0)
                                 : density::estimate(map.net, lixels, ev.pos, ev.w, kd).values;
         }},
        {"gistar",
         [&](int t) {
           // Gi* on segments (the stage's weights), each lixel taking its segment's z:
           // lixel-level distance weights would cost ~100 neighbours per 20 m lixel.
           std::vector<double> recent(segs.size(), 0.0);
           for (std::size_t k = 0; k < map.incidents.size(); ++k)
             if (month_of[k] >= t - K && month_of[k] <= t - 1) recent[map.snaps[k].edge] += map.incidents[k].weight;
           std::vector<double> z(measure.size(), 0.0);
           if (gi_ok && *std::max_element(recent.begin(), recent.end()) > 0) {
             const auto r = hotspot::gi_star(wseg, recent, zl);
             for (std::size_t l = 0; l < z.size(); ++l) {
               const double v = r.stats[lixels[l].edge].z;
               z[l] = std::isfinite(v) ? v : 0.0;
             }
           }
           return z;
         }},
        {forecast::kLastMonth, [&](int t) { return lixel_counts(map, lixel_of, lixels.size(), month_of, t - 1, t - 1); }},
        {forecast::kAllHistory, [&](int t) { return lixel_counts(map, lixel_of, lixels.size(), month_of, first, t - 1); }}};
    std::vector<forecast::MixtureChoice> choices;
    for (auto& m : forecast::forecast_methods(fc, true, choices)) methods.push_back(std::move(m));
    if (t_first <= last) bt = forecast::rolling_backtest(history, measure, methods, t_first, last, coverages);
    // The model's backtest on the same months: their forecasts are cached by now (the fits
    // are not: a month keeps only its forecast and log-likelihood).
    if (model && t_first <= last)
      res.model_backtest = forecast::model_backtest(*model, history, measure, t_first, last, forecast::kModelBacktestCoverages);
    nlohmann::json bs = forecast::backtest_summary(bt, choices);
    bs["unit"] = "lixel";
    bs["lixel_length_m"] = lixels.target_length();
    bs["measure"] = "street length";
    bs["history_months"] = K;
    bs["scored_months"] = std::max(0, last - t_first + 1);
    bs["cv_months"] = o.forecast_cv_months;
    bs["self_exciting_model"] = !o.no_forecast_model;
    summary["backtest"] = bs;
    if (!res.model_backtest.empty()) summary["model_backtest"] = forecast::model_backtest_json(res.model_backtest);
    log::info("hotspots: backtest over {} months ({:.2f} s)", std::max(0, last - t_first + 1), seconds_since(t0));
  }

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
  summary["seconds"] = seconds_since(t_all);
  return res;
}


void write_hotspots(const RunFolder& folder, const MapResult& map, HotspotsResult& res) {
  // hotspots.gpkg.
  const auto t0 = Clock::now();
  folder.create();
  const auto& segs = res.segments;
  const auto& wseg = res.segment_weights;
  const auto& gi = res.gistar;
  const auto& em = res.emerging;
  const auto& sit = res.situation;
  const auto& bt = res.backtest;
  const int a0 = res.analysed_from, last = res.last_month;
  using io::FieldType;
  io::VectorWriter w(folder.file(outputs::kHotspotsGpkg), map.crs, {.lang = folder.lang()});
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
    dl.add({l, lx.edge, lx.length(), res.density_all.values[l], res.density_latest.values[l],
            1000.0 * res.density_all.values[l], 1000.0 * res.density_latest.values[l], months_text, month_label(last)},
           substring(map.net.edge(lx.edge).geometry, lx.start, lx.end));
  }
  auto& gl = w.add_layer(outputs::kGiStarLayer, io::GeometryKind::Line,
                         {{"edge_id", FieldType::Int64},     {"name", FieldType::String},
                          {"length_m", FieldType::Real},     {"count", FieldType::Real},
                          {"z", FieldType::Real},            {"p_norm", FieldType::Real},
                          {"p_sim", FieldType::Real},        {"p_fdr", FieldType::Real},
                          {"confidence", FieldType::Int64},  {"hot_cold", FieldType::Int64},
                          {"class", FieldType::String},      {"neighbours", FieldType::Int64}});
  if (res.gistar_ok)
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
  if (res.emerging_ok)
    for (std::size_t e = 0; e < segs.size(); ++e) {
      const auto& L = em.locations[e];
      std::size_t hot = 0, cold = 0;
      for (std::size_t t = 0; t < L.z.size(); ++t) {
        hot += L.p[t] <= res.emerging_alpha && L.z[t] > 0;
        cold += L.p[t] <= res.emerging_alpha && L.z[t] < 0;
      }
      el.add({e, hotspot::to_string(L.cls), opt(L.trend.tau), opt(L.trend.p), opt(L.z.back()), opt(L.p.back()), hot,
              cold, months_text},
             map.net.edge(static_cast<network::EdgeId>(e)).geometry);
    }
  if (!map.areas.empty() || !sit.units.empty()) add_situation_layers(w, sit, map);
  if (res.transit.run && map.transit_system) add_transit_hotspot_layers(w, *map.transit_system, res.transit, folder.lang());
  auto& bl = w.add_layer(outputs::kBacktestTable, io::GeometryKind::None,
                         {{"month", FieldType::String},  {"method", FieldType::String}, {"coverage", FieldType::Real},
                          {"units", FieldType::Int64},    {"measure_share", FieldType::Real},
                          {"hits", FieldType::Real},      {"total", FieldType::Real},   {"hit_rate", FieldType::Real},
                          {"pai", FieldType::Real},       {"pei", FieldType::Real}});
  for (const auto& r : bt)
    bl.add({r.month, r.method, r.score.coverage, r.score.units, r.score.measure_share, r.score.hits, r.score.total,
            r.score.hit_rate, opt(r.score.pai), opt(r.score.pei)});
  w.commit();

  write_situation_csv(sit, folder.file(outputs::kSituationCsv));
  write_text_atomically(folder.file(outputs::kSituationJson), json_text(situation_json(sit)) + "\n");
  if (res.backtest_run) write_backtest_csv(bt, folder.file(outputs::kBacktestCsv));
  write_model_backtest(folder, res.model_backtest, outputs::kModelBacktestCsv, outputs::kModelBacktestJson);
  log::info("hotspots: wrote {} ({:.2f} s)", folder.dir().string(), seconds_since(t0));
  res.summary["outputs"] = {outputs::kHotspotsGpkg, outputs::kSituationJson, outputs::kSituationCsv};
  if (res.backtest_run) res.summary["outputs"].push_back(outputs::kBacktestCsv);
  if (!res.model_backtest.empty()) {
    res.summary["outputs"].push_back(outputs::kModelBacktestCsv);
    res.summary["outputs"].push_back(outputs::kModelBacktestJson);
  }
}


nlohmann::json run_hotspot_stage(const MapResult& map, const HotspotStageOptions& options, const RunFolder& folder) {
  const auto t0 = Clock::now();
  HotspotsResult res = run_hotspots(map, options);
  write_hotspots(folder, map, res);
  res.summary["seconds"] = seconds_since(t0);
  return std::move(res.summary);
}

// ---- Writers ---------------------------------------------------------------------------

void write_situation_csv(const SituationPicture& s, const std::filesystem::path& path) {
  write_text_atomically(path, situation_csv(s));
}

void write_backtest_csv(const std::vector<BacktestRow>& rows, const std::filesystem::path& path) {
  write_text_atomically(path, backtest_csv(rows));
}

void add_situation_layers(io::VectorWriter& out, const SituationPicture& s, const snap::MapData& map) {
  using io::FieldType;
  const std::size_t all = s.all_index();
  const std::size_t last = s.months.size() - 1;
  std::vector<io::FieldDef> f{{"area_id", FieldType::Int64},      {"code", FieldType::String},
                              {"name", FieldType::String},        {"month", FieldType::String},
                              {"street_km", FieldType::Real},     {"population", FieldType::Real},
                              {"count", FieldType::Real},         {"score", FieldType::Real},
                              {"rate_per_km", FieldType::Real},   {"rate_per_1000", FieldType::Real},
                              {"change_prev", FieldType::Real},   {"change_prev_pct", FieldType::Real},
                              {"change_year", FieldType::Real},   {"change_year_pct", FieldType::Real},
                              {"level", FieldType::Int64},        {"level_sv", FieldType::String},
                              {"level_en", FieldType::String},    {"trend", FieldType::String},
                              {"trend_sv", FieldType::String},    {"trend_en", FieldType::String}};
  for (std::size_t p = 0; p < all; ++p) f.push_back({"count_" + s.parameters[p].code, FieldType::Real});
  for (std::size_t p = 0; p < all; ++p) f.push_back({"level_" + s.parameters[p].code, FieldType::Int64});
  auto opt = [](double v) { return std::isfinite(v) ? io::FieldValue(v) : io::FieldValue(); };
  auto& areas = out.add_layer(outputs::kSituationAreasLayer, io::GeometryKind::Polygon, f);
  for (std::size_t u = 0; u < s.units.size(); ++u) {
    const auto& un = s.units[u];
    if (un.kind != "area") continue;
    const auto& c = s.at(last, u, all);
    std::vector<io::FieldValue> v{static_cast<std::int64_t>(un.area_index), un.id, un.name,
                                  month_label(s.months[last]), un.street_km,
                                  un.population >= 0 ? io::FieldValue(un.population) : io::FieldValue(), c.count,
                                  c.score, opt(c.rate_per_km), opt(c.rate_per_1000), opt(c.change_prev),
                                  opt(c.change_prev_pct), opt(c.change_year), opt(c.change_year_pct), c.level,
                                  level_label_sv(c.level), level_label_en(c.level), to_string(c.trend),
                                  label_sv(c.trend), label_en(c.trend)};
    for (std::size_t p = 0; p < all; ++p) v.push_back(s.at(last, u, p).count);
    for (std::size_t p = 0; p < all; ++p) v.push_back(s.at(last, u, p).level);
    areas.add(v, map.areas[un.area_index].geometry);
  }
  auto& table = out.add_layer(outputs::kSituationTable, io::GeometryKind::None,
                              {{"month", FieldType::String},       {"unit_kind", FieldType::String},
                               {"unit_id", FieldType::String},     {"unit_name", FieldType::String},
                               {"parameter", FieldType::String},   {"count", FieldType::Real},
                               {"score", FieldType::Real},         {"rate_per_km", FieldType::Real},
                               {"rate_per_1000", FieldType::Real}, {"change_prev", FieldType::Real},
                               {"change_prev_pct", FieldType::Real}, {"change_year", FieldType::Real},
                               {"change_year_pct", FieldType::Real}, {"level", FieldType::Int64},
                               {"trend", FieldType::String}});
  for (std::size_t m = 0; m < s.months.size(); ++m)
    for (std::size_t u = 0; u < s.units.size(); ++u)
      for (std::size_t p = 0; p < s.parameters.size(); ++p) {
        const auto& c = s.at(m, u, p);
        table.add({month_label(s.months[m]), s.units[u].kind, s.units[u].id, s.units[u].name, s.parameters[p].code,
                   c.count, c.score, opt(c.rate_per_km), opt(c.rate_per_1000), opt(c.change_prev),
                   opt(c.change_prev_pct), opt(c.change_year), opt(c.change_year_pct), c.level, to_string(c.trend)});
      }
}


// ---- The single analyses ------------------------------------------------------------

hotspot::HotspotIncidents input_from_map(const snap::MapData& m) {
  hotspot::HotspotIncidents in;
  in.net = &m.net;
  in.lixels = &m.lixels;
  in.taxonomy = &m.taxonomy;
  in.source = m.incidents_file;
  const std::size_t n = m.incidents.size();
  in.positions.reserve(n);
  for (std::size_t k = 0; k < n; ++k) {
    in.positions.push_back(m.snaps[k].position());
    in.times.push_back(m.incidents[k].time);
    in.has_time.push_back(m.incidents[k].has_time ? 1 : 0);
    in.parameters.push_back(m.incidents[k].parameter);
    in.weights.push_back(m.incidents[k].weight);
  }
  return in;
}

void write_unit_table(const hotspot::UnitTable& t, const std::filesystem::path& out, const io::CrsContext& crs) {
  using hotspot::TableColumn;
  std::string ext = out.extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".csv") {
    write_text_atomically(out, t.csv());
    return;
  }
  io::VectorWriter w(out, crs);
  std::vector<io::FieldDef> fields;
  for (const auto& c : t.columns)
    fields.push_back({c.name, c.type == TableColumn::Type::Text      ? io::FieldType::String
                              : c.type == TableColumn::Type::Integer ? io::FieldType::Int64
                                                                     : io::FieldType::Real});
  const bool lines = !t.geometry.empty();
  auto& layer = w.add_layer(t.name, lines ? io::GeometryKind::Line : io::GeometryKind::None, fields);
  const std::size_t n = t.rows();
  std::vector<io::FieldValue> values(t.columns.size());
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      const auto& col = t.columns[c];
      if (col.type == TableColumn::Type::Text) values[c] = col.texts[r];
      else if (std::isnan(col.numbers[r])) values[c] = std::nullopt;
      else if (col.type == TableColumn::Type::Integer) values[c] = static_cast<long long>(col.numbers[r]);
      else values[c] = col.numbers[r];
    }
    if (lines) layer.add(values, t.geometry[r]);
    else layer.add(values);
  }
  w.commit();
}

}  // namespace tryggve::pipeline
