#pragma once
// The month (`tryggve month W YYYY-MM`): what the steering group reads each month,
// computed from the workspace and stored back into it, in ONE transaction that
// replaces that month's rows (re-running a month gives one set of rows):
//
//  - the situation picture (situation/situation.hpp via the hotspots stage) of the
//    incidents up to the month's end, per parameter x unit (district, area, place
//    type): levels and trends -> `assessments` (unit_type district | area | place_type);
//  - what changed: new and intensifying hot spots (emerging classes of the segments)
//    and units whose level crossed since the previous month -> changes.csv/json;
//  - next month's proposal: the plan stage on the same incidents, forecast month =
//    the month after (patrol watch list under the officer-hour budget, lighting
//    projects, walk routes) -> `proposals` (made_in_month = the month, month = the next);
//  - the follow-up of every deployment that started before the month's end
//    (simulation/followup.hpp: model counterfactual, difference in differences
//    against an automatic comparison area, WDQ in the ring, early rise apart,
//    recorded vs true) -> `followups` (phase all | early | later | true) and
//    followup.csv / followup.json;
//  - progress towards every target and the probability of meeting it by its date
//    -> `target_progress` and targets.csv (how: README, "Targets").
// The month folder (default: the workspace's folder / month-YYYY-MM; PostgreSQL:
// ./month-YYYY-MM) is written into a temporary sibling and renamed when complete,
// so it exists whole or not at all.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tryggve/core/options.hpp"
#include "tryggve/pipeline/map_stage.hpp"
#include "tryggve/privacy/privacy.hpp"
#include "tryggve/report/report.hpp"
#include "tryggve/workspace/workspace.hpp"

namespace tryggve::workspace {

struct MonthOptions {
  std::string month;  // YYYY-MM
  std::string out;    // "" = default folder
  std::string lang = "sv";
  std::string evidence;  // "" = the shipped evidence table
  double officer_hours_per_week = 20.0;
  double sek_per_officer_hour = 650.0;  // police hour, fully loaded (an assumption: change it)
  int lighting_projects = 10;           // proposals: the best N lighting projects
  int patrol_backtest_months = 3;       // the watch list's backtest (0: none)
  int followup_pre_months = 24;         // history the follow-up's counterfactual is fitted on (at most)
  double followup_lixel_m = 50.0;       // the follow-up's cells
  double followup_cutoff_m = 300.0;
  int target_draws = 4000;              // Monte Carlo draws for the targets' probabilities
  std::uint64_t seed = 0;               // 0: core/rng.hpp's default_seed()
  bool no_report = false;               // true: no report.html / report.pdf
  std::string audience = "internal";    // internal | public (write_public_month)
  int min_count = 5;                    // public: counts below this are shown as "<k" (as `tryggve report`)
  void declare(OptionSet& o);
};

struct MonthResult {
  std::filesystem::path folder;
  std::string month;
  std::size_t incidents = 0, assessments = 0, changes = 0, proposals = 0, followups = 0, targets = 0;
  // Model fits (one per parameter and window): made with EM, taken from model_fits.
  std::size_t fits = 0, fits_remembered = 0;
  std::vector<std::string> notes;  // what could not be done and why
  std::string summary() const;
};

// With audience public the workspace's rows are the same, but the month folder is
// write_public_month's, made from the internal one in a scratch folder that is
// then removed. Throws Error(BadOption) for a bad month, Error(NoData) when there are no
// incidents up to the month's end.
MonthResult run_month(Workspace& ws, const MonthOptions& options);

// The month folder for people outside the room (issue 12's public audience), made
// from an internal month folder's month.json and situation.json only: the
// situation picture with every count below k suppressed (privacy/public_data.hpp's
// complementary suppression, the same decisions in the tables and the report), no
// incident rows, no free text, no per-place forecast counts, the follow-ups
// without the measures' names, actors and notes and with their small observed
// counts suppressed, the targets without averages of small counts, the report
// saying what was left out and why. Returns the report's result (empty: no_report).
report::ReportResult write_public_month(const std::filesystem::path& internal_dir, const std::filesystem::path& public_dir,
                                        const std::string& lang, const privacy::SuppressionOptions& options,
                                        bool no_report = false);

// The workspace's district and its incidents with time_utc < before_utc (all
// when nullopt) as the map stage would hand them over (lixel_length_m lixels).
pipeline::MapResult load_map(Workspace& ws, std::optional<std::int64_t> before_utc, double lixel_length_m = 20.0);

// [start, end) of a local month "YYYY-MM" in UTC seconds; Error(BadOption) naming `what`.
std::pair<std::int64_t, std::int64_t> month_bounds(const std::string& label, const TimeZone& zone,
                                                   const std::string& what);

// The nearest name for a street edge: its own name, else the nearest named
// street, place, stop or park (with "near"), in `lang` (sv | en).
std::string describe_edge(const pipeline::MapResult& map, std::uint32_t edge, const std::string& lang);

}  // namespace tryggve::workspace
