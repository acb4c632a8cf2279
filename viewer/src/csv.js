// CSV text (RFC 4180 quoting). Pure: no DOM.

export function csvCell(v) {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// Point features as CSV: the given properties, then lon and lat.
export function pointsCsv(features, keys) {
  const lines = [[...keys, 'lon', 'lat'].join(',')];
  for (const f of features) {
    const [lon, lat] = f.geometry.coordinates;
    lines.push([...keys.map((k) => csvCell(f.properties[k])), lon, lat].join(','));
  }
  return lines.join('\n') + '\n';
}
