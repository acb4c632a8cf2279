// Scenario files (scenario/scenario.hpp): parse from text with --set overrides,
// which validates everything that needs no data. Input: the YAML text, and after
// a line "#--set" one override per line. Checks: a file that parses writes a
// resolved scenario (resolved.yaml) that parses again to the same scenarios.
#include "fuzz_common.hpp"

#include <fmt/format.h>

#include "tryggve/core/error.hpp"
#include "tryggve/scenario/scenario.hpp"

namespace tryggve::fuzz {

int scenario(std::string_view input) {
  quiet();
  std::string text(input);
  std::vector<std::string> overrides;
  if (const auto p = text.find("\n#--set\n"); p != std::string::npos) {
    std::string_view rest = std::string_view(text).substr(p + 8);
    while (!rest.empty() && overrides.size() < 16) {
      const auto nl = rest.find('\n');
      overrides.emplace_back(rest.substr(0, nl));
      rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    }
    text.resize(p + 1);
  }
  const std::filesystem::path file = "/nonexistent/tryggve-fuzz/scenario.yaml";
  scenario::ScenarioFile f;
  try {
    f = scenario::parse(text, file, overrides);
  } catch (const Error&) {
    return 0;
  }
  // resolved.yaml is what `tryggve run` writes next to its outputs to re-run it:
  // it must load again, with the same scenarios and seed.
  const std::string resolved = scenario::resolved_yaml(f);
  scenario::ScenarioFile g;
  try {
    g = scenario::parse(resolved, file);
  } catch (const Error& e) {
    bug(fmt::format("resolved.yaml of an accepted scenario does not parse: {}\n--- resolved:\n{}", e.what(), resolved));
  }
  check(g.seed == f.seed, fmt::format("seed {} became {}", f.seed, g.seed));
  check(g.scenarios.size() == f.scenarios.size(), "the number of scenarios changed");
  for (std::size_t i = 0; i < f.scenarios.size(); ++i) {
    check(g.scenarios[i].name == f.scenarios[i].name,
          fmt::format("scenario name '{}' became '{}'", f.scenarios[i].name, g.scenarios[i].name));
    check(g.scenarios[i].interventions.size() == f.scenarios[i].interventions.size(),
          "the number of interventions changed");
  }
  return 0;
}

}  // namespace tryggve::fuzz

TRYGGVE_FUZZ_ENTRY(scenario)
