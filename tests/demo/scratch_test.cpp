#include <gtest/gtest.h>
#include "tryggve/demo/generator.hpp"
using namespace tryggve::demo;
TEST(DemoScratch, Generate) {
  DemoOptions o; o.months = std::getenv("DEMO_MONTHS") ? std::atoi(std::getenv("DEMO_MONTHS")) : 6;
  auto s = generate(o, "/tmp/demo_scratch");
  printf("incidents %zu bg %zu off %zu raw %zu top5 %.3f half %.3f dark %.3f hours %.3f\n", s.incidents, s.background, s.offspring, s.raw_rows, s.top5_segment_share, s.segment_share_for_half, s.dark_share_outdoor_sensitive, s.dark_share_of_hours);
}
