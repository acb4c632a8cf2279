#pragma once
// The month report: what the steering group reads each month, from a month
// folder (workspace/month.hpp writes its month.json): the situation picture, what
// changed, next month's proposal with its costs, the follow-up of every measure
// with its interval and a plain "how sure are we", and the targets. Written for
// people who know the streets: parameters by their names, places by their street
// or the nearest named street, place or stop, a small map for each. One
// self-contained HTML file (inline SVG and CSS, no scripts, no network) in
// Swedish (default) or English, and a PDF of it where chromium is installed.
#include <filesystem>
#include <string>

#include "tryggve/report/report.hpp"

namespace tryggve::report {

// Renders the HTML of a month folder. Throws Error(FileNotFound) without
// month.json, Error(BadOption) for a language other than sv/en.
std::string render_month_html(const std::filesystem::path& month_dir, const std::string& lang);

// Writes month_dir/report.html (atomically) and, unless no_pdf, report.pdf.
ReportResult write_month_report(const std::filesystem::path& month_dir, const std::string& lang, bool no_pdf = false,
                                const std::string& chromium = {});

}  // namespace tryggve::report
