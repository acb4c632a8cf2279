#pragma once
// The fit stage: the mapped incident history turned into the simulation's cells
// (lixels with neighbour lists), the forecast calendar (real darkness at the
// study area) and the self-exciting baseline model fitted on the months before
// the forecast, with a Knox test per parameter gating and starting the near
// repeats (simulation/fit). Its result feeds the simulate stage; write_fit()
// adds model.csv and model.json to a run folder.
//
// The options are the scenario file's stages.simulate (they describe one model:
// the history it is fitted on and the forecast it is run over), shared with the
// simulate stage, which reads the Monte Carlo's part of them.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tryggve/core/options.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/forecast/methods.hpp"
#include "tryggve/pipeline/control.hpp"
#include "tryggve/pipeline/map_stage.hpp"
#include "tryggve/pipeline/run_folder.hpp"
#include "tryggve/simulation/calendar.hpp"
#include "tryggve/simulation/cells.hpp"
#include "tryggve/simulation/events.hpp"
#include "tryggve/simulation/evidence.hpp"
#include "tryggve/simulation/model.hpp"
#include "tryggve/simulation/simulator.hpp"

namespace tryggve::pipeline {

// stages.simulate: the fit and the Monte Carlo.
struct SimulateOptions {
  int fit_months = 24;
  std::string forecast_start;  // YYYY-MM; "" = the month after the last incident
  int forecast_months = 12;
  int replicates = 1000;
  double headroom = 1.5;
  double reporting_rate = 0.0;  // 0: from the evidence table, drawn per replicate
  std::vector<std::string> reporting_rates;  // code=rate overrides
  double cell_cutoff_m = 400.0;
  double max_lag_days = 60.0;
  std::string near_repeat = "knox";  // knox: the Knox test gates and starts the self-excitation | em
  double knox_alpha = 0.05;
  std::string knox_method = "moments";  // moments | permutation (hotspot/knox.hpp)
  int knox_permutations = 99;
  int max_iterations = 300;
  double tolerance = 1e-6;
  // The model's backtest: the last N months before the forecast, each held back
  // and forecast by the model (and the Poisson model) fitted the same way on the
  // months from the fit window's start to it (0: none).
  int model_backtest_months = 3;
  std::string evidence;  // "" = engine/data/evidence.csv
  std::string latitude_deg = "auto", longitude_deg = "auto";
  int top_k = 20;

  void declare(OptionSet& o);
};

// The history and the model, ready to simulate. The cells refer to the map
// result's network and lixels, which must outlive it.
struct FitResult {
  std::unique_ptr<simulation::CellNetwork> cells;
  std::vector<simulation::ParameterTraits> traits;
  std::vector<simulation::ObservedEvent> observed;  // placed incidents before the forecast start
  simulation::Place place;
  TimeZone zone = TimeZone::utc();
  int forecast_first_month = 0;  // month index (months since 1970-01)
  simulation::HourCalendar forecast;
  simulation::EventTable history;  // mapped with the forecast calendar (negative times)
  simulation::EvidenceTable evidence;
  simulation::AreaMap areas;  // the area each cell's midpoint lies in
  bool fitted = false;
  simulation::FittedModel model;
  // The model's backtest (SimulateOptions::model_backtest_months): per held-back
  // month the self-exciting and the Poisson model fitted before it and the naive
  // baselines, with the held-out log-likelihood per incident and hit rate, PAI
  // and PEI at 1, 5 and 10% of the street length (forecast::model_backtest).
  std::vector<forecast::ModelBacktestRow> model_backtest;

  std::string forecast_start() const { return month_label(forecast_first_month); }
};

// Where the inputs of a fit were given, for messages: the data (an incident file
// or a scenario file) and the fit_months option.
struct FitWhere {
  std::string data = "incidents";
  std::string fit_months = "stages.simulate.fit_months";
};

// Builds the cells, the forecast calendar and the history; with `fit_model`, fits
// the model too (validation needs everything but the fit). `seed` seeds the Knox
// test's permutations. Throws Error(NoData) when there is no history to fit on,
// Error(BadCrs) when the sun's place cannot be found, Error(Interrupted) when
// cancelled.
FitResult run_fit(const MapResult& map, const SimulateOptions& options, std::uint64_t seed, bool fit_model,
                  const RunControl& control = {}, const FitWhere& where = {});

// model.csv and model.json (pipeline/model_outputs.hpp), and fit_backtest.csv
// and fit_backtest.json when the model was backtested, into the folder (not
// model_backtest.*: the hotspots stage's, on its own months, in the same folder).
void write_fit(const RunFolder& folder, const FitResult& fit);

}  // namespace tryggve::pipeline
