#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "test_data.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/io/readers.hpp"
#include "tryggve/io/vector_writer.hpp"

using namespace tryggve;
using namespace tryggve::io;
namespace fs = std::filesystem;

namespace {
std::string fx(const std::string& name) { return (test::fixtures() / "io" / name).string(); }
std::string shared(const std::string& rel) { return (test::shared_data() / rel).string(); }

template <class F>
Error error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no tryggve::Error thrown";
  return Error(ErrorCode::Internal, "", "");
}
}  // namespace

// ---- Tiny fixtures ------------------------------------------------------

TEST(ReadStreets, GeoJsonLinesSplitMultiLineStrings) {
  CrsContext crs = CrsContext::from_spec("EPSG:3006");
  StreetReadOptions opt;
  opt.name_field = "namn";
  const auto r = read_streets(fx("three_lines.geojson"), crs, opt);
  EXPECT_FALSE(r.from_osm);
  ASSERT_EQ(r.lines.size(), 4u);  // 3 features, the MultiLineString has 2 parts
  EXPECT_EQ(r.multipart_features, 1u);
  EXPECT_EQ(r.lines[0].name, "Backavägen");
  EXPECT_EQ(r.lines[0].highway, "secondary");
  EXPECT_EQ(r.lines[0].lit, Lit::Yes);
  EXPECT_EQ(r.lines[1].lit, Lit::No);
  EXPECT_EQ(r.lines[2].lit, Lit::Unknown);
  EXPECT_EQ(r.lines[2].source_id, r.lines[3].source_id);
  EXPECT_EQ(r.lines[3].geometry.size(), 3u);
  // First vertex against cs2cs EPSG:4326 -> EPSG:3006.
  EXPECT_NEAR(r.lines[0].geometry[0].x, 319946.3894, 1e-3);
  EXPECT_NEAR(r.lines[0].geometry[0].y, 6404007.7294, 1e-3);
}

TEST(ReadStreets, AutoNameFieldAndAutoCrs) {
  CrsContext crs;  // auto: UTM 32N for Gothenburg
  const auto r = read_streets(fx("three_lines.geojson"), crs);
  EXPECT_EQ(crs.epsg(), 32632);
  EXPECT_EQ(r.lines[1].name, "Litteraturgatan");  // "namn" found without being named
}

TEST(ReadErrors, MissingFileUnknownFormatLayerEmptyGeometry) {
  CrsContext crs = CrsContext::from_spec("EPSG:3006");
  EXPECT_EQ(error_of([&] { read_streets(fx("no_such_file.gpkg"), crs); }).code(), ErrorCode::FileNotFound);
  const Error unknown = error_of([&] { read_streets(fx("not_a_map.dat"), crs); });
  EXPECT_EQ(unknown.code(), ErrorCode::UnknownFormat);
  EXPECT_NE(unknown.where().find("not_a_map.dat"), std::string::npos);
  StreetReadOptions opt;
  opt.layer = "roads";
  const Error layer = error_of([&] { read_streets(fx("three_lines.geojson"), crs, opt); });
  EXPECT_EQ(layer.code(), ErrorCode::LayerNotFound);
  EXPECT_NE(layer.message().find("three_lines"), std::string::npos) << "lists the layers there are";
  EXPECT_EQ(error_of([&] { read_streets(fx("empty.geojson"), crs); }).code(), ErrorCode::EmptyLayer);
  // Lines where polygons are needed: the GeoJSON declares no type, so the first feature says it.
  const Error wrong = error_of([&] { read_polygons(fx("three_lines.geojson"), crs); });
  EXPECT_EQ(wrong.code(), ErrorCode::WrongGeometryType);
  EXPECT_NE(wrong.where().find("feature 1"), std::string::npos) << wrong.what();
  StreetReadOptions missing;
  missing.name_field = "street_name";
  EXPECT_EQ(error_of([&] { read_streets(fx("three_lines.geojson"), crs, missing); }).code(), ErrorCode::MissingField);
}

TEST(ReadPolygons, LayerWithoutCrs) {
  CrsContext metric = CrsContext::from_spec("EPSG:3006");
  const Error e = error_of([&] { read_polygons(fx("areas_nocrs.csv"), metric); });
  EXPECT_EQ(e.code(), ErrorCode::MissingCrs);
  EXPECT_NE(e.where().find("areas_nocrs.csv"), std::string::npos);

  CrsContext local = CrsContext::from_spec("local");
  const auto a = read_polygons(fx("areas_nocrs.csv"), local);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].kind, "A1");
  EXPECT_EQ(a[0].name, "North block");
  EXPECT_EQ(a[0].population, 1200);
  EXPECT_EQ(a[1].population, -1);
  ASSERT_EQ(a[1].geometry.size(), 1u);
  EXPECT_EQ(a[1].geometry[0].holes.size(), 1u);
  EXPECT_DOUBLE_EQ(area(a[1].geometry), 100.0 * 100.0 - 20.0 * 20.0);
  EXPECT_EQ(a[0].geometry[0].outer[1], (Point{100, 100}));

  PolygonReadOptions opt;
  opt.assume_crs = "EPSG:3006";
  const auto b = read_polygons(fx("areas_nocrs.csv"), metric, opt);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].geometry[0].outer[1], (Point{100, 100}));  // same CRS: as they are
}

TEST(ReadPoints, GtfsStopsTxt) {
  CrsContext crs = CrsContext::from_spec("EPSG:3006");
  const auto s = read_points(fx("stops.txt"), crs);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].kind, "station");
  EXPECT_EQ(s[1].kind, "stop");
  EXPECT_EQ(s[2].kind, "stop");  // empty location_type is a stop
  EXPECT_EQ(s[1].name, "Brunnsparken E");
  EXPECT_EQ(s[1].source_id, 9022014001760011LL);
  EXPECT_NEAR(s[1].pos.x, 319267.9529, 1e-3);  // cs2cs
  EXPECT_NEAR(s[1].pos.y, 6400111.9493, 1e-3);
}

// NaN coordinates inside a geometry (a GeoPackage can hold them; a NaN point
// is GeoPackage's encoding of POINT EMPTY, so a line is used): a reject with a
// RejectLog, an error without.
TEST(ReadStreets, NanCoordinatesAreRejectsOrErrors) {
  const auto dir = test::temp_dir("io_nan");
  const auto path = dir / "streets.gpkg";
  CrsContext crs = CrsContext::from_spec("EPSG:3006");
  {
    VectorWriter w(path, crs);
    auto& l = w.add_layer("streets", GeometryKind::Line, {{"name", FieldType::String}});
    l.add({"ok"}, Polyline{{320000, 6400000}, {320100, 6400000}});
    l.add({"nan"}, Polyline{{320000, 6400000}, {std::nan(""), 6400100}});
    l.add({"ok2"}, Polyline{{320100, 6400000}, {320100, 6400100}});
    w.commit();
  }
  StreetReadOptions opt;
  RejectLog log;
  opt.rejects = &log;
  const auto r = read_streets(path.string(), crs, opt);
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(r.lines[1].name, "ok2");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log.items()[0].reason, RejectReason::BadCoordinate);
  EXPECT_EQ(log.items()[0].source_row, 2);
  EXPECT_NE(log.items()[0].raw.find("nan"), std::string::npos);
  opt.rejects = nullptr;
  const Error e = error_of([&] { read_streets(path.string(), crs, opt); });
  EXPECT_EQ(e.code(), ErrorCode::BadCoordinate);
  EXPECT_NE(e.where().find("feature 2"), std::string::npos) << e.what();
  fs::remove_all(dir);
}

// A MultiLineString with a one-point part: the part is a BadGeometry reject (named
// by feature and part), the feature's good part is kept; without a RejectLog, an error.
TEST(ReadStreets, DegenerateLinePartsAreRejects) {
  const auto dir = test::temp_dir("io_degenerate");
  const auto path = dir / "streets.geojson";
  {
    std::ofstream o(path);
    o << R"({"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"name":"Backavägen"},"geometry":{"type":"MultiLineString","coordinates":[
        [[11.98,57.75],[11.981,57.75]], [[11.982,57.75]]]}},
      {"type":"Feature","properties":{"name":"Litteraturgatan"},"geometry":{"type":"LineString","coordinates":[
        [11.98,57.751],[11.981,57.751]]}}]})";
  }
  CrsContext crs = CrsContext::from_spec("EPSG:3006");
  StreetReadOptions opt;
  RejectLog log;
  opt.rejects = &log;
  const auto r = read_streets(path.string(), crs, opt);
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(r.degenerate_parts, 1u);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log.items()[0].reason, RejectReason::BadGeometry);
  EXPECT_EQ(log.items()[0].source_row, 1);
  EXPECT_NE(log.items()[0].detail.find("part 2 of 2 has 1 point"), std::string::npos) << log.items()[0].detail;
  opt.rejects = nullptr;
  EXPECT_EQ(error_of([&] { read_streets(path.string(), crs, opt); }).code(), ErrorCode::WrongGeometryType);
  fs::remove_all(dir);
}

// ---- Real data --------------------------------------------------------------

// Counts verified with ogrinfo/ogr2ogr over the same file and osmconf.ini:
// 2,504 lines with highway=*, of which 43 are platform (32), corridor (6),
// construction (3), elevator (2); 17 parks, 5 playgrounds, 1 garden, 6 pitches,
// 98 grass, of which one park and seven grass areas are cut by the extract's
// edge down to two points (ST_NPoints) and become BadGeometry rejects;
// 586 street lamps; 148 stop nodes.
TEST(RealData, HelsinkiOsmInOnePass) {
  TRYGGVE_REQUIRE_SHARED("osm/helsinki_centre.osm.pbf");
  CrsContext crs;  // auto -> UTM 35N
  RejectLog log;
  OsmReadOptions opt;
  opt.rejects = &log;
  const OsmData d = read_osm(shared("osm/helsinki_centre.osm.pbf"), crs, opt);
  EXPECT_EQ(crs.epsg(), 32635);
  EXPECT_TRUE(d.streets.from_osm);
  EXPECT_EQ(d.streets.lines.size(), 2461u);
  EXPECT_EQ(d.streets.excluded_by_class, 43u);
  std::map<Lit, int> lit;
  int tunnels = 0;
  std::map<std::string, int> hw;
  for (const auto& s : d.streets.lines) {
    ++lit[s.lit];
    tunnels += s.tunnel;
    ++hw[s.highway];
    ASSERT_GE(s.geometry.size(), 2u);
  }
  EXPECT_EQ(lit[Lit::Yes], 1470);  // yes 1403 + 24/7 67
  EXPECT_EQ(lit[Lit::No], 8);      // no 7 + disused 1
  EXPECT_EQ(tunnels, 269);
  EXPECT_EQ(hw["footway"], 1058);
  EXPECT_EQ(hw["steps"], 141);
  EXPECT_EQ(hw.count("platform"), 0u);

  std::map<std::string, int> parks;
  for (const auto& p : d.parks) ++parks[p.kind];
  EXPECT_EQ(parks["park"], 16);
  EXPECT_EQ(parks["playground"], 5);
  EXPECT_EQ(parks["garden"], 1);
  EXPECT_EQ(parks["pitch"], 6);
  EXPECT_EQ(parks["grass"], 91);
  EXPECT_EQ(d.lamps.size(), 586u);
  EXPECT_EQ(d.stops.size(), 148u);
  std::map<std::string, int> stops;
  for (const auto& s : d.stops) ++stops[s.kind];
  EXPECT_EQ(stops["bus_stop"], 92);
  EXPECT_EQ(stops["tram_stop"], 36);
  ASSERT_EQ(log.size(), 8u) << log.summary();
  for (const auto& r : log.items()) EXPECT_EQ(r.reason, RejectReason::BadGeometry);
  EXPECT_NE(log.items()[0].raw.find("osm area"), std::string::npos);
  for (const auto& p : d.parks) EXPECT_GT(area(p.geometry), 0.0);

  // Everything lies in central Helsinki, in metres.
  Envelope env;
  for (const auto& s : d.streets.lines) env.expand(envelope(s.geometry));
  EXPECT_GT(env.min_x, 380000);
  EXPECT_LT(env.max_x, 390000);
  EXPECT_GT(env.min_y, 6668000);
  EXPECT_LT(env.max_y, 6676000);
}

TEST(RealData, HelsinkiSingleLayerReadersAgree) {
  TRYGGVE_REQUIRE_SHARED("osm/helsinki_centre.osm.pbf");
  CrsContext crs = CrsContext::from_spec("EPSG:32635");
  PointReadOptions lamps;
  lamps.set = PointSet::Lamps;
  EXPECT_EQ(read_points(shared("osm/helsinki_centre.osm.pbf"), crs, lamps).size(), 586u);
  PolygonReadOptions parks;
  parks.osm_tags = {"leisure=park", "leisure=playground"};
  EXPECT_EQ(read_polygons(shared("osm/helsinki_centre.osm.pbf"), crs, parks).size(), 21u);  // 22 less one cut
}

TEST(RealData, GothenburgPrimaryAreas) {
  TRYGGVE_REQUIRE_SHARED("gothenburg/areas.gpkg");
  CrsContext crs = CrsContext::from_spec("EPSG:3006");
  PolygonReadOptions opt;
  opt.layer = "primaromraden";
  const auto a = read_polygons(shared("gothenburg/areas.gpkg"), crs, opt);
  ASSERT_EQ(a.size(), 96u);
  const auto backa = std::find_if(a.begin(), a.end(), [](const PolygonFeature& p) { return p.name == "Backa"; });
  ASSERT_NE(backa, a.end());
  EXPECT_EQ(backa->kind, "412");  // omrade_kod, found without being named
  // Already EPSG:3006: Backa lies north of the river, around N 6,405 km, E 320 km.
  const Envelope e = envelope(backa->geometry);
  EXPECT_GT(e.min_y, 6400000);
  EXPECT_LT(e.max_y, 6412000);
  EXPECT_GT(e.min_x, 314000);
  EXPECT_LT(e.max_x, 326000);
  double total = 0;
  for (const auto& p : a) total += area(p.geometry);
  EXPECT_GT(total, 400e6);  // Gothenburg's land is about 450 km2
  EXPECT_LT(total, 500e6);
  // Without a layer name the first polygon layer (primaromraden) is taken.
  EXPECT_EQ(read_polygons(shared("gothenburg/areas.gpkg"), crs).size(), 96u);
}

TEST(RealData, VasttrafikStopsCsv) {
  TRYGGVE_REQUIRE_SHARED("gothenburg/vasttrafik_stops_2021-03-10.csv");
  CrsContext crs = CrsContext::from_spec("EPSG:3006");
  RejectLog log;
  PointReadOptions opt;
  opt.rejects = &log;
  const auto s = read_points(shared("gothenburg/vasttrafik_stops_2021-03-10.csv"), crs, opt);
  EXPECT_EQ(s.size(), 27741u);
  EXPECT_EQ(log.size(), 0u);
  // Row 8,875: "Brunnsparken, Göteborg",9022014001760011,57.706783,11.966548 ->
  // cs2cs EPSG:4326 EPSG:3006: E 319267.9529 N 6400111.9493.
  const auto it = std::find_if(s.begin(), s.end(), [](const PointFeature& p) { return p.source_id == 9022014001760011LL; });
  ASSERT_NE(it, s.end());
  EXPECT_EQ(it->name, "Brunnsparken, Göteborg");
  EXPECT_NEAR(it->pos.x, 319267.9529, 1e-3);
  EXPECT_NEAR(it->pos.y, 6400111.9493, 1e-3);
}

// spatstat's chicago: the GeoJSON claims WGS84 (GeoJSON's default) but holds feet.
TEST(RealData, ChicagoNetworkLocal) {
  TRYGGVE_REQUIRE_SHARED("incidents/chicago_spatstat/chicago_network.geojson");
  CrsContext local = CrsContext::from_spec("local");
  const auto r = read_streets(shared("incidents/chicago_spatstat/chicago_network.geojson"), local);
  ASSERT_EQ(r.lines.size(), 503u);
  EXPECT_DOUBLE_EQ(r.lines[0].geometry[0].x, 0.389473894816306);
  EXPECT_DOUBLE_EQ(r.lines[0].geometry[0].y, 1253.802744489179531);
  // Into a real CRS the "degrees" cannot be transformed: a clear error, not 503 rejects.
  CrsContext metric = CrsContext::from_spec("EPSG:3006");
  RejectLog log;
  StreetReadOptions opt;
  opt.rejects = &log;
  const Error e = error_of([&] { read_streets(shared("incidents/chicago_spatstat/chicago_network.geojson"), metric, opt); });
  EXPECT_EQ(e.code(), ErrorCode::BadCrs) << e.what();
}

TEST(RealData, GeodanetStatePlaneFeetToUtm) {
  TRYGGVE_REQUIRE_SHARED("incidents/geodanet/streets.shp");
  CrsContext crs;  // auto: Mesa, Arizona -> UTM 12N
  const auto streets = read_streets(shared("incidents/geodanet/streets.shp"), crs);
  EXPECT_EQ(crs.epsg(), 32612);
  EXPECT_GE(streets.lines.size(), 293u);
  PointReadOptions opt;
  opt.set = PointSet::Places;
  const auto crimes = read_points(shared("incidents/geodanet/crimes.shp"), crs, opt);
  ASSERT_EQ(crimes.size(), 287u);
  // ogr2ogr -t_srs EPSG:32612 on the same shapefile: 423269.119890614, 3696742.64567638.
  EXPECT_NEAR(crimes[0].pos.x, 423269.1199, 1e-3);
  EXPECT_NEAR(crimes[0].pos.y, 3696742.6457, 1e-3);
  const auto schools = read_points(shared("incidents/geodanet/schools.shp"), crs, opt);
  EXPECT_EQ(schools.size(), 8u);
}
