// The month slider and the parameter boxes: what part of the incidents the
// map, the street colours, the details and the export show.
import { t, num, paramName } from '../i18n.js';
import { currentMonth } from '../store.js';
import { PARAM_COLOURS } from '../styles.js';

export function mountFilters({ store, $ }) {
  const slider = $('month');
  slider.addEventListener('input', () => store.set({ monthIndex: Number(slider.value) }));
  $('params-all').addEventListener('click', () => store.set({ params: new Set(store.get().catalogue.parameters.map((p) => p.code)) }));
  $('params-none').addEventListener('click', () => store.set({ params: new Set() }));

  store.subscribe(['catalogue'], (s) => { slider.max = String(s.catalogue.months.length); });
  store.subscribe(['monthIndex', 'lang', 'catalogue'], (s) => {
    slider.value = String(s.monthIndex);
    $('month-label').textContent = currentMonth(s) || t('all_months');
  });
  store.subscribe(['streetRates', 'lang'], (s) => {
    if (s.streetRates) $('month-count').textContent = t('incidents_n', { n: num(s.streetRates.count, 0) });
  });

  const list = $('param-list');
  function renderParams(s) {
    list.textContent = '';
    s.catalogue.parameters.forEach((p, i) => {
      const lab = document.createElement('label');
      const cb = document.createElement('input');
      cb.type = 'checkbox';
      cb.value = p.code;
      cb.checked = s.params.has(p.code);
      cb.addEventListener('change', () => {
        const params = new Set(store.get().params);
        if (cb.checked) params.add(p.code); else params.delete(p.code);
        store.set({ params });
      });
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = PARAM_COLOURS[i % PARAM_COLOURS.length];
      const txt = document.createElement('span');
      txt.textContent = `${paramName(p)} (${num(p.count, 0)})`;
      txt.title = p.code;
      lab.append(cb, sw, txt);
      list.appendChild(lab);
    });
  }
  store.subscribe(['catalogue', 'lang'], renderParams);
  store.subscribe(['params', 'catalogue'], (s) => {
    for (const cb of list.querySelectorAll('input')) cb.checked = s.params.has(cb.value);
    $('param-count').textContent = `${s.params.size}/${s.catalogue.parameters.length}`;
  });
}
