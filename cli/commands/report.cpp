// tryggve report --data RUN_DIR --lang sv|en [--out report.html]: a self-contained
// HTML report of a run folder (inline SVG maps and charts, no network access) and
// a PDF of it where chromium is installed.
#include <fmt/format.h>

#include "command.hpp"
#include "options_cli.hpp"
#include "tryggve/core/log.hpp"
#include "tryggve/report/report.hpp"

namespace tryggve::cli {
namespace {

Registrar reg{{"report", [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  app.description("Write the HTML (and PDF) report of a run folder: map, watch list, lighting, routes, scenarios");
  auto opts = std::make_shared<report::ReportOptions>();
  auto set = std::make_shared<OptionSet>("report");
  opts->declare(*set);
  auto bound = std::make_shared<BoundOptions>();
  bound->bind(app, *set);
  return [=] {
    bound->apply();
    const auto r = report::write_report(*opts);
    if (log::verbosity() != log::Verbosity::Quiet) {
      fmt::print(stderr, "wrote {} ({} sections)\n", r.html.string(), r.sections.size());
      if (r.pdf) fmt::print(stderr, "wrote {}\n", r.pdf->string());
      else fmt::print(stderr, "{}\n", r.pdf_note);
      for (const auto& m : r.missing) fmt::print(stderr, "  not in the run folder: {}\n", m);
    }
    return 0;
  };
}}};

}  // namespace
}  // namespace tryggve::cli
