// Swedish and English labels. Swedish first: the district's own language.
const STRINGS = {
  layers: ['Lager', 'Layers'],
  street_colour: ['Färg på gatorna', 'Street colour'],
  colour_rate: ['Händelser per 100 m (urval)', 'Incidents per 100 m (selection)'],
  colour_density: ['Täthet (nätverks-KDE)', 'Density (network KDE)'],
  colour_gistar: ['Gi*-klass', 'Gi* class'],
  colour_emerging: ['Framväxande hotspots', 'Emerging hotspots'],
  colour_none: ['Ingen', 'None'],
  basemap: ['Bakgrundskarta (egen URL)', 'Base map (own URL)'],
  time: ['Tid', 'Time'],
  all_months: ['Alla månader', 'All months'],
  incidents_n: ['{n} händelser', '{n} incidents'],
  parameters: ['Parametrar', 'Parameters'],
  all: ['Alla', 'All'],
  none: ['Inga', 'None'],
  legend: ['Teckenförklaring', 'Legend'],
  details: ['Detaljer', 'Details'],
  click_hint: ['Klicka på en gata, hållplats, park eller ett område.', 'Click a street, stop, park or area.'],
  situation: ['Lägesbild', 'Situation picture'],
  no_situation: ['Ingen lägesbild i den här körningen än.', 'No situation picture in this run yet.'],
  scenarios: ['Scenarier', 'Scenarios'],
  no_scenarios: ['Inga scenarier i den här körningen än.', 'No scenarios in this run yet.'],
  pick: ['— välj —', '— pick —'],
  difference: ['Skillnad B − A', 'Difference B − A'],
  editor: ['Pröva en insats', 'Try an intervention'],
  type: ['Insats', 'Intervention'],
  lighting: ['Belysning', 'Lighting'],
  patrol: ['Polispatrull', 'Police patrol'],
  adults: ['Vuxna ute (nattvandrare)', 'Adults outdoors (night walkers)'],
  hours: ['Timmar', 'Hours'],
  size_lighting: ['Antal lampor', 'Lamps'],
  size_patrol: ['Besök per vecka', 'Visits per week'],
  size_adults: ['Antal vuxna', 'Adults'],
  months_ahead: ['Månader framåt', 'Months ahead'],
  replicates: ['Simuleringar (replikat)', 'Simulations (replicates)'],
  select_segments: ['Välj gator', 'Select streets'],
  draw_area: ['Rita område', 'Draw area'],
  clear: ['Rensa', 'Clear'],
  selected: ['{n} gator valda', '{n} streets selected'],
  area_drawn: ['område med {n} hörn', 'area with {n} corners'],
  drawing: ['Klicka hörn, dubbelklicka för att avsluta', 'Click corners, double-click to finish'],
  run: ['Kör simulering', 'Run simulation'],
  refining: ['Första svaret (100 simuleringar) – förfinas …', 'First answer (100 simulations) – refining …'],
  replicates_n: ['{n} simuleringar', '{n} simulations'],
  queued: ['I kö …', 'Queued …'],
  running: ['Kör …', 'Running …'],
  failed: ['Misslyckades', 'Failed'],
  cancelled: ['Avbruten', 'Cancelled'],
  no_runner: ['Simuleringar kan inte köras av den här servern', 'This server cannot run simulations'],
  need_selection: ['Välj gator eller rita ett område först.', 'Select streets or draw an area first.'],
  expected_change: ['Förväntad förändring', 'Expected change'],
  interval: ['intervall', 'interval'],
  baseline: ['Utan insats', 'Without'],
  with_intervention: ['Med insats', 'With'],
  export: ['Exportera vyn', 'Export the view'],
  monthly: ['Per månad', 'Per month'],
  by_parameter: ['Per parameter', 'By parameter'],
  incidents: ['Händelser', 'Incidents'],
  per_100m: ['per 100 m', 'per 100 m'],
  weekdays: [['mån', 'tis', 'ons', 'tor', 'fre', 'lör', 'sön'], ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']],
  loading: ['Laddar …', 'Loading …'],
  error: ['Fel', 'Error'],
  hot: ['Hotspot', 'Hot spot'],
  cold: ['Coldspot', 'Cold spot'],
  not_significant: ['Inte signifikant', 'Not significant'],
  plan: ['Planering', 'Planning'],
  attribution: ['Kartdata © OpenStreetMap-bidragsgivare (ODbL) där gatorna kommer från OSM.',
    'Map data © OpenStreetMap contributors (ODbL) where the streets come from OSM.'],
};

let current = localStorage.getItem('tryggve.lang') === 'en' ? 'en' : 'sv';

export function lang() { return current; }
export function setLang(l) {
  current = l === 'en' ? 'en' : 'sv';
  localStorage.setItem('tryggve.lang', current);
  document.documentElement.lang = current;
}
export function t(key, vars = {}) {
  const s = STRINGS[key];
  if (!s) return key;
  let v = s[current === 'en' ? 1 : 0];
  if (typeof v === 'string') for (const [k, x] of Object.entries(vars)) v = v.replace(`{${k}}`, x);
  return v;
}
// A parameter's name in the current language (the catalogue has both).
export function paramName(p) { return (current === 'en' ? p.name_en : p.name_sv) || p.code; }
// Numbers the Swedish way (decimal comma) or the English way.
export function num(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  return Number(x).toLocaleString(current === 'en' ? 'en-GB' : 'sv-SE', { maximumFractionDigits: digits });
}
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}
