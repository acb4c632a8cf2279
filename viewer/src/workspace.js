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
