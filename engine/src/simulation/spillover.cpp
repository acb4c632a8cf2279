#include "tryggve/simulation/spillover.hpp"

#include <algorithm>

#include "tryggve/core/error.hpp"
#include "tryggve/simulation/evidence.hpp"

namespace tryggve::simulation {

SpilloverFootprint spillover_footprint(const CellNetwork& cells, std::span<const CellId> core, const Spillover& s,
                                       const std::string& where) {
  if (!(s.buffer_m >= 0) || !(s.outer_m >= s.buffer_m))
    throw Error(ErrorCode::BadScenario, where, "spill-over needs 0 <= buffer_m <= outer_m");
  if (!(s.diffusion_decay_m > 0)) throw Error(ErrorCode::BadScenario, where, "spill-over needs diffusion_decay_m > 0");
  SpilloverFootprint f;
  std::vector<char> is_core(cells.size(), 0);
  for (CellId c : core) is_core[c] = 1;
  for (auto [c, d] : cells.within(core, s.outer_m)) {
    if (is_core[c]) continue;
    if (d <= s.buffer_m) {
      f.diffusion_cells.push_back(c);
      f.diffusion_decay.push_back(std::exp(-d / s.diffusion_decay_m));
    } else {
      f.ring_cells.push_back(c);
    }
  }
  return f;
}

std::vector<double> diffusion_weights(const SpilloverFootprint& f, std::span<const CellId> core,
                                      std::span<const double> lambda) {
  std::vector<double> w(f.diffusion_cells.size(), 0.0);
  double core_total = 0.0, buffer_total = 0.0;
  for (CellId c : core) core_total += lambda[c];
  for (std::size_t k = 0; k < w.size(); ++k) buffer_total += f.diffusion_decay[k] * lambda[f.diffusion_cells[k]];
  if (!(core_total > 0) || !(buffer_total > 0)) return w;
  const double scale = core_total / buffer_total;
  for (std::size_t k = 0; k < w.size(); ++k) w[k] = scale * f.diffusion_decay[k];
  return w;
}

namespace {
const EvidenceRow* share_row(const EvidenceTable& e, const std::string& kind, const std::string& key,
                             const ParameterTraits& p) {
  if (const EvidenceRow* r = e.find(kind + ":" + key, p)) return r;
  return e.find(kind, p);
}
}  // namespace

const EvidenceRow* displacement_row(const EvidenceTable& e, const std::string& key, const ParameterTraits& p) {
  return share_row(e, "displacement", key, p);
}
const EvidenceRow* diffusion_row(const EvidenceTable& e, const std::string& key, const ParameterTraits& p) {
  return share_row(e, "diffusion", key, p);
}

double draw_share(const EvidenceRow& row, double z) { return std::min(1.0, draw_rr(row, z)); }

}  // namespace tryggve::simulation
