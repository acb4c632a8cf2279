import { describe, it, expect } from 'vitest';
import { buildIntervention, readyToAsk, lineChoices } from '../../src/intervention.js';

const base = { size: 2, months: 6, edges: [], hours: [18, 24], weekdays: [5, 6] };

describe('buildIntervention', () => {
  it('sends a transit host on a line stretch as the scenario grammar has it', () => {
    const iv = buildIntervention({ ...base, type: 'transit_host', line: ' 5 ', from: 'Alfa', to: 'Beta' });
    expect(iv).toEqual({ type: 'transit_host', size: 2, months: 6, edges: [], hours: [18, 24], weekdays: [5, 6],
      line: '5', between: ['Alfa', 'Beta'] });
    expect(readyToAsk(iv)).toBe(true);
  });
  it('leaves out a half-given stretch (the whole line) and needs a line', () => {
    expect(buildIntervention({ ...base, type: 'transit_host', line: '5', from: 'Alfa', to: '' }).between).toBeUndefined();
    expect(readyToAsk(buildIntervention({ ...base, type: 'transit_host', line: '  ' }))).toBe(false);
  });
  it('keeps lighting without hours and the other types on their streets', () => {
    const l = buildIntervention({ ...base, type: 'lighting', edges: [3], line: '5' });
    expect(l.hours).toBeUndefined();
    expect(l.line).toBeUndefined();
    expect(readyToAsk(l)).toBe(true);
    expect(readyToAsk(buildIntervention({ ...base, type: 'patrol' }))).toBe(false);
  });
});

describe('the early rise', () => {
  it('is sent as the grammar\'s reaction when a rise and its parameters are given', () => {
    const iv = buildIntervention({ ...base, type: 'patrol', edges: [3], risePercent: 20, riseWeeks: 6,
      riseParameters: ['youth_gatherings', 'public_disorder'] });
    expect(iv.reaction).toEqual({ parameters: ['youth_gatherings', 'public_disorder'], peak_rise: 0.2, decay_weeks: 6 });
  });
  it('is left out without a rise, without parameters, and for lamps', () => {
    const f = { ...base, edges: [3], riseWeeks: 6, riseParameters: ['public_disorder'] };
    expect(buildIntervention({ ...f, type: 'adults', risePercent: 0 }).reaction).toBeUndefined();
    expect(buildIntervention({ ...f, type: 'adults', risePercent: 30, riseParameters: [] }).reaction).toBeUndefined();
    expect(buildIntervention({ ...f, type: 'lighting', risePercent: 30 }).reaction).toBeUndefined();
  });
});

describe('lineChoices', () => {
  it('lists each line once with its stops, in Swedish numeric order', () => {
    const f = (line, a, b) => ({ properties: { line, from_stop: a, to_stop: b } });
    expect(lineChoices([f('25', 'Alfa', 'Beta'), f('5', 'Beta', 'Gamma'), f('5', 'Alfa', 'Beta'), { properties: {} }]))
      .toEqual([{ line: '5', stops: ['Alfa', 'Beta', 'Gamma'] }, { line: '25', stops: ['Alfa', 'Beta'] }]);
    expect(lineChoices(undefined)).toEqual([]);
  });
});
