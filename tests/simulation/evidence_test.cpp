#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "sim_fixture.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/pipeline/evidence_file.hpp"
#include "tryggve/simulation/evidence.hpp"
#include "tryggve/simulation/results.hpp"

using namespace tryggve;
using namespace tryggve::simulation;

namespace {
const char* kHeader = "intervention,parameter,rr_central,rr_low,rr_high,applies_when,source,note\n";
std::string error_of(const std::string& text) {
  try {
    EvidenceTable::parse(text, "ev.csv");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Evidence, ShippedTableLoadsWithSources) {
  const auto path = std::filesystem::path(std::getenv("TRYGGVE_SOURCE_DIR") ? std::getenv("TRYGGVE_SOURCE_DIR") : "")
                    / "engine/data/evidence.csv";
  const auto t = std::filesystem::exists(path) ? pipeline::load_evidence(path) : pipeline::load_default_evidence();
  ASSERT_GE(t.rows().size(), 6u);
  ParameterTraits robbery{"robbery", true, false, 1.0}, fights{"school_fights", false, false, 1.0};
  const auto* l = t.find("lighting", robbery);
  ASSERT_NE(l, nullptr);
  EXPECT_DOUBLE_EQ(l->rr_central, 0.64);  // Chalfin et al. 2022: at least 36% fewer
  EXPECT_EQ(l->applies_when, AppliesWhen::Dark);
  EXPECT_NE(l->source.find("Chalfin"), std::string::npos);
  EXPECT_EQ(t.find("lighting", fights), nullptr);  // not darkness sensitive
  EXPECT_DOUBLE_EQ(t.find("hotspot_policing", fights)->rr_central, 0.84);
  // Code-specific beats `*`: foot patrol's violent-crime row.
  EXPECT_DOUBLE_EQ(t.find("foot_patrol", robbery)->rr_central, 0.77);
  EXPECT_DOUBLE_EQ(t.find("foot_patrol", fights)->rr_central, 0.97);
  // Adults outdoors: interval includes "no effect".
  const auto* a = t.find("adults_outdoors", fights);
  EXPECT_LT(a->rr_low, 1.0);
  EXPECT_GT(a->rr_high, 1.0);
  for (const auto& r : t.rows()) EXPECT_FALSE(r.source.empty()) << r.line;
}

TEST(Evidence, ErrorsNameFileLineAndReason) {
  EXPECT_NE(error_of("a,b\n").find("ev.csv:1"), std::string::npos);
  const auto e = error_of(std::string(kHeader) + "lighting,*,0.6,0.7,0.9,dark,src,\n");
  EXPECT_NE(e.find("ev.csv:2"), std::string::npos) << e;
  EXPECT_NE(e.find("rr_low <= rr_central"), std::string::npos) << e;
  EXPECT_NE(error_of(std::string(kHeader) + "# c\nlighting,*,x,0.5,0.9,dark,src,\n").find("ev.csv:3: rr_central"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "lighting,*,0.6,0.5,0.9,nightly,src,\n").find("applies_when"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "lighting,*,0.6,0.5,0.9,dark,,\n").find("source"), std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "lighting,*,0.6,0.5,0.9,dark,\"a, b\n").find("unterminated"),
            std::string::npos);
  // A quoted comma is one field.
  const auto t = EvidenceTable::parse(std::string(kHeader) + "x,*,0.5,0.4,0.6,always,\"Doe, J. (2020)\",\"n, \"\"q\"\"\"\n");
  EXPECT_EQ(t.rows()[0].source, "Doe, J. (2020)");
  EXPECT_EQ(t.rows()[0].note, "n, \"q\"");
}

TEST(Evidence, DrawsHitTheIntervalAtItsPercentiles) {
  EvidenceRow r;
  r.rr_central = 0.8;
  r.rr_low = 0.6;
  r.rr_high = 0.9;
  EXPECT_NEAR(draw_rr(r, 0.0), 0.8, 1e-12);
  EXPECT_NEAR(draw_rr(r, -1.6448536269514722), 0.6, 1e-9);
  EXPECT_NEAR(draw_rr(r, 1.6448536269514722), 0.9, 1e-9);
}

TEST(Wdq, BowersJohnsonByHand) {
  // Rb 100 → Ra 70, buffer 50 → 45, control 200 → 200.
  const auto f = weighted_displacement(100, 70, 50, 45, 200, 200);
  EXPECT_DOUBLE_EQ(f.gross_effect, 30.0);
  EXPECT_NEAR(f.net_effect, 0.15, 1e-12);
  EXPECT_NEAR(f.wdq, (45.0 / 200 - 50.0 / 200) / (70.0 / 200 - 100.0 / 200), 1e-12);  // 1/6: diffusion
  EXPECT_NEAR(f.total_net_effect, 35.0, 1e-12);
  // Displacement larger than the gain: WDQ < −1.
  EXPECT_LT(weighted_displacement(100, 90, 50, 70, 200, 200).wdq, -1.0);
  EXPECT_TRUE(std::isnan(weighted_displacement(100, 100, 50, 45, 200, 200).wdq));
}
