#include "tryggve/snap/edge_index.hpp"

#include <algorithm>
#include <cmath>

#include "tryggve/core/error.hpp"

namespace tryggve::snap {

namespace {
// Strict total order of candidates: distance, then edge id, then offset.
inline bool better(double d2, network::EdgeId e, double off, double best_d2, network::EdgeId best_e,
                   double best_off) {
  if (d2 != best_d2) return d2 < best_d2;
  if (e != best_e) return e < best_e;
  return off < best_off;
}
}  // namespace

double EdgeIndex::offset_of(const Seg& s, double t) {
  if (t <= 0.0) return s.start;
  if (t >= 1.0) return s.end;
  return std::min(s.start + t * s.len, s.end);
}

EdgeIndex::EdgeIndex(const network::Network& net, double cell_size) : net_(&net) {
  // Every segment once, with the offset along its edge where it starts.
  double total_len = 0.0;
  for (network::EdgeId e = 0; e < net.edge_count(); ++e) {
    const auto& g = net.edge(e).geometry;
    // Offsets are clamped to the edge's stated length, which may differ from the
    // sum of segment lengths by rounding (or be computed by another rule).
    const double edge_len = std::max(net.edge(e).length, 0.0);
    double start = 0.0;
    for (std::size_t i = 0; i + 1 < g.size(); ++i) {
      const double len = std::hypot(g[i + 1].x - g[i].x, g[i + 1].y - g[i].y);
      const double s0 = std::min(start, edge_len);
      const double end = i + 2 == g.size() ? edge_len : std::min(start + len, edge_len);
      all_.push_back({g[i].x, g[i].y, g[i + 1].x, g[i + 1].y, s0, len, end, e, 0});
      extent_.expand(g[i]);
      extent_.expand(g[i + 1]);
      start += len;
      total_len += len;
    }
    if (g.size() == 1) {  // a degenerate one-point edge still has a place on the map
      all_.push_back({g[0].x, g[0].y, g[0].x, g[0].y, 0.0, 0.0, 0.0, e, 0});
      extent_.expand(g[0]);
    }
  }
  segment_count_ = all_.size();
  if (all_.empty()) return;

  const double w = extent_.width(), h = extent_.height();
  double cell = cell_size;
  if (!(cell > 0.0)) {
    cell = total_len / static_cast<double>(all_.size());
    // At most ~4 cells per segment: a network with a few long edges far apart
    // would otherwise get a huge, mostly empty grid.
    const double min_cell = std::sqrt(w * h / (4.0 * static_cast<double>(all_.size())));
    cell = std::max(cell, min_cell);
    if (!(cell > 0.0)) cell = std::max({w, h, 1.0});
  }
  // Keep the cell count addressable whatever the caller asked for.
  cell = std::max({cell, w / 60000.0, h / 60000.0});
  cell_ = cell;
  inv_cell_ = 1.0 / cell;
  ox_ = extent_.min_x;
  oy_ = extent_.min_y;
  nx_ = static_cast<std::uint32_t>(std::floor(w * inv_cell_)) + 1;
  ny_ = static_cast<std::uint32_t>(std::floor(h * inv_cell_)) + 1;
  const double maxabs = std::max({std::abs(extent_.min_x), std::abs(extent_.max_x), std::abs(extent_.min_y),
                                  std::abs(extent_.max_y)});
  // Rounding in (x - origin) / cell is a few ulps of the coordinates; segments are
  // bucketed generously by this much and the stopping rule keeps this much in hand.
  slack_ = 1e-6 * cell_ + 1e-11 * maxabs;

  // Cells a segment may touch: its (slightly grown) bounding box, minus cells whose
  // centre is farther from the segment than the cell's half diagonal (so a long
  // diagonal street is not put into every cell of its box).
  const double half_diag = 0.5 * std::sqrt(2.0) * cell_ + slack_;
  auto for_cells = [&](const Seg& s, auto&& fn) {
    const auto cx0 = static_cast<std::int64_t>(std::floor((std::min(s.ax, s.bx) - slack_ - ox_) * inv_cell_));
    const auto cx1 = static_cast<std::int64_t>(std::floor((std::max(s.ax, s.bx) + slack_ - ox_) * inv_cell_));
    const auto cy0 = static_cast<std::int64_t>(std::floor((std::min(s.ay, s.by) - slack_ - oy_) * inv_cell_));
    const auto cy1 = static_cast<std::int64_t>(std::floor((std::max(s.ay, s.by) + slack_ - oy_) * inv_cell_));
    const std::int64_t x0 = std::max<std::int64_t>(cx0, 0), x1 = std::min<std::int64_t>(cx1, nx_ - 1);
    const std::int64_t y0 = std::max<std::int64_t>(cy0, 0), y1 = std::min<std::int64_t>(cy1, ny_ - 1);
    const bool small = (x1 - x0) <= 1 || (y1 - y0) <= 1;
    for (std::int64_t y = y0; y <= y1; ++y)
      for (std::int64_t x = x0; x <= x1; ++x) {
        if (!small) {
          const Point c{ox_ + (static_cast<double>(x) + 0.5) * cell_, oy_ + (static_cast<double>(y) + 0.5) * cell_};
          const auto hit = closest_on_segment_exact(c, {s.ax, s.ay}, {s.bx, s.by});
          if (hit.dist2 > half_diag * half_diag) continue;
        }
        fn(static_cast<std::size_t>(y) * nx_ + static_cast<std::size_t>(x));
      }
  };
  const std::size_t ncells = static_cast<std::size_t>(nx_) * ny_;
  std::vector<std::uint32_t> count(ncells + 1, 0);
  for (const auto& s : all_) for_cells(s, [&](std::size_t c) { ++count[c + 1]; });
  for (std::size_t c = 0; c < ncells; ++c) count[c + 1] += count[c];
  if (count[ncells] > 0xFFFFFFF0u)
    throw Error(ErrorCode::Internal, "snap::EdgeIndex", "too many segment-cell entries for the index");
  cell_start_ = count;
  cells_.resize(count[ncells]);
  std::vector<std::uint32_t> fill(count.begin(), count.end() - 1);
  for (const auto& s : all_) for_cells(s, [&](std::size_t c) { cells_[fill[c]++] = s; });
}

void EdgeIndex::consider(const Seg& s, Point p, Candidate& best) const {
  const auto hit = closest_on_segment_exact(p, {s.ax, s.ay}, {s.bx, s.by});
  if (hit.dist2 > best.dist2) return;
  if (best.seg && hit.dist2 == best.dist2) {
    // Only a tie needs the offsets.
    if (!better(hit.dist2, s.edge, offset_of(s, hit.t), best.dist2, best.seg->edge, offset_of(*best.seg, best.t)))
      return;
  }
  best = {&s, hit.dist2, hit.t, hit.point};
}

SnapResult EdgeIndex::finish(const Candidate& c) const {
  SnapResult r;
  r.edge = c.seg->edge;
  r.offset = offset_of(*c.seg, c.t);
  r.distance = std::sqrt(c.dist2);
  r.point = c.point;
  return r;
}

SnapResult EdgeIndex::nearest(Point p, double max_distance) const {
  if (!std::isfinite(p.x) || !std::isfinite(p.y) || !(max_distance >= 0.0) || cells_.empty()) return {};
  const double gx1 = ox_ + nx_ * cell_, gy1 = oy_ + ny_ * cell_;
  {
    const double dx = std::max({0.0, ox_ - p.x, p.x - gx1}), dy = std::max({0.0, oy_ - p.y, p.y - gy1});
    if (std::hypot(dx, dy) - slack_ > max_distance) return {};
  }
  const auto clampi = [](double v, std::uint32_t n) -> std::int64_t {
    if (!(v > 0.0)) return 0;
    if (v >= static_cast<double>(n - 1)) return n - 1;
    return static_cast<std::int64_t>(v);
  };
  const std::int64_t cx = clampi(std::floor((p.x - ox_) * inv_cell_), nx_);
  const std::int64_t cy = clampi(std::floor((p.y - oy_) * inv_cell_), ny_);
  const double max_d = max_distance + slack_;
  Candidate best;

  auto visit = [&](std::int64_t x, std::int64_t y, bool prune) {
    if (prune) {
      // Nearest point of the cell to p: skip the cell if it cannot hold a
      // segment at least as near as the best one (or within the maximum).
      const double x0 = ox_ + static_cast<double>(x) * cell_, y0 = oy_ + static_cast<double>(y) * cell_;
      const double dx = std::max({0.0, x0 - p.x, p.x - (x0 + cell_)});
      const double dy = std::max({0.0, y0 - p.y, p.y - (y0 + cell_)});
      const double dc = std::sqrt(dx * dx + dy * dy) - slack_;
      if (dc > max_d) return;
      if (best.seg && dc * dc > best.dist2 && dc > 0.0) return;
    }
    const std::size_t c = static_cast<std::size_t>(y) * nx_ + static_cast<std::size_t>(x);
    for (std::uint32_t i = cell_start_[c], e = cell_start_[c + 1]; i < e; ++i) consider(cells_[i], p, best);
  };

  const std::int64_t nx = nx_, ny = ny_;
  for (std::int64_t r = 0;; ++r) {
    const std::int64_t x0 = cx - r, x1 = cx + r, y0 = cy - r, y1 = cy + r;
    if (r == 0) {
      visit(cx, cy, false);
    } else {
      const std::int64_t cx0 = std::max<std::int64_t>(x0, 0), cx1 = std::min(x1, nx - 1);
      if (y0 >= 0) for (std::int64_t x = cx0; x <= cx1; ++x) visit(x, y0, true);
      if (y1 < ny) for (std::int64_t x = cx0; x <= cx1; ++x) visit(x, y1, true);
      const std::int64_t cy0 = std::max<std::int64_t>(y0 + 1, 0), cy1 = std::min(y1 - 1, ny - 1);
      if (x0 >= 0) for (std::int64_t y = cy0; y <= cy1; ++y) visit(x0, y, true);
      if (x1 < nx) for (std::int64_t y = cy0; y <= cy1; ++y) visit(x1, y, true);
    }
    // Every cell not yet visited lies beyond one of the sides of the visited
    // box that are inside the grid: its distance from p is a lower bound for
    // any segment not yet seen (a segment is in every cell it touches).
    double bound = std::numeric_limits<double>::infinity();
    if (x0 > 0) bound = std::min(bound, p.x - (ox_ + static_cast<double>(x0) * cell_));
    if (x1 < nx - 1) bound = std::min(bound, ox_ + static_cast<double>(x1 + 1) * cell_ - p.x);
    if (y0 > 0) bound = std::min(bound, p.y - (oy_ + static_cast<double>(y0) * cell_));
    if (y1 < ny - 1) bound = std::min(bound, oy_ + static_cast<double>(y1 + 1) * cell_ - p.y);
    if (std::isinf(bound)) break;  // the whole grid has been searched
    bound = std::max(bound, 0.0) - slack_;
    if (bound > max_d) break;
    // Strictly nearer than anything unseen: a segment at exactly the bound could tie.
    if (best.seg && bound > 0.0 && best.dist2 < bound * bound) break;
  }
  if (!best.seg || !(std::sqrt(best.dist2) <= max_distance)) return {};
  return finish(best);
}

SnapResult EdgeIndex::nearest_brute_force(Point p, double max_distance) const {
  if (!std::isfinite(p.x) || !std::isfinite(p.y) || !(max_distance >= 0.0)) return {};
  Candidate best;
  for (const auto& s : all_) consider(s, p, best);
  if (!best.seg || !(std::sqrt(best.dist2) <= max_distance)) return {};
  return finish(best);
}

}  // namespace tryggve::snap
