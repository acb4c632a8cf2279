import { describe, it, expect, vi } from 'vitest';
import { createStore, initialState, currentMonth, paramFilter } from '../../src/store.js';
import { createApi, ApiError } from '../../src/api.js';

describe('store', () => {
  it('tells the subscribers of changed keys only', () => {
    const s = createStore({ a: 1, b: 2 });
    const a = vi.fn(), any = vi.fn();
    s.subscribe(['a'], a);
    s.subscribe(null, any);
    s.set({ b: 3 });
    expect(a).not.toHaveBeenCalled();
    expect(any).toHaveBeenCalledTimes(1);
    s.set({ a: 1 });   // same value: no change
    expect(any).toHaveBeenCalledTimes(1);
    s.set({ a: 5 });
    expect(a).toHaveBeenCalledWith({ a: 5, b: 3 }, new Set(['a']));
  });
  it('delivers a set made by a subscriber after the current round', () => {
    const s = createStore({ a: 0, b: 0 });
    const seen = [];
    s.subscribe(['a'], (st) => { seen.push(`a${st.a}`); s.set({ b: st.a * 10 }); });
    s.subscribe(['a', 'b'], (st, ch) => seen.push(`${[...ch].join('')}:${st.a},${st.b}`));
    s.set({ a: 1 });
    // The second subscriber sees round one with the state as it is by then.
    expect(seen).toEqual(['a1', 'a:1,10', 'b:1,10']);
  });
  it('ends a subscription', () => {
    const s = createStore({ a: 0 });
    const f = vi.fn();
    const off = s.subscribe(['a'], f);
    off();
    s.set({ a: 1 });
    expect(f).not.toHaveBeenCalled();
  });
  it('reads the month and the parameter filter', () => {
    const st = { ...initialState(), catalogue: { parameters: [{ code: 'a' }, { code: 'b' }], months: [{ month: '2024-01' }, { month: '2024-02' }] } };
    expect(currentMonth(st)).toBe(null);
    expect(currentMonth({ ...st, monthIndex: 2 })).toBe('2024-02');
    expect(paramFilter({ ...st, params: new Set(['a', 'b']) })).toBe(null);
    expect([...paramFilter({ ...st, params: new Set(['a']) })]).toEqual(['a']);
  });
});

const json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('api', () => {
  it('builds the layer query and returns the JSON', async () => {
    const fetch = vi.fn(async () => json({ type: 'FeatureCollection', features: [] }));
    const api = createApi(fetch);
    await api.layer('incidents', { fields: 'month,parameter', month: undefined, parameter: '' });
    expect(fetch.mock.calls[0][0]).toBe('/api/layers/incidents?fields=month%2Cparameter');
    fetch.mockImplementationOnce(async () => json({ scenarios: ['a', 'b'] }));
    expect(await api.scenarios()).toEqual(['a', 'b']);
  });
  it('turns the server\'s JSON error into an ApiError', async () => {
    const api = createApi(async () => json({ error: { status: 400, code: 'BadOption', message: "'2024-13' is not a month", where: 'query parameter month' } }, 400));
    const e = await api.layer('incidents', { month: '2024-13' }).catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 400, code: 'BadOption', where: 'query parameter month', message: "'2024-13' is not a month" });
  });
  it('turns a text error, a broken body and no answer at all into the same shape', async () => {
    const text = await createApi(async () => new Response('bad gateway', { status: 502 })).catalogue().catch((x) => x);
    expect(text).toMatchObject({ name: 'ApiError', status: 502, code: 'HTTP502', message: 'bad gateway', path: '/api/catalogue' });
    const broken = await createApi(async () => new Response('{', { status: 200, headers: { 'content-type': 'application/json' } })).catalogue().catch((x) => x);
    expect(broken).toMatchObject({ name: 'ApiError', code: 'BadResponse' });
    const down = await createApi(async () => { throw new TypeError('Failed to fetch'); }).jobs().catch((x) => x);
    expect(down).toMatchObject({ name: 'ApiError', status: 0, code: 'NetworkError' });
  });
  it('posts a job as JSON', async () => {
    const fetch = vi.fn(async () => json({ id: '1', url: '/api/jobs/1' }, 202));
    const r = await createApi(fetch).submitJob({ kind: 'scenario', scenario: 'x' });
    expect(r.url).toBe('/api/jobs/1');
    const [path, opts] = fetch.mock.calls[0];
    expect(path).toBe('/api/jobs');
    expect(opts.method).toBe('POST');
    expect(opts.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(opts.body)).toEqual({ kind: 'scenario', scenario: 'x' });
  });
});
