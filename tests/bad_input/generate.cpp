#include "generate.hpp"

#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <vector>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

namespace tryggve::test::bad_input {

namespace fs = std::filesystem;

namespace {

// ---- GDAL layers ----------------------------------------------------------------------

struct Field {
  const char* name;
  OGRFieldType type;
};

// A feature: WKT geometry ("" = none) and field values as text ("" = unset).
struct Feat {
  std::string wkt;
  std::vector<std::string> values;
};

// One layer in a new file. `epsg` 0 = no CRS. A DateTime field takes
// "YYYY-MM-DD HH:MM:SS" (years below 1000 too, as GDAL stores them).
void write_layer(const fs::path& file, const char* driver, const char* layer, OGRwkbGeometryType type, int epsg,
                 const std::vector<Field>& fields, const std::vector<Feat>& feats,
                 std::vector<const char*> layer_options = {}) {
  GDALAllRegister();
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver);
  if (!drv) throw std::runtime_error(std::string("no GDAL driver ") + driver);
  fs::remove(file);
  GDALDatasetUniquePtr ds(drv->Create(file.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) throw std::runtime_error("cannot create " + file.string());
  OGRSpatialReference srs;
  if (epsg) {
    srs.importFromEPSG(epsg);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  }
  layer_options.push_back(nullptr);
  OGRLayer* l = ds->CreateLayer(layer, epsg ? &srs : nullptr, type, const_cast<char**>(layer_options.data()));
  if (!l) throw std::runtime_error("cannot create layer in " + file.string());
  for (const auto& f : fields) {
    OGRFieldDefn d(f.name, f.type);
    l->CreateField(&d);
  }
  for (const auto& ft : feats) {
    OGRFeatureUniquePtr f(OGRFeature::CreateFeature(l->GetLayerDefn()));
    for (std::size_t i = 0; i < fields.size() && i < ft.values.size(); ++i) {
      if (ft.values[i].empty()) continue;
      if (fields[i].type == OFTDateTime) {
        int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
        std::sscanf(ft.values[i].c_str(), "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &s);
        f->SetField(static_cast<int>(i), y, mo, d, h, mi, static_cast<float>(s), 0);
      } else {
        f->SetField(static_cast<int>(i), ft.values[i].c_str());
      }
    }
    if (ft.wkt == "POINT NAN") {  // WKT cannot spell NaN
      f->SetGeometryDirectly(new OGRPoint(std::nan(""), 6405997));
    } else if (!ft.wkt.empty()) {
      OGRGeometry* g = nullptr;
      if (OGRGeometryFactory::createFromWkt(ft.wkt.c_str(), epsg ? &srs : nullptr, &g) != OGRERR_NONE)
        throw std::runtime_error("bad WKT in a generator: " + ft.wkt);
      f->SetGeometryDirectly(g);
    }
    if (l->CreateFeature(f.get()) != OGRERR_NONE) throw std::runtime_error("cannot write a feature to " + file.string());
  }
}

// SWEREF99 TM points and lines in Backa (around E 320333, N 6405997).
constexpr const char* kP1 = "POINT (320333 6405997)";
constexpr const char* kP2 = "POINT (320400 6406050)";
constexpr const char* kLine = "LINESTRING (320300 6405990,320400 6405990,320400 6406090)";
const std::vector<Field> kIncFields = {{"id", OFTInteger64}, {"time", OFTDateTime}, {"category", OFTString}};

void gpkg_incidents(const fs::path& f, const std::vector<Feat>& feats, int epsg = 3006,
                    OGRwkbGeometryType type = wkbPoint) {
  write_layer(f, "GPKG", "incidents", type, epsg, kIncFields, feats);
}

void shp_incidents(const fs::path& f, const std::vector<Feat>& feats, int epsg = 3006,
                   OGRwkbGeometryType type = wkbPoint, std::vector<const char*> opts = {}) {
  // Shapefiles have no DateTime: the time is a string field.
  write_layer(f, "ESRI Shapefile", f.stem().c_str(), type, epsg,
              {{"id", OFTInteger64}, {"time", OFTString}, {"category", OFTString}}, feats, std::move(opts));
}

std::string read_bytes(const fs::path& f) {
  std::ifstream in(f, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
void write_bytes(const fs::path& f, const std::string& s) { std::ofstream(f, std::ios::binary | std::ios::trunc) << s; }

// ---- OSM PBF (https://wiki.openstreetmap.org/wiki/PBF_Format), encoded by hand -----------

struct Proto {
  std::string b;
  void varint(std::uint64_t v) {
    while (v >= 0x80) b += static_cast<char>((v & 0x7F) | 0x80), v >>= 7;
    b += static_cast<char>(v);
  }
  static std::uint64_t zigzag(std::int64_t v) { return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63); }
  void key(int field, int wire) { varint(static_cast<std::uint64_t>(field) << 3 | static_cast<std::uint64_t>(wire)); }
  void u(int field, std::uint64_t v) { key(field, 0), varint(v); }
  void bytes(int field, const std::string& s) { key(field, 2), varint(s.size()), b += s; }
  void packed_sint(int field, const std::vector<std::int64_t>& v, bool delta) {
    Proto p;
    std::int64_t prev = 0;
    for (auto x : v) p.varint(zigzag(delta ? x - prev : x)), prev = x;
    bytes(field, p.b);
  }
  void packed_uint(int field, const std::vector<std::uint64_t>& v) {
    Proto p;
    for (auto x : v) p.varint(x);
    bytes(field, p.b);
  }
};

struct OsmNode {
  std::int64_t id;
  double lat, lon;
};
struct OsmWay {
  std::int64_t id;
  std::vector<std::int64_t> refs;
  std::vector<std::pair<std::string, std::string>> tags;
};

// One fileblock: BlobHeader length (4 bytes, big-endian), BlobHeader, Blob (zlib).
std::string fileblock(const std::string& type, const std::string& payload, std::int64_t declared_size = -1) {
  uLongf n = compressBound(payload.size());
  std::string z(n, '\0');
  compress(reinterpret_cast<Bytef*>(z.data()), &n, reinterpret_cast<const Bytef*>(payload.data()), payload.size());
  z.resize(n);
  Proto blob;
  blob.u(2, payload.size());
  blob.bytes(3, z);
  Proto head;
  head.bytes(1, type);
  head.u(3, declared_size >= 0 ? static_cast<std::uint64_t>(declared_size) : blob.b.size());
  std::string out(4, '\0');
  const auto len = static_cast<std::uint32_t>(head.b.size());
  out[0] = static_cast<char>(len >> 24), out[1] = static_cast<char>(len >> 16), out[2] = static_cast<char>(len >> 8),
  out[3] = static_cast<char>(len);
  return out + head.b + blob.b;
}

std::string pbf_header() {
  Proto h;
  h.bytes(4, "OsmSchema-V0.6");
  h.bytes(4, "DenseNodes");
  h.bytes(16, "tryggve bad-input generator");
  return fileblock("OSMHeader", h.b);
}

std::string pbf_data(const std::vector<OsmNode>& nodes, const std::vector<OsmWay>& ways) {
  std::vector<std::string> strings = {""};
  auto sid = [&](const std::string& s) -> std::uint64_t {
    for (std::size_t i = 0; i < strings.size(); ++i)
      if (strings[i] == s) return i;
    strings.push_back(s);
    return strings.size() - 1;
  };
  Proto groups;
  if (!nodes.empty()) {
    Proto dense;
    std::vector<std::int64_t> ids, lats, lons;
    for (const auto& n : nodes) {
      ids.push_back(n.id);
      // Granularity 100 nanodegrees: a coordinate is stored as degrees * 1e7.
      lats.push_back(static_cast<std::int64_t>(std::llround(n.lat * 1e7)));
      lons.push_back(static_cast<std::int64_t>(std::llround(n.lon * 1e7)));
    }
    dense.packed_sint(1, ids, true);
    dense.packed_sint(8, lats, true);
    dense.packed_sint(9, lons, true);
    Proto g;
    g.bytes(2, dense.b);
    groups.bytes(2, g.b);
  }
  if (!ways.empty()) {
    Proto g;
    for (const auto& w : ways) {
      Proto way;
      way.u(1, static_cast<std::uint64_t>(w.id));
      std::vector<std::uint64_t> keys, vals;
      for (const auto& [k, v] : w.tags) keys.push_back(sid(k)), vals.push_back(sid(v));
      way.packed_uint(2, keys);
      way.packed_uint(3, vals);
      way.packed_sint(8, w.refs, true);
      g.bytes(3, way.b);
    }
    groups.bytes(2, g.b);
  }
  Proto table;
  for (const auto& s : strings) table.bytes(1, s);
  Proto block;
  block.bytes(1, table.b);
  block.b += groups.b;
  return fileblock("OSMData", block.b);
}

const std::vector<OsmNode> kNodes = {{1, 57.76, 11.98}, {2, 57.76, 11.99}, {3, 57.77, 11.99}};
const std::vector<OsmWay> kWays = {{10, {1, 2, 3}, {{"highway", "residential"}, {"name", "Backavägen"}}}};

}  // namespace

const std::map<std::string, std::function<void(const fs::path&)>>& generators() {
  using G = std::function<void(const fs::path&)>;
  static const std::map<std::string, G> g = {
      // GeoPackage incidents.
      {"gpkg_inc_ok.gpkg", [](const fs::path& f) {
         gpkg_incidents(f, {{kP1, {"1", "2025-01-03 21:30:00", "Rån"}}, {kP2, {"2", "2025-01-04 10:00:00", "Brand"}}});
       }},
      {"gpkg_inc_empty_layer.gpkg", [](const fs::path& f) { gpkg_incidents(f, {}); }},
      {"gpkg_inc_lines.gpkg", [](const fs::path& f) {
         gpkg_incidents(f, {{kLine, {"1", "2025-01-03 21:30:00", "Rån"}}}, 3006, wkbLineString);
       }},
      {"gpkg_inc_no_crs.gpkg", [](const fs::path& f) { gpkg_incidents(f, {{kP1, {"1", "2025-01-03 21:30:00", "Rån"}}}, 0); }},
      {"gpkg_inc_nan.gpkg", [](const fs::path& f) {
         gpkg_incidents(f, {{kP1, {"1", "2025-01-03 21:30:00", "Rån"}}, {"POINT NAN", {"2", "2025-01-03 21:30:00", "Rån"}}});
       }},
      {"gpkg_inc_empty_geometry.gpkg", [](const fs::path& f) {
         gpkg_incidents(f, {{kP1, {"1", "2025-01-03 21:30:00", "Rån"}}, {"POINT EMPTY", {"2", "2025-01-03 21:30:00", "Rån"}}, {"", {"3", "2025-01-03 21:30:00", "Rån"}}});
       }},
      {"gpkg_inc_year_0024.gpkg", [](const fs::path& f) {
         gpkg_incidents(f, {{kP1, {"1", "2025-01-03 21:30:00", "Rån"}}, {kP2, {"2", "0024-01-03 21:30:00", "Rån"}}});
       }},
      {"gpkg_inc_no_time.gpkg", [](const fs::path& f) {
         gpkg_incidents(f, {{kP1, {"1", "", "Rån"}}, {kP2, {"2", "2025-01-03 21:30:00", "Rån"}}});
       }},
      {"gpkg_inc_duplicate_ids.gpkg", [](const fs::path& f) {
         gpkg_incidents(f, {{kP1, {"7", "2025-01-03 21:30:00", "Rån"}}, {kP2, {"7", "2025-01-03 21:30:00", "Rån"}}});
       }},
      {"gpkg_inc_wgs84_swapped.gpkg", [](const fs::path& f) {
         // Points whose x and y were written the other way round (57.76, 11.98): a layer's
         // own geometry is what it says; far from the area, they are placed (the map stage rejects them).
         gpkg_incidents(f, {{"POINT (57.76 11.98)", {"1", "2025-01-03 21:30:00", "Rån"}}}, 4326);
       }},
      {"gpkg_inc_multipoint.gpkg", [](const fs::path& f) {
         gpkg_incidents(f, {{"MULTIPOINT ((320333 6405997),(320400 6406050))", {"1", "2025-01-03 21:30:00", "Rån"}}}, 3006, wkbMultiPoint);
       }},
      {"gpkg_not_sqlite.gpkg", [](const fs::path& f) { write_bytes(f, "this is a text file named .gpkg\n"); }},
      {"gpkg_truncated.gpkg", [](const fs::path& f) {
         gpkg_incidents(f, {{kP1, {"1", "2025-01-03 21:30:00", "Rån"}}});
         write_bytes(f, read_bytes(f).substr(0, 1500));
       }},
      {"gpkg_zero_bytes.gpkg", [](const fs::path& f) { write_bytes(f, ""); }},
      // GeoPackage streets and areas.
      {"gpkg_streets_ok.gpkg", [](const fs::path& f) {
         write_layer(f, "GPKG", "roads", wkbLineString, 3006, {{"name", OFTString}}, {{kLine, {"Backavägen"}}});
       }},
      {"gpkg_streets_empty.gpkg", [](const fs::path& f) {
         write_layer(f, "GPKG", "roads", wkbLineString, 3006, {{"name", OFTString}}, {});
       }},
      {"gpkg_streets_degenerate.gpkg", [](const fs::path& f) {
         write_layer(f, "GPKG", "roads", wkbLineString, 3006, {{"name", OFTString}},
                     {{kLine, {"a"}}, {"LINESTRING (320300 6405990)", {"b"}}, {"LINESTRING EMPTY", {"c"}}});
       }},
      {"gpkg_streets_no_crs.gpkg", [](const fs::path& f) {
         write_layer(f, "GPKG", "roads", wkbLineString, 0, {{"name", OFTString}}, {{kLine, {"a"}}});
       }},
      {"gpkg_areas_bowtie.gpkg", [](const fs::path& f) {
         write_layer(f, "GPKG", "areas", wkbPolygon, 3006, {{"name", OFTString}, {"population", OFTInteger}},
                     {{"POLYGON ((320000 6405000,321000 6406000,321000 6405000,320000 6406000,320000 6405000))", {"Kors", "10"}},
                      {"POLYGON ((320000 6405000,321000 6405000,321000 6406000,320000 6406000,320000 6405000))", {"Backa", "100"}}});
       }},
      {"gpkg_areas_empty.gpkg", [](const fs::path& f) {
         write_layer(f, "GPKG", "areas", wkbPolygon, 3006, {{"name", OFTString}}, {});
       }},
      {"gpkg_areas_duplicate_names.gpkg", [](const fs::path& f) {
         const std::string sq = "POLYGON ((320000 6405000,321000 6405000,321000 6406000,320000 6406000,320000 6405000))";
         write_layer(f, "GPKG", "areas", wkbPolygon, 3006, {{"name", OFTString}}, {{sq, {"Backa"}}, {sq, {"Backa"}}});
       }},
      // Shapefiles.
      {"shp_inc_ok.shp", [](const fs::path& f) { shp_incidents(f, {{kP1, {"1", "2025-01-03 21:30", "Rån"}}}); }},
      {"shp_inc_no_prj.shp", [](const fs::path& f) { shp_incidents(f, {{kP1, {"1", "2025-01-03 21:30", "Rån"}}}, 0); }},
      {"shp_inc_no_shx.shp", [](const fs::path& f) {
         shp_incidents(f, {{kP1, {"1", "2025-01-03 21:30", "Rån"}}});
         fs::remove(fs::path(f).replace_extension(".shx"));
       }},
      {"shp_inc_no_dbf.shp", [](const fs::path& f) {
         shp_incidents(f, {{kP1, {"1", "2025-01-03 21:30", "Rån"}}});
         fs::remove(fs::path(f).replace_extension(".dbf"));
       }},
      {"shp_inc_truncated.shp", [](const fs::path& f) {
         shp_incidents(f, {{kP1, {"1", "2025-01-03 21:30", "Rån"}}, {kP2, {"2", "2025-01-03 21:30", "Rån"}}});
         write_bytes(f, read_bytes(f).substr(0, 100 + 28 + 10));
       }},
      {"shp_inc_empty.shp", [](const fs::path& f) { shp_incidents(f, {}); }},
      {"shp_inc_cp1252.shp", [](const fs::path& f) {
         shp_incidents(f, {{kP1, {"1", "2025-01-03 21:30", "Skadegörelse"}}}, 3006, wkbPoint, {"ENCODING=CP1252"});
       }},
      {"shp_streets_points.shp", [](const fs::path& f) {
         write_layer(f, "ESRI Shapefile", "shp_streets_points", wkbPoint, 3006, {{"name", OFTString}}, {{kP1, {"a"}}});
       }},
      // OSM PBF.
      {"pbf_ok.osm.pbf", [](const fs::path& f) { write_bytes(f, pbf_header() + pbf_data(kNodes, kWays)); }},
      {"pbf_header_only.osm.pbf", [](const fs::path& f) { write_bytes(f, pbf_header()); }},
      {"pbf_truncated.osm.pbf", [](const fs::path& f) {
         const std::string s = pbf_header() + pbf_data(kNodes, kWays);
         write_bytes(f, s.substr(0, s.size() - 20));
       }},
      {"pbf_garbage.osm.pbf", [](const fs::path& f) {
         std::string s;
         for (int i = 0; i < 4096; ++i) s += static_cast<char>((i * 7919) & 0xFF);
         write_bytes(f, s);
       }},
      {"pbf_zero_bytes.osm.pbf", [](const fs::path& f) { write_bytes(f, ""); }},
      {"pbf_missing_nodes.osm.pbf", [](const fs::path& f) {
         write_bytes(f, pbf_header() + pbf_data({{1, 57.76, 11.98}}, kWays));
       }},
      {"pbf_huge_declared_size.osm.pbf", [](const fs::path& f) {
         Proto h;
         h.bytes(4, "OsmSchema-V0.6");
         write_bytes(f, fileblock("OSMHeader", h.b, std::int64_t{2000000000}));
       }},
      {"pbf_lat_out_of_range.osm.pbf", [](const fs::path& f) {
         write_bytes(f, pbf_header() + pbf_data({{1, 57.76, 11.98}, {2, 57.76, 11.99}, {4, 95.0, 11.99}},
                                                {{10, {1, 2}, {{"highway", "residential"}}}, {11, {2, 4}, {{"highway", "residential"}}}}));
       }},
      {"pbf_unknown_block.osm.pbf", [](const fs::path& f) {
         write_bytes(f, pbf_header() + fileblock("TryggveData", "not a primitive block") + pbf_data(kNodes, kWays));
       }},
  };
  return g;
}

}  // namespace tryggve::test::bad_input
