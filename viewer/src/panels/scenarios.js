// Two scenarios side by side: their figures in a table with the difference
// B − A, and the per-street difference as a diverging map layer.
import { t, num } from '../i18n.js';
import { comparisonRows, edgeValues, edgeDifferences, withEdgeProperty } from '../results.js';
import { fc } from '../geometry.js';

export function mountScenarios({ store, map, api, $ }) {
  const selects = [$('scenario-a'), $('scenario-b')];
  const view = $('scenario-view');
  // Scenario results do not change while the server runs: fetch each once.
  const cache = new Map();
  const scenario = (name) => {
    if (!name) return Promise.resolve(null);
    if (!cache.has(name)) cache.set(name, api.scenario(name).catch((e) => { cache.delete(name); throw e; }));
    return cache.get(name);
  };

  selects[0].addEventListener('change', () => store.set({ scenarioA: selects[0].value }));
  selects[1].addEventListener('change', () => store.set({ scenarioB: selects[1].value }));

  store.subscribe(['scenarioNames', 'lang'], (s) => {
    selects.forEach((sel, i) => {
      sel.textContent = '';
      sel.appendChild(new Option(t('pick'), ''));
      for (const n of s.scenarioNames) sel.appendChild(new Option(n, n));
      sel.value = i === 0 ? s.scenarioA : s.scenarioB;
    });
    if (!s.scenarioNames.length) view.textContent = t('no_scenarios');
  });

  store.subscribe(['started'], async (s) => {
    if (!s.started) return;
    store.set({ scenarioNames: await api.scenarios().catch(() => []) });
  });

  let round = 0;
  async function render(s) {
    const mine = ++round;
    let a, b;
    try {
      [a, b] = await Promise.all([scenario(s.scenarioA), scenario(s.scenarioB)]);
    } catch (e) {
      if (mine !== round) return;
      view.textContent = e.message;
      view.className = 'error';
      return;
    }
    // A later choice overtook this one while it loaded.
    if (mine !== round) return;
    view.className = '';
    view.textContent = '';
    if (!a && !b) { map.getSource('scenario-diff')?.setData(fc([])); store.set({ scenarioDiff: null }); return; }
    const tbl = document.createElement('table');
    tbl.id = 'scenario-table';
    const hr = tbl.insertRow();
    for (const x of ['', 'A', 'B', 'B − A']) { const th = document.createElement('th'); th.textContent = x; th.className = x ? 'n' : ''; hr.appendChild(th); }
    for (const r of comparisonRows(a?.result, b?.result)) {
      const tr = tbl.insertRow();
      tr.dataset.key = r.key;
      tr.insertCell().textContent = r.key;
      for (const v of [r.a, r.b, r.diff]) {
        const td = tr.insertCell();
        td.className = 'n';
        td.textContent = v === undefined ? '' : num(v, 2);
        if (v !== undefined) td.dataset.value = String(v);
      }
    }
    view.appendChild(tbl);
    const ea = edgeValues(a), eb = edgeValues(b);
    let features = [];
    if (s.geo.edges && (ea || eb)) {
      const d = edgeDifferences(ea?.values, eb?.values);
      features = withEdgeProperty(s.geo.edges.features, d.diffs, 'diff');
      const note = document.createElement('div');
      note.className = 'muted';
      note.id = 'scenario-diff-note';
      note.textContent = `${t('difference')}: ${(eb || ea).col}`;
      view.appendChild(note);
      store.set({ scenarioDiff: { col: (eb || ea).col, count: features.length, maxAbs: d.maxAbs } });
    } else {
      store.set({ scenarioDiff: null });
    }
    map.getSource('scenario-diff')?.setData(fc(features));
  }
  store.subscribe(['scenarioA', 'scenarioB', 'lang'], render);
}
