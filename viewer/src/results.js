// The engine's result JSON (situation, scenarios, plan lists, jobs) turned into
// rows and per-segment values. Pure: no DOM, no map, no language.
//
// The viewer assumes no more of a result's shape than "numbers under names" and
// "tables with an edge column", so a new figure in the engine's output shows up
// without a viewer change.

// {a: {b: 1, c: [..]}, d: 2} -> {'a.b': 1, d: 2}. Arrays are tables, not
// figures: they are left out.
export function flatten(obj, prefix = '', out = {}) {
  if (obj === null || obj === undefined) return out;
  if (typeof obj === 'number') { if (prefix) out[prefix] = obj; return out; }
  if (Array.isArray(obj)) return out;
  if (typeof obj === 'object') for (const [k, v] of Object.entries(obj)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

// Keys that describe how a run was made, not what it found.
const NOT_A_FIGURE = /(^seed$|replicates|_cells$)/;

// Two scenarios' figures side by side: [{key, a, b, diff}], totals first,
// the rest in the order the results list them; diff only where both have it.
export function comparisonRows(resultA, resultB, limit = 40) {
  const fa = flatten(resultA), fb = flatten(resultB);
  const keys = [...new Set([...Object.keys(fa), ...Object.keys(fb)])].filter((k) => !NOT_A_FIGURE.test(k));
  const totals = keys.filter((k) => k.startsWith('totals.'));
  const rest = keys.filter((k) => !k.startsWith('totals.'));
  return [...totals, ...rest].slice(0, limit).map((key) => ({
    key, a: fa[key], b: fb[key], diff: fa[key] !== undefined && fb[key] !== undefined ? fb[key] - fa[key] : undefined,
  }));
}

// A scenario's per-segment table (cells.csv: one row per street cell with
// `edge` and `difference`), summed per edge: {col, values: Map edge -> value}.
export function edgeValues(scenario) {
  for (const rows of Object.values(scenario?.tables || {})) {
    if (!Array.isArray(rows) || !rows.length) continue;
    const key = 'edge_id' in rows[0] ? 'edge_id' : 'edge' in rows[0] ? 'edge' : null;
    if (!key) continue;
    const col = ['difference', 'difference_mean', 'scenario_mean'].find((c) => c in rows[0]) ||
      Object.keys(rows[0]).find((k) => k !== key && typeof rows[0][k] === 'number' && !/_id$|^cell$|_m$/.test(k));
    if (!col) continue;
    const values = new Map();
    for (const r of rows) values.set(r[key], (values.get(r[key]) || 0) + (Number(r[col]) || 0));
    return { col, values };
  }
  return null;
}

// B − A per edge, scaled by the largest absolute difference to -1 .. 1 (the
// map's diverging ramp), for edges where either scenario has a value.
// Returns {diffs: Map edge -> scaled, raw: Map edge -> B − A, maxAbs}.
export function edgeDifferences(valuesA, valuesB) {
  const raw = new Map();
  let maxAbs = 0;
  for (const id of new Set([...(valuesA?.keys() || []), ...(valuesB?.keys() || [])])) {
    const d = (valuesB?.get(id) ?? 0) - (valuesA?.get(id) ?? 0);
    raw.set(id, d);
    maxAbs = Math.max(maxAbs, Math.abs(d));
  }
  const diffs = new Map([...raw].map(([id, d]) => [id, maxAbs > 0 ? d / maxAbs : 0]));
  return { diffs, raw, maxAbs };
}

// Street features with a property added from a Map edge_id -> value (only the
// streets that have a value).
export function withEdgeProperty(edges, values, property) {
  if (!edges) return [];
  return edges.filter((f) => values.has(f.properties.edge_id))
    .map((f) => ({ ...f, properties: { ...f.properties, [property]: values.get(f.properties.edge_id) } }));
}

// A plan list as rows, whether written as a CSV (an array) or as JSON with the
// rows under a name.
export function planRows(json) {
  if (Array.isArray(json)) return json;
  for (const k of ['items', 'rows', 'list']) if (Array.isArray(json?.[k])) return json[k];
  return [];
}

// The score a ranked list is ordered by: the known names first, then the first
// number that is not an id, a rank, a coordinate or a length.
const SCORE_KEYS = ['harm_prevented', 'prevented_per_100k_sek', 'prevented_per_year', 'forecast_incidents', 'score'];
export function planItem(row) {
  const label = row.name || row.street || row.label || row.place || Object.values(row).slice(0, 3).join(' · ');
  const key = SCORE_KEYS.find((k) => typeof row[k] === 'number') ||
    Object.keys(row).find((k) => typeof row[k] === 'number' && !/_id$|^rank$|^[xy]$|^lon$|^lat$|_m$/.test(k));
  return { label: String(label), scoreKey: key ?? null, score: key ? row[key] : null };
}

// A job's per-segment change as a share of its baseline (the map's ramp is
// relative: a street going from 10 to 9 and one going from 1 to 0.9 look alike).
export function jobChanges(resultEdges) {
  return new Map((resultEdges || []).map((e) => [e.edge_id, e.baseline > 0 ? e.change / e.baseline : 0]));
}

// Whatever a situation picture calls its text, in the language asked for.
export function situationText(s, lang) {
  return s?.[`summary_${lang}`] || s?.[`text_${lang}`] || (typeof s?.summary === 'string' ? s.summary : '') || '';
}
