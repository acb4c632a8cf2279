#include <gtest/gtest.h>

#include "chicago.hpp"

// spatstat's chicago linnet has 338 vertices and 503 segments; the 116 crimes lie on it.
TEST(ChicagoFixture, MatchesSpatstatCounts) {
  TRYGGVE_REQUIRE_SHARED("incidents/chicago_spatstat/chicago_network_segments.csv");
  const auto d = tryggve::test::load_chicago();
  EXPECT_EQ(d.net.edge_count(), 503u);
  EXPECT_EQ(d.net.vertex_count(), 338u);
  EXPECT_EQ(d.net.component_count(), 1u);
  ASSERT_EQ(d.crimes.size(), 116u);
  for (double s : d.snap_distance) EXPECT_LT(s, 1e-6);
}
