#pragma once
// Spill-over around an intervention: where the incidents it prevents on its own
// cells (the core) go, and where its benefits reach. One model, shared by the
// Monte Carlo (simulator.cpp) and the planners (planning/patrol.cpp), so a plan
// and the simulation of that plan count the same thing.
//
// The evidence (Guerette & Bowers 2009: displacement in 26% of 574 observations,
// diffusion of benefits in 27%; where displacement occurred it was smaller than
// the treatment effect) speaks of shares of the treated area's change, not of
// per-street multipliers. So both are shares of what the core prevents:
//
//  - Displacement conserves incidents. Of the incidents the core's own effect
//    prevents (those that would have happened there without it), a share moves
//    to the ring (buffer_m, outer_m], each to a ring cell drawn in proportion to
//    that cell's baseline (its opportunity), at the same time. In every replicate
//    displaced <= share x prevented: the simulator keeps a running account per
//    (replicate, parameter, scenario, intervention) and moves one incident each
//    time the account reaches a whole one, so the total is the share rounded down.
//  - Diffusion of benefits decays with network distance from the core,
//    e^{-d / diffusion_decay_m} inside buffer_m, and is bounded by the core's
//    effect: per parameter the decay weights are scaled so that
//    Σ_buffer w_c λ_c = share x Σ_core λ_c (λ: the baseline), and no cell gets
//    more than the core's own effect (w_c <= 1). A one-segment core therefore
//    cannot "prevent" more around it than a share of what it prevents itself,
//    whatever the size of its buffer.
//
// The shares come from the evidence table (rows `displacement` and `diffusion`,
// or `displacement:KEY` / `diffusion:KEY` for one intervention's evidence key),
// drawn per replicate from their intervals like every effect; a scenario may fix
// them instead.
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "tryggve/simulation/cells.hpp"

namespace tryggve::simulation {

class EvidenceTable;
struct EvidenceRow;
struct ParameterTraits;

struct Spillover {
  bool enabled = true;
  double buffer_m = 300.0;  // diffusion inside, displacement outside
  // Shares of the incidents prevented on the core; NaN: from the evidence table.
  double diffusion_share = std::numeric_limits<double>::quiet_NaN();
  double diffusion_decay_m = 150.0;  // e-folding distance of diffusion
  double outer_m = 600.0;            // displacement ring (buffer_m, outer_m]
  double displacement_share = std::numeric_limits<double>::quiet_NaN();
};

// Where spill-over of one intervention lands (network distance from the core).
struct SpilloverFootprint {
  std::vector<CellId> diffusion_cells;  // within buffer_m, not in the core
  std::vector<double> diffusion_decay;  // e^{-d/decay} for each of them
  std::vector<CellId> ring_cells;       // in (buffer_m, outer_m], not in the core
};

// Throws Error(BadScenario) unless 0 <= buffer_m <= outer_m and decay > 0.
SpilloverFootprint spillover_footprint(const CellNetwork& cells, std::span<const CellId> core, const Spillover& s,
                                       const std::string& where);

// Diffusion weights for one parameter at share 1: w_c = K e^{-d/decay} with K such
// that Σ w_c λ_c = Σ_core λ_c. All zero when the core or the buffer has no
// baseline. The weight a cell gets at share s is min(1, s w_c).
std::vector<double> diffusion_weights(const SpilloverFootprint& f, std::span<const CellId> core,
                                      std::span<const double> lambda);

// The evidence rows for an intervention's shares (the most specific of
// "KIND:evidence_key" and "KIND"), or nullptr.
const EvidenceRow* displacement_row(const EvidenceTable& e, const std::string& evidence_key, const ParameterTraits& p);
const EvidenceRow* diffusion_row(const EvidenceTable& e, const std::string& evidence_key, const ParameterTraits& p);

// A share drawn from a row (z: standard normal; z = 0 gives the central value),
// at most 1: no intervention displaces more than it prevents, and no diffusion
// exceeds the core's effect.
double draw_share(const EvidenceRow& row, double z);

}  // namespace tryggve::simulation
