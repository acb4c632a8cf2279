#include "tryggve/network/network.hpp"

#include <algorithm>
#include <numeric>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>

namespace tryggve::network {

namespace {
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                    boost::property<boost::edge_index_t, EdgeId>>;
}  // namespace

Network::Network(std::vector<Point> vertices, std::vector<Edge> edges, std::string crs_wkt)
    : vertices_(std::move(vertices)), edges_(std::move(edges)), crs_wkt_(std::move(crs_wkt)) {
  build_index();
}

void Network::build_index() {
  const std::size_t nv = vertices_.size();
  // The graph lives only as long as the components take to count.
  Graph graph(nv);
  total_length_ = 0.0;
  extent_ = {};
  for (EdgeId e = 0; e < edges_.size(); ++e) {
    boost::add_edge(edges_[e].from, edges_[e].to, e, graph);
    total_length_ += edges_[e].length;
    extent_.expand(envelope(edges_[e].geometry));
  }
  for (const auto& p : vertices_) extent_.expand(p);

  // CSR adjacency: counting sort by vertex, edges in id order at each vertex.
  adj_offset_.assign(nv + 1, 0);
  for (const auto& e : edges_) {
    ++adj_offset_[e.from + 1];
    ++adj_offset_[e.to + 1];
  }
  std::partial_sum(adj_offset_.begin(), adj_offset_.end(), adj_offset_.begin());
  adj_.resize(adj_offset_[nv]);
  std::vector<std::uint32_t> fill(adj_offset_.begin(), adj_offset_.end() - 1);
  for (EdgeId e = 0; e < edges_.size(); ++e) {
    adj_[fill[edges_[e].from]++] = {e, edges_[e].to, true};
    adj_[fill[edges_[e].to]++] = {e, edges_[e].from, false};
  }

  // Components by edge count, largest first (ties: lowest vertex id first) so ids are stable.
  std::vector<int> comp(nv, 0);
  const int n = nv ? boost::connected_components(graph, comp.data()) : 0;
  std::vector<std::size_t> count(n, 0);
  std::vector<VertexId> first_vertex(n, static_cast<VertexId>(nv));
  for (VertexId v = 0; v < nv; ++v) first_vertex[comp[v]] = std::min(first_vertex[comp[v]], v);
  for (const auto& e : edges_) ++count[comp[e.from]];
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    if (count[a] != count[b]) return count[a] > count[b];
    return first_vertex[a] < first_vertex[b];
  });
  std::vector<std::uint32_t> rank(n);
  component_edges_.clear();
  for (int i = 0; i < n; ++i) {
    rank[order[i]] = static_cast<std::uint32_t>(i);
    // Isolated vertices (no edges) are not components of a street network.
    if (count[order[i]] > 0) component_edges_.push_back(count[order[i]]);
  }
  for (auto& e : edges_) e.component = rank[comp[e.from]];
}

std::vector<double> Network::component_lengths() const {
  std::vector<double> len(component_edges_.size(), 0.0);
  for (const auto& e : edges_) len[e.component] += e.length;
  return len;
}

Network Network::largest_component() const {
  std::vector<VertexId> remap(vertices_.size(), 0xFFFFFFFFu);
  std::vector<Point> verts;
  std::vector<Edge> edges;
  auto map_vertex = [&](VertexId v) {
    if (remap[v] == 0xFFFFFFFFu) {
      remap[v] = static_cast<VertexId>(verts.size());
      verts.push_back(vertices_[v]);
    }
    return remap[v];
  };
  for (const auto& e : edges_) {
    if (e.component != 0) continue;
    Edge copy = e;
    copy.from = map_vertex(e.from);
    copy.to = map_vertex(e.to);
    edges.push_back(std::move(copy));
  }
  return Network(std::move(verts), std::move(edges), crs_wkt_);
}

}  // namespace tryggve::network
