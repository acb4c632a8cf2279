#pragma once
// Offline placing of reports that carry an address or a stop name but no
// coordinates, from the workspace's own data: OSM addr:street +
// addr:housenumber (nodes, building centroids), the street network's names and
// the stops. No web service is asked.
//
//   "Storgatan 5B, Göteborg"  -> that address's point              (placed_by "address")
//   "Storgatan"               -> the middle of the named street     (placed_by "street": less precise)
//   stop "Brunnsbo torg"      -> the stop (the middle of its platforms)   (placed_by "stop")
//
// Names are compared normalised: lower case with Swedish letters folded
// (normalize_label), punctuation dropped, "g." / "gat." -> "gatan", "v." ->
// "vägen", "gata" -> "gatan" at the end of a word. An address whose street or
// house number is unknown, or that fits several places, is not guessed: the
// result says why and names the candidates.
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tryggve/core/features.hpp"
#include "tryggve/network/network.hpp"

namespace tryggve::workspace {

// "Storg. 12 B" -> street key "storgatan", number key "12b".
std::string street_key(std::string_view street);
std::string number_key(std::string_view number);

struct AddressQuery {
  std::string street;      // key
  std::string number;      // key, "" when the text has none
  std::string rest;        // after the first comma (postcode, city), normalised
};
// Splits "Storgatan 5 B, 417 05 Göteborg".
AddressQuery parse_address(std::string_view text);

struct Placement {
  enum class Status { Found, Unknown, Ambiguous };
  Status status = Status::Unknown;
  Point pos;
  std::string placed_by;  // "address", "street", "stop"
  std::string detail;     // why not, with the candidates; or what was matched
  bool found() const { return status == Status::Found; }
};

class Gazetteer {
 public:
  // `net` must outlive the gazetteer.
  Gazetteer(std::vector<AddressFeature> addresses, const network::Network& net, std::vector<PointFeature> stops);

  Placement locate_address(std::string_view text) const;
  Placement locate_stop(std::string_view name) const;

  std::size_t address_count() const { return addresses_.size(); }

 private:
  Placement street_middle(const std::string& key, const std::string& shown) const;
  std::string nearest_street_names(const std::string& key) const;

  std::vector<AddressFeature> addresses_;
  const network::Network* net_;
  std::vector<PointFeature> stops_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_street_;      // street key -> addresses
  std::unordered_map<std::string, std::vector<network::EdgeId>> edges_by_name_;  // street key -> edges
  std::unordered_map<std::string, std::vector<std::size_t>> stops_by_name_;
  std::vector<std::string> street_keys_;  // every known street key (for "did you mean")
};

}  // namespace tryggve::workspace
