import { describe, it, expect } from 'vitest';
import { bboxOf, drawnPolygon, drawingFeatures, bboxParam, inBbox } from '../../src/geometry.js';
import { csvCell, pointsCsv } from '../../src/csv.js';

describe('geometry', () => {
  it('bounds nested coordinates of several features', () => {
    const f = [
      { geometry: { type: 'LineString', coordinates: [[1, 2], [3, -1]] } },
      { geometry: { type: 'Polygon', coordinates: [[[0, 0], [5, 0], [5, 5], [0, 0]]] } },
      { geometry: null },
    ];
    expect(bboxOf(f)).toEqual([0, -1, 5, 5]);
  });
  it('closes a drawn area and drops the double-click\'s repeated corner', () => {
    expect(drawnPolygon([[0, 0], [1, 0], [1, 1], [1, 1]])).toEqual({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] });
    expect(drawnPolygon([[0, 0], [1, 0], [1, 0]])).toBe(null);
    // Clicking the first corner again to finish does not add a fourth corner.
    expect(drawnPolygon([[0, 0], [1, 0], [1, 1], [0, 0]]).coordinates[0]).toHaveLength(4);
  });
  it('draws the corners and the line while drawing', () => {
    const d = drawingFeatures(null, [[0, 0], [1, 1]]);
    expect(d.map((f) => f.geometry.type)).toEqual(['Point', 'Point', 'LineString']);
    expect(drawingFeatures({ type: 'Polygon', coordinates: [] }, [])).toHaveLength(1);
  });
  it('clamps a view box to what the server accepts', () => {
    expect(bboxParam([-190, -95, 12.5, 57.25])).toBe('-180.000000,-90.000000,12.500000,57.250000');
    expect(inBbox([1, 1], [0, 0, 2, 2])).toBe(true);
    expect(inBbox([3, 1], [0, 0, 2, 2])).toBe(false);
  });
});

describe('csv', () => {
  it('quotes only what needs it', () => {
    expect(csvCell('a')).toBe('a');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(null)).toBe('');
    expect(csvCell(0)).toBe('0');
  });
  it('writes points with lon and lat last', () => {
    const f = [{ geometry: { coordinates: [11.5, 57.7] }, properties: { id: 1, name: 'x,y' } }];
    expect(pointsCsv(f, ['id', 'name'])).toBe('id,name,lon,lat\n1,"x,y",11.5,57.7\n');
  });
});
