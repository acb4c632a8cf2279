// End-to-end: a real `tryggve serve` on a demo run folder, Debian's chromium
// driven by playwright-core. Loads the page, switches layers, moves the month
// slider, filters a parameter, clicks a street, runs an intervention and checks
// that the map and the numbers change. Screenshots go to viewer/test-results/.
//
//   TRYGGVE_BIN       the tryggve executable (default ../build/cli/tryggve)
//   TRYGGVE_E2E_DATA  a run folder (default: made here with `tryggve demo-map` + `tryggve map`)
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

let server, browser, page, base, scratch;
const pageErrors = [];

// A run folder the viewer can re-run: `tryggve run` on a small scenario over a
// freshly generated demo district (map.gpkg, scenarios/, resolved.yaml).
function makeRunFolder() {
  if (process.env.TRYGGVE_E2E_DATA) return process.env.TRYGGVE_E2E_DATA;
  scratch = mkdtempSync(path.join(tmpdir(), 'tryggve-e2e-'));
  const demo = path.join(scratch, 'demo');
  const run = path.join(scratch, 'run');
  // Few months and replicates keep the run short; the page does not depend on them.
  execFileSync(bin, ['-q', 'demo-map', '--out', demo, '--months', '8'], { stdio: 'inherit' });
  const yaml = `version: 1
name: e2e
description: viewer end-to-end test
seed: 20261201
inputs:
  streets: ${demo}/streets.osm
  incidents: ${demo}/incidents_raw.csv
  parks: ${demo}/parks.gpkg
  stops: ${demo}/stops.gpkg
  lamps: ${demo}/lamps.gpkg
  areas: ${demo}/areas.gpkg
  places: ${demo}/places.gpkg
  crs: EPSG:3006
  timezone: Europe/Stockholm
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
  execFileSync(bin, ['-q', 'run', path.join(scratch, 'e2e.yaml'), '--out', run], { stdio: 'inherit' });
  return run;
}

function startServer(data) {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, ['serve', '--data', data, '--port', '0', '--static-dir', path.join(viewer, 'dist')],
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
  await page.evaluate(() => new Promise((r) => { const m = window.__tryggve.map; m.once('idle', r); m.triggerRepaint(); }));
}

before(async () => {
  assert.ok(existsSync(bin), `no tryggve executable at ${bin} (set TRYGGVE_BIN)`);
  assert.ok(existsSync(path.join(viewer, 'dist', 'index.html')), 'viewer not built: npm run build');
  mkdirSync(shots, { recursive: true });
  const data = makeRunFolder();
  const s = await startServer(data);
  server = s.proc;
  base = s.url;
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: FLAGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  // A missing situation.json is an expected 404 (the stage has not run); any
  // other failed request or console error fails the test.
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400 && !/\/api\/situation$/.test(r.url())) pageErrors.push(`${r.status()} ${r.url()}`); });
  // Nothing may leave the machine: every request must go to the local server.
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith(base) || u.startsWith('data:') || u.startsWith('blob:')) return route.continue();
    pageErrors.push(`external request: ${u}`);
    return route.abort();
  });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
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
  await page.evaluate(({ lon, lat }) => window.__tryggve.map.jumpTo({ center: [lon, lat], zoom: 17 }), target);
  await settle();
  const px = await page.evaluate(({ lon, lat }) => window.__tryggve.map.project([lon, lat]), target);
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + px.x, box.y + px.y);
  await page.waitForSelector('#details-total');
  const n = Number(await page.getAttribute('#details-total', 'data-count'));
  assert.ok(n > 0, `the busiest street has incidents: ${n}`);
  assert.ok(await page.locator('#details svg.chart rect').count() >= 1, 'a monthly chart');
  await shot('07-street-details');
});

test('an intervention runs as a job and changes the map and the numbers', async () => {
  const target = await busiestEdgePoint();
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
  const px = await page.evaluate(({ lon, lat }) => window.__tryggve.map.project([lon, lat]), target);
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + px.x, box.y + px.y);
  await page.waitForFunction(() => window.__tryggve.state.selectedEdges.size === 1);
  await page.click('#mode-select');
  await settle();
  const before = await page.locator('#map canvas').screenshot();
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
  assert.ok(await pixelChange(before, after) > 0.001, 'the simulated change is drawn');
  const text = await page.textContent('#job-table');
  assert.match(text, /\d/);
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
