// The layer list (one box per layer the run folder has), the street colour
// and the optional base map.
import { lang, num } from '../i18n.js';
import { layerColour } from '../styles.js';

// Only tile URLs with {z}/{x}/{y}: anything else would be a request MapLibre
// cannot use, and nothing leaves the machine unless the user asks for it.
const TILE_URL = /^https?:\/\/.+\{z\}.+\{x\}.+\{y\}/;

export function mountLayersPanel({ store, map, $, storage }) {
  const box = $('layer-list');

  function render(s) {
    box.textContent = '';
    for (const l of s.layers) {
      const lab = document.createElement('label');
      const cb = document.createElement('input');
      cb.type = 'checkbox';
      cb.checked = !!s.visible[l.name];
      cb.dataset.layer = l.name;
      cb.addEventListener('change', () => store.set({ visible: { ...store.get().visible, [l.name]: cb.checked } }));
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = layerColour(l.name);
      const txt = document.createElement('span');
      txt.textContent = `${lang() === 'en' ? l.title_en : l.title_sv} (${num(l.features, 0)})`;
      lab.append(cb, sw, txt);
      box.appendChild(lab);
    }
  }
  store.subscribe(['layers', 'visible', 'lang'], render);

  const colour = $('street-colour');
  colour.value = store.get().streetColour;
  colour.addEventListener('change', () => store.set({ streetColour: colour.value }));

  function setBasemap(url) {
    if (map.getLayer('basemap')) map.removeLayer('basemap');
    if (map.getSource('basemap')) map.removeSource('basemap');
    storage.setItem('tryggve.basemap', url || '');
    if (!url || !TILE_URL.test(url)) return;
    map.addSource('basemap', { type: 'raster', tiles: [url], tileSize: 256 });
    // Right above the background, under every layer of the run.
    map.addLayer({ id: 'basemap', type: 'raster', source: 'basemap' }, map.getStyle().layers[1]?.id);
  }
  const bm = $('basemap-url');
  bm.value = storage.getItem('tryggve.basemap') || '';
  bm.addEventListener('change', () => setBasemap(bm.value.trim()));
  // Called once the map has its style.
  return { restoreBasemap: () => setBasemap(bm.value.trim()) };
}
