#pragma once
// What the steering group did and what it aims for: deployment files taken into
// the workspace (`tryggve deploy W FILE.yaml`).
//
//   version: 1
//   deployments:            # the scenario files' intervention grammar (scenario.hpp)
//     - type: patrol        # lighting | patrol | adults_outdoors
//       name: Kvällspatrull Kvarnbo torg
//       where: {place: Kvarnbo torg, radius_m: 150}
//       when: {weekdays: [tor, fre, lör], hours: "18-24"}   # no `months`: start/end say when
//       visits_per_week: 12
//       cost_sek: 180000
//       start: 2025-10-01   # actual start: YYYY-MM-DD (local midnight) or YYYY-MM (the 1st)
//       end: 2025-12-31     # actual last day, inclusive (YYYY-MM: the month's last); absent = still running
//       planned_start: ...  # optional, the same forms
//       planned_end: ...
//       actor: Polisen      # optional: who did it
//       proposal: 12        # optional: the proposals row it carried out
//       notes: text         # optional
//   targets:
//     - name: Öppen narkotikahandel ned en tredjedel
//       parameter: drug_dealing      # a taxonomy code
//       area: Kvarnbo                # optional: an area's name (default the whole district)
//       reduction_pct: 33.3          # the monthly count to fall by this much ...
//       baseline: 2025-01..2025-12   # ... from its mean over these months ...
//       due: 2027-06                 # ... by this month (mean of the 3 months up to it)
//       notes: text
//
// Validated like scenario files: every mistake names FILE:LINE and the key path,
// names are resolved against the workspace's district, evidence keys against the
// evidence table, before anything is written. One transaction. Idempotent by
// content: the same file (SHA-256 of its bytes) again adds nothing; a file with
// the same name and new content is a correction and replaces that file's
// deployments and targets (a deployment or target keeps its fid when its name
// stays, so earlier follow-ups still point at it).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tryggve/scenario/scenario.hpp"
#include "tryggve/workspace/workspace.hpp"

namespace tryggve::workspace {

struct DeployResult {
  std::string file;
  std::string status;  // "recorded", "unchanged", "replaced"
  std::size_t deployments = 0, targets = 0, removed = 0;
  std::string summary() const;
};

// Throws Error(BadScenario / BadOption) naming FILE:LINE and the key, Error(FileNotFound).
DeployResult deploy(Workspace& ws, const std::string& file, const std::string& evidence_csv = {});

// A deployment as stored, with its intervention spec re-read.
struct StoredDeployment {
  std::int64_t id = -1;
  std::string name, type, actor, source_file, notes;
  scenario::InterventionSpec spec;
  std::int64_t start_utc = 0;
  std::optional<std::int64_t> end_utc;  // exclusive; nullopt: still running
  std::string actual_start;  // local ISO time of the start
  std::string actual_end;    // the last day as written ("" = still running)
  double cost_sek = 0.0;
};
std::vector<StoredDeployment> load_deployments(Workspace& ws);

struct Target {
  std::int64_t id = -1;
  std::string name, parameter, unit_type, unit_name, notes, source_file;  // unit_type: district | area
  std::int64_t unit_id = -1;  // index into the areas (unit_type area)
  std::string baseline_from, baseline_to, due;  // YYYY-MM
  double reduction_pct = 0.0;
};
std::vector<Target> load_targets(Workspace& ws);

}  // namespace tryggve::workspace
