#include <gtest/gtest.h>

#include "tryggve/core/error.hpp"
#include "tryggve/core/options.hpp"

using namespace tryggve;

namespace {
struct SnapStageOptions {
  double max_snap_distance_m = 50.0;
  int lixel_count = 3;
  std::string method = "heat";
  bool largest = false;
  std::vector<std::string> layers{"a", "b"};
  void declare(OptionSet& o) {
    o.real("max_snap_distance_m", max_snap_distance_m, "Farthest an incident may be from a street", 0.0, 1e6)
        .integer("lixel_count", lixel_count, "count", 1, 10)
        .choice("method", method, "density method", {"heat", "simple"})
        .flag("largest_component_only", largest, "keep the largest component")
        .list("layers", layers, "layers");
  }
};
}  // namespace

TEST(OptionSet, SetsValidatesAndResolves) {
  SnapStageOptions s;
  OptionSet o("map");
  s.declare(o);
  o.set("max_snap_distance_m", "75.5", "cli");
  o.set("method", "simple", "cli");
  o.set("largest_component_only", "yes", "cli");
  o.set("layers", "x, y,z", "cli");
  EXPECT_DOUBLE_EQ(s.max_snap_distance_m, 75.5);
  EXPECT_EQ(s.method, "simple");
  EXPECT_TRUE(s.largest);
  EXPECT_EQ(s.layers, (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(o.resolved().at("lixel_count"), "3");
  EXPECT_EQ(o.find("max_snap_distance_m")->default_text, "50");
}

TEST(OptionSet, ErrorsNameStageKeyAndPlace) {
  SnapStageOptions s;
  OptionSet o("map");
  s.declare(o);
  try {
    o.set("max_snap_distance_m", "-3", "scenario.yaml:14");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "scenario.yaml:14");
    EXPECT_NE(std::string(e.what()).find("map.max_snap_distance_m must be in [0, 1000000]"), std::string::npos);
  }
  try {
    o.set("max_snap_distanse_m", "3", "cli");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'max_snap_distance_m'"), std::string::npos);
  }
  EXPECT_THROW(o.set("method", "magic", "x"), Error);
  EXPECT_THROW(o.set("lixel_count", "2.5", "x"), Error);
  EXPECT_THROW(o.set("max_snap_distance_m", "nan", "x"), Error);
}
