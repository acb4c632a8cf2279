// Small GeoJSON helpers for lon/lat coordinates. Pure: no DOM, no map.

// [west, south, east, north] of the features' coordinates, whatever their nesting.
export function bboxOf(features) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]); b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]);
    } else c.forEach(walk);
  };
  for (const f of features) if (f.geometry) walk(f.geometry.coordinates);
  return b;
}

// The corners clicked while drawing an area as a closed GeoJSON Polygon, or
// null with fewer than three distinct corners. A double-click that ends the
// drawing also arrives as clicks: repeated positions are dropped.
export function drawnPolygon(points) {
  const pts = points.filter((p, i, a) => i === 0 || p[0] !== a[i - 1][0] || p[1] !== a[i - 1][1]);
  while (pts.length > 1 && pts[0][0] === pts.at(-1)[0] && pts[0][1] === pts.at(-1)[1]) pts.pop();
  if (pts.length < 3) return null;
  return { type: 'Polygon', coordinates: [[...pts, pts[0]]] };
}

// The features of the drawing in progress: the corners and the line through them.
export function drawingFeatures(area, points) {
  const d = [];
  if (area) d.push({ type: 'Feature', geometry: area, properties: {} });
  d.push(...points.map((p) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: p }, properties: {} })));
  if (points.length > 1) d.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: points }, properties: {} });
  return d;
}

// A `bbox` query value (west,south,east,north) clamped to the valid range: a
// view zoomed far out reaches past ±180°, which the server refuses.
export function bboxParam([w, s, e, n]) {
  const c = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
  return [c(w, -180, 180), c(s, -90, 90), c(e, -180, 180), c(n, -90, 90)].map((x) => x.toFixed(6)).join(',');
}

// Whether [lon, lat] lies in [west, south, east, north].
export function inBbox([lon, lat], [w, s, e, n]) {
  return lon >= w && lon <= e && lat >= s && lat <= n;
}

export const emptyFC = () => ({ type: 'FeatureCollection', features: [] });
export const fc = (features) => ({ type: 'FeatureCollection', features });
