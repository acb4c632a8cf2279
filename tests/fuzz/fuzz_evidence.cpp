// The evidence table (simulation/evidence.hpp): parse from text, then every row
// found for a few parameter kinds must give finite relative risks > 0 for any draw.
#include "fuzz_common.hpp"

#include <cmath>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/simulation/evidence.hpp"

namespace tryggve::fuzz {

int evidence(std::string_view input) {
  quiet();
  simulation::EvidenceTable t;
  try {
    t = simulation::EvidenceTable::parse(input, "fuzz_evidence.csv");
  } catch (const Error&) {
    return 0;
  }
  simulation::ParameterTraits traits[3];
  traits[0].code = "public_violence";
  traits[1].code = "burglary_theft";
  traits[1].indoor = true;
  traits[2].code = "vandalism";
  traits[2].darkness_sensitive = true;
  for (const auto& r : t.rows()) {
    check(r.rr_low > 0 && r.rr_low <= r.rr_central && r.rr_central <= r.rr_high && std::isfinite(r.rr_high),
          fmt::format("line {}: rr {} {} {} kept", r.line, r.rr_low, r.rr_central, r.rr_high));
    for (const auto& p : traits) {
      const auto* row = t.find(r.intervention, p);
      if (!row) continue;
      for (double z : {-4.0, -1.0, 0.0, 1.6448536269514722, 4.0}) {
        const double rr = simulation::draw_rr(*row, z);
        check(std::isfinite(rr) && rr > 0, fmt::format("line {}: draw_rr(z={}) = {}", row->line, z, rr));
      }
    }
  }
  return 0;
}

}  // namespace tryggve::fuzz

TRYGGVE_FUZZ_ENTRY(evidence)
