// Instant what-if: every edit in the scenario editor becomes a "whatif" job on
// the server, which answers first on 100 replicates (the job's `partial`) and
// then refines to all of them on its kept baseline. A new edit supersedes the
// running one: the server cancels it (same `client`), and this controller stops
// polling it, so an old answer never overwrites a newer edit's.
//
//   const w = createWhatIf({ api, onAnswer, onState });
//   w.edit(body)   // body: {intervention, replicates}; returns a promise that ends with the job
//   w.stop()       // forget the running edit (the server finishes or is superseded)

export const FIRST_REPLICATES = 100;

// A name the server accepts as a client (letters, digits, _ - .): one per page.
export function clientId(random = Math.random) {
  return `tab-${Math.floor(random() * 2 ** 48).toString(36)}`;
}

// onAnswer(result, {refining}) for the first and the refined answer; onState(job)
// for progress, failures and cancellations of the current edit only.
export function createWhatIf({ api, onAnswer, onState = () => {}, pollMs = 150, client = clientId(),
  sleep = (ms) => new Promise((r) => setTimeout(r, ms)) }) {
  let generation = 0;

  async function edit(body) {
    const mine = ++generation;
    const current = () => mine === generation;
    const sub = await api.submitJob({ ...body, kind: 'whatif', client });
    let firstShown = false;
    for (;;) {
      if (!current()) return { superseded: true };
      const j = await api.job(sub.url);
      if (!current()) return { superseded: true };
      if (j.partial && !firstShown) {
        firstShown = true;
        onAnswer(j.partial, { refining: true, job: j });
      }
      if (j.state === 'done') {
        onAnswer(j.result, { refining: false, job: j });
        return { done: true, job: j };
      }
      onState(j);
      if (j.state === 'failed' || j.state === 'cancelled') return { done: false, job: j };
      await sleep(pollMs);
    }
  }

  return {
    edit,
    stop: () => { generation += 1; },
    client,
  };
}
