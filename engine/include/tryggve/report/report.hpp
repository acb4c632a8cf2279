#pragma once
// The report of a run folder (pipeline/run_folder.hpp): one self-contained HTML file
// (inline SVG maps and charts, inline CSS, no scripts, no network access) in
// Swedish or English, and a PDF of it where Debian's chromium is installed.
//
// Sections, each present when its files are in the run folder:
//   the network map with the watch list, the lighting projects and the walk routes
//   (map.gpkg edges; plan/patrol.gpkg, plan/lighting.gpkg, plan/routes.gpkg);
//   the police watch list with its benefit interval and backtest (plan/watch_list.json);
//   the lighting ranking and the dark hours month by month (plan/lighting.json);
//   the walk routes (plan/routes.json); the scenario comparison (plan/scenario_comparison.csv);
//   incidents per parameter (map_summary.json).
// A section whose files are missing is listed as such, never silently left out.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tryggve/core/options.hpp"
#include "tryggve/privacy/privacy.hpp"

namespace tryggve::report {

struct ReportOptions {
  std::string data;            // the run folder
  std::string lang = "en";     // en | sv
  std::string out;             // report.html (default: DATA/report.html)
  std::string run_name;        // the run as the header names it ("" = the folder's name; a
                               // command writing into a staging folder gives the final one)
  bool no_pdf = false;
  std::string chromium;        // "" = look for chromium / chromium-browser on PATH
  // public: the steering group's minutes, citizens, press (privacy/privacy.hpp):
  // every count below min_count shown as "<k" with its complements, and the
  // numbers a small count can be read back from left out.
  std::string audience = "internal";
  std::int64_t min_count = 5;
  void declare(OptionSet& o);
};

struct ReportResult {
  std::filesystem::path html;
  std::optional<std::filesystem::path> pdf;
  std::string pdf_note;                 // why there is no PDF, when there is none
  std::vector<std::string> sections;    // rendered
  std::vector<std::string> missing;     // sections without their files
};

// Renders the HTML for a run folder. Throws Error(FileNotFound) if the folder does
// not exist, Error(BadOption) for a language other than en/sv.
// `audience` Public suppresses small counts (privacy::public_situation, suppress_list).
std::string render_html(const std::filesystem::path& run_dir, const std::string& lang, ReportResult* info = nullptr,
                        privacy::Audience audience = privacy::Audience::Internal,
                        const privacy::SuppressionOptions& suppression = {}, const std::string& run_name = "");

// The PDF of an HTML file next to it (same name, .pdf) with chromium --headless
// --print-to-pdf, written to a temporary and renamed; nullopt with the reason in
// *note when chromium is missing or fails. `chromium` "" = look on PATH.
std::optional<std::filesystem::path> write_pdf(const std::filesystem::path& html, const std::string& chromium,
                                               std::string* note);

// The public-transport section's body (no heading): per line and per stop the
// latest month of `situation` (situation.json) with level and trend, the
// on-board time bands of the last twelve months (not for a public audience),
// the busiest stretches (of `period`: "hela perioden" / "whole period") and how
// many of `on_board` placements were uncertain (NaN: not shown). "" when the
// situation has no line or stop. The run report (from map.gpkg) and the month
// report (from the workspace, month.json) both show it.
struct TransitStretch {
  std::string mode, line, from, to;  // mode in Swedish ("spårvagn"), the segment's stops
  double n = 0;                      // reports; a count below min_count is shown "<k" for a public audience
};
std::string transit_html(const nlohmann::json& situation, const std::vector<TransitStretch>& stretches, double on_board,
                         double uncertain, bool sv, bool is_public, const privacy::SuppressionOptions& suppression,
                         const char* period_sv, const char* period_en);

// Writes the HTML (atomically) and, unless no_pdf, the PDF next to it with
// chromium --headless --print-to-pdf (the PDF is written to a temporary and
// renamed). Without chromium the result says so in pdf_note.
ReportResult write_report(const ReportOptions& options);

}  // namespace tryggve::report
