#include <gtest/gtest.h>

#include <ogr_spatialref.h>

#include "tryggve/core/error.hpp"
#include "tryggve/io/crs.hpp"

using namespace tryggve;
using namespace tryggve::io;

namespace {
ErrorCode code_of(auto&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::Internal;
}
}  // namespace

// ../shared/STACK.md's reference, computed with cs2cs: the axis order must be
// (lon, lat) in and (E, N) out, or the numbers come out swapped.
TEST(Crs, StockholmToSweref99TmMatchesCs2cs) {
  CrsContext crs = CrsContext::from_spec("EPSG:3006");
  EXPECT_EQ(crs.epsg(), 3006);
  EXPECT_NE(crs.describe().find("SWEREF99 TM"), std::string::npos);
  auto wgs = parse_srs("EPSG:4326", "test");
  auto tr = crs.transform_from(wgs.get(), "test");
  ASSERT_FALSE(tr->identity());
  EXPECT_TRUE(tr->source_geographic());
  double x = 18.0686, y = 59.3293;
  ASSERT_TRUE(tr->apply(x, y));
  EXPECT_NEAR(x, 674571.8664, 1e-3);
  EXPECT_NEAR(y, 6580743.0083, 1e-3);
  std::vector<Point> pts{{18.0686, 59.3293}, {11.9750, 57.7420}};
  ASSERT_TRUE(tr->apply(pts));
  EXPECT_NEAR(pts[1].x, 319946.3894, 1e-3);
  EXPECT_NEAR(pts[1].y, 6404007.7294, 1e-3);
}

TEST(Crs, NonFiniteInputFails) {
  CrsContext crs = CrsContext::from_spec("EPSG:3006");
  auto wgs = parse_srs("EPSG:4326", "test");
  auto tr = crs.transform_from(wgs.get(), "test");
  double x = std::nan(""), y = 59.0;
  EXPECT_FALSE(tr->apply(x, y));
  std::vector<Point> pts{{18.0, 59.0}, {INFINITY, 59.0}};
  EXPECT_FALSE(tr->apply(pts));
}

TEST(Crs, AutoPicksTheUtmZoneOfTheDataCentre) {
  CrsContext crs;  // auto
  EXPECT_FALSE(crs.is_resolved());
  auto wgs = parse_srs("EPSG:4326", "test");
  // 15 E is zone 33's central meridian (Stockholm's 18.07 E is just inside zone 34).
  const Point centre{15.0, 59.0};
  auto tr = crs.transform_from(wgs.get(), "test", {}, &centre);
  EXPECT_EQ(crs.epsg(), 32633);
  double x = 18.0686, y = 59.3293;
  ASSERT_TRUE(tr->apply(x, y));
  // UTM 33N on WGS84 and SWEREF99 TM (UTM 33 on GRS80) agree to a millimetre here.
  EXPECT_NEAR(x, 674571.8664, 2e-3);
  EXPECT_NEAR(y, 6580743.0083, 2e-3);
  // Without a centre an unresolved auto cannot choose.
  CrsContext unresolved;
  EXPECT_EQ(code_of([&] { unresolved.transform_from(wgs.get(), "test"); }), ErrorCode::BadCrs);
}

TEST(Crs, UtmZones) {
  EXPECT_EQ(utm_epsg_for(11.97, 57.74), 32632);   // Gothenburg
  EXPECT_EQ(utm_epsg_for(24.94, 60.17), 32635);   // Helsinki
  EXPECT_EQ(utm_epsg_for(18.07, 59.33), 32634);   // Stockholm, east of 18 E
  EXPECT_EQ(utm_epsg_for(-95.37, 29.76), 32615);  // Houston
  EXPECT_EQ(utm_epsg_for(5.32, 60.39), 32632);    // Bergen: the 32V exception (else 31)
  EXPECT_EQ(utm_epsg_for(15.6, 78.2), 32633);     // Svalbard 33X
  EXPECT_EQ(utm_epsg_for(-58.38, -34.60), 32721); // Buenos Aires, south
}

TEST(Crs, RefusesGeographicFeetAndNonsense) {
  EXPECT_EQ(code_of([] { CrsContext::from_spec("EPSG:4326"); }), ErrorCode::BadCrs);
  EXPECT_EQ(code_of([] { CrsContext::from_spec("EPSG:2223"); }), ErrorCode::BadCrs);  // Arizona Central, ft
  EXPECT_EQ(code_of([] { CrsContext::from_spec("no such crs"); }), ErrorCode::BadCrs);
  try {
    CrsContext::from_spec("EPSG:4326");
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("geographic"), std::string::npos) << e.what();
  }
}

TEST(Crs, LocalUsesCoordinatesAsTheyAre) {
  CrsContext crs = CrsContext::from_spec("local");
  EXPECT_TRUE(crs.is_local());
  EXPECT_TRUE(crs.is_resolved());
  EXPECT_EQ(crs.epsg(), 0);
  EXPECT_EQ(crs.wkt(), "");
  auto wgs = parse_srs("EPSG:4326", "test");
  auto tr = crs.transform_from(wgs.get(), "test");  // warns, then identity
  EXPECT_TRUE(tr->identity());
  double x = 639.17, y = 1190.52;
  ASSERT_TRUE(tr->apply(x, y));
  EXPECT_EQ(x, 639.17);
  EXPECT_EQ(y, 1190.52);
}

TEST(Crs, MissingSourceCrsNeedsAnAssumption) {
  CrsContext crs = CrsContext::from_spec("EPSG:3006");
  EXPECT_EQ(code_of([&] { crs.transform_from(nullptr, "a.csv"); }), ErrorCode::MissingCrs);
  auto tr = crs.transform_from(nullptr, "a.csv", "EPSG:4326");
  double x = 18.0686, y = 59.3293;
  ASSERT_TRUE(tr->apply(x, y));
  EXPECT_NEAR(x, 674571.8664, 1e-3);
  // The same CRS in and out is an identity.
  EXPECT_TRUE(crs.transform_from(crs.srs(), "same")->identity());
}

TEST(Crs, CopiesAreIndependent) {
  CrsContext a;
  CrsContext b = a;
  a.resolve_auto(11.97, 57.74);
  EXPECT_EQ(a.epsg(), 32632);
  EXPECT_FALSE(b.is_resolved());
  b = a;
  EXPECT_EQ(b.epsg(), 32632);
}
