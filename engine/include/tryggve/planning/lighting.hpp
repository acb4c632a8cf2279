#pragma once
// The parks department's lighting ranking: which unlit streets and park paths
// to light first, by expected prevented night-time incidents per SEK over a year.
//
// Lit or unlit, per lixel: lit if at least half of it lies within a lamp's light
// radius (the lamp's own radius where the data give one, else lamp_radius_m), or
// if its street is tagged lit=yes; tagged lit=no or untagged and not covered by a
// lamp: unlit (untagged streets count as unlit unless unknown_is_lit). Roads where
// nobody walks (motorways, trunk roads: exclude_highways) are left out.
//
// Projects: unlit lixels grouped the way a lighting job is ordered —
//   park:   all unlit lixels inside one park polygon (its paths);
//   tunnel: connected unlit lixels of tunnel edges;
//   path / street: chains of unlit lixels along edges, continued through a vertex
//           when the way goes on (degree 2, or the same street name), up to
//           max_project_length_m.
//
// Benefit of lighting a project for a year: for every parameter with a lighting
// evidence row (darkness-sensitive, outdoor: the `outdoor_dark` row), the
// forecast count in the dark part of every hour of the next 12 months (the sun's
// real position at the study area, month by month; planning/context.hpp with a
// dark-only filter), times the outdoor share of its incidents, times (1 − RR).
// Cost: fixed_cost_sek + ceil(length / lamp_spacing_m) lamps × sek_per_lamp.
// The 90% interval comes from draws of RR (one draw per evidence row shared by all
// projects, so the ranking's uncertainty is that of the evidence, not noise).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tryggve/core/features.hpp"
#include "tryggve/core/options.hpp"
#include "tryggve/planning/context.hpp"
#include "tryggve/simulation/evidence.hpp"
#include "tryggve/simulation/results.hpp"

namespace tryggve::planning {

struct LightingOptions {
  double lamp_radius_m = 20.0;
  bool unknown_is_lit = false;
  std::vector<std::string> exclude_highways{"motorway", "motorway_link", "trunk", "trunk_link"};
  double lamp_spacing_m = 30.0;
  double sek_per_lamp = 45000.0;       // lamp, pole, foundation, cable and digging (an assumption: change it)
  double fixed_cost_sek = 50000.0;     // per project: design, permits, connection
  double max_project_length_m = 400.0;
  std::string evidence_key = "lighting";
  int draws = 1000;
  std::int64_t seed = 0;
  int top = 0;                         // keep the best N projects (0: all)
  void declare(OptionSet& o);
};

enum class LitSource : std::uint8_t { Tag, Lamp, Unlit, Excluded };
const char* to_string(LitSource s);

struct LixelLight {
  bool lit = false;
  LitSource source = LitSource::Unlit;
  double lamp_cover = 0.0;  // share of the lixel within some lamp's radius
  int park = -1;            // index into the parks given, or -1
};

// Lit status of every lixel (cells() order = lixel order).
std::vector<LixelLight> classify_lighting(const simulation::CellNetwork& cells, const std::vector<PointFeature>& lamps,
                                          const std::vector<PolygonFeature>& parks, const LightingOptions& options);

struct LightingProject {
  int id = 0, rank = 0;
  std::string kind;                  // park, tunnel, path, street
  std::string name;
  std::vector<CellId> cells;
  double length_m = 0.0;
  int lamps = 0;
  double cost_sek = 0.0;
  double dark_incidents_per_year = 0.0;      // forecast, parameters the lighting evidence covers
  simulation::Interval prevented_per_year;   // incidents
  simulation::Interval prevented_per_100k_sek;
  double harm_prevented_per_year = 0.0;      // severity-weighted, central RR
  Point mid;
};

struct LightingPlan {
  std::string first_month;                   // the year planned: 12 months from here
  std::vector<double> dark_hours_by_month;   // at the study area, from the sun (12 values)
  std::vector<std::string> month_labels;
  std::vector<LixelLight> lixels;
  std::vector<LightingProject> projects;     // ranked by prevented_per_100k_sek.mean
  std::vector<int> project_of_cell;          // -1 if none
  double unlit_length_m = 0.0, lit_length_m = 0.0, excluded_length_m = 0.0;
  std::vector<std::string> parameters;       // codes the lighting evidence applies to
};

// Groups unlit lixels into projects (no benefit yet; exposed for tests).
std::vector<LightingProject> group_projects(const simulation::CellNetwork& cells, const std::vector<LixelLight>& light,
                                            const std::vector<PolygonFeature>& parks, const LightingOptions& options);

// Ranks projects given the yearly dark-hour forecast per parameter and cell, the
// lighting RRs per parameter (rows, nullptr where the evidence does not apply)
// and outdoor shares. Fills cost, benefit, interval and rank; sorts the projects.
void rank_projects(std::vector<LightingProject>& projects, const std::vector<std::vector<double>>& dark_forecast,
                   const std::vector<const simulation::EvidenceRow*>& rows, const std::vector<double>& outdoor_share,
                   const std::vector<double>& weights, const simulation::EvidenceTable& evidence,
                   const LightingOptions& options);

LightingPlan plan_lighting(const PlanningContext& ctx, const simulation::EvidenceTable& evidence,
                           const std::vector<PointFeature>& lamps, const std::vector<PolygonFeature>& parks,
                           const LightingOptions& options);

std::string lighting_csv(const LightingPlan& plan);
nlohmann::json to_json(const LightingPlan& plan, const LightingOptions& options);

}  // namespace tryggve::planning
