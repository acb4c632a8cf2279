// The map's layers, made from what /api/layers describes: each run-folder
// layer gets its MapLibre style by name (the engine's own layers) or else by
// geometry, so a layer the engine adds later is drawn without a viewer change.
// Also the colours by data (street rates, density, Gi*/emerging classes) and
// the legend that explains them.
import { t, num, paramName } from './i18n.js';
import { RAMP, NOT_SIGNIFICANT, quantileBreaks, classColour, classField, valueField, classesIn, selectIncidents, edgeRates } from './classify.js';
import { currentMonth, paramFilter, layerInfo } from './store.js';
import { emptyFC } from './geometry.js';

export const DEFAULT_ON = new Set(['areas', 'parks', 'edges', 'stops', 'incidents', 'gistar']);
export const HOTSPOT_LAYERS = ['density', 'gistar', 'emerging'];
const COLOURS = {
  areas: '#8e7cc3', parks: '#58a55c', edges: '#888', lixels: '#aaa', stops: '#1f6fb2', lamps: '#e0b000',
  places: '#c05a00', incidents: '#d0342c', rejects: '#000', density: '#f08c00', gistar: '#c0392b', emerging: '#7b3294',
};
export const PARAM_COLOURS = ['#e41a1c', '#377eb8', '#4daf4a', '#984ea3', '#ff7f00', '#a65628', '#f781bf', '#999999',
  '#66c2a5', '#fc8d62', '#8da0cb', '#e78ac3', '#a6d854', '#ffd92f', '#1b9e77'];
const NO_INCIDENTS = '#c8c8c8';
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
function rankOf(info, index) {
  if (HOTSPOT_LAYERS.includes(info.name)) return 3000 + index;
  const kind = NAMED[info.name] ? styleLayers(info)[0]?.type : kindOf(info.geometry);
  return (KIND_RANK[kind] ?? 1) * 1000 + index;
}
const OVERLAY_RANK = 10000;

// Click priority: a stop or place, then a street (its numbers and chart are what
// people click for), then a single incident, then the park or area under it.
// Layers the engine adds later come after the single incidents.
const CLICK_ORDER = ['stops', 'places', 'gistar', 'emerging', 'density', 'edges', 'lixels', 'incidents', 'lamps', 'parks', 'areas'];
function clickRank(name) {
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
export function hotspotStyle(info, geo) {
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
  const faint = classes.filter((c) => classColour(c) === NOT_SIGNIFICANT).flatMap((c) => [String(c), 0.15]);
  return {
    field, classes,
    paint: {
      'line-color': ['match', byClass, ...classes.flatMap((c) => [String(c), classColour(c)]), NOT_SIGNIFICANT],
      'line-opacity': faint.length ? ['match', byClass, ...faint, 0.9] : 0.9,
    },
  };
}

// The legend: [{title, items: [{colour, label, line}]}] for what is shown.
export function legendGroups(s) {
  const groups = [];
  const month = currentMonth(s);
  const rates = s.streetRates;
  if (s.visible.edges && s.streetColour === 'rate' && rates?.breaks.length) {
    const b = rates.breaks;
    groups.push({
      title: `${t('colour_rate')}${month ? `, ${month}` : ''}`, id: 'edges',
      items: [{ colour: NO_INCIDENTS, label: '0' }, ...b.map((x, i) => ({ colour: RAMP[i], label: i + 1 < b.length ? `${num(x, 2)} – ${num(b[i + 1], 2)}` : `≥ ${num(x, 2)}` }))],
    });
  }
  const density = s.hotspotStyle.density;
  if (s.visible.density && density?.breaks.length) {
    groups.push({ title: `${t('colour_density')} (${density.field})`, id: 'density', items: density.breaks.map((x, i) => ({ colour: RAMP[i], label: `≥ ${num(x, 3)}` })) });
  }
  for (const name of ['gistar', 'emerging']) {
    const h = s.hotspotStyle[name];
    if (!s.visible[name] || !h) continue;
    groups.push({ title: t(`colour_${name}`), id: name, items: h.classes.map((c) => ({ colour: classColour(c), label: String(c) })) });
  }
  if (s.visible.incidents && s.catalogue.parameters.length) {
    groups.push({
      title: t('incidents'), id: 'incidents',
      items: s.catalogue.parameters.map((p, i) => ({ p, colour: PARAM_COLOURS[i % PARAM_COLOURS.length] }))
        .filter(({ p }) => s.params.has(p.code)).map(({ p, colour }) => ({ colour, label: paramName(p), point: true })),
    });
  }
  return groups;
}

export function renderLegend(box, s) {
  box.textContent = '';
  for (const g of legendGroups(s)) {
    const h = document.createElement('div');
    h.className = 'muted';
    h.dataset.legend = g.id;
    h.textContent = g.title;
    box.appendChild(h);
    for (const it of g.items) {
      const d = document.createElement('div');
      d.className = 'item';
      d.dataset.legend = g.id;
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = it.colour;
      if (!it.point) sw.style.height = '5px';
      const x = document.createElement('span');
      x.textContent = it.label;
      d.append(sw, x);
      box.appendChild(d);
    }
  }
}

// The fields the viewer needs of the two big layers (all of them would double
// the download); only those the layer has, so an older run folder still loads.
const FIELDS = {
  incidents: ['incident_id', 'month', 'parameter', 'edge_id', 'lixel_id', 'park_id', 'stop_id', 'area_id'],
  edges: ['edge_id', 'length_m', 'name', 'highway', 'lit'],
};

// Keeps the map in step with the store: loads layers when they are switched on,
// shows and hides them, filters the incidents and colours the streets.
export function createMapLayers({ map, store, api }) {
  const loading = new Map();

  function beforeId(rank) {
    // The first map layer drawn above `rank`, so the new one goes under it.
    const style = map.getStyle();
    for (const l of style.layers) {
      const r = l.metadata?.['tryggve:rank'];
      if (r !== undefined && r > rank) return l.id;
    }
    return undefined;
  }
  function addLayer(spec, rank) {
    map.addLayer({ ...spec, metadata: { 'tryggve:rank': rank } }, beforeId(rank));
  }

  function addOverlays() {
    for (const id of ['scenario-diff', 'job-change', 'selection', 'draw']) map.addSource(id, { type: 'geojson', data: emptyFC() });
    const overlays = [
      { id: 'scenario-diff-line', type: 'line', source: 'scenario-diff', layout: { 'line-cap': 'round' },
        paint: { 'line-width': 5, 'line-color': ['interpolate', ['linear'], ['get', 'diff'], -1, '#1a9850', 0, '#f7f7f7', 1, '#d73027'] } },
      { id: 'job-change-line', type: 'line', source: 'job-change', layout: { 'line-cap': 'round' },
        paint: { 'line-width': 7, 'line-opacity': 0.9, 'line-color': ['interpolate', ['linear'], ['get', 'change'], -1, '#1a9850', -0.05, '#a6d96a', 0, '#ffffbf', 0.05, '#fdae61', 1, '#d73027'] } },
      { id: 'selection-line', type: 'line', source: 'selection', paint: { 'line-color': '#00b7ff', 'line-width': 6, 'line-opacity': 0.8 } },
      { id: 'draw-fill', type: 'fill', source: 'draw', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#00b7ff', 'fill-opacity': 0.15 } },
      { id: 'draw-line', type: 'line', source: 'draw', paint: { 'line-color': '#00b7ff', 'line-width': 2 } },
      { id: 'draw-pts', type: 'circle', source: 'draw', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-color': '#00b7ff', 'circle-radius': 4 } },
    ];
    overlays.forEach((l, i) => addLayer(l, OVERLAY_RANK + i));
  }

  async function fetchLayer(name) {
    const s = store.get();
    const info = layerInfo(s, name);
    const have = new Set(info.fields.map((f) => f.name));
    const fields = FIELDS[name]?.filter((f) => have.has(f));
    return api.layer(name, fields?.length ? { fields: fields.join(',') } : undefined);
  }

  function show(name, geo) {
    const s = store.get();
    const index = s.layers.findIndex((l) => l.name === name);
    const info = s.layers[index];
    if (map.getSource(name)) map.getSource(name).setData(geo);
    else map.addSource(name, { type: 'geojson', data: geo, ...(name === 'edges' ? { promoteId: 'edge_id' } : {}) });
    for (const l of styleLayers(info)) {
      if (map.getLayer(l.id)) continue;
      addLayer({ ...l, source: name, layout: { ...(l.layout || {}), visibility: s.visible[name] ? 'visible' : 'none' } }, rankOf(info, index));
    }
    if (name === 'incidents') map.setPaintProperty('incidents-circle', 'circle-color', paramColourExpr(s.catalogue.parameters));
  }

  // Loads a layer once (concurrent callers share the request).
  function load(name) {
    if (store.get().geo[name]) return Promise.resolve(store.get().geo[name]);
    if (!loading.has(name)) {
      loading.set(name, fetchLayer(name).then((geo) => {
        show(name, geo);
        store.set({ geo: { ...store.get().geo, [name]: geo } });
        return geo;
      }).finally(() => loading.delete(name)));
    }
    return loading.get(name);
  }

  function applyVisibility(name, on) {
    const info = layerInfo(store.get(), name);
    if (!info) return;
    for (const l of styleLayers(info)) if (map.getLayer(l.id)) map.setLayoutProperty(l.id, 'visibility', on ? 'visible' : 'none');
  }

  async function syncVisible(s, prev) {
    for (const [name, on] of Object.entries(s.visible)) {
      if (prev[name] === on) continue;
      if (on && !s.geo[name]) {
        store.set({ status: { text: t('loading'), error: false } });
        try {
          await load(name);
          store.set({ status: { text: '', error: false } });
        } catch (e) {
          store.set({ status: { text: `${name}: ${e.message}`, error: true } });
          continue;
        }
      }
      // The box may have changed again while the layer loaded.
      applyVisibility(name, !!store.get().visible[name]);
    }
  }

  function recolourStreets(s) {
    const edges = s.geo.edges;
    if (!edges || !map.getSource('edges')) return;
    const sel = selectIncidents(s.geo.incidents?.features, { month: currentMonth(s), params: paramFilter(s) });
    const rates = edgeRates(edges.features, sel);
    for (const [id, v] of rates.byEdge) map.setFeatureState({ source: 'edges', id }, v);
    store.set({ streetRates: { ...rates, count: sel.length } });
  }

  function styleHotspots(s, names) {
    const style = { ...s.hotspotStyle };
    for (const name of names) {
      const h = hotspotStyle(layerInfo(s, name), s.geo[name]);
      if (!h) continue;
      style[name] = h;
      for (const [k, v] of Object.entries(h.paint)) map.setPaintProperty(`${name}-line`, k, v);
    }
    store.set({ hotspotStyle: style });
  }

  let prevVisible = {};
  let prevGeo = {};
  store.subscribe(['visible'], (s) => { const p = prevVisible; prevVisible = s.visible; syncVisible(s, p); });
  store.subscribe(['monthIndex', 'params', 'catalogue', 'geo'], (s, changed) => {
    if (map.getLayer('incidents-circle')) map.setFilter('incidents-circle', incidentFilterExpr(currentMonth(s), paramFilter(s)));
    if (changed.has('catalogue') && map.getLayer('incidents-circle')) map.setPaintProperty('incidents-circle', 'circle-color', paramColourExpr(s.catalogue.parameters));
    const geoChanged = changed.has('geo') && (s.geo.edges !== prevGeo.edges || s.geo.incidents !== prevGeo.incidents);
    if (!changed.has('geo') || geoChanged) recolourStreets(s);
    const hot = HOTSPOT_LAYERS.filter((n) => s.geo[n] && s.geo[n] !== prevGeo[n]);
    prevGeo = s.geo;
    if (hot.length) styleHotspots(s, hot);
  });
  store.subscribe(['streetColour', 'streetRates'], (s) => {
    if (map.getLayer('edges-line')) map.setPaintProperty('edges-line', 'line-color', streetColourExpr(s.streetColour, s.streetRates?.breaks));
  });

  // What is under a click, best first, with the layer's full feature
  // (queryRenderedFeatures gives tiled, clipped geometry).
  function featuresAt(point, radius = 4) {
    const s = store.get();
    const ids = [];
    for (const info of s.layers) {
      if (!s.visible[info.name]) continue;
      const ls = styleLayers(info);
      // A polygon is clicked by its inside, not by its outline.
      const fill = ls.find((l) => l.type === 'fill');
      for (const l of fill ? [fill] : ls) if (map.getLayer(l.id)) ids.push(l.id);
    }
    if (!ids.length) return [];
    const hits = map.queryRenderedFeatures([[point.x - radius, point.y - radius], [point.x + radius, point.y + radius]], { layers: ids });
    return hits.sort((a, b) => clickRank(nameOfMapLayer(a.layer.id)) - clickRank(nameOfMapLayer(b.layer.id))).map((h) => {
      const layer = nameOfMapLayer(h.layer.id);
      const full = s.geo[layer]?.features.find((f) => f.id === h.id);
      return { layer, feature: full || { id: h.id, properties: h.properties, geometry: h.geometry } };
    });
  }

  return { addOverlays, load, featuresAt };
}
