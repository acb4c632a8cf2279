#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "test_data.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/io/gdal_env.hpp"
#include "tryggve/io/readers.hpp"
#include "tryggve/io/vector_writer.hpp"
#include "tryggve/network/lixels.hpp"
#include "tryggve/network/network.hpp"

using namespace tryggve;
using namespace tryggve::io;
namespace fs = std::filesystem;

namespace {

network::Network tiny_network() {
  std::vector<Point> v{{320000, 6400000}, {320100, 6400000}, {320100, 6400050}};
  std::vector<network::Edge> e(2);
  e[0].from = 0, e[0].to = 1, e[0].length = 100, e[0].geometry = {v[0], v[1]}, e[0].name = "Backavägen";
  e[0].highway = "secondary", e[0].lit = Lit::Yes;
  e[1].from = 1, e[1].to = 2, e[1].length = 50, e[1].geometry = {v[1], v[2]}, e[1].highway = "footway";
  e[1].tunnel = true;
  return network::Network(v, e);
}

GDALDatasetUniquePtr open(const fs::path& p) {
  ensure_gdal();
  return GDALDatasetUniquePtr(GDALDataset::Open(p.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
}

}  // namespace

TEST(VectorWriter, GeoPackageReadsBackWithLayersCountsAndSrs) {
  const auto dir = test::temp_dir("io_gpkg");
  const auto path = dir / "map.gpkg";
  CrsContext crs = CrsContext::from_spec("EPSG:3006");
  const auto net = tiny_network();
  const network::Lixelization lix(net, 20.0);
  PolygonFeature park;
  park.source_id = 7, park.name = "Backa park", park.kind = "park";
  park.geometry = {Polygon{{{320000, 6400010}, {320040, 6400010}, {320040, 6400040}, {320000, 6400040}, {320000, 6400010}}, {}}};
  PointFeature stop;
  stop.source_id = 9, stop.name = "Backa torg", stop.kind = "bus_stop", stop.pos = {320050, 6400005};
  const Timestamp t{1709645400, 3600};
  {
    VectorWriter w(path, crs);
    EXPECT_EQ(write_edges(w, net).size(), 2u);
    EXPECT_EQ(write_lixels(w, net, lix).size(), lix.size());
    write_polygons(w, "parks", {park});
    write_points(w, "stops", {stop});
    auto& rej = w.add_layer("rejects", GeometryKind::None,
                            {{"row", FieldType::Int64}, {"reason", FieldType::String}, {"time", FieldType::DateTime}});
    rej.add({12, "bad time", t});
    rej.add({13, std::nullopt});  // the rest null
    EXPECT_FALSE(fs::exists(path)) << "nothing in place before commit";
    w.commit();
  }
  ASSERT_TRUE(fs::exists(path));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1) << "no temporaries left";

  auto ds = open(path);
  ASSERT_TRUE(ds);
  EXPECT_STREQ(ds->GetDriver()->GetDescription(), "GPKG");
  ASSERT_EQ(ds->GetLayerCount(), 6) << "five layers and QGIS's layer_styles";
  ASSERT_TRUE(ds->GetLayerByName("layer_styles"));
  OGRLayer* edges = ds->GetLayerByName("edges");
  ASSERT_TRUE(edges);
  EXPECT_EQ(edges->GetFeatureCount(), 2);
  EXPECT_STREQ(edges->GetGeometryColumn(), "geom");
  EXPECT_EQ(wkbFlatten(edges->GetGeomType()), wkbLineString);
  ASSERT_TRUE(edges->GetSpatialRef());
  EXPECT_STREQ(edges->GetSpatialRef()->GetAuthorityCode(nullptr), "3006");
  OGRFeatureUniquePtr f(edges->GetNextFeature());
  EXPECT_EQ(f->GetFieldAsInteger64("edge_id"), 0);
  EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("length_m"), 100.0);
  EXPECT_STREQ(f->GetFieldAsString("name"), "Backavägen");
  EXPECT_STREQ(f->GetFieldAsString("lit"), "yes");
  f.reset(edges->GetNextFeature());
  EXPECT_EQ(f->GetFieldAsInteger64("tunnel"), 1);
  EXPECT_EQ(f->GetFieldAsInteger64("to_vertex"), 2);

  OGRLayer* lx = ds->GetLayerByName("lixels");
  EXPECT_EQ(lx->GetFeatureCount(), static_cast<GIntBig>(lix.size()));
  double sum = 0;
  for (auto& g : *lx) sum += g->GetFieldAsDouble("length_m");
  EXPECT_NEAR(sum, 150.0, 1e-9);

  OGRLayer* parks = ds->GetLayerByName("parks");
  EXPECT_EQ(wkbFlatten(parks->GetGeomType()), wkbMultiPolygon);
  f.reset(parks->GetNextFeature());
  EXPECT_NEAR(f->GetFieldAsDouble("area_m2"), 1200.0, 1e-9);
  EXPECT_FALSE(f->IsFieldSetAndNotNull(f->GetFieldIndex("population")));

  OGRLayer* rej = ds->GetLayerByName("rejects");
  EXPECT_EQ(wkbFlatten(rej->GetGeomType()), wkbNone);
  f.reset(rej->GetNextFeature());
  int y, mo, d, h, mi, tz;
  float s;
  ASSERT_TRUE(f->GetFieldAsDateTime(f->GetFieldIndex("time"), &y, &mo, &d, &h, &mi, &s, &tz));
  // Same instant whatever offset the driver stores it with.
  const int off_min = tz >= 100 ? (tz - 100) * 15 : 0;
  const std::int64_t utc = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + static_cast<int>(s) - off_min * 60;
  EXPECT_EQ(utc, t.utc_seconds);
  f.reset(rej->GetNextFeature());
  EXPECT_EQ(f->GetFieldAsInteger64("row"), 13);
  EXPECT_FALSE(f->IsFieldSetAndNotNull(f->GetFieldIndex("reason")));
  ds.reset();

  // Our own readers take it back.
  PointReadOptions po;
  po.layer = "stops";
  const auto stops = read_points(path.string(), crs, po);
  ASSERT_EQ(stops.size(), 1u);
  EXPECT_EQ(stops[0].pos, stop.pos);
  EXPECT_EQ(stops[0].name, "Backa torg");
  fs::remove_all(dir);
}

TEST(VectorWriter, FailedWriteLeavesNoFile) {
  const auto dir = test::temp_dir("io_fail");
  const auto path = dir / "map.gpkg";
  CrsContext crs = CrsContext::from_spec("EPSG:3006");
  try {
    VectorWriter w(path, crs);
    auto& l = w.add_layer("stops", GeometryKind::Point, {{"name", FieldType::String}});
    for (int i = 0; i < 1000; ++i) l.add({"ok"}, Point{320000.0 + i, 6400000});
    l.add({"a line in a point layer"}, Polyline{{0, 0}, {1, 1}});  // throws
    w.commit();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::OutputFailed);
    EXPECT_NE(e.where().find("feature 1001"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(fs::is_empty(dir)) << "temporaries removed";

  // A run that fails later keeps the previous good file as it was.
  {
    VectorWriter w(path, crs);
    w.add_layer("a", GeometryKind::None, {{"n", FieldType::Int64}}).add({1});
    w.commit();
  }
  const auto size = fs::file_size(path);
  {
    VectorWriter w(path, crs);
    w.add_layer("b", GeometryKind::None, {{"n", FieldType::Int64}}).add({2});
  }  // destroyed without commit
  EXPECT_EQ(fs::file_size(path), size);
  auto ds = open(path);
  EXPECT_TRUE(ds->GetLayerByName("a"));
  EXPECT_FALSE(ds->GetLayerByName("b"));
  ds.reset();
  fs::remove_all(dir);
}

TEST(VectorWriter, TypeMismatchAndUnknownFormat) {
  const auto dir = test::temp_dir("io_types");
  CrsContext crs = CrsContext::from_spec("EPSG:3006");
  EXPECT_THROW(VectorWriter(dir / "x.shp", crs), Error);
  VectorWriter w(dir / "t.gpkg", crs);
  auto& l = w.add_layer("t", GeometryKind::None, {{"n", FieldType::Int64}});
  EXPECT_THROW(l.add({"text in an integer field"}), Error);
  EXPECT_THROW(l.add({1, 2}), Error);  // more values than fields
  fs::remove_all(dir);
}

TEST(VectorWriter, LocalRunHasNoSrsAndOneLayerFormatsSplit) {
  const auto dir = test::temp_dir("io_geojson");
  CrsContext local = CrsContext::from_spec("local");
  const auto net = tiny_network();
  const network::Lixelization lix(net, 20.0);
  {
    VectorWriter w(dir / "net.geojson", local);
    write_edges(w, net);
    write_lixels(w, net, lix);
    w.commit();
    ASSERT_EQ(w.outputs().size(), 2u);
  }
  ASSERT_TRUE(fs::exists(dir / "net.geojson"));
  ASSERT_TRUE(fs::exists(dir / "net.lixels.geojson"));
  auto ds = open(dir / "net.geojson");
  ASSERT_TRUE(ds);
  EXPECT_EQ(ds->GetLayer(0)->GetFeatureCount(), 2);
  ds.reset();
  {
    VectorWriter w(dir / "lp.gpkg", local);
    write_edges(w, net);
    w.commit();
  }
  ds = open(dir / "lp.gpkg");
  const OGRSpatialReference* srs = ds->GetLayer(0)->GetSpatialRef();
  EXPECT_TRUE(srs == nullptr || srs->IsLocal() || srs->GetAuthorityCode(nullptr) == nullptr);
  ds.reset();

  // CSV: geometry as WKT, time stamps as ISO 8601.
  {
    VectorWriter w(dir / "rows.csv", local);
    auto& l = w.add_layer("rows", GeometryKind::Point, {{"time", FieldType::DateTime}});
    l.add({Timestamp{1709645400, 3600}}, Point{1, 2});
    w.commit();
  }
  std::ifstream in(dir / "rows.csv");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("POINT (1 2)"), std::string::npos) << text;
  EXPECT_NE(text.find("2024-03-05T14:30:00+01:00"), std::string::npos) << text;
  fs::remove_all(dir);
}

namespace {
std::string sql_text(GDALDataset& ds, const std::string& sql) {
  OGRLayer* rs = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
  std::string out;
  if (rs) {
    for (auto& f : *rs) out += std::string(out.empty() ? "" : ",") + f->GetFieldAsString(0);
    ds.ReleaseResultSet(rs);
  }
  return out;
}
}  // namespace

// The packed index (io/gpkg_rtree.hpp) must be one SQLite accepts, with GDAL's own
// triggers back in place, and must find exactly the features a full scan finds.
TEST(VectorWriter, GeoPackageSpatialIndexIsPackedValidAndAnswersQueries) {
  const auto dir = test::temp_dir("io_gpkg_rtree");
  const auto path = dir / "many.gpkg";
  std::vector<Point> pts;
  std::uint64_t s = 12345;
  auto next = [&] {  // a small LCG: the test needs spread, not quality
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(s >> 11) / 9007199254740992.0;
  };
  for (int i = 0; i < 5000; ++i) pts.push_back({320000 + 4000 * next(), 6400000 + 3000 * next()});
  {
    VectorWriter w(path, CrsContext::from_spec("EPSG:3006"));
    auto& p = w.add_layer("pts", GeometryKind::Point, {{"i", FieldType::Int64}});
    for (std::size_t i = 0; i < pts.size(); ++i) {
      p.add({i}, pts[i]);
      if (i % 1000 == 0) p.add({-1});  // null geometries stay out of the index, as in GDAL's
    }
    auto& l = w.add_layer("lines", GeometryKind::Line, {{"i", FieldType::Int64}});
    for (std::size_t i = 0; i + 1 < pts.size(); i += 2) l.add({i}, Polyline{pts[i], {pts[i].x + 30, pts[i].y + 7}});
    w.commit();
  }
  // The same rows written by GDAL itself, its index kept up row by row: the
  // triggers it makes and the boxes SQLite stores must be the same as ours.
  const auto ref_path = dir / "ref.gpkg";
  std::string ref_triggers, ref_boxes;
  {
    ensure_gdal();
    GDALDatasetUniquePtr ref(GetGDALDriverManager()->GetDriverByName("GPKG")->Create(ref_path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    const char* opts[] = {"GEOMETRY_NAME=geom", "FID=fid", "SPATIAL_INDEX=YES", nullptr};
    OGRLayer* rl = ref->CreateLayer("pts", nullptr, wkbPoint, const_cast<char**>(opts));
    ASSERT_EQ(ref->StartTransaction(), OGRERR_NONE);
    for (std::size_t i = 0; i < pts.size(); ++i) {
      OGRFeature f(rl->GetLayerDefn());
      f.SetGeometryDirectly(new OGRPoint(pts[i].x, pts[i].y));
      ASSERT_EQ(rl->CreateFeature(&f), OGRERR_NONE);
      if (i % 1000 == 0) {
        OGRFeature g(rl->GetLayerDefn());
        ASSERT_EQ(rl->CreateFeature(&g), OGRERR_NONE);
      }
    }
    ASSERT_EQ(ref->CommitTransaction(), OGRERR_NONE);
    ref->FlushCache();
    ref_triggers = sql_text(*ref, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'pts' ORDER BY name");
    ref_boxes = sql_text(*ref, "SELECT id || ' ' || minx || ' ' || maxx || ' ' || miny || ' ' || maxy FROM rtree_pts_geom ORDER BY id");
  }
  auto ref = open(ref_path);
  ASSERT_TRUE(ref);
  EXPECT_FALSE(ref_triggers.empty());
  {
    auto ds = open(path);
    ASSERT_TRUE(ds);
    EXPECT_EQ(sql_text(*ds, "SELECT rtreecheck('rtree_pts_geom')"), "ok");
    EXPECT_EQ(sql_text(*ds, "SELECT rtreecheck('rtree_lines_geom')"), "ok");
    EXPECT_EQ(sql_text(*ds, "SELECT count(*) FROM rtree_pts_geom"), "5000");
    EXPECT_EQ(sql_text(*ds, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'pts' ORDER BY name"),
              ref_triggers);
    EXPECT_EQ(sql_text(*ds, "SELECT extension_name FROM gpkg_extensions WHERE table_name = 'pts'"), "gpkg_rtree_index");
    EXPECT_EQ(sql_text(*ds, "SELECT id || ' ' || minx || ' ' || maxx || ' ' || miny || ' ' || maxy FROM rtree_pts_geom ORDER BY id"),
              ref_boxes);
    OGRLayer* layer = ds->GetLayerByName("pts");
    for (int q = 0; q < 25; ++q) {
      const double x0 = 320000 + 3500 * next(), y0 = 6400000 + 2500 * next(), x1 = x0 + 50 + 600 * next(),
                   y1 = y0 + 50 + 600 * next();
      std::size_t want = 0;
      for (const auto& p : pts) want += p.x >= x0 && p.x <= x1 && p.y >= y0 && p.y <= y1;
      // The index is what answers: rtree rows inside the box, as GDAL's spatial filter asks.
      const std::string n = sql_text(*ds, fmt::format("SELECT count(*) FROM rtree_pts_geom WHERE minx <= {:.17g} AND maxx >= "
                                                      "{:.17g} AND miny <= {:.17g} AND maxy >= {:.17g}",
                                                      x1, x0, y1, y0));
      // Float boxes may catch a point just outside, never miss one; GDAL's own index catches the same.
      layer->SetSpatialFilterRect(x0, y0, x1, y1);
      OGRLayer* ref_layer = ref->GetLayerByName("pts");
      ref_layer->SetSpatialFilterRect(x0, y0, x1, y1);
      const auto got = static_cast<std::size_t>(layer->GetFeatureCount(true));
      EXPECT_EQ(got, static_cast<std::size_t>(ref_layer->GetFeatureCount(true))) << "box " << q;
      EXPECT_GE(got, want) << "box " << q;
      EXPECT_EQ(std::stoul(n), got) << "box " << q;
    }
  }
  {
    // The restored triggers keep the index up to date on later edits.
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
    ASSERT_TRUE(ds);
    OGRLayer* layer = ds->GetLayerByName("pts");
    OGRFeature f(layer->GetLayerDefn());
    f.SetGeometryDirectly(new OGRPoint(330000, 6410000));
    ASSERT_EQ(layer->CreateFeature(&f), OGRERR_NONE);
    EXPECT_EQ(sql_text(*ds, "SELECT count(*) FROM rtree_pts_geom"), "5001");
    EXPECT_EQ(sql_text(*ds, "SELECT rtreecheck('rtree_pts_geom')"), "ok");
  }
}

TEST(VectorWriter, GeoPackageRowsWrittenDirectlyAreTheRowsGdalWrites) {
  // Point and line layers of integers, reals, text and time stamps are bound
  // straight into SQLite; a Date field keeps a layer on GDAL's CreateFeature.
  // The same rows through both paths must give the same stored values,
  // geometry blobs, feature counts, extents and triggers.
  const auto dir = test::temp_dir("io_gpkg_direct");
  const auto path = dir / "both.gpkg";
  const std::vector<FieldDef> fields = {{"i", FieldType::Int64},  {"r", FieldType::Real},    {"r_from_int", FieldType::Real},
                                        {"s", FieldType::String}, {"s_from_int", FieldType::String}, {"t", FieldType::DateTime}};
  std::vector<FieldDef> with_date = fields;
  with_date.push_back({"d", FieldType::Date});
  const std::vector<Timestamp> times = {{1709645400, 0}, {1709645400, 7200}, {1709645401, -19800}, {951782400, 3600}};
  const std::vector<std::string> texts = {"Backa torg", "O'Brien \"citat\"", "", "åäö ÅÄÖ, ; tab\tend",
                                          std::string("before\0after", 12)};
  auto row = [&](std::size_t k) {
    std::vector<FieldValue> v = {static_cast<long long>(k) - 2,
                                 k % 3 == 1 ? FieldValue(std::nan("")) : FieldValue(0.1 * static_cast<double>(k) + 1e-9),
                                 static_cast<long long>(k * 7),
                                 k % 5 == 4 ? FieldValue() : FieldValue(texts[k % texts.size()]),
                                 static_cast<long long>(k),
                                 k % 6 == 5 ? FieldValue() : FieldValue(times[k % times.size()])};
    if (k % 7 == 6) v.resize(3);  // fewer values: the rest null
    return v;
  };
  const std::size_t n = 40;
  {
    VectorWriter w(path, CrsContext::from_spec("EPSG:3006"), {.fixed_timestamp = true});
    for (const char* layer : {"direct_pts", "ogr_pts", "direct_lines", "ogr_lines"}) {
      const bool ogr = layer[0] == 'o';
      const bool lines = std::string(layer).find("lines") != std::string::npos;
      auto& l = w.add_layer(layer, lines ? GeometryKind::Line : GeometryKind::Point, ogr ? with_date : fields);
      for (std::size_t k = 0; k < n; ++k) {
        const Point p{320000.125 + 13.5 * static_cast<double>(k), 6400000.5 - 7.25 * static_cast<double>(k)};
        Geometry g;
        if (k % 9 != 8) {
          if (lines) g = Polyline{p, {p.x + 20, p.y + 3}, {p.x + 25, p.y - 4}};
          else g = p;
        }
        l.add(row(k), g);
      }
    }
    w.commit();
  }
  auto ds = open(path);
  ASSERT_TRUE(ds);
  for (const char* kind : {"pts", "lines"}) {
    const std::string d = std::string("direct_") + kind, o = std::string("ogr_") + kind;
    // One text per row (the helper reads the first column; GDAL takes a leading fid as the FID).
    const std::string cols = "'#' || fid || ' ' || quote(geom) || ' ' || quote(i) || ' ' || quote(r) || ' ' || quote(r_from_int) || ' ' || "
                             "quote(s) || ' ' || quote(s_from_int) || ' ' || quote(t) || ' ' || typeof(i) || typeof(r) || "
                             "typeof(r_from_int) || typeof(s) || typeof(s_from_int) || typeof(t)";
    const std::string got = sql_text(*ds, "SELECT " + cols + " FROM " + d + " ORDER BY fid");
    EXPECT_EQ(got, sql_text(*ds, "SELECT " + cols + " FROM " + o + " ORDER BY fid")) << kind;
    EXPECT_EQ(std::count(got.begin(), got.end(), '#'), static_cast<std::ptrdiff_t>(n));
    EXPECT_EQ(sql_text(*ds, "SELECT DISTINCT 'stored: ' || t FROM " + d + " WHERE t IS NOT NULL ORDER BY fid"),
              "stored: 2024-03-05T13:30:00.000Z,stored: 2024-03-05T15:30:00.000+02:00,stored: 2024-03-05T08:00:01.000-05:30,"
              "stored: 2000-02-29T01:00:00.000+01:00");
    for (const char* q : {"SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = '{}'",
                          "SELECT printf('%.6f %.6f %.6f %.6f', min_x, min_y, max_x, max_y) FROM gpkg_contents WHERE table_name = '{}'",
                          "SELECT replace(group_concat(name), '{}', '') FROM (SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = '{}' ORDER BY name)",
                          "SELECT count(*) || ' ' || rtreecheck('rtree_{}_geom') FROM rtree_{}_geom"})
      EXPECT_EQ(sql_text(*ds, fmt::format(fmt::runtime(q), d, d)), sql_text(*ds, fmt::format(fmt::runtime(q), o, o))) << q;
    EXPECT_EQ(sql_text(*ds, "SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = '" + d + "'"), std::to_string(n));
    // GDAL reads the time stamps back with their offsets.
    OGRLayer* l = ds->GetLayerByName(d.c_str());
    l->ResetReading();
    std::unique_ptr<OGRFeature> f(l->GetNextFeature());
    ASSERT_TRUE(f);
    int y, mo, dd, h, mi, tz;
    float sec;
    ASSERT_TRUE(f->GetFieldAsDateTime(f->GetFieldIndex("t"), &y, &mo, &dd, &h, &mi, &sec, &tz));
    EXPECT_EQ(fmt::format("{}-{}-{} {}:{} {}", y, mo, dd, h, mi, tz), "2024-3-5 13:30 100");
    EXPECT_EQ(l->GetFeatureCount(), static_cast<GIntBig>(n));
  }
  ds.reset();
  {
    // A later edit through GDAL keeps the count: the restored triggers count it.
    GDALDatasetUniquePtr up(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
    ASSERT_TRUE(up);
    OGRLayer* l = up->GetLayerByName("direct_pts");
    OGRFeature f(l->GetLayerDefn());
    f.SetGeometryDirectly(new OGRPoint(330000, 6410000));
    ASSERT_EQ(l->CreateFeature(&f), OGRERR_NONE);
  }
  auto again = open(path);
  ASSERT_TRUE(again);
  EXPECT_EQ(sql_text(*again, "SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'direct_pts'"), std::to_string(n + 1));
  EXPECT_EQ(sql_text(*again, "SELECT count(*) FROM direct_pts"), std::to_string(n + 1));
}
