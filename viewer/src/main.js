// Tryggve's viewer: the engine's own streets, parks, stops and areas on a map,
// the incidents by month and parameter, the hotspot layers, scenario results,
// plan lists and an intervention editor that runs a simulation job on the
// server. Everything comes from the local `tryggve serve` API: no CDN, no
// external tiles unless the user gives a base-map URL.
//
// This file only wires the parts together: the API client, the store, the map
// and its layers, and one module per panel. The panels talk through the store.
import * as maplibregl from 'maplibre-gl';
// MapLibre 6 runs its tile work in a worker loaded from a file of its own: vite
// copies it into the bundle and gives its URL (same origin, no CDN).
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import './style.css';
import { lang, setLang, applyStatic } from './i18n.js';
import { createApi } from './api.js';
import { createStore, initialState } from './store.js';
import { createMapLayers } from './layers.js';
import { DEFAULT_ON } from './styles.js';
import { bboxOf } from './geometry.js';
import { mountLayersPanel } from './panels/layers.js';
import { mountFilters } from './panels/filters.js';
import { mountLegend } from './panels/legend.js';
import { mountDetails } from './panels/details.js';
import { mountSituation } from './panels/situation.js';
import { mountScenarios } from './panels/scenarios.js';
import { mountPlans } from './panels/plans.js';
import { mountEditor } from './panels/editor.js';
import { mountWorkspace } from './panels/workspace.js';
import { mountExport } from './export.js';

// New stages (hotspots, plan, scenarios) written while the page is open show up
// without a reload.
const REFRESH_MS = 15000;
// Loaded whether shown or not: the street colours, the numbers in the panels
// and the CSV export are computed from them.
const ALWAYS = ['edges', 'incidents'];

const $ = (id) => document.getElementById(id);

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
// Double-click ends an area in the editor.
map.doubleClickZoom.disable();

const api = createApi();
const store = createStore({ ...initialState(), lang: lang() });
const mapLayers = createMapLayers({ map, store, api });
const ctx = { store, map, mapLayers, api, $, storage: localStorage };

// For the end-to-end tests: the state behind what is drawn.
const hook = { get state() { return store.get(); }, map, ready: false, renders: 0 };
window.__tryggve = hook;
map.on('render', () => { hook.renders++; });

const layersPanel = mountLayersPanel(ctx);
mountFilters(ctx);
mountLegend(ctx);
mountDetails(ctx);
mountSituation(ctx);
mountScenarios(ctx);
mountPlans(ctx);
mountEditor(ctx);
mountWorkspace(ctx);
mountExport(ctx);

store.subscribe(['status'], (s) => {
  $('status').textContent = s.status.text || '';
  $('status').className = s.status.error ? 'error' : 'muted';
});
store.subscribe(['runName'], (s) => { $('run-name').textContent = s.runName; });
store.subscribe(['lang'], () => {
  applyStatic();
  $('lang').textContent = lang() === 'en' ? 'SV' : 'EN';
});
$('lang').addEventListener('click', () => {
  setLang(lang() === 'en' ? 'sv' : 'en');
  store.set({ lang: lang() });
});

// New layers get their default visibility; the ones already there keep the user's.
async function refreshLayers() {
  const { layers, data, classes } = await api.layers();
  const s = store.get();
  // Unchanged: leave the store alone, so the layer list is not rebuilt under the user's pointer.
  if (data === s.runName && JSON.stringify(layers) === JSON.stringify(s.layers)) return;
  const visible = { ...s.visible };
  for (const l of layers) if (visible[l.name] === undefined) visible[l.name] = DEFAULT_ON.has(l.name);
  store.set({ layers, runName: data, visible, classes: classes || {} });
}

async function start() {
  applyStatic();
  $('lang').textContent = lang() === 'en' ? 'SV' : 'EN';
  let catalogue;
  try {
    [, catalogue] = await Promise.all([
      new Promise((r) => (map.loaded() ? r() : map.once('load', r))),
      api.catalogue(),
    ]);
  } catch (e) { store.set({ status: { text: e.message, error: true } }); return; }
  mapLayers.addOverlays();
  layersPanel.restoreBasemap();
  store.set({ catalogue, params: new Set(catalogue.parameters.map((p) => p.code)) });
  try {
    await refreshLayers();
    const s = store.get();
    const wanted = s.layers.filter((l) => ALWAYS.includes(l.name) || s.visible[l.name]).map((l) => l.name);
    await Promise.all(wanted.map((n) => mapLayers.load(n)));
  } catch (e) { store.set({ status: { text: e.message, error: true } }); }
  const edges = store.get().geo.edges;
  if (edges?.features.length) {
    const b = bboxOf(edges.features);
    map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 20, duration: 0 });
  }
  store.set({ started: true });
  map.once('idle', () => { hook.ready = true; });
  setInterval(() => refreshLayers().catch(() => { /* the server is restarting: try again next time */ }), REFRESH_MS);
}

start();
