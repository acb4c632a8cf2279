// The month remembers its model fits (model_fits, schema 4): a second run of the same
// month makes no fit at all and writes the same files; a row of another software
// version or one that does not read is fitted again (with a warning), never used, and
// replaced. On the tiny district with eight months of generated police reports, on
// GeoPackage and PostgreSQL.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "tryggve/core/rng.hpp"
#include "tryggve/core/version.hpp"
#include "tryggve/workspace/intake.hpp"
#include "tryggve/workspace/month.hpp"
#include "workspace_fixture.hpp"

using namespace tryggve;
using namespace tryggve::workspace;
using test::Backend;
namespace fs = std::filesystem;

namespace {

class ModelFitsTest : public testing::TestWithParam<Backend> {};

// Reports on the tiny district's east-west streets (latitudes of its grid rows),
// January to August 2026, a few types the shipped mappings know.
std::string police_reports() {
  std::string csv = "id,datetime,type,lat,lon,summary\n";
  Rng rng(2026, 11);
  const double rows[] = {57.7400, 57.7409, 57.7418, 57.7427};
  const char* types[] = {"Misshandel", "Narkotikabrott", "Bråk"};
  int id = 1;
  for (int month = 1; month <= 8; ++month)
    for (int k = 0; k < 40; ++k) {
      const int day = 1 + static_cast<int>(rng.uniform() * 27), hour = static_cast<int>(rng.uniform() * 24);
      // A cluster at the first row's west end half of the time: something for the model to find.
      const bool cluster = rng.uniform() < 0.5;
      const double lat = cluster ? rows[0] : rows[static_cast<int>(rng.uniform() * 4) % 4];
      const double lon = cluster ? 11.9801 + 0.0004 * rng.uniform() : 11.9801 + 0.0056 * rng.uniform();
      csv += fmt::format("{},2026-{:02d}-{:02d} {:02d}:{:02d}:00 +0{}:00,{},{:.6f},{:.6f},rapport {}\n", id, month, day,
                         hour, static_cast<int>(rng.uniform() * 60), month >= 4 && month <= 10 ? 2 : 1,
                         types[id % 3], lat, lon, id);
      ++id;
    }
  return csv;
}

// Every file of a month folder, by its path inside it.
std::map<std::string, std::string> files_of(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    out[fs::relative(e.path(), dir).string()] = ss.str();
  }
  return out;
}

// The files of two runs agree byte for byte, but for what names the run itself (its
// folder, the time it was made).
void expect_same_files(const fs::path& a, const fs::path& b) {
  const auto fa = files_of(a), fb = files_of(b);
  ASSERT_EQ(fa.size(), fb.size());
  std::size_t compared = 0;
  for (const auto& [name, text] : fa) {
    ASSERT_TRUE(fb.count(name)) << name;
    if (name.ends_with(".gpkg") || name == "month.json" || name == "run.json") continue;  // creation times inside
    EXPECT_TRUE(text == fb.at(name)) << name << " differs between the runs";
    ++compared;
  }
  EXPECT_GT(compared, 5u);
}

}  // namespace

TEST_P(ModelFitsTest, ASecondRunMakesNoFitAndWritesTheSameFiles) {
  TRYGGVE_WS_TARGET(t, GetParam(), "fits");
  auto ws = Workspace::init(t.target(), test::tiny_district());
  const auto csv = t.dir() / "polisen.csv";
  std::ofstream(csv) << police_reports();
  IntakeOptions io;
  io.actor = "Polisen";
  const auto in = intake(ws, {csv.string()}, io);
  ASSERT_GT(in.files.at(0).reports, 250u);

  MonthOptions mo;
  mo.month = "2026-08";
  mo.no_report = true;
  mo.target_draws = 100;
  mo.patrol_backtest_months = 2;
  mo.out = (t.dir() / "first").string();
  const auto first = run_month(ws, mo);
  EXPECT_GT(first.fits, 0u);
  EXPECT_EQ(ws.db().count("model_fits"), static_cast<std::int64_t>(first.fits));
  EXPECT_EQ(ws.db().count("model_fits", fmt::format("software_version = '{}'", kVersion)),
            static_cast<std::int64_t>(first.fits));

  // Again: every fit remembered, none made, the same files.
  mo.out = (t.dir() / "second").string();
  const auto second = run_month(ws, mo);
  EXPECT_EQ(second.fits, 0u) << "the second run fitted again";
  EXPECT_EQ(second.fits_remembered, first.fits + first.fits_remembered);
  EXPECT_NE(second.summary().find(fmt::format("model fits: 0 made, {} remembered", second.fits_remembered)),
            std::string::npos)
      << second.summary();
  EXPECT_EQ(ws.db().count("model_fits"), static_cast<std::int64_t>(first.fits));
  expect_same_files(mo.out, t.dir() / "first");

  // One row unreadable, one from another version: both fitted again (and replaced),
  // the rest remembered, the files still the same.
  const auto rows = ws.db().read("model_fits", {"digest"});
  ASSERT_GE(rows.size(), 2u);
  {
    io::Transaction tx(ws.db());
    ws.db().execute(fmt::format("UPDATE model_fits SET parameters = '{{\"mu\": [1, 2' WHERE fid = {}", rows[0].fid));
    ws.db().execute(fmt::format("UPDATE model_fits SET software_version = '0.0.1-old' WHERE fid = {}", rows[1].fid));
    tx.commit();
  }
  mo.out = (t.dir() / "third").string();
  const auto third = run_month(ws, mo);
  EXPECT_EQ(third.fits, 2u);
  EXPECT_EQ(third.fits_remembered, second.fits_remembered - 2);
  expect_same_files(mo.out, t.dir() / "first");
  EXPECT_EQ(ws.db().count("model_fits"), static_cast<std::int64_t>(first.fits));
  EXPECT_EQ(ws.db().count("model_fits", fmt::format("software_version = '{}'", kVersion)),
            static_cast<std::int64_t>(first.fits));
  EXPECT_EQ(ws.db().count("model_fits", "parameters LIKE '{\"mu\": [1, 2'"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ModelFitsTest, testing::Values(Backend::GeoPackage, Backend::PostgreSQL),
                         test::backend_name);
