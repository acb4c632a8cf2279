#pragma once
// The mapped district as the analyses read it: the street network and its
// lixels, the place layers, and the incidents placed on them (parallel vectors:
// the incident, where it snapped, its lixel, its park / stop / area tags). No
// file, CRS or reject list is attached: those belong to the stage that made it
// (pipeline::MapResult adds them), so a situation picture or a forecast can be
// built from files, a workspace database or a test fixture alike.
#include <cstddef>
#include <string>
#include <vector>

#include "tryggve/core/features.hpp"
#include "tryggve/core/incident.hpp"
#include "tryggve/network/lixels.hpp"
#include "tryggve/network/network.hpp"
#include "tryggve/snap/place_tagger.hpp"
#include "tryggve/snap/snapper.hpp"
#include "tryggve/taxonomy/taxonomy.hpp"
#include "tryggve/transit/place.hpp"

namespace tryggve::snap {

struct MapData {
  Taxonomy taxonomy;
  network::Network net;
  network::Lixelization lixels;

  // Placed incidents; parallel vectors.
  std::vector<Incident> incidents;
  std::vector<SnapResult> snaps;
  std::vector<network::LixelId> lixel_of;
  std::vector<PlaceTag> tags;
  // Each incident's public-transport place (on board, at a stop) when it came
  // from a transit report; parallel to incidents, or empty when none did.
  std::vector<transit::TransitPlace> transit;
  const transit::TransitPlace* transit_place(std::size_t k) const {
    return k < transit.size() && transit[k].placed() ? &transit[k] : nullptr;
  }
  // The distances the tags were made with (park_distance_m, stop_radius_m).
  PlaceTagOptions tag_options;

  std::vector<PolygonFeature> parks, areas;
  std::vector<PointFeature> stops, lamps, places;

  // Where the incidents came from (a file path as given; "" when none), for messages.
  std::string incidents_file;

  // Counts per parameter (placed incidents).
  std::vector<std::size_t> counts_by_parameter() const;
};

}  // namespace tryggve::snap
