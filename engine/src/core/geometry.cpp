#include "tryggve/core/geometry.hpp"

#include <algorithm>

namespace tryggve {

double length(const Polyline& line) {
  double s = 0.0;
  for (std::size_t i = 1; i < line.size(); ++i) s += distance(line[i - 1], line[i]);
  return s;
}

Point interpolate(const Polyline& line, double offset) {
  if (line.empty()) return {};
  if (offset <= 0.0) return line.front();
  double acc = 0.0;
  for (std::size_t i = 1; i < line.size(); ++i) {
    const double seg = distance(line[i - 1], line[i]);
    if (acc + seg >= offset && seg > 0.0) {
      const double t = (offset - acc) / seg;
      return {line[i - 1].x + t * (line[i].x - line[i - 1].x), line[i - 1].y + t * (line[i].y - line[i - 1].y)};
    }
    acc += seg;
  }
  return line.back();
}

Polyline substring(const Polyline& line, double a, double b) {
  Polyline out;
  if (line.size() < 2) return line;
  const double total = length(line);
  a = std::clamp(a, 0.0, total);
  b = std::clamp(b, a, total);
  out.push_back(interpolate(line, a));
  double acc = 0.0;
  for (std::size_t i = 1; i < line.size(); ++i) {
    acc += distance(line[i - 1], line[i]);
    if (acc > a && acc < b) out.push_back(line[i]);
  }
  out.push_back(interpolate(line, b));
  return out;
}

Point closest_on_segment(Point p, Point a, Point b, double* t_out) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double len2 = dx * dx + dy * dy;
  double t = 0.0;
  if (len2 > 0.0) t = std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0, 1.0);
  if (t_out) *t_out = t;
  return {a.x + t * dx, a.y + t * dy};
}

Envelope envelope(const Polyline& line) {
  Envelope e;
  for (const auto& p : line) e.expand(p);
  return e;
}

Envelope envelope(const MultiPolygon& mp) {
  Envelope e;
  for (const auto& poly : mp)
    for (const auto& p : poly.outer) e.expand(p);
  return e;
}

namespace {
double ring_area(const Ring& r) {
  double s = 0.0;
  for (std::size_t i = 1; i < r.size(); ++i) s += r[i - 1].x * r[i].y - r[i].x * r[i - 1].y;
  return 0.5 * s;
}
}  // namespace

double area(const MultiPolygon& mp) {
  double a = 0.0;
  for (const auto& poly : mp) {
    a += std::abs(ring_area(poly.outer));
    for (const auto& h : poly.holes) a -= std::abs(ring_area(h));
  }
  return a;
}

}  // namespace tryggve
