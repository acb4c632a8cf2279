// The io calls the other modules use instead of GDAL: WGS84 transforms of the run
// CRS, reading layers back (describe, GeoJSON, export, SQL rows, lines in one CRS),
// polygons as WKT, the GeoTIFF writer, Date fields and pinned GeoPackage times.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <gdal_priv.h>
#include <nlohmann/json.hpp>

#include "test_data.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/io/crs.hpp"
#include "tryggve/io/gdal_env.hpp"
#include "tryggve/io/layers.hpp"
#include "tryggve/io/raster_writer.hpp"
#include "tryggve/io/vector_writer.hpp"
#include "tryggve/io/wkt.hpp"

using namespace tryggve;
using namespace tryggve::io;
namespace fs = std::filesystem;

namespace {

ErrorCode code_of(auto&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::Internal;
}

// Two incidents in January and one in February on two lines, in SWEREF99 TM near Stockholm.
fs::path small_gpkg(const fs::path& dir) {
  const fs::path p = dir / "run.gpkg";
  VectorWriter w(p, CrsContext::from_spec("EPSG:3006"));
  auto& inc = w.add_layer("incidents", GeometryKind::Point,
                          {{"month", FieldType::String}, {"parameter", FieldType::String}, {"n", FieldType::Int64}});
  inc.add({"2024-01", "vandalism", 1}, Point{674571.8664, 6580743.0083});
  inc.add({"2024-01", "fights", 2}, Point{674600.0, 6580750.0});
  inc.add({"2024-02", "vandalism", 3}, Point{684571.8664, 6590743.0083});
  auto& lines = w.add_layer("edges", GeometryKind::Line, {{"rank", FieldType::Int64}});
  lines.add({1}, Polyline{{674500, 6580700}, {674600, 6580800}});
  lines.add({}, Polyline{{674600, 6580800}, {674700, 6580800}});
  w.commit();
  return p;
}

}  // namespace

// ../shared/STACK.md's reference (cs2cs): lon 18.0686, lat 59.3293 -> E 674571.8664, N 6580743.0083.
TEST(CrsWgs84, ToAndFromTheRunCrsMatchCs2cs) {
  const CrsContext crs = CrsContext::from_spec("EPSG:3006");
  ASSERT_TRUE(crs.has_geographic_reference());
  double x = 18.0686, y = 59.3293;
  ASSERT_TRUE(crs.from_wgs84("test")->apply(x, y));
  EXPECT_NEAR(x, 674571.8664, 1e-3);
  EXPECT_NEAR(y, 6580743.0083, 1e-3);
  ASSERT_TRUE(crs.to_wgs84("test")->apply(x, y));
  EXPECT_NEAR(x, 18.0686, 1e-9);
  EXPECT_NEAR(y, 59.3293, 1e-9);
  const CrsContext local = CrsContext::from_spec("local");
  EXPECT_FALSE(local.has_geographic_reference());
  EXPECT_EQ(code_of([&] { local.to_wgs84("test"); }), ErrorCode::BadCrs);
  EXPECT_EQ(code_of([&] { CrsContext().from_wgs84("test"); }), ErrorCode::BadCrs);  // auto, unresolved
}

TEST(Layers, DescribeGeojsonFiltersAndExport) {
  const auto dir = test::temp_dir("io_layers");
  const auto gpkg = small_gpkg(dir);
  const auto layers = describe_layers(gpkg, {"incidents", "missing", "edges"});
  ASSERT_EQ(layers.size(), 2u);
  EXPECT_EQ(layers[0].layer, "incidents");
  EXPECT_EQ(layers[0].geometry, "Point");
  EXPECT_EQ(layers[0].features, 3);
  ASSERT_EQ(layers[0].fields.size(), 3u);
  EXPECT_EQ(layers[0].fields[2], (std::pair<std::string, std::string>{"n", "Integer"}));
  EXPECT_EQ(layers[1].geometry, "Line String");  // OGR's name
  EXPECT_TRUE(describe_layers(dir / "absent.gpkg", {"incidents"}).empty());

  // January only, vandalism only: one feature, in lon/lat.
  LayerQuery q;
  q.conditions.push_back({"month", "2024-01", "2024-01", {}, "query parameter month"});
  q.conditions.push_back({"parameter", "", "", {"vandalism"}, "query parameter parameter"});
  auto j = nlohmann::json::parse(layer_geojson(gpkg, "incidents", "incidents", q));
  EXPECT_EQ(j["count"], 1);
  EXPECT_EQ(j["crs_note"], "EPSG:4326 (lon, lat)");
  const auto& c = j["features"][0]["geometry"]["coordinates"];
  EXPECT_NEAR(c[0].get<double>(), 18.0686, 1e-6);
  EXPECT_NEAR(c[1].get<double>(), 59.3293, 1e-6);
  EXPECT_EQ(j["features"][0]["properties"]["n"], 1);

  // A box around Stockholm's reference point keeps the two January incidents; a limit and fields.
  LayerQuery box;
  box.bbox_wgs84 = std::array<double, 4>{18.06, 59.32, 18.08, 59.34};
  box.fields = {"parameter"};
  j = nlohmann::json::parse(layer_geojson(gpkg, "incidents", "incidents", box));
  EXPECT_EQ(j["count"], 2);
  EXPECT_EQ(j["features"][0]["properties"].size(), 1u);
  box.limit = 1;
  EXPECT_EQ(nlohmann::json::parse(layer_geojson(gpkg, "incidents", "incidents", box))["count"], 1);

  // Conditions on fields a layer lacks are refused, naming the condition.
  try {
    layer_geojson(gpkg, "edges", "edges", q);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadOption);
    EXPECT_EQ(e.where(), "query parameter month");
  }
  LayerQuery bad_field;
  bad_field.fields = {"nope"};
  EXPECT_EQ(code_of([&] { layer_geojson(gpkg, "edges", "edges", bad_field); }), ErrorCode::BadOption);
  EXPECT_EQ(code_of([&] { layer_geojson(gpkg, "nope", "nope", {}); }), ErrorCode::LayerNotFound);

  // Export: the filtered incidents and all edges, in their own CRS.
  const auto out = dir / "export.gpkg";
  LayerCopy a{gpkg, "incidents", "incidents_jan", {}};
  a.query.conditions.push_back({"month", "2024-01", "2024-01", {}, "month"});
  export_layers({a, {gpkg, "edges", "edges", {}}}, out);
  const auto exported = describe_layers(out, {"incidents_jan", "edges"});
  ASSERT_EQ(exported.size(), 2u);
  EXPECT_EQ(exported[0].features, 2);
  EXPECT_EQ(exported[1].features, 2);

  const auto rows = query_rows(gpkg, "SELECT month, COUNT(*) FROM incidents GROUP BY month ORDER BY month");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"2024-01", "2"}));

  auto tr = layer_to_wgs84(gpkg, "edges");
  ASSERT_TRUE(tr);
  double x = 674571.8664, y = 6580743.0083;
  ASSERT_TRUE(tr->apply(x, y));
  EXPECT_NEAR(x, 18.0686, 1e-6);
  EXPECT_FALSE(layer_to_wgs84(gpkg, "nope"));
  fs::remove_all(dir);
}

TEST(Layers, LineReaderBringsLaterLayersIntoTheFirstLayersCrs) {
  const auto dir = test::temp_dir("io_lines");
  const auto gpkg = small_gpkg(dir);
  // The same first edge written in WGS84 UTM 34N (EPSG:32634) must come back in SWEREF99 TM.
  const fs::path other = dir / "utm.gpkg";
  {
    const CrsContext utm = CrsContext::from_spec("EPSG:32634");
    auto tr = CrsContext::from_spec("EPSG:3006").to_wgs84("t");
    auto back = utm.from_wgs84("t");
    Polyline l{{674500, 6580700}, {674600, 6580800}};
    for (auto& p : l) ASSERT_TRUE(tr->apply(p) && back->apply(p));
    VectorWriter w(other, utm);
    w.add_layer("routes", GeometryKind::Line, {{"walker", FieldType::Int64}}).add({2}, l);
    w.commit();
  }
  LineReader r;
  const auto edges = r.read(gpkg, "edges", "rank");
  ASSERT_EQ(edges.lines.size(), 2u);
  EXPECT_EQ(edges.value, (std::vector<double>{1.0, 0.0}));  // null -> 0
  const auto routes = r.read(other, "routes", "walker");
  ASSERT_EQ(routes.lines.size(), 1u);
  EXPECT_NEAR(routes.lines[0][0].x, 674500, 1e-3);
  EXPECT_NEAR(routes.lines[0][1].y, 6580800, 1e-3);
  EXPECT_EQ(routes.value[0], 2.0);
  EXPECT_TRUE(r.read(dir / "absent.gpkg", "edges").lines.empty());
  fs::remove_all(dir);
}

TEST(Wkt, PolygonsParseAndDrawnRingsComeBackInTheRunCrs) {
  const auto p = parse_wkt("POLYGON((0 0, 10 0, 10 10, 0 10))");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->type, "POLYGON");
  ASSERT_EQ(p->polygons.size(), 1u);
  EXPECT_EQ(p->polygons[0].outer.size(), 5u);  // closed
  const auto m = parse_wkt("MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->polygons.size(), 2u);
  const auto pt = parse_wkt("POINT(1 2)");
  ASSERT_TRUE(pt);
  EXPECT_EQ(pt->type, "POINT");
  EXPECT_TRUE(pt->polygons.empty());
  EXPECT_FALSE(parse_wkt("not wkt"));

  const CrsContext crs = CrsContext::from_spec("EPSG:3006");
  const auto wkt = wgs84_ring_as_wkt({{18.0686, 59.3293}, {18.07, 59.3293}, {18.07, 59.33}, {18.0686, 59.3293}}, crs);
  ASSERT_TRUE(wkt);
  const auto back = parse_wkt(*wkt);
  ASSERT_TRUE(back);
  EXPECT_NEAR(back->polygons[0].outer[0].x, 674571.8664, 1e-3);
  EXPECT_NEAR(back->polygons[0].outer[0].y, 6580743.0083, 1e-3);
  // A local run takes the coordinates as they are.
  const auto same = wgs84_ring_as_wkt({{1, 2}, {3, 2}, {3, 4}, {1, 2}}, CrsContext::from_spec("local"));
  ASSERT_TRUE(same);
  EXPECT_EQ(parse_wkt(*same)->polygons[0].outer[1].x, 3.0);
}

TEST(RasterWriter, GeoTiffIsNorthUpWithBandNamesAndCrs) {
  const auto dir = test::temp_dir("io_tiff");
  RasterGrid g{1000, 2000, 10, 3, 2};
  std::vector<double> v(6);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i);  // row 0 (south): 0 1 2
  write_geotiff(dir / "g.tif", CrsContext::from_spec("EPSG:3006"), g, {{"ids", v}, {"twice", {0, 2, 4, 6, 8, 10}}});
  ensure_gdal();
  GDALDatasetUniquePtr ds(GDALDataset::Open((dir / "g.tif").c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  ASSERT_TRUE(ds);
  EXPECT_EQ(ds->GetRasterCount(), 2);
  EXPECT_STREQ(ds->GetRasterBand(2)->GetDescription(), "twice");
  float top_left = -1;
  ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, 1, 1, &top_left, 1, 1, GDT_Float32, 0, 0), CE_None);
  EXPECT_EQ(top_left, 3.0f);  // the northern row is raster row 0
  double gt[6];
  ds->GetGeoTransform(gt);
  EXPECT_DOUBLE_EQ(gt[0], 1000.0);
  EXPECT_DOUBLE_EQ(gt[3], 2020.0);
  EXPECT_NE(std::string(ds->GetProjectionRef()).find("SWEREF99"), std::string::npos);
  ds.reset();
  EXPECT_EQ(code_of([&] { write_geotiff(dir / "bad.tif", CrsContext::from_spec("local"), g, {{"short", {1.0}}}); }),
            ErrorCode::Internal);
  EXPECT_FALSE(fs::exists(dir / "bad.tif"));
  fs::remove_all(dir);
}

TEST(VectorWriter, DateFieldsAndPinnedTimestampsGiveTheSameBytes) {
  const auto dir = test::temp_dir("io_pinned");
  auto write = [&](const fs::path& p) {
    VectorWriter w(p, CrsContext::from_spec("EPSG:3006"), {.fixed_timestamp = true});
    w.add_layer("lamps", GeometryKind::Point, {{"installed", FieldType::Date}}).add({"1972-09-01"}, Point{1, 2});
    w.commit();
  };
  write(dir / "a.gpkg");
  write(dir / "b.gpkg");
  auto bytes = [](const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  };
  EXPECT_EQ(bytes(dir / "a.gpkg"), bytes(dir / "b.gpkg"));
  const auto l = describe_layers(dir / "a.gpkg", {"lamps"});
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0].fields[0].second, "DateTime");
  const auto rows = query_rows(dir / "a.gpkg", "SELECT installed FROM lamps");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "1972/09/01");
  fs::remove_all(dir);
}
