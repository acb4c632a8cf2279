// Real data: central Helsinki's OSM extract (586 street lamps, lit tags, 22 parks).
// Lit/unlit classification and project grouping on a real network.
#include <gtest/gtest.h>

#include "test_data.hpp"
#include "tryggve/io/crs.hpp"
#include "tryggve/io/readers.hpp"
#include "tryggve/network/builder.hpp"
#include "tryggve/planning/lighting.hpp"

using namespace tryggve;
using namespace tryggve::planning;

TEST(HelsinkiLighting, LampsAndTagsOnARealNetwork) {
  TRYGGVE_REQUIRE_SHARED("osm/helsinki_centre.osm.pbf");
  auto crs = io::CrsContext::from_spec("EPSG:3067");
  auto osm = io::read_osm((test::shared_data() / "osm/helsinki_centre.osm.pbf").string(), crs);
  ASSERT_GT(osm.lamps.size(), 500u);
  const auto net = network::build_network(std::move(osm.streets.lines), {});
  const network::Lixelization lix(net, 20.0);
  const simulation::CellNetwork cells(net, lix, 100.0);
  LightingOptions o;
  const auto light = classify_lighting(cells, osm.lamps, osm.parks, o);
  double by_tag = 0, by_lamp = 0, unlit = 0, in_park = 0;
  for (simulation::CellId c = 0; c < cells.size(); ++c) {
    const double l = cells.length(c);
    if (light[c].source == LitSource::Tag) by_tag += l;
    if (light[c].source == LitSource::Lamp) by_lamp += l;
    if (light[c].source == LitSource::Unlit) unlit += l;
    if (light[c].park >= 0) in_park += l;
  }
  // Central Helsinki is mostly tagged lit; mapped lamps light some untagged paths;
  // some footways and park paths are unlit.
  EXPECT_GT(by_tag, 0.3 * cells.total_length());
  EXPECT_GT(by_lamp, 0.0);
  EXPECT_GT(unlit, 0.0);
  EXPECT_GT(in_park, 0.0);
  const auto projects = group_projects(cells, light, osm.parks, o);
  ASSERT_FALSE(projects.empty());
  double len = 0;
  std::size_t n = 0;
  for (const auto& p : projects) {
    len += p.length_m;
    n += p.cells.size();
    if (p.kind != "park") EXPECT_LE(p.length_m, o.max_project_length_m + 1e-6);
  }
  EXPECT_NEAR(len, unlit, 1e-6 * unlit);
  std::size_t unlit_cells = 0;
  for (const auto& x : light) unlit_cells += !x.lit;
  EXPECT_EQ(n, unlit_cells);
}
