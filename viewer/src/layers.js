// The map's layers kept in step with the store: each layer /api/layers lists
// is loaded when it is switched on, styled (styles.js), shown or hidden; the
// incidents follow the month and parameter filter and the streets are coloured
// by the selection's incidents. Also the legend that explains the colours.
import { t, num, paramName, lang } from './i18n.js';
import { RAMP, classColour, className, selectIncidents, edgeRates } from './classify.js';
import {
  HOTSPOT_LAYERS, PARAM_COLOURS, NO_INCIDENTS, OVERLAYS, OVERLAY_RANK, styleLayers, rankOf, clickRank, nameOfMapLayer,
  streetColourExpr, paramColourExpr, incidentFilterExpr, hotspotStyle,
} from './styles.js';
import { currentMonth, paramFilter, layerInfo } from './store.js';
import { emptyFC } from './geometry.js';

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
    groups.push({ title: t(`colour_${name}`), id: name, items: h.classes.map((c) => ({ colour: classColour(c, s.classes), label: className(c, s.classes, lang()) })) });
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
    for (const id of new Set(OVERLAYS.map((l) => l.source))) map.addSource(id, { type: 'geojson', data: emptyFC() });
    OVERLAYS.forEach((l, i) => addLayer(l, OVERLAY_RANK + i));
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
      const h = hotspotStyle(layerInfo(s, name), s.geo[name], s.classes);
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
