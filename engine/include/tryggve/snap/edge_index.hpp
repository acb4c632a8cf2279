#pragma once
// Nearest street edge of a point: the spatial index behind snapping incidents.
//
// Every polyline segment of every edge is indexed (not the edges' bounding
// boxes, which for a long curved street cover far more than the street), so
// the answer is the exact nearest point on the network's geometry.
//
// Why a flat uniform grid and not GEOS's STRtree: the query is "nearest
// segment to a point", millions of times, and the target is >= 1 million
// points per second on 2 cores. Through GEOS's C API an STRtree query needs a
// GEOSGeometry built per query point and a C callback per candidate item, and
// its nearest-neighbour search (GEOSSTRtree_nearest_generic_r) calls back for
// every node-item distance: a few microseconds per point before any work is
// done. A grid whose cell is about one segment long puts the nearest segment
// in the point's own cell or the ring around it almost always; the segments
// of a cell are stored contiguously (CSR arrays holding the coordinates
// themselves, not ids), so a query is a couple of cache lines and ~10-30
// point-segment distances, with no allocation. Cells are searched ring by
// ring around the point with an exact stopping rule (below), so the result
// is the same as a brute-force scan over all segments, ties included.
// (Measured on the 100,800-edge benchmark grid: see bench/README.md.)
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "tryggve/core/geometry.hpp"
#include "tryggve/network/network.hpp"

namespace tryggve::snap {

// Where a point lands on the network.
struct SnapResult {
  network::EdgeId edge = network::kNoEdge;  // kNoEdge: no edge within the maximum distance
  double offset = 0.0;    // along the edge from its `from` vertex, in CRS units, in [0, edge.length]
  double distance = std::numeric_limits<double>::infinity();  // from the point to `point`
  Point point;            // the snapped point, on the edge's geometry
  bool found() const { return edge != network::kNoEdge; }
  network::NetworkPosition position() const { return {edge, offset}; }
};

// Closest point to p on segment ab as the parameter t in [0, 1] and the squared
// distance. When t is clamped to an end, the end point itself is used (not
// a + 1*(b-a), which may round differently), so a point equidistant from
// several edges meeting at a vertex gets bit-identical distances to each of
// them and the tie-break below decides. The index and any brute-force check
// use this one function.
struct SegmentHit {
  double t;
  double dist2;
  Point point;
};
inline SegmentHit closest_on_segment_exact(Point p, Point a, Point b) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double len2 = dx * dx + dy * dy;
  double t = len2 > 0.0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0.0;
  Point q;
  if (!(t > 0.0)) { t = 0.0; q = a; }
  else if (t >= 1.0) { t = 1.0; q = b; }
  else q = {a.x + t * dx, a.y + t * dy};
  const double ex = p.x - q.x, ey = p.y - q.y;
  return {t, ex * ex + ey * ey, q};
}

class EdgeIndex {
 public:
  EdgeIndex() = default;
  // Indexes every segment of every edge of `net`, which must outlive the
  // index. cell_size <= 0 chooses it from the mean segment length (bounded so
  // the grid has at most about 4 cells per segment).
  explicit EdgeIndex(const network::Network& net, double cell_size = 0.0);

  // The nearest edge to p with snap distance <= max_distance, or a result with
  // found() == false. Equal distances are broken by the lowest edge id, then the
  // lowest offset, so the answer is that of a brute-force scan over all segments
  // with closest_on_segment_exact. A NaN/inf point or a negative max_distance
  // gives no edge. Thread-safe (const, no shared mutable state).
  SnapResult nearest(Point p, double max_distance) const;

  // The same answer by scanning every segment: for tests and checks, O(segments).
  SnapResult nearest_brute_force(Point p, double max_distance) const;

  const network::Network& network() const { return *net_; }
  std::size_t segment_count() const { return segment_count_; }
  double cell_size() const { return cell_; }
  // Cells along x and y.
  std::uint32_t columns() const { return nx_; }
  std::uint32_t rows() const { return ny_; }
  // The network's extent (all vertices of all edge geometries).
  const Envelope& extent() const { return extent_; }

 private:
  // One segment as stored in a cell: its coordinates (so a query does not
  // chase an id), its edge and the offset along the edge where it starts.
  // 64 bytes: one cache line per candidate, and finishing a query never
  // touches the (large, scattered) Edge records.
  struct Seg {
    double ax, ay, bx, by;
    double start;  // offset of `a` along the edge
    double len;    // |ab|
    double end;    // offset of `b`: start + len, or the edge's length for its last segment
    network::EdgeId edge;
    std::uint32_t pad = 0;
  };
  struct Candidate {
    const Seg* seg = nullptr;
    double dist2 = std::numeric_limits<double>::infinity();
    double t = 0.0;
    Point point;
  };
  void consider(const Seg& s, Point p, Candidate& best) const;
  SnapResult finish(const Candidate& c) const;
  static double offset_of(const Seg& s, double t);

  const network::Network* net_ = nullptr;
  Envelope extent_;
  double cell_ = 1.0, inv_cell_ = 1.0;
  double ox_ = 0.0, oy_ = 0.0;  // grid origin (lower left)
  double slack_ = 0.0;          // allowance for rounding in cell arithmetic
  std::uint32_t nx_ = 0, ny_ = 0;
  std::size_t segment_count_ = 0;
  std::vector<std::uint32_t> cell_start_;  // CSR: segments of cell c are cells_[cell_start_[c] .. cell_start_[c+1])
  std::vector<Seg> cells_;
  std::vector<Seg> all_;  // every segment once, in (edge, segment) order: the brute force scans this
};

}  // namespace tryggve::snap
