// The bad-input corpus: every file in tests/bad_input/files/ (and every binary
// file generate.cpp writes, gen/NAME) through its reader, against the
// expectation written next to it in manifest.csv:
//
//   file,reader,expect,rows_in,placed,rejected,message
//
// expect: an error code's name (EmptyLayer, BadScenario, ...): the reader stops
//           with that tryggve::Error, whose text names the file and contains
//           `message`;
//         ok: it reads every row (rejected 0);
//         rejects: it reads the file and rejects some rows; `message` is
//           "ROW:text": a reject of that row (1-based) whose reason contains text.
// For the readers of rows, rows_in (the data rows written in the file) must be
// placed + rejected: nothing vanishes. Any other exception, or a crash, fails.
// Every reject names the file, a row in 1..rows_in and a reason.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "generate.hpp"
#include "test_data.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/io/crs.hpp"
#include "tryggve/io/gtfs.hpp"
#include "tryggve/io/incidents.hpp"
#include "tryggve/io/readers.hpp"
#include "tryggve/pipeline/evidence_file.hpp"
#include "tryggve/scenario/scenario.hpp"
#include "tryggve/simulation/evidence.hpp"
#include "tryggve/taxonomy/classifier.hpp"
#include "tryggve/taxonomy/taxonomy.hpp"

namespace fs = std::filesystem;
using namespace tryggve;

namespace {

const fs::path kDir = fs::path(TRYGGVE_BAD_INPUT_DIR);

struct Case {
  std::string file, reader, expect, message;
  long rows_in = -1, placed = -1, rejected = -1;
};

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out(1);
  bool q = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (q && c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
    else if (c == '"') q = !q;
    else if (c == ',' && !q) out.emplace_back();
    else out.back() += c;
  }
  return out;
}

std::vector<Case> manifest() {
  std::vector<Case> cases;
  std::ifstream in(kDir / "manifest.csv");
  std::string line;
  std::getline(in, line);  // header
  auto num = [](const std::string& s) { return s.empty() ? -1L : std::stol(s); };
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto f = split_csv_line(line);
    if (f.size() != 7) throw std::runtime_error("manifest.csv: bad line: " + line);
    cases.push_back({f[0], f[1], f[2], f[6], num(f[3]), num(f[4]), num(f[5])});
  }
  return cases;
}

// Where the generated files go (made once per process).
const fs::path& generated_dir() {
  static const fs::path d = [] {
    const fs::path p = test::temp_dir("bad_input_gen");
    for (const auto& [name, make] : test::bad_input::generators()) make(p / name);
    return p;
  }();
  return d;
}

fs::path path_of(const Case& c) {
  if (c.file.rfind("gen/", 0) == 0) return generated_dir() / c.file.substr(4);
  return kDir / "files" / c.file;
}

struct Outcome {
  std::optional<Error> error;
  long placed = 0;
  std::vector<Reject> rejects;
};

// Backa in SWEREF99 TM, the study area the swapped-coordinates check compares with.
Envelope backa() {
  Envelope e;
  e.expand(Point{318400, 6403800});
  e.expand(Point{322900, 6408200});
  return e;
}

Outcome run(const Case& c, const fs::path& path) {
  Outcome o;
  RejectLog rejects;
  const std::string p = path.string();
  try {
    auto crs = io::CrsContext::from_spec("EPSG:3006");
    if (c.reader == "incidents") {
      io::IncidentFieldMapping m;
      m.expected_extent = backa();
      o.placed = static_cast<long>(
          io::read_incidents(p, crs, m, TimeZone::from_name("Europe/Stockholm"), rejects).size());
    } else if (c.reader == "streets") {
      io::StreetReadOptions so;
      so.rejects = &rejects;
      o.placed = static_cast<long>(io::read_streets(p, crs, so).lines.size());
    } else if (c.reader == "areas") {
      io::PolygonReadOptions po;
      po.default_kind = "area";
      po.rejects = &rejects;
      o.placed = static_cast<long>(io::read_polygons(p, crs, po).size());
    } else if (c.reader == "stops") {
      io::PointReadOptions po;
      po.set = io::PointSet::Stops;
      po.rejects = &rejects;
      o.placed = static_cast<long>(io::read_points(p, crs, po).size());
    } else if (c.reader == "gtfs") {
      io::GtfsReadOptions go;
      go.rejects = &rejects;
      o.placed = static_cast<long>(io::read_gtfs(p, crs, go).trips.size());
    } else if (c.reader == "osm") {
      io::OsmReadOptions oo;
      oo.rejects = &rejects;
      o.placed = static_cast<long>(io::read_osm(p, crs, oo).streets.lines.size());
    } else if (c.reader == "scenario") {
      scenario::load(path);
    } else if (c.reader == "taxonomy") {
      Taxonomy::load(path);
    } else if (c.reader == "mapping") {
      static const Taxonomy shipped = Taxonomy::load_default();
      Classifier cl(shipped, {p});
    } else if (c.reader == "evidence") {
      pipeline::load_evidence(path);
    } else {
      ADD_FAILURE() << "manifest.csv: unknown reader '" << c.reader << "'";
    }
  } catch (const Error& e) {
    o.error = e;
  }
  o.rejects = rejects.items();
  return o;
}

class BadInput : public ::testing::TestWithParam<Case> {};

TEST_P(BadInput, ClearErrorOrRejectsNeverACrash) {
  const Case& c = GetParam();
  const fs::path path = path_of(c);
  ASSERT_TRUE(fs::exists(path)) << path;
  Outcome o;
  try {
    o = run(c, path);
  } catch (const std::exception& e) {
    FAIL() << c.file << ": an exception that is not a tryggve::Error (" << typeid(e).name() << "): " << e.what();
  }
  const std::string fname = path.filename().string();
  const bool row_reader = c.reader == "incidents" || c.reader == "areas" || c.reader == "stops";

  if (o.error) {
    EXPECT_EQ(error_info(o.error->code()).name, c.expect) << c.file << ": " << o.error->what();
    // The message names the file (or, for a generated Shapefile's side files, its stem) and a code.
    EXPECT_NE(std::string(o.error->what()).find(path.stem().string()), std::string::npos)
        << c.file << ": the error does not name the file: " << o.error->what();
    EXPECT_NE(std::string(o.error->what()).find("[E"), std::string::npos) << o.error->what();
    if (!c.message.empty()) {
      EXPECT_NE(std::string(o.error->what()).find(c.message), std::string::npos)
          << c.file << ": '" << c.message << "' not in: " << o.error->what();
    }
    return;
  }
  ASSERT_TRUE(c.expect == "ok" || c.expect == "rejects")
      << c.file << ": expected " << c.expect << ", but it was read (" << o.placed << " placed, " << o.rejects.size()
      << " rejected" << (o.rejects.empty() ? "" : ", e.g. row " + std::to_string(o.rejects[0].source_row) + ": " + o.rejects[0].detail) << ")";
  for (const auto& r : o.rejects) {
    // A feed's rejects name the feed's file: FEED/stop_times.txt.
    if (c.reader == "gtfs") EXPECT_EQ(r.file.rfind(path.string() + "/", 0), 0u) << c.file << ": " << r.file;
    else EXPECT_EQ(r.file, path.string()) << c.file;
    EXPECT_FALSE(r.detail.empty()) << c.file << " row " << r.source_row;
    EXPECT_GE(r.source_row, 1) << c.file;
    if (c.rows_in >= 0) {
      EXPECT_LE(r.source_row, c.rows_in) << c.file << ": " << r.detail;
    }
  }
  if (c.placed >= 0) {
    EXPECT_EQ(o.placed, c.placed) << c.file;
  }
  if (c.rejected >= 0) {
    std::string all;
    for (const auto& r : o.rejects) all += "\n  row " + std::to_string(r.source_row) + ": " + r.detail;
    EXPECT_EQ(static_cast<long>(o.rejects.size()), c.rejected) << c.file << all;
  }
  if (row_reader && c.rows_in >= 0) {
    EXPECT_EQ(o.placed + static_cast<long>(o.rejects.size()), c.rows_in) << c.file << ": rows in != placed + rejected";
  }
  if (c.expect == "ok" && !o.rejects.empty()) {
    ADD_FAILURE() << c.file << ": expected no rejects, got row " << o.rejects.front().source_row << ": "
                  << o.rejects.front().detail;
  }
  if (c.expect == "rejects") {
    EXPECT_FALSE(o.rejects.empty()) << c.file;
    const auto colon = c.message.find(':');
    if (colon != std::string::npos) {
      const long row = std::stol(c.message.substr(0, colon));
      const std::string text = c.message.substr(colon + 1);
      bool found = false;
      for (const auto& r : o.rejects) found = found || (r.source_row == row && r.detail.find(text) != std::string::npos);
      std::string all;
      for (const auto& r : o.rejects) all += "\n  row " + std::to_string(r.source_row) + ": " + r.detail;
      EXPECT_TRUE(found) << c.file << ": no reject of row " << row << " saying '" << text << "'; rejects:" << all;
    }
  }
}

std::string case_name(const ::testing::TestParamInfo<Case>& i) {
  std::string n = i.param.file;
  for (char& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadInput, ::testing::ValuesIn(manifest()), case_name);

// The workspace's intake reads through io::read_incident_table, the reader under
// read_incidents that keeps rows with an address or stop but no coordinates for
// the workspace to place. On every incident file it must come to the same
// verdict (the same error, or a table), count every row once (rows read = rows
// kept + rejects) and keep no row without a place to put it.
class BadInputIntake : public ::testing::TestWithParam<Case> {};

TEST_P(BadInputIntake, SameVerdictAndEveryRowCounted) {
  const Case& c = GetParam();
  const fs::path path = path_of(c);
  ASSERT_TRUE(fs::exists(path)) << path;
  RejectLog rejects;
  std::optional<io::IncidentTable> t;
  std::optional<Error> error;
  try {
    auto crs = io::CrsContext::from_spec("EPSG:3006");
    io::IncidentFieldMapping m;
    m.expected_extent = backa();
    t = io::read_incident_table(path.string(), crs, m, TimeZone::from_name("Europe/Stockholm"), rejects);
  } catch (const Error& e) {
    error = e;
  } catch (const std::exception& e) {
    FAIL() << c.file << ": an exception that is not a tryggve::Error (" << typeid(e).name() << "): " << e.what();
  }
  const bool expect_error = c.expect != "ok" && c.expect != "rejects";
  if (error) {
    EXPECT_EQ(error_info(error->code()).name, c.expect) << c.file << ": " << error->what();
    return;
  }
  ASSERT_FALSE(expect_error) << c.file << ": expected " << c.expect << ", but the intake reader read it";
  EXPECT_EQ(t->rows_read, t->rows.size() + rejects.size()) << c.file << ": rows read != kept + rejected";
  if (c.rows_in >= 0) {
    EXPECT_EQ(static_cast<long>(t->rows_read), c.rows_in) << c.file;
  }
  for (const auto& r : t->rows) {
    if (r.has_pos) {
      EXPECT_TRUE(std::isfinite(r.inc.pos.x) && std::isfinite(r.inc.pos.y)) << c.file << " row " << r.inc.source_row;
    } else {
      EXPECT_FALSE(r.address.empty() && r.stop.empty()) << c.file << " row " << r.inc.source_row << ": kept with no place";
    }
  }
}

std::vector<Case> incident_cases() {
  std::vector<Case> out;
  for (const auto& c : manifest())
    if (c.reader == "incidents") out.push_back(c);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadInputIntake, ::testing::ValuesIn(incident_cases()), case_name);

// The corpus is what the manifest says: every file has an expectation, every
// expectation a file, and there are at least 200 of them across the readers.
TEST(BadInputCorpus, ManifestAndFilesAgree) {
  const auto cases = manifest();
  std::set<std::string> listed, readers;
  for (const auto& c : cases) {
    EXPECT_TRUE(listed.insert(c.file).second) << "listed twice: " << c.file;
    readers.insert(c.reader);
  }
  for (const auto& e : fs::directory_iterator(kDir / "files"))
    EXPECT_TRUE(listed.count(e.path().filename().string())) << "no expectation for " << e.path().filename();
  for (const auto& [name, make] : test::bad_input::generators())
    EXPECT_TRUE(listed.count("gen/" + name)) << "no expectation for generated " << name;
  EXPECT_GE(cases.size(), 200u);
  EXPECT_EQ(readers, (std::set<std::string>{"incidents", "streets", "areas", "stops", "osm", "scenario", "taxonomy",
                                            "mapping", "evidence", "gtfs"}));
}

}  // namespace
