import { layoutNeighbours } from './layoutNeighbours';

describe('layoutNeighbours', () => {
  it('merges several relations to one neighbour into one node', () => {
    const layout = layoutNeighbours([
      { type: 'ownedBy', targetRef: 'group:default/team-a' },
      { type: 'dependsOn', targetRef: 'resource:default/db' },
      { type: 'consumesApi', targetRef: 'group:default/team-a' },
    ]);
    expect(layout.nodes.map(n => [n.ref, n.relations])).toEqual([
      ['group:default/team-a', ['ownedBy', 'consumesApi']],
      ['resource:default/db', ['dependsOn']],
    ]);
  });

  it('places every neighbour at the same distance from the centre, inside the drawing', () => {
    const relations = Array.from({ length: 12 }, (_, i) => ({ type: 'hasPart', targetRef: `component:default/c${i}` }));
    const layout = layoutNeighbours(relations, { radius: 150 });
    for (const node of layout.nodes) {
      const distance = Math.hypot(node.x - layout.centre.x, node.y - layout.centre.y);
      expect(Math.abs(distance - 150)).toBeLessThanOrEqual(1);
      expect(node.x).toBeGreaterThan(0);
      expect(node.x).toBeLessThan(layout.width);
      expect(node.y).toBeGreaterThan(0);
      expect(node.y).toBeLessThan(layout.height);
    }
    // no two neighbours on the same spot
    expect(new Set(layout.nodes.map(n => `${n.x},${n.y}`)).size).toBe(12);
  });

  it('grows the ring with the number of neighbours', () => {
    const few = layoutNeighbours([{ type: 'ownedBy', targetRef: 'group:default/a' }]);
    const many = layoutNeighbours(Array.from({ length: 30 }, (_, i) => ({ type: 'hasPart', targetRef: `component:default/c${i}` })));
    expect(many.width).toBeGreaterThan(few.width);
  });
});
