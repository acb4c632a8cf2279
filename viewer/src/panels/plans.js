// The plan lists (`tryggve plan`: the patrol watch list, the lighting ranking),
// each row linked to its street or place on the map.
import { t, num } from '../i18n.js';
import { planItem, planRows } from '../results.js';
import { bboxOf } from '../geometry.js';

const SHOWN = 15;

export function mountPlans({ store, map, api, $ }) {
  const box = $('plan-lists');

  function focus(row) {
    const s = store.get();
    const edge = row.edge_id !== undefined ? s.geo.edges?.features.find((f) => f.properties.edge_id === row.edge_id) : null;
    if (edge) {
      const b = bboxOf([edge]);
      map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 80, maxZoom: 17, duration: 0 });
      store.set({ details: { layer: 'edges', feature: edge }, selectedEdges: new Set([row.edge_id]) });
      return;
    }
    const lon = row.lon ?? row.longitude, lat = row.lat ?? row.latitude;
    if (typeof lon === 'number' && typeof lat === 'number') map.flyTo({ center: [lon, lat], zoom: 16 });
  }

  function render(s) {
    box.textContent = '';
    for (const { name, rows } of s.plans) {
      const h = document.createElement('div');
      const title = document.createElement('strong');
      title.textContent = `${t('plan')}: ${name}`;
      h.appendChild(title);
      box.appendChild(h);
      const ol = document.createElement('ol');
      ol.className = 'list';
      ol.dataset.plan = name;
      for (const r of rows.slice(0, SHOWN)) {
        const it = planItem(r);
        const li = document.createElement('li');
        li.textContent = it.scoreKey ? `${it.label} — ${num(it.score, 2)}` : it.label;
        if (r.edge_id !== undefined) li.dataset.edge = String(r.edge_id);
        li.addEventListener('click', () => focus(r));
        ol.appendChild(li);
      }
      box.appendChild(ol);
    }
  }
  store.subscribe(['plans', 'lang'], render);

  // A list that cannot be read is left out; the others still show.
  async function load() {
    let names = [];
    try { names = await api.plans(); } catch { return; }
    const lists = await Promise.all(names.map((name) => api.plan(name).then((json) => ({ name, rows: planRows(json) }), () => null)));
    store.set({ plans: lists.filter(Boolean) });
  }
  store.subscribe(['started'], (s) => { if (s.started) load(); });
}
