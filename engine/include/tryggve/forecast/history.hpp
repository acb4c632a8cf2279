#pragma once
// What every forecast starts from: incidents on units, by local month.
//
// Units are a simulation::CellNetwork: the lixels of a street network (measure =
// length, neighbours by network distance) or any other units with a measure and
// neighbour lists (grid cells: measure = area, neighbours by straight-line
// distance between centres). A forecast for month T uses the months before T only.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tryggve/core/incident.hpp"
#include "tryggve/core/time.hpp"
#include "tryggve/simulation/cells.hpp"
#include "tryggve/taxonomy/taxonomy.hpp"

namespace tryggve::forecast {

struct UnitEvent {
  simulation::CellId unit = 0;
  Timestamp time;               // with the offset in force: months are local months
  ParameterId parameter = 0;
  bool outdoor = true;
  double weight = 1.0;          // multiplicity (Incident::weight): monthly counts add it up
};

// What the map knows about each unit (risk terrain: near a stop, in a park, near
// a square, unlit ...). A covariate with times_darkness acts only in the dark: in
// month m it is values[u] times the share of month m's hours that are dark at the
// study area (so an unlit path weighs more in December than in June).
struct Covariate {
  std::string name;
  std::vector<double> values;   // per unit
  bool times_darkness = false;
};

// The incidents with a time and a parameter as events on their units
// (unit_of[k] for incident k); outdoor unless the incident says indoor or, not
// saying, its parameter is an indoor one. `skipped` (if given) counts the
// incidents without a time or parameter, which no monthly forecast can use.
std::vector<UnitEvent> events_from_incidents(std::span<const Incident> incidents,
                                             std::span<const simulation::CellId> unit_of, const Taxonomy& taxonomy,
                                             std::size_t* skipped = nullptr);

class History {
 public:
  // `events` in any order. Throws Error(BadValue) naming the event for a unit or
  // parameter out of range or a weight that is not finite and >= 0, and
  // Error(NoData) when there is no event.
  History(std::vector<UnitEvent> events, std::size_t units, std::size_t parameters);

  std::size_t units() const { return units_; }
  std::size_t parameters() const { return parameters_; }
  int first_month() const { return first_; }  // local month indices (core/time.hpp month_index)
  int last_month() const { return last_; }
  // Events sorted by time (ties keep the input order).
  const std::vector<UnitEvent>& events() const { return events_; }

  // Weighted count per unit in month m (zeros outside the history).
  std::span<const double> counts(int month) const;
  double total(int month) const;
  // Σ_{m = from}^{to} decay^(to - m) · counts(m), per unit (months outside the history add nothing).
  std::vector<double> decayed_sum(int from, int to, double decay) const;

 private:
  std::size_t units_ = 0, parameters_ = 0;
  int first_ = 0, last_ = 0;
  std::vector<UnitEvent> events_;
  std::vector<std::vector<double>> counts_;  // [month - first][unit]
  std::vector<double> zeros_;
};

}  // namespace tryggve::forecast
