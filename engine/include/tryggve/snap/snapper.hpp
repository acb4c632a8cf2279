#pragma once
// Snapping many points (incidents) onto the street network, in parallel.
// Each point's result depends only on that point, so the output is identical
// at any thread count.
#include <span>
#include <string>
#include <vector>

#include "tryggve/core/incident.hpp"
#include "tryggve/core/reject.hpp"
#include "tryggve/snap/edge_index.hpp"

namespace tryggve::snap {

struct SnapOptions {
  // A point farther than this from every street is not placed.
  double max_distance_m = 50.0;
  // Points farther than max(outside_margin_m, max_distance_m) outside the
  // network's extent are "outside the map" rather than "too far from a street".
  double outside_margin_m = 1000.0;
  // Rejected as too far: the nearest street is looked up within this multiple
  // of max_distance_m to say how far it is in the reject's detail.
  double report_search_factor = 10.0;
};

// One result per point, in input order: found() == false where no edge is
// within max_distance_m (or the point is NaN/inf). Parallel (oneTBB); shows a
// progress bar on a terminal for large inputs. Throws Error(BadOption) for a
// negative or NaN max_distance_m.
std::vector<SnapResult> snap_all(const EdgeIndex& index, std::span<const Point> points,
                                 const SnapOptions& options);

// Incidents that were placed, with their snap results (same order as the input,
// rejected ones left out).
struct SnappedIncidents {
  std::vector<Incident> incidents;
  std::vector<SnapResult> snaps;  // snaps[i] belongs to incidents[i]
};

// Snaps incidents and moves those that cannot be placed into `rejects` (in
// input order, with `reject_file` as their file name and the incident's
// source_row), with reason:
//  - BadCoordinate: NaN/inf coordinates (normally rejected earlier by the reader);
//  - OutsideMap: farther than max(outside_margin_m, max_distance_m) outside the
//    network's extent (detail gives how far);
//  - TooFarFromStreet: no edge within max_distance_m (detail gives the distance
//    to the nearest street if one is within report_search_factor x the maximum,
//    else "no street within N m").
// Coincident incidents are fine: each is snapped on its own.
SnappedIncidents snap_incidents(const EdgeIndex& index, std::vector<Incident> incidents,
                                const SnapOptions& options, RejectLog& rejects,
                                const std::string& reject_file);

}  // namespace tryggve::snap
