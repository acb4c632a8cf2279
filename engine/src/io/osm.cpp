// OpenStreetMap through GDAL's OSM driver, in one interleaved pass.
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "ogr_util.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/io/gdal_env.hpp"
#include "tryggve/io/readers.hpp"

namespace tryggve::io {

using namespace detail;

namespace {

// highway=* values that are not streets people walk or drive on. Everything
// else with a highway tag is kept, including values this list does not know
// (e.g. Helsinki's 159 highway=trail ways): an unknown highway value is far
// more often a path than not, and leaving a real path out of the network
// would push its incidents onto the wrong street.
//  - not (yet / any more) a way: proposed, planned, construction, abandoned,
//    disused, razed, dismantled, demolished, no;
//  - not a street: platform (public-transport waiting areas; stops are read
//    separately), bus_stop, rest_area, services, emergency_bay, escape,
//    traffic_island, street_lamp and other node tags mapped on ways;
//  - not for the public: raceway (race tracks), bus_guideway and busway
//    (buses only);
//  - indoor or vertical: corridor, elevator, via_ferrata.
const std::set<std::string>& excluded_highways() {
  static const std::set<std::string> s = {
      "proposed", "planned",  "construction", "abandoned",   "disused",     "razed",         "dismantled",
      "demolished", "no",     "platform",     "bus_stop",    "rest_area",   "services",      "emergency_bay",
      "escape",   "traffic_island", "street_lamp", "raceway", "bus_guideway", "busway",       "corridor",
      "elevator", "via_ferrata"};
  return s;
}

const std::vector<std::string>& default_park_tags() {
  static const std::vector<std::string> t = {"leisure=park",  "leisure=playground", "leisure=garden",
                                             "leisure=pitch", "landuse=grass",      "landuse=recreation_ground"};
  return t;
}

struct TagMatcher {
  std::vector<std::pair<std::string, std::string>> kv;
  explicit TagMatcher(const std::vector<std::string>& tags) {
    for (const auto& t : tags) {
      const auto eq = t.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == t.size())
        throw Error(ErrorCode::BadOption, "osm tag '" + t + "'", "expected key=value, e.g. leisure=park");
      kv.emplace_back(t.substr(0, eq), t.substr(eq + 1));
    }
  }
};

struct FieldIdx {
  int osm_id = -1, osm_way_id = -1, name = -1, highway = -1, lit = -1, tunnel = -1, bridge = -1, railway = -1, pt = -1, amenity = -1,
      leisure = -1, landuse = -1, addr_street = -1, addr_number = -1, addr_postcode = -1, addr_city = -1;
  explicit FieldIdx(OGRFeatureDefn* d) {
    auto f = [&](const char* n) { return d->GetFieldIndex(n); };
    osm_id = f("osm_id"), osm_way_id = f("osm_way_id"), name = f("name"), highway = f("highway"), lit = f("lit"), tunnel = f("tunnel"),
    bridge = f("bridge"), railway = f("railway"), pt = f("public_transport"), amenity = f("amenity"),
    leisure = f("leisure"), landuse = f("landuse");
    addr_street = f("addr_street"), addr_number = f("addr_housenumber"), addr_postcode = f("addr_postcode"),
    addr_city = f("addr_city");  // GDAL writes addr:street as addr_street
  }
};

std::int64_t osm_id_of(OGRFeature& f, const FieldIdx& ix) {
  // multipolygons: osm_id for relations, osm_way_id for closed ways.
  if (ix.osm_id >= 0 && f.IsFieldSetAndNotNull(ix.osm_id)) return f.GetFieldAsInteger64(ix.osm_id);
  if (ix.osm_way_id >= 0 && f.IsFieldSetAndNotNull(ix.osm_way_id)) return f.GetFieldAsInteger64(ix.osm_way_id);
  return f.GetFID();
}

std::string stop_kind(const std::string& highway, const std::string& railway, const std::string& pt) {
  if (highway == "bus_stop") return "bus_stop";
  if (railway == "tram_stop") return "tram_stop";
  if (railway == "station" || railway == "halt") return "station";
  if (pt == "platform") return "platform";
  if (pt == "stop_position") return "stop_position";
  return {};
}

std::string place_kind(const std::string& amenity, const std::string& leisure) {
  static const std::set<std::string> amenities = {"school",           "kindergarten", "college",
                                                  "university",       "community_centre", "youth_centre",
                                                  "library",          "social_facility"};
  static const std::set<std::string> leisures = {"sports_centre", "youth_centre"};
  if (amenities.count(amenity)) return amenity;
  if (leisures.count(leisure)) return leisure;
  return {};
}

// addr:street + addr:housenumber (both needed: a house number without its
// street places nothing, a street alone is placed by the street's own line).
bool read_address(OGRFeature& f, const FieldIdx& ix, AddressFeature& a) {
  a.street = field_text(f, ix.addr_street);
  a.housenumber = field_text(f, ix.addr_number);
  if (a.street.empty() || a.housenumber.empty()) return false;
  a.postcode = field_text(f, ix.addr_postcode);
  a.city = field_text(f, ix.addr_city);
  return true;
}

}  // namespace

OsmData read_osm(const std::string& path, CrsContext& crs, const OsmReadOptions& opt) {
  Dataset d = open_vector(path);
  if (!d.is_osm || std::string(d.ds->GetDriver()->GetDescription()) != "OSM")
    throw Error(ErrorCode::UnknownFormat, path, "not an OpenStreetMap file (.osm or .osm.pbf)");
  if (!std::filesystem::exists(osm_config_path()))
    throw Error(ErrorCode::FileNotFound, osm_config_path(), "Tryggve's osmconf.ini is missing (set TRYGGVE_DATA_DIR)");
  const TagMatcher parks(opt.park_tags.empty() ? default_park_tags() : opt.park_tags);

  // Tell the driver which layers we want: it then skips the others while
  // reading interleaved (GDALDataset::GetNextFeature), as the driver requires.
  std::vector<std::string> interest;
  if (opt.streets) interest.push_back("lines");
  if (opt.parks || opt.places || opt.addresses) interest.push_back("multipolygons");
  if (opt.stops || opt.lamps || opt.places || opt.addresses) interest.push_back("points");
  if (interest.empty()) return {};
  std::string sql = "SET interest_layers =";
  for (std::size_t i = 0; i < interest.size(); ++i) sql += (i ? "," : " ") + interest[i];
  d.ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);

  std::vector<Staged<StreetLine>> streets;
  std::vector<Staged<PolygonFeature>> polys, place_polys;
  std::vector<Staged<PointFeature>> stops, lamps, places;
  std::vector<Staged<AddressFeature>> addresses;
  OsmData out;
  out.streets.from_osm = true;
  out.streets.layer = "lines";
  std::int64_t n_lines = 0, n_points = 0, n_polys = 0, broken_areas = 0;

  GdalMessages msgs;
  OGRLayer* layer = nullptr;
  std::map<OGRLayer*, FieldIdx> field_cache;
  for (;;) {
    OGRFeatureUniquePtr f(d.ds->GetNextFeature(&layer, nullptr, nullptr, nullptr));
    if (!f) break;
    const std::string lname = layer->GetName();
    auto cached = field_cache.find(layer);
    if (cached == field_cache.end()) cached = field_cache.emplace(layer, FieldIdx(layer->GetLayerDefn())).first;
    const FieldIdx& ix = cached->second;
    const OGRGeometry* g = f->GetGeometryRef();
    if (lname == "lines" && opt.streets) {
      ++n_lines;
      const std::string hw = field_text(*f, ix.highway);
      if (hw.empty()) continue;  // rivers, railways, barriers: not streets
      if (excluded_highways().count(hw)) {
        ++out.streets.excluded_by_class;
        continue;
      }
      std::vector<Polyline> parts;
      append_lines(g, parts);
      if (parts.size() > 1) ++out.streets.multipart_features;
      for (std::size_t k = 0; k < parts.size(); ++k) {
        auto& p = parts[k];
        if (p.size() < 2) {
          // A way cut down to one node by the extract's edge: no street.
          ++out.streets.degenerate_parts;
          if (opt.rejects) {
            Reject r;
            r.file = path;
            r.source_row = n_lines;
            r.reason = RejectReason::BadGeometry;
            r.detail = fmt::format("way part {} of {} has {} node(s); a line needs two (cut by the extract's edge?)", k + 1,
                                   parts.size(), p.size());
            r.raw = fmt::format("osm way {}", osm_id_of(*f, ix));
            opt.rejects->add(std::move(r));
          }
          continue;
        }
        Staged<StreetLine> s;
        s.row = n_lines;
        s.item.source_id = osm_id_of(*f, ix);
        s.item.geometry = std::move(p);
        s.item.name = field_text(*f, ix.name);
        s.item.highway = hw;
        s.item.lit = parse_lit(field_text(*f, ix.lit));
        s.item.tunnel = truthy_tag(field_text(*f, ix.tunnel));
        s.item.bridge = truthy_tag(field_text(*f, ix.bridge));
        s.raw = fmt::format("osm way {}", s.item.source_id);
        streets.push_back(std::move(s));
      }
    } else if (lname == "multipolygons" && (opt.parks || opt.places || opt.addresses)) {
      ++n_polys;
      if (opt.addresses) {
        AddressFeature a;
        if (read_address(*f, ix, a)) {
          MultiPolygon mp;
          append_polygons(g, mp);
          if (!mp.empty()) {
            a.source_id = osm_id_of(*f, ix);
            a.pos = centroid(mp);
            a.from_building = true;
            addresses.push_back({std::move(a), n_polys, fmt::format("osm area {}", osm_id_of(*f, ix))});
          }
        }
      }
      std::string kind;
      if (opt.parks)
        for (const auto& [k, v] : parks.kv)
          if (field_text(*f, layer->GetLayerDefn()->GetFieldIndex(k.c_str())) == v) {
            kind = v;
            break;
          }
      std::string pkind;
      if (opt.places) pkind = place_kind(field_text(*f, ix.amenity), field_text(*f, ix.leisure));
      if (kind.empty() && pkind.empty()) continue;
      Staged<PolygonFeature> s;
      s.row = n_polys;
      s.item.source_id = osm_id_of(*f, ix);
      s.item.name = field_text(*f, ix.name);
      append_polygons(g, s.item.geometry);
      s.raw = fmt::format("osm area {} ({}={})", s.item.source_id, kind.empty() ? "place" : "park",
                          kind.empty() ? pkind : kind);
      if (s.item.geometry.empty()) {
        // Areas cut by the extract's edge, or relations whose members are
        // missing, come out of GDAL with fewer than three points: not a park.
        ++broken_areas;
        if (opt.rejects) {
          Reject r;
          r.file = path;
          r.source_row = n_polys;
          r.reason = RejectReason::BadGeometry;
          r.detail = "area has no closed ring of three or more points (cut by the extract's edge?)";
          r.raw = s.raw;
          opt.rejects->add(std::move(r));
        }
        continue;
      }
      if (!kind.empty()) {
        s.item.kind = kind;
        polys.push_back(s);
      }
      if (!pkind.empty()) {
        s.item.kind = pkind;
        place_polys.push_back(std::move(s));
      }
    } else if (lname == "points") {
      ++n_points;
      std::vector<Point> pts;
      append_points(g, pts);
      if (pts.empty()) continue;
      if (opt.addresses) {
        AddressFeature a;
        if (read_address(*f, ix, a)) {
          a.source_id = osm_id_of(*f, ix);
          a.pos = pts.front();
          addresses.push_back({std::move(a), n_points, fmt::format("osm node {}", osm_id_of(*f, ix))});
        }
      }
      const std::string hw = field_text(*f, ix.highway);
      Staged<PointFeature> s;
      s.row = n_points;
      s.item.source_id = osm_id_of(*f, ix);
      s.item.name = field_text(*f, ix.name);
      s.item.pos = pts.front();
      s.raw = fmt::format("osm node {}", s.item.source_id);
      if (opt.lamps && hw == "street_lamp") {
        s.item.kind = "street_lamp";
        lamps.push_back(s);
      }
      if (opt.stops) {
        const std::string k = stop_kind(hw, field_text(*f, ix.railway), field_text(*f, ix.pt));
        if (!k.empty()) {
          s.item.kind = k;
          stops.push_back(s);
        }
      }
      if (opt.places) {
        const std::string k = place_kind(field_text(*f, ix.amenity), field_text(*f, ix.leisure));
        if (!k.empty()) {
          s.item.kind = k;
          places.push_back(s);
        }
      }
    }
  }
  throw_if_read_failed(msgs, path, n_lines + n_points + n_polys);
  if (n_lines + n_points + n_polys == 0)
    throw Error(ErrorCode::EmptyLayer, path,
                fmt::format("no OSM features read{}", msgs.last().empty() ? "" : ": " + msgs.last()));

  // OSM is always WGS84 lon/lat. One source SRS for all layers.
  OGRSpatialReference wgs;
  wgs.importFromEPSG(4326);
  wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  auto point_visit = [](PointFeature& p, auto&& f) {
    std::vector<Point> v{p.pos};
    f(v);
    p.pos = v.front();
  };
  auto point_sample = [](const PointFeature& p) { return p.pos; };
  auto poly_visit = [](PolygonFeature& p, auto&& f) {
    for (auto& poly : p.geometry) {
      f(poly.outer);
      for (auto& h : poly.holes) f(h);
    }
  };
  auto poly_sample = [](const PolygonFeature& p) { return p.geometry.front().outer.front(); };

  // Resolve "auto" from the streets if there are any (the network is the map).
  if (opt.streets) {
    out.streets.lines = transform_staged(
        streets, crs, &wgs, {}, opt.rejects, path, "lines", [](StreetLine& s, auto&& f) { f(s.geometry); },
        [](const StreetLine& s) { return s.geometry.front(); });
    if (out.streets.lines.empty())
      throw Error(ErrorCode::EmptyLayer, path + " layer lines", "no highway=* ways people walk or drive on");
  }
  if (opt.parks) out.parks = transform_staged(polys, crs, &wgs, {}, opt.rejects, path, "multipolygons", poly_visit, poly_sample);
  if (opt.stops) out.stops = transform_staged(stops, crs, &wgs, {}, opt.rejects, path, "points", point_visit, point_sample);
  if (opt.lamps) out.lamps = transform_staged(lamps, crs, &wgs, {}, opt.rejects, path, "points", point_visit, point_sample);
  if (opt.places) {
    out.places = transform_staged(places, crs, &wgs, {}, opt.rejects, path, "points", point_visit, point_sample);
    for (auto& pf : transform_staged(place_polys, crs, &wgs, {}, opt.rejects, path, "multipolygons", poly_visit, poly_sample)) {
      PointFeature p;
      p.source_id = pf.source_id;
      p.name = pf.name;
      p.kind = pf.kind;
      p.pos = centroid(pf.geometry);
      out.places.push_back(std::move(p));
    }
  }
  if (opt.addresses)
    out.addresses = transform_staged(
        addresses, crs, &wgs, {}, opt.rejects, path, "points", [](AddressFeature& a, auto&& f) {
          std::vector<Point> v{a.pos};
          f(v);
          a.pos = v.front();
        },
        [](const AddressFeature& a) { return a.pos; });
  if (broken_areas > 0)
    log::warn("{}: {} OSM areas without a usable ring were left out{}", path, broken_areas,
              opt.rejects ? " (listed as rejects)" : "");
  log::debug("{}: {} street lines ({} ways excluded by highway class), {} parks, {} stops, {} lamps, {} places", path,
             out.streets.lines.size(), out.streets.excluded_by_class, out.parks.size(), out.stops.size(),
             out.lamps.size(), out.places.size());
  return out;
}

}  // namespace tryggve::io
