#include "tryggve/core/json_text.hpp"
#include "tryggve/pipeline/fit_stage.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/month.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/forecast/etas.hpp"
#include "tryggve/pipeline/evidence_file.hpp"
#include "model_outputs.hpp"
#include "tryggve/snap/place_tagger.hpp"

namespace tryggve::pipeline {

using namespace simulation;

void SimulateOptions::declare(OptionSet& o) {
  // At most 30 years: the hour calendar the fit runs on holds no more (simulation/calendar.hpp).
  o.integer("fit_months", fit_months, "Months of history the model is fitted on (ending where the forecast starts)", 1, 360)
      .text("forecast_start", forecast_start, "First forecast month YYYY-MM (default: the month after the last incident)")
      .integer("forecast_months", forecast_months, "Months simulated (K)", 1, 120)
      .integer("replicates", replicates, "Monte Carlo replicates (N)", 1, 1000000)
      .real("headroom", headroom, "Dominating-process headroom: the largest relative risk a scenario may raise to", 1.0, 100.0)
      .real("reporting_rate", reporting_rate,
            "Share of true incidents recorded without any intervention (0: drawn per replicate from the evidence "
            "table's reporting_rate row)",
            0.0, 1.0)
      .list("reporting_rates", reporting_rates, "Per-parameter reporting rates, code=rate (override reporting_rate)")
      .real("cell_cutoff_m", cell_cutoff_m, "Network distance over which near repeats are looked for", 10.0, 1e5)
      .real("max_lag_days", max_lag_days, "Longest delay of a near repeat", 0.5, 3650.0)
      .choice("near_repeat", near_repeat,
              "Near repeats: a Knox test per parameter gates the self-excitation (none seen: none fitted) and gives EM "
              "its start (knox), or EM alone (em)",
              {"knox", "em"})
      .real("knox_alpha", knox_alpha, "Significance level of the Knox gate (pairs within 100 m and 7 days)", 1e-6, 1.0)
      .choice("knox_method", knox_method,
              "How the Knox test finds its expected pairs and p-values: the exact mean and variance over all "
              "permutations of the times (moments: one pass over the close pairs) or Monte-Carlo permutations",
              {"moments", "permutation"})
      .integer("knox_permutations", knox_permutations, "Permutations of the Knox test (knox_method permutation)", 19,
               100000)
      .integer("max_iterations", max_iterations, "EM iterations at most", 1, 100000)
      .real("tolerance", tolerance, "EM stops at this relative change in log-likelihood", 0.0, 1.0)
      .integer("model_backtest_months", model_backtest_months,
               "Months before the forecast held back, each forecast by the model fitted before it (0: no backtest)", 0, 60)
      .text("evidence", evidence, "Evidence table CSV (default: the shipped engine/data/evidence.csv)")
      .text("latitude_deg", latitude_deg, "Latitude for the sun (auto: the network's centre; needed for crs local)")
      .text("longitude_deg", longitude_deg, "Longitude for the sun (auto: the network's centre)")
      .integer("top_k", top_k, "Size of the top-k hotspot cell set compared before/after", 1, 100000);
}

namespace {

StudyPeriod months_from(const TimeZone& z, int month_index, int count) {
  const YearMonth start = year_month(month_index);
  return local_months(z, start.year, start.month, count);
}

// The sun's place: the options where given, else the network's centre.
Place place_of(const MapResult& map, const SimulateOptions& s) {
  Place p;
  bool have_lat = s.latitude_deg != "auto" && !s.latitude_deg.empty();
  bool have_lon = s.longitude_deg != "auto" && !s.longitude_deg.empty();
  if (have_lat) p.lat_deg = std::stod(s.latitude_deg);
  if (have_lon) p.lon_deg = std::stod(s.longitude_deg);
  if (have_lat && have_lon) return p;
  const auto centre = map.centre_lon_lat();
  if (!centre) {
    log::warn("simulate: no CRS to find the sun from; using latitude {:.2f}, longitude {:.2f} (set "
              "stages.simulate.latitude_deg / longitude_deg)", p.lat_deg, p.lon_deg);
    return p;
  }
  if (!have_lon) p.lon_deg = centre->x;
  if (!have_lat) p.lat_deg = centre->y;
  return p;
}

}  // namespace

FitResult run_fit(const MapResult& map, const SimulateOptions& options, std::uint64_t seed, bool fit_model,
                  const RunControl& control, const FitWhere& where) {
  FitResult F;
  step(control, "cells", 0.2);
  F.cells = std::make_unique<CellNetwork>(map.net, map.lixels, options.cell_cutoff_m);
  F.evidence = load_evidence_or_default(options.evidence);
  F.zone = TimeZone::from_name(map.timezone);
  F.traits = traits_from_taxonomy(map.taxonomy);

  // The forecast starts the month after the last incident unless told otherwise.
  std::int64_t last = std::numeric_limits<std::int64_t>::min();
  for (const auto& inc : map.incidents)
    if (inc.has_time && inc.parameter != kNoParameter) last = std::max(last, inc.time.utc_seconds);
  if (!options.forecast_start.empty()) {
    F.forecast_first_month = parse_month(options.forecast_start, "forecast_start");
  } else {
    if (last == std::numeric_limits<std::int64_t>::min())
      throw Error(ErrorCode::NoData, where.data, "no placed incident with a time: nothing to fit (give inputs.incidents)");
    F.forecast_first_month = month_index(F.zone.at_utc(last)) + 1;
  }
  F.place = place_of(map, options);
  F.forecast = HourCalendar(months_from(F.zone, F.forecast_first_month, options.forecast_months), F.zone, F.place);
  const std::int64_t t_forecast = F.forecast.period().start_utc;
  std::size_t untimed = 0, after_start = 0;
  for (std::size_t i = 0; i < map.incidents.size(); ++i) {
    const auto& inc = map.incidents[i];
    if (!inc.has_time || inc.parameter == kNoParameter) { ++untimed; continue; }
    if (inc.time.utc_seconds >= t_forecast) { ++after_start; continue; }
    F.observed.push_back({map.snaps[i].position(), inc.time, inc.parameter, inc.setting != Setting::Indoor});
  }
  // Placed incidents the model cannot use are said, not silently lost.
  if (untimed) log::warn("simulate: {} placed incidents have no time and are not used by the model fit", untimed);
  if (after_start)
    log::warn("simulate: {} incidents at or after the forecast start {} are not history and are not used", after_start,
              options.forecast_start);
  F.history = make_event_table(F.observed, *F.cells, F.forecast, F.traits.size());
  if (F.history.after_end || F.history.bad_parameter || F.history.bad_position)
    log::warn("simulate: {} events after the forecast, {} with an unknown parameter, {} off the network were left out",
              F.history.after_end, F.history.bad_parameter, F.history.bad_position);

  // Areas for the results: the area each cell's midpoint lies in.
  {
    std::vector<std::string> names;
    for (std::size_t a = 0; a < map.areas.size(); ++a) {
      const auto& f = map.areas[a];
      names.push_back(!f.name.empty() ? f.name : !f.kind.empty() ? f.kind : fmt::format("area {}", a + 1));
    }
    std::vector<int> area_of(F.cells->size(), -1);
    if (!map.areas.empty()) {
      snap::PlaceTagger tagger({}, {}, map.areas);
      std::vector<Point> mids(F.cells->size());
      for (CellId c = 0; c < F.cells->size(); ++c) mids[c] = map.lixels[c].mid;
      const auto tags = tagger.tag_all(mids);
      for (CellId c = 0; c < F.cells->size(); ++c)
        if (tags[c].area != snap::kNoPlace) area_of[c] = static_cast<int>(tags[c].area);
    }
    F.areas.area_of_cell = std::move(area_of);
    F.areas.names = std::move(names);
  }
  if (fit_model) {
    step(control, "fit", 0.3);
    if (F.observed.empty())
      throw Error(ErrorCode::NoData, where.data,
                  "no placed incident before the forecast start " + month_label(F.forecast_first_month));
    // Fit on the fit_months before the forecast, ending at the last incident when
    // the data stop inside the last month (a partial month is not an empty one).
    StudyPeriod fp = months_from(F.zone, F.forecast_first_month - options.fit_months, options.fit_months);
    std::int64_t last_before = std::numeric_limits<std::int64_t>::min();
    for (const auto& e : F.observed) last_before = std::max(last_before, e.time.utc_seconds);
    fp.end_utc = std::min(fp.end_utc, last_before + 1);
    if (fp.end_utc <= fp.start_utc)
      throw Error(ErrorCode::NoData, where.fit_months,
                  fmt::format("stages.simulate.fit_months: no incident in the {} months before {}", options.fit_months,
                              month_label(F.forecast_first_month)));
    HourCalendar fit_cal(fp, F.zone, F.place);
    const EventTable table = make_event_table(F.observed, *F.cells, fit_cal, F.traits.size());
    FitOptions fo;
    fo.max_lag_days = options.max_lag_days;
    fo.max_iterations = options.max_iterations;
    fo.tolerance = options.tolerance;
    fo.near_repeat.mode = options.near_repeat;
    fo.near_repeat.alpha = options.knox_alpha;
    fo.near_repeat.method = hotspot::knox_method_named(options.knox_method);
    fo.near_repeat.permutations = static_cast<std::size_t>(options.knox_permutations);
    fo.near_repeat.seed = seed;
    F.model = simulation::fit(table, *F.cells, fit_cal, F.traits, fo);
    // The model's time origin is the fit calendar's; the simulator reads only
    // rates, profiles and kernels, so it carries over to the forecast calendar.
    F.fitted = true;

    if (options.model_backtest_months > 0) {
      step(control, "model backtest", 0.35);
      // The history in the fit window, the cells as the model's units (cell c is lixel c).
      const int window_start = F.forecast_first_month - options.fit_months;
      std::vector<Incident> before;
      std::vector<CellId> unit_of;
      for (std::size_t i = 0; i < map.incidents.size(); ++i) {
        const auto& inc = map.incidents[i];
        if (!inc.has_time || inc.parameter == kNoParameter || inc.time.utc_seconds >= t_forecast) continue;
        if (month_index(inc.time) < window_start) continue;
        before.push_back(inc);
        unit_of.push_back(map.lixel_of[i]);
      }
      const forecast::History h(forecast::events_from_incidents(before, unit_of, map.taxonomy), F.cells->size(),
                                F.traits.size());
      forecast::SelfExcitingForecast model(*F.cells, h, F.traits, F.place, F.zone, fo, F.forecast_first_month - 1);
      std::vector<double> measure(F.cells->size());
      for (CellId c = 0; c < measure.size(); ++c) measure[c] = std::max(F.cells->length(c), 1e-9);
      F.model_backtest = forecast::model_backtest(model, h, measure,
                                                  F.forecast_first_month - options.model_backtest_months,
                                                  F.forecast_first_month - 1, forecast::kModelBacktestCoverages);
      if (control.cancelled && control.cancelled()) throw Error(ErrorCode::Interrupted, "fit", "cancelled");
    }
  }
  return F;
}

void write_fit(const RunFolder& folder, const FitResult& fit) {
  if (!fit.fitted) throw Error(ErrorCode::Internal, "fit stage", "write_fit() needs a fitted model");
  folder.create();
  write_text_atomically(folder.file(outputs::kModelCsv), model_csv(fit.model));
  write_text_atomically(folder.file(outputs::kModelJson), json_text(model_json(fit.model), 1) + "\n");
  write_model_backtest(folder, fit.model_backtest, outputs::kFitBacktestCsv, outputs::kFitBacktestJson);
}

}  // namespace tryggve::pipeline
