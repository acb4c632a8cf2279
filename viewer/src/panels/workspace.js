// The workspace of the monthly cycle (`tryggve serve --workspace W`): a month
// picker, the month's situation picture by parameter, the proposals for the
// next month and the deployments with their follow-up. A click on a proposal or
// a deployment shows its place on the map. Shown only when the server has a
// workspace: without one /api/workspace answers 404 and the section stays hidden.
import { t, lang, num, paramName } from '../i18n.js';
import {
  monthTimeline, defaultMonth, monthLabel, nextMonth, formatInterval, formatChange, pictureByParameter,
  proposalGroups, deploymentList, deploymentFootprints, followupVerdict,
} from '../workspace.js';
import { bboxOf, emptyFC, fc } from '../geometry.js';

const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};

const TREND_MARK = { increasing: '↗', decreasing: '↘', no_trend: '→', too_short: '·' };

export function mountWorkspace({ store, map, api, $ }) {
  const section = $('sec-workspace');
  const picker = $('ws-month');
  const pictureBox = $('ws-picture');
  const proposalBox = $('ws-proposals');
  const deploymentBox = $('ws-deployments');
  // Answers per month and per deployment: the workspace does not change while
  // the server shows it (read-only).
  const followups = new Map();
  let deployments = null;

  // The place of a proposal or deployment: its own geometry, else its streets.
  function focus(item) {
    const s = store.get();
    let features = item.feature?.geometry ? [item.feature] : [];
    if (!features.length && item.edges?.length) {
      const want = new Set(item.edges);
      features = (s.geo.edges?.features || []).filter((f) => want.has(f.properties.edge_id));
    }
    store.set({ workspaceFocus: features.length ? { id: `${item.kind || 'deployment'}:${item.id}`, features } : null });
  }
  store.subscribe(['workspaceFocus'], (s) => {
    map.getSource('workspace-focus')?.setData(s.workspaceFocus ? fc(s.workspaceFocus.features) : emptyFC());
    if (!s.workspaceFocus) return;
    const b = bboxOf(s.workspaceFocus.features);
    map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 80, maxZoom: 17, duration: 0 });
  });

  const fmt2 = (x) => num(x, 2);
  const params = () => new Map(store.get().catalogue.parameters.map((p) => [p.code, p]));

  function renderPicture(picture) {
    pictureBox.textContent = '';
    const rows = pictureByParameter(picture);
    if (!rows.length) { pictureBox.append(el('p', { className: 'muted', textContent: t('ws_no_picture') })); return; }
    const names = params();
    const tbl = el('table', { id: 'ws-picture-table' });
    tbl.createTHead().append(el('tr', {},
      el('th', { textContent: t('parameter') }), el('th', { className: 'n', textContent: t('ws_count') }),
      el('th', { textContent: t('ws_level') }), el('th', { className: 'n', textContent: t('ws_change') }),
      el('th', { textContent: t('ws_trend') })));
    const body = tbl.createTBody();
    for (const r of rows) {
      const p = names.get(r.parameter);
      const tr = body.insertRow();
      tr.dataset.parameter = r.parameter;
      tr.dataset.level = String(r.level ?? '');
      tr.append(
        el('td', { textContent: r.parameter === 'all' ? t('ws_all_parameters') : p ? paramName(p) : r.parameter }),
        el('td', { className: 'n', textContent: num(r.incidents, 0) }),
        el('td', { className: `level l${r.level ?? 0}`, textContent: t('ws_levels')[r.level ?? 0] ?? String(r.level) }),
        el('td', { className: 'n', textContent: formatChange(r.change, (x) => num(x, 0)) ?? '–' }),
        // The trend as an arrow (the panel is narrow), in words on hover.
        el('td', { className: 'trend', textContent: TREND_MARK[r.trend] ?? '·', title: t(`ws_trend_${r.trend}`) }));
    }
    pictureBox.append(tbl);
  }

  function renderProposals(geojson, month) {
    proposalBox.textContent = '';
    proposalBox.append(el('strong', { textContent: t('ws_proposals', { month: monthLabel(month, lang()) }) }));
    const groups = proposalGroups(geojson);
    if (!groups.length) { proposalBox.append(el('p', { className: 'muted', textContent: t('ws_no_proposals') })); return; }
    for (const g of groups) {
      proposalBox.append(el('div', { className: 'muted', textContent: t(`ws_kind_${g.kind}`) }));
      const ol = el('ol', { className: 'list' });
      ol.dataset.kind = g.kind;
      for (const it of g.items) {
        const prevented = Number.isFinite(it.prevented) ? ` — ${t(it.perYear ? 'ws_prevented_year' : 'ws_prevented_month')} ${formatInterval(it.prevented, it.lo, it.hi, (x) => num(x, 1))}` : '';
        const li = el('li', { textContent: `${it.place || t('ws_unnamed')}${prevented}` });
        li.dataset.id = String(it.id);
        li.addEventListener('click', () => focus(it));
        ol.append(li);
      }
      proposalBox.append(ol);
    }
  }

  function followupText(v) {
    if (v.state === 'none') return t('ws_no_followup');
    if (v.state === 'too_early') return t('ws_too_early', { month: monthLabel(v.month, lang()) });
    const est = (e) => formatInterval(e.rr, e.lo, e.hi, fmt2);
    let s = `${t('ws_rr')} ${est(v)} (${monthLabel(v.month, lang())}; ${t('ws_observed')} ${num(v.observed, 0)}, ${t('ws_expected')} ${num(v.expected, 1)})`;
    if (v.early && v.later) s += `; ${t('ws_early')} ${est(v.early)}, ${t('ws_later')} ${est(v.later)}`;
    return `${s}. ${t(`ws_verdict_${v.verdict}`)}`;
  }

  async function renderDeployments(month) {
    deploymentBox.textContent = '';
    deploymentBox.append(el('strong', { textContent: t('ws_deployments') }));
    const list = deploymentList(deployments);
    if (!list.length) { deploymentBox.append(el('p', { className: 'muted', textContent: t('ws_no_deployments') })); return; }
    const ul = el('ul', { className: 'list', id: 'ws-deployment-list' });
    const lines = list.map((d) => {
      const follow = el('div', { className: 'followup muted', textContent: t('loading') });
      const dates = `${d.start}${d.end ? ` – ${d.end}` : ` – ${t('ws_ongoing')}`}`;
      const li = el('li', {}, el('span', { textContent: `${d.name} (${dates})` }), follow);
      li.dataset.id = String(d.id);
      // A deployment recorded before footprints were stored has none.
      if (d.feature.geometry) li.addEventListener('click', () => focus(d));
      else li.className = 'plain';
      ul.append(li);
      return { d, follow, li };
    });
    deploymentBox.append(ul);
    await Promise.all(lines.map(async ({ d, follow, li }) => {
      if (!followups.has(d.id)) followups.set(d.id, api.workspaceFollowups(d.id).then((r) => r.rows, () => null));
      const rows = await followups.get(d.id);
      if (picker.value !== month) return;   // another month was picked meanwhile
      const v = rows ? followupVerdict(rows, month) : { state: 'error' };
      li.dataset.followup = v.state;
      if (v.verdict) li.dataset.verdict = v.verdict;
      follow.textContent = v.state === 'error' ? t('error') : followupText(v);
    }));
  }

  async function show(month) {
    if (!month) return;
    store.set({ workspaceFocus: null });
    const [picture, proposals] = await Promise.all([
      api.workspacePicture(month).catch(() => null),
      api.workspaceProposals(nextMonth(month)).catch(() => null),
    ]);
    if (picker.value !== month) return;
    renderPicture(picture);
    renderProposals(proposals, nextMonth(month));
    await renderDeployments(month);
    section.dataset.shown = month;
  }

  let timeline = [];
  function fillPicker() {
    const keep = picker.value;
    picker.textContent = '';
    for (const m of timeline) {
      const label = `${monthLabel(m.month, lang())}${m.assessed ? '' : ` (${t('ws_not_assessed')})`}`;
      picker.append(el('option', { value: m.month, textContent: label }));
    }
    picker.value = keep;
  }
  picker.addEventListener('change', () => show(picker.value));

  async function load() {
    let summary;
    // No workspace (404) or an older server: the section stays hidden.
    try { summary = await api.workspace(); } catch { return; }
    timeline = monthTimeline(summary);
    if (!timeline.length) return;
    try { deployments = await api.workspaceDeployments(); } catch { deployments = null; }
    // Every deployment's footprint on the map (those recorded with one).
    map.getSource('workspace-deployments')?.setData(fc(deploymentFootprints(deployments)));
    section.hidden = false;
    fillPicker();
    picker.value = defaultMonth(timeline) ?? timeline.at(-1).month;
    await show(picker.value);
  }
  store.subscribe(['started'], (s) => { if (s.started) load(); });
  store.subscribe(['lang'], () => { if (!section.hidden) { fillPicker(); show(picker.value); } });
}
