// Tryggve's viewer: the engine's own streets, parks, stops and areas on a map,
// the incidents by month and parameter, the hotspot layers, scenario results,
// and an intervention editor that runs a simulation job on the server.
// Everything comes from the local `tryggve serve` API: no CDN, no external tiles
// unless the user gives a base-map URL.
import * as maplibregl from 'maplibre-gl';
// MapLibre 6 runs its tile work in a worker loaded from a file of its own: vite
// copies it into the bundle and gives its URL (same origin, no CDN).
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import './style.css';
import { t, lang, setLang, paramName, num, applyStatic } from './i18n.js';
import { barChart } from './chart.js';

const $ = (id) => document.getElementById(id);

// ---- API -------------------------------------------------------------------
async function api(path, options) {
  const r = await fetch(path, options);
  const type = r.headers.get('content-type') || '';
  const body = type.includes('json') ? await r.json() : await r.text();
  if (!r.ok) {
    const e = new Error(body?.error?.message || `${r.status} ${path}`);
    e.status = r.status;
    e.body = body;
    throw e;
  }
  return body;
}

// ---- state -----------------------------------------------------------------
const state = {
  layers: [],            // /api/layers
  catalogue: { parameters: [], months: [] },
  monthIndex: 0,         // 0 = all months, i = catalogue.months[i-1]
  params: new Set(),     // selected parameter codes
  incidents: null,       // GeoJSON (a few fields only)
  edges: null,
  visible: {},           // layer name -> on/off
  mode: 'none',          // none | select | draw
  selectedEdges: new Set(),
  drawPts: [],
  area: null,            // GeoJSON Polygon
  lastJob: null,
  scenarioCache: {},
  details: null,         // the clicked feature {layer, feature}
  colourBreaks: [],
  hotspotFields: {},
};
// For the end-to-end tests: the numbers behind what is drawn.
window.__tryggve = { state, ready: false, renders: 0, map: null };

const DEFAULT_ON = new Set(['areas', 'parks', 'edges', 'stops', 'incidents', 'gistar']);
const LAYER_COLOURS = {
  areas: '#8e7cc3', parks: '#58a55c', edges: '#888', lixels: '#aaa', stops: '#1f6fb2', lamps: '#e0b000',
  places: '#c05a00', incidents: '#d0342c', rejects: '#000', density: '#f08c00', gistar: '#c0392b', emerging: '#7b3294',
};
const RAMP = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026'];
const PARAM_COLOURS = ['#e41a1c', '#377eb8', '#4daf4a', '#984ea3', '#ff7f00', '#a65628', '#f781bf', '#999999',
  '#66c2a5', '#fc8d62', '#8da0cb', '#e78ac3', '#a6d854', '#ffd92f', '#1b9e77'];

function month() { return state.monthIndex > 0 ? state.catalogue.months[state.monthIndex - 1]?.month : null; }
function has(name) { return state.layers.some((l) => l.name === name); }
function layerInfo(name) { return state.layers.find((l) => l.name === name); }

// ---- map -------------------------------------------------------------------
maplibregl.setWorkerUrl(workerUrl);
const map = new maplibregl.Map({
  container: 'map',
  style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#f2f0eb' } }] },
  center: [11.97, 57.74],
  zoom: 13,
  attributionControl: false,
  // PNG export reads the canvas back.
  canvasContextAttributes: { preserveDrawingBuffer: true },
  preserveDrawingBuffer: true,
});
map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
map.on('render', () => { window.__tryggve.renders++; });
window.__tryggve.map = map;
map.doubleClickZoom.disable();

function status(msg, isError = false) {
  const s = $('status');
  s.textContent = msg || '';
  s.className = isError ? 'error' : 'muted';
}

// Map layers per API layer: [maplibre layer id, definition]. Order = drawing order.
function styleLayers(name) {
  const c = LAYER_COLOURS[name] || '#555';
  switch (name) {
    case 'areas': return [
      { id: 'areas-fill', type: 'fill', paint: { 'fill-color': c, 'fill-opacity': 0.06 } },
      { id: 'areas-line', type: 'line', paint: { 'line-color': c, 'line-width': 1.5, 'line-dasharray': [3, 2] } }];
    case 'parks': return [{ id: 'parks-fill', type: 'fill', paint: { 'fill-color': c, 'fill-opacity': 0.35, 'fill-outline-color': '#2e7d32' } }];
    case 'edges': return [{ id: 'edges-line', type: 'line', layout: { 'line-cap': 'round' }, paint: { 'line-color': edgeColour(), 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 1.5, 16, 5] } }];
    case 'lixels': return [{ id: 'lixels-line', type: 'line', paint: { 'line-color': c, 'line-width': 1 } }];
    case 'density': return [{ id: 'density-line', type: 'line', layout: { 'line-cap': 'round' }, paint: { 'line-color': '#f08c00', 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 2, 16, 6] } }];
    case 'gistar': return [{ id: 'gistar-line', type: 'line', layout: { 'line-cap': 'round' }, paint: { 'line-color': c, 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 2.5, 16, 7], 'line-opacity': 0.85 } }];
    case 'emerging': return [{ id: 'emerging-line', type: 'line', layout: { 'line-cap': 'round' }, paint: { 'line-color': c, 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 2.5, 16, 7], 'line-opacity': 0.85 } }];
    case 'stops': return [{ id: 'stops-circle', type: 'circle', paint: { 'circle-color': c, 'circle-radius': 5, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 } }];
    case 'lamps': return [{ id: 'lamps-circle', type: 'circle', paint: { 'circle-color': c, 'circle-radius': 2 } }];
    case 'places': return [{ id: 'places-circle', type: 'circle', paint: { 'circle-color': c, 'circle-radius': 5, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 } }];
    case 'incidents': return [{ id: 'incidents-circle', type: 'circle', paint: { 'circle-color': paramColourExpr(), 'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 1.8, 16, 4], 'circle-opacity': 0.75 } }];
    case 'rejects': return [{ id: 'rejects-circle', type: 'circle', paint: { 'circle-color': '#000', 'circle-radius': 3 } }];
    default: return [];
  }
}
// Click priority: a stop or place, then a street (its numbers and chart are what
// people click for), then a single incident, then the park or area under it.
const CLICKABLE = ['stops-circle', 'places-circle', 'gistar-line', 'emerging-line', 'density-line', 'edges-line', 'incidents-circle', 'parks-fill', 'areas-fill'];

function paramColourExpr() {
  const codes = state.catalogue.parameters.map((p) => p.code);
  if (!codes.length) return LAYER_COLOURS.incidents;
  const m = ['match', ['get', 'parameter']];
  codes.forEach((c, i) => m.push(c, PARAM_COLOURS[i % PARAM_COLOURS.length]));
  m.push('#555');
  return m;
}

// Streets coloured by the selection's incidents per 100 m (feature state `rate`,
// set by recolourEdges), with breaks from the data so the ramp always spreads.
function edgeColour() {
  if ($('street-colour').value !== 'rate' || !state.colourBreaks.length) return '#8a8a8a';
  const b = state.colourBreaks;
  const e = ['step', ['coalesce', ['feature-state', 'rate'], 0], '#c8c8c8'];
  b.forEach((x, i) => e.push(x, RAMP[i]));
  return e;
}

function incidentFilter() {
  const f = ['all'];
  const m = month();
  if (m) f.push(['==', ['get', 'month'], m]);
  if (state.params.size < state.catalogue.parameters.length) f.push(['in', ['get', 'parameter'], ['literal', [...state.params]]]);
  return f;
}

function selectedIncidents() {
  if (!state.incidents) return [];
  const m = month();
  const all = state.params.size === state.catalogue.parameters.length;
  return state.incidents.features.filter((f) => (!m || f.properties.month === m) && (all || state.params.has(f.properties.parameter)));
}

function quantileBreaks(values, k = RAMP.length) {
  const v = values.filter((x) => x > 0).sort((a, b) => a - b);
  if (!v.length) return [];
  const out = [];
  for (let i = 0; i < k; i++) out.push(v[Math.min(v.length - 1, Math.floor((i / k) * v.length))]);
  out[0] = Math.min(out[0], 1e-9 + v[0]);
  for (let i = 1; i < out.length; i++) if (out[i] <= out[i - 1]) out[i] = out[i - 1] + 1e-9;
  return out;
}

function recolourEdges() {
  if (!state.edges || !map.getSource('edges')) return;
  const counts = new Map();
  const sel = selectedIncidents();
  for (const f of sel) {
    const e = f.properties.edge_id;
    counts.set(e, (counts.get(e) || 0) + 1);
  }
  const rates = [];
  for (const f of state.edges.features) {
    const id = f.properties.edge_id;
    const n = counts.get(id) || 0;
    const rate = n > 0 ? (100 * n) / Math.max(10, f.properties.length_m || 0) : 0;
    rates.push(rate);
    map.setFeatureState({ source: 'edges', id }, { rate, n });
  }
  state.colourBreaks = quantileBreaks(rates);
  if (map.getLayer('edges-line')) map.setPaintProperty('edges-line', 'line-color', edgeColour());
  window.__tryggve.selectionCount = sel.length;
  window.__tryggve.edgeRateSum = rates.reduce((a, b) => a + b, 0);
  $('month-count').textContent = t('incidents_n', { n: num(sel.length, 0) });
  renderLegend();
}

// Gi* and emerging classes are text fields written by the hotspot stage; the
// colours go by the words in them so a new class name still gets a sensible one.
function classField(name) {
  const info = layerInfo(name);
  if (!info) return null;
  const names = info.fields.map((f) => f.name);
  const prefer = name === 'gistar' ? ['class', 'gi_class', 'gistar_class', 'category'] : ['category', 'pattern', 'class', 'trend'];
  return prefer.find((p) => names.includes(p)) || info.fields.find((f) => f.type === 'String')?.name || null;
}
function valueField(name) {
  const info = layerInfo(name);
  if (!info) return null;
  const names = info.fields.map((f) => f.name);
  return ['density', 'value', 'intensity', 'density_per_km', 'estimate'].find((p) => names.includes(p)) ||
    info.fields.find((f) => f.type === 'Real' && !/(_m|_id|length)$/.test(f.name))?.name || null;
}
function classColour(cls) {
  const c = String(cls || '').toLowerCase();
  if (/not|no pattern|ingen|ns\b|^$/.test(c)) return '#bdbdbd';
  if (/cold|kall/.test(c)) return /99/.test(c) ? '#2166ac' : /95/.test(c) ? '#4393c3' : '#92c5de';
  if (/new|ny/.test(c)) return '#ff00c8';
  if (/intens/.test(c)) return '#b2182b';
  if (/persist|ihåll/.test(c)) return '#d6604d';
  if (/dimin|avta/.test(c)) return '#f4a582';
  if (/sporad|oscill/.test(c)) return '#fddbc7';
  if (/consecut/.test(c)) return '#e7298a';
  if (/histor/.test(c)) return '#a6761d';
  if (/hot|het/.test(c)) return /99/.test(c) ? '#b2182b' : /95/.test(c) ? '#d6604d' : '#f4a582';
  return '#7f7f7f';
}
function classesOf(name) {
  const field = state.hotspotFields[name];
  const src = state[`geo_${name}`];
  if (!field || !src) return [];
  return [...new Set(src.features.map((f) => f.properties[field]))].filter((x) => x !== null && x !== undefined).sort();
}
function styleHotspot(name) {
  if (name === 'density') {
    const field = valueField('density');
    state.hotspotFields.density = field;
    const src = state.geo_density;
    if (!field || !src) return;
    const breaks = quantileBreaks(src.features.map((f) => f.properties[field] || 0));
    state.densityBreaks = breaks;
    if (!breaks.length) return;
    const e = ['step', ['coalesce', ['get', field], 0], 'rgba(0,0,0,0)'];
    breaks.forEach((x, i) => e.push(x, RAMP[i]));
    map.setPaintProperty('density-line', 'line-color', e);
    return;
  }
  const field = classField(name);
  state.hotspotFields[name] = field;
  if (!field) return;
  const classes = classesOf(name);
  const m = ['match', ['to-string', ['get', field]]];
  for (const c of classes) m.push(String(c), classColour(c));
  m.push('#bdbdbd');
  map.setPaintProperty(`${name}-line`, 'line-color', classes.length ? m : '#bdbdbd');
  // Not-significant segments are drawn faintly so the hotspots stand out.
  const faint = classes.filter((c) => classColour(c) === '#bdbdbd').flatMap((c) => [String(c), 0.15]);
  map.setPaintProperty(`${name}-line`, 'line-opacity', faint.length ? ['match', ['to-string', ['get', field]], ...faint, 0.9] : 0.9);
}

async function loadLayer(name) {
  const fields = {
    incidents: 'incident_id,month,parameter,edge_id,lixel_id,park_id,stop_id,area_id',
    edges: 'edge_id,length_m,name,highway,lit',
  }[name];
  const url = `/api/layers/${name}` + (fields ? `?fields=${fields}` : '');
  const geo = await api(url);
  state[`geo_${name}`] = geo;
  if (name === 'incidents') state.incidents = geo;
  if (name === 'edges') state.edges = geo;
  const src = { type: 'geojson', data: geo };
  if (name === 'edges') src.promoteId = 'edge_id';
  if (map.getSource(name)) map.getSource(name).setData(geo);
  else map.addSource(name, src);
  for (const l of styleLayers(name)) {
    if (map.getLayer(l.id)) continue;
    map.addLayer({ ...l, source: name, layout: { ...(l.layout || {}), visibility: state.visible[name] ? 'visible' : 'none' } },
      beforeOverlay());
  }
  if (['density', 'gistar', 'emerging'].includes(name)) styleHotspot(name);
  return geo;
}
// The selection, the drawn area and the simulated change stay on top.
function beforeOverlay() { return map.getLayer('job-change-line') ? 'job-change-line' : undefined; }

function addOverlays() {
  map.addSource('selection', { type: 'geojson', data: emptyFC() });
  map.addSource('draw', { type: 'geojson', data: emptyFC() });
  map.addSource('job-change', { type: 'geojson', data: emptyFC() });
  map.addSource('scenario-diff', { type: 'geojson', data: emptyFC() });
  map.addLayer({ id: 'scenario-diff-line', type: 'line', source: 'scenario-diff', layout: { 'line-cap': 'round' },
    paint: { 'line-width': 5, 'line-color': ['interpolate', ['linear'], ['get', 'diff'], -1, '#1a9850', 0, '#f7f7f7', 1, '#d73027'] } });
  map.addLayer({ id: 'job-change-line', type: 'line', source: 'job-change', layout: { 'line-cap': 'round' },
    paint: { 'line-width': 7, 'line-opacity': 0.9, 'line-color': ['interpolate', ['linear'], ['get', 'change'], -1, '#1a9850', -0.05, '#a6d96a', 0, '#ffffbf', 0.05, '#fdae61', 1, '#d73027'] } });
  map.addLayer({ id: 'selection-line', type: 'line', source: 'selection', paint: { 'line-color': '#00b7ff', 'line-width': 6, 'line-opacity': 0.8 } });
  map.addLayer({ id: 'draw-fill', type: 'fill', source: 'draw', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#00b7ff', 'fill-opacity': 0.15 } });
  map.addLayer({ id: 'draw-line', type: 'line', source: 'draw', paint: { 'line-color': '#00b7ff', 'line-width': 2 } });
  map.addLayer({ id: 'draw-pts', type: 'circle', source: 'draw', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-color': '#00b7ff', 'circle-radius': 4 } });
}
function emptyFC() { return { type: 'FeatureCollection', features: [] }; }

// ---- panel: layers ---------------------------------------------------------
function renderLayerList() {
  const box = $('layer-list');
  box.textContent = '';
  for (const l of state.layers) {
    const lab = document.createElement('label');
    const cb = document.createElement('input');
    cb.type = 'checkbox';
    cb.checked = !!state.visible[l.name];
    cb.dataset.layer = l.name;
    cb.addEventListener('change', () => setVisible(l.name, cb.checked));
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = LAYER_COLOURS[l.name] || '#555';
    const txt = document.createElement('span');
    txt.textContent = `${lang() === 'en' ? l.title_en : l.title_sv} (${num(l.features, 0)})`;
    lab.append(cb, sw, txt);
    box.appendChild(lab);
  }
}

async function setVisible(name, on) {
  state.visible[name] = on;
  if (on && !map.getSource(name)) {
    status(t('loading'));
    try { await loadLayer(name); status(''); } catch (e) { status(`${name}: ${e.message}`, true); return; }
  }
  for (const l of styleLayers(name)) if (map.getLayer(l.id)) map.setLayoutProperty(l.id, 'visibility', on ? 'visible' : 'none');
  renderLegend();
}

// ---- panel: time and parameters --------------------------------------------
function renderMonth() {
  const m = month();
  $('month-label').textContent = m || t('all_months');
  if (map.getLayer('incidents-circle')) map.setFilter('incidents-circle', incidentFilter());
  recolourEdges();
  if (state.details) showDetails(state.details.layer, state.details.feature);
}

function renderParams() {
  const box = $('param-list');
  box.textContent = '';
  state.catalogue.parameters.forEach((p, i) => {
    const lab = document.createElement('label');
    const cb = document.createElement('input');
    cb.type = 'checkbox';
    cb.value = p.code;
    cb.checked = state.params.has(p.code);
    cb.addEventListener('change', () => {
      if (cb.checked) state.params.add(p.code); else state.params.delete(p.code);
      paramsChanged();
    });
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = PARAM_COLOURS[i % PARAM_COLOURS.length];
    const txt = document.createElement('span');
    txt.textContent = `${paramName(p)} (${num(p.count, 0)})`;
    txt.title = p.code;
    lab.append(cb, sw, txt);
    box.appendChild(lab);
  });
  $('param-count').textContent = `${state.params.size}/${state.catalogue.parameters.length}`;
}
function paramsChanged() {
  $('param-count').textContent = `${state.params.size}/${state.catalogue.parameters.length}`;
  renderMonth();
}

// ---- legend ----------------------------------------------------------------
function legendItem(colour, label, line = true) {
  const d = document.createElement('div');
  d.className = 'item';
  const s = document.createElement('span');
  s.className = 'swatch';
  s.style.background = colour;
  if (line) s.style.height = '5px';
  const x = document.createElement('span');
  x.textContent = label;
  d.append(s, x);
  return d;
}
function renderLegend() {
  const box = $('legend');
  box.textContent = '';
  const h = (text) => { const e = document.createElement('div'); e.className = 'muted'; e.textContent = text; box.appendChild(e); };
  if (state.visible.edges && $('street-colour').value === 'rate' && state.colourBreaks.length) {
    h(`${t('colour_rate')}${month() ? ', ' + month() : ''}`);
    box.appendChild(legendItem('#c8c8c8', '0'));
    state.colourBreaks.forEach((b, i) => {
      const next = state.colourBreaks[i + 1];
      box.appendChild(legendItem(RAMP[i], next ? `${num(b, 2)} – ${num(next, 2)}` : `≥ ${num(b, 2)}`));
    });
  }
  if (state.visible.density && state.densityBreaks?.length) {
    h(`${t('colour_density')} (${state.hotspotFields.density})`);
    state.densityBreaks.forEach((b, i) => box.appendChild(legendItem(RAMP[i], `≥ ${num(b, 3)}`)));
  }
  for (const name of ['gistar', 'emerging']) {
    if (!state.visible[name]) continue;
    h(t(`colour_${name}`));
    for (const c of classesOf(name)) box.appendChild(legendItem(classColour(c), String(c)));
  }
  if (state.visible.incidents && state.catalogue.parameters.length) {
    h(t('incidents'));
    state.catalogue.parameters.forEach((p, i) => {
      if (state.params.has(p.code)) box.appendChild(legendItem(PARAM_COLOURS[i % PARAM_COLOURS.length], paramName(p), false));
    });
  }
}

// ---- details ---------------------------------------------------------------
const KEY_OF_LAYER = { edges: 'edge_id', gistar: 'edge_id', emerging: 'edge_id', density: 'lixel_id', lixels: 'lixel_id', stops: 'stop_id', parks: 'park_id', areas: 'area_id' };

// The incidents that belong to a clicked feature. Segments match by edge_id;
// stops, parks and areas by their index in map.gpkg (the FID - 1: the map
// stage writes them in the order the incidents' *_id refer to).
function incidentsOf(layer, feature) {
  if (!state.incidents) return [];
  const key = KEY_OF_LAYER[layer];
  if (!key) return [];
  let id = feature.properties[key];
  if (['stops', 'parks', 'areas'].includes(layer)) id = Number(feature.id) - 1;
  if (id === undefined || id === null) return [];
  const all = state.params.size === state.catalogue.parameters.length;
  return state.incidents.features.filter((f) => f.properties[key] === id && (all || state.params.has(f.properties.parameter)));
}

function showDetails(layer, feature) {
  state.details = { layer, feature };
  const box = $('details');
  box.className = '';
  box.textContent = '';
  const title = document.createElement('div');
  const info = layerInfo(layer);
  title.innerHTML = '';
  const strong = document.createElement('strong');
  strong.textContent = `${info ? (lang() === 'en' ? info.title_en : info.title_sv) : layer}: ${feature.properties.name || feature.properties[KEY_OF_LAYER[layer]] || feature.id}`;
  title.appendChild(strong);
  box.appendChild(title);
  const tbl = document.createElement('table');
  for (const [k, v] of Object.entries(feature.properties)) {
    if (v === null || v === '' || k === 'text') continue;
    const tr = tbl.insertRow();
    tr.insertCell().textContent = k;
    const td = tr.insertCell();
    td.className = typeof v === 'number' ? 'n' : '';
    td.textContent = typeof v === 'number' ? num(v, 3) : String(v);
  }
  box.appendChild(tbl);
  const inc = incidentsOf(layer, feature);
  if (KEY_OF_LAYER[layer] && state.incidents) {
    const months = state.catalogue.months.map((m) => m.month);
    const counts = months.map((m) => inc.filter((f) => f.properties.month === m).length);
    const h = document.createElement('div');
    h.innerHTML = '';
    const s = document.createElement('strong');
    s.textContent = `${t('incidents')}: ${num(inc.length, 0)} · ${t('monthly')}`;
    h.appendChild(s);
    h.id = 'details-total';
    h.dataset.count = String(inc.length);
    box.appendChild(h);
    box.appendChild(barChart(counts, months, { highlight: state.monthIndex - 1, title: t('monthly') }));
    const byP = new Map();
    for (const f of inc) byP.set(f.properties.parameter, (byP.get(f.properties.parameter) || 0) + 1);
    const t2 = document.createElement('table');
    [...byP.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).forEach(([code, n]) => {
      const p = state.catalogue.parameters.find((x) => x.code === code) || { code };
      const tr = t2.insertRow();
      tr.insertCell().textContent = paramName(p);
      const td = tr.insertCell();
      td.className = 'n';
      td.textContent = num(n, 0);
    });
    box.appendChild(t2);
  }
}

// ---- intervention editor ----------------------------------------------------
function renderEditor() {
  const type = $('iv-type').value;
  $('iv-size-label').textContent = t(`size_${type}`);
  for (const el of document.querySelectorAll('.timed')) el.hidden = type === 'lighting';
  const days = $('iv-days');
  if (!days.childElementCount) {
    // Thursday to Saturday by default: when the district's evenings are busiest.
    t('weekdays').forEach((d, i) => {
      const lab = document.createElement('label');
      const cb = document.createElement('input');
      cb.type = 'checkbox';
      cb.value = String(i + 1);
      cb.checked = i >= 3 && i <= 5;
      lab.append(cb, document.createTextNode(d));
      days.appendChild(lab);
    });
  } else {
    [...days.querySelectorAll('label')].forEach((lab, i) => { lab.lastChild.textContent = t('weekdays')[i]; });
  }
  $('mode-select').classList.toggle('active', state.mode === 'select');
  $('mode-draw').classList.toggle('active', state.mode === 'draw');
  const parts = [];
  if (state.selectedEdges.size) parts.push(t('selected', { n: state.selectedEdges.size }));
  if (state.area) parts.push(t('area_drawn', { n: state.area.coordinates[0].length - 1 }));
  if (state.mode === 'draw') parts.push(t('drawing'));
  $('selection').textContent = parts.join(' · ');
  map.getCanvas().style.cursor = state.mode === 'none' ? '' : 'crosshair';
}

function updateSelection() {
  const feats = state.edges ? state.edges.features.filter((f) => state.selectedEdges.has(f.properties.edge_id)) : [];
  map.getSource('selection')?.setData({ type: 'FeatureCollection', features: feats });
  const d = [];
  if (state.area) d.push({ type: 'Feature', geometry: state.area, properties: {} });
  if (state.drawPts.length) {
    d.push(...state.drawPts.map((p) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: p }, properties: {} })));
    if (state.drawPts.length > 1) d.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: state.drawPts }, properties: {} });
  }
  map.getSource('draw')?.setData({ type: 'FeatureCollection', features: d });
  renderEditor();
}

function interventionRequest() {
  const type = $('iv-type').value;
  const iv = { type, size: Number($('iv-size').value), months: Number($('iv-months').value), edges: [...state.selectedEdges] };
  const replicates = Number($('iv-replicates').value);
  if (state.area) iv.area = state.area;
  if (type !== 'lighting') {
    iv.hours = [Number($('iv-from').value), Number($('iv-to').value)];
    iv.weekdays = [...$('iv-days').querySelectorAll('input:checked')].map((c) => Number(c.value));
  }
  return { kind: 'intervention', intervention: iv, replicates };
}

async function runJob(request) {
  const out = $('job-result');
  const bar = $('job-progress');
  out.textContent = '';
  let sub;
  try {
    sub = await api('/api/jobs', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(request) });
  } catch (e) {
    out.className = 'error';
    out.textContent = e.status === 501 ? `${t('no_runner')}: ${e.message}` : `${t('error')}: ${e.message}${e.body?.error?.where ? ` (${e.body.error.where})` : ''}`;
    return;
  }
  bar.hidden = false;
  bar.value = 0;
  out.className = 'muted';
  for (;;) {
    const s = await api(sub.url);
    bar.value = s.progress || 0;
    out.textContent = `${t(s.state === 'queued' ? 'queued' : 'running')} ${Math.round(100 * (s.progress || 0))} % ${s.message || ''}`;
    if (s.state === 'done') { bar.hidden = true; showJobResult(s); return; }
    if (s.state === 'failed' || s.state === 'cancelled') {
      bar.hidden = true;
      out.className = 'error';
      out.textContent = `${t(s.state)}: ${s.error?.message || ''}`;
      return;
    }
    await new Promise((r) => setTimeout(r, 400));
  }
}

// The result of a job (see the runner in tryggve serve): totals with intervals
// and the change per segment.
function showJobResult(job) {
  state.lastJob = job;
  window.__tryggve.lastJob = job;
  const r = job.result || {};
  const out = $('job-result');
  out.className = '';
  out.textContent = '';
  const tbl = document.createElement('table');
  tbl.id = 'job-table';
  const row = (label, iv, digits = 1) => {
    const tr = tbl.insertRow();
    tr.insertCell().textContent = label;
    const td = tr.insertCell();
    td.className = 'n';
    td.textContent = iv ? `${num(iv.mean, digits)} (${num(iv.lo, digits)} – ${num(iv.hi, digits)})` : '–';
  };
  row(t('baseline'), r.baseline);
  row(t('with_intervention'), r.scenario);
  row(t('expected_change'), r.change);
  if (r.change_share) row('%', { mean: 100 * r.change_share.mean, lo: 100 * r.change_share.lo, hi: 100 * r.change_share.hi }, 0);
  out.appendChild(tbl);
  const note = document.createElement('div');
  note.className = 'muted';
  note.textContent = `${t('interval')}: ${r.interval || '90 %'} · ${lang() === 'en' ? r.summary_en || '' : r.summary_sv || ''}`;
  out.appendChild(note);
  const byEdge = new Map((r.edges || []).map((e) => [e.edge_id, e]));
  const feats = state.edges ? state.edges.features.filter((f) => byEdge.has(f.properties.edge_id)).map((f) => {
    const e = byEdge.get(f.properties.edge_id);
    return { ...f, properties: { ...f.properties, change: e.baseline > 0 ? e.change / e.baseline : 0, change_abs: e.change } };
  }) : [];
  map.getSource('job-change')?.setData({ type: 'FeatureCollection', features: feats });
}

// ---- scenarios and plan lists ---------------------------------------------
// Scenario results are JSON written by the scenario runner; the viewer shows
// their numeric figures side by side without assuming more of their shape than
// "numbers under names", and a per-segment table as a difference map.
function flatten(obj, prefix = '', out = {}) {
  if (obj === null || obj === undefined) return out;
  if (typeof obj === 'number') { out[prefix] = obj; return out; }
  if (Array.isArray(obj)) return out;
  if (typeof obj === 'object') for (const [k, v] of Object.entries(obj)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}
async function scenario(name) {
  if (!name) return null;
  if (!state.scenarioCache[name]) state.scenarioCache[name] = await api(`/api/scenarios/${encodeURIComponent(name)}`);
  return state.scenarioCache[name];
}
// A per-segment table of a scenario (cells.csv: one row per street cell with
// `edge` and `difference`), summed per edge.
function edgeValues(sc) {
  for (const rows of Object.values(sc?.tables || {})) {
    if (!rows.length) continue;
    const key = 'edge_id' in rows[0] ? 'edge_id' : 'edge' in rows[0] ? 'edge' : null;
    if (!key) continue;
    const col = ['difference', 'difference_mean', 'scenario_mean'].find((c) => c in rows[0]) ||
      Object.keys(rows[0]).find((k) => k !== key && typeof rows[0][k] === 'number' && !/_id$|^cell$|_m$/.test(k));
    if (!col) continue;
    const values = new Map();
    for (const r of rows) values.set(r[key], (values.get(r[key]) || 0) + (Number(r[col]) || 0));
    return { col, values };
  }
  return null;
}
async function renderScenarios() {
  const box = $('scenario-view');
  box.textContent = '';
  let a, b;
  try {
    [a, b] = await Promise.all([scenario($('scenario-a').value), scenario($('scenario-b').value)]);
  } catch (e) { box.textContent = e.message; box.className = 'error'; return; }
  if (!a && !b) return;
  const fa = flatten(a?.result), fb = flatten(b?.result);
  // The totals first: baseline ("before") against the scenario ("after").
  const keys = [...new Set([...Object.keys(fa), ...Object.keys(fb)])]
    .filter((k) => !/(^seed$|replicates|_cells$)/.test(k))
    .sort((x, y) => (y.startsWith('totals.') - x.startsWith('totals.')))
    .slice(0, 40);
  const tbl = document.createElement('table');
  const hr = tbl.insertRow();
  for (const x of ['', 'A', 'B', 'B − A']) { const th = document.createElement('th'); th.textContent = x; th.className = x ? 'n' : ''; hr.appendChild(th); }
  for (const k of keys) {
    const tr = tbl.insertRow();
    tr.insertCell().textContent = k;
    for (const v of [fa[k], fb[k], fa[k] !== undefined && fb[k] !== undefined ? fb[k] - fa[k] : undefined]) {
      const td = tr.insertCell(); td.className = 'n'; td.textContent = v === undefined ? '' : num(v, 2);
    }
  }
  box.appendChild(tbl);
  const ea = edgeValues(a), eb = edgeValues(b);
  const feats = [];
  if (state.edges && (ea || eb)) {
    let maxAbs = 0;
    const diffs = new Map();
    for (const f of state.edges.features) {
      const id = f.properties.edge_id;
      const va = ea?.values.get(id), vb = eb?.values.get(id);
      if (va === undefined && vb === undefined) continue;
      const d = (vb ?? 0) - (va ?? 0);
      diffs.set(id, d);
      maxAbs = Math.max(maxAbs, Math.abs(d));
    }
    for (const f of state.edges.features) {
      if (!diffs.has(f.properties.edge_id)) continue;
      feats.push({ ...f, properties: { ...f.properties, diff: maxAbs > 0 ? diffs.get(f.properties.edge_id) / maxAbs : 0 } });
    }
    const note = document.createElement('div');
    note.className = 'muted';
    note.textContent = `${t('difference')}: ${(eb || ea).col}`;
    box.appendChild(note);
  }
  map.getSource('scenario-diff')?.setData({ type: 'FeatureCollection', features: feats });
}

async function renderPlans() {
  const box = $('plan-lists');
  box.textContent = '';
  let names = [];
  try { names = (await api('/api/plan')).plan; } catch { return; }
  for (const name of names) {
    let rows;
    try { rows = await api(`/api/plan/${encodeURIComponent(name)}`); } catch { continue; }
    if (!Array.isArray(rows)) rows = rows.items || rows.rows || rows.list || [];
    const h = document.createElement('div');
    h.innerHTML = '';
    const s = document.createElement('strong');
    s.textContent = `${t('plan')}: ${name}`;
    h.appendChild(s);
    box.appendChild(h);
    const ol = document.createElement('ol');
    ol.className = 'list';
    for (const r of rows.slice(0, 15)) {
      const li = document.createElement('li');
      const label = r.name || r.street || r.label || r.place || Object.values(r).slice(0, 3).join(' · ');
      const scoreKey = ['harm_prevented', 'prevented_per_100k_sek', 'prevented_per_year', 'forecast_incidents', 'score']
        .find((k) => typeof r[k] === 'number');
      const score = scoreKey ? [scoreKey, r[scoreKey]] : Object.entries(r).find(([k, v]) => typeof v === 'number' && !/_id$|^rank$|^[xy]$|_m$/.test(k));
      li.textContent = score ? `${label} — ${num(score[1], 2)}` : label;
      li.addEventListener('click', () => focusRow(r));
      ol.appendChild(li);
    }
    box.appendChild(ol);
  }
}
function focusRow(r) {
  if (r.edge_id !== undefined && state.edges) {
    const f = state.edges.features.find((x) => x.properties.edge_id === r.edge_id);
    if (f) { fitTo(f); showDetails('edges', f); state.selectedEdges = new Set([r.edge_id]); updateSelection(); return; }
  }
  const lon = r.lon ?? r.longitude, lat = r.lat ?? r.latitude;
  if (typeof lon === 'number' && typeof lat === 'number') map.flyTo({ center: [lon, lat], zoom: 16 });
}
function bboxOf(features) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === 'number') { b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]); b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]); } else c.forEach(walk);
  };
  for (const f of features) if (f.geometry) walk(f.geometry.coordinates);
  return b;
}
function fitTo(f) { const b = bboxOf([f]); map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 80, maxZoom: 17, duration: 0 }); }

async function renderSituation() {
  const box = $('situation');
  try {
    const s = await api('/api/situation');
    box.className = '';
    box.textContent = '';
    const text = s[`summary_${lang()}`] || s[`text_${lang()}`] || s.summary || '';
    if (text) { const p = document.createElement('p'); p.textContent = text; box.appendChild(p); }
    const f = flatten(s);
    const tbl = document.createElement('table');
    for (const [k, v] of Object.entries(f).slice(0, 25)) {
      const tr = tbl.insertRow(); tr.insertCell().textContent = k;
      const td = tr.insertCell(); td.className = 'n'; td.textContent = num(v, 2);
    }
    box.appendChild(tbl);
  } catch { box.className = 'muted'; box.textContent = t('no_situation'); }
}

// ---- export ----------------------------------------------------------------
function viewBbox() {
  const b = map.getBounds();
  const c = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
  return [c(b.getWest(), -180, 180), c(b.getSouth(), -90, 90), c(b.getEast(), -180, 180), c(b.getNorth(), -90, 90)].map((x) => x.toFixed(6)).join(',');
}
function filterQuery() {
  const q = new URLSearchParams();
  if (month()) q.set('month', month());
  if (state.params.size < state.catalogue.parameters.length && state.params.size) q.set('parameter', [...state.params].join(','));
  return q;
}
function download(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}
async function exportGpkg() {
  const q = filterQuery();
  q.set('layers', state.layers.filter((l) => state.visible[l.name]).map((l) => l.name).join(','));
  q.set('bbox', viewBbox());
  status(t('loading'));
  try {
    const r = await fetch(`/api/export?${q}`);
    if (!r.ok) throw new Error((await r.json()).error?.message || r.status);
    download(await r.blob(), `tryggve_${month() || 'all'}.gpkg`);
    status('');
  } catch (e) { status(`GeoPackage: ${e.message}`, true); }
}
function csvCell(v) {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
function exportCsv() {
  const b = map.getBounds();
  const rows = selectedIncidents().filter((f) => b.contains(f.geometry.coordinates));
  const keys = ['incident_id', 'month', 'parameter', 'edge_id', 'park_id', 'stop_id', 'area_id'];
  const lines = [[...keys, 'lon', 'lat'].join(',')];
  for (const f of rows) lines.push([...keys.map((k) => csvCell(f.properties[k])), f.geometry.coordinates[0], f.geometry.coordinates[1]].join(','));
  download(new Blob([lines.join('\n') + '\n'], { type: 'text/csv' }), `tryggve_incidents_${month() || 'all'}.csv`);
  return rows.length;
}
function exportPng() {
  map.once('render', () => map.getCanvas().toBlob((blob) => download(blob, `tryggve_map_${month() || 'all'}.png`)));
  map.triggerRepaint();
}

// ---- base map (optional, user-given) ---------------------------------------
function setBasemap(url) {
  if (map.getLayer('basemap')) map.removeLayer('basemap');
  if (map.getSource('basemap')) map.removeSource('basemap');
  localStorage.setItem('tryggve.basemap', url || '');
  if (!url || !/^https?:\/\/.+\{z\}.+\{x\}.+\{y\}/.test(url)) return;
  map.addSource('basemap', { type: 'raster', tiles: [url], tileSize: 256 });
  map.addLayer({ id: 'basemap', type: 'raster', source: 'basemap' }, map.getStyle().layers[1]?.id);
}

// ---- clicks ----------------------------------------------------------------
const LAYER_OF = (id) => id.replace(/-(line|fill|circle)$/, '');
map.on('click', (e) => {
  if (state.mode === 'draw') {
    state.drawPts.push([e.lngLat.lng, e.lngLat.lat]);
    updateSelection();
    return;
  }
  const layers = CLICKABLE.filter((id) => map.getLayer(id) && map.getLayoutProperty(id, 'visibility') !== 'none');
  const hits = map.queryRenderedFeatures([[e.point.x - 4, e.point.y - 4], [e.point.x + 4, e.point.y + 4]], { layers });
  if (state.mode === 'select') {
    const hit = hits.find((h) => h.layer.id === 'edges-line' || h.layer.id === 'gistar-line' || h.layer.id === 'emerging-line');
    if (hit && hit.properties.edge_id !== undefined) {
      const id = hit.properties.edge_id;
      if (state.selectedEdges.has(id)) state.selectedEdges.delete(id); else state.selectedEdges.add(id);
      updateSelection();
    }
    return;
  }
  if (!hits.length) return;
  hits.sort((a, b) => CLICKABLE.indexOf(a.layer.id) - CLICKABLE.indexOf(b.layer.id));
  // The full feature (queryRenderedFeatures gives tiled, clipped geometry).
  const h = hits[0];
  const name = LAYER_OF(h.layer.id);
  const src = state[`geo_${name}`];
  const full = src?.features.find((f) => f.id === h.id) || { id: h.id, properties: h.properties, geometry: h.geometry };
  showDetails(name, full);
});
map.on('dblclick', (e) => {
  if (state.mode !== 'draw') return;
  e.preventDefault();
  // A double-click adds its point twice through the click handler: drop duplicates.
  const pts = state.drawPts.filter((p, i, a) => i === 0 || p[0] !== a[i - 1][0] || p[1] !== a[i - 1][1]);
  if (pts.length >= 3) state.area = { type: 'Polygon', coordinates: [[...pts, pts[0]]] };
  state.drawPts = [];
  state.mode = 'none';
  updateSelection();
});

// ---- wiring ------------------------------------------------------------------
function renderAll() {
  applyStatic();
  $('lang').textContent = lang() === 'en' ? 'SV' : 'EN';
  renderLayerList();
  renderParams();
  renderMonth();
  renderEditor();
  renderLegend();
  renderSituation();
  const sel = [$('scenario-a'), $('scenario-b')];
  for (const s of sel) if (s.options[0]) s.options[0].textContent = t('pick');
}

function wire() {
  $('lang').addEventListener('click', () => { setLang(lang() === 'en' ? 'sv' : 'en'); renderAll(); });
  $('month').addEventListener('input', () => { state.monthIndex = Number($('month').value); renderMonth(); });
  $('params-all').addEventListener('click', () => { state.params = new Set(state.catalogue.parameters.map((p) => p.code)); renderParams(); paramsChanged(); });
  $('params-none').addEventListener('click', () => { state.params = new Set(); renderParams(); paramsChanged(); });
  $('street-colour').addEventListener('change', () => { if (map.getLayer('edges-line')) map.setPaintProperty('edges-line', 'line-color', edgeColour()); renderLegend(); });
  $('iv-type').addEventListener('change', renderEditor);
  $('mode-select').addEventListener('click', () => { state.mode = state.mode === 'select' ? 'none' : 'select'; renderEditor(); });
  $('mode-draw').addEventListener('click', () => { state.mode = state.mode === 'draw' ? 'none' : 'draw'; state.drawPts = []; updateSelection(); });
  $('sel-clear').addEventListener('click', () => {
    state.selectedEdges.clear(); state.area = null; state.drawPts = []; state.mode = 'none';
    map.getSource('job-change')?.setData(emptyFC());
    updateSelection();
  });
  $('run-job').addEventListener('click', () => {
    if (!state.selectedEdges.size && !state.area) { $('job-result').className = 'error'; $('job-result').textContent = t('need_selection'); return; }
    runJob(interventionRequest());
  });
  $('scenario-a').addEventListener('change', renderScenarios);
  $('scenario-b').addEventListener('change', renderScenarios);
  $('export-gpkg').addEventListener('click', exportGpkg);
  $('export-csv').addEventListener('click', exportCsv);
  $('export-png').addEventListener('click', exportPng);
  const bm = $('basemap-url');
  bm.value = localStorage.getItem('tryggve.basemap') || '';
  bm.addEventListener('change', () => setBasemap(bm.value.trim()));
}

async function refreshLayers() {
  const { layers, data } = await api('/api/layers');
  const known = new Set(state.layers.map((l) => l.name));
  state.layers = layers;
  $('run-name').textContent = data;
  for (const l of layers) if (!known.has(l.name) && state.visible[l.name] === undefined) state.visible[l.name] = DEFAULT_ON.has(l.name);
  renderLayerList();
  return layers.filter((l) => !known.has(l.name));
}

async function start() {
  wire();
  applyStatic();
  renderEditor();
  try {
    await refreshLayers();
    state.catalogue = await api('/api/catalogue');
  } catch (e) { status(e.message, true); return; }
  state.params = new Set(state.catalogue.parameters.map((p) => p.code));
  $('month').max = String(state.catalogue.months.length);
  await new Promise((r) => (map.loaded() ? r() : map.once('load', r)));
  addOverlays();
  setBasemap(localStorage.getItem('tryggve.basemap') || '');
  // Edges and incidents are always loaded: the street colours and the numbers
  // in the panel are computed from them.
  const first = ['areas', 'parks', 'edges', 'incidents', 'stops'].filter(has);
  try {
    await Promise.all(first.map(loadLayer));
    for (const l of state.layers) if (state.visible[l.name] && !first.includes(l.name)) await loadLayer(l.name);
  } catch (e) { status(e.message, true); }
  for (const l of state.layers) await setVisible(l.name, !!state.visible[l.name]);
  if (state.edges?.features.length) {
    const b = bboxOf(state.edges.features);
    map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 20, duration: 0 });
  }
  const sc = (await api('/api/scenarios').catch(() => ({ scenarios: [] }))).scenarios;
  for (const s of [$('scenario-a'), $('scenario-b')]) {
    s.textContent = '';
    s.appendChild(new Option(t('pick'), ''));
    for (const n of sc) s.appendChild(new Option(n, n));
  }
  if (!sc.length) $('scenario-view').textContent = t('no_scenarios');
  renderAll();
  renderPlans();
  map.once('idle', () => { window.__tryggve.ready = true; });
  // Stages that finish while the viewer is open show up without a reload.
  setInterval(async () => {
    try {
      const added = await refreshLayers();
      for (const l of added) await setVisible(l.name, !!state.visible[l.name]);
    } catch { /* the server is restarting: try again next time */ }
  }, 15000);
}

start();
