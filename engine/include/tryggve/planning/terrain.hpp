#pragma once
// Risk terrain per cell (lixel) from what the map knows, as covariates for the
// forecasts (forecast/components.hpp's terrain model): how near a stop, how near
// each kind of place (square, school, youth centre ...), in a park or not,
// unlit or not (lighting.hpp's classification from lit tags and lamps), and
// unlit in the dark (the same, times the month's dark share). Nearness is
// exp(-d / near_m) of the straight-line distance from the cell's midpoint, so it
// is 1 on top of the feature and fades over a few near_m.
#include <vector>

#include "tryggve/core/features.hpp"
#include "tryggve/forecast/history.hpp"
#include "tryggve/planning/lighting.hpp"
#include "tryggve/simulation/cells.hpp"

namespace tryggve::planning {

struct TerrainOptions {
  double near_m = 100.0;
  LightingOptions lighting;  // lamp radius, untagged streets, excluded road classes
};

// Covariates that carry information only: a feature type the map does not have
// (no stops, no places of a kind) or that is the same on every cell is left out.
// Place kinds come in sorted order as near_<kind>. Needs network cells.
std::vector<forecast::Covariate> risk_terrain(const simulation::CellNetwork& cells,
                                              const std::vector<PolygonFeature>& parks,
                                              const std::vector<PointFeature>& stops,
                                              const std::vector<PointFeature>& lamps,
                                              const std::vector<PointFeature>& places,
                                              const TerrainOptions& options = {});

}  // namespace tryggve::planning
