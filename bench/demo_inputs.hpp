#pragma once
// The demo scenario file (scenarios/demo.yaml) read with its inputs taken from a
// generated demo district in `dir` (the benchmarks generate it under /tmp rather
// than rely on maps/demo, which is not in git), plus the caller's settings.
// One list of the district's files for the benchmarks, so a new input in demo.yaml
// is added here once for all of them.
#include <filesystem>
#include <string>
#include <vector>

#include "tryggve/demo/generator.hpp"
#include "tryggve/scenario/scenario.hpp"

namespace tryggve::bench {

inline scenario::ScenarioFile demo_scenario(const std::filesystem::path& dir, std::vector<std::string> sets) {
  demo::DemoOptions o;
  if (!demo::matches(o, dir)) demo::generate(o, dir);
  for (const char* k : {"streets:streets.osm", "incidents:incidents.csv", "parks:parks.gpkg", "stops:stops.gpkg",
                        "lamps:lamps.gpkg", "areas:areas.gpkg", "places:places.gpkg", "gtfs:gtfs",
                        "transit_reports:transit_reports.csv"}) {
    const std::string s(k);
    const auto c = s.find(':');
    sets.push_back("inputs." + s.substr(0, c) + "=" + (dir / s.substr(c + 1)).string());
  }
  const std::filesystem::path src = std::filesystem::path(__FILE__).parent_path().parent_path();
  return scenario::load(src / "scenarios/demo.yaml", sets);
}

}  // namespace tryggve::bench
