#include "tryggve/simulation/intervention.hpp"

#include <cmath>
#include <limits>

namespace tryggve::simulation {

const char* to_string(InterventionType t) {
  switch (t) {
    case InterventionType::Lighting: return "lighting";
    case InterventionType::Patrol: return "patrol";
    case InterventionType::AdultPresence: return "adult_presence";
    case InterventionType::TransitHost: return "transit_host";
  }
  return "?";
}

bool WeeklyWindow::contains(int how) const {
  const int day = how / 24, hour = how % 24;
  if (from_hour < to_hour) return ((weekdays >> day) & 1u) && hour >= from_hour && hour < to_hour;
  // Wrapping window: the part after midnight belongs to the previous day's evening.
  if (hour >= from_hour) return (weekdays >> day) & 1u;
  if (hour < to_hour) return (weekdays >> ((day + 6) % 7)) & 1u;
  return false;
}

double WeeklyWindow::hours_per_week() const {
  int n = 0;
  for (int k = 0; k < 168; ++k) n += contains(k);
  return n;
}

double patrol_visit_dose(double v) {
  constexpr double tau = 5.0;  // minutes; ~95% of the 15-minute effect at 15 min
  if (v <= 0) return 0.0;
  return (1.0 - std::exp(-v / tau)) / (1.0 - std::exp(-15.0 / tau));
}

Intervention make_lighting(std::string name, std::vector<CellId> cells, int lamps, double cost_sek) {
  Intervention i;
  i.name = std::move(name);
  i.type = InterventionType::Lighting;
  i.evidence_key = "lighting";
  i.cells = std::move(cells);
  i.lamps = lamps;
  i.cost_sek = cost_sek;
  return i;
}

Intervention make_patrol(std::string name, std::vector<CellId> cells, WeeklyWindow window, double visits_per_week,
                         double visit_minutes, double cost_sek) {
  Intervention i;
  i.name = std::move(name);
  i.type = InterventionType::Patrol;
  i.evidence_key = "hotspot_policing";
  i.cells = std::move(cells);
  i.window = window;
  i.visits_per_week = visits_per_week;
  i.visit_minutes = visit_minutes;
  i.reporting_uplift = std::numeric_limits<double>::quiet_NaN();  // from the evidence table
  i.cost_sek = cost_sek;
  return i;
}

Intervention make_adult_presence(std::string name, std::vector<CellId> cells, WeeklyWindow window, int adults,
                                 double cost_sek) {
  Intervention i;
  i.name = std::move(name);
  i.type = InterventionType::AdultPresence;
  i.evidence_key = "adults_outdoors";
  i.cells = std::move(cells);
  i.window = window;
  i.adults = adults;
  i.reporting_uplift = std::numeric_limits<double>::quiet_NaN();  // from the evidence table
  i.cost_sek = cost_sek;
  return i;
}

Intervention make_transit_host(std::string name, std::vector<CellId> cells, WeeklyWindow window, int hosts,
                               double coverage, double cost_sek) {
  Intervention i;
  i.name = std::move(name);
  i.type = InterventionType::TransitHost;
  i.evidence_key = "transit_host";
  i.cells = std::move(cells);
  i.window = window;
  i.hosts = hosts;
  i.coverage = coverage;
  i.reporting_uplift = std::numeric_limits<double>::quiet_NaN();  // from the evidence table
  i.cost_sek = cost_sek;
  return i;
}

double Scenario::cost_sek() const {
  double c = 0.0;
  for (const auto& i : interventions) c += i.cost_sek;
  return c;
}

}  // namespace tryggve::simulation
