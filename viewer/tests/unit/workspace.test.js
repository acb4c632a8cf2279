import { describe, it, expect } from 'vitest';
import {
  monthTimeline, defaultMonth, followupSeries, monthLabel, nextMonth, formatInterval, formatChange,
  pictureByParameter, edgeIdsOf, proposalGroups, deploymentList, deploymentFootprints, followupVerdict,
} from '../../src/workspace.js';

describe('monthTimeline', () => {
  it('fills every month from the first to the last, across a year end, in order', () => {
    const t = monthTimeline({ months: [
      { month: '2025-01', incidents: 3, reports: 4, assessments: 0, proposals: 0 },
      { month: '2024-11', incidents: 5, reports: 5, assessments: 12, proposals: 2 },
    ] });
    expect(t.map((m) => m.month)).toEqual(['2024-11', '2024-12', '2025-01']);
    expect(t[0]).toEqual({ month: '2024-11', incidents: 5, reports: 5, assessed: true, proposals: 2 });
    expect(t[1]).toEqual({ month: '2024-12', incidents: 0, reports: 0, assessed: false, proposals: 0 });
  });
  it('ignores malformed months and answers an empty list for nothing', () => {
    expect(monthTimeline({ months: [{ month: 'x' }] })).toEqual([]);
    expect(monthTimeline(null)).toEqual([]);
  });
});

describe('defaultMonth', () => {
  it('opens the latest assessed month, else the latest with reports', () => {
    const t = monthTimeline({ months: [
      { month: '2025-01', reports: 4, assessments: 9 }, { month: '2025-02', reports: 2 }, { month: '2025-03' },
    ] });
    expect(defaultMonth(t)).toBe('2025-01');
    expect(defaultMonth(t.map((m) => ({ ...m, assessed: false })))).toBe('2025-02');
    expect(defaultMonth([])).toBe(null);
  });
});

describe('followupSeries', () => {
  it('orders by month with the early phase first, keeps intervals and sums the ratio', () => {
    const s = followupSeries([
      { month: '2025-11', phase: 'later', observed: 6, expected: 10, expected_lo: 7, expected_hi: 13, relative_risk: 0.6 },
      { month: '2025-10', phase: 'early', observed: 14, expected: 10 },
      { month: '2025-10', phase: 'later', observed: 8, expected: 10, expected_lo: 8, expected_hi: 12 },
      { month: 'bad', observed: 1, expected: 1 },
      { month: '2025-12', observed: null, expected: 3 },
    ]);
    expect(s.points.map((p) => `${p.month}/${p.phase}`)).toEqual(['2025-10/early', '2025-10/later', '2025-11/later']);
    expect(s.points[0]).toMatchObject({ lo: 10, hi: 10, rr: null });
    expect(s.points[2]).toMatchObject({ lo: 7, hi: 13, rr: 0.6 });
    expect(s.skipped).toBe(2);
    expect(s.ratio).toBeCloseTo(28 / 30, 10);
  });
  it('has no ratio without an expectation', () => {
    expect(followupSeries([]).ratio).toBe(null);
  });
});

describe('month words', () => {
  it('names a month in Swedish and English and steps over a year end', () => {
    expect(monthLabel('2024-05')).toBe('maj 2024');
    expect(monthLabel('2024-12', 'en')).toBe('December 2024');
    expect(monthLabel('2024-13')).toBe('2024-13');
    expect(monthLabel(null)).toBe('');
    expect(nextMonth('2024-12')).toBe('2025-01');
    expect(nextMonth('2024-09')).toBe('2024-10');
  });
});

describe('formatInterval and formatChange', () => {
  const sv = (x) => x.toLocaleString('sv-SE', { maximumFractionDigits: 2 });
  it('puts the interval after the number, in the formatter\'s style', () => {
    expect(formatInterval(0.8234, 0.61, 1.1, sv)).toBe('0,82 (0,61–1,1)');
    expect(formatInterval(3, null, 5)).toBe('3');
    expect(formatInterval(null, 1, 2)).toBe('–');
    expect(formatInterval(NaN, 1, 2)).toBe('–');
  });
  it('signs a change in per cent and says nothing for an unknown one', () => {
    expect(formatChange(12.4)).toBe('+12 %');
    expect(formatChange(-5.6)).toBe('−6 %');
    expect(formatChange(0.2)).toBe('±0 %');
    expect(formatChange(null)).toBe(null);
  });
});

describe('pictureByParameter', () => {
  const rows = [
    { unit_type: 'area', parameter: 'A', incidents: 99, level: 5, trend: 'increasing' },
    { unit_type: 'district', parameter: 'B', incidents: 4, level: 2, change_prev_pct: -20, trend: 'no_trend' },
    { unit_type: 'district', parameter: 'C', incidents: 9, level: 4, change_prev_pct: null, trend: 'increasing' },
    { unit_type: 'district', parameter: 'A', incidents: 12, level: 2, change_prev_pct: 50, trend: null },
    { unit_type: 'district', parameter: 'all', incidents: 25, level: 1 },
  ];
  it('keeps the district rows, all parameters first, then highest level, then most incidents', () => {
    const p = pictureByParameter({ rows });
    expect(p.map((r) => r.parameter)).toEqual(['all', 'C', 'A', 'B']);
    expect(p[1]).toEqual({ parameter: 'C', unit: '', incidents: 9, level: 4, change: null, trend: 'increasing' });
    expect(p[2].trend).toBe('too_short');
    expect(pictureByParameter({ rows }, 'area').map((r) => r.parameter)).toEqual(['A']);
    expect(pictureByParameter(null)).toEqual([]);
  });
});

describe('proposals and deployments', () => {
  const feature = (id, properties, geometry = null) => ({ type: 'Feature', id, properties, geometry });
  it('reads edge ids in any of the stored spellings', () => {
    expect(edgeIdsOf('12;40;41')).toEqual([12, 40, 41]);
    expect(edgeIdsOf('[3,4]')).toEqual([3, 4]);
    expect(edgeIdsOf(null)).toEqual([]);
  });
  it('groups the proposals by kind in rank order', () => {
    const g = proposalGroups({ features: [
      feature(1, { kind: 'patrol', rank: 2, place_name: 'Torget', edge_ids: '5,6', prevented: 1.5, prevented_lo: 0.5, prevented_hi: 2.5 }),
      feature(2, { kind: 'lighting', rank: 1, place_name: 'Parken', detail_json: '{"per_year":true}' }),
      feature(3, { kind: 'patrol', rank: 1, place_name: 'Skolan' }),
    ] });
    expect(g.map((x) => x.kind)).toEqual(['lighting', 'patrol']);
    expect(g[1].items.map((i) => i.place)).toEqual(['Skolan', 'Torget']);
    expect(g[1].items[1]).toMatchObject({ id: 1, edges: [5, 6], prevented: 1.5, lo: 0.5, hi: 2.5, perYear: false });
    expect(g[0].items[0].perYear).toBe(true);
    expect(proposalGroups(null)).toEqual([]);
  });
  it('puts the deployments with a footprint on the map, and leaves the others out', () => {
    const square = { type: 'MultiPolygon', coordinates: [[[[11.9, 57.7], [11.91, 57.7], [11.91, 57.71], [11.9, 57.7]]]] };
    const f = deploymentFootprints({ features: [
      { id: 1, geometry: square, properties: { name: 'Fotpatrull', type: 'patrol', notes: 'x' } },
      { id: 2, geometry: null, properties: { name: 'Äldre' } },
      { id: 3, geometry: { type: 'Point', coordinates: [11.9, 57.7] }, properties: {} },
    ] });
    expect(f.map((x) => x.id)).toEqual([1]);
    expect(f[0].geometry).toBe(square);
    expect(f[0].properties).toEqual({ id: 1, name: 'Fotpatrull', type: 'patrol' });
    expect(deploymentFootprints(null)).toEqual([]);
  });

  it('lists the deployments latest first, planned dates when none actual', () => {
    const d = deploymentList({ features: [
      feature(1, { name: 'lampor', actual_start: '2024-06-01T00:00:00+02:00' }),
      feature(2, { name: 'patrull', actual_start: '2025-01-01', actual_end: '2025-03-31' }),
      feature(3, { planned_start: '2024-09-01' }),
    ] });
    expect(d.map((x) => x.id)).toEqual([2, 3, 1]);
    expect(d[0]).toMatchObject({ name: 'patrull', start: '2025-01-01', end: '2025-03-31' });
    expect(d[1].name).toBe('#3');
    expect(d[2].start).toBe('2024-06-01');
  });
});

describe('followupVerdict', () => {
  // verdict: the server's word (simulation::verdict_key, tested with the engine).
  const est = (month, phase, rr, lo, hi, verdict) => ({ month, phase, observed: 8, expected: 10, relative_risk: rr, rr_lo: lo, rr_hi: hi, verdict });
  const rows = [
    est('2025-01', 'all', 0.9, 0.6, 1.3, 'unclear_wide'), est('2025-01', 'early', 1.2, 0.7, 2), est('2025-01', 'later', 0.8, 0.5, 1.2),
    est('2025-02', 'all', 0.7, 0.5, 0.95, 'fewer_slight'),
    { month: '2024-12', phase: 'none', observed: null, expected: null, relative_risk: null },
  ];
  it('takes the latest assessment up to the month, with its interval and phases', () => {
    expect(followupVerdict(rows)).toMatchObject({ state: 'estimate', month: '2025-02', rr: 0.7, lo: 0.5, hi: 0.95, verdict: 'fewer_slight', early: null, later: null });
    const jan = followupVerdict(rows, '2025-01');
    expect(jan).toMatchObject({ state: 'estimate', month: '2025-01', rr: 0.9, observed: 8, expected: 10, verdict: 'unclear_wide' });
    expect(jan.early).toEqual({ rr: 1.2, lo: 0.7, hi: 2, observed: 8, expected: 10 });
  });
  it('says too early when the engine had no counterfactual, and none without rows', () => {
    expect(followupVerdict(rows, '2024-12')).toEqual({ state: 'too_early', month: '2024-12' });
    expect(followupVerdict(rows, '2024-11')).toEqual({ state: 'none' });
    expect(followupVerdict([])).toEqual({ state: 'none' });
  });
});

