// End-to-end: a real `tryggve serve` on a small run folder, Debian's chromium
// driven by playwright-core. Loads the page, switches layers, moves the month
// slider, filters a parameter, clicks a street and a Gi* hot spot, shows the
// density and emerging classes, compares two scenarios, follows the plan lists
// to the map, runs interventions on selected streets and on a drawn area, and
// exports the view; each step checks what the map and the panels show. A
// second server with a workspace (`serve --workspace`) shows the monthly
// cycle's panel. Screenshots go to viewer/test-results/.
//
//   TRYGGVE_BIN       the tryggve executable (default ../build/cli/tryggve)
//   TRYGGVE_E2E_DATA  a run folder (default: made here with `tryggve demo-map`, `run`, `hotspots`, `plan`)
//   TRYGGVE_E2E_WORKSPACE  a workspace GeoPackage (default: made here with `tryggve demo --cycle-only`)
//   CHROMIUM          the browser (default /usr/bin/chromium)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const viewer = path.resolve(here, '..');
const root = path.resolve(viewer, '..');
const bin = process.env.TRYGGVE_BIN || path.join(root, 'build', 'cli', 'tryggve');
const shots = path.join(viewer, 'test-results');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

let server, wsServer, browser, page, base, scratch, runFolder;
const pageErrors = [];

// A run folder the viewer can re-run: `tryggve run` on a small scenario over a
// freshly generated demo district (map.gpkg, scenarios/, resolved.yaml), with
// the hotspot layers (hotspots.gpkg: density, gistar, emerging) and the plan
// lists (plan/watch_list.csv, plan/lighting.csv) made from the same inputs.
function makeRunFolder() {
  if (process.env.TRYGGVE_E2E_DATA) return process.env.TRYGGVE_E2E_DATA;
  scratch = mkdtempSync(path.join(tmpdir(), 'tryggve-e2e-'));
  const demo = path.join(scratch, 'demo');
  const run = path.join(scratch, 'run');
  const tryggve = (...args) => execFileSync(bin, ['-q', ...args], { stdio: 'inherit' });
  // Few months and replicates keep the run short; the page does not depend on them.
  tryggve('demo-map', '--out', demo, '--months', '8');
  const inputs = {
    streets: `${demo}/streets.osm`, incidents: `${demo}/incidents_raw.csv`, parks: `${demo}/parks.gpkg`,
    stops: `${demo}/stops.gpkg`, lamps: `${demo}/lamps.gpkg`, areas: `${demo}/areas.gpkg`, places: `${demo}/places.gpkg`,
    crs: 'EPSG:3006', timezone: 'Europe/Stockholm',
  };
  const yaml = `version: 1
name: e2e
description: viewer end-to-end test
seed: 20261201
inputs:
${Object.entries(inputs).map(([k, v]) => `  ${k}: ${v}`).join('\n')}
stages:
  map: {}
  simulate:
    fit_months: 8
    forecast_months: 3
    replicates: 60
scenarios:
  - name: park-lighting
    description: lamps along the park paths
    interventions:
      - type: lighting
        name: park paths
        where:
          - park: Ekbackaparken
        lamps: 30
  - name: square-patrols
    description: evening patrols at the square
    interventions:
      - type: patrol
        name: torget
        where:
          - place: Kvarnbo torg
            radius_m: 150
        when:
          weekdays: [fre, lör]
          hours: "18-24"
        visits_per_week: 8
`;
  writeFileSync(path.join(scratch, 'e2e.yaml'), yaml);
  tryggve('run', path.join(scratch, 'e2e.yaml'), '--out', run);
  const cli = Object.entries(inputs).flatMap(([k, v]) => [`--${k}`, v]);
  // `tryggve run` writes hotspots.gpkg only with stages.hotspots. Analytical
  // Gi* and no backtest: the layers are the same, in a fraction of the time.
  if (!existsSync(path.join(run, 'hotspots.gpkg'))) tryggve('hotspots', ...cli, '--out', run, '--permutations', '0', '--no-backtest');
  tryggve('plan', 'patrol', ...cli, '--out', run, '--backtest-months', '0', '--draws', '100');
  tryggve('plan', 'lighting', ...cli, '--out', run, '--draws', '100');
  return run;
}

// The monthly cycle on the same small district: its months taken in actor by
// actor, the deployments recorded and the latest month assessed (`tryggve demo
// --cycle-only` reuses the district makeRunFolder generated).
function makeWorkspace() {
  if (process.env.TRYGGVE_E2E_WORKSPACE) return process.env.TRYGGVE_E2E_WORKSPACE;
  scratch ??= mkdtempSync(path.join(tmpdir(), 'tryggve-e2e-'));
  const ws = path.join(scratch, 'workspace.gpkg');
  execFileSync(bin, ['-q', 'demo', '--district', path.join(scratch, 'demo'), '--months', '8', '--cycle-only', '--workspace', ws], { stdio: 'inherit' });
  return ws;
}

function startServer(data, extra = []) {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, ['serve', '--data', data, '--port', '0', '--static-dir', path.join(viewer, 'dist'), ...extra],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`tryggve serve did not start: ${out}`)), 20000);
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/[0-9.]+:(\d+)\//);
      if (m) { clearTimeout(timer); resolve({ proc: p, url: m[0] }); }
    });
    p.on('exit', (code) => { clearTimeout(timer); reject(new Error(`tryggve serve exited with ${code}: ${out}`)); });
  });
}

async function shot(name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`) });
  return page.locator('#map canvas').screenshot();
}
// Share of pixels that differ between two PNG screenshots of the map (decoded
// in the page: the browser has a PNG decoder, node does not without a package).
async function pixelChange(a, b) {
  return page.evaluate(async ([x, y]) => {
    const load = async (b64) => { const img = new Image(); img.src = `data:image/png;base64,${b64}`; await img.decode(); return img; };
    const [ia, ib] = await Promise.all([load(x), load(y)]);
    const c = document.createElement('canvas');
    c.width = ia.width; c.height = ia.height;
    const g = c.getContext('2d', { willReadFrequently: true });
    g.drawImage(ia, 0, 0); const da = g.getImageData(0, 0, c.width, c.height).data;
    g.clearRect(0, 0, c.width, c.height);
    g.drawImage(ib, 0, 0); const db = g.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < da.length; i += 4) if (Math.abs(da[i] - db[i]) + Math.abs(da[i + 1] - db[i + 1]) + Math.abs(da[i + 2] - db[i + 2]) > 30) n++;
    return n / (da.length / 4);
  }, [a.toString('base64'), b.toString('base64')]);
}
async function settle() {
  await page.waitForFunction(() => window.__tryggve.ready);
  // Wait for the map to have drawn everything it was asked to (idle after a repaint).
  // Resolve with nothing: the event holds the whole map, and page.evaluate
  // would serialise all of it back to node (seconds per call).
  await page.evaluate(() => new Promise((r) => { const m = window.__tryggve.map; m.once('idle', () => r()); m.triggerRepaint(); }));
}
const mapShot = () => page.locator('#map canvas').screenshot();
// A lon/lat as a pixel of the page.
async function pagePoint(lon, lat) {
  const px = await page.evaluate(([x, y]) => window.__tryggve.map.project([x, y]), [lon, lat]);
  const box = await page.locator('#map').boundingBox();
  return { x: box.x + px.x, y: box.y + px.y };
}
// Map calls in page.evaluate return nothing: a returned Map would be
// serialised whole (seconds each time).
async function jumpTo({ lon, lat }, zoom) {
  await page.evaluate(([x, y, z]) => { window.__tryggve.map.jumpTo({ center: [x, y], zoom: z }); }, [lon, lat, zoom]);
  await settle();
}
// The whole district in view, as after loading.
async function fitAll() {
  await page.evaluate(() => {
    const b = [Infinity, Infinity, -Infinity, -Infinity];
    for (const f of window.__tryggve.state.geo.edges.features) {
      for (const [x, y] of f.geometry.coordinates) { b[0] = Math.min(b[0], x); b[1] = Math.min(b[1], y); b[2] = Math.max(b[2], x); b[3] = Math.max(b[3], y); }
    }
    window.__tryggve.map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 20, duration: 0 });
  });
  await settle();
}
// Opens a closed <details> section of the panel (its content is not clickable otherwise).
const openSection = (id) => page.evaluate((x) => { document.getElementById(x).open = true; }, id);

before(async () => {
  assert.ok(existsSync(bin), `no tryggve executable at ${bin} (set TRYGGVE_BIN)`);
  assert.ok(existsSync(path.join(viewer, 'dist', 'index.html')), 'viewer not built: npm run build');
  mkdirSync(shots, { recursive: true });
  runFolder = makeRunFolder();
  const s = await startServer(runFolder);
  server = s.proc;
  base = s.url;
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: FLAGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await watch(page, base);
});

// A missing situation.json is an expected 404 (the stage has not run), and so is
// /api/workspace on a server without one; any other failed request or console
// error fails the test. Nothing may leave the machine: every request must go to
// the local server.
async function watch(p, origin) {
  p.on('pageerror', (e) => pageErrors.push(String(e)));
  p.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(m.text()); });
  p.on('response', (r) => { if (r.status() >= 400 && !/\/api\/(situation|workspace)$/.test(r.url())) pageErrors.push(`${r.status()} ${r.url()}`); });
  await p.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith(origin) || u.startsWith('data:') || u.startsWith('blob:')) return route.continue();
    pageErrors.push(`external request: ${u}`);
    return route.abort();
  });
}

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  wsServer?.kill('SIGTERM');
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('the page loads the engine\'s layers without external requests', async () => {
  await page.goto(base);
  await page.waitForFunction(() => window.__tryggve.ready, null, { timeout: 60000 });
  const layers = await page.$$eval('#layer-list input', (els) => els.map((e) => e.dataset.layer));
  for (const l of ['edges', 'incidents', 'parks', 'stops', 'areas']) assert.ok(layers.includes(l), `layer ${l} offered`);
  const n = await page.evaluate(() => window.__tryggve.state.geo.incidents.features.length);
  assert.ok(n > 100, `incidents loaded: ${n}`);
  const params = await page.$$eval('#param-list input', (els) => els.length);
  assert.ok(params >= 10, `parameters listed: ${params}`);
  await shot('01-loaded');
  assert.equal(await page.locator('#sec-workspace').isHidden(), true, 'no workspace, no workspace panel');
  assert.deepEqual(pageErrors, []);
});

test('switching a layer off and on changes the map', async () => {
  await settle();
  const before = await shot('02-before-layer');
  await page.uncheck('#layer-list input[data-layer="incidents"]');
  await page.uncheck('#layer-list input[data-layer="edges"]');
  await settle();
  const off = await shot('03-layers-off');
  assert.ok(await pixelChange(before, off) > 0.005, 'map changed when streets and incidents went off');
  await page.check('#layer-list input[data-layer="edges"]');
  await page.check('#layer-list input[data-layer="incidents"]');
  await settle();
  const on = await shot('04-layers-on');
  assert.ok(await pixelChange(off, on) > 0.005, 'map changed back');
});

test('the month slider filters the incidents and recolours the streets', async () => {
  const all = await page.evaluate(() => window.__tryggve.state.streetRates.count);
  const a = await page.locator('#map canvas').screenshot();
  await page.locator('#month').fill('1');
  await settle();
  const m1 = await page.evaluate(() => ({ n: window.__tryggve.state.streetRates.count, rate: window.__tryggve.state.streetRates.sum, label: document.getElementById('month-label').textContent }));
  assert.match(m1.label, /^\d{4}-\d\d$/);
  assert.ok(m1.n > 0 && m1.n < all, `month 1 has fewer incidents (${m1.n}) than all (${all})`);
  const b = await shot('05-month-1');
  assert.ok(await pixelChange(a, b) > 0.002, 'map changed with the month');
  await page.locator('#month').fill('3');
  await settle();
  const m3 = await page.evaluate(() => ({ n: window.__tryggve.state.streetRates.count, label: document.getElementById('month-label').textContent }));
  assert.notEqual(m3.label, m1.label);
  assert.ok(m3.n > 0);
  await shot('06-month-3');
});

test('a parameter filter and the language switch', async () => {
  await page.click('#sec-params summary');
  await page.click('#params-none');
  assert.equal(await page.evaluate(() => window.__tryggve.state.streetRates.count), 0);
  await page.locator('#param-list input').first().check();
  const one = await page.evaluate(() => window.__tryggve.state.streetRates.count);
  await page.click('#params-all');
  const all = await page.evaluate(() => window.__tryggve.state.streetRates.count);
  assert.ok(one > 0 && one < all, `one parameter ${one} < all ${all}`);
  const sv = await page.textContent('#sec-layers summary');
  await page.click('#lang');
  const en = await page.textContent('#sec-layers summary');
  assert.notEqual(sv, en);
  assert.equal(en, 'Layers');
  await page.click('#lang');
  assert.equal(await page.textContent('#sec-layers summary'), 'Lager');
});

async function busiestEdgePoint() {
  // The street segment with the most incidents, as a pixel on the map.
  return page.evaluate(() => {
    const s = window.__tryggve.state;
    const counts = new Map();
    for (const f of s.geo.incidents.features) counts.set(f.properties.edge_id, (counts.get(f.properties.edge_id) || 0) + 1);
    const [id] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    const e = s.geo.edges.features.find((f) => f.properties.edge_id === id);
    const c = e.geometry.coordinates;
    const mid = c[Math.floor(c.length / 2)], prev = c[Math.max(0, Math.floor(c.length / 2) - 1)];
    return { id, lon: (mid[0] + prev[0]) / 2, lat: (mid[1] + prev[1]) / 2 };
  });
}

test('clicking a street shows its numbers and a monthly chart', async () => {
  await page.locator('#month').fill('0');
  const target = await busiestEdgePoint();
  await jumpTo(target, 17);
  const p = await pagePoint(target.lon, target.lat);
  await page.mouse.click(p.x, p.y);
  await page.waitForSelector('#details-total');
  const n = Number(await page.getAttribute('#details-total', 'data-count'));
  assert.ok(n > 0, `the busiest street has incidents: ${n}`);
  assert.ok(await page.locator('#details svg.chart rect').count() >= 1, 'a monthly chart');
  await shot('07-street-details');
});

test('the density and Gi* layers are coloured by their classes, with legends', async () => {
  const offered = await page.$$eval('#layer-list input', (els) => els.map((e) => e.dataset.layer));
  for (const l of ['density', 'gistar', 'emerging']) assert.ok(offered.includes(l), `layer ${l} offered`);
  await fitAll();
  // Gi* is on from the start: each class has its colour on the map and a line in the legend.
  const gi = await page.evaluate(() => {
    const s = window.__tryggve.state, m = window.__tryggve.map;
    return {
      classes: s.hotspotStyle.gistar?.classes || [],
      field: s.hotspotStyle.gistar?.field,
      colour: m.getPaintProperty('gistar-line', 'line-color'),
      opacity: m.getPaintProperty('gistar-line', 'line-opacity'),
      legend: [...document.querySelectorAll('#legend .item[data-legend="gistar"]')].map((e) => e.textContent),
      // The server's vocabulary names each class (core/hotspot_classes.hpp), in the viewer's language.
      names: (s.hotspotStyle.gistar?.classes || []).map((c) => s.classes[c]?.[localStorage.getItem('tryggve.lang') === 'en' ? 'en' : 'sv']),
    };
  });
  const hot = gi.classes.filter((c) => /hot/.test(c));
  assert.ok(hot.length >= 1, `a hot class among ${gi.classes}`);
  assert.ok(gi.names.every((n) => typeof n === 'string' && n.length > 0), `every Gi* class is named: ${gi.names}`);
  assert.deepEqual(gi.legend, gi.names);
  assert.equal(gi.colour[0], 'match');
  const colourOf = (expr, c) => expr[expr.indexOf(c, 2) + 1];
  const red = (hex) => { const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)); return r > g + 60 && r > b + 60; };
  for (const c of hot) assert.ok(red(colourOf(gi.colour, c)), `hot class ${c} is red: ${colourOf(gi.colour, c)}`);
  const quiet = gi.classes.find((c) => !/hot|cold/.test(c));
  if (quiet) assert.equal(colourOf(gi.opacity, quiet), 0.15, `the ${quiet} segments are faint`);

  // A click on a hot segment gives its numbers: the incidents on that street.
  const seg = await page.evaluate((field) => {
    const s = window.__tryggve.state;
    const f = s.geo.gistar.features.find((x) => /hot/.test(x.properties[field]));
    const c = f.geometry.coordinates, i = Math.floor(c.length / 2);
    const n = s.geo.incidents.features.filter((x) => x.properties.edge_id === f.properties.edge_id).length;
    return { id: f.properties.edge_id, lon: (c[i][0] + c[Math.max(0, i - 1)][0]) / 2, lat: (c[i][1] + c[Math.max(0, i - 1)][1]) / 2, n };
  }, gi.field);
  await jumpTo(seg, 17);
  const p = await pagePoint(seg.lon, seg.lat);
  await page.mouse.click(p.x, p.y);
  await page.waitForFunction((id) => window.__tryggve.state.details?.layer === 'gistar' && window.__tryggve.state.details.feature.properties.edge_id === id, seg.id);
  assert.ok(seg.n > 0, 'a hot spot has incidents');
  assert.equal(Number(await page.getAttribute('#details-total', 'data-count')), seg.n);
  assert.match(await page.textContent('#details strong'), /Gi\*/);

  // Density: off at first; on, it colours the street pieces by quantile classes.
  await fitAll();
  const before = await mapShot();
  await page.check('#layer-list input[data-layer="density"]');
  await page.waitForFunction(() => window.__tryggve.state.hotspotStyle.density?.breaks.length > 0);
  await settle();
  const after = await shot('09-density');
  const d = await page.evaluate(() => ({
    style: window.__tryggve.state.hotspotStyle.density,
    colour: window.__tryggve.map.getPaintProperty('density-line', 'line-color'),
    legend: document.querySelectorAll('#legend .item[data-legend="density"]').length,
  }));
  assert.equal(d.style.breaks.length, 5);
  for (let i = 1; i < 5; i++) assert.ok(d.style.breaks[i] > d.style.breaks[i - 1], 'rising class breaks');
  assert.deepEqual(d.colour.slice(0, 2), ['step', ['coalesce', ['get', d.style.field], 0]]);
  assert.equal(d.legend, 5);
  assert.ok(await pixelChange(before, after) > 0.01, 'the density is drawn');

  // Emerging hot spots: their own classes and legend.
  await page.uncheck('#layer-list input[data-layer="density"]');
  await page.check('#layer-list input[data-layer="emerging"]');
  await page.waitForFunction(() => window.__tryggve.state.hotspotStyle.emerging?.classes.length > 0);
  const em = await page.evaluate(() => ({
    classes: window.__tryggve.state.hotspotStyle.emerging.classes,
    legend: [...document.querySelectorAll('#legend .item[data-legend="emerging"]')].map((e) => e.textContent),
    names: window.__tryggve.state.hotspotStyle.emerging.classes.map((c) => window.__tryggve.state.classes[c]?.[localStorage.getItem('tryggve.lang') === 'en' ? 'en' : 'sv']),
  }));
  assert.ok(em.names.every((n) => typeof n === 'string' && n.length > 0), `every emerging class is named: ${em.names}`);
  assert.deepEqual(em.legend, em.names);
  assert.ok(em.classes.length >= 2, `emerging classes: ${em.classes}`);
  await page.uncheck('#layer-list input[data-layer="emerging"]');
  assert.equal(await page.locator('#legend .item[data-legend="emerging"]').count(), 0, 'the legend follows the layer');
});

test('two scenarios side by side: the figures, B − A and the difference map', async () => {
  await openSection('sec-scenarios');
  const names = await page.$$eval('#scenario-a option', (os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual(names, ['park-lighting', 'square-patrols']);
  await fitAll();
  const before = await mapShot();
  await page.selectOption('#scenario-a', 'park-lighting');
  await page.selectOption('#scenario-b', 'square-patrols');
  const key = 'totals.difference_true.mean';
  const cells = `#scenario-table tr[data-key="${key}"] td[data-value]`;
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 3 && window.__tryggve.state.scenarioDiff?.count > 0, cells);
  await settle();
  const after = await shot('10-scenario-difference');
  const [a, b, diff] = (await page.$$eval(cells, (tds) => tds.map((td) => Number(td.dataset.value))));
  // The same numbers as the run folder's result.json and cells.csv files; on
  // the map, per street, B − A of cells.csv's difference scaled by the largest.
  const check = await page.evaluate(async () => {
    const [ra, rb] = await Promise.all(['park-lighting', 'square-patrols'].map(async (n) => (await fetch(`/api/scenarios/${n}`)).json()));
    const per = (rows) => { const m = new Map(); for (const r of rows) m.set(r.edge, (m.get(r.edge) || 0) + r.difference); return m; };
    const ma = per(ra.tables.cells), mb = per(rb.tables.cells);
    let maxAbs = 0, top = null;
    for (const id of new Set([...ma.keys(), ...mb.keys()])) {
      const v = (mb.get(id) || 0) - (ma.get(id) || 0);
      if (Math.abs(v) > maxAbs) { maxAbs = Math.abs(v); top = { id, sign: Math.sign(v) }; }
    }
    const drawn = window.__tryggve.map.queryRenderedFeatures({ layers: ['scenario-diff-line'] });
    return {
      a: ra.result.totals.difference_true.mean, b: rb.result.totals.difference_true.mean,
      drawn: drawn.length, maxAbs, state: window.__tryggve.state.scenarioDiff,
      top: drawn.find((f) => f.properties.edge_id === top.id)?.properties.diff, sign: top.sign,
    };
  });
  assert.equal(a, check.a);
  assert.equal(b, check.b);
  assert.ok(Math.abs(diff - (b - a)) < 1e-9, `B − A: ${diff} vs ${b - a}`);
  assert.match(await page.textContent('#scenario-diff-note'), /: difference$/, 'cells.csv\'s difference column');
  assert.ok(check.drawn > 50, `streets on the difference map: ${check.drawn}`);
  assert.ok(Math.abs(check.state.maxAbs - check.maxAbs) < 1e-6, 'scaled by the largest difference');
  assert.equal(check.top, check.sign, 'the street that changes most is at the end of the ramp');
  assert.ok(await pixelChange(before, after) > 0.01, 'the difference map is drawn');

  // One scenario alone: its figures, no difference.
  await page.selectOption('#scenario-a', '');
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 1, cells);
  assert.equal(await page.getAttribute(`#scenario-table tr[data-key="${key}"] td:nth-child(3)`, 'data-value'), String(b));
  await page.selectOption('#scenario-b', '');
  await page.waitForFunction(() => window.__tryggve.state.scenarioDiff === null && !document.querySelector('#scenario-table'));
  await settle();
  assert.equal(await page.evaluate(() => window.__tryggve.map.queryRenderedFeatures({ layers: ['scenario-diff-line'] }).length), 0);
});

test('the plan lists: the watch list and the lighting ranking lead to the map', async () => {
  await openSection('sec-scenarios');
  await page.waitForSelector('#plan-lists ol[data-plan="watch_list"] li');
  const api = await page.evaluate(async () => ({
    watch: await (await fetch('/api/plan/watch_list')).json(),
    lighting: await (await fetch('/api/plan/lighting')).json(),
  }));
  const watch = await page.$$eval('ol[data-plan="watch_list"] li', (ls) => ls.map((l) => ({ text: l.textContent, edge: l.dataset.edge })));
  const lighting = await page.$$eval('ol[data-plan="lighting"] li', (ls) => ls.map((l) => l.textContent));
  assert.ok(api.watch.length >= 1 && api.lighting.length >= 1, 'the plan wrote both lists');
  assert.equal(watch.length, Math.min(15, api.watch.length));
  assert.equal(lighting.length, Math.min(15, api.lighting.length));
  assert.deepEqual(watch.map((w) => Number(w.edge)), api.watch.slice(0, 15).map((r) => r.edge_id), 'in the plan\'s order');
  assert.ok(lighting[0].startsWith(api.lighting[0].name), `${lighting[0]} is ${api.lighting[0].name}`);

  // A watch-list place: its street is selected, in view, with its numbers.
  const first = api.watch[0];
  await fitAll();
  await page.click('ol[data-plan="watch_list"] li >> nth=0');
  await page.waitForFunction((id) => window.__tryggve.state.details?.feature.properties.edge_id === id, first.edge_id);
  const w = await page.evaluate((id) => {
    const s = window.__tryggve.state, m = window.__tryggve.map;
    const e = s.geo.edges.features.find((f) => f.properties.edge_id === id);
    return { selected: [...s.selectedEdges], inView: e.geometry.coordinates.every((c) => m.getBounds().contains(c)), zoom: m.getZoom() };
  }, first.edge_id);
  assert.deepEqual(w.selected, [first.edge_id]);
  assert.ok(w.inView && w.zoom > 15, `the street fills the view (zoom ${w.zoom})`);
  assert.ok(await page.locator('#details-total').count() === 1);

  // A lighting project: the map goes to it.
  const lp = api.lighting[0];
  assert.equal(typeof lp.lon, 'number', 'the server gives plan rows lon/lat');
  await page.click('ol[data-plan="lighting"] li >> nth=0');
  await page.waitForFunction(([lon, lat]) => {
    const m = window.__tryggve.map, c = m.getCenter();
    return !m.isMoving() && Math.abs(c.lng - lon) < 1e-5 && Math.abs(c.lat - lat) < 1e-5 && m.getZoom() > 15.9;
  }, [lp.lon, lp.lat], { timeout: 20000 });
  await page.click('#sel-clear');
  assert.equal(await page.evaluate(() => window.__tryggve.state.selectedEdges.size), 0);
});

test('an intervention runs as a job and changes the map and the numbers', async () => {
  const target = await busiestEdgePoint();
  await jumpTo(target, 17);
  await page.selectOption('#iv-type', 'patrol');
  // Around the clock, every day: the strongest patrol the editor allows, so the
  // change is clearly below zero even with few replicates.
  await page.fill('#iv-from', '0');
  await page.fill('#iv-to', '24');
  for (const cb of await page.locator('#iv-days input').all()) await cb.check();
  await page.fill('#iv-size', '40');
  await page.fill('#iv-months', '3');
  await page.fill('#iv-replicates', '60');
  await page.click('#mode-select');
  const p = await pagePoint(target.lon, target.lat);
  await page.mouse.click(p.x, p.y);
  await page.waitForFunction(() => window.__tryggve.state.selectedEdges.size === 1);
  await page.click('#mode-select');
  await settle();
  const runner = await page.evaluate(async () => (await (await fetch('/api/jobs')).json()).runner);
  await page.click('#run-job');
  if (!runner) {
    // A build without the scenario runner must say so, not pretend.
    await page.waitForSelector('#job-result.error');
    assert.match(await page.textContent('#job-result'), /scenario runner|simuleringar|simulations/i);
    await shot('08-no-runner');
    return;
  }
  await page.waitForSelector('#job-table', { timeout: 60000 });
  const job = await page.evaluate(() => window.__tryggve.state.lastJob);
  assert.equal(job.state, 'done');
  const r = job.result;
  assert.ok(r.baseline.mean > 0, 'a baseline to change');
  assert.ok(r.change.mean < 0, `patrols on the busiest street lower the expected count: ${r.change.mean}`);
  assert.ok(r.change.lo <= r.change.mean && r.change.mean <= r.change.hi, 'the interval holds the mean');
  assert.ok(r.edges.length >= 1);
  await settle();
  const after = await shot('08-intervention');
  // The change layer draws it. The instant what-if on the same edit may have drawn the
  // same change before the job ran (it is the same run), so the map is compared with
  // itself with that layer hidden, not with the map before the job.
  const changeLayer = (v) => page.evaluate((vis) => window.__tryggve.map.setLayoutProperty('job-change-line', 'visibility', vis), v);
  await changeLayer('none');
  await settle();
  const hidden = await mapShot();
  await changeLayer('visible');
  await settle();
  assert.ok(await pixelChange(hidden, after) > 0.001, 'the simulated change is drawn');
  const text = await page.textContent('#job-table');
  assert.match(text, /\d/);
  // Recorded next to true: what the reports will show, a row of its own.
  assert.ok(r.recorded && r.recorded.baseline.mean > 0 && r.recorded.baseline.mean < r.baseline.mean, JSON.stringify(r.recorded));
  assert.equal(await page.locator('#job-recorded').count(), 1);
});

test('an edit asks an instant what-if: the first answer, then the refined one', async () => {
  const runner = await page.evaluate(async () => (await (await fetch('/api/jobs')).json()).runner);
  if (!runner) return;
  const target = await busiestEdgePoint();
  await page.click('#sel-clear');
  await jumpTo(target, 17);
  await page.fill('#iv-replicates', '300');
  // With an early rise: the editor sends it as the grammar's reaction.
  await page.fill('#iv-rise', '50');
  // Record every answer the page shows (first and refined) as it shows them.
  await page.evaluate(() => {
    window.__answers = [];
    const seen = () => {
      const j = window.__tryggve.state.lastJob;
      if (j && j.result && !window.__answers.includes(j)) window.__answers.push(j);
      requestAnimationFrame(seen);
    };
    seen();
  });
  const posted = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/jobs') && r.method() === 'POST') posted.push(JSON.parse(r.postData())); });
  await page.click('#mode-select');
  const p = await pagePoint(target.lon, target.lat);
  await page.mouse.click(p.x, p.y);
  await page.click('#mode-select');
  // No button: the edit itself asks.
  await page.waitForFunction(() => { const j = window.__tryggve.state.lastJob; return j && j.result && j.refining === false; }, null, { timeout: 60000 });
  const answers = await page.evaluate(() => window.__answers.map((j) => ({ n: j.result.replicates, refining: j.refining, change: j.result.change.mean })));
  const last = answers[answers.length - 1];
  assert.equal(last.n, 300);
  assert.ok(answers.every((a) => a.n === 100 || a.n === 300), JSON.stringify(answers));
  if (answers.length > 1) assert.deepEqual(answers[0], { n: 100, refining: true, change: answers[0].change });
  const asked = posted.filter((b) => b.kind === 'whatif');
  assert.ok(asked.length >= 1 && asked.every((b) => b.client === asked[0].client), 'what-ifs from one client');
  const rise = asked[asked.length - 1].intervention.reaction;
  assert.ok(rise && rise.peak_rise === 0.5 && rise.decay_weeks === 6 && rise.parameters.length >= 1, JSON.stringify(rise));
  assert.equal(await page.locator('#job-refining').count(), 0, 'the refined answer says nothing about refining');
  await shot('10-whatif');
  await page.click('#sel-clear');
  await page.fill('#iv-rise', '0');
});

test('an area drawn in the editor is what the intervention covers', async () => {
  const target = await busiestEdgePoint();
  await page.click('#sel-clear');
  await jumpTo(target, 16);
  const before = await mapShot();
  await page.click('#mode-draw');
  assert.equal(await page.evaluate(() => window.__tryggve.state.mode), 'draw');
  assert.ok(await page.locator('#mode-draw.active').count() === 1);
  const c = await pagePoint(target.lon, target.lat);
  const corners = [[-70, -70], [70, -70], [70, 70], [-70, 70]].map(([dx, dy]) => ({ x: c.x + dx, y: c.y + dy }));
  for (const p of corners.slice(0, 3)) await page.mouse.click(p.x, p.y);
  await page.waitForFunction(() => window.__tryggve.state.drawPts.length === 3);
  // A double-click on the last corner ends the area.
  await page.mouse.dblclick(corners[3].x, corners[3].y);
  await page.waitForFunction(() => window.__tryggve.state.area !== null);
  const st = await page.evaluate(() => ({ area: window.__tryggve.state.area, mode: window.__tryggve.state.mode, text: document.getElementById('selection').textContent }));
  const ring = st.area.coordinates[0];
  assert.equal(ring.length, 5, 'four corners and the closing position');
  assert.deepEqual(ring[0], ring[4]);
  assert.equal(st.mode, 'none');
  assert.match(st.text, /4/);
  const lons = ring.map((p) => p[0]), lats = ring.map((p) => p[1]);
  assert.ok(Math.min(...lons) < target.lon && target.lon < Math.max(...lons) && Math.min(...lats) < target.lat && target.lat < Math.max(...lats),
    'the area is around the street it was drawn on');
  await settle();
  const drawn = await shot('11-area');
  assert.ok(await pixelChange(before, drawn) > 0.005, 'the area is drawn on the map');

  const runner = await page.evaluate(async () => (await (await fetch('/api/jobs')).json()).runner);
  if (!runner) return;
  // The request carries the area and no streets; the job covers street cells inside it.
  const previous = await page.evaluate(() => window.__tryggve.state.lastJob?.id);
  // The button's job (the editor also asks an instant what-if of every edit).
  const isRun = (r) => r.url().endsWith('/api/jobs') && r.method() === 'POST' && JSON.parse(r.postData() || '{}').kind === 'intervention';
  const [req] = await Promise.all([page.waitForRequest(isRun), page.click('#run-job')]);
  const body = JSON.parse(req.postData());
  assert.deepEqual(body.intervention.area, st.area);
  assert.deepEqual(body.intervention.edges, []);
  await page.waitForFunction((id) => { const j = window.__tryggve.state.lastJob; return j && j.id !== id; }, previous, { timeout: 60000 });
  const r = await page.evaluate(() => window.__tryggve.state.lastJob.result);
  assert.ok(r.cells > 0, `street cells in the area: ${r.cells}`);
  assert.ok(r.change.mean < 0, `patrols in the area lower the expected count: ${r.change.mean}`);
  await page.click('#sel-clear');
  assert.equal(await page.evaluate(() => window.__tryggve.state.area), null);
});

test('export the view: CSV and PNG downloads', async () => {
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#sec-export summary').then(() => page.click('#export-csv'))]);
  const csvPath = path.join(shots, 'view.csv');
  await csv.saveAs(csvPath);
  const [png] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
  await png.saveAs(path.join(shots, 'map.png'));
  const [gpkg] = await Promise.all([page.waitForEvent('download'), page.click('#export-gpkg')]);
  await gpkg.saveAs(path.join(shots, 'view.gpkg'));
  assert.match(readFileSync(csvPath, 'utf8').split('\n')[0], /^incident_id,month,parameter/);
  assert.equal(readFileSync(path.join(shots, 'map.png')).subarray(1, 4).toString(), 'PNG');
  assert.equal(readFileSync(path.join(shots, 'view.gpkg')).subarray(0, 15).toString(), 'SQLite format 3');
  assert.deepEqual(pageErrors, []);
});

test('a workspace: its months, the picture, next month\'s proposals and the follow-up of a deployment', async () => {
  const s = await startServer(runFolder, ['--workspace', makeWorkspace()]);
  wsServer = s.proc;
  const p = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await watch(p, s.url);
  await p.goto(s.url);
  await p.waitForFunction(() => window.__tryggve.ready, null, { timeout: 60000 });
  await p.waitForFunction(() => document.getElementById('sec-workspace').dataset.shown, null, { timeout: 30000 });
  const api = await p.evaluate(async () => {
    const get = async (u) => (await fetch(u)).json();
    const summary = await get('/api/workspace');
    const latest = summary.months.filter((m) => m.assessments > 0).at(-1).month;
    const [y, m] = latest.split('-').map(Number);
    const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    return { summary, latest, next, picture: await get(`/api/workspace/picture?month=${latest}`),
      proposals: await get(`/api/workspace/proposals?month=${next}`), deployments: await get('/api/workspace/deployments') };
  });

  // The months: every month of the workspace, the latest assessed one open.
  const months = await p.$$eval('#ws-month option', (os) => os.map((o) => o.value));
  assert.deepEqual(months, api.summary.months.map((m) => m.month));
  assert.equal(await p.inputValue('#ws-month'), api.latest);

  // The picture: one row per parameter of the district, with its level and trend in words.
  const district = api.picture.rows.filter((r) => r.unit_type === 'district');
  assert.ok(district.length >= 10, `parameters in the district's picture: ${district.length}`);
  const rows = await p.$$eval('#ws-picture-table tbody tr', (trs) => trs.map((tr) => ({
    parameter: tr.dataset.parameter, level: Number(tr.dataset.level), cells: [...tr.cells].map((c) => c.textContent) })));
  assert.deepEqual(rows.map((r) => r.parameter).sort(), district.map((r) => r.parameter).sort());
  const levels = ['okänd', 'mycket låg', 'låg', 'medel', 'hög', 'mycket hög'];
  for (const r of rows) {
    const a = district.find((x) => x.parameter === r.parameter);
    assert.equal(r.level, a.level);
    assert.equal(r.cells[2], levels[a.level]);
    assert.equal(Number(r.cells[1].replace(/\s/g, '')), a.incidents);
  }
  assert.equal(rows[0].parameter, 'all', 'all parameters together first');
  for (let i = 2; i < rows.length; i++) assert.ok(rows[i - 1].level >= rows[i].level, 'then the highest level first');

  // Next month's proposals, each one leading to its place on the map.
  assert.ok(api.proposals.features.length >= 1, 'the month made proposals');
  assert.equal(await p.locator('#ws-proposals li').count(), api.proposals.features.length);
  const first = p.locator('#ws-proposals li').first();
  const id = Number(await first.getAttribute('data-id'));
  const f = api.proposals.features.find((x) => x.id === id);
  assert.ok(f.geometry, 'a proposal carries its streets\' geometry');
  await first.click();
  await p.waitForFunction((x) => window.__tryggve.state.workspaceFocus?.id.endsWith(`:${x}`), id);
  const shown = await p.evaluate(() => {
    const m = window.__tryggve.map, c = window.__tryggve.state.workspaceFocus.features;
    const pts = c.flatMap((g) => g.geometry.coordinates.flat(3)).reduce((a, x, i, all) => (i % 2 ? a : [...a, [x, all[i + 1]]]), []);
    return { n: c.length, inView: pts.every((q) => m.getBounds().contains(q)) };
  });
  assert.equal(shown.n, 1);
  assert.ok(shown.inView, 'the proposal is in view');
  await p.screenshot({ path: path.join(shots, '12-workspace-proposal.png') });

  // The deployments and what their follow-up says: an estimate with its
  // interval, or that it is too early to say.
  assert.ok(api.deployments.features.length >= 1, 'the demo records deployments');
  // Each carries its footprint (the streets it covers), and the map draws them all.
  for (const d of api.deployments.features) assert.match(d.geometry?.type || '', /Polygon$/, `deployment ${d.id} has a footprint`);
  const drawn = await p.evaluate(() => window.__tryggve.map.getSource('workspace-deployments').serialize().data.features.length);
  assert.equal(drawn, api.deployments.features.length);
  await p.waitForFunction(() => [...document.querySelectorAll('#ws-deployment-list li')].every((li) => li.dataset.followup));
  const deps = await p.$$eval('#ws-deployment-list li', (ls) => ls.map((l) => ({
    id: Number(l.dataset.id), state: l.dataset.followup, verdict: l.dataset.verdict, text: l.querySelector('.followup').textContent })));
  assert.equal(deps.length, api.deployments.features.length);
  const followed = deps.filter((d) => d.state === 'estimate' || d.state === 'too_early');
  assert.ok(followed.length >= 1, `a deployment followed up: ${JSON.stringify(deps)}`);
  for (const d of followed) {
    const { rows: fr } = await p.evaluate(async (x) => (await fetch(`/api/workspace/followups?deployment=${x}`)).json(), d.id);
    const all = fr.find((r) => r.phase === 'all');
    if (d.state === 'too_early') { assert.match(d.text, /För tidigt att säga/); continue; }
    const sv = (x) => x.toLocaleString('sv-SE', { maximumFractionDigits: 2 });
    assert.ok(d.text.includes(`${sv(all.relative_risk)} (${sv(all.rr_lo)}–${sv(all.rr_hi)})`), `${d.text} has the estimate and interval of ${JSON.stringify(all)}`);
    // The month report's rule: an interval more than twice as high as low says nothing yet.
    if (all.rr_hi / all.rr_lo > 2 && all.rr_lo <= 1 && all.rr_hi >= 1) {
      assert.equal(d.verdict, 'unclear_wide');
      assert.match(d.text, /För tidigt att säga/);
    }
  }
  await p.screenshot({ path: path.join(shots, '13-workspace.png'), fullPage: true });

  // A month without a picture says so; the panel follows the language.
  await p.selectOption('#ws-month', months[0]);
  await p.waitForFunction((m) => document.getElementById('sec-workspace').dataset.shown === m, months[0]);
  assert.equal(await p.locator('#ws-picture-table').count(), api.summary.months[0].assessments > 0 ? 1 : 0);
  await p.click('#lang');
  await p.waitForFunction(() => /Proposals for/.test(document.getElementById('ws-proposals').textContent));
  await p.click('#lang');
  await p.close();
  assert.deepEqual(pageErrors, []);
});
