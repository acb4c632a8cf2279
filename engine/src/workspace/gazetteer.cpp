#include "tryggve/workspace/gazetteer.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "tryggve/taxonomy/classifier.hpp"

namespace tryggve::workspace {

namespace {

bool ends_with(const std::string& s, std::string_view e) {
  return s.size() >= e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0;
}

// Words of a normalised name with the usual Swedish abbreviations written out.
std::string expand_word(std::string w, bool had_dot) {
  if (had_dot || ends_with(w, ".")) {
    while (!w.empty() && w.back() == '.') w.pop_back();
    if (ends_with(w, "gat")) return w + "an";
    if (ends_with(w, "g")) return w + "atan";
    if (ends_with(w, "v")) return w.substr(0, w.size() - 1) + "vägen";
  }
  if (ends_with(w, "gata")) return w + "n";
  return w;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  std::iota(prev.begin(), prev.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string fmt_point(Point p) { return fmt::format("({:.0f}, {:.0f})", p.x, p.y); }

}  // namespace

std::string street_key(std::string_view street) {
  const std::string s = normalize_label(street);
  std::string out, word;
  auto flush = [&](bool dot) {
    if (word.empty()) return;
    if (!out.empty()) out += ' ';
    out += expand_word(word, dot);
    word.clear();
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (std::isalnum(c) || c >= 0x80) word += static_cast<char>(c);
    else flush(c == '.');
  }
  flush(false);
  return out;
}

std::string number_key(std::string_view number) {
  std::string out;
  for (unsigned char c : normalize_label(number))
    if (std::isalnum(c) || c >= 0x80) out += static_cast<char>(c);
  return out;
}

AddressQuery parse_address(std::string_view text) {
  AddressQuery q;
  const auto comma = text.find(',');
  const std::string_view head = text.substr(0, comma);
  if (comma != std::string_view::npos) q.rest = street_key(text.substr(comma + 1));
  // The house number starts at the first word that begins with a digit, after
  // at least one word of street name ("Storgatan 5 B", "Backa Kyrkogata 12-14").
  std::vector<std::string> words;
  std::string w;
  for (char c : head) {
    if (c == ' ' || c == '\t') {
      if (!w.empty()) words.push_back(w), w.clear();
    } else {
      w += c;
    }
  }
  if (!w.empty()) words.push_back(w);
  std::size_t k = 1;
  while (k < words.size() && !std::isdigit(static_cast<unsigned char>(words[k][0]))) ++k;
  std::string street, number;
  for (std::size_t i = 0; i < words.size(); ++i) (i < k ? street : number) += (i < k && i ? " " : "") + words[i];
  // "12-14" and "12–14": the first number names the building.
  if (const auto dash = number.find_first_of("-/"); dash != std::string::npos) number = number.substr(0, dash);
  q.street = street_key(street);
  q.number = number_key(number);
  return q;
}

Gazetteer::Gazetteer(std::vector<AddressFeature> addresses, const network::Network& net,
                     std::vector<PointFeature> stops)
    : addresses_(std::move(addresses)), net_(&net), stops_(std::move(stops)) {
  std::set<std::string> keys;
  for (std::size_t i = 0; i < addresses_.size(); ++i) {
    const std::string k = street_key(addresses_[i].street);
    by_street_[k].push_back(i);
    keys.insert(k);
  }
  for (network::EdgeId e = 0; e < net.edge_count(); ++e) {
    const auto& name = net.edge(e).name;
    if (name.empty()) continue;
    const std::string k = street_key(name);
    edges_by_name_[k].push_back(e);
    keys.insert(k);
  }
  for (std::size_t i = 0; i < stops_.size(); ++i)
    if (!stops_[i].name.empty()) stops_by_name_[street_key(stops_[i].name)].push_back(i);
  street_keys_.assign(keys.begin(), keys.end());
}

std::string Gazetteer::nearest_street_names(const std::string& key) const {
  std::vector<std::pair<std::size_t, std::string>> d;
  for (const auto& k : street_keys_) {
    const std::size_t e = edit_distance(key, k);
    if (e <= std::max<std::size_t>(3, key.size() / 4)) d.emplace_back(e, k);
  }
  std::sort(d.begin(), d.end());
  if (d.empty()) return "no street of a similar name";
  std::string s = "similar: ";
  for (std::size_t i = 0; i < d.size() && i < 3; ++i) s += (i ? ", " : "") + d[i].second;
  return s;
}

Placement Gazetteer::street_middle(const std::string& key, const std::string& shown) const {
  Placement p;
  const auto it = edges_by_name_.find(key);
  if (it == edges_by_name_.end()) {
    p.detail = fmt::format("no street named '{}' in the workspace ({})", shown, nearest_street_names(key));
    return p;
  }
  const auto& edges = it->second;
  // Pieces of the named street that touch (share a vertex) are one street; two
  // groups more than 100 m apart are two streets of the same name.
  std::vector<std::size_t> parent(edges.size());
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](std::size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  std::map<network::VertexId, std::size_t> at_vertex;
  for (std::size_t i = 0; i < edges.size(); ++i)
    for (auto v : {net_->edge(edges[i]).from, net_->edge(edges[i]).to}) {
      auto [pos, added] = at_vertex.emplace(v, i);
      if (!added) parent[find(i)] = find(pos->second);
    }
  struct Group {
    Envelope box;
    double length = 0, cx = 0, cy = 0;
    std::vector<network::EdgeId> edges;
  };
  std::map<std::size_t, Group> groups;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const auto& e = net_->edge(edges[i]);
    auto& g = groups[find(i)];
    for (const auto& q : e.geometry) g.box.expand(q);
    const Point a = e.geometry.front(), b = e.geometry.back();
    g.cx += e.length * 0.5 * (a.x + b.x);
    g.cy += e.length * 0.5 * (a.y + b.y);
    g.length += e.length;
    g.edges.push_back(edges[i]);
  }
  std::vector<Group> gs;
  for (auto& [_, g] : groups) gs.push_back(std::move(g));
  // Merge groups whose boxes lie within 100 m (a street interrupted by a square).
  for (bool merged = true; merged;) {
    merged = false;
    for (std::size_t i = 0; i < gs.size() && !merged; ++i)
      for (std::size_t j = i + 1; j < gs.size() && !merged; ++j) {
        const auto& a = gs[i].box;
        const auto& b = gs[j].box;
        const double dx = std::max({0.0, a.min_x - b.max_x, b.min_x - a.max_x});
        const double dy = std::max({0.0, a.min_y - b.max_y, b.min_y - a.max_y});
        if (std::hypot(dx, dy) <= 100.0) {
          gs[i].box.expand(b);
          gs[i].length += gs[j].length, gs[i].cx += gs[j].cx, gs[i].cy += gs[j].cy;
          gs[i].edges.insert(gs[i].edges.end(), gs[j].edges.begin(), gs[j].edges.end());
          gs.erase(gs.begin() + static_cast<std::ptrdiff_t>(j));
          merged = true;
        }
      }
  }
  auto middle = [&](const Group& g) {
    const Point c{g.length > 0 ? g.cx / g.length : g.box.min_x, g.length > 0 ? g.cy / g.length : g.box.min_y};
    // The point of the street nearest its length-weighted centre: on the street, not in a block.
    double best = INFINITY;
    Point on = c;
    for (auto e : g.edges) {
      const auto& geo = net_->edge(e).geometry;
      for (std::size_t k = 0; k + 1 < geo.size(); ++k) {
        double t = 0;
        const Point q = closest_on_segment(c, geo[k], geo[k + 1], &t);
        const double d = distance(c, q);
        if (d < best) best = d, on = q;
      }
    }
    return on;
  };
  if (gs.size() > 1) {
    p.status = Placement::Status::Ambiguous;
    std::string c;
    for (std::size_t i = 0; i < gs.size() && i < 5; ++i) c += (i ? ", " : "") + fmt_point(middle(gs[i]));
    p.detail = fmt::format("'{}' names {} streets far apart, around {}: give a house number or coordinates", shown,
                           gs.size(), c);
    return p;
  }
  p.status = Placement::Status::Found;
  p.pos = middle(gs.front());
  p.placed_by = "street";
  p.detail = fmt::format("the middle of '{}' (no house number: less precise)", shown);
  return p;
}

Placement Gazetteer::locate_address(std::string_view text) const {
  const AddressQuery q = parse_address(text);
  Placement p;
  if (q.street.empty()) {
    p.detail = fmt::format("address '{}' has no street name", text);
    return p;
  }
  if (q.number.empty()) return street_middle(q.street, std::string(text));
  const auto it = by_street_.find(q.street);
  if (it == by_street_.end()) {
    p.detail = fmt::format("no address on a street '{}' ({})", q.street,
                           edges_by_name_.count(q.street) ? "the street exists but has no house numbers in the OSM data"
                                                          : nearest_street_names(q.street));
    return p;
  }
  std::vector<std::size_t> hits;
  for (std::size_t i : it->second)
    if (number_key(addresses_[i].housenumber) == q.number) hits.push_back(i);
  if (hits.empty()) {
    std::set<std::string> numbers;
    for (std::size_t i : it->second) numbers.insert(addresses_[i].housenumber);
    std::string known;
    std::size_t k = 0;
    for (const auto& n : numbers) {
      if (k++ == 12) {
        known += ", ...";
        break;
      }
      known += (known.empty() ? "" : ", ") + n;
    }
    p.detail = fmt::format("no house number {} on '{}'; known numbers: {}", q.number, q.street, known);
    return p;
  }
  // Several records of one address (a node and its building) are one place.
  auto spread = [&](const std::vector<std::size_t>& v) {
    double d = 0;
    for (std::size_t a : v)
      for (std::size_t b : v) d = std::max(d, distance(addresses_[a].pos, addresses_[b].pos));
    return d;
  };
  if (hits.size() > 1 && spread(hits) > 100.0 && !q.rest.empty()) {
    // The postcode or city after the comma picks one.
    std::vector<std::size_t> narrowed;
    for (std::size_t i : hits) {
      const std::string city = street_key(addresses_[i].city), pc = number_key(addresses_[i].postcode);
      const std::string rest_nospace = number_key(q.rest);
      if ((!city.empty() && q.rest.find(city) != std::string::npos) ||
          (!pc.empty() && rest_nospace.find(pc) != std::string::npos))
        narrowed.push_back(i);
    }
    if (!narrowed.empty()) hits = narrowed;
  }
  if (hits.size() > 1 && spread(hits) > 100.0) {
    p.status = Placement::Status::Ambiguous;
    std::string c;
    for (std::size_t k = 0; k < hits.size() && k < 5; ++k) {
      const auto& a = addresses_[hits[k]];
      c += fmt::format("{}{} {}{}{} at {}", k ? "; " : "", a.street, a.housenumber, a.postcode.empty() ? "" : ", " + a.postcode,
                       a.city.empty() ? "" : " " + a.city, fmt_point(a.pos));
    }
    p.detail = fmt::format("address '{}' fits {} places: {}", text, hits.size(), c);
    return p;
  }
  // A node is the entrance someone mapped; prefer it to a building's centroid.
  std::size_t best = hits.front();
  for (std::size_t i : hits)
    if (!addresses_[i].from_building) {
      best = i;
      break;
    }
  p.status = Placement::Status::Found;
  p.pos = addresses_[best].pos;
  p.placed_by = "address";
  p.detail = fmt::format("{} {}", addresses_[best].street, addresses_[best].housenumber);
  return p;
}

Placement Gazetteer::locate_stop(std::string_view name) const {
  Placement p;
  const std::string key = street_key(name);
  const auto it = stops_by_name_.find(key);
  if (it == stops_by_name_.end()) {
    std::vector<std::pair<std::size_t, std::string>> d;
    for (const auto& [k, _] : stops_by_name_)
      if (const auto e = edit_distance(key, k); e <= std::max<std::size_t>(3, key.size() / 4)) d.emplace_back(e, k);
    std::sort(d.begin(), d.end());
    std::string c;
    for (std::size_t i = 0; i < d.size() && i < 3; ++i) c += (i ? ", " : "") + d[i].second;
    p.detail = fmt::format("no stop named '{}' in the workspace{}", name, c.empty() ? "" : " (similar: " + c + ")");
    return p;
  }
  // Platforms of one stop share its name and lie close together.
  Point c{0, 0};
  for (std::size_t i : it->second) c.x += stops_[i].pos.x, c.y += stops_[i].pos.y;
  c.x /= static_cast<double>(it->second.size());
  c.y /= static_cast<double>(it->second.size());
  double far = 0;
  for (std::size_t i : it->second) far = std::max(far, distance(c, stops_[i].pos));
  if (far > 300.0) {
    p.status = Placement::Status::Ambiguous;
    std::string s;
    for (std::size_t k = 0; k < it->second.size() && k < 5; ++k) s += (k ? ", " : "") + fmt_point(stops_[it->second[k]].pos);
    p.detail = fmt::format("{} stops are named '{}', far apart: {}", it->second.size(), name, s);
    return p;
  }
  p.status = Placement::Status::Found;
  p.pos = c;
  p.placed_by = "stop";
  p.detail = stops_[it->second.front()].name;
  return p;
}

}  // namespace tryggve::workspace
