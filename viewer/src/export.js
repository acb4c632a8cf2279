// Export of the view: the selected incidents in the map's box as CSV (made
// here, from what the page has), the visible layers as a GeoPackage (made by
// the server, with the same month/parameter filter and box), the map as PNG.
import { t } from './i18n.js';
import { currentMonth, paramFilter } from './store.js';
import { selectIncidents } from './classify.js';
import { bboxParam, inBbox } from './geometry.js';
import { pointsCsv } from './csv.js';

const CSV_FIELDS = ['incident_id', 'month', 'parameter', 'edge_id', 'park_id', 'stop_id', 'area_id'];

export function mountExport({ store, map, api, $ }) {
  const bounds = () => { const b = map.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; };
  const suffix = () => currentMonth(store.get()) || 'all';
  const status = (text, error = false) => store.set({ status: { text, error } });

  function download(blob, name) {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  async function gpkg() {
    const s = store.get();
    const params = paramFilter(s);
    const filter = {
      month: currentMonth(s) || undefined,
      parameter: params?.size ? [...params].join(',') : undefined,
      layers: s.layers.filter((l) => s.visible[l.name]).map((l) => l.name).join(','),
      bbox: bboxParam(bounds()),
    };
    status(t('loading'));
    try {
      download(await api.exportGpkg(filter), `tryggve_${suffix()}.gpkg`);
      status('');
    } catch (e) { status(`GeoPackage: ${e.message}`, true); }
  }

  function csv() {
    const s = store.get();
    const box = bounds();
    const rows = selectIncidents(s.geo.incidents?.features, { month: currentMonth(s), params: paramFilter(s) })
      .filter((f) => f.geometry && inBbox(f.geometry.coordinates, box));
    download(new Blob([pointsCsv(rows, CSV_FIELDS)], { type: 'text/csv' }), `tryggve_incidents_${suffix()}.csv`);
  }

  function png() {
    // The canvas keeps its drawing buffer (see the map's options) only until
    // the next frame: read it right after a render.
    map.once('render', () => map.getCanvas().toBlob((blob) => download(blob, `tryggve_map_${suffix()}.png`)));
    map.triggerRepaint();
  }

  $('export-gpkg').addEventListener('click', gpkg);
  $('export-csv').addEventListener('click', csv);
  $('export-png').addEventListener('click', png);
}
