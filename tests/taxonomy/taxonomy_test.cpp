// The shipped taxonomy and the validation of user taxonomy files.
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "test_data.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/paths.hpp"
#include "tryggve/taxonomy/taxonomy.hpp"

namespace tryggve {
namespace {

TEST(Taxonomy, ShippedHasFifteenParametersInBothLanguages) {
  const Taxonomy t = Taxonomy::load_default();
  EXPECT_EQ(t.version(), 1);
  ASSERT_EQ(t.size(), 15u);
  std::set<std::string> codes, sv, en;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const Parameter& p = t.parameters()[i];
    EXPECT_EQ(p.id, i);
    EXPECT_TRUE(codes.insert(p.code).second) << "duplicate code " << p.code;
    EXPECT_TRUE(sv.insert(p.name_sv).second) << p.code;
    EXPECT_TRUE(en.insert(p.name_en).second) << p.code;
    EXPECT_FALSE(p.description_sv.empty()) << p.code;
    EXPECT_FALSE(p.description_en.empty()) << p.code;
    EXPECT_FALSE(p.why.empty()) << p.code;
    EXPECT_GE(p.weight, 1.0) << p.code;
    EXPECT_LE(p.weight, 5.0) << p.code;
    EXPECT_GT(p.line, 0);
    ASSERT_EQ(t.find(p.code), std::optional<ParameterId>(p.id));
  }
  EXPECT_FALSE(t.find("no_such_parameter").has_value());
}

TEST(Taxonomy, OnlyTheThreeParametersFromTheArticleArePublic) {
  const Taxonomy t = Taxonomy::load_default();
  std::set<std::string> pub;
  for (const auto& p : t.parameters())
    if (p.is_public) pub.insert(p.code);
  EXPECT_EQ(pub, (std::set<std::string>{"drug_dealing", "school_fights", "vandalism"}));
  EXPECT_EQ(t[*t.find("drug_dealing")].name_sv, "Misstänkt eller uppenbar drogförsäljning");
  EXPECT_EQ(t[*t.find("school_fights")].name_sv, "Bråk i skolan");
  EXPECT_TRUE(t[*t.find("school_fights")].school_related);
  EXPECT_EQ(t[*t.find("vandalism")].name_sv, "Skadegörelse");
  // The file says where the other twelve come from.
  std::ifstream f(data_dir() / "taxonomy.yaml");
  const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("NOT THE DISTRICT'S CONFIDENTIAL LIST"), std::string::npos);
}

TEST(Taxonomy, EstCategoriesCoverTheFiveEstClasses) {
  const Taxonomy t = Taxonomy::load_default();
  std::set<std::string> declared, used;
  for (const auto& e : t.est_categories()) declared.insert(e.code);
  for (const auto& p : t.parameters()) used.insert(p.est_category);
  EXPECT_EQ(declared, (std::set<std::string>{"vandalism", "unsafe_place", "gathering", "incident", "rumour"}));
  EXPECT_EQ(used, declared);  // every EST class has at least one parameter
}

TEST(Taxonomy, UserFileMayHaveFewerParameters) {
  const Taxonomy t = Taxonomy::load(test::fixtures() / "taxonomy" / "user_three.yaml");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[1].code, "noise");
  EXPECT_DOUBLE_EQ(t[1].weight, 0.5);
  EXPECT_EQ(t[1].setting, ParameterSetting::Indoor);
  EXPECT_EQ(t[2].setting, ParameterSetting::Mixed);
  EXPECT_EQ(t[0].line, 6);
}

TEST(Taxonomy, MissingFile) {
  try {
    Taxonomy::load("/nonexistent/taxonomy.yaml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::FileNotFound);
  }
}

// A valid two-parameter file; each broken case replaces one line. The expected
// line is where the mistake is.
std::string good_yaml() {
  return "version: 1\n"                            // 1
         "est_categories:\n"                       // 2
         "  - {code: incident, name_sv: H, name_en: I}\n"  // 3
         "parameters:\n"                           // 4
         "  - code: alpha\n"                       // 5
         "    name_sv: Alfa\n"                     // 6
         "    name_en: Alpha\n"                    // 7
         "    weight: 2\n"                         // 8
         "    setting: outdoor\n"                  // 9
         "    darkness_sensitive: true\n"          // 10
         "    school_related: false\n"             // 11
         "    public: false\n"                     // 12
         "    est_category: incident\n"            // 13
         "  - code: beta\n"                        // 14
         "    name_sv: Beta\n"                     // 15
         "    name_en: Beta\n"                     // 16
         "    weight: 1\n"                         // 17
         "    setting: indoor\n"                   // 18
         "    darkness_sensitive: false\n"         // 19
         "    school_related: false\n"             // 20
         "    public: false\n"                     // 21
         "    est_category: incident\n";           // 22
}

std::string replace_line(const std::string& text, int line, const std::string& with) {
  std::string out;
  int n = 1;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::string l = text.substr(start, end - start);
    out += (n == line ? with : l) + "\n";
    ++n;
    start = end + 1;
  }
  return out;
}

struct BrokenCase {
  const char* name;
  int line_to_replace;
  const char* replacement;
  int expected_line;
  const char* expected_text;
};

TEST(Taxonomy, BrokenFilesNameFileLineAndKey) {
  const BrokenCase cases[] = {
      {"duplicate code", 14, "  - code: alpha", 14, "parameters[1].code 'alpha' is used twice (first at line 5)"},
      {"missing name", 7, "    # name_en removed", 5, "parameters[0].name_en is missing"},
      {"empty name", 15, "    name_sv: ''", 15, "parameters[1].name_sv is empty"},
      {"weight zero", 8, "    weight: 0", 8, "parameters[0].weight must be > 0"},
      {"weight negative", 17, "    weight: -1", 17, "parameters[1].weight must be > 0"},
      {"weight text", 8, "    weight: heavy", 8, "parameters[0].weight must be a number (got 'heavy')"},
      {"unknown setting", 18, "    setting: outside", 18, "parameters[1].setting must be outdoor, indoor or mixed (got 'outside')"},
      {"typo key", 8, "    wieght: 2", 8, "unknown key 'wieght'"},
      {"bad flag", 10, "    darkness_sensitive: maybe", 10, "darkness_sensitive must be true or false"},
      {"undeclared est", 22, "    est_category: gossip", 22, "'gossip' is not one of the est_categories"},
      {"bad code", 5, "  - code: Alpha Beta", 5, "must be snake_case"},
      {"version", 1, "version: 2", 1, "version must be 1"},
      {"yaml syntax", 9, "    setting: [outdoor", 0, "YAML syntax error"},
  };
  const auto dir = test::temp_dir("taxonomy_broken");
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto path = dir / "t.yaml";
    {
      std::ofstream(path) << replace_line(good_yaml(), c.line_to_replace, c.replacement);
    }
    try {
      Taxonomy::load(path);
      ADD_FAILURE() << "loaded a broken file";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::BadTaxonomy);
      if (c.expected_line > 0) EXPECT_EQ(e.where(), path.string() + ":" + std::to_string(c.expected_line));
      else EXPECT_EQ(e.where().rfind(path.string() + ":", 0), 0u) << e.where();
      EXPECT_NE(e.message().find(c.expected_text), std::string::npos) << e.what();
    }
  }
  // And the unbroken file loads.
  std::ofstream(dir / "good.yaml") << good_yaml();
  EXPECT_EQ(Taxonomy::load(dir / "good.yaml").size(), 2u);
}

TEST(Taxonomy, EmptyParameterListIsAnError) {
  const auto dir = test::temp_dir("taxonomy_empty");
  std::ofstream(dir / "t.yaml") << "version: 1\nest_categories:\n  - {code: a, name_sv: A, name_en: A}\nparameters: []\n";
  try {
    Taxonomy::load(dir / "t.yaml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), (dir / "t.yaml").string() + ":4");
    EXPECT_NE(e.message().find("parameters must be a non-empty list"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tryggve
