#pragma once
// Building the topological street network from input lines (OSM ways or the
// features of any line layer), in the run's metric CRS.
//
//   lines ──validate──> drop repeated points ──snap (node_tolerance_m)──> drop zero-length
//         ──noding (full: GEOS) ──split at shared vertices──> merge duplicates
//         ──Network (components)──> keep largest (optional)
//
// Promises:
//  - Every edge is a piece of exactly one input line between two consecutive
//    nodes of that line; it keeps the line's attributes (source_id, name,
//    highway, lit, tunnel) and the line's own vertices from `from` to `to`, in
//    the line's direction. Lengths are planar, in CRS units.
//  - A node is a line end, or a vertex that occurs twice or more among all lines
//    (two lines share it, or a line passes through it twice). In `full` mode GEOS
//    first inserts a vertex at every crossing and touch, so those are nodes too.
//  - Deterministic: the same lines in the same order give the same vertex and
//    edge ids in the same order, whatever the thread count. Edges are numbered by
//    input line, then along the line; vertices in the order they are first met
//    on that walk. No hash-map iteration order reaches an id.
//  - Nothing is dropped silently: repeated points, zero-length lines, merged
//    duplicates, self-loops and dropped components are all counted in BuildReport.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tryggve/core/features.hpp"
#include "tryggve/network/network.hpp"

namespace tryggve::network {

enum class Noding {
  // Split only where lines share an exact vertex. This is OSM's topology: ways
  // meet at shared nodes (GDAL's OSM driver gives them identical coordinates);
  // a bridge over a street has no shared node and stays unconnected. Default for OSM.
  SharedVertices,
  // GEOS noding (GEOSNode_r) first: a node at every crossing and touch, then the
  // shared-vertex split. For layers drawn without topology (shapefiles, most GIS
  // exports). Bridges and tunnels get connected to what they cross: use
  // SharedVertices for OSM.
  Full,
  // The lines are already edges (e.g. spatstat's chicago segments): nodes only at
  // each line's two ends, interior vertices never split.
  None,
};

const char* to_string(Noding n);
// "shared_vertices" | "full" | "none"; throws Error(BadOption) otherwise.
Noding parse_noding(const std::string& s);

struct BuildOptions {
  Noding noding = Noding::SharedVertices;
  // Merge near-coincident vertices of sloppy layers: a line END within this
  // distance (CRS units) of another vertex is moved onto it (the nearest; ties
  // to the one met first). Interior vertices never move, so parallel
  // carriageways are not welded. 0 = exact coordinates only. An end that falls
  // short of another line's segment (an undershoot not at a vertex) is not
  // snapped: use Noding::Full after fixing such layers, or a GIS clean tool.
  double node_tolerance_m = 0.0;
  // Keep only the largest connected component (by edge count); the rest are
  // reported in BuildReport.
  bool largest_component_only = false;
  // Passed through to the Network.
  std::string crs_wkt;
};

struct BuildReport {
  Noding noding = Noding::SharedVertices;
  std::size_t input_lines = 0;         // lines given
  std::size_t input_points = 0;        // their vertices
  std::size_t input_parts = 0;         // polylines entering the split: the usable lines, or
                                       // in `full` mode the pieces GEOS's noding returned
  std::size_t repeated_points_removed = 0;  // consecutive identical vertices
  std::size_t snapped_vertices = 0;    // line ends moved by node_tolerance_m
  std::size_t crossings_added = 0;     // `full`: nodes that were no vertex of any input line
  std::size_t split_points = 0;        // cuts inside lines (pieces - usable lines)
  std::size_t duplicates_merged = 0;   // pieces identical to a kept one (either direction)
  std::size_t zero_length_dropped = 0; // lines with no length (empty, one point, all equal)
  std::size_t self_loops = 0;          // kept edges whose ends are the same vertex
  // Before the optional keep-largest step:
  std::size_t components = 0;
  std::size_t largest_component_edges = 0;
  double largest_component_length = 0.0;
  std::size_t other_components_edges = 0;
  double other_components_length = 0.0;
  bool kept_largest_only = false;      // the others were removed from the result
  // The result:
  std::size_t edges_out = 0;
  std::size_t vertices_out = 0;
  double total_length = 0.0;           // CRS units (m)
  double seconds = 0.0;                // wall time of build_network
  double noding_seconds = 0.0;         // of which GEOS noding (`full`)

  // A few lines for the CLI, e.g.
  //   network: 2,519 lines -> 11,208 edges, 8,570 vertices (noding shared_vertices, 0.03 s)
  //   ...
  std::string summary() const;
};

// Where each piece of an input line ended up, to carry positions given along
// the input lines (line index, offset from the line's start) onto the network.
// Offsets are along the line as built (after repeated points and snapping).
struct LinePiece {
  double start = 0.0, end = 0.0;  // interval along the input line
  EdgeId edge = kNoEdge;          // kNoEdge: removed (zero length, or not in the largest component)
  bool reversed = false;          // the edge runs from `end` to `start`
};

class LineIndex {
 public:
  // Pieces of input line `line` (its index in the vector given to build_network), in order along it.
  const std::vector<LinePiece>& pieces(std::size_t line) const { return lines_[line]; }
  std::size_t line_count() const { return lines_.size(); }
  // The network position of the point `offset` along input line `line`
  // (clamped to the line); edge kNoEdge if that piece is not in the network.
  NetworkPosition locate(std::size_t line, double offset, const Network& net) const;

 private:
  friend class Builder;
  std::vector<std::vector<LinePiece>> lines_;
};

// Builds the network. Throws Error(BadCoordinate) naming the line (source_id and
// index) for a NaN/inf coordinate, Error(EmptyNetwork) if no edge is left,
// Error(BadOption) for a negative or non-finite node_tolerance_m.
// `report` and `index` are optional outputs.
Network build_network(std::vector<StreetLine> lines, const BuildOptions& options,
                      BuildReport* report = nullptr, LineIndex* index = nullptr);

}  // namespace tryggve::network
