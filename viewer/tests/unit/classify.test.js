import { describe, it, expect } from 'vitest';
import {
  RAMP, NOT_SIGNIFICANT, quantileBreaks, classIndex, classColour, className, notSignificant, classField, valueField, classesIn,
  selectIncidents, edgeRates, incidentsOf, monthlyCounts, countsByParameter,
} from '../../src/classify.js';

const inc = (props, id) => ({ type: 'Feature', id, geometry: { type: 'Point', coordinates: [0, 0] }, properties: props });
const edge = (edge_id, length_m) => ({ type: 'Feature', geometry: null, properties: { edge_id, length_m } });

describe('quantileBreaks', () => {
  it('takes the quantiles of the positive values, one per class', () => {
    // 10 values, 5 classes: the 0th, 2nd, 4th, 6th and 8th of the sorted positives.
    expect(quantileBreaks([10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0, -3])).toEqual([1, 3, 5, 7, 9]);
  });
  it('has no classes without a positive value', () => {
    expect(quantileBreaks([0, 0, -1])).toEqual([]);
    expect(quantileBreaks([])).toEqual([]);
  });
  it('makes equal quantiles strictly rising (MapLibre step stops)', () => {
    const b = quantileBreaks([2, 2, 2, 2, 2, 2]);
    expect(b).toHaveLength(RAMP.length);
    for (let i = 1; i < b.length; i++) expect(b[i]).toBeGreaterThan(b[i - 1]);
    expect(b[0]).toBe(2);
    expect(b.at(-1) - 2).toBeLessThan(1e-8);
  });
  it('puts every value at or above the first break in a class', () => {
    const values = [0.3, 1.7, 4, 4, 8.5, 12, 0.01];
    const b = quantileBreaks(values);
    for (const v of values) expect(classIndex(b, v)).toBeGreaterThanOrEqual(0);
    expect(classIndex(b, 0)).toBe(-1);
    expect(classIndex(b, 1e9)).toBe(b.length - 1);
  });
});

describe('classColour', () => {
  it('greys the not significant classes, in English and Swedish', () => {
    for (const c of ['Not significant', 'no pattern detected', 'ingen signifikans', '', null]) expect(classColour(c)).toBe(NOT_SIGNIFICANT);
  });
  it('knows the hotspot stage\'s own class names', () => {
    // hotspots.gpkg: gistar.class and emerging.class
    expect(classColour('none')).toBe(NOT_SIGNIFICANT);
    expect(classColour('no_pattern')).toBe(NOT_SIGNIFICANT);
    expect(classColour('hot_99')).toBe('#b2182b');
    expect(classColour('cold_95')).toBe('#4393c3');
    expect(classColour('persistent_hot')).toBe('#d6604d');
    expect(classColour('consecutive_hot')).toBe('#e7298a');
    expect(classColour('intensifying_hot')).toBe('#b2182b');
  });
  it('colours hot and cold spots by confidence', () => {
    expect(classColour('Hot spot 99%')).toBe('#b2182b');
    expect(classColour('Hot spot 95%')).toBe('#d6604d');
    expect(classColour('Hot spot 90%')).toBe('#f4a582');
    expect(classColour('Cold spot 99%')).toBe('#2166ac');
    expect(classColour('kall 95')).toBe('#4393c3');
  });
  it('knows the emerging hotspot patterns', () => {
    expect(classColour('New hot spot')).toBe('#ff00c8');
    expect(classColour('Intensifying hot spot')).toBe('#b2182b');
    expect(classColour('Persistent hot spot')).toBe('#d6604d');
    expect(classColour('Diminishing hot spot')).toBe('#f4a582');
    expect(classColour('Sporadic hot spot')).toBe('#fddbc7');
    expect(classColour('Historical hot spot')).toBe('#a6761d');
    expect(classColour('something else')).toBe('#7f7f7f');
  });
});

describe('the server\'s class vocabulary', () => {
  // /api/layers `classes`, as the server sends it (core/hotspot_classes.hpp).
  const vocab = {
    hot_99: { sv: 'Brännpunkt, 99 % säkerhet', en: 'Hot spot, 99% confidence', colour: '#bd0026' },
    none: { sv: 'Inte signifikant', en: 'Not significant', colour: '#bebebe' },
  };
  it('names and colours a class as the server does, in the viewer\'s language', () => {
    expect(classColour('hot_99', vocab)).toBe('#bd0026');
    expect(className('hot_99', vocab, 'sv')).toBe('Brännpunkt, 99 % säkerhet');
    expect(className('hot_99', vocab, 'en')).toBe('Hot spot, 99% confidence');
  });
  it('keeps not significant faint and grey whatever the vocabulary says', () => {
    expect(notSignificant('none')).toBe(true);
    expect(classColour('none', vocab)).toBe(NOT_SIGNIFICANT);
  });
  it('falls back to the words in a code the vocabulary lacks', () => {
    expect(classColour('cold_95', vocab)).toBe('#4393c3');
    expect(className('cold_95', vocab, 'sv')).toBe('cold_95');
    expect(className('hot_99', null, 'sv')).toBe('hot_99');
  });
});

describe('classField and valueField', () => {
  const f = (name, type) => ({ name, type });
  it('find the class of a Gi* layer by name, else the first text field', () => {
    expect(classField({ name: 'gistar', fields: [f('edge_id', 'Integer'), f('z', 'Real'), f('gi_class', 'String')] })).toBe('gi_class');
    expect(classField({ name: 'gistar', fields: [f('edge_id', 'Integer'), f('label', 'String')] })).toBe('label');
    expect(classField({ name: 'emerging', fields: [f('class', 'String'), f('pattern', 'String')] })).toBe('pattern');
    expect(classField({ name: 'gistar', fields: [f('z', 'Real')] })).toBe(null);
    expect(classField(undefined)).toBe(null);
  });
  it('find the value of a density layer, never a length or an id', () => {
    expect(valueField({ name: 'density', fields: [f('length_m', 'Real'), f('density', 'Real')] })).toBe('density');
    expect(valueField({ name: 'density', fields: [f('length_m', 'Real'), f('lixel_id', 'Real'), f('kde', 'Real')] })).toBe('kde');
    expect(valueField({ name: 'density', fields: [f('length_m', 'Real')] })).toBe(null);
  });
  it('list the classes present, sorted, without nulls', () => {
    const feats = ['b', 'a', null, 'b', undefined, 'c'].map((c) => inc({ cls: c }));
    expect(classesIn(feats, 'cls')).toEqual(['a', 'b', 'c']);
    expect(classesIn(feats, null)).toEqual([]);
  });
});

describe('incidents by month, parameter and street', () => {
  const incidents = [
    inc({ month: '2024-01', parameter: 'theft', edge_id: 1 }),
    inc({ month: '2024-01', parameter: 'assault', edge_id: 1 }),
    inc({ month: '2024-02', parameter: 'theft', edge_id: 2 }),
    inc({ month: '2024-02', parameter: 'theft', edge_id: null }),
  ];
  it('selects a month and a parameter set; null means all', () => {
    expect(selectIncidents(incidents)).toHaveLength(4);
    expect(selectIncidents(incidents, { month: '2024-01' })).toHaveLength(2);
    expect(selectIncidents(incidents, { params: new Set(['theft']) })).toHaveLength(3);
    expect(selectIncidents(incidents, { month: '2024-02', params: new Set(['assault']) })).toHaveLength(0);
    expect(selectIncidents(null)).toEqual([]);
  });
  it('gives incidents per 100 m, with a 10 m floor on the length', () => {
    const r = edgeRates([edge(1, 200), edge(2, 4), edge(3, 50)], incidents);
    expect(r.byEdge.get(1)).toEqual({ rate: 1, n: 2 });     // 2 per 200 m
    expect(r.byEdge.get(2)).toEqual({ rate: 10, n: 1 });    // 1 per 10 m, not per 4 m
    expect(r.byEdge.get(3)).toEqual({ rate: 0, n: 0 });
    expect(r.sum).toBe(11);
    expect(r.breaks[0]).toBeLessThanOrEqual(1);
    expect(r.breaks.at(-1)).toBeGreaterThanOrEqual(10);
  });
  it('counts per month in the catalogue\'s order, and per parameter largest first', () => {
    expect(monthlyCounts(incidents, ['2023-12', '2024-01', '2024-02'])).toEqual([0, 2, 2]);
    expect(countsByParameter(incidents)).toEqual([['theft', 3], ['assault', 1]]);
  });
  it('finds a street\'s incidents by edge_id and an area\'s by its FID - 1', () => {
    expect(incidentsOf('edges', { properties: { edge_id: 1 } }, incidents)).toHaveLength(2);
    expect(incidentsOf('gistar', { properties: { edge_id: 1 } }, incidents, new Set(['theft']))).toHaveLength(1);
    const withArea = [inc({ area_id: 0 }), inc({ area_id: 1 }), inc({ area_id: 0 })];
    expect(incidentsOf('areas', { id: 1, properties: {} }, withArea)).toHaveLength(2);
    expect(incidentsOf('lamps', { properties: {} }, incidents)).toEqual([]);
  });
});
