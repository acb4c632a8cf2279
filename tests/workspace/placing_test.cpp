// Address placing, duplicate scores, header recognition: small pure tests,
// then the real Helsinki OSM extract and the real Swedish police notices.
#include <gtest/gtest.h>

#include <fstream>

#include "test_data.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/io/incidents.hpp"
#include "tryggve/taxonomy/classifier.hpp"
#include "tryggve/workspace/duplicates.hpp"
#include "tryggve/workspace/gazetteer.hpp"
#include "tryggve/workspace/intake.hpp"
#include "workspace_fixture.hpp"

using namespace tryggve;
using namespace tryggve::workspace;

TEST(StreetKey, SwedishAbbreviationsAndCase) {
  EXPECT_EQ(street_key("Storgatan"), "storgatan");
  EXPECT_EQ(street_key("STORG."), "storgatan");
  EXPECT_EQ(street_key("Storgata"), "storgatan");
  EXPECT_EQ(street_key("Backav."), "backavägen");
  EXPECT_EQ(street_key("BACKAVÄGEN"), "backavägen");
  EXPECT_EQ(street_key("Backa  Kyrkogat."), "backa kyrkogatan");
  EXPECT_EQ(number_key("5 B"), "5b");
}

TEST(ParseAddress, StreetNumberAndPlace) {
  auto q = parse_address("Storg. 5 B, 417 05 Göteborg");
  EXPECT_EQ(q.street, "storgatan");
  EXPECT_EQ(q.number, "5b");
  EXPECT_EQ(q.rest, "417 05 göteborg");
  q = parse_address("Backa Kyrkogata 12-14");
  EXPECT_EQ(q.street, "backa kyrkogatan");
  EXPECT_EQ(q.number, "12");
  q = parse_address("Storgatan");
  EXPECT_EQ(q.number, "");
}

TEST(TextTokens, SwedishAwareAndStopWordsOut) {
  EXPECT_EQ(text_tokens("Slagsmål mellan ELEVER på Storgatan, kl 21"),
            (std::vector<std::string>{"elever", "mellan", "slagsmål", "storgatan"}));
  EXPECT_DOUBLE_EQ(jaccard(text_tokens("klotter på fasaden"), text_tokens("KLOTTER på fasaden vid porten")), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(jaccard({}, {}), 0.0);
}

TEST(MatchScore, DistanceTimeParameterAndText) {
  const Taxonomy t = Taxonomy::load_default();
  const DuplicateOptions o;
  const auto pv = *t.find("public_violence"), sf = *t.find("school_fights"), va = *t.find("vandalism");
  const auto a = text_tokens("slagsmål vid skolan"), b = text_tokens("slagsmål vid skolan");
  // Same place, time, parameter and text: 1.
  EXPECT_DOUBLE_EQ(match_score(t, o, {0, 0}, 0, pv, a, true, {0, 0}, 0, pv, b, true).score, 1.0);
  // By hand: 50 m, 45 min, compatible parameters (same EST class), no text on one side.
  const auto m = match_score(t, o, {0, 0}, 0, pv, a, true, {30, 40}, 45 * 60, sf, {}, false);
  EXPECT_NEAR(m.score, 0.3 * 0.75 + 0.3 * 0.75 + 0.2 * 0.5 + 0.2 * 0.5, 1e-12);
  // Outside the distance or time, or incompatible parameters: no match.
  EXPECT_EQ(match_score(t, o, {0, 0}, 0, pv, a, true, {201, 0}, 0, pv, b, true).score, 0.0);
  EXPECT_EQ(match_score(t, o, {0, 0}, 0, pv, a, true, {0, 0}, 181 * 60, pv, b, true).score, 0.0);
  EXPECT_EQ(match_score(t, o, {0, 0}, 0, pv, a, true, {0, 0}, 0, va, b, true).score, 0.0);
}

TEST(ReadIncidentTable, SwedishSemicolonFileWithLatitudLongitud) {
  // Before: "no coordinate columns" for this export.
  const auto dir = test::temp_dir("latitud");
  const auto f = dir / "export.csv";
  std::ofstream(f) << "Tidpunkt;Händelsetyp;Latitud;Longitud;Rapporterad av\n2026-11-03 21:40;Misshandel;57,7409;11,9825;Polisen\n";
  io::CrsContext crs = io::CrsContext::from_spec("EPSG:3006");
  RejectLog rejects;
  const auto inc = io::read_incidents(f.string(), crs, {}, TimeZone::from_name("Europe/Stockholm"), rejects);
  ASSERT_EQ(inc.size(), 1u) << (rejects.size() ? rejects.items()[0].detail : "");
  EXPECT_EQ(inc[0].actor, "Polisen");
  EXPECT_EQ(inc[0].category, "Misshandel");
  EXPECT_NEAR(inc[0].pos.y, 6404001, 200);  // about Backa in SWEREF 99 TM
}

TEST(ReadIncidentTable, ACommaInACommaFileIsNeverADecimalComma) {
  const auto dir = test::temp_dir("comma");
  const auto f = dir / "export.csv";
  std::ofstream(f) << "time,category,lat,lon\n2026-11-03 21:40,Misshandel,\"57,7409\",11.9825\n"
                      "2026-11-03 21:41,Misshandel,57.7409,\"1,234\"\n2026-11-03 21:42,Misshandel,57.7409,11.9825\n";
  io::CrsContext crs = io::CrsContext::from_spec("EPSG:3006");
  RejectLog rejects;
  const auto t = io::read_incident_table(f.string(), crs, {}, TimeZone::from_name("Europe/Stockholm"), rejects);
  EXPECT_EQ(t.separator, ',');
  EXPECT_FALSE(t.decimal_comma);
  EXPECT_EQ(t.rows.size(), 1u);
  ASSERT_EQ(rejects.size(), 2u);
  for (const auto& r : rejects.items()) {
    EXPECT_EQ(r.reason, RejectReason::BadValue);
    EXPECT_NE(r.detail.find("thousands mark or a decimal comma"), std::string::npos) << r.detail;
  }
  EXPECT_EQ(t.rows_read, t.rows.size() + rejects.size());
}

TEST(ReadIncidentTable, Windows1252HeadersAndTextAreRead) {
  RejectLog rejects;
  io::CrsContext crs = io::CrsContext::from_spec("EPSG:3006");
  const auto t = io::read_incident_table(test::ws_fixture("bostad.csv"), crs, {}, TimeZone::from_name("Europe/Stockholm"),
                                         rejects);
  EXPECT_EQ(t.encoding, "Windows-1252");
  EXPECT_EQ(t.separator, ';');
  ASSERT_EQ(t.rows.size(), 7u);
  EXPECT_FALSE(t.rows[0].has_pos);
  EXPECT_EQ(t.rows[0].address, "Backavägen 4");
  EXPECT_EQ(t.rows[1].inc.text, "Hot mot boende vid kyrkan, ungdomar");
  const auto skola = io::read_incident_table(test::ws_fixture("skola.csv"), crs, {}, TimeZone::from_name("Europe/Stockholm"),
                                             rejects);
  EXPECT_EQ(skola.encoding, "UTF-8 with BOM");
  ASSERT_GE(skola.rows.size(), 1u);
  EXPECT_TRUE(skola.rows[0].has_pos);
  EXPECT_EQ(skola.rows[0].inc.time.utc_seconds, 1793739300);  // 2026-11-03 21:55 CET
}

TEST(FileSha256, KnownDigest) {
  const auto dir = test::temp_dir("sha");
  std::ofstream(dir / "abc.txt") << "abc";
  EXPECT_EQ(file_sha256((dir / "abc.txt").string()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// The real Helsinki extract: its addr:* nodes and buildings place addresses offline.
TEST(GazetteerRealData, HelsinkiAddresses) {
  TRYGGVE_REQUIRE_SHARED("osm/helsinki_centre.osm.pbf");
  pipeline::MapOptions o;
  o.streets = (test::shared_data() / "osm/helsinki_centre.osm.pbf").string();
  o.crs = "EPSG:3067";
  test::WorkspaceTarget t(test::Backend::GeoPackage, "helsinki");
  auto ws = Workspace::init(t.target(), o);
  const auto addresses = ws.load_addresses();
  EXPECT_GT(addresses.size(), 1400u);
  const auto net = ws.load_network();
  const Gazetteer g(addresses, net, ws.load_points("stops"));
  // Building centroids and nodes.
  const auto m10 = g.locate_address("Mannerheimintie 10");
  ASSERT_TRUE(m10.found()) << m10.detail;
  EXPECT_EQ(m10.placed_by, "address");
  const auto u33 = g.locate_address("UNIONINKATU 33 B, Helsinki");
  ASSERT_TRUE(u33.found()) << u33.detail;
  // The two are about 550 m apart in the city centre (both in the extract).
  EXPECT_GT(distance(m10.pos, u33.pos), 100.0);
  // A street alone: its middle, flagged as less precise.
  const auto street = g.locate_address("Kasarmikatu");
  ASSERT_TRUE(street.found()) << street.detail;
  EXPECT_EQ(street.placed_by, "street");
  // Unknown numbers and streets are rejects with the candidates.
  const auto no = g.locate_address("Unioninkatu 999");
  EXPECT_FALSE(no.found());
  EXPECT_NE(no.detail.find("known numbers"), std::string::npos) << no.detail;
  const auto typo = g.locate_address("Unionikatu 29");
  EXPECT_FALSE(typo.found());
  EXPECT_NE(typo.detail.find("unioninkatu"), std::string::npos) << typo.detail;
}

// The real police notices: every one of their 97 types is known to the
// mapping tables (mapped to a parameter or knowingly outside), none unknown.
TEST(CategoryMappingRealData, EverySwedishPoliceTypeIsKnown) {
  TRYGGVE_REQUIRE_SHARED("incidents/polisen_sweden_events_2022-2026.csv.gz");
  io::CrsContext crs = io::CrsContext::from_spec("EPSG:3006");
  RejectLog rejects;
  const auto t = io::read_incident_table(
      (test::shared_data() / "incidents/polisen_sweden_events_2022-2026.csv.gz").string(), crs, {},
      TimeZone::from_name("Europe/Stockholm"), rejects);
  EXPECT_EQ(t.rows_read, t.rows.size() + rejects.size());
  EXPECT_GT(t.rows.size(), 80000u);
  const Taxonomy tax = Taxonomy::load_default();
  const Classifier c(tax);
  std::set<std::string> types, unknown;
  std::size_t mapped = 0;
  for (const auto& r : t.rows) {
    types.insert(r.inc.category);
    const auto cl = c.classify(r.inc.category);
    if (cl.status == Classification::Status::Unknown) unknown.insert(r.inc.category);
    mapped += cl.mapped();
  }
  EXPECT_GE(types.size(), 90u);
  EXPECT_TRUE(unknown.empty()) << *unknown.begin();
  EXPECT_GT(mapped, t.rows.size() / 3);
}
