#pragma once
// Internal: `where` -> cells (see scenario.hpp for the grammar).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tryggve/core/features.hpp"
#include "tryggve/pipeline/map_stage.hpp"
#include "tryggve/scenario/scenario.hpp"
#include "tryggve/simulation/cells.hpp"
#include "tryggve/snap/edge_index.hpp"
#include "tryggve/transit/placement.hpp"

namespace tryggve::scenario::detail {

// 0 inside (holes excluded), else the distance to the nearest ring.
double polygon_distance(const MultiPolygon& mp, Point p);
// POLYGON / MULTIPOLYGON WKT; Error(BadScenario) at `where` with `path` otherwise.
MultiPolygon parse_wkt_polygon(const std::string& wkt, const std::string& where, const std::string& path);

class Resolver {
 public:
  // `transit`: the map's public-transport system for `line` (nullptr: none, and a
  // `line` is an error that says how to give a feed).
  Resolver(const pipeline::MapResult& map, const simulation::CellNetwork& cells, double default_park_buffer_m,
           const transit::System* transit = nullptr);
  // Sorted, unique cells; Error(BadScenario) naming the key on an unknown name or an empty result.
  std::vector<simulation::CellId> resolve(const WhereSpec& w, const std::string& default_where,
                                          const std::string& path) const;
  std::vector<network::EdgeId> shortest_path_edges(network::NetworkPosition a, network::NetworkPosition b,
                                                   const std::string& where, const std::string& path) const;

 private:
  void add_polygon_cells(const MultiPolygon& mp, double buffer_m, std::vector<char>& mark) const;
  simulation::CellId snap(Point p, const std::string& where, const std::string& path) const;
  const PolygonFeature* find_polygon(const std::vector<PolygonFeature>& layer, const std::string& name,
                                     bool match_kind) const;
  const PointFeature* find_point(const std::vector<PointFeature>& layer, const std::string& name) const;
  std::optional<Point> named_point(const std::string& name) const;
  static std::string unknown(const char* what, const std::string& name, const std::vector<std::string>& names);

  const pipeline::MapResult& map_;
  const simulation::CellNetwork& cells_;
  double park_buffer_m_;
  snap::EdgeIndex index_;
  std::unique_ptr<transit::Placer> placer_;  // name indexes of the transit system
};

}  // namespace tryggve::scenario::detail
