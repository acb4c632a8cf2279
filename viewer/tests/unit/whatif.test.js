import { describe, it, expect } from 'vitest';
import { createWhatIf, clientId } from '../../src/whatif.js';

// A fake server: each job walks through the given states, one per poll.
function fakeApi(script) {
  const submitted = [];
  const polls = {};
  return {
    submitted,
    submitJob: async (body) => {
      submitted.push(body);
      const id = String(submitted.length);
      polls[id] = 0;
      return { id, url: `/api/jobs/${id}` };
    },
    job: async (url) => {
      const id = url.split('/').pop();
      const steps = script(id);
      const s = steps[Math.min(polls[id], steps.length - 1)];
      polls[id] += 1;
      return { id, ...s };
    },
  };
}

const first = { replicates: 100, change: { mean: -3 } };
const refined = { replicates: 1000, change: { mean: -2.5 } };

describe('what-if', () => {
  it('shows the first answer at once and the refined one when it arrives', async () => {
    const api = fakeApi(() => [
      { state: 'running', progress: 0.05 },
      { state: 'running', progress: 0.1, partial: first },
      { state: 'running', progress: 0.5, partial: first },
      { state: 'done', result: refined },
    ]);
    const answers = [];
    const w = createWhatIf({ api, client: 'tab-x', sleep: async () => {}, onAnswer: (r, o) => answers.push([r.replicates, o.refining]) });
    const end = await w.edit({ intervention: { type: 'patrol' }, replicates: 1000 });
    expect(end.done).toBe(true);
    expect(answers).toEqual([[100, true], [1000, false]]);
    expect(api.submitted[0]).toMatchObject({ kind: 'whatif', client: 'tab-x', replicates: 1000 });
  });

  it('a new edit supersedes the running one: its answers never show', async () => {
    let release;
    const gate = new Promise((r) => { release = r; });
    const api = fakeApi((id) => (id === '1'
      ? [{ state: 'running' }, { state: 'running', partial: { replicates: 100, old: true } }, { state: 'done', result: { replicates: 1000, old: true } }]
      : [{ state: 'running', partial: first }, { state: 'done', result: refined }]));
    const answers = [];
    let polls = 0;
    const w = createWhatIf({
      api, client: 'tab-y', onAnswer: (r) => answers.push(r),
      // The first edit's first poll waits until the second edit is under way.
      sleep: async () => { polls += 1; if (polls === 1) await gate; },
    });
    const a = w.edit({ intervention: { size: 4 } });
    await new Promise((r) => setTimeout(r, 0));
    const b = w.edit({ intervention: { size: 8 } });
    release();
    expect(await a).toEqual({ superseded: true });
    expect((await b).done).toBe(true);
    expect(answers.some((r) => r.old)).toBe(false);
    expect(answers.map((r) => r.replicates)).toEqual([100, 1000]);
    // Both from the same client: the server cancels the first.
    expect(api.submitted.map((s) => s.client)).toEqual(['tab-y', 'tab-y']);
  });

  it('reports a failed or cancelled edit and stops', async () => {
    const api = fakeApi(() => [{ state: 'failed', error: { message: 'no' } }]);
    const states = [];
    const w = createWhatIf({ api, sleep: async () => {}, onAnswer: () => {}, onState: (j) => states.push(j.state) });
    expect((await w.edit({})).done).toBe(false);
    expect(states).toEqual(['failed']);
  });

  it('makes client names the server accepts', () => {
    expect(clientId(() => 0.5)).toMatch(/^tab-[0-9a-z]+$/);
  });
});
