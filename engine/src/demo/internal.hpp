#pragma once
// Private to the demo module: pieces shared by the model, the simulation and the writers.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "calendar.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/demo/transit.hpp"

namespace tryggve::demo {

// The parameters (codes, names, setting, darkness) from the taxonomy file the
// options name, or data_dir()/taxonomy.yaml, or the built-in 15; `source` says which.
std::vector<ParameterModel> demo_parameters(const DemoOptions& o, std::string* source);

// "YYYY-MM-DD" of the first day of model month `month` (1-based).
std::string month_start_date(const DemoOptions& o, int month);
// "YYYY-MM" of model month `month`.
std::string month_label(const DemoOptions& o, int month);

// Multiplier on w_p(s) for the state of one hour: planted hotspots, darkness
// (with the lighting state of the segment that month), patrols and adults outdoors
// (at its ceiling, Model::adults_ceiling).
double segment_multiplier(const Model& m, const District& d, std::size_t p, std::uint32_t s, int month, bool dark,
                          bool patrol, bool adults = false);
// The temporal factor hour * weekday * season * school for parameter p in hour h.
double temporal_factor(const ParameterModel& p, const cal::Hour& h);
// Whether the historical patrols are out in hour h.
bool patrol_active(const Model& m, const cal::Hour& h);
// Whether the adults are out in hour h.
bool adults_active(const Model& m, const cal::Hour& h);
// The relative risk the planted interventions put on an offspring of parameter p
// landing on segment s in hour h, at minute `minute` of it (<= 1; 1 = untouched).
double offspring_relative_risk(const Model& m, const District& d, std::size_t p, std::uint32_t s, const cal::Hour& h,
                               int minute);

// Sets mu_per_hour of every parameter so that the expected count (background plus
// offspring, n/(1-n) per background event) over the first twelve months equals
// 12 * target_per_month * volume_scale.
void calibrate(Model& m, const District& d, const DemoOptions& o);

// truth.json's "transit" section: the lines, the model's numbers, the counts.
nlohmann::ordered_json transit_truth_json(const DemoTransit& transit);

}  // namespace tryggve::demo
