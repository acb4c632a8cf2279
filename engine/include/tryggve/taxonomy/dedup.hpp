#pragma once
// Duplicate reports: the same incident reported twice, e.g. by the police and by
// the housing company. Two incidents are duplicates when they have the same
// parameter, lie within `max_distance_m` of each other (straight line, in the
// run's metric CRS) and within `max_minutes` in time.
#include <string>
#include <vector>

#include "tryggve/core/incident.hpp"
#include "tryggve/core/reject.hpp"

namespace tryggve {

struct DedupOptions {
  double max_distance_m = 25.0;  // >= 0
  double max_minutes = 30.0;     // >= 0
};

// Keeps the first report of each incident (earliest time, then lowest
// source_row, then lowest id) and moves the others to `rejects` with reason
// Duplicate and a detail naming the kept row. A report is compared with the
// reports kept so far, not with other duplicates, so a chain of reports each
// 20 minutes apart keeps every other one rather than only the first.
// Incidents without a time or without a parameter are never duplicates.
// Returns the kept incidents in their input order. O(n log n): one sort by
// time, then a sliding time window over a grid of max_distance_m cells per
// parameter. Deterministic: the answer does not depend on the input order.
// Throws Error(BadOption) if an option is negative or not finite.
std::vector<Incident> remove_duplicates(std::vector<Incident> incidents, RejectLog& rejects,
                                        const std::string& file, const DedupOptions& options = {});

}  // namespace tryggve
