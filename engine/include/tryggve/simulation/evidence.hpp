#pragma once
// The evidence table: what an intervention does to a parameter, as a relative
// risk (RR = 1 − reduction) with an uncertainty interval and its source. One row
// per intervention type × parameter (or parameter group). Shipped defaults live in
// engine/data/evidence.csv; users can change every number.
//
// CSV columns (header required, in this order):
//   intervention,parameter,rr_central,rr_low,rr_high,applies_when,source,note
// parameter:    `*` (any), a group (`outdoor`: not indoor; `outdoor_dark`: darkness
//               sensitive and not indoor; `indoor`), or one or more parameter codes
//               separated by `|`. The most specific matching row wins (codes > group
//               > `*`); among equals, the first in the file.
// applies_when: `dark` (only when dark at the place and hour), `always`, or
//               `present` (while the intervention is present: patrol/adult hours).
// rr_low <= rr_central <= rr_high, all > 0 and at most 10; [rr_low, rr_high] is read as a 90%
// interval. Fields may be quoted ("...", with "" for a quote).
#include <string>
#include <string_view>
#include <vector>

#include "tryggve/simulation/model.hpp"

namespace tryggve::simulation {

enum class AppliesWhen { Always, Dark, Present };

struct EvidenceRow {
  std::string intervention;
  std::string parameter;
  double rr_central = 1.0, rr_low = 1.0, rr_high = 1.0;
  AppliesWhen applies_when = AppliesWhen::Always;
  std::string source, note;
  int line = 0;  // 1-based line in the file
};

class EvidenceTable {
 public:
  EvidenceTable() = default;
  // UTF-8 text (the file is read and decoded by pipeline/evidence_file.hpp: this
  // module does no file I/O). Throws Error(BadValue / MissingField) naming
  // "where:line" and what was expected.
  static EvidenceTable parse(std::string_view text, const std::string& where = "evidence.csv");

  const std::vector<EvidenceRow>& rows() const { return rows_; }
  // The most specific row for (intervention, parameter), or nullptr if none applies.
  const EvidenceRow* find(std::string_view intervention, const ParameterTraits& parameter) const;
  // Index of a row in rows() (for per-replicate draws keyed by row).
  std::size_t index_of(const EvidenceRow* row) const { return static_cast<std::size_t>(row - rows_.data()); }

 private:
  std::vector<EvidenceRow> rows_;
};

// A relative risk drawn from a row's interval: log RR is a two-piece normal with
// its median at rr_central and rr_low / rr_high at its 5th / 95th percentiles
// (so asymmetric intervals stay asymmetric). z is a standard normal draw.
double draw_rr(const EvidenceRow& row, double z);

}  // namespace tryggve::simulation
