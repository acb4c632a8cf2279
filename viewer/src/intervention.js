// The editor's intervention as the server's job request: the same fields the
// scenario grammar has (engine/include/tryggve/scenario/scenario.hpp), so a
// transit host's line stretch reaches the resolver as `where: line` with
// `between: [from, to]`. Pure: the form's values in, the request out.
//
//   buildIntervention({ type, size, months, edges, area, hours, weekdays, line, from, to,
//                       risePercent, riseWeeks, riseParameters })
//   readyToAsk(iv)   // true when the request names where it acts
export function buildIntervention(f) {
  const iv = { type: f.type, size: f.size, months: f.months, edges: [...(f.edges || [])] };
  if (f.area) iv.area = f.area;
  // Lamps shine whenever it is dark: the other types have hours and days.
  if (f.type !== 'lighting') {
    iv.hours = f.hours;
    iv.weekdays = f.weekdays;
  }
  const line = (f.line || '').trim();
  if (f.type === 'transit_host' && line) {
    iv.line = line;
    const from = (f.from || '').trim();
    const to = (f.to || '').trim();
    // A stretch needs both stops; one alone would be refused, none is the whole line.
    if (from && to) iv.between = [from, to];
  }
  // The early rise (the grammar's `reaction`): only when a rise and the parameters
  // that react are both given; lamps have none (they are no presence to react to).
  const rise = Number(f.risePercent) || 0;
  const reacting = [...(f.riseParameters || [])];
  if (f.type !== 'lighting' && rise !== 0 && reacting.length) {
    iv.reaction = { parameters: reacting, peak_rise: rise / 100, decay_weeks: Number(f.riseWeeks) || 6 };
  }
  return iv;
}

// The parameters the early rise acts on by default: those practitioners see rise
// when more adults are out (youth gatherings, disorder), where the taxonomy has them.
export const REACTING_BY_DEFAULT = ['youth_gatherings', 'public_disorder'];

export function readyToAsk(iv) {
  if (iv.type === 'transit_host') return Boolean(iv.line);
  return iv.edges.length > 0 || Boolean(iv.area);
}

// The lines and stops a transit_lines layer offers for the editor's lists
// (features with `line` and `from_stop` / `to_stop` names), sorted, unique.
export function lineChoices(features) {
  const lines = new Map();
  for (const f of features || []) {
    const p = f.properties || {};
    if (p.line === undefined || p.line === null) continue;
    const key = String(p.line);
    if (!lines.has(key)) lines.set(key, new Set());
    for (const s of [p.from_stop, p.to_stop]) if (s) lines.get(key).add(String(s));
  }
  const cmp = (a, b) => a.localeCompare(b, 'sv', { numeric: true });
  return [...lines.keys()].sort(cmp).map((line) => ({ line, stops: [...lines.get(line)].sort(cmp) }));
}
