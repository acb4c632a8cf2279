// Mapping source categories onto the parameters: the shipped tables against the
// real data's categories, label matching, and that nothing is dropped silently.
#include <algorithm>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "csv_column.hpp"
#include "test_data.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/paths.hpp"
#include "tryggve/taxonomy/classifier.hpp"

namespace tryggve {
namespace {

using Status = Classification::Status;

const Taxonomy& shipped() {
  static const Taxonomy t = Taxonomy::load_default();
  return t;
}

std::string code_of(const Classification& c) {
  return c.mapped() ? shipped()[c.parameter].code : std::string(c.status == Status::Outside ? "(outside)" : "(unknown)");
}

TEST(NormalizeLabel, CaseSpacesAndSwedishLetters) {
  EXPECT_EQ(normalize_label("  Misshandel,   GROV \t"), "misshandel, grov");
  EXPECT_EQ(normalize_label("SKADEGÖRELSE"), "skadegörelse");
  EXPECT_EQ(normalize_label("ÅÄÖ åäö ÉÜ"), "åäö åäö éü");
  EXPECT_EQ(normalize_label("Lagen om hundar och katter "), "lagen om hundar och katter");
  EXPECT_EQ(normalize_label("Bråk\xC2\xA0i\xE2\x80\xAFskolan"), "bråk i skolan");  // no-break spaces
  // Decomposed (NFD) letters, as macOS file names and some exports write them.
  EXPECT_EQ(normalize_label("Ra\xCC\x8An"), "rån");
  EXPECT_EQ(normalize_label("SKADEGO\xCC\x88RELSE"), "skadegörelse");
  EXPECT_EQ(normalize_label("A\xCC\x8A"), "å");
  EXPECT_EQ(normalize_label(""), "");
  EXPECT_EQ(normalize_label(" \t "), "");
  // Non-Latin text passes through unchanged (not lower-cased, not broken).
  EXPECT_EQ(normalize_label("Ωmega 東京"), "Ωmega 東京");
}

TEST(Classifier, KnownOutsideAndUnknown) {
  const Classifier c(shipped());
  auto m = c.classify("Misshandel");
  EXPECT_EQ(m.status, Status::Mapped);
  EXPECT_EQ(code_of(m), "public_violence");
  EXPECT_EQ(m.table, "polisen.csv");
  EXPECT_EQ(code_of(c.classify("  misshandel,   GROV ")), "public_violence");
  EXPECT_EQ(code_of(c.classify("SKADEGÖRELSE")), "vandalism");
  EXPECT_EQ(code_of(c.classify("Narkotikabrott")), "drug_dealing");
  EXPECT_EQ(code_of(c.classify("Skottlossning")), "serious_violence");
  EXPECT_EQ(code_of(c.classify("Ra\xCC\x8An")), "robbery");  // NFD "Rån"
  EXPECT_EQ(code_of(c.classify("aggravated assault")), "public_violence");
  EXPECT_EQ(code_of(c.classify("cartheft")), "burglary_theft");
  EXPECT_EQ(code_of(c.classify("Otrygg plats")), "unsafe_place");
  const auto out = c.classify("Trafikolycka");
  EXPECT_EQ(out.status, Status::Outside);
  EXPECT_EQ(out.parameter, kNoParameter);
  EXPECT_EQ(out.table, "polisen.csv");
  EXPECT_EQ(c.classify("Sammanfattning natt").status, Status::Outside);
  EXPECT_EQ(c.classify("Fjällräddning").status, Status::Outside);
  const auto unk = c.classify("xyzzy");
  EXPECT_EQ(unk.status, Status::Unknown);
  EXPECT_TRUE(unk.table.empty());
  EXPECT_EQ(c.classify("").status, Status::Unknown);
  EXPECT_EQ(c.classify("Misshandel grov").status, Status::Unknown);  // the comma is part of the label
}

TEST(Classifier, ShippedTablesAgreeWithEachOther) {
  const Classifier c(shipped(), {"auto"});
  EXPECT_TRUE(c.conflicts().empty()) << c.conflicts().front();
  EXPECT_EQ(c.tables(), (std::vector<std::string>{"chicago.csv", "houston.csv", "polisen.csv", "tryggve.csv", "taxonomy"}));
  // Naming a table twice loads it once.
  const Classifier twice(shipped(), {"polisen", "auto"});
  EXPECT_EQ(twice.tables().front(), "polisen.csv");
  EXPECT_EQ(twice.tables().size(), 5u);
}

TEST(Classifier, TryggveTableNamesEveryParameterInBothLanguages) {
  const Classifier c(shipped(), {"tryggve"});
  for (const auto& p : shipped().parameters()) {
    for (const std::string& label : {p.code, p.name_sv, p.name_en}) {
      const auto r = c.classify(label);
      EXPECT_EQ(r.parameter, p.id) << label;
      EXPECT_EQ(r.table, "tryggve.csv") << label;  // listed in the file, not only known from the taxonomy
    }
  }
  EXPECT_EQ(code_of(c.classify("Klotter")), "vandalism");
  EXPECT_EQ(code_of(c.classify("Rykten i sociala medier")), "social_media_rumours");
}

TEST(Classifier, EveryPoliceTypeInTheRealFileIsMapped) {
  const char* rel = "incidents/polisen_sweden_events_2022-2026.csv.gz";
  TRYGGVE_REQUIRE_SHARED(rel);
  const auto types = test::csv_column(test::shared_data() / rel, "type");
  EXPECT_EQ(types.size(), 85011u);
  const Classifier c(shipped(), {"polisen"});
  std::set<std::string> distinct(types.begin(), types.end());
  EXPECT_EQ(distinct.size(), 97u);
  std::set<std::string> in_data;
  for (const auto& t : distinct) {
    const auto r = c.classify(t);
    EXPECT_NE(r.status, Status::Unknown) << "police type '" << t << "' is not in polisen.csv";
    EXPECT_EQ(r.table, "polisen.csv") << t;
    in_data.insert(normalize_label(t));
  }
  // ... and the table lists nothing else (no stale or misspelt rows).
  for (const auto& row : Classifier::read_table(data_dir() / "mappings" / "polisen.csv"))
    EXPECT_TRUE(in_data.count(normalize_label(row.source_category))) << "'" << row.source_category << "' is not in the data";

  // Every row goes somewhere: kept + rejected = input, and the rejects say "outside".
  std::vector<Incident> incidents(types.size());
  for (std::size_t i = 0; i < types.size(); ++i) {
    incidents[i].source_row = static_cast<std::int64_t>(i) + 1;
    incidents[i].category = types[i];
  }
  RejectLog rejects;
  const auto kept = c.classify_all(std::move(incidents), rejects, rel);
  EXPECT_EQ(kept.size() + rejects.size(), types.size());
  std::map<std::string, std::size_t> per_parameter;
  for (const auto& k : kept) ++per_parameter[shipped()[k.parameter].code];
  for (const auto& r : rejects.items()) {
    ASSERT_EQ(r.reason, RejectReason::UnknownCategory);
    ASSERT_NE(r.detail.find("outside the 15 parameters (polisen.csv)"), std::string::npos) << r.detail;
  }
  // Per-type counts taken independently from the file (Python csv.DictReader + Counter).
  EXPECT_EQ(per_parameter["drug_dealing"], 1088u);
  EXPECT_EQ(per_parameter["vandalism"], 1402u);
  EXPECT_EQ(per_parameter["robbery"], 1262u + 55 + 106 + 189 + 87);
  EXPECT_EQ(per_parameter["public_violence"], 3999u + 861 + 471 + 112 + 171 + 25);
}

TEST(Classifier, HoustonAndChicagoCategoriesAllMap) {
  const char* houston = "incidents/houston_crime_2010_jan-jun.csv.gz";
  const char* chicago = "incidents/chicago_spatstat/chicago_crimes.csv";
  TRYGGVE_REQUIRE_SHARED(houston);
  TRYGGVE_REQUIRE_SHARED(chicago);
  const Classifier h(shipped(), {"houston"});
  const auto offenses = test::csv_column(test::shared_data() / houston, "offense");
  const std::set<std::string> hd(offenses.begin(), offenses.end());
  EXPECT_EQ(hd.size(), 7u);
  for (const auto& o : hd) EXPECT_EQ(h.classify(o).status, Status::Mapped) << o;
  EXPECT_EQ(code_of(h.classify("auto theft")), "burglary_theft");
  EXPECT_EQ(code_of(h.classify("murder")), "serious_violence");

  const Classifier c(shipped(), {"chicago"});
  const auto types = test::csv_column(test::shared_data() / chicago, "type");
  EXPECT_EQ(types.size(), 116u);
  const std::set<std::string> cd(types.begin(), types.end());
  EXPECT_EQ(cd.size(), 7u);
  for (const auto& t : cd) EXPECT_EQ(c.classify(t).status, Status::Mapped) << t;
  EXPECT_EQ(code_of(c.classify("damage")), "vandalism");
}

TEST(Classifier, ClassifyAllKeepsEveryRowAccountedFor) {
  const Classifier c(shipped());
  std::vector<Incident> in(6);
  const char* cats[] = {"Skadegörelse", "Trafikolycka", "xyzzy", "Inbrott", "", "Narkotikabrott"};
  for (int i = 0; i < 6; ++i) {
    in[i].source_row = i + 1;
    in[i].id = 100 + i;
    in[i].category = cats[i];
    in[i].pos = {1000.0 + i, 2000.0};
  }
  in[3].setting = Setting::Indoor;  // the row's own setting wins over the parameter's
  RejectLog rejects;
  const auto kept = c.classify_all(in, rejects, "events.csv");
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0].source_row, 1);
  EXPECT_EQ(shipped()[kept[0].parameter].code, "vandalism");
  EXPECT_EQ(kept[0].setting, Setting::Outdoor);  // from the parameter
  EXPECT_EQ(kept[1].source_row, 4);
  EXPECT_EQ(kept[1].setting, Setting::Indoor);   // kept
  EXPECT_EQ(kept[2].source_row, 6);
  ASSERT_EQ(rejects.size(), 3u);
  const auto& r = rejects.items();
  EXPECT_EQ(r[0].source_row, 2);
  EXPECT_EQ(r[0].file, "events.csv");
  EXPECT_EQ(r[0].reason, RejectReason::UnknownCategory);
  EXPECT_EQ(r[0].detail, "'Trafikolycka' is outside the 15 parameters (polisen.csv)");
  EXPECT_TRUE(r[0].has_pos);
  EXPECT_EQ(r[0].pos.x, 1001.0);
  EXPECT_NE(r[0].raw.find("101"), std::string::npos);
  EXPECT_EQ(r[1].detail.rfind("'xyzzy' is in no mapping table", 0), 0u) << r[1].detail;
  EXPECT_EQ(r[2].detail, "no category given");
  EXPECT_EQ(rejects.counts().at(RejectReason::UnknownCategory), 3u);
}

TEST(Classifier, UserTaxonomyAndTable) {
  const Taxonomy t = Taxonomy::load(test::fixtures() / "taxonomy" / "user_three.yaml");
  const Classifier c(t, {(test::fixtures() / "taxonomy" / "user_mapping.csv").string()});
  EXPECT_EQ(c.classify("bråk, STORT").parameter, *t.find("fights"));
  EXPECT_EQ(c.classify("Klotter på vägg").parameter, *t.find("graffiti"));
  EXPECT_EQ(c.classify("Trafikolycka").status, Status::Outside);
  // The taxonomy's own names are always known.
  const auto own = c.classify("störande ljud");
  EXPECT_EQ(own.parameter, *t.find("noise"));
  EXPECT_EQ(own.table, "taxonomy");
  EXPECT_EQ(c.classify("graffiti").parameter, *t.find("graffiti"));
  // A shipped table that names parameters this taxonomy lacks is an error.
  EXPECT_THROW(Classifier(t, {"polisen"}), Error);
}

void expect_table_error(const Taxonomy& t, const std::string& file, int line, const std::string& text) {
  const auto path = (test::fixtures() / "taxonomy" / file).string();
  try {
    Classifier c(t, {path});
    ADD_FAILURE() << file << " loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadTaxonomy) << e.what();
    EXPECT_EQ(e.where(), path + ":" + std::to_string(line)) << e.what();
    EXPECT_NE(e.message().find(text), std::string::npos) << e.what();
  }
}

TEST(Classifier, BrokenTablesNameFileAndLine) {
  const Taxonomy t = Taxonomy::load(test::fixtures() / "taxonomy" / "user_three.yaml");
  expect_table_error(t, "bad_unknown_code.csv", 3, "parameter 'no_such_code' is not in the taxonomy");
  expect_table_error(t, "bad_quote.csv", 3, "never closed");
  expect_table_error(t, "bad_fields.csv", 3, "row has 4 fields, the header has 3");
  expect_table_error(t, "bad_conflict.csv", 4, "mapped to fights here but to graffiti at line 2");
  try {
    Classifier(t, {"no_such_table"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadOption);
    EXPECT_NE(e.message().find("polisen"), std::string::npos) << e.what();  // lists the shipped ones
  }
  try {
    Classifier(t, {"/nonexistent/map.csv"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::FileNotFound);
  }
}

}  // namespace
}  // namespace tryggve
