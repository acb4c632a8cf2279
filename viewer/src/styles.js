// How each layer of the run folder is drawn, made from what /api/layers
// describes: by name for the engine's own layers, else by geometry, so a layer
// the engine adds later is drawn without a viewer change. Also the colours by
// data (street rates, density, Gi*/emerging classes) as MapLibre expressions.
// Pure: no DOM, no map (the unit tests run these in node).
import { RAMP, NOT_SIGNIFICANT, quantileBreaks, classColour, notSignificant, classField, valueField, classesIn } from './classify.js';

export const DEFAULT_ON = new Set(['areas', 'parks', 'edges', 'stops', 'incidents', 'gistar']);
export const HOTSPOT_LAYERS = ['density', 'gistar', 'emerging'];
const COLOURS = {
  areas: '#8e7cc3', parks: '#58a55c', edges: '#888', lixels: '#aaa', stops: '#1f6fb2', lamps: '#e0b000',
  places: '#c05a00', incidents: '#d0342c', rejects: '#000', density: '#f08c00', gistar: '#c0392b', emerging: '#7b3294',
};
export const PARAM_COLOURS = ['#e41a1c', '#377eb8', '#4daf4a', '#984ea3', '#ff7f00', '#a65628', '#f781bf', '#999999',
  '#66c2a5', '#fc8d62', '#8da0cb', '#e78ac3', '#a6d854', '#ffd92f', '#1b9e77'];
export const NO_INCIDENTS = '#c8c8c8';
const STREET_GREY = '#8a8a8a';

export const layerColour = (name) => COLOURS[name] || '#555';

// OGR's geometry names ("Multi Line String", "Point", ...) to a MapLibre type.
export function kindOf(geometry) {
  const g = String(geometry || '').toLowerCase();
  if (g.includes('polygon')) return 'fill';
  if (g.includes('line')) return 'line';
  if (g.includes('point')) return 'circle';
  return null;
}

const zoomWidth = (a, b) => ['interpolate', ['linear'], ['zoom'], 12, a, 16, b];
const NAMED = {
  areas: (c) => [
    { id: 'areas-fill', type: 'fill', paint: { 'fill-color': c, 'fill-opacity': 0.06 } },
    { id: 'areas-line', type: 'line', paint: { 'line-color': c, 'line-width': 1.5, 'line-dasharray': [3, 2] } }],
  parks: (c) => [{ id: 'parks-fill', type: 'fill', paint: { 'fill-color': c, 'fill-opacity': 0.35, 'fill-outline-color': '#2e7d32' } }],
  edges: () => [{ id: 'edges-line', type: 'line', layout: { 'line-cap': 'round' }, paint: { 'line-color': STREET_GREY, 'line-width': zoomWidth(1.5, 5) } }],
  lixels: (c) => [{ id: 'lixels-line', type: 'line', paint: { 'line-color': c, 'line-width': 1 } }],
  density: (c) => [{ id: 'density-line', type: 'line', layout: { 'line-cap': 'round' }, paint: { 'line-color': c, 'line-width': zoomWidth(2, 6) } }],
  gistar: (c) => [{ id: 'gistar-line', type: 'line', layout: { 'line-cap': 'round' }, paint: { 'line-color': c, 'line-width': zoomWidth(2.5, 7), 'line-opacity': 0.85 } }],
  emerging: (c) => [{ id: 'emerging-line', type: 'line', layout: { 'line-cap': 'round' }, paint: { 'line-color': c, 'line-width': zoomWidth(2.5, 7), 'line-opacity': 0.85 } }],
  stops: (c) => [{ id: 'stops-circle', type: 'circle', paint: { 'circle-color': c, 'circle-radius': 5, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 } }],
  lamps: (c) => [{ id: 'lamps-circle', type: 'circle', paint: { 'circle-color': c, 'circle-radius': 2 } }],
  places: (c) => [{ id: 'places-circle', type: 'circle', paint: { 'circle-color': c, 'circle-radius': 5, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 } }],
  incidents: (c) => [{ id: 'incidents-circle', type: 'circle', paint: { 'circle-color': c, 'circle-radius': zoomWidth(1.8, 4), 'circle-opacity': 0.75 } }],
  rejects: () => [{ id: 'rejects-circle', type: 'circle', paint: { 'circle-color': '#000', 'circle-radius': 3 } }],
};
const BY_KIND = {
  fill: (n, c) => [{ id: `${n}-fill`, type: 'fill', paint: { 'fill-color': c, 'fill-opacity': 0.25, 'fill-outline-color': c } }],
  line: (n, c) => [{ id: `${n}-line`, type: 'line', paint: { 'line-color': c, 'line-width': 2 } }],
  circle: (n, c) => [{ id: `${n}-circle`, type: 'circle', paint: { 'circle-color': c, 'circle-radius': 4 } }],
};

// The MapLibre layers of one /api/layers entry, in drawing order.
export function styleLayers(info) {
  const c = layerColour(info.name);
  if (NAMED[info.name]) return NAMED[info.name](c);
  const kind = kindOf(info.geometry);
  return kind ? BY_KIND[kind](info.name, c) : [];
}

// Areas under streets under points, and within each the order /api/layers
// gives. The hotspot classes go above the incidents: a few hot segments under
// thousands of dots would not be seen. The editor's overlays are on top.
const KIND_RANK = { fill: 0, line: 1, circle: 2 };
export function rankOf(info, index) {
  if (HOTSPOT_LAYERS.includes(info.name)) return 3000 + index;
  const kind = NAMED[info.name] ? styleLayers(info)[0]?.type : kindOf(info.geometry);
  return (KIND_RANK[kind] ?? 1) * 1000 + index;
}
export const OVERLAY_RANK = 10000;

// Click priority: a stop or place, then a street (its numbers and chart are what
// people click for), then a single incident, then the park or area under it.
// Layers the engine adds later come after the single incidents.
const CLICK_ORDER = ['stops', 'places', 'gistar', 'emerging', 'density', 'edges', 'lixels', 'incidents', 'lamps', 'parks', 'areas'];
export function clickRank(name) {
  const i = CLICK_ORDER.indexOf(name);
  return i >= 0 ? i : CLICK_ORDER.indexOf('incidents') + 0.5;
}
export const nameOfMapLayer = (id) => id.replace(/-(line|fill|circle)$/, '');

// Street colour: incidents per 100 m of the selection, from feature state
// `rate`, with class breaks from the data so the ramp always spreads.
export function streetColourExpr(mode, breaks) {
  if (mode !== 'rate' || !breaks?.length) return STREET_GREY;
  const e = ['step', ['coalesce', ['feature-state', 'rate'], 0], NO_INCIDENTS];
  breaks.forEach((x, i) => e.push(x, RAMP[i]));
  return e;
}
export function paramColourExpr(parameters) {
  if (!parameters.length) return layerColour('incidents');
  const m = ['match', ['get', 'parameter']];
  parameters.forEach((p, i) => m.push(p.code, PARAM_COLOURS[i % PARAM_COLOURS.length]));
  m.push('#555');
  return m;
}
export function incidentFilterExpr(month, params) {
  const f = ['all'];
  if (month) f.push(['==', ['get', 'month'], month]);
  if (params) f.push(['in', ['get', 'parameter'], ['literal', [...params]]]);
  return f;
}

// How a hotspot layer is coloured: density by quantile classes of its value,
// Gi* and emerging by their class names. Not-significant segments are faint so
// the hotspots stand out.
export function hotspotStyle(info, geo, vocab = null) {
  if (!info || !geo) return null;
  if (info.name === 'density') {
    const field = valueField(info);
    const breaks = field ? quantileBreaks(geo.features.map((f) => f.properties[field] || 0)) : [];
    const colour = breaks.length ? ['step', ['coalesce', ['get', field], 0], 'rgba(0,0,0,0)', ...breaks.flatMap((x, i) => [x, RAMP[i]])] : layerColour('density');
    return { field, breaks, paint: { 'line-color': colour } };
  }
  const field = classField(info);
  const classes = classesIn(geo.features, field);
  if (!field || !classes.length) return { field, classes, paint: { 'line-color': NOT_SIGNIFICANT, 'line-opacity': 0.9 } };
  const byClass = ['to-string', ['get', field]];
  const faint = classes.filter((c) => notSignificant(c)).flatMap((c) => [String(c), 0.15]);
  return {
    field, classes,
    paint: {
      'line-color': ['match', byClass, ...classes.flatMap((c) => [String(c), classColour(c, vocab)]), NOT_SIGNIFICANT],
      'line-opacity': faint.length ? ['match', byClass, ...faint, 0.9] : 0.9,
    },
  };
}

// The editor's and the comparison's layers, above the run's, in this order:
// the difference map, a job's change, the selection, the area being drawn.
export const OVERLAYS = [
  { id: 'scenario-diff-line', type: 'line', source: 'scenario-diff', layout: { 'line-cap': 'round' },
    paint: { 'line-width': 5, 'line-color': ['interpolate', ['linear'], ['get', 'diff'], -1, '#1a9850', 0, '#f7f7f7', 1, '#d73027'] } },
  { id: 'job-change-line', type: 'line', source: 'job-change', layout: { 'line-cap': 'round' },
    paint: { 'line-width': 7, 'line-opacity': 0.9, 'line-color': ['interpolate', ['linear'], ['get', 'change'], -1, '#1a9850', -0.05, '#a6d96a', 0, '#ffffbf', 0.05, '#fdae61', 1, '#d73027'] } },
  // Every deployment of the workspace: its footprint (the streets it covers), faint,
  // under the one picked in the list.
  { id: 'workspace-deployments-fill', type: 'fill', source: 'workspace-deployments', filter: ['in', ['geometry-type'], ['literal', ['Polygon', 'MultiPolygon']]], paint: { 'fill-color': '#6a3d9a', 'fill-opacity': 0.15 } },
  { id: 'workspace-deployments-line', type: 'line', source: 'workspace-deployments', paint: { 'line-color': '#6a3d9a', 'line-width': 1, 'line-opacity': 0.7 } },
  { id: 'workspace-focus-fill', type: 'fill', source: 'workspace-focus', filter: ['in', ['geometry-type'], ['literal', ['Polygon', 'MultiPolygon']]], paint: { 'fill-color': '#ff7f00', 'fill-opacity': 0.2 } },
  { id: 'workspace-focus-line', type: 'line', source: 'workspace-focus', layout: { 'line-cap': 'round' }, paint: { 'line-color': '#ff7f00', 'line-width': 6, 'line-opacity': 0.9 } },
  { id: 'selection-line', type: 'line', source: 'selection', paint: { 'line-color': '#00b7ff', 'line-width': 6, 'line-opacity': 0.8 } },
  { id: 'draw-fill', type: 'fill', source: 'draw', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#00b7ff', 'fill-opacity': 0.15 } },
  { id: 'draw-line', type: 'line', source: 'draw', paint: { 'line-color': '#00b7ff', 'line-width': 2 } },
  { id: 'draw-pts', type: 'circle', source: 'draw', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-color': '#00b7ff', 'circle-radius': 4 } },
];
