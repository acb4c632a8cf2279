// The demo's actor files taken in as a user would (workspace init from the
// district, then each actor's file month by month) give back the generator's
// truth: every row is a report or a reject, the planted rejects are rejected
// for their reason, the planted police/school pairs end as one incident, and
// the incidents per month are the true ones less what rejects and links explain,
// and with the demo's GTFS feed in the workspace Västtrafik's on-board rows are
// placed on their lines: incidents on board per line = the generator's.
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_data.hpp"
#include "tryggve/demo/generator.hpp"
#include "tryggve/workspace/intake.hpp"
#include "tryggve/workspace/workspace.hpp"

namespace tryggve::demo {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json read_json(const fs::path& p) {
  std::ifstream f(p);
  return json::parse(f);
}

TEST(DemoActorFiles, IntakeOfEveryActorsFilesMatchesTheTruth) {
  const fs::path dir = test::temp_dir("demo_actor_files");
  DemoOptions o;
  o.months = 2;
  o.volume_scale = 0.5;
  const fs::path d = dir / "district";
  generate(o, d);
  const json truth = read_json(d / "truth.json")["actor_files"];
  const json index = read_json(d / "actors" / "index.json");
  ASSERT_EQ(index["files"].size(), 8u * o.months);  // eight actors

  pipeline::MapOptions mo;
  mo.streets = (d / "streets.osm").string();
  for (auto [field, file] : {std::pair{&mo.parks, "parks.gpkg"}, {&mo.stops, "stops.gpkg"}, {&mo.lamps, "lamps.gpkg"},
                             {&mo.areas, "areas.gpkg"}, {&mo.places, "places.gpkg"}})
    *field = (d / file).string();
  mo.crs = "EPSG:3006";
  mo.gtfs = (d / "gtfs").string();
  auto ws = workspace::Workspace::init((dir / "w.gpkg").string(), mo);
  ASSERT_TRUE(ws.has_transit());
  EXPECT_GT(ws.db().count("transit_lines"), 10);
  ASSERT_GT(ws.db().count("addresses"), 100) << "the demo's streets.osm carries addr:* nodes";

  std::map<std::string, std::int64_t> intake_of;  // file (actors/...) -> intake id
  std::map<std::string, std::size_t> rows_per_month, rejects_per_month;
  for (const auto& f : index["files"]) {
    workspace::IntakeOptions io;
    io.actor = f["actor"].get<std::string>();
    const std::string rel = f["file"];
    const auto r = workspace::intake(ws, {(d / "actors" / rel).string()}, io);
    ASSERT_EQ(r.files.size(), 1u);
    const auto& fi = r.files[0];
    EXPECT_EQ(fi.status, "taken in") << rel;
    EXPECT_EQ(fi.rows_read, f["rows"].get<std::size_t>()) << rel;
    EXPECT_EQ(fi.rows_read, fi.reports + fi.rejected) << rel;  // nothing dropped silently
    intake_of[rel] = fi.intake_id;
    rows_per_month[f["month"]] += fi.rows_read;
    rejects_per_month[f["month"]] += fi.rejected;
    // Few rejects beyond the planted ones (the school's same-actor duplicates): a
    // header read in the wrong encoding would reject the whole file.
    std::size_t planted = 0;
    if (f.contains("planted_rejects"))
      for (const auto& [kind, rows] : f["planted_rejects"].items()) planted += rows.size();
    EXPECT_LE(fi.rejected, planted + fi.rows_read / 20) << rel << ": rejects beyond the planted ones";
    // Every planted reject is rejected, for its reason, at its row.
    if (f.contains("planted_rejects"))
      for (const auto& [kind, rows] : f["planted_rejects"].items())
        for (const auto& row : rows) {
          const auto hits = ws.db().query(fmt::format(
              "SELECT reason FROM intake_rejects WHERE intake_id = {} AND source_row = {}", fi.intake_id,
              row.get<std::int64_t>()));
          ASSERT_EQ(hits.size(), 1u) << rel << " row " << row << " (" << kind << ") was not rejected";
          EXPECT_EQ(hits[0].text(0), kind == "missing_time" ? "bad time" : "unknown address") << rel << " row " << row;
        }
  }
  EXPECT_EQ(ws.db().count("reports") + ws.db().count("intake_rejects"), truth["rows"].get<std::int64_t>());

  // The planted police/school pairs: one incident with both reports.
  std::size_t linked = 0, planted = 0;
  auto incident_of = [&](const std::string& rel, std::int64_t row) -> std::int64_t {
    const auto q = ws.db().query(fmt::format(
        "SELECT ir.incident_id FROM reports r JOIN incident_reports ir ON ir.report_id = r.fid "
        "WHERE r.intake_id = {} AND r.source_row = {}",
        intake_of.at(rel), row));
    return q.empty() ? -1 : q[0].integer(0).value_or(-1);
  };
  for (const auto& p : truth["duplicates"]) {
    ++planted;
    const auto police = incident_of(p["police_file"], p["police_row"]);
    const auto school = incident_of(p["school_file"], p["school_row"]);
    ASSERT_GE(police, 0) << p.dump() << ": the police report is not in an incident";
    if (school == police) ++linked;
    else if (school < 0)  // not lost: the school's own same-actor duplicate rule took it as a reject
      EXPECT_EQ(ws.db().count("intake_rejects", fmt::format("intake_id = {} AND source_row = {}",
                                                            intake_of.at(p["school_file"]), p["school_row"].get<int>())),
                1)
          << p.dump();
  }
  ASSERT_GT(planted, 10u);
  EXPECT_GE(linked, static_cast<std::size_t>(0.9 * static_cast<double>(planted))) << linked << " of " << planted;

  // On board: every row of the Västtrafik files placed on its line from the timetable.
  ASSERT_FALSE(truth["on_board_per_line"].empty());
  std::int64_t on_board_true = 0;
  for (const auto& [line, n] : truth["on_board_per_line"].items()) {
    const auto ws_n = ws.db().count("incidents", "place_type = 'on_board' AND line = " + io::Database::quote(line));
    EXPECT_EQ(ws_n, n.get<std::int64_t>()) << "line " << line;
    on_board_true += n.get<std::int64_t>();
  }
  EXPECT_EQ(ws.db().count("incidents", "place_type = 'on_board'"), on_board_true);
  EXPECT_EQ(ws.db().count("reports", "placed_by = 'timetable'"), on_board_true);
  EXPECT_GT(on_board_true, 20);

  // Incidents per month: the truth less the rejects and the links (planted pairs,
  // and unplanned ones: near repeats of the same kind reported by two actors).
  for (const auto& [month, m] : truth["per_month"].items()) {
    const auto true_n = m["incidents"].get<std::int64_t>();
    const auto ws_n = ws.db().count("incidents", fmt::format("month = '{}'", month));
    const auto links = ws.db().count(
        "incident_reports", fmt::format("link = 'cross_actor' AND incident_id IN (SELECT fid FROM incidents WHERE month = '{}')", month));
    EXPECT_EQ(static_cast<std::size_t>(m["rows"].get<std::int64_t>()), rows_per_month[month]);
    // rows = true incidents + planted duplicates; each row is an incident, a link or a reject.
    EXPECT_EQ(ws_n + links + static_cast<std::int64_t>(rejects_per_month[month]), m["rows"].get<std::int64_t>())
        << month;
    EXPECT_LE(ws_n, true_n) << month;
    EXPECT_LT(true_n - ws_n, true_n / 20) << month << ": more than 5% of the true incidents missing";
  }
}

}  // namespace
}  // namespace tryggve::demo
