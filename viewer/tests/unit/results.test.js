import { describe, it, expect } from 'vitest';
import {
  flatten, comparisonRows, edgeValues, edgeDifferences, withEdgeProperty, planRows, planItem, jobChanges, situationText,
} from '../../src/results.js';

describe('flatten', () => {
  it('names nested numbers by their path and leaves out text and arrays', () => {
    expect(flatten({ totals: { baseline: 10, scenario: { mean: 8 } }, name: 'x', cells: [1, 2], seed: 3 }))
      .toEqual({ 'totals.baseline': 10, 'totals.scenario.mean': 8, seed: 3 });
    expect(flatten(null)).toEqual({});
    expect(flatten(5)).toEqual({});
  });
});

describe('comparisonRows', () => {
  const a = { seed: 1, replicates: 60, area: { n: 3 }, totals: { mean: 10, lo: 8 } };
  const b = { seed: 2, replicates: 60, totals: { mean: 7.5, lo: 6, hi: 9 } };
  it('puts the totals first and gives B − A where both have the figure', () => {
    const rows = comparisonRows(a, b);
    expect(rows.map((r) => r.key)).toEqual(['totals.mean', 'totals.lo', 'totals.hi', 'area.n']);
    expect(rows[0]).toEqual({ key: 'totals.mean', a: 10, b: 7.5, diff: -2.5 });
    expect(rows[2].diff).toBeUndefined();
    expect(rows[3]).toEqual({ key: 'area.n', a: 3, b: undefined, diff: undefined });
  });
  it('works with one side missing and keeps to the limit', () => {
    expect(comparisonRows(null, b).map((r) => r.a)).toEqual([undefined, undefined, undefined]);
    expect(comparisonRows(a, b, 2)).toHaveLength(2);
  });
});

describe('per-edge values of a scenario', () => {
  const sc = {
    tables: {
      summary: [{ parameter: 'theft', mean: 3 }],
      cells: [{ cell: 0, edge: 4, difference: -1 }, { cell: 1, edge: 4, difference: -0.5 }, { cell: 2, edge: 7, difference: 2 }],
    },
  };
  it('sums the difference over each edge\'s cells', () => {
    const v = edgeValues(sc);
    expect(v.col).toBe('difference');
    expect([...v.values]).toEqual([[4, -1.5], [7, 2]]);
  });
  it('falls back to the first number that is not an id or a length', () => {
    const v = edgeValues({ tables: { t: [{ edge_id: 1, length_m: 50, forecast: 2 }, { edge_id: 1, length_m: 50, forecast: 1 }] } });
    expect(v.col).toBe('forecast');
    expect(v.values.get(1)).toBe(3);
    expect(edgeValues({ tables: { t: [{ cell: 1, x: 2 }] } })).toBe(null);
    expect(edgeValues(null)).toBe(null);
  });
  it('scales B − A to -1 .. 1 by the largest change', () => {
    const d = edgeDifferences(new Map([[1, 4], [2, 1]]), new Map([[1, 2], [3, 1]]));
    expect(d.maxAbs).toBe(2);
    expect(Object.fromEntries(d.raw)).toEqual({ 1: -2, 2: -1, 3: 1 });
    expect(Object.fromEntries(d.diffs)).toEqual({ 1: -1, 2: -0.5, 3: 0.5 });
    expect(edgeDifferences(new Map([[1, 2]]), new Map([[1, 2]])).diffs.get(1)).toBe(0);
    expect(edgeDifferences(undefined, new Map([[5, 1]])).diffs.get(5)).toBe(1);
  });
  it('adds the value to the streets that have one', () => {
    const edges = [1, 2, 3].map((edge_id) => ({ properties: { edge_id, name: `s${edge_id}` } }));
    const out = withEdgeProperty(edges, new Map([[2, 0.5]]), 'diff');
    expect(out).toEqual([{ properties: { edge_id: 2, name: 's2', diff: 0.5 } }]);
    expect(edges[1].properties.diff).toBeUndefined();
  });
});

describe('plan lists', () => {
  it('takes rows from a CSV array or a JSON object', () => {
    expect(planRows([{ a: 1 }])).toEqual([{ a: 1 }]);
    expect(planRows({ items: [{ a: 2 }] })).toEqual([{ a: 2 }]);
    expect(planRows({ nothing: 1 })).toEqual([]);
  });
  it('labels a row by its name and scores it by the known score first', () => {
    expect(planItem({ rank: 1, edge_id: 12, name: 'Storgatan', x: 5, score: 2, harm_prevented: 0.7 }))
      .toEqual({ label: 'Storgatan', scoreKey: 'harm_prevented', score: 0.7 });
    expect(planItem({ rank: 2, edge_id: 3, x: 1, y: 2, lon: 11, lat: 57, forecast: 4.5 }).scoreKey).toBe('forecast');
    expect(planItem({ rank: 3, what: 'a' }).scoreKey).toBe(null);
  });
});

describe('job results and situation text', () => {
  it('gives each edge its change as a share of its baseline', () => {
    const m = jobChanges([{ edge_id: 1, baseline: 4, change: -1 }, { edge_id: 2, baseline: 0, change: 0 }]);
    expect(Object.fromEntries(m)).toEqual({ 1: -0.25, 2: 0 });
    expect(jobChanges(undefined).size).toBe(0);
  });
  it('picks the text in the viewer\'s language', () => {
    expect(situationText({ summary_sv: 'hej', summary_en: 'hi' }, 'en')).toBe('hi');
    expect(situationText({ text_sv: 'hej' }, 'sv')).toBe('hej');
    expect(situationText({ summary: { n: 1 } }, 'sv')).toBe('');
  });
});
