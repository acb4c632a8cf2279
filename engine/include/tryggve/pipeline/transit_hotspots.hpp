#pragma once
// Hotspots along public-transport lines: the hotspot stage's density and Gi* run
// on the line network (transit::System::network(): one edge per pair of stations
// and way between them, whatever lines share it) from the on-board and at-stop
// incidents the map stage placed (transit/place.hpp).
//
//  - On board: each incident's whole placement (every candidate vehicle's stretch,
//    transit::weighted_positions) is its weight, so an uncertain report spreads
//    over the stretch it can lie on instead of counting at a false point. Network
//    KDE per lixel of the line network (the stage's method and bandwidth) and Gi*
//    per line-network edge (a stretch between two stops, both directions, every
//    line on it), with the stage's classes (core/hotspot_classes.hpp).
//  - At stops: the reports per station (a vertex of the line network) and their Gi*.
//  - Weights: a quartic kernel of network distance (between stretch midpoints; for
//    stops, along the stretch to the stops one stretch away) with bandwidth
//    gistar_bandwidth_m (600 m), self weight 1. Not the streets' 300 m distance
//    band: stops are 300-800 m apart, so that band leaves most stretches with no
//    neighbour. Not contiguity either: on a line every stretch has the same two
//    neighbours at weight 1, so one hot stretch and the two beside it get the same
//    z (the three sums are equal) and none stands out; the kernel keeps the
//    stretch itself first and its neighbours' share falling with distance.
//  - Time slices: day group (Monday-Thursday, Friday, Saturday, Sunday) x the
//    situation picture's five time bands (situation.hpp: night, morning, day,
//    afternoon, evening), by the report's local time: 20 slices, so "tram 5
//    between X and Y on Friday evenings" is one row. Each slice gets its own Gi*
//    across the stretches (analytical z, Benjamini-Hochberg over the stretches)
//    with the same classes. Why Gi* and not a test of the slice against the
//    stretch's own other hours: the question a planner asks is where on the lines
//    trouble concentrates at that hour, which is what Gi* on the slice's counts
//    answers; a per-stretch Poisson test would flag every quiet stretch's one
//    Friday night. Analytical rather than permutation p: 20 slices x 999
//    permutations would cost more than the rest of the stage for slices that
//    mostly hold a handful of reports, and the class is read beside its count.
#include <array>
#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include "tryggve/density/density.hpp"
#include "tryggve/hotspot/local_stats.hpp"
#include "tryggve/network/lixels.hpp"
#include "tryggve/snap/map_data.hpp"
#include "tryggve/transit/system.hpp"

namespace tryggve::io {
class VectorWriter;
}

namespace tryggve::pipeline {

inline constexpr const char* kTransitSegmentHotspotsLayer = "transit_segment_hotspots";
inline constexpr const char* kTransitStopHotspotsLayer = "transit_stop_hotspots";
inline constexpr const char* kTransitSegmentBandsLayer = "transit_segment_bands";
inline constexpr const char* kTransitDensityLayer = "transit_density";

inline constexpr std::size_t kDayGroups = 4;
struct DayGroup { const char* code; const char* sv; const char* en; };
inline constexpr DayGroup kDayGroupDefs[kDayGroups] = {{"mon_thu", "måndag-torsdag", "Monday-Thursday"},
                                                       {"fri", "fredag", "Friday"},
                                                       {"sat", "lördag", "Saturday"},
                                                       {"sun", "söndag", "Sunday"}};
// The day group of an ISO weekday (0 = Monday .. 6 = Sunday).
std::size_t day_group(int weekday);
// Slices: day group major, time band minor (situation::kTimeBands bands).
std::size_t slice_count();
std::size_t slice_of(std::size_t day_group, std::size_t band);
// "fredag kväll 19-24" / "Friday evening 19-24".
std::string slice_label(std::size_t slice, bool sv);

struct TransitHotspotOptions {
  density::DensityOptions density = [] {  // the stage's method, kernel and bandwidth
    density::DensityOptions d;
    d.bandwidth_m = 150.0;
    return d;
  }();
  double gistar_bandwidth_m = 600.0;  // Gi*'s kernel weights (network distance)
  double lixel_length_m = 50.0;
  double step_m = 25.0;             // a placement's pieces cut into steps of at most this
  bool severity_weights = true;
  // The whole-period Gi* (the stage's options); slices are analytical. Classified
  // on the analytical z by default, as the stage does: the conditional-permutation
  // p keeps x_i fixed, so a lone stretch far above the rest would not be significant.
  hotspot::LocalOptions local = [] {
    hotspot::LocalOptions l;
    l.classify_by = hotspot::Significance::Analytical;
    return l;
  }();
  int from_month = INT32_MIN;       // month indices (core/time.hpp) of the incidents used
  int to_month = INT32_MAX;
};

struct TransitHotspots {
  bool run = false;                 // a transit system and at least one placed transit incident
  std::size_t on_board = 0, at_stop = 0;
  std::size_t unplaced_pieces = 0;  // pieces at a station no edge meets (weight missing)
  network::Lixelization lixels;     // of the line network
  density::DensityResult density;   // per lixel, events per metre
  std::vector<double> segment_counts;          // per edge (weighted, severity when asked)
  hotspot::LocalResult segment_gi;             // per edge; empty with < 3 edges
  std::vector<std::vector<double>> slice_counts;  // [slice][edge]
  std::vector<hotspot::LocalResult> slice_gi;     // [slice]; empty with < 3 edges
  std::vector<double> stop_counts;             // per station
  hotspot::LocalResult stop_gi;                // per station; empty with < 3 stations
  bool gi_ok() const { return !segment_gi.stats.empty(); }
};

// Computes the above from a map whose incidents carry transit places
// (snap::MapData::transit). Not run (run = false) without a system or without a
// placed transit incident in the months.
TransitHotspots transit_hotspots(const snap::MapData& map, const transit::System* sys,
                                 const TransitHotspotOptions& options);

// The stations at the ends of a line-network edge ("Backa kyrka", "Brunnsbo torg")
// and the lines on it ("5, 25") and their modes ("spårvagn", "buss").
struct EdgeNames {
  std::string from, to, lines, mode;
};
EdgeNames edge_names(const transit::System& sys, network::EdgeId e);

// Adds the four layers (transit_segment_hotspots, transit_stop_hotspots,
// transit_segment_bands: per edge x slice with a report or a class;
// transit_density: per lixel of the line network). Nothing when !h.run.
// Labels (the slices) in `lang` ("sv" or "en").
void add_transit_hotspot_layers(io::VectorWriter& w, const transit::System& sys, const TransitHotspots& h,
                                const std::string& lang);

}  // namespace tryggve::pipeline
