#pragma once
// Plain planar geometry in the run's metric CRS (metres; or the data's own unit
// for local data such as spatstat's chicago, in feet). GEOS is used where real
// computational geometry is needed (noding, point-in-polygon, STRtree); these
// types are the cheap value types that flow between modules.
#include <cmath>
#include <vector>

namespace tryggve {

struct Point {
  double x = 0.0;
  double y = 0.0;
  friend bool operator==(const Point&, const Point&) = default;
};

inline double distance(Point a, Point b) { return std::hypot(a.x - b.x, a.y - b.y); }

using Polyline = std::vector<Point>;
using Ring = std::vector<Point>;  // closed: front() == back()

struct Polygon {
  Ring outer;
  std::vector<Ring> holes;
};
using MultiPolygon = std::vector<Polygon>;

struct Envelope {
  double min_x = INFINITY, min_y = INFINITY, max_x = -INFINITY, max_y = -INFINITY;
  void expand(Point p) {
    min_x = std::min(min_x, p.x); min_y = std::min(min_y, p.y);
    max_x = std::max(max_x, p.x); max_y = std::max(max_y, p.y);
  }
  void expand(const Envelope& e) {
    min_x = std::min(min_x, e.min_x); min_y = std::min(min_y, e.min_y);
    max_x = std::max(max_x, e.max_x); max_y = std::max(max_y, e.max_y);
  }
  bool empty() const { return !(min_x <= max_x && min_y <= max_y); }
  bool contains(Point p) const { return p.x >= min_x && p.x <= max_x && p.y >= min_y && p.y <= max_y; }
  double width() const { return max_x - min_x; }
  double height() const { return max_y - min_y; }
};

double length(const Polyline& line);
// Point at distance `offset` along the line (clamped to [0, length]).
Point interpolate(const Polyline& line, double offset);
// The part of `line` between offsets a <= b (both clamped).
Polyline substring(const Polyline& line, double a, double b);
// Closest point on segment ab to p; t in [0,1] is the parameter along ab.
Point closest_on_segment(Point p, Point a, Point b, double* t = nullptr);
Envelope envelope(const Polyline& line);
Envelope envelope(const MultiPolygon& mp);
// Planar area of a multipolygon (holes subtracted), in CRS units squared.
double area(const MultiPolygon& mp);

}  // namespace tryggve
