// A clicked street, stop, park, area or incident: its fields, its incidents
// in the current parameter selection, a monthly chart with the slider's month
// marked, and the parameters that make up its count.
import { t, lang, num, paramName } from '../i18n.js';
import { barChart } from '../chart.js';
import { KEY_OF_LAYER, incidentsOf, monthlyCounts, countsByParameter } from '../classify.js';
import { layerInfo, paramFilter } from '../store.js';

export function mountDetails({ store, map, mapLayers, $ }) {
  const box = $('details');

  map.on('click', (e) => {
    if (store.get().mode !== 'none') return;
    const [hit] = mapLayers.featuresAt(e.point);
    if (hit) store.set({ details: hit });
  });

  function render(s) {
    if (!s.details) return;
    const { layer, feature } = s.details;
    box.className = '';
    box.textContent = '';
    const info = layerInfo(s, layer);
    const key = KEY_OF_LAYER[layer];
    const title = document.createElement('strong');
    title.textContent = `${info ? (lang() === 'en' ? info.title_en : info.title_sv) : layer}: ${feature.properties.name || feature.properties[key] || feature.id}`;
    box.appendChild(title);
    const tbl = document.createElement('table');
    for (const [k, v] of Object.entries(feature.properties)) {
      // Free text can be long and personal: it is in the export, not on screen.
      if (v === null || v === '' || k === 'text') continue;
      const tr = tbl.insertRow();
      tr.insertCell().textContent = k;
      const td = tr.insertCell();
      td.className = typeof v === 'number' ? 'n' : '';
      td.textContent = typeof v === 'number' ? num(v, 3) : String(v);
    }
    box.appendChild(tbl);
    const incidents = s.geo.incidents?.features;
    if (!key || !incidents) return;
    const inc = incidentsOf(layer, feature, incidents, paramFilter(s));
    const months = s.catalogue.months.map((m) => m.month);
    const total = document.createElement('div');
    total.id = 'details-total';
    total.dataset.count = String(inc.length);
    const strong = document.createElement('strong');
    strong.textContent = `${t('incidents')}: ${num(inc.length, 0)} · ${t('monthly')}`;
    total.appendChild(strong);
    box.appendChild(total);
    box.appendChild(barChart(monthlyCounts(inc, months), months, { highlight: s.monthIndex - 1, title: t('monthly') }));
    const byParam = document.createElement('table');
    for (const [code, n] of countsByParameter(inc).slice(0, 8)) {
      const p = s.catalogue.parameters.find((x) => x.code === code) || { code };
      const tr = byParam.insertRow();
      tr.insertCell().textContent = paramName(p);
      const td = tr.insertCell();
      td.className = 'n';
      td.textContent = num(n, 0);
    }
    box.appendChild(byParam);
  }
  store.subscribe(['details', 'monthIndex', 'params', 'lang', 'geo'], render);
}
