#include "tryggve/snap/map_data.hpp"

namespace tryggve::snap {

std::vector<std::size_t> MapData::counts_by_parameter() const {
  std::vector<std::size_t> c(taxonomy.size(), 0);
  for (const auto& i : incidents)
    if (i.parameter < c.size()) ++c[i.parameter];
  return c;
}

}  // namespace tryggve::snap
