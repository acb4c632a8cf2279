// A small SVG bar chart (no chart library: one more dependency to bundle for
// twenty bars is not worth it). `highlight` is the index of the bar to mark.
export function barChart(values, labels, { highlight = -1, width = 300, height = 110, title = '' } = {}) {
  const max = Math.max(1, ...values);
  const n = Math.max(1, values.length);
  const bw = (width - 30) / n;
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img');
  if (title) svg.setAttribute('aria-label', title);
  const axis = document.createElementNS(ns, 'text');
  axis.setAttribute('x', 0); axis.setAttribute('y', 10); axis.setAttribute('class', 'axis');
  axis.textContent = String(max);
  svg.appendChild(axis);
  values.forEach((v, i) => {
    const h = (height - 28) * (v / max);
    const r = document.createElementNS(ns, 'rect');
    r.setAttribute('x', 28 + i * bw); r.setAttribute('width', Math.max(1, bw - 1));
    r.setAttribute('y', height - 16 - h); r.setAttribute('height', h);
    r.setAttribute('class', i === highlight ? 'bar hl' : 'bar');
    const tip = document.createElementNS(ns, 'title');
    tip.textContent = `${labels[i]}: ${v}`;
    r.appendChild(tip);
    svg.appendChild(r);
  });
  // First and last month under the axis.
  for (const [i, anchor] of [[0, 'start'], [values.length - 1, 'end']]) {
    if (i < 0 || !labels[i]) continue;
    const l = document.createElementNS(ns, 'text');
    l.setAttribute('x', i === 0 ? 28 : width); l.setAttribute('y', height - 3);
    l.setAttribute('text-anchor', anchor); l.setAttribute('class', 'axis');
    l.textContent = labels[i];
    svg.appendChild(l);
  }
  return svg;
}
