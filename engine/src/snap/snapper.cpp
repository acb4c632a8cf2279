#include "tryggve/snap/snapper.hpp"

#include <cmath>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/parallel.hpp"
#include "tryggve/core/progress.hpp"

namespace tryggve::snap {

namespace {

void check_options(const SnapOptions& o) {
  if (!(o.max_distance_m >= 0.0) || std::isinf(o.max_distance_m))
    throw Error(ErrorCode::BadOption, "snap max_distance_m",
                fmt::format("must be a finite number >= 0, got {}", o.max_distance_m));
  if (!(o.outside_margin_m >= 0.0))
    throw Error(ErrorCode::BadOption, "snap outside_margin_m",
                fmt::format("must be >= 0, got {}", o.outside_margin_m));
  if (!(o.report_search_factor >= 1.0))
    throw Error(ErrorCode::BadOption, "snap report_search_factor",
                fmt::format("must be >= 1, got {}", o.report_search_factor));
}

// Runs fn(i) for i in [0, n) in parallel, with a progress bar for long runs.
// Grain: large enough that scheduling is negligible next to ~100 ns per point.
template <class Fn>
void parallel_points(std::size_t n, const char* label, Fn&& fn) {
  Progress progress(label, n);
  parallel_for(IndexRange<std::size_t>(0, n, 4096), [&](const IndexRange<std::size_t>& r) {
    Progress::throw_if_cancelled();
    for (std::size_t i = r.begin(); i != r.end(); ++i) fn(i);
    progress.advance(r.size());
  });
  progress.finish();
}

double outside_distance(const Envelope& e, Point p) {
  const double dx = std::max({0.0, e.min_x - p.x, p.x - e.max_x});
  const double dy = std::max({0.0, e.min_y - p.y, p.y - e.max_y});
  return std::hypot(dx, dy);
}

}  // namespace

std::vector<SnapResult> snap_all(const EdgeIndex& index, std::span<const Point> points, const SnapOptions& options) {
  check_options(options);
  std::vector<SnapResult> out(points.size());
  parallel_points(points.size(), "Snapping points",
                  [&](std::size_t i) { out[i] = index.nearest(points[i], options.max_distance_m); });
  return out;
}

SnappedIncidents snap_incidents(const EdgeIndex& index, std::vector<Incident> incidents, const SnapOptions& options,
                                RejectLog& rejects, const std::string& reject_file) {
  check_options(options);
  enum class Outcome : std::uint8_t { Placed, BadCoordinate, OutsideMap, TooFar };
  struct Work {
    SnapResult snap;
    Outcome outcome = Outcome::Placed;
    double detail = 0.0;  // how far outside the map / to the nearest street (inf: none found)
  };
  const Envelope extent = index.extent();
  const double margin = std::max(options.outside_margin_m, options.max_distance_m);
  std::vector<Work> work(incidents.size());
  parallel_points(incidents.size(), "Snapping incidents", [&](std::size_t i) {
    const Point p = incidents[i].pos;
    Work& w = work[i];
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) {
      w.outcome = Outcome::BadCoordinate;
      return;
    }
    if (extent.empty()) {
      w.outcome = Outcome::OutsideMap;
      w.detail = std::numeric_limits<double>::infinity();
      return;
    }
    if (const double out = outside_distance(extent, p); out > margin) {
      w.outcome = Outcome::OutsideMap;
      w.detail = out;
      return;
    }
    w.snap = index.nearest(p, options.max_distance_m);
    if (w.snap.found()) return;
    w.outcome = Outcome::TooFar;
    const auto far = index.nearest(p, options.max_distance_m * options.report_search_factor);
    w.detail = far.found() ? far.distance : std::numeric_limits<double>::infinity();
  });

  // Sequential and in input order, so the placed list and the reject log are the
  // same at any thread count.
  SnappedIncidents result;
  result.incidents.reserve(incidents.size());
  result.snaps.reserve(incidents.size());
  for (std::size_t i = 0; i < incidents.size(); ++i) {
    Work& w = work[i];
    Incident& inc = incidents[i];
    if (w.outcome == Outcome::Placed) {
      result.incidents.push_back(std::move(inc));
      result.snaps.push_back(w.snap);
      continue;
    }
    Reject r;
    r.file = reject_file;
    r.source_row = inc.source_row;
    r.raw = fmt::format("id {}, category '{}'", inc.id, inc.category);
    r.has_pos = std::isfinite(inc.pos.x) && std::isfinite(inc.pos.y);
    r.pos = inc.pos;
    switch (w.outcome) {
      case Outcome::BadCoordinate:
        r.reason = RejectReason::BadCoordinate;
        r.detail = fmt::format("coordinate ({}, {}) is not a finite number", inc.pos.x, inc.pos.y);
        break;
      case Outcome::OutsideMap:
        r.reason = RejectReason::OutsideMap;
        r.detail = std::isinf(w.detail)
                       ? std::string("the street network is empty")
                       : fmt::format("{:.0f} m outside the street network's extent (margin {:.0f} m)", w.detail,
                                     margin);
        break;
      case Outcome::TooFar:
        r.reason = RejectReason::TooFarFromStreet;
        r.detail = std::isinf(w.detail)
                       ? fmt::format("no street within {:.0f} m (maximum snap distance {:.0f} m)",
                                     options.max_distance_m * options.report_search_factor, options.max_distance_m)
                       : fmt::format("{:.1f} m from the nearest street (maximum snap distance {:.0f} m)", w.detail,
                                     options.max_distance_m);
        break;
      case Outcome::Placed: break;
    }
    rejects.add(std::move(r));
  }
  return result;
}

}  // namespace tryggve::snap
