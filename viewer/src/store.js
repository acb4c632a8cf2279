// The viewer's state in one place. Panels and map layers do not call each
// other: they set keys here and subscribe to the keys they draw from, so a new
// panel is one more subscriber and nothing else changes.
//
// Values are replaced, never changed in place (a new Set, a new object), so
// "changed" is `!==` and a subscriber can keep the value it was given.

export function createStore(initial) {
  let state = { ...initial };
  const subs = [];
  let queue = null;

  function notify(changed) {
    for (const s of [...subs]) {
      if (!s.keys || s.keys.some((k) => changed.has(k))) s.fn(state, changed);
    }
  }

  return {
    get: () => state,
    // Merges `patch` and tells the subscribers of the keys whose value changed.
    // A set() made by a subscriber is delivered after the current round, so
    // every subscriber sees the rounds in order.
    set(patch) {
      const changed = new Set(Object.keys(patch).filter((k) => state[k] !== patch[k]));
      if (!changed.size) return;
      state = { ...state, ...patch };
      if (queue) { queue.push(changed); return; }
      queue = [changed];
      try {
        while (queue.length) notify(queue.shift());
      } finally {
        queue = null;
      }
    },
    // fn(state, changedKeys) for every change of one of `keys` (all keys if
    // none are given). Returns the function that ends the subscription.
    subscribe(keys, fn) {
      const s = { keys: keys && keys.length ? keys : null, fn };
      subs.push(s);
      return () => { const i = subs.indexOf(s); if (i >= 0) subs.splice(i, 1); };
    },
  };
}

// Everything the viewer keeps. The GeoJSON of each loaded layer is in `geo`.
export function initialState() {
  return {
    lang: 'sv',
    layers: [],                 // /api/layers: what the run folder has
    classes: {},                // /api/layers: hotspot class code -> {sv, en, colour}
    runName: '',
    catalogue: { parameters: [], months: [] },
    monthIndex: 0,              // 0 = all months, i = catalogue.months[i - 1]
    params: new Set(),          // selected parameter codes
    geo: {},                    // layer name -> GeoJSON
    visible: {},                // layer name -> on/off
    streetColour: 'rate',       // rate | none
    streetRates: null,          // {byEdge, sum, breaks, count} for the selection
    hotspotStyle: {},           // layer name -> {field, breaks | classes}
    mode: 'none',               // none | select | draw
    selectedEdges: new Set(),
    drawPts: [],
    area: null,                 // GeoJSON Polygon
    details: null,              // the clicked feature {layer, feature}
    scenarioNames: [],
    scenarioA: '',
    scenarioB: '',
    scenarioDiff: null,         // {col, count, maxAbs}: what the difference map draws
    plans: [],                  // [{name, rows}]
    job: null,                  // {state, progress, message, error} while a job runs
    lastJob: null,              // the last finished job
    workspaceFocus: null,       // {id, features}: the proposal or deployment shown on the map
    status: { text: '', error: false },
    started: false,             // the first layers are on the map
  };
}

// 'YYYY-MM' of the month slider, or null for all months.
export function currentMonth(s) {
  return s.monthIndex > 0 ? s.catalogue.months[s.monthIndex - 1]?.month ?? null : null;
}

// The selected parameters, or null when all are selected (no filter at all, so
// incidents of a parameter the catalogue does not list still show).
export function paramFilter(s) {
  return s.params.size >= s.catalogue.parameters.length ? null : s.params;
}

export function layerInfo(s, name) {
  return s.layers.find((l) => l.name === name);
}
