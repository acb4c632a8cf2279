import { describe, it, expect } from 'vitest';
import {
  kindOf, styleLayers, rankOf, clickRank, nameOfMapLayer, streetColourExpr, incidentFilterExpr, paramColourExpr, hotspotStyle,
  OVERLAYS, OVERLAY_RANK,
} from '../../src/styles.js';
import { RAMP, NOT_SIGNIFICANT } from '../../src/classify.js';

// As /api/layers describes them (run_folder.cpp: OGR geometry names).
const info = (name, geometry, fields = []) => ({ name, geometry, fields, features: 1 });

describe('map layers from /api/layers', () => {
  it('reads OGR geometry names', () => {
    expect(kindOf('Multi Polygon')).toBe('fill');
    expect(kindOf('Line String')).toBe('line');
    expect(kindOf('Multi Line String')).toBe('line');
    expect(kindOf('Point')).toBe('circle');
    expect(kindOf('None')).toBe(null);
  });
  it('styles the engine\'s layers by name and any other by its geometry', () => {
    expect(styleLayers(info('areas', 'Multi Polygon')).map((l) => l.id)).toEqual(['areas-fill', 'areas-line']);
    expect(styleLayers(info('gistar', 'Line String'))[0]).toMatchObject({ id: 'gistar-line', type: 'line' });
    expect(styleLayers(info('walk_routes', 'Multi Line String'))).toEqual([
      { id: 'walk_routes-line', type: 'line', paint: { 'line-color': '#555', 'line-width': 2 } }]);
    expect(styleLayers(info('schools', 'Point'))[0].type).toBe('circle');
    expect(styleLayers(info('situation', 'None'))).toEqual([]);
  });
  it('draws areas under streets under points, hotspots above the points, overlays on top', () => {
    const order = [info('areas', 'Multi Polygon'), info('parks', 'Multi Polygon'), info('edges', 'Line String'),
      info('stops', 'Point'), info('incidents', 'Point'), info('gistar', 'Line String'), info('new_polys', 'Polygon')];
    const ranked = order.map((l, i) => [l.name, rankOf(l, i)]).sort((a, b) => a[1] - b[1]).map(([n]) => n);
    expect(ranked).toEqual(['areas', 'parks', 'new_polys', 'edges', 'stops', 'incidents', 'gistar']);
    expect(Math.max(...order.map((l, i) => rankOf(l, i)))).toBeLessThan(OVERLAY_RANK);
    expect(OVERLAYS.map((l) => l.id)).toEqual(['scenario-diff-line', 'job-change-line', 'workspace-deployments-fill', 'workspace-deployments-line', 'workspace-focus-fill', 'workspace-focus-line', 'selection-line', 'draw-fill', 'draw-line', 'draw-pts']);
  });
  it('prefers stops and streets to the incidents and the areas under a click', () => {
    const names = ['areas', 'incidents', 'edges', 'stops', 'gistar', 'walk_routes'];
    expect(names.sort((a, b) => clickRank(a) - clickRank(b))).toEqual(['stops', 'gistar', 'edges', 'incidents', 'walk_routes', 'areas']);
    expect(nameOfMapLayer('walk_routes-line')).toBe('walk_routes');
  });
});

describe('colours by data', () => {
  it('steps the street colour through the ramp from the breaks', () => {
    expect(streetColourExpr('rate', [0.5, 1, 2, 4, 8])).toEqual(['step', ['coalesce', ['feature-state', 'rate'], 0], '#c8c8c8',
      0.5, RAMP[0], 1, RAMP[1], 2, RAMP[2], 4, RAMP[3], 8, RAMP[4]]);
    expect(streetColourExpr('none', [1])).toBe('#8a8a8a');
    expect(streetColourExpr('rate', [])).toBe('#8a8a8a');
  });
  it('filters the incidents by month and parameters', () => {
    expect(incidentFilterExpr(null, null)).toEqual(['all']);
    expect(incidentFilterExpr('2024-05', new Set(['theft']))).toEqual(['all', ['==', ['get', 'month'], '2024-05'], ['in', ['get', 'parameter'], ['literal', ['theft']]]]);
  });
  it('gives each parameter its colour', () => {
    const e = paramColourExpr([{ code: 'a' }, { code: 'b' }]);
    expect(e.slice(0, 2)).toEqual(['match', ['get', 'parameter']]);
    expect(e).toHaveLength(7);
  });
  it('colours Gi* classes and fades the not significant ones', () => {
    const gi = info('gistar', 'Line String', [{ name: 'edge_id', type: 'Integer' }, { name: 'z', type: 'Real' }, { name: 'class', type: 'String' }]);
    const feats = ['none', 'hot_99', 'none', 'cold_95'].map((c) => ({ properties: { class: c } }));
    const h = hotspotStyle(gi, { features: feats });
    expect(h.field).toBe('class');
    expect(h.classes).toEqual(['cold_95', 'hot_99', 'none']);
    const colour = h.paint['line-color'];
    expect(colour[colour.indexOf('hot_99') + 1]).toBe('#b2182b');
    expect(colour[colour.indexOf('none') + 1]).toBe(NOT_SIGNIFICANT);
    expect(h.paint['line-opacity']).toEqual(['match', ['to-string', ['get', 'class']], 'none', 0.15, 0.9]);
    const served = hotspotStyle(gi, { features: feats }, { hot_99: { sv: 'x', en: 'x', colour: '#bd0026' } });
    const c2 = served.paint['line-color'];
    expect(c2[c2.indexOf('hot_99') + 1]).toBe('#bd0026');
  });
  it('colours the density by quantile classes of its value field', () => {
    const d = info('density', 'Line String', [{ name: 'lixel_id', type: 'Integer' }, { name: 'length_m', type: 'Real' }, { name: 'density_all', type: 'Real' }]);
    const feats = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((v) => ({ properties: { density_all: v, length_m: 20 } }));
    const h = hotspotStyle(d, { features: feats });
    expect(h.field).toBe('density_all');
    expect(h.breaks).toHaveLength(5);
    expect(h.paint['line-color'].slice(0, 3)).toEqual(['step', ['coalesce', ['get', 'density_all'], 0], 'rgba(0,0,0,0)']);
    expect(hotspotStyle(d, null)).toBe(null);
  });
});
