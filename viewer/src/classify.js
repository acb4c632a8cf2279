// Classes and colours for what the map draws, from the numbers alone: no DOM,
// no map, no language (the unit tests run these in node).

// Five classes: enough to see a gradient on a district's streets, few enough
// that neighbouring colours stay distinguishable on a phone screen.
export const RAMP = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026'];
export const NOT_SIGNIFICANT = '#bdbdbd';

// Quantile class breaks over the positive values, so the ramp spreads over the
// streets that have anything at all (most have nothing; they get no class).
// Equal breaks are nudged apart: MapLibre's `step` needs strictly rising stops.
export function quantileBreaks(values, k = RAMP.length) {
  const v = values.filter((x) => x > 0).sort((a, b) => a - b);
  if (!v.length) return [];
  const out = [];
  for (let i = 0; i < k; i++) out.push(v[Math.min(v.length - 1, Math.floor((i / k) * v.length))]);
  out[0] = Math.min(out[0], 1e-9 + v[0]);
  for (let i = 1; i < out.length; i++) if (out[i] <= out[i - 1]) out[i] = out[i - 1] + 1e-9;
  return out;
}

// The index of the class a value falls in (-1 below the first break).
export function classIndex(breaks, value) {
  let i = -1;
  while (i + 1 < breaks.length && value >= breaks[i + 1]) i++;
  return i;
}

// Gi* and emerging classes are codes written by the hotspot stage (hot_99,
// none, persistent_hot, no_pattern, ...). Their names and colours come from
// the server (/api/layers `classes`: code -> {sv, en, colour}), the same words
// QGIS's legend and the report use. A code the vocabulary does not have (a
// run folder from another version) gets a colour by the words in it.
export function notSignificant(cls) {
  const c = String(cls ?? '').toLowerCase().replace(/[_-]+/g, ' ').trim();
  return /^(none|ns|n\/a)$|not|no pattern|ingen|^$/.test(c);
}

export function className(cls, vocab, lang) {
  return vocab?.[cls]?.[lang] ?? String(cls);
}

export function classColour(cls, vocab = null) {
  if (notSignificant(cls)) return NOT_SIGNIFICANT;
  if (vocab?.[cls]?.colour) return vocab[cls].colour;
  const c = String(cls ?? '').toLowerCase().replace(/[_-]+/g, ' ').trim();
  if (/cold|kall/.test(c)) return /99/.test(c) ? '#2166ac' : /95/.test(c) ? '#4393c3' : '#92c5de';
  if (/new|ny/.test(c)) return '#ff00c8';
  if (/intens/.test(c)) return '#b2182b';
  if (/persist|ihåll/.test(c)) return '#d6604d';
  if (/dimin|avta/.test(c)) return '#f4a582';
  if (/sporad|oscill/.test(c)) return '#fddbc7';
  if (/consecut/.test(c)) return '#e7298a';
  if (/histor/.test(c)) return '#a6761d';
  if (/hot|het/.test(c)) return /99/.test(c) ? '#b2182b' : /95/.test(c) ? '#d6604d' : '#f4a582';
  return '#7f7f7f';
}

// The field that holds a hotspot layer's class, from the layer's description
// in /api/layers ({name, fields: [{name, type}]}): the known names first, then
// the first text field.
export function classField(info) {
  if (!info) return null;
  const names = info.fields.map((f) => f.name);
  const prefer = info.name === 'gistar' ? ['class', 'gi_class', 'gistar_class', 'category'] : ['category', 'pattern', 'class', 'trend'];
  return prefer.find((p) => names.includes(p)) || info.fields.find((f) => f.type === 'String')?.name || null;
}

// The field that holds a density layer's value: the known names first, then the
// first real number that is not a length or an id.
export function valueField(info) {
  if (!info) return null;
  const names = info.fields.map((f) => f.name);
  return ['density', 'value', 'intensity', 'density_per_km', 'estimate'].find((p) => names.includes(p)) ||
    info.fields.find((f) => f.type === 'Real' && !/(_m|_id|length)$/.test(f.name))?.name || null;
}

// The distinct classes present in a layer, sorted, without nulls.
export function classesIn(features, field) {
  if (!field || !features) return [];
  return [...new Set(features.map((f) => f.properties[field]))].filter((x) => x !== null && x !== undefined).sort();
}

// The incidents of a month ('YYYY-MM' or null for all) and a parameter set
// (null = every parameter, so a catalogue that grows needs no bookkeeping).
export function selectIncidents(features, { month = null, params = null } = {}) {
  if (!features) return [];
  return features.filter((f) => (!month || f.properties.month === month) && (!params || params.has(f.properties.parameter)));
}

// Incidents per 100 m of each street segment. Segments shorter than 10 m count
// as 10 m: one incident on a 2 m stub is not a hotspot of 50 per 100 m.
export function edgeRates(edges, incidents) {
  const counts = new Map();
  for (const f of incidents) {
    const e = f.properties.edge_id;
    if (e === null || e === undefined) continue;
    counts.set(e, (counts.get(e) || 0) + 1);
  }
  const byEdge = new Map();
  let sum = 0;
  for (const f of edges) {
    const id = f.properties.edge_id;
    const n = counts.get(id) || 0;
    const rate = n > 0 ? (100 * n) / Math.max(10, f.properties.length_m || 0) : 0;
    byEdge.set(id, { rate, n });
    sum += rate;
  }
  return { byEdge, sum, breaks: quantileBreaks([...byEdge.values()].map((x) => x.rate)) };
}

// How a clicked feature's layer refers to it from the incidents.
export const KEY_OF_LAYER = {
  edges: 'edge_id', gistar: 'edge_id', emerging: 'edge_id', density: 'lixel_id', lixels: 'lixel_id',
  stops: 'stop_id', parks: 'park_id', areas: 'area_id',
};

// The incidents that belong to a clicked feature. Segments match by edge_id;
// stops, parks and areas by their index in map.gpkg (the FID - 1: the map
// stage writes them in the order the incidents' *_id refer to).
export function incidentsOf(layer, feature, incidents, params = null) {
  const key = KEY_OF_LAYER[layer];
  if (!key || !incidents) return [];
  let id = feature.properties[key];
  if (['stops', 'parks', 'areas'].includes(layer)) id = Number(feature.id) - 1;
  if (id === undefined || id === null || Number.isNaN(id)) return [];
  return incidents.filter((f) => f.properties[key] === id && (!params || params.has(f.properties.parameter)));
}

// Counts per month, in the order of `months` (missing months count 0).
export function monthlyCounts(incidents, months) {
  const c = new Map(months.map((m) => [m, 0]));
  for (const f of incidents) if (c.has(f.properties.month)) c.set(f.properties.month, c.get(f.properties.month) + 1);
  return months.map((m) => c.get(m));
}

// [code, count] pairs, largest first (ties by code, so the order is stable).
export function countsByParameter(incidents) {
  const c = new Map();
  for (const f of incidents) c.set(f.properties.parameter, (c.get(f.properties.parameter) || 0) + 1);
  return [...c.entries()].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
}
