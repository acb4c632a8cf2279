// The workspace end to end on the tiny district, on GeoPackage and PostgreSQL
// through the same test bodies.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/workspace/intake.hpp"
#include "workspace_fixture.hpp"

extern char** environ;

using namespace tryggve;
using namespace tryggve::workspace;
using test::Backend;
using test::ws_fixture;

namespace {

class WorkspaceTest : public testing::TestWithParam<Backend> {};

std::int64_t count(Workspace& ws, const std::string& table, const std::string& where = {}) {
  return ws.db().count(table, where);
}

IntakeOptions as_actor(const std::string& actor) {
  IntakeOptions o;
  o.actor = actor;
  return o;
}

// Every table's row count: the workspace "as it was".
std::map<std::string, std::int64_t> snapshot(Workspace& ws) {
  std::map<std::string, std::int64_t> s;
  for (const auto& [t, n] : ws.info().tables) s[t] = n;
  return s;
}

// Runs this test binary again as a child that takes `file` into `target`
// (WorkspaceChild.Run below); returns its pid.
pid_t spawn_intake(const std::string& target, const std::string& file, const std::string& actor,
                   const std::string& ready_file, double hold_s) {
  std::vector<std::string> env_s;
  for (char** e = environ; *e; ++e) env_s.emplace_back(*e);
  env_s.push_back("TRYGGVE_WS_CHILD_TARGET=" + target);
  env_s.push_back("TRYGGVE_WS_CHILD_FILE=" + file);
  env_s.push_back("TRYGGVE_WS_CHILD_ACTOR=" + actor);
  env_s.push_back("TRYGGVE_WS_CHILD_READY=" + ready_file);
  env_s.push_back("TRYGGVE_WS_CHILD_HOLD_S=" + std::to_string(hold_s));
  std::vector<char*> env;
  for (auto& s : env_s) env.push_back(s.data());
  env.push_back(nullptr);
  std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::string filter = "--gtest_filter=WorkspaceChild.Run";
  char* argv[] = {self.data(), filter.data(), nullptr};
  pid_t pid = 0;
  EXPECT_EQ(posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv, env.data()), 0);
  return pid;
}

bool wait_for_file(const std::string& path, double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (std::filesystem::exists(path)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace

// The child half of the kill and concurrency tests: does nothing unless the
// parent test set its environment.
TEST(WorkspaceChild, Run) {
  const char* target = std::getenv("TRYGGVE_WS_CHILD_TARGET");
  if (!target) GTEST_SKIP() << "only run as a child of the kill / concurrency tests";
  auto ws = Workspace::open(target);
  IntakeOptions o = as_actor(std::getenv("TRYGGVE_WS_CHILD_ACTOR"));
  const std::string ready = std::getenv("TRYGGVE_WS_CHILD_READY");
  const double hold = std::stod(std::getenv("TRYGGVE_WS_CHILD_HOLD_S"));
  o.before_commit = [&] {
    std::ofstream(ready) << "ready\n";
    std::this_thread::sleep_for(std::chrono::duration<double>(hold));
  };
  intake(ws, {std::getenv("TRYGGVE_WS_CHILD_FILE")}, o);
}

TEST_P(WorkspaceTest, InitStoresTheDistrictAndReservesTheCycleTables) {
  TRYGGVE_WS_TARGET(t, GetParam(), "init");
  auto ws = Workspace::init(t.target(), test::tiny_district());
  const auto info = ws.info();
  EXPECT_EQ(info.schema_version, kSchemaVersion);
  EXPECT_NE(info.crs.find("3006"), std::string::npos) << info.crs;
  EXPECT_EQ(info.timezone, "Europe/Stockholm");
  std::map<std::string, std::int64_t> n(info.tables.begin(), info.tables.end());
  EXPECT_GT(n["streets"], 20);
  EXPECT_EQ(n["areas"], 1);
  EXPECT_EQ(n["parks"], 1);
  EXPECT_EQ(n["stops"], 3);
  EXPECT_EQ(n["places"], 1);  // the school building
  EXPECT_EQ(n["addresses"], 11);  // 10 nodes and the school's building
  for (const char* reserved : {"assessments", "proposals", "deployments", "followups", "targets", "reports", "incidents", "model_fits"})
    EXPECT_EQ(n[reserved], 0) << reserved;
  // Reopened, the network is the one that was stored.
  auto again = Workspace::open(t.target());
  const auto net = again.load_network();
  EXPECT_EQ(static_cast<std::int64_t>(net.edge_count()), n["streets"]);
  EXPECT_EQ(net.component_count(), 1u);
  // A second init on the same target is refused.
  EXPECT_THROW(Workspace::init(t.target(), test::tiny_district()), Error);
}

TEST_P(WorkspaceTest, IntakeFromManyActorsLinksCrossActorDuplicates) {
  TRYGGVE_WS_TARGET(t, GetParam(), "actors");
  auto ws = Workspace::init(t.target(), test::tiny_district());
  struct File {
    const char* name;
    const char* actor;
    std::size_t rows, reports;
  };
  const File files[] = {{"police.csv", "polisen", 5, 3},           {"skola.csv", "Backaskolan", 3, 2},
                        {"bostad.csv", "Bostadsbolaget", 7, 4},    {"medborgare.ods", "felanmälan", 1, 1},
                        {"vasttrafik.tsv", "Västtrafik", 2, 1},    {"rescue.geojson", "", 2, 1}};
  std::size_t rows = 0, reports = 0, rejects = 0;
  for (const auto& f : files) {
    const auto r = intake(ws, {ws_fixture(f.name)}, as_actor(f.actor));
    ASSERT_EQ(r.files.size(), 1u);
    const auto& fi = r.files[0];
    SCOPED_TRACE(f.name);
    EXPECT_EQ(fi.rows_read, f.rows) << r.summary();
    EXPECT_EQ(fi.reports, f.reports) << r.summary();
    EXPECT_EQ(fi.reports + fi.rejected, fi.rows_read);  // nothing dropped
    rows += fi.rows_read, reports += fi.reports, rejects += fi.rejected;
  }
  IntakeOptions parks = as_actor("Park- och naturförvaltningen");
  parks.source_crs = "EPSG:3006";  // X/Y in SWEREF 99 TM
  const auto pr = intake(ws, {ws_fixture("parker.xlsx")}, parks);
  EXPECT_EQ(pr.files[0].reports, 1u) << pr.summary();
  rows += 1, reports += 1;

  EXPECT_EQ(count(ws, "reports"), static_cast<std::int64_t>(reports));
  EXPECT_EQ(count(ws, "intake_rejects"), static_cast<std::int64_t>(rejects));
  EXPECT_EQ(rows, reports + rejects);
  EXPECT_EQ(count(ws, "incident_reports"), count(ws, "reports"));  // each report in exactly one incident
  // Three events were reported by two actors each: the fight on Storgatan
  // (police + school), the graffiti at Backavägen 4 (housing + citizens), the
  // dealing at Brunnsbo torg (Västtrafik + police).
  EXPECT_EQ(count(ws, "incidents", "n_actors = 2"), 3);
  EXPECT_EQ(count(ws, "incidents"), count(ws, "reports") - 3);
  const auto fight = ws.db().read("incidents", {"actors", "n_reports", "parameter"}, "parameter = 'public_violence' AND n_actors = 2");
  ASSERT_EQ(fight.size(), 1u);
  EXPECT_EQ(fight[0].text(0), "Backaskolan,polisen");
  EXPECT_EQ(fight[0].integer(1), 2);
  // The threat near the church an hour after the police's fight there is only
  // possibly the same event: its own incident, and a pair to review.
  EXPECT_EQ(count(ws, "duplicate_review"), 1);
  const auto review = ws.db().read("duplicate_review", {"score", "distance_m", "minutes"});
  ASSERT_EQ(review.size(), 1u);
  EXPECT_GE(*review[0].real(0), 0.45);
  EXPECT_LT(*review[0].real(0), 0.7);
  EXPECT_NEAR(*review[0].real(2), 60.0, 1e-9);

  // Addresses: placed by address, by street (less precise), or rejected with the candidates.
  EXPECT_EQ(count(ws, "reports", "placed_by = 'address'"), 4);  // Backavägen 4 (twice), Kyrkogatan 7, Storgatan 9 Mölndal
  EXPECT_EQ(count(ws, "reports", "placed_by = 'street'"), 1);
  EXPECT_EQ(count(ws, "reports", "placed_by = 'stop'"), 1);
  const auto bad = ws.db().read("intake_rejects", {"file", "source_row", "reason", "detail"}, "reason = 'unknown address'");
  ASSERT_EQ(bad.size(), 4u);  // Okändagatan 3, Storgatan 9 (two places), Parkgatan (two streets), Brunnstorg (a typo)
  std::string all;
  for (const auto& b : bad) all += b.text(0) + ":" + b.text(1) + " " + b.text(3) + "\n";
  EXPECT_NE(all.find("bostad.csv:3 no address on a street 'okändagatan'"), std::string::npos) << all;
  EXPECT_NE(all.find("bostad.csv:4 ambiguous: address 'Storgatan 9' fits 2 places"), std::string::npos) << all;
  EXPECT_NE(all.find("bostad.csv:7 ambiguous: 'Parkgatan' names 2 streets"), std::string::npos) << all;
  EXPECT_NE(all.find("vasttrafik.tsv:2 no stop named 'Brunnstorg' in the workspace (similar: brunnsbo torg)"),
            std::string::npos)
      << all;
  // The police's "1,234"-style coordinate and the type outside the parameters are rejects with reasons.
  EXPECT_EQ(count(ws, "intake_rejects", "file = 'police.csv' AND reason = 'bad value'"), 1);
  EXPECT_EQ(count(ws, "intake_rejects", "file = 'police.csv' AND reason = 'unknown category'"), 1);
  EXPECT_EQ(count(ws, "intake_rejects", "file = 'skola.csv' AND reason = 'bad time'"), 1);
  EXPECT_EQ(count(ws, "intake_rejects", "file = 'rescue.geojson' AND reason = 'outside map'"), 1);
  // Place tags: the report in the park is in the park; the dealing is at the stop.
  EXPECT_EQ(count(ws, "incidents", "park_name = 'Kvarnbo park'"), 1);
  EXPECT_EQ(count(ws, "incidents", "stop_name = 'Brunnsbo torg' AND parameter = 'drug_dealing'"), 1);
  EXPECT_EQ(count(ws, "incidents", "area_name = 'Backa test'"), count(ws, "incidents"));
  // Raw fields are kept as JSON with the Swedish headers, decoded from Windows-1252.
  const auto raw = ws.db().read("reports", {"raw_json"}, "source_file = 'bostad.csv' AND source_row = 1");
  ASSERT_EQ(raw.size(), 1u);
  EXPECT_NE(raw[0].text(0).find("\"Beskrivning\":\"Klotter på fasaden, Backavägen 4\""), std::string::npos) << raw[0].text(0);
  // Local time with its offset, and the month.
  const auto times = ws.db().read("reports", {"time", "month"}, "source_file = 'skola.csv' AND source_row = 1");
  ASSERT_EQ(times.size(), 1u);
  EXPECT_EQ(times[0].text(0), "2026-11-03T21:55:00+01:00");
  EXPECT_EQ(times[0].text(1), "2026-11");
  // The rescue service's GeoPackage holds the same two fires as its GeoJSON: the
  // same actor's repeated report is a duplicate naming the incident that has it.
  const auto again = intake(ws, {ws_fixture("rescue.gpkg")}, {});
  EXPECT_EQ(again.files[0].reports, 0u) << again.summary();
  EXPECT_EQ(again.files[0].duplicates, 1u) << again.summary();
  EXPECT_EQ(again.files[0].rejected, 2u) << again.summary();
  EXPECT_EQ(count(ws, "intake_rejects", "file = 'rescue.gpkg' AND reason = 'duplicate report'"), 1);
  // Actors are remembered, also those named in a file's rows.
  EXPECT_EQ(count(ws, "actors", "name = 'Räddningstjänsten'"), 1);
  EXPECT_EQ(count(ws, "actors", "name = 'polisen' AND kind = 'police'"), 1);
}

TEST_P(WorkspaceTest, TheSameFileTwiceAddsNothingAndACorrectedFileReplacesItsRows) {
  TRYGGVE_WS_TARGET(t, GetParam(), "idem");
  auto ws = Workspace::init(t.target(), test::tiny_district());
  intake(ws, {ws_fixture("police.csv")}, as_actor("polisen"));
  intake(ws, {ws_fixture("skola.csv")}, as_actor("Backaskolan"));
  const auto before = snapshot(ws);
  const auto again = intake(ws, {ws_fixture("police.csv")}, as_actor("polisen"));
  EXPECT_EQ(again.files[0].status, "unchanged");
  EXPECT_EQ(snapshot(ws), before);

  // The police correct their file: the fight was a robbery, and 503 is withdrawn.
  const auto fixed = t.dir() / "police.csv";
  std::ofstream(fixed) << "id,datetime,type,lat,lon,summary\n"
                          "501,2026-11-03 21:40:00 +01:00,Rån,57.74092,11.98255,Rån på Storgatan\n"
                          "502,2026-11-07 20:20:00 +01:00,Narkotikabrott,57.74175,11.98250,Langning vid Brunnsbo torg\n";
  const auto r = intake(ws, {fixed.string()}, as_actor("polisen"));
  EXPECT_EQ(r.files[0].status.rfind("replaced intake", 0), 0u) << r.summary();
  EXPECT_EQ(count(ws, "intakes", "status = 'replaced'"), 1);
  EXPECT_EQ(count(ws, "reports", "actor = 'polisen'"), 2);
  EXPECT_EQ(count(ws, "intake_rejects", "file = 'police.csv'"), 0);
  // The school's fight is its own incident again (the robbery is not compatible
  // with school fights... it is: both are in the EST class "incident"; either
  // way no incident is left without a report, and none has a lost report).
  EXPECT_EQ(count(ws, "incident_reports"), count(ws, "reports"));
  for (const auto& row : ws.db().query("SELECT i.fid + 0, i.n_reports, COUNT(ir.report_id) FROM incidents i "
                                       "LEFT JOIN incident_reports ir ON ir.incident_id = i.fid GROUP BY i.fid, i.n_reports"))
    EXPECT_EQ(row.integer(1), row.integer(2)) << "incident " << *row.integer(0);
  EXPECT_EQ(count(ws, "reports", "actor = 'polisen' AND parameter = 'robbery'"), 1);
}

TEST_P(WorkspaceTest, AProfileIsSavedAndReadsTheNextFile) {
  TRYGGVE_WS_TARGET(t, GetParam(), "profile");
  auto ws = Workspace::init(t.target(), test::tiny_district());
  // The school's own label "Slagsmål på rast" is in no table: the first intake
  // maps it with a CSV table and saves everything as the school's profile.
  const auto table = t.dir() / "skolans_kategorier.csv";
  std::ofstream(table) << "source_category,parameter,note\nSlagsmål på rast,school_fights,the school's own label\n";
  const auto file1 = t.dir() / "vecka45.csv";
  std::ofstream(file1) << "Datum;Klockslag;Händelsetyp;Latitud;Longitud\n2026-11-04;10:15;Slagsmål på rast;57,74030;11,98400\n";
  IntakeOptions first = as_actor("Backaskolan");
  first.mappings = {"auto", table.string()};
  first.save_profile = "backaskolan";
  first.default_setting = "outdoor";
  const auto r1 = intake(ws, {file1.string()}, first);
  EXPECT_EQ(r1.files[0].reports, 1u) << r1.summary();
  auto p = ws.profile("backaskolan");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->fields.time, "Klockslag");
  EXPECT_EQ(p->fields.category, "Händelsetyp");
  EXPECT_EQ(p->default_setting, "outdoor");
  ASSERT_EQ(p->categories.size(), 1u);
  EXPECT_EQ(ws.actor_profile("Backaskolan"), "backaskolan");
  // The next week's file: the actor's profile is used without any option.
  const auto file2 = t.dir() / "vecka46.csv";
  std::ofstream(file2) << "Datum;Klockslag;Händelsetyp;Latitud;Longitud\n2026-11-11;10:20;Slagsmål på rast;57,74031;11,98402\n";
  const auto r2 = intake(ws, {file2.string()}, as_actor("Backaskolan"));
  EXPECT_EQ(r2.files[0].reports, 1u) << r2.summary();
  EXPECT_EQ(count(ws, "reports", "parameter = 'school_fights'"), 2);
  // An unknown profile is an error naming it.
  IntakeOptions bad = as_actor("x");
  bad.profile = "nosuch";
  EXPECT_THROW(intake(ws, {file2.string()}, bad), Error);
}

TEST_P(WorkspaceTest, AFailedIntakeLeavesNothing) {
  TRYGGVE_WS_TARGET(t, GetParam(), "fail");
  auto ws = Workspace::init(t.target(), test::tiny_district());
  const auto before = snapshot(ws);
  // The second file is missing: the first must not stay either.
  EXPECT_THROW(intake(ws, {ws_fixture("police.csv"), ws_fixture("nosuch.csv")}, as_actor("polisen")), Error);
  EXPECT_EQ(snapshot(ws), before);
  // A hook that throws before the commit, too.
  IntakeOptions o = as_actor("polisen");
  o.before_commit = [] { throw Error(ErrorCode::Interrupted, "test", "stopped before commit"); };
  EXPECT_THROW(intake(ws, {ws_fixture("police.csv")}, o), Error);
  EXPECT_EQ(snapshot(ws), before);
}

TEST_P(WorkspaceTest, AKilledIntakeLeavesTheWorkspaceAsItWas) {
  TRYGGVE_WS_TARGET(t, GetParam(), "kill");
  {
    auto ws = Workspace::init(t.target(), test::tiny_district());
    intake(ws, {ws_fixture("skola.csv")}, as_actor("Backaskolan"));
  }
  auto ws = Workspace::open(t.target());
  const auto before = snapshot(ws);
  const std::string ready = (t.dir() / "ready").string();
  const pid_t pid = spawn_intake(t.target(), ws_fixture("police.csv"), "polisen", ready, 120.0);
  ASSERT_TRUE(wait_for_file(ready, 120.0)) << "the child never reached the commit";
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status));
  auto after = Workspace::open(t.target());
  EXPECT_EQ(snapshot(after), before);
  // And it still takes the same file in afterwards.
  const auto r = intake(after, {ws_fixture("police.csv")}, as_actor("polisen"));
  EXPECT_EQ(r.files[0].reports, 3u);
}

TEST_P(WorkspaceTest, TwoIntakesAtOnceLoseNothing) {
  TRYGGVE_WS_TARGET(t, GetParam(), "concurrent");
  { auto ws = Workspace::init(t.target(), test::tiny_district()); }
  const std::string r1 = (t.dir() / "ready1").string(), r2 = (t.dir() / "ready2").string();
  // The first holds its transaction open for a second; the second must wait for it.
  const pid_t a = spawn_intake(t.target(), ws_fixture("police.csv"), "polisen", r1, 1.0);
  ASSERT_TRUE(wait_for_file(r1, 120.0));
  const pid_t b = spawn_intake(t.target(), ws_fixture("skola.csv"), "Backaskolan", r2, 0.0);
  int sa = 0, sb = 0;
  ASSERT_EQ(::waitpid(a, &sa, 0), a);
  ASSERT_EQ(::waitpid(b, &sb, 0), b);
  EXPECT_TRUE(WIFEXITED(sa) && WEXITSTATUS(sa) == 0);
  EXPECT_TRUE(WIFEXITED(sb) && WEXITSTATUS(sb) == 0);
  auto ws = Workspace::open(t.target());
  EXPECT_EQ(count(ws, "intakes"), 2);
  EXPECT_EQ(count(ws, "reports"), 5);
  EXPECT_EQ(count(ws, "incident_reports"), 5);
  // The second saw the first's incidents: the fight both reported is one incident.
  EXPECT_EQ(count(ws, "incidents", "n_actors = 2"), 1);
  if (GetParam() == Backend::GeoPackage) {
    const auto ok = ws.db().query("PRAGMA integrity_check");
    ASSERT_FALSE(ok.empty());
    EXPECT_EQ(ok[0].text(0), "ok");
  }
}

TEST_P(WorkspaceTest, ANewerSchemaIsRefusedAndAnOlderOneMigrated) {
  TRYGGVE_WS_TARGET(t, GetParam(), "schema");
  { auto ws = Workspace::init(t.target(), test::tiny_district()); }
  // Back to version 1 by hand (what version 1 created), then the built-in step 1 -> 2.
  {
    auto db = io::Database::open(t.target());
    db->execute("DROP TABLE target_progress");
    if (GetParam() == Backend::GeoPackage) db->execute("DELETE FROM gpkg_contents WHERE table_name = 'target_progress'");
    db->execute("ALTER TABLE deployments DROP COLUMN source_sha256");
    db->execute("ALTER TABLE targets DROP COLUMN source_file");
    db->execute("ALTER TABLE targets DROP COLUMN source_sha256");
    // What version 3 added (public transport), taken away again.
    for (const char* table : {"transit_feed", "transit_lines", "transit_stops"}) {
      db->execute(std::string("DROP TABLE ") + table);
      if (GetParam() == Backend::GeoPackage) {
        for (const char* meta : {"gpkg_contents", "gpkg_geometry_columns", "gpkg_extensions"})
          db->execute(fmt::format("DELETE FROM {} WHERE table_name = '{}'", meta, table));
        db->execute(fmt::format("DROP TABLE IF EXISTS rtree_{}_geom", table));
      }
    }
    db->execute("DROP INDEX IF EXISTS idx_incidents_line");
    // What version 4 added (the remembered model fits), taken away again.
    db->execute("DROP INDEX IF EXISTS idx_model_fits_digest");
    db->execute("DROP TABLE model_fits");
    if (GetParam() == Backend::GeoPackage) db->execute("DELETE FROM gpkg_contents WHERE table_name = 'model_fits'");
    for (const char* col : {"place_type", "line", "transit_mode", "transit_from", "transit_to", "transit_stop",
                            "transit_stop_id", "stretch_m", "uncertain"})
      db->execute(std::string("ALTER TABLE incidents DROP COLUMN ") + col);
    db->execute("UPDATE workspace_meta SET value = '1' WHERE key = 'schema_version'");
  }
  {
    auto ws = Workspace::open(t.target());
    EXPECT_EQ(ws.schema_version(), 4);
    EXPECT_EQ(ws.meta("schema_version"), "4");
    EXPECT_EQ(count(ws, "schema_migrations", "from_version = 1 AND to_version = 2"), 1);
    EXPECT_EQ(count(ws, "schema_migrations", "from_version = 2 AND to_version = 3"), 1);
    EXPECT_EQ(count(ws, "schema_migrations", "from_version = 3 AND to_version = 4"), 1);
    // model_fits is there, one row per digest.
    EXPECT_TRUE(ws.db().has_table("model_fits"));
    {
      // Plain SQL: PostgreSQL's driver batches inserts, so a duplicate would only fail at commit.
      io::Transaction tx(ws.db());
      const std::string row =
          "INSERT INTO model_fits (digest, parameters, software_version, created) VALUES ('ab', '{}', '0', 'now')";
      ws.db().execute(row);
      EXPECT_THROW(ws.db().execute(row), Error);
    }
    EXPECT_TRUE(ws.db().has_table("target_progress"));
    EXPECT_NO_THROW(ws.db().query("SELECT source_sha256 FROM deployments"));
    EXPECT_NO_THROW(ws.db().query("SELECT source_file, source_sha256 FROM targets"));
    for (const char* table : {"transit_feed", "transit_lines", "transit_stops"}) EXPECT_TRUE(ws.db().has_table(table)) << table;
    EXPECT_NO_THROW(
        ws.db().query("SELECT place_type, line, transit_from, transit_to, stretch_m, uncertain FROM incidents"));
  }
  // The migrated workspace takes a feed and places on-board reports like a new one.
  {
    auto ws = Workspace::open(t.target());
    ws.set_gtfs(ws_fixture("gtfs"));
    intake(ws, {ws_fixture("vasttrafik_ombord.csv")}, as_actor("Västtrafik"));
    EXPECT_EQ(count(ws, "incidents", "place_type = 'on_board' AND line = '5' AND stretch_m >= 0"), 2);
  }
  // A test step 4 -> 5 (a column for notes on intakes).
  Migration step;
  step.from = 4;
  step.to = 5;
  step.what = "test: a column for notes on intakes";
  step.apply = [](io::Database& db, const io::CrsContext&) { db.execute("ALTER TABLE intakes ADD COLUMN note_v5 TEXT"); };
  {
    auto ws = Workspace::open(t.target(), {step}, 5);
    EXPECT_EQ(ws.schema_version(), 5);
    EXPECT_EQ(ws.meta("schema_version"), "5");
    EXPECT_EQ(count(ws, "schema_migrations", "to_version = 5"), 1);
  }
  // Version 5 is newer than this build's version 4: refused, with both numbers.
  try {
    Workspace::open(t.target());
    FAIL() << "opened a newer workspace";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::BadWorkspace);
    EXPECT_NE(std::string(e.what()).find("schema version 5"), std::string::npos) << e.what();
  }
  // Not a workspace at all.
  if (GetParam() == Backend::GeoPackage) {
    const auto copy = t.dir() / "not_a_workspace.gpkg";
    std::filesystem::copy_file(ws_fixture("rescue.gpkg"), copy);
    EXPECT_THROW(Workspace::open(copy.string()), Error);
  }
}

// Public transport (issue 15): a GTFS feed stored at init, its lines and stops as
// layers, Västtrafik's on-board rows placed from the timetable at intake.
TEST_P(WorkspaceTest, AGtfsFeedIsStoredAndOnBoardReportsArePlacedFromItsTimetable) {
  TRYGGVE_WS_TARGET(t, GetParam(), "transit");
  // Without a feed an on-board row is a reject that says how to give one.
  {
    TRYGGVE_WS_TARGET(plain, GetParam(), "transit_plain");
    auto ws = Workspace::init(plain.target(), test::tiny_district());
    EXPECT_FALSE(ws.has_transit());
    EXPECT_EQ(ws.load_transit(), nullptr);
    const auto r = intake(ws, {ws_fixture("vasttrafik_ombord.csv")}, as_actor("Västtrafik"));
    EXPECT_EQ(count(ws, "intake_rejects", "detail LIKE '%set-gtfs%'"), 4);
    EXPECT_EQ(count(ws, "incidents", "place_type IS NOT NULL"), 0);
  }
  auto o = test::tiny_district();
  o.gtfs = ws_fixture("gtfs");
  auto ws = Workspace::init(t.target(), o);
  ASSERT_TRUE(ws.has_transit());
  // The feed's files, each with its hash; the same feed again keeps the same identity.
  EXPECT_EQ(count(ws, "transit_feed"), 6);  // agency, stops, routes, trips, stop_times, calendar
  const std::string sha = ws.transit_feed_sha256();
  EXPECT_EQ(sha.size(), 64u);
  const auto stops_txt = ws.db().read("transit_feed", {"content", "bytes"}, "file_name = 'stops.txt'");
  ASSERT_EQ(stops_txt.size(), 1u);
  EXPECT_EQ(static_cast<std::int64_t>(stops_txt.front().text(0).size()), stops_txt.front().integer(1).value_or(-1));
  EXPECT_NE(stops_txt.front().text(0).find("Brunnsbo torg"), std::string::npos);
  // One line, two directions, two segments each; three stations.
  EXPECT_EQ(count(ws, "transit_lines"), 4);
  EXPECT_EQ(count(ws, "transit_lines", "line = '5' AND from_stop = 'Backa kyrka' AND to_stop = 'Brunnsbo torg'"), 1);
  EXPECT_EQ(count(ws, "transit_stops"), 3);
  EXPECT_EQ(count(ws, "transit_stops", "name = 'Kvarnbo' AND lines = '5'"), 1);
  const auto sys = ws.load_transit();
  ASSERT_NE(sys, nullptr);
  EXPECT_EQ(sys->stations().size(), 3u);
  EXPECT_EQ(sys->segments().size(), 4u);

  const auto r = intake(ws, {ws_fixture("vasttrafik_ombord.csv")}, as_actor("Västtrafik"));
  ASSERT_EQ(r.files.size(), 1u);
  EXPECT_EQ(r.files[0].rows_read, 5u);
  EXPECT_EQ(r.files[0].reports, 3u);
  EXPECT_EQ(r.files[0].rejected, 2u);
  // Two reports two minutes apart on the same tram: both kept (each its own event), on
  // the segment the timetable puts the tram on at that minute.
  EXPECT_EQ(count(ws, "incidents", "place_type = 'on_board'"), 2);
  EXPECT_EQ(count(ws, "incidents",
                  "place_type = 'on_board' AND line = '5' AND transit_from = 'Backa kyrka' AND transit_to = 'Brunnsbo "
                  "torg' AND text = 'sten mot föraren'"),
            1);
  EXPECT_EQ(count(ws, "incidents",
                  "place_type = 'on_board' AND transit_from = 'Brunnsbo torg' AND transit_to = 'Kvarnbo' AND text = "
                  "'sten igen'"),
            1);
  EXPECT_EQ(count(ws, "incidents", "place_type = 'on_board' AND stretch_m > 0"), 2);
  EXPECT_EQ(count(ws, "reports", "placed_by = 'timetable' AND address LIKE '%mellan%'"), 2);
  // At a stop: the feed's station.
  EXPECT_EQ(count(ws, "incidents",
                  "place_type = 'stop' AND transit_stop = 'Brunnsbo torg' AND transit_stop_id <> '' AND text = "
                  "'langning på hållplatsen'"),
            1);
  EXPECT_EQ(count(ws, "incidents", "place_type = 'on_board' AND transit_mode = 'spårvagn'"), 2);
  EXPECT_EQ(count(ws, "reports", "placed_by = 'gtfs_stop'"), 1);
  // The rejects name the row and the reason: a line the feed does not have (with the
  // feed's lines as candidates), and a time when no tram runs.
  const auto rej = ws.db().read("intake_rejects", {"file", "source_row", "reason", "detail"}, "");
  ASSERT_EQ(rej.size(), 2u);
  EXPECT_EQ(rej[0].text(0), "vasttrafik_ombord.csv");
  EXPECT_EQ(rej[0].integer(1).value_or(0), 4);
  EXPECT_NE(rej[0].text(3).find("7"), std::string::npos) << rej[0].text(3);
  EXPECT_NE(rej[0].text(3).find("candidates: spårvagn 5"), std::string::npos) << rej[0].text(3);
  EXPECT_EQ(rej[1].integer(1).value_or(0), 5);
  EXPECT_FALSE(rej[1].text(3).empty());

  // A new feed replaces the old one: the tram's stops stay, the files are new.
  const auto copy = t.dir() / "gtfs2";
  std::filesystem::copy(ws_fixture("gtfs"), copy);
  { std::ofstream(copy / "routes.txt") << "route_id,agency_id,route_short_name,route_long_name,route_type\nR5,VT,6,Backa kyrka - Kvarnbo,0\n"; }
  ws.set_gtfs(copy.string());
  EXPECT_NE(ws.transit_feed_sha256(), sha);
  EXPECT_EQ(count(ws, "transit_feed"), 6);
  EXPECT_EQ(count(ws, "transit_lines", "line = '6'"), 4);
  EXPECT_EQ(count(ws, "transit_lines", "line = '5'"), 0);
  // A broken feed is refused and leaves the stored one.
  const auto broken = t.dir() / "broken";
  std::filesystem::copy(ws_fixture("gtfs"), broken);
  std::filesystem::remove(broken / "stop_times.txt");
  EXPECT_THROW(ws.set_gtfs(broken.string()), Error);
  EXPECT_EQ(count(ws, "transit_lines", "line = '6'"), 4);
}

INSTANTIATE_TEST_SUITE_P(Backends, WorkspaceTest, testing::Values(Backend::GeoPackage, Backend::PostgreSQL),
                         test::backend_name);
