// The intervention editor: pick streets or draw an area, choose lighting,
// patrol or adults outdoors, or put transit hosts on a line's stretch (line, two
// stops, hours: intervention.js builds the request), and run it as a job on the server (the scenario
// runner re-runs the folder's resolved.yaml with the intervention added). The
// change per street is drawn on the map with its interval in the panel.
//
// Every edit (a street picked or dropped, an area drawn, the type, size, hours or
// days changed) is also asked as an instant what-if (whatif.js): the answer on
// 100 replicates shows at once, the refined one replaces it, and the next edit
// cancels the running one. "Run simulation" is the full path.
import { t, lang, num, paramName } from '../i18n.js';
import { drawnPolygon, drawingFeatures, fc, emptyFC } from '../geometry.js';
import { jobChanges, withEdgeProperty } from '../results.js';
import { createWhatIf } from '../whatif.js';
import { buildIntervention, readyToAsk, lineChoices, REACTING_BY_DEFAULT } from '../intervention.js';

const POLL_MS = 400;
// Edits that come faster than this (typing a number) are asked once.
const EDIT_SETTLE_MS = 200;
const SELECTABLE = new Set(['edges', 'gistar', 'emerging']);

export function mountEditor({ store, map, mapLayers, api, $ }) {
  const out = $('job-result');
  const bar = $('job-progress');

  function renderForm(s) {
    const type = $('iv-type').value;
    $('iv-size-label').textContent = t(`size_${type}`);
    // Lamps shine whenever it is dark: only patrols and adults have hours and days.
    for (const el of document.querySelectorAll('.timed')) el.hidden = type === 'lighting';
    for (const el of document.querySelectorAll('.transit')) el.hidden = type !== 'transit_host';
    if (type === 'transit_host') fillLines(s);
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
    $('mode-select').classList.toggle('active', s.mode === 'select');
    $('mode-draw').classList.toggle('active', s.mode === 'draw');
    const parts = [];
    if (s.selectedEdges.size) parts.push(t('selected', { n: s.selectedEdges.size }));
    if (s.area) parts.push(t('area_drawn', { n: s.area.coordinates[0].length - 1 }));
    if (s.mode === 'draw') parts.push(t('drawing'));
    $('selection').textContent = parts.join(' · ');
    map.getCanvas().style.cursor = s.mode === 'none' ? '' : 'crosshair';
  }
  // The lines and stops of the run's transit_lines layer (when the run has a feed) as choices.
  function fillLines(s) {
    if (!(s.layers || []).some((l) => l.name === 'transit_lines')) return;
    const fill = (geo) => {
      const choices = lineChoices(geo?.features);
      const opts = (box, values) => box.replaceChildren(...values.map((v) => Object.assign(document.createElement('option'), { value: v })));
      opts($('iv-lines'), choices.map((c) => c.line));
      const chosen = choices.find((c) => c.line === $('iv-line').value.trim());
      opts($('iv-stops'), chosen ? chosen.stops : [...new Set(choices.flatMap((c) => c.stops))]);
    };
    if (s.geo.transit_lines) fill(s.geo.transit_lines);
    else mapLayers.load('transit_lines').then(fill).catch(() => {});
  }
  store.subscribe(['mode', 'selectedEdges', 'area', 'lang'], renderForm);
  // The parameters the early rise can act on: the run's catalogue, the usual
  // reacting ones chosen at first; a user's choice is kept when the names change language.
  function fillRiseParameters(s) {
    const box = $('iv-rise-params');
    const chosen = box.childElementCount ? new Set([...box.selectedOptions].map((o) => o.value)) : new Set(REACTING_BY_DEFAULT);
    box.replaceChildren(...s.catalogue.parameters.map((p) => Object.assign(document.createElement('option'),
      { value: p.code, textContent: paramName(p), selected: chosen.has(p.code) })));
  }
  store.subscribe(['catalogue', 'lang'], fillRiseParameters);
  $('iv-line').addEventListener('change', () => fillLines(store.get()));
  $('iv-type').addEventListener('change', () => renderForm(store.get()));

  store.subscribe(['selectedEdges', 'geo'], (s) => {
    const edges = s.geo.edges?.features || [];
    map.getSource('selection')?.setData(fc(edges.filter((f) => s.selectedEdges.has(f.properties.edge_id))));
  });
  store.subscribe(['area', 'drawPts'], (s) => map.getSource('draw')?.setData(fc(drawingFeatures(s.area, s.drawPts))));

  const toggle = (mode) => store.set({ mode: store.get().mode === mode ? 'none' : mode, drawPts: [] });
  $('mode-select').addEventListener('click', () => toggle('select'));
  $('mode-draw').addEventListener('click', () => toggle('draw'));
  $('sel-clear').addEventListener('click', () => {
    store.set({ selectedEdges: new Set(), area: null, drawPts: [], mode: 'none', lastJob: null });
  });

  map.on('click', (e) => {
    const s = store.get();
    if (s.mode === 'draw') {
      store.set({ drawPts: [...s.drawPts, [e.lngLat.lng, e.lngLat.lat]] });
    } else if (s.mode === 'select') {
      const hit = mapLayers.featuresAt(e.point).find((h) => SELECTABLE.has(h.layer) && h.feature.properties.edge_id !== undefined);
      if (!hit) return;
      const sel = new Set(s.selectedEdges);
      const id = hit.feature.properties.edge_id;
      if (sel.has(id)) sel.delete(id); else sel.add(id);
      store.set({ selectedEdges: sel });
    }
  });
  map.on('dblclick', (e) => {
    const s = store.get();
    if (s.mode !== 'draw') return;
    e.preventDefault();
    // Fewer than three corners: the old area (if any) stays.
    store.set({ area: drawnPolygon(s.drawPts) || s.area, drawPts: [], mode: 'none' });
  });

  function request() {
    const s = store.get();
    const iv = buildIntervention({
      type: $('iv-type').value,
      size: Number($('iv-size').value),
      months: Number($('iv-months').value),
      edges: [...s.selectedEdges],
      area: s.area,
      hours: [Number($('iv-from').value), Number($('iv-to').value)],
      weekdays: [...$('iv-days').querySelectorAll('input:checked')].map((c) => Number(c.value)),
      line: $('iv-line').value,
      from: $('iv-stop-from').value,
      to: $('iv-stop-to').value,
      risePercent: Number($('iv-rise').value),
      riseWeeks: Number($('iv-rise-weeks').value),
      riseParameters: [...$('iv-rise-params').selectedOptions].map((o) => o.value),
    });
    return { kind: 'intervention', intervention: iv, replicates: Number($('iv-replicates').value) };
  }

  async function run(body) {
    out.textContent = '';
    let sub;
    try {
      sub = await api.submitJob(body);
    } catch (e) {
      out.className = 'error';
      out.textContent = e.status === 501 ? `${t('no_runner')}: ${e.message}` : `${t('error')}: ${e.message}${e.where ? ` (${e.where})` : ''}`;
      return;
    }
    bar.hidden = false;
    bar.value = 0;
    out.className = 'muted';
    for (;;) {
      let j;
      try { j = await api.job(sub.url); } catch (e) { bar.hidden = true; out.className = 'error'; out.textContent = `${t('error')}: ${e.message}`; return; }
      bar.value = j.progress || 0;
      out.textContent = `${t(j.state === 'queued' ? 'queued' : 'running')} ${Math.round(100 * (j.progress || 0))} % ${j.message || ''}`;
      if (j.state === 'done') { bar.hidden = true; store.set({ lastJob: j }); return; }
      if (j.state === 'failed' || j.state === 'cancelled') {
        bar.hidden = true;
        out.className = 'error';
        out.textContent = `${t(j.state)}: ${j.error?.message || ''}`;
        return;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
  // The instant path: the last edit's answers only (whatif.js drops older ones).
  const whatif = createWhatIf({
    api,
    onAnswer: (result, { refining }) => {
      bar.hidden = !refining;
      store.set({ lastJob: { result, refining } });
    },
    onState: (j) => {
      if (j.state === 'failed' || j.state === 'cancelled') {
        bar.hidden = true;
        out.className = 'error';
        out.textContent = `${t(j.state)}: ${j.error?.message || ''}`;
      } else {
        bar.value = j.progress || 0;
      }
    },
  });
  let settle = null;
  function edited() {
    clearTimeout(settle);
    if (!readyToAsk(request().intervention)) { whatif.stop(); return; }
    settle = setTimeout(() => {
      bar.hidden = false;
      bar.value = 0;
      whatif.edit(request()).catch((e) => {
        bar.hidden = true;
        out.className = 'error';
        out.textContent = e.status === 501 || e.status === 409 ? `${t('no_runner')}: ${e.message}` : `${t('error')}: ${e.message}${e.where ? ` (${e.where})` : ''}`;
      });
    }, EDIT_SETTLE_MS);
  }
  store.subscribe(['selectedEdges', 'area'], edited);
  for (const id of ['iv-type', 'iv-size', 'iv-months', 'iv-from', 'iv-to', 'iv-replicates', 'iv-line', 'iv-stop-from', 'iv-stop-to',
    'iv-rise', 'iv-rise-weeks', 'iv-rise-params'])
    $(id).addEventListener('change', edited);
  $('iv-days').addEventListener('change', edited);

  $('run-job').addEventListener('click', () => {
    // The full path replaces whatever the instant one was showing.
    clearTimeout(settle);
    whatif.stop();
    const body = request();
    if (!readyToAsk(body.intervention)) {
      out.className = 'error';
      out.textContent = t(body.intervention.type === 'transit_host' ? 'need_line' : 'need_selection');
      return;
    }
    run(body);
  });

  // The result of a job (see the runner in tryggve serve): totals with
  // intervals, and the change per segment on the map.
  function renderResult(s) {
    const job = s.lastJob;
    // Clearing the selection takes the change off the map; the numbers stay until the next run.
    if (!job) { map.getSource('job-change')?.setData(emptyFC()); return; }
    const r = job.result || {};
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
    // Recorded next to true: presence raises reporting, so the reports can show a
    // rise while fewer incidents happen; a planner must not read that as failure.
    if (r.recorded) {
      row(t('recorded_change'), r.recorded.change);
      tbl.rows[tbl.rows.length - 1].id = 'job-recorded';
      tbl.rows[tbl.rows.length - 1].title = t('recorded_hint');
    }
    out.appendChild(tbl);
    const note = document.createElement('div');
    note.className = 'muted';
    note.textContent = `${t('interval')}: ${r.interval || '90 %'} · ${lang() === 'en' ? r.summary_en || '' : r.summary_sv || ''}`;
    if (r.replicates) note.textContent += ` · ${t('replicates_n', { n: r.replicates })}`;
    if (job.refining) {
      const more = document.createElement('div');
      more.id = 'job-refining';
      more.className = 'muted';
      more.textContent = t('refining');
      out.appendChild(more);
    }
    out.appendChild(note);
    map.getSource('job-change')?.setData(fc(withEdgeProperty(s.geo.edges?.features, jobChanges(r.edges), 'change')));
  }
  store.subscribe(['lastJob', 'lang'], renderResult);
}
