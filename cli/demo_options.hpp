#pragma once
// The demo generator's options as a declared OptionSet, shared by `demo-map` and `demo`.
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/options.hpp"
#include "tryggve/demo/generator.hpp"

namespace tryggve::cli {

struct DemoCliOptions {
  std::int64_t seed = 20190601;
  int months = 30;
  std::string start = "2024-05";
  double volume_scale = 1.0;
  double raw_defect_rate = 0.01;
  double raw_duplicate_rate = 0.03;
  std::string taxonomy;

  void declare(OptionSet& o) {
    o.integer("seed", seed, "Seed of the incident model (the district's geometry does not depend on it)", 0)
        .integer("months", months, "Months of incidents to generate", 1, 240)
        .text("start", start, "First month, YYYY-MM")
        .real("volume_scale", volume_scale, "Multiplies every background rate", 0.001, 100)
        .real("raw_defect_rate", raw_defect_rate, "Share of raw rows with a defect (bad time, coordinate, category)", 0, 0.5)
        .real("raw_duplicate_rate", raw_duplicate_rate, "Share of raw rows reported twice", 0, 0.5)
        .text("taxonomy", taxonomy, "Taxonomy whose parameter codes the incidents use (default: the shipped one)");
  }

  demo::DemoOptions resolve() const {
    demo::DemoOptions o;
    o.seed = static_cast<std::uint64_t>(seed);
    o.months = months;
    int y = 0, m = 0;
    if (std::sscanf(start.c_str(), "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12 || start.size() != 7)
      throw Error(ErrorCode::BadOption, "--start", fmt::format("'{}' is not a month YYYY-MM", start));
    o.start_year = y;
    o.start_month = m;
    o.volume_scale = volume_scale;
    o.raw_defect_rate = raw_defect_rate;
    o.raw_duplicate_rate = raw_duplicate_rate;
    o.taxonomy = taxonomy;
    demo::validate(o);
    return o;
  }
};

inline std::string describe(const demo::DemoSummary& s) {
  std::string defects;
  for (const auto& [k, n] : s.raw_defects) defects += fmt::format("{}{} {}", defects.empty() ? "" : ", ", n, k);
  return fmt::format(
      "demo district (SYNTHETIC) written to {}\n"
      "  {} incidents ({} background, {} near-repeat offspring); {} raw rows ({})\n"
      "  concentration: {:.1f}% of incidents on the top 5% of segments; half of them on {:.1f}% of segments\n"
      "  darkness: {:.1f}% of outdoor darkness-sensitive incidents after dark, {:.1f}% of hours dark\n"
      "  public transport: {} trips in gtfs/, {} on-board and {} at-stop reports by Västtrafik\n",
      s.out_dir.string(), s.incidents, s.background, s.offspring, s.raw_rows, defects, 100 * s.top5_segment_share,
      100 * s.segment_share_for_half, 100 * s.dark_share_outdoor_sensitive, 100 * s.dark_share_of_hours,
      s.transit_trips, s.transit_on_board, s.transit_at_stop);
}

}  // namespace tryggve::cli
