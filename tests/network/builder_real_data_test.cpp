// build_network on real data from ../shared/data. The lines are read here with
// GDAL/OGR directly (not through the io module), so these tests check the
// builder alone. The expected figures were checked once against an independent
// implementation in Python (Debian python3-gdal + networkx for the shared-vertex
// split, shapely's unary_union for full noding), run on the same files.
#include <memory>
#include <set>
#include <string>

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include "test_data.hpp"
#include "tryggve/network/builder.hpp"

using namespace tryggve;
using namespace tryggve::network;

namespace {

Lit parse_lit(const char* v) {
  if (!v) return Lit::Unknown;
  const std::string s = v;
  if (s == "yes") return Lit::Yes;
  if (s == "no") return Lit::No;
  return Lit::Unknown;
}

// The OSM driver's `lines` layer, ways with a highway tag, in ETRS-TM35FIN
// (EPSG:3067, metres). The driver reads its layers interleaved, so features
// come through GDALDataset::GetNextFeature.
std::vector<StreetLine> read_osm_streets(const std::string& path) {
  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!ds) throw std::runtime_error("cannot open " + path);
  OGRSpatialReference wgs84, tm35;
  wgs84.importFromEPSG(4326);
  tm35.importFromEPSG(3067);
  wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  tm35.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&wgs84, &tm35));
  std::vector<StreetLine> out;
  for (;;) {
    OGRLayer* layer = nullptr;
    OGRFeatureUniquePtr f(ds->GetNextFeature(&layer, nullptr, nullptr, nullptr));
    if (!f) break;
    if (std::string(layer->GetName()) != "lines") continue;
    const int hw = f->GetFieldIndex("highway");
    if (hw < 0 || !f->IsFieldSetAndNotNull(hw)) continue;
    const OGRGeometry* g = f->GetGeometryRef();
    if (!g || wkbFlatten(g->getGeometryType()) != wkbLineString) continue;
    const auto* ls = g->toLineString();
    StreetLine s;
    s.source_id = f->GetFieldIndex("osm_id") >= 0 ? std::stoll(f->GetFieldAsString("osm_id")) : f->GetFID();
    s.highway = f->GetFieldAsString(hw);
    if (f->GetFieldIndex("name") >= 0) s.name = f->GetFieldAsString("name");
    // The driver's default osmconf.ini puts lit/tunnel in other_tags; a plain field if configured.
    if (f->GetFieldIndex("lit") >= 0) s.lit = parse_lit(f->GetFieldAsString("lit"));
    for (int i = 0; i < ls->getNumPoints(); ++i) {
      double x = ls->getX(i), y = ls->getY(i);
      if (!ct->Transform(1, &x, &y)) throw std::runtime_error("transform failed");
      s.geometry.push_back({x, y});
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<StreetLine> read_shapefile_lines(const std::string& path) {
  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!ds) throw std::runtime_error("cannot open " + path);
  OGRLayer* layer = ds->GetLayer(0);
  std::vector<StreetLine> out;
  for (auto& f : *layer) {
    const auto* ls = f->GetGeometryRef()->toLineString();
    StreetLine s;
    s.source_id = f->GetFID();
    for (int i = 0; i < ls->getNumPoints(); ++i) s.geometry.push_back({ls->getX(i), ls->getY(i)});
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

// Central Helsinki, OSM topology (ways meet at shared nodes). Cross-checked in
// Python: 2,504 highway lines -> 4,781 edges, 3,652 vertices, 95.88 km, one
// merged duplicate, one self-loop, 46 components of which the largest has
// 4,688 edges and 94.64 km.
TEST(BuilderRealData, HelsinkiOsmSharedVertices) {
  TRYGGVE_REQUIRE_SHARED("osm/helsinki_centre.osm.pbf");
  const auto lines = read_osm_streets((test::shared_data() / "osm/helsinki_centre.osm.pbf").string());
  ASSERT_EQ(lines.size(), 2504u);
  BuildReport r;
  LineIndex index;
  const auto net = build_network(lines, {}, &r, &index);
  std::printf("%s", r.summary().c_str());
  EXPECT_GT(net.edge_count(), lines.size());  // ways are split where they meet
  EXPECT_EQ(net.edge_count(), 4781u);
  EXPECT_EQ(net.vertex_count(), 3652u);
  EXPECT_EQ(r.duplicates_merged, 1u);
  EXPECT_EQ(r.self_loops, 1u);
  EXPECT_EQ(r.zero_length_dropped, 0u);
  EXPECT_NEAR(net.total_length(), 95880.7, 1.0);
  EXPECT_EQ(r.components, 46u);
  // A dominant largest component: 98% of the edges, 99% of the length.
  EXPECT_EQ(r.largest_component_edges, 4688u);
  EXPECT_NEAR(r.largest_component_length, 94635.6, 1.0);
  EXPECT_GT(r.largest_component_length, 0.95 * r.total_length);
  // Attributes reach the pieces.
  std::set<std::string> classes;
  std::size_t named = 0;
  for (const auto& e : net.edges()) {
    classes.insert(e.highway);
    named += !e.name.empty();
  }
  EXPECT_TRUE(classes.count("footway") && classes.count("residential") && classes.count("steps"));
  EXPECT_GT(named, net.edge_count() / 4);
  // Every input line's start maps onto its first piece's start.
  for (std::size_t i = 0; i < lines.size(); i += 97) {
    const auto p = index.locate(i, 0.0, net);
    ASSERT_NE(p.edge, kNoEdge);
    const Point a = net.point_at(p.edge, p.offset);
    EXPECT_NEAR(a.x, lines[i].geometry.front().x, 1e-6);
    EXPECT_NEAR(a.y, lines[i].geometry.front().y, 1e-6);
  }

  BuildOptions o;
  o.largest_component_only = true;
  const auto big = build_network(lines, o, &r);
  EXPECT_EQ(big.edge_count(), 4688u);
  EXPECT_EQ(big.component_count(), 1u);
  EXPECT_EQ(r.other_components_edges, 93u);

  // Full noding also joins bridges and tunnels to the streets they cross (wrong
  // for OSM, hence not the default there): more edges, fewer components.
  o = {};
  o.noding = Noding::Full;
  const auto full = build_network(lines, o, &r);
  std::printf("%s", r.summary().c_str());
  EXPECT_GT(full.edge_count(), net.edge_count());
  EXPECT_GT(r.crossings_added, 0u);
  EXPECT_LT(r.components, 46u);
  EXPECT_NEAR(full.total_length(), net.total_length(), 1.0);
}

// Mesa, Arizona (geodanet, State Plane feet): 293 lines drawn already noded.
// Full noding finds nothing to add; shapely's unary_union agrees: 293 edges,
// 220 vertices, one component, 104,414.09 ft.
TEST(BuilderRealData, GeodanetStreetsFullNoding) {
  TRYGGVE_REQUIRE_SHARED("incidents/geodanet/streets.shp");
  const auto lines = read_shapefile_lines((test::shared_data() / "incidents/geodanet/streets.shp").string());
  ASSERT_EQ(lines.size(), 293u);
  BuildReport r;
  BuildOptions o;
  o.noding = Noding::Full;
  const auto net = build_network(lines, o, &r);
  EXPECT_EQ(net.edge_count(), 293u);
  EXPECT_EQ(net.vertex_count(), 220u);
  EXPECT_EQ(r.components, 1u);
  EXPECT_EQ(r.crossings_added, 0u);
  EXPECT_EQ(r.duplicates_merged, 0u);
  EXPECT_NEAR(net.total_length(), 104414.09, 0.01);
  const auto shared = build_network(lines, {});
  EXPECT_EQ(shared.edge_count(), 293u);
  EXPECT_EQ(shared.vertex_count(), 220u);
}
