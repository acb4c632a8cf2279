// The client of `tryggve serve`'s JSON API: every request the viewer makes goes
// through here, and every failure comes out as one ApiError, whether the
// server answered with its JSON error ({error: {status, code, message, where}}),
// with something else, or not at all.

export class ApiError extends Error {
  constructor({ status = 0, code = 'NetworkError', message, where = '', path = '' }) {
    super(message || `${status} ${path}`);
    this.name = 'ApiError';
    this.status = status;   // HTTP status; 0 when the server could not be reached
    this.code = code;       // the engine's error name (BadOption, NotFound, ...)
    this.where = where;     // the engine's place of the error (a key, a parameter)
    this.path = path;       // the request
  }
}

async function errorOf(r, path) {
  let body = null;
  try { body = (r.headers.get('content-type') || '').includes('json') ? await r.json() : await r.text(); } catch { /* an empty or cut body */ }
  const e = body?.error;
  return new ApiError({
    status: r.status, code: e?.code || `HTTP${r.status}`, path, where: e?.where || '',
    message: e?.message || (typeof body === 'string' && body.trim() ? body.trim().slice(0, 200) : `${r.status} ${path}`),
  });
}

// `as`: 'json' (default), 'blob'. `fetchFn` is injectable for tests and so no
// function here reaches for a global of its own.
export function createApi(fetchFn = (...a) => globalThis.fetch(...a)) {
  async function request(path, { as = 'json', ...options } = {}) {
    let r;
    try {
      r = await fetchFn(path, options);
    } catch (e) {
      throw new ApiError({ status: 0, code: 'NetworkError', message: `${path}: ${e.message}`, path });
    }
    if (!r.ok) throw await errorOf(r, path);
    if (as === 'blob') return r.blob();
    try {
      return await r.json();
    } catch (e) {
      throw new ApiError({ status: r.status, code: 'BadResponse', message: `${path}: not JSON (${e.message})`, path });
    }
  }
  const q = (params) => {
    const s = new URLSearchParams(Object.entries(params || {}).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString();
    return s ? `?${s}` : '';
  };
  const name = encodeURIComponent;

  return {
    request,
    // {layers: [{name, geometry, features, fields: [{name, type}], title_sv, title_en, url}], data}
    layers: () => request('/api/layers'),
    // A layer as GeoJSON in lon/lat; filter keys: month, from, to, parameter, bbox, limit, fields.
    layer: (layer, filter) => request(`/api/layers/${name(layer)}${q(filter)}`),
    // {parameters: [{code, name_sv, name_en, count}], months: [{month, count}]}
    catalogue: () => request('/api/catalogue'),
    situation: () => request('/api/situation'),
    scenarios: async () => (await request('/api/scenarios')).scenarios,
    // {result: result.json, tables: {csv stem: [rows]}}
    scenario: (s) => request(`/api/scenarios/${name(s)}`),
    plans: async () => (await request('/api/plan')).plan,
    plan: (p) => request(`/api/plan/${name(p)}`),
    // A GeoPackage of the given layers with the same filter keys as layer().
    exportGpkg: (filter) => request(`/api/export${q(filter)}`, { as: 'blob' }),
    // {jobs, runner: bool, rerunnable: bool}
    jobs: () => request('/api/jobs'),
    // {id, url}
    submitJob: (body) => request('/api/jobs', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    }),
    job: (url) => request(url),
    // The workspace, when the server shows one (tryggve serve --workspace W):
    // {months:[{month, incidents, reports, assessments, proposals}], deployments, followups}
    workspace: () => request('/api/workspace'),
    // {month, rows:[{unit_type, unit_id, unit_name, parameter, incidents, ..., level, trend}]}
    workspacePicture: (month) => request(`/api/workspace/picture${q({ month })}`),
    workspaceProposals: (month) => request(`/api/workspace/proposals${q({ month })}`),
    workspaceDeployments: () => request('/api/workspace/deployments'),
    // {deployment, rows:[{month, phase, observed, expected, expected_lo, expected_hi, relative_risk, ...}]}
    workspaceFollowups: (deployment) => request(`/api/workspace/followups${q({ deployment })}`),
  };
}
