// Real data: Västtrafik's stops in Norra Hisingen tagged with Gothenburg's
// primärområden, read with GDAL/OGR directly (not through io), reprojected to
// SWEREF99 TM, and checked against OGR's own point-in-polygon test.
#include <gtest/gtest.h>

#include <memory>

#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include "test_data.hpp"
#include "tryggve/snap/place_tagger.hpp"

using namespace tryggve::snap;

namespace {

struct Layer {
  std::vector<std::unique_ptr<OGRGeometry>> geoms;  // in EPSG:3006
  std::vector<std::string> names;
};

Layer read_3006(const std::filesystem::path& path, const char* name_field) {
  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
  EXPECT_TRUE(ds) << path;
  Layer out;
  if (!ds) return out;
  OGRLayer* layer = ds->GetLayer(0);
  OGRSpatialReference dst;
  dst.importFromEPSG(3006);
  dst.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  OGRSpatialReference src(*layer->GetSpatialRef());
  src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&src, &dst));
  EXPECT_TRUE(ct);
  for (auto& f : *layer) {
    std::unique_ptr<OGRGeometry> g(f->GetGeometryRef()->clone());
    EXPECT_EQ(g->transform(ct.get()), OGRERR_NONE);
    out.geoms.push_back(std::move(g));
    out.names.push_back(f->GetFieldAsString(name_field));
  }
  return out;
}

tryggve::MultiPolygon to_multipolygon(const OGRGeometry& g) {
  tryggve::MultiPolygon mp;
  auto ring = [](const OGRLinearRing* r) {
    tryggve::Ring out;
    for (int i = 0; i < r->getNumPoints(); ++i) out.push_back({r->getX(i), r->getY(i)});
    return out;
  };
  auto add = [&](const OGRPolygon* p) {
    tryggve::Polygon poly;
    poly.outer = ring(p->getExteriorRing());
    for (int i = 0; i < p->getNumInteriorRings(); ++i) poly.holes.push_back(ring(p->getInteriorRing(i)));
    mp.push_back(std::move(poly));
  };
  const auto type = wkbFlatten(g.getGeometryType());
  if (type == wkbPolygon) add(g.toPolygon());
  else if (type == wkbMultiPolygon)
    for (const auto* p : *g.toMultiPolygon()) add(p);
  return mp;
}

}  // namespace

TEST(PlaceTaggerRealData, VasttrafikStopsInPrimaromraden) {
  TRYGGVE_REQUIRE_SHARED("gothenburg/norra_hisingen_primaromraden.geojson");
  TRYGGVE_REQUIRE_SHARED("gothenburg/vasttrafik_stops_norra_hisingen.geojson");
  const auto dir = tryggve::test::shared_data() / "gothenburg";
  const Layer areas = read_3006(dir / "norra_hisingen_primaromraden.geojson", "omrade_namn");
  const Layer stops = read_3006(dir / "vasttrafik_stops_norra_hisingen.geojson", "name");
  ASSERT_EQ(areas.geoms.size(), 8u);
  ASSERT_EQ(stops.geoms.size(), 450u);

  std::vector<tryggve::PolygonFeature> area_features;
  for (std::size_t i = 0; i < areas.geoms.size(); ++i) {
    tryggve::PolygonFeature f;
    f.source_id = static_cast<std::int64_t>(i);
    f.name = areas.names[i];
    f.geometry = to_multipolygon(*areas.geoms[i]);
    ASSERT_FALSE(f.geometry.empty());
    area_features.push_back(std::move(f));
  }
  std::vector<tryggve::PointFeature> stop_features;
  std::vector<tryggve::Point> pts;
  for (std::size_t i = 0; i < stops.geoms.size(); ++i) {
    const auto* p = stops.geoms[i]->toPoint();
    tryggve::PointFeature s;
    s.source_id = static_cast<std::int64_t>(i);
    s.name = stops.names[i];
    s.pos = {p->getX(), p->getY()};
    // SWEREF99 TM around Gothenburg: easting ~ 310-330 km, northing ~ 6.40-6.42 Mm.
    // (Swapped axes would give easting ~ 6.4 million.)
    ASSERT_GT(s.pos.x, 300000.0);
    ASSERT_LT(s.pos.x, 340000.0);
    ASSERT_GT(s.pos.y, 6390000.0);
    ASSERT_LT(s.pos.y, 6430000.0);
    stop_features.push_back(s);
    pts.push_back(s.pos);
  }

  const PlaceTagger tagger({}, stop_features, area_features);
  const auto tags = tagger.tag_all(pts);
  std::size_t tagged = 0;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    // Brute force with OGR: the lowest-index area that intersects the point.
    std::uint32_t expect = kNoPlace;
    for (std::uint32_t a = 0; a < areas.geoms.size(); ++a)
      if (areas.geoms[a]->Intersects(stops.geoms[i].get())) {
        expect = a;
        break;
      }
    EXPECT_EQ(tags[i].area, expect) << "stop " << i << " " << stops.names[i];
    tagged += expect != kNoPlace;
    // Each stop's nearest stop is itself (or an earlier stop at the very same place).
    ASSERT_NE(tags[i].stop, kNoPlace);
    EXPECT_EQ(tags[i].stop_distance, 0.0);
    EXPECT_LE(tags[i].stop, i);
    EXPECT_EQ(stop_features[tags[i].stop].pos, stop_features[i].pos);
  }
  // The stops were clipped to Norra Hisingen: most lie in one of its primärområden.
  EXPECT_GT(tagged, pts.size() / 2);
  // Backa's stops exist and are tagged with Backa.
  std::size_t backa = 0;
  for (const auto& t : tags)
    if (t.area != kNoPlace && area_features[t.area].name.find("Backa") != std::string::npos) ++backa;
  EXPECT_GT(backa, 0u);
}
