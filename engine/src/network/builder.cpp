#include "tryggve/network/builder.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <memory>
#include <limits>
#include <unordered_map>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "geos_handle.hpp"

namespace tryggve::network {

const char* to_string(Noding n) {
  switch (n) {
    case Noding::SharedVertices: return "shared_vertices";
    case Noding::Full: return "full";
    case Noding::None: return "none";
  }
  return "?";
}

Noding parse_noding(const std::string& s) {
  if (s == "shared_vertices") return Noding::SharedVertices;
  if (s == "full") return Noding::Full;
  if (s == "none") return Noding::None;
  throw Error(ErrorCode::BadOption, "noding", "'" + s + "' is not one of shared_vertices, full, none");
}

namespace {

// Exact coordinates as a hash key: the bit patterns of the doubles, with -0.0
// folded onto +0.0 so that the two compare equal as they do as numbers.
struct Key {
  std::uint64_t x, y;
  friend bool operator==(const Key&, const Key&) = default;
};
inline Key key_of(Point p) {
  return {std::bit_cast<std::uint64_t>(p.x == 0.0 ? 0.0 : p.x),
          std::bit_cast<std::uint64_t>(p.y == 0.0 ? 0.0 : p.y)};
}
inline std::uint64_t mix(std::uint64_t z) {  // splitmix64 finaliser
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
struct KeyHash {
  std::size_t operator()(const Key& k) const { return mix(k.x ^ mix(k.y)); }
};

// Distinct exact coordinates, numbered in the order first seen. An open-
// addressing table (linear probing, power-of-two size, at most half full): one
// flat allocation instead of a node per point. Lookups only: ids come from the
// insertion order, never from the table's layout.
class PointIds {
 public:
  explicit PointIds(std::size_t expected) {
    std::size_t cap = 16;
    while (cap < 2 * expected) cap *= 2;
    slots_.assign(cap, Slot{{0, 0}, kEmpty});
    points_.reserve(expected);
  }
  std::uint32_t intern(Point p) {
    if (2 * (points_.size() + 1) > slots_.size()) grow();
    const Key k = key_of(p);
    Slot* s = probe(k);
    if (s->id == kEmpty) {
      *s = {k, static_cast<std::uint32_t>(points_.size())};
      points_.push_back(p);
    }
    return s->id;
  }
  const Point& point(std::uint32_t id) const { return points_[id]; }
  std::size_t size() const { return points_.size(); }
  bool contains(Point p) const { return const_cast<PointIds*>(this)->probe(key_of(p))->id != kEmpty; }

 private:
  static constexpr std::uint32_t kEmpty = std::numeric_limits<std::uint32_t>::max();
  struct Slot {
    Key key;
    std::uint32_t id;
  };
  Slot* probe(const Key& k) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = KeyHash{}(k) & mask;; i = (i + 1) & mask)
      if (slots_[i].id == kEmpty || slots_[i].key == k) return &slots_[i];
  }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2, Slot{{0, 0}, kEmpty});
    old.swap(slots_);
    for (const Slot& s : old)
      if (s.id != kEmpty) *probe(s.key) = s;
  }
  std::vector<Slot> slots_;
  std::vector<Point> points_;
};

std::string line_where(const std::vector<StreetLine>& lines, std::size_t i) {
  return fmt::format("street line {} (source id {})", i, lines[i].source_id);
}

// Removes consecutive identical vertices; returns how many.
std::size_t drop_repeated_points(Polyline& g) {
  const auto before = g.size();
  g.erase(std::unique(g.begin(), g.end()), g.end());
  return before - g.size();
}

// Moves line ends onto a vertex within `tol` (see BuildOptions::node_tolerance_m).
// Interior vertices are anchors from the start; ends are decided in the order
// they are first met, each joining the nearest anchor within tol or becoming one.
// Returns how many distinct end coordinates moved.
std::size_t snap_line_ends(std::vector<StreetLine>& lines, double tol) {
  std::size_t total = 0;
  for (const auto& l : lines) total += l.geometry.size();
  PointIds ids(total);
  std::vector<std::uint8_t> interior;
  for (auto& l : lines) {
    const auto& g = l.geometry;
    for (std::size_t k = 0; k < g.size(); ++k) {
      const auto id = ids.intern(g[k]);
      if (id >= interior.size()) interior.resize(id + 1, 0);
      if (k != 0 && k + 1 != g.size()) interior[id] = 1;
    }
  }
  const std::size_t n = ids.size();
  // A grid of cells of side tol: every vertex within tol of p is in p's 3 x 3 block.
  auto cell = [tol](Point p) {
    auto c = [tol](double v) {
      const double q = std::floor(v / tol);
      return static_cast<std::int64_t>(std::clamp(q, -4.0e18, 4.0e18));
    };
    return std::pair<std::int64_t, std::int64_t>{c(p.x), c(p.y)};
  };
  struct CellHash {
    std::size_t operator()(const std::pair<std::int64_t, std::int64_t>& c) const {
      return mix(static_cast<std::uint64_t>(c.first) ^ mix(static_cast<std::uint64_t>(c.second)));
    }
  };
  std::unordered_map<std::pair<std::int64_t, std::int64_t>, std::vector<std::uint32_t>, CellHash> grid;
  grid.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) grid[cell(ids.point(i))].push_back(i);

  std::vector<std::uint32_t> rep(n);
  std::vector<std::uint8_t> anchor(interior.begin(), interior.end());
  std::size_t moved = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    rep[i] = i;
    if (interior[i]) continue;
    const Point p = ids.point(i);
    const auto [cx, cy] = cell(p);
    std::uint32_t best = i;
    double best_d = std::numeric_limits<double>::infinity();
    for (std::int64_t dx = -1; dx <= 1; ++dx)
      for (std::int64_t dy = -1; dy <= 1; ++dy) {
        auto it = grid.find({cx + dx, cy + dy});
        if (it == grid.end()) continue;
        for (std::uint32_t j : it->second) {
          if (j == i || !anchor[j]) continue;
          const double d = distance(p, ids.point(j));
          if (d <= tol && (d < best_d || (d == best_d && j < best))) {
            best = j;
            best_d = d;
          }
        }
      }
    if (best != i) {
      rep[i] = best;
      ++moved;
    } else {
      anchor[i] = 1;
    }
  }
  if (moved == 0) return 0;
  for (auto& l : lines) {
    auto& g = l.geometry;
    if (g.empty()) continue;
    g.front() = ids.point(rep[ids.intern(g.front())]);
    g.back() = ids.point(rep[ids.intern(g.back())]);
  }
  return moved;
}

// A polyline entering the split: all or part of input line `line`, in the
// line's direction, starting `offset` along it.
struct Part {
  std::uint32_t line = 0;
  double offset = 0.0;
  Polyline pts;
};

// Input segments bucketed in a uniform grid, to find which input lines a point
// of a noded piece lies on.
class SegmentGrid {
 public:
  SegmentGrid(const std::vector<StreetLine>& lines, const std::vector<std::uint32_t>& usable) : lines_(lines) {
    std::size_t nseg = 0;
    for (auto i : usable) {
      for (const auto& p : lines[i].geometry) env_.expand(p);
      nseg += lines[i].geometry.size() - 1;
    }
    const double w = std::max(env_.width(), 0.0), h = std::max(env_.height(), 0.0);
    // About one segment per cell on average, at most 2048 cells a side.
    double c = std::sqrt(std::max(w * h, 1e-300) / static_cast<double>(std::max<std::size_t>(nseg, 1)));
    c = std::max({c, w / 2048.0, h / 2048.0});
    if (!(c > 0.0) || !std::isfinite(c)) c = 1.0;
    cell_ = c;
    nx_ = static_cast<std::size_t>(w / c) + 1;
    ny_ = static_cast<std::size_t>(h / c) + 1;
    start_.assign(nx_ * ny_ + 1, 0);
    // Two passes (count, fill): a CSR of segment references per cell.
    for (int pass = 0; pass < 2; ++pass) {
      std::vector<std::uint32_t> fill;
      if (pass == 1) {
        for (std::size_t k = 1; k < start_.size(); ++k) start_[k] += start_[k - 1];
        refs_.resize(start_.back());
        fill.assign(start_.begin(), start_.end() - 1);
      }
      for (auto i : usable) {
        const auto& g = lines[i].geometry;
        for (std::uint32_t s = 0; s + 1 < g.size(); ++s) {
          // (std::minmax of temporaries would return dangling references)
          const std::size_t xa = ix(g[s].x), xb = ix(g[s + 1].x), ya = iy(g[s].y), yb = iy(g[s + 1].y);
          const std::size_t x0 = std::min(xa, xb), x1 = std::max(xa, xb);
          const std::size_t y0 = std::min(ya, yb), y1 = std::max(ya, yb);
          for (auto x = x0; x <= x1; ++x)
            for (auto y = y0; y <= y1; ++y) {
              const auto cid = y * nx_ + x;
              if (pass == 0) ++start_[cid + 1];
              else refs_[fill[cid]++] = {i, s};
            }
        }
      }
    }
    scale_ = std::max({std::abs(env_.min_x), std::abs(env_.max_x), std::abs(env_.min_y), std::abs(env_.max_y), w, h});
  }

  struct Hit {
    std::uint32_t line, seg;
  };
  // Segments within eps of p, in (line, segment) order.
  std::vector<Hit> near(Point p, double eps) const {
    std::vector<Hit> out;
    for (auto x = ix(p.x - eps); x <= ix(p.x + eps); ++x)
      for (auto y = iy(p.y - eps); y <= iy(p.y + eps); ++y)
        for (auto k = start_[y * nx_ + x]; k < start_[y * nx_ + x + 1]; ++k) {
          const auto& r = refs_[k];
          const auto& g = lines_[r.line].geometry;
          if (distance(p, closest_on_segment(p, g[r.seg], g[r.seg + 1])) <= eps) out.push_back({r.line, r.seg});
        }
    std::sort(out.begin(), out.end(), [](Hit a, Hit b) { return a.line != b.line ? a.line < b.line : a.seg < b.seg; });
    out.erase(std::unique(out.begin(), out.end(), [](Hit a, Hit b) { return a.line == b.line && a.seg == b.seg; }),
              out.end());
    return out;
  }
  // Coordinates GEOS computes for crossings are within a few ulps of the true
  // segments; this is far above that and far below any real gap between streets
  // (7 micrometres at SWEREF99 TM northings).
  double eps() const { return std::max(scale_ * 1e-12, 1e-12); }

 private:
  std::size_t ix(double x) const {
    const double q = std::floor((x - env_.min_x) / cell_);
    return static_cast<std::size_t>(std::clamp(q, 0.0, static_cast<double>(nx_ - 1)));
  }
  std::size_t iy(double y) const {
    const double q = std::floor((y - env_.min_y) / cell_);
    return static_cast<std::size_t>(std::clamp(q, 0.0, static_cast<double>(ny_ - 1)));
  }
  struct Ref {
    std::uint32_t line, seg;
  };
  const std::vector<StreetLine>& lines_;
  Envelope env_;
  double cell_ = 1.0, scale_ = 1.0;
  std::size_t nx_ = 1, ny_ = 1;
  std::vector<std::uint32_t> start_;
  std::vector<Ref> refs_;
};

// `full` noding: GEOSNode_r on all usable lines at once, then each noded piece is
// given back to every input line it lies on (more than one where lines overlap;
// GEOS keeps one copy of an overlap, and the duplicate merge counts the rest).
std::vector<Part> node_with_geos(const std::vector<StreetLine>& lines, const std::vector<std::uint32_t>& usable,
                                 std::size_t* geos_pieces) {
  geos::GeosContext ctx;
  std::vector<GEOSGeometry*> geoms;
  geoms.reserve(usable.size());
  for (auto i : usable) geoms.push_back(geos::make_linestring(ctx, lines[i].geometry).release());
  GEOSGeometry* coll =
      GEOSGeom_createCollection_r(ctx, GEOS_MULTILINESTRING, geoms.data(), static_cast<unsigned>(geoms.size()));
  if (!coll) {
    for (auto* g : geoms) GEOSGeom_destroy_r(ctx, g);
    ctx.fail("street network (full noding)", "GEOSGeom_createCollection_r");
  }
  auto all = geos::adopt(ctx, coll);
  auto noded = geos::adopt(ctx, GEOSNode_r(ctx, all.get()));
  if (!noded) ctx.fail("street network (full noding)", "GEOSNode_r");
  all.reset();

  const int n = GEOSGetNumGeometries_r(ctx, noded.get());
  *geos_pieces = static_cast<std::size_t>(std::max(n, 0));
  SegmentGrid grid(lines, usable);
  // Length of each line up to each of its vertices, for the pieces' offsets.
  std::vector<std::vector<double>> along(lines.size());
  for (auto i : usable) {
    const auto& g = lines[i].geometry;
    along[i].resize(g.size(), 0.0);
    for (std::size_t s = 1; s < g.size(); ++s) along[i][s] = along[i][s - 1] + distance(g[s - 1], g[s]);
  }
  std::vector<Part> parts;
  parts.reserve(static_cast<std::size_t>(n) + 16);
  for (int k = 0; k < n; ++k) {
    Polyline pts = geos::linestring_points(ctx, GEOSGetGeometryN_r(ctx, noded.get(), k));
    drop_repeated_points(pts);
    if (pts.size() < 2) continue;
    // The middle of the piece's first segment lies inside one segment of each
    // line the piece belongs to, and on no other line (any other line through it
    // would have made a node there).
    const Point probe{0.5 * (pts[0].x + pts[1].x), 0.5 * (pts[0].y + pts[1].y)};
    auto hits = grid.near(probe, grid.eps());
    if (hits.empty()) hits = grid.near(probe, grid.eps() * 1e3);
    if (hits.empty())
      throw Error(ErrorCode::Internal, "street network (full noding)",
                  fmt::format("a noded piece at ({}, {}) lies on no input line", probe.x, probe.y));
    const double piece_len = length(pts);
    for (const auto& h : hits) {
      const auto& g = lines[h.line].geometry;
      const double at_front = along[h.line][h.seg] + distance(g[h.seg], pts[0]);
      const double dx = g[h.seg + 1].x - g[h.seg].x, dy = g[h.seg + 1].y - g[h.seg].y;
      const bool against = dx * (pts[1].x - pts[0].x) + dy * (pts[1].y - pts[0].y) < 0.0;
      Part part{h.line, against ? std::max(0.0, at_front - piece_len) : at_front, pts};
      if (against) std::reverse(part.pts.begin(), part.pts.end());
      parts.push_back(std::move(part));
    }
  }
  // Back into input order: by line, then along it.
  std::stable_sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) {
    return a.line != b.line ? a.line < b.line : a.offset < b.offset;
  });
  return parts;
}

// Canonical orientation for duplicate detection: from the lower vertex id; a
// self-loop from the lexicographically smaller end.
bool canonical_reversed(VertexId from, VertexId to, const Polyline& g) {
  if (from != to) return from > to;
  auto lex_less = [](Point a, Point b) { return a.x != b.x ? a.x < b.x : a.y < b.y; };
  return std::lexicographical_compare(g.rbegin(), g.rend(), g.begin(), g.end(), lex_less);
}
std::uint64_t geometry_hash(VertexId a, VertexId b, const Polyline& g, bool reversed) {
  std::uint64_t h = mix((static_cast<std::uint64_t>(std::min(a, b)) << 32) | std::max(a, b)) ^ mix(g.size());
  auto add = [&h](Point p) {
    const Key k = key_of(p);
    h = mix(h ^ k.x) + 0x9e3779b97f4a7c15ULL;
    h = mix(h ^ k.y);
  };
  if (reversed) for (auto it = g.rbegin(); it != g.rend(); ++it) add(*it);
  else for (const auto& p : g) add(p);
  return h;
}
bool same_geometry(const Polyline& a, bool a_rev, const Polyline& b, bool b_rev) {
  if (a.size() != b.size()) return false;
  const std::size_t n = a.size();
  for (std::size_t i = 0; i < n; ++i) {
    const Point& p = a_rev ? a[n - 1 - i] : a[i];
    const Point& q = b_rev ? b[n - 1 - i] : b[i];
    if (!(key_of(p) == key_of(q))) return false;
  }
  return true;
}

std::string thousands(std::size_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

}  // namespace

// The steps of build_network, with the state they share.
class Builder {
 public:
  Builder(std::vector<StreetLine> lines, const BuildOptions& o) : lines_(std::move(lines)), opt_(o) {}

  Network run(BuildReport& r, LineIndex* index) {
    const auto t0 = std::chrono::steady_clock::now();
    r = {};
    r.noding = opt_.noding;
    r.input_lines = lines_.size();
    if (!(opt_.node_tolerance_m >= 0.0) || !std::isfinite(opt_.node_tolerance_m))
      throw Error(ErrorCode::BadOption, "node_tolerance_m",
                  fmt::format("must be a finite distance >= 0, not {}", opt_.node_tolerance_m));
    if (lines_.size() >= std::numeric_limits<std::uint32_t>::max())
      throw Error(ErrorCode::BadOption, "street network", "too many lines for 32-bit ids");

    // Validate, and drop repeated points (they would make zero-length pieces).
    for (std::size_t i = 0; i < lines_.size(); ++i) {
      auto& g = lines_[i].geometry;
      r.input_points += g.size();
      for (std::size_t k = 0; k < g.size(); ++k)
        if (!std::isfinite(g[k].x) || !std::isfinite(g[k].y))
          throw Error(ErrorCode::BadCoordinate, line_where(lines_, i),
                      fmt::format("vertex {} is ({}, {})", k, g[k].x, g[k].y));
      r.repeated_points_removed += drop_repeated_points(g);
    }
    if (opt_.node_tolerance_m > 0.0) {
      r.snapped_vertices = snap_line_ends(lines_, opt_.node_tolerance_m);
      if (r.snapped_vertices)
        for (auto& l : lines_) r.repeated_points_removed += drop_repeated_points(l.geometry);
    }
    std::vector<std::uint32_t> usable;
    usable.reserve(lines_.size());
    for (std::uint32_t i = 0; i < lines_.size(); ++i) {
      if (lines_[i].geometry.size() >= 2) usable.push_back(i);
      else ++r.zero_length_dropped;
    }
    if (usable.empty())
      throw Error(ErrorCode::EmptyNetwork, "street network",
                  fmt::format("none of the {} lines has any length", lines_.size()));

    std::vector<Part> parts;
    std::unique_ptr<PointIds> input_vertices;
    if (opt_.noding == Noding::Full) {
      const auto tn = std::chrono::steady_clock::now();
      // The input vertices, to count the crossings GEOS adds.
      input_vertices = std::make_unique<PointIds>(r.input_points);
      for (auto i : usable)
        for (const auto& p : lines_[i].geometry) input_vertices->intern(p);
      std::size_t geos_pieces = 0;
      parts = node_with_geos(lines_, usable, &geos_pieces);
      r.input_parts = geos_pieces;
      r.noding_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - tn).count();
    } else {
      parts.reserve(usable.size());
      for (auto i : usable) parts.push_back({i, 0.0, std::move(lines_[i].geometry)});
      r.input_parts = parts.size();
    }

    split(parts, r, input_vertices.get());
    Network net(std::move(vertices_), std::move(edges_), opt_.crs_wkt);

    // Components, before the optional keep-largest.
    r.components = net.component_count();
    const auto lengths = net.component_lengths();
    for (std::size_t c = 0; c < r.components; ++c) {
      if (c == 0) {
        r.largest_component_edges = net.component_edge_counts()[0];
        r.largest_component_length = lengths[0];
      } else {
        r.other_components_edges += net.component_edge_counts()[c];
        r.other_components_length += lengths[c];
      }
    }
    if (opt_.largest_component_only && r.components > 1) {
      // largest_component() keeps component-0 edges in id order.
      std::vector<EdgeId> remap(net.edge_count(), kNoEdge);
      EdgeId next = 0;
      for (EdgeId e = 0; e < net.edge_count(); ++e)
        if (net.edge(e).component == 0) remap[e] = next++;
      for (auto& line : index_.lines_)
        for (auto& piece : line)
          if (piece.edge != kNoEdge) piece.edge = remap[piece.edge];
      net = net.largest_component();
      r.kept_largest_only = true;
    }
    r.self_loops = 0;
    for (const auto& e : net.edges()) r.self_loops += e.from == e.to;
    r.edges_out = net.edge_count();
    r.vertices_out = net.vertex_count();
    r.total_length = net.total_length();
    if (index) *index = std::move(index_);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return net;
  }

 private:
  // Cut every part at its nodes, number vertices and edges, merge duplicates.
  void split(std::vector<Part>& parts, BuildReport& r, const PointIds* input_vertices) {
    std::size_t npts = 0;
    for (const auto& p : parts) npts += p.pts.size();
    PointIds ids(npts);
    std::vector<std::uint32_t> pid(npts);  // point id of every part vertex, flattened
    // A vertex is a node where the lines do not simply pass through: at a line
    // end, or where the segments at it reach other than exactly two distinct
    // neighbours (two lines crossing or touching there: three or more; a line
    // turning back on itself: one). Counting occurrences instead would split
    // overlapping duplicate lines at every vertex.
    constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
    std::vector<std::uint32_t> nb1, nb2;  // the first two distinct neighbours seen
    std::vector<std::uint8_t> end, many;  // a line end; a third distinct neighbour seen
    {
      std::size_t k = 0;
      for (const auto& p : parts)
        for (std::size_t j = 0; j < p.pts.size(); ++j, ++k) {
          const auto id = ids.intern(p.pts[j]);
          pid[k] = id;
          if (id >= end.size()) {
            nb1.push_back(kNone);
            nb2.push_back(kNone);
            end.push_back(0);
            many.push_back(0);
          }
          if (j == 0 || j + 1 == p.pts.size()) end[id] = 1;
        }
    }
    auto neighbour = [&](std::uint32_t id, std::uint32_t n) {
      if (nb1[id] == kNone || nb1[id] == n) nb1[id] = n;
      else if (nb2[id] == kNone || nb2[id] == n) nb2[id] = n;
      else many[id] = 1;
    };
    {
      std::size_t k = 0;
      for (const auto& p : parts) {
        for (std::size_t j = 0; j + 1 < p.pts.size(); ++j) {
          neighbour(pid[k + j], pid[k + j + 1]);
          neighbour(pid[k + j + 1], pid[k + j]);
        }
        k += p.pts.size();
      }
    }
    const bool interior_nodes = opt_.noding != Noding::None;
    auto is_node = [&](std::uint32_t id) { return end[id] || (interior_nodes && (many[id] || nb2[id] == kNone)); };
    std::vector<VertexId> vid(ids.size(), std::numeric_limits<VertexId>::max());
    auto vertex = [&](std::uint32_t id) {
      if (vid[id] == std::numeric_limits<VertexId>::max()) {
        vid[id] = static_cast<VertexId>(vertices_.size());
        vertices_.push_back(ids.point(id));
        if (input_vertices && !input_vertices->contains(ids.point(id))) ++r.crossings_added;
      }
      return vid[id];
    };

    index_.lines_.assign(lines_.size(), {});
    // Duplicate candidates share both vertices: kept edges chained per vertex
    // pair (the pair's first edge in a table keyed by the pair, the rest linked
    // through same_pair), compared by geometry hash, then exactly.
    PointIds pairs(parts.size() + vertices_.size());
    std::vector<EdgeId> pair_head, same_pair;
    std::vector<std::uint64_t> kept_hash;
    std::vector<std::uint8_t> kept_reversed;  // canonical orientation of each kept edge
    std::size_t pieces = 0;

    std::size_t base = 0;
    for (const auto& part : parts) {
      const auto& src = lines_[part.line];
      const std::size_t n = part.pts.size();
      std::size_t a = 0;
      double along = 0.0, at_a = 0.0;
      VertexId from = vertex(pid[base]);
      for (std::size_t k = 1; k < n; ++k) {
        along += distance(part.pts[k - 1], part.pts[k]);
        if (!is_node(pid[base + k])) continue;
        const VertexId to = vertex(pid[base + k]);
        ++pieces;
        Polyline geom(part.pts.begin() + static_cast<std::ptrdiff_t>(a),
                      part.pts.begin() + static_cast<std::ptrdiff_t>(k) + 1);
        LinePiece lp{part.offset + at_a, part.offset + along, kNoEdge, false};
        const bool rev = canonical_reversed(from, to, geom);
        const auto h = geometry_hash(from, to, geom, rev);
        // The pair (lower, higher vertex id) as a "point" key: exact, never rounded.
        const auto pair = pairs.intern({static_cast<double>(std::min(from, to)), static_cast<double>(std::max(from, to))});
        if (pair >= pair_head.size()) pair_head.push_back(kNoEdge);
        EdgeId dup = kNoEdge;
        for (EdgeId c = pair_head[pair]; c != kNoEdge; c = same_pair[c])
          if (kept_hash[c] == h && same_geometry(edges_[c].geometry, kept_reversed[c], geom, rev)) {
            dup = c;
            break;
          }
        if (dup != kNoEdge) {
          ++r.duplicates_merged;
          lp.edge = dup;
          lp.reversed = rev != static_cast<bool>(kept_reversed[dup]);
        } else {
          Edge e;
          e.from = from;
          e.to = to;
          e.length = along - at_a;
          e.geometry = std::move(geom);
          e.source_id = src.source_id;
          e.name = src.name;
          e.highway = src.highway;
          e.lit = src.lit;
          e.tunnel = src.tunnel;
          lp.edge = static_cast<EdgeId>(edges_.size());
          same_pair.push_back(pair_head[pair]);
          pair_head[pair] = lp.edge;
          kept_hash.push_back(h);
          kept_reversed.push_back(rev);
          edges_.push_back(std::move(e));
        }
        index_.lines_[part.line].push_back(lp);
        a = k;
        at_a = along;
        from = to;
      }
      base += n;
    }
    std::size_t lines_with_pieces = 0;
    for (const auto& l : index_.lines_) lines_with_pieces += !l.empty();
    r.split_points = pieces - lines_with_pieces;
  }

  std::vector<StreetLine> lines_;
  BuildOptions opt_;
  std::vector<Point> vertices_;
  std::vector<Edge> edges_;
  LineIndex index_;
};

NetworkPosition LineIndex::locate(std::size_t line, double offset, const Network& net) const {
  if (line >= lines_.size() || lines_[line].empty()) return {kNoEdge, 0.0};
  const auto& ps = lines_[line];
  offset = std::clamp(offset, ps.front().start, ps.back().end);
  // The last piece starting at or before the offset.
  auto it = std::upper_bound(ps.begin(), ps.end(), offset, [](double o, const LinePiece& p) { return o < p.start; });
  const LinePiece& p = it == ps.begin() ? ps.front() : *std::prev(it);
  if (p.edge == kNoEdge) return {kNoEdge, 0.0};
  const double along = p.reversed ? p.end - offset : offset - p.start;
  return {p.edge, std::clamp(along, 0.0, net.edge(p.edge).length)};
}

Network build_network(std::vector<StreetLine> lines, const BuildOptions& options, BuildReport* report,
                      LineIndex* index) {
  BuildReport local;
  Builder b(std::move(lines), options);
  return b.run(report ? *report : local, index);
}

std::string BuildReport::summary() const {
  std::string s = fmt::format("network: {} lines -> {} edges, {} vertices, {:.2f} km (noding {}, {:.2f} s)\n",
                              thousands(input_lines), thousands(edges_out), thousands(vertices_out),
                              total_length / 1000.0, to_string(noding), seconds);
  s += fmt::format("  split points {}, duplicates merged {}, zero-length lines dropped {}, self-loops {}",
                   thousands(split_points), thousands(duplicates_merged), thousands(zero_length_dropped),
                   thousands(self_loops));
  if (noding == Noding::Full) s += fmt::format(", crossings added {}", thousands(crossings_added));
  if (snapped_vertices) s += fmt::format(", line ends snapped {}", thousands(snapped_vertices));
  if (repeated_points_removed) s += fmt::format(", repeated points removed {}", thousands(repeated_points_removed));
  s += "\n";
  s += fmt::format("  components {}: largest {} edges / {:.2f} km", thousands(components),
                   thousands(largest_component_edges), largest_component_length / 1000.0);
  if (components > 1)
    s += fmt::format("; {} others: {} edges / {:.2f} km{}", thousands(components - 1),
                     thousands(other_components_edges), other_components_length / 1000.0,
                     kept_largest_only ? " (removed)" : " (kept)");
  s += "\n";
  return s;
}

}  // namespace tryggve::network
