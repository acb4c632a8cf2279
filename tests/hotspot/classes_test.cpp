// One vocabulary of hotspot classes: every code the classifiers write has a name
// in both languages and a colour (core/hotspot_classes.hpp), and nothing else
// names a class another way.
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "tryggve/core/hotspot_classes.hpp"
#include "tryggve/hotspot/emerging.hpp"
#include "tryggve/hotspot/local_stats.hpp"

namespace tryggve::hotspot {

TEST(HotspotClasses, EveryGiStarCodeTheClassifierWritesIsInTheVocabulary) {
  std::set<std::string> written;
  for (int hc : {-1, 0, 1})
    for (int conf : {0, 90, 95, 99}) {
      LocalStat s;
      s.hot_cold = hc;
      s.confidence = conf;
      const std::string code = class_label(s, false);
      written.insert(code);
      const auto* c = hotspot_classes::find(code);
      ASSERT_NE(c, nullptr) << code;
      if (hc == 0 || conf == 0) EXPECT_EQ(code, "none");
      else EXPECT_EQ(code, (hc > 0 ? "hot_" : "cold_") + std::to_string(conf));
    }
  std::set<std::string> listed;
  for (const auto& c : hotspot_classes::gistar()) listed.insert(std::string(c.code));
  EXPECT_EQ(written, listed) << "the legend lists exactly the classes the classifier writes";
}

TEST(HotspotClasses, EmergingCodesFollowTheEnumAndHaveTwoLanguages) {
  const auto all = hotspot_classes::emerging();
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kEmergingClassCount));
  for (int i = 0; i < kEmergingClassCount; ++i) {
    const auto cls = static_cast<EmergingClass>(i);
    EXPECT_EQ(to_string(cls), all[static_cast<std::size_t>(i)].code);
  }
  EXPECT_EQ(to_string(EmergingClass::NewHot), "new_hot");
  EXPECT_EQ(to_string(EmergingClass::HistoricalCold), "historical_cold");
  std::set<std::string_view> sv, en, codes;
  for (const auto span : {hotspot_classes::gistar(), hotspot_classes::emerging()})
    for (const auto& c : span) {
      EXPECT_TRUE(codes.insert(c.code).second) << "one code, one class: " << c.code;
      EXPECT_TRUE(sv.insert(c.label_sv).second) << c.label_sv;
      EXPECT_TRUE(en.insert(c.label_en).second) << c.label_en;
      EXPECT_EQ(c.label(true), c.label_sv);
      EXPECT_EQ(c.label(false), c.label_en);
    }
  EXPECT_EQ(hotspot_classes::find("no_such_class"), nullptr);
  EXPECT_EQ(hotspot_classes::find("new_hot")->label_sv, "Ny brännpunkt");
}

}  // namespace tryggve::hotspot
