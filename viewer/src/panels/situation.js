// The situation picture (situation.json of the situation stage): its text in
// the viewer's language and its figures.
import { t, lang, num } from '../i18n.js';
import { flatten, situationText } from '../results.js';

const SHOWN = 25;

export function mountSituation({ store, api, $ }) {
  const box = $('situation');
  let situation = null;

  async function render() {
    // Asked again until there is one: the stage may finish while the page is open.
    if (!situation) {
      try { situation = await api.situation(); } catch { situation = null; }
    }
    if (!situation) { box.className = 'muted'; box.textContent = t('no_situation'); return; }
    box.className = '';
    box.textContent = '';
    const text = situationText(situation, lang());
    if (text) { const p = document.createElement('p'); p.textContent = text; box.appendChild(p); }
    const tbl = document.createElement('table');
    for (const [k, v] of Object.entries(flatten(situation)).slice(0, SHOWN)) {
      const tr = tbl.insertRow();
      tr.insertCell().textContent = k;
      const td = tr.insertCell();
      td.className = 'n';
      td.textContent = num(v, 2);
    }
    box.appendChild(tbl);
  }
  store.subscribe(['started', 'lang'], (s) => { if (s.started) render(); });
}
