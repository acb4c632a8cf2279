import { describe, it, expect } from 'vitest';
import { monthTimeline, defaultMonth, followupSeries } from '../../src/workspace.js';

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
