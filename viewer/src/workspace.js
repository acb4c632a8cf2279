// The workspace's months and follow-ups as the viewer shows them (pure
// functions over the answers of /api/workspace, /api/workspace/followups):
// a month timeline, which month to open first, and one chart series per
// deployment with its counterfactual band, the early rise kept apart.

// {months:[{month, incidents, reports, assessments, proposals}]} -> the timeline
// in month order, every month from the first to the last (a month with no
// reports still gets its place, so gaps show).
export function monthTimeline(summary) {
  const have = new Map((summary?.months || []).filter((m) => /^\d{4}-\d{2}$/.test(m.month)).map((m) => [m.month, m]));
  if (!have.size) return [];
  const keys = [...have.keys()].sort();
  const out = [];
  let [y, m] = keys[0].split('-').map(Number);
  const [ly, lm] = keys[keys.length - 1].split('-').map(Number);
  while (y < ly || (y === ly && m <= lm)) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    const row = have.get(month) || {};
    out.push({
      month,
      incidents: row.incidents || 0,
      reports: row.reports || 0,
      assessed: (row.assessments || 0) > 0,
      proposals: row.proposals || 0,
    });
    if (++m > 12) { m = 1; ++y; }
  }
  return out;
}

// The month to open: the latest assessed one, else the latest with reports.
export function defaultMonth(timeline) {
  for (let i = timeline.length - 1; i >= 0; --i) if (timeline[i].assessed) return timeline[i].month;
  for (let i = timeline.length - 1; i >= 0; --i) if (timeline[i].reports > 0) return timeline[i].month;
  return null;
}

// Follow-up rows of one deployment -> chart series by month: observed, the
// counterfactual with its interval, and the phase ("early" rows are the
// expected rise at the start, shown apart from the later effect). Rows without
// a month or numbers are left out and counted.
export function followupSeries(rows) {
  const points = [];
  let skipped = 0;
  for (const r of rows || []) {
    const ok = /^\d{4}-\d{2}$/.test(r?.month || '') && Number.isFinite(r.observed) && Number.isFinite(r.expected);
    if (!ok) { ++skipped; continue; }
    points.push({
      month: r.month,
      phase: r.phase === 'early' ? 'early' : 'later',
      observed: r.observed,
      expected: r.expected,
      lo: Number.isFinite(r.expected_lo) ? r.expected_lo : r.expected,
      hi: Number.isFinite(r.expected_hi) ? r.expected_hi : r.expected,
      rr: Number.isFinite(r.relative_risk) ? r.relative_risk : null,
    });
  }
  points.sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : a.phase === 'early' ? -1 : 1));
  const observed = points.reduce((s, p) => s + p.observed, 0);
  const expected = points.reduce((s, p) => s + p.expected, 0);
  return { points, skipped, observed, expected, ratio: expected > 0 ? observed / expected : null };
}

// ---- the workspace panel's words and lists (panels/workspace.js) ----------

const MONTH_NAMES = {
  sv: ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

// 'YYYY-MM' -> 'maj 2024' / 'May 2024'; anything else comes back as it is.
export function monthLabel(month, lang = 'sv') {
  const m = /^(\d{4})-(\d{2})$/.exec(month || '');
  const names = MONTH_NAMES[lang === 'en' ? 'en' : 'sv'];
  if (!m || +m[2] < 1 || +m[2] > 12) return month ?? '';
  return `${names[+m[2] - 1]} ${m[1]}`;
}

// The month after 'YYYY-MM' (a month's proposals are for the next one).
export function nextMonth(month) {
  let [y, m] = month.split('-').map(Number);
  if (++m > 12) { m = 1; ++y; }
  return `${y}-${String(m).padStart(2, '0')}`;
}

// A number with its interval: '0,82 (0,61–1,10)'. `fmt` formats one number
// (the page's, with its decimal comma); a missing bound gives the number alone.
export function formatInterval(value, lo, hi, fmt = String) {
  if (!Number.isFinite(value)) return '–';
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return fmt(value);
  return `${fmt(value)} (${fmt(lo)}–${fmt(hi)})`;
}

// A change in per cent with its sign ('+12 %', '−5 %'); null when unknown.
export function formatChange(pct, fmt = String) {
  if (!Number.isFinite(pct)) return null;
  const r = Math.round(pct);
  return `${r > 0 ? '+' : r < 0 ? '−' : '±'}${fmt(Math.abs(r))} %`;
}

// The picture of a month by parameter for one unit (the district as a whole by
// default): all parameters together first, then the highest level, the most
// incidents, the code.
export function pictureByParameter(picture, unitType = 'district') {
  const rows = (picture?.rows || []).filter((r) => r.unit_type === unitType && r.parameter);
  return rows.map((r) => ({
    parameter: r.parameter,
    unit: r.unit_name ?? '',
    incidents: Number.isFinite(r.incidents) ? r.incidents : 0,
    level: Number.isFinite(r.level) ? r.level : null,
    change: Number.isFinite(r.change_prev_pct) ? r.change_prev_pct : null,
    trend: r.trend || 'too_short',
  })).sort((a, b) => (b.parameter === 'all') - (a.parameter === 'all') || (b.level ?? -1) - (a.level ?? -1)
    || b.incidents - a.incidents || (a.parameter < b.parameter ? -1 : 1));
}

// edge_ids as the workspace stores them ('12;40;41', '[12,40]' or '12,40') -> numbers.
export function edgeIdsOf(text) {
  if (Array.isArray(text)) return text.filter(Number.isFinite);
  return String(text ?? '').split(/[^0-9]+/).filter(Boolean).map(Number);
}

// The proposals (GeoJSON of /api/workspace/proposals) grouped by kind in the
// engine's rank order; each item keeps its feature for the map.
export function proposalGroups(geojson) {
  const groups = new Map();
  for (const f of geojson?.features || []) {
    const p = f.properties || {};
    const kind = p.kind || '';
    // Lighting prevents harm for years: the engine says so in the detail.
    let detail = {};
    try { detail = JSON.parse(p.detail_json || '{}') || {}; } catch { /* a detail that is not JSON: no extras */ }
    if (!groups.has(kind)) groups.set(kind, []);
    groups.get(kind).push({
      id: f.id, rank: Number.isFinite(p.rank) ? p.rank : Infinity, place: p.place_name || '', kind,
      prevented: p.prevented, lo: p.prevented_lo, hi: p.prevented_hi, perYear: detail.per_year === true, cost: p.cost_sek,
      dose: p.dose, doseUnit: p.dose_unit || '', status: p.status || '', edges: edgeIdsOf(p.edge_ids), feature: f,
    });
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([kind, items]) => ({ kind, items: items.sort((a, b) => a.rank - b.rank || (a.place < b.place ? -1 : 1)) }));
}

// The deployments (GeoJSON of /api/workspace/deployments), latest start first.
export function deploymentList(geojson) {
  return (geojson?.features || []).map((f) => {
    const p = f.properties || {};
    return {
      id: f.id, name: p.name || `#${f.id}`, type: p.type || '', cost: p.cost_sek,
      // Dates only: the workspace may keep the start as a local time.
      start: String(p.actual_start || p.planned_start || '').slice(0, 10), end: String(p.actual_end || p.planned_end || '').slice(0, 10), feature: f,
    };
  }).sort((a, b) => (a.start > b.start ? -1 : a.start < b.start ? 1 : a.id - b.id));
}

// The deployments that carry a footprint (the streets they cover, stored at
// `tryggve deploy`), as features for the map, each with its id and name.
export function deploymentFootprints(geojson) {
  return (geojson?.features || []).filter((f) => f?.geometry && /Polygon$/.test(f.geometry.type))
    .map((f) => ({ type: 'Feature', id: f.id, geometry: f.geometry, properties: { id: f.id, name: f.properties?.name || '', type: f.properties?.type || '' } }));
}

// What the follow-up of one deployment says as of `month` (its latest
// assessment up to that month; the latest of all without one):
//   {state: 'none'}                   not followed up yet (started later, or no month run since)
//   {state: 'too_early', month}       the engine had too little history for a counterfactual
//   {state: 'estimate', month, rr, lo, hi, observed, expected, verdict, early, later}
// rr is observed / expected (the relative risk) with its interval; early and
// later are the same for the first weeks and the rest, when the engine split them;
// verdict is the server's word for the estimate (simulation::verdict_key:
// 'unclear_wide' is too early to say; 'unknown' when a row carries none).
export function followupVerdict(rows, month = null) {
  const ok = (rows || []).filter((r) => /^\d{4}-\d{2}$/.test(r?.month || '') && (!month || r.month <= month));
  if (!ok.length) return { state: 'none' };
  const last = ok.reduce((m, r) => (r.month > m ? r.month : m), '');
  const of = (phase) => ok.find((r) => r.month === last && r.phase === phase);
  const est = (r) => (r && Number.isFinite(r.relative_risk)
    ? { rr: r.relative_risk, lo: r.rr_lo, hi: r.rr_hi, observed: r.observed, expected: r.expected } : null);
  const all = est(of('all'));
  if (!all) return { state: of('none') ? 'too_early' : 'none', month: last };
  return { state: 'estimate', month: last, ...all, verdict: of('all').verdict || 'unknown', early: est(of('early')), later: est(of('later')) };
}
