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
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tryggve/core/options.hpp"

namespace tryggve::report {

struct ReportOptions {
  std::string data;            // the run folder
  std::string lang = "en";     // en | sv
  std::string out;             // report.html (default: DATA/report.html)
  bool no_pdf = false;
  std::string chromium;        // "" = look for chromium / chromium-browser on PATH
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
std::string render_html(const std::filesystem::path& run_dir, const std::string& lang, ReportResult* info = nullptr);

// Writes the HTML (atomically) and, unless no_pdf, the PDF next to it with
// chromium --headless --print-to-pdf (the PDF is written to a temporary and
// renamed). Without chromium the result says so in pdf_note.
ReportResult write_report(const ReportOptions& options);

}  // namespace tryggve::report
