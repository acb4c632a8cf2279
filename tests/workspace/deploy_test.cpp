// tryggve deploy: deployment and target files validated like scenario files
// (file:line and the key path), taken in as one transaction, idempotent by
// content, a corrected file replacing its rows. Every body on GeoPackage and
// PostgreSQL.
#include <fstream>

#include "tryggve/core/error.hpp"
#include "tryggve/workspace/deploy.hpp"
#include "workspace_fixture.hpp"

using namespace tryggve;
using namespace tryggve::workspace;
using test::Backend;

namespace {

class DeployTest : public testing::TestWithParam<Backend> {};

std::string write(const std::filesystem::path& dir, const std::string& name, const std::string& text) {
  const auto p = dir / name;
  std::ofstream(p) << text;
  return p.string();
}

const char* kGood = R"(version: 1
deployments:
  - type: patrol
    name: Kvällspatrull Brunnsbo torg
    where: {edges: [0, 1]}
    when: {weekdays: [fre, lör], hours: "18-24"}
    visits_per_week: 6
    cost_sek: 120000
    start: 2026-09-01
    end: 2026-11-30
    actor: Polisen
  - type: lighting
    name: Belysning Kvarnbo park
    where: {park: Kvarnbo park}
    lamps: 6
    cost_sek: 300000
    start: 2026-10
targets:
  - name: Narkotikahandel ned en tredjedel
    parameter: drug_dealing
    area: Backa test
    reduction_pct: 33
    baseline: 2026-01..2026-06
    due: 2027-06
)";

// The error's "where" and message for a file, or "" when it is accepted.
std::string error_of(Workspace& ws, const std::filesystem::path& dir, const std::string& text) {
  static int n = 0;
  try {
    deploy(ws, write(dir, "bad" + std::to_string(n++) + ".yaml", text));
  } catch (const Error& e) {
    return e.where() + ": " + e.what();
  }
  return {};
}

}  // namespace

TEST_P(DeployTest, RecordsOnceAndACorrectionReplacesItsRows) {
  TRYGGVE_WS_TARGET(t, GetParam(), "deploy");
  auto ws = Workspace::init(t.target(), test::tiny_district());
  const auto file = write(t.dir(), "insatser.yaml", kGood);
  const auto r1 = deploy(ws, file);
  EXPECT_EQ(r1.status, "recorded");
  EXPECT_EQ(r1.deployments, 2u);
  EXPECT_EQ(r1.targets, 1u);
  EXPECT_EQ(ws.db().count("deployments"), 2);
  EXPECT_EQ(ws.db().count("targets"), 1);
  // Each deployment carries its footprint: the streets it covers, buffered, in the
  // workspace's CRS (the patrol's two edges; the park's paths).
  for (const auto& row : ws.db().read("deployments", {"name"})) {
    const auto* mp = std::get_if<MultiPolygon>(&row.geometry);
    ASSERT_NE(mp, nullptr) << row.text(0) << ": no footprint";
    ASSERT_FALSE(mp->empty()) << row.text(0);
    EXPECT_GE(mp->front().outer.size(), 4u);
  }
  // The same bytes again: nothing added.
  const auto r2 = deploy(ws, file);
  EXPECT_EQ(r2.status, "unchanged");
  EXPECT_EQ(ws.db().count("deployments"), 2);
  const auto before = load_deployments(ws);
  ASSERT_EQ(before.size(), 2u);
  EXPECT_EQ(before[0].spec.type, "patrol");
  EXPECT_EQ(before[0].actual_end, "2026-11-30");
  ASSERT_TRUE(before[0].end_utc);
  // The end is exclusive: the day after the last day, local midnight (CET in December).
  EXPECT_EQ(*before[0].end_utc, ws.zone().from_local(2026, 12, 1, 0, 0, 0).utc_seconds);
  EXPECT_FALSE(before[1].end_utc);
  // A correction: the patrol's cost changes, the lighting goes, a new adults walk comes.
  std::string corrected = kGood;
  corrected.replace(corrected.find("cost_sek: 120000"), 16, "cost_sek: 150000");
  const auto cut = corrected.find("  - type: lighting");
  corrected.replace(cut, corrected.find("targets:") - cut,
                    "  - type: adults_outdoors\n    name: Vuxenvandring\n    where: {edges: [2]}\n    adults: 6\n"
                    "    start: 2026-10-01\n");
  std::ofstream(file) << corrected;
  const auto r3 = deploy(ws, file);
  EXPECT_EQ(r3.status, "replaced");
  EXPECT_EQ(r3.removed, 3u);
  const auto after = load_deployments(ws);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(ws.db().count("targets"), 1);
  for (const auto& d : after) {
    if (d.name == before[0].name) {
      EXPECT_EQ(d.id, before[0].id) << "a deployment that stays keeps its id";
      EXPECT_EQ(d.cost_sek, 150000.0);
    } else {
      EXPECT_EQ(d.name, "Vuxenvandring");
    }
  }
  const auto targets = load_targets(ws);
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].unit_type, "area");
  EXPECT_EQ(targets[0].unit_name, "Backa test");
  EXPECT_DOUBLE_EQ(targets[0].reduction_pct, 33.0);
}

TEST_P(DeployTest, MistakesNameTheLineAndKeyAndWriteNothing) {
  TRYGGVE_WS_TARGET(t, GetParam(), "deploybad");
  auto ws = Workspace::init(t.target(), test::tiny_district());
  const std::string head = "version: 1\ndeployments:\n  - type: patrol\n    name: P\n    where: {edges: [0]}\n"
                           "    visits_per_week: 4\n";
  struct Case {
    std::string text, expect;
  };
  const std::vector<Case> cases = {
      {head + "    start: 2026-02-30\n", ":7: deployments[0].start: '2026-02-30' is not a date"},
      {head + "    start: 2026-09-01\n    end: 2026-08-01\n", ":8: deployments[0].end: ends before it starts"},
      {head + "    strat: 2026-09-01\n", ":7: deployments[0].strat: unknown key (did you mean 'start'?)"},
      {head, "deployments[0].start: missing"},
      {head + "    start: 2026-09-01\n    when: {months: [2026-09]}\n", "deployments[0].when.months: a deployment says when"},
      {"version: 1\ndeployments:\n  - type: lighting\n    where: {park: Kvarnparken}\n    start: 2026-09-01\n",
       ":4: deployments[0].where.park: no park named 'Kvarnparken'"},
      {head + "    start: 2026-09-01\n    evidence: hotspot_polizing\n", "deployments[0].evidence: no evidence row 'hotspot_polizing'"},
      {"version: 1\ntargets:\n  - name: T\n    parameter: drug_deal\n    reduction_pct: 30\n    baseline: 2026-01..2026-06\n"
       "    due: 2027-01\n",
       ":4: targets[0].parameter: no parameter 'drug_deal' (did you mean 'drug_dealing'?)"},
      {"version: 1\ntargets:\n  - name: T\n    parameter: drug_dealing\n    area: Bakca\n    reduction_pct: 30\n"
       "    baseline: 2026-01..2026-06\n    due: 2027-01\n",
       ":5: targets[0].area: no area named 'Bakca'"},
      {"version: 1\ntargets:\n  - name: T\n    parameter: drug_dealing\n    reduction_pct: 130\n"
       "    baseline: 2026-01..2026-06\n    due: 2027-01\n",
       ":5: targets[0].reduction_pct: must be in [0, 100]"},
      {"version: 1\ntargets:\n  - name: T\n    parameter: drug_dealing\n    reduction_pct: 30\n"
       "    baseline: 2026-01..2026-06\n    due: 2026-03\n",
       ":7: targets[0].due: must come after the baseline"},
      {"version: 2\ndeployments: []\n", ":1: version: this Tryggve reads deployment files of version 1"},
  };
  for (const auto& c : cases) {
    const std::string e = error_of(ws, t.dir(), c.text);
    EXPECT_NE(e.find(c.expect), std::string::npos) << "expected '" << c.expect << "' in '" << e << "' for\n" << c.text;
  }
  EXPECT_EQ(ws.db().count("deployments"), 0);
  EXPECT_EQ(ws.db().count("targets"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, DeployTest, testing::Values(Backend::GeoPackage, Backend::PostgreSQL),
                         test::backend_name);
