#include "tryggve/core/polygon.hpp"

namespace tryggve {

bool contains(const Ring& r, Point p) {
  bool in = false;
  for (std::size_t i = 0, j = r.size() ? r.size() - 1 : 0; i < r.size(); j = i++) {
    const Point& a = r[i];
    const Point& b = r[j];
    if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) in = !in;
  }
  return in;
}

bool contains(const MultiPolygon& mp, Point p) {
  for (const auto& poly : mp) {
    if (!contains(poly.outer, p)) continue;
    bool in_hole = false;
    for (const auto& h : poly.holes) in_hole = in_hole || contains(h, p);
    if (!in_hole) return true;
  }
  return false;
}

}  // namespace tryggve
