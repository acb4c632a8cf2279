#pragma once
// A 90% interval as the plans write it in their JSON: {mean, low, high}. One
// spelling for every planner (patrol, lighting, transit hosts, the comparison).
#include <nlohmann/json.hpp>

#include "tryggve/simulation/results.hpp"

namespace tryggve::planning {

inline nlohmann::json interval_json(const simulation::Interval& i) {
  return {{"mean", i.mean}, {"low", i.low}, {"high", i.high}};
}

}  // namespace tryggve::planning
