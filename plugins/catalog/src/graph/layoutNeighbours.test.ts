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

  it('draws at most the given number of neighbours and counts the rest', () => {
    const relations = Array.from({ length: 50 }, (_, i) => ({ type: 'ownerOf', targetRef: `component:default/c${String(i).padStart(2, '0')}` }));
    const layout = layoutNeighbours(relations, { maxNeighbours: 30 });
    expect(layout.nodes).toHaveLength(30);
    expect(layout.hidden).toBe(20);
    expect(layout.nodes[0].ref).toBe('component:default/c00');
  });

  it('keeps the owner and the system when it has to leave neighbours out', () => {
    const relations = [
      ...Array.from({ length: 40 }, (_, i) => ({ type: 'hasPart', targetRef: `component:default/a${i}` })),
      { type: 'ownedBy', targetRef: 'group:default/team-a' },
      { type: 'partOf', targetRef: 'system:default/z' },
    ];
    const refs = layoutNeighbours(relations, { maxNeighbours: 10 }).nodes.map(n => n.ref);
    expect(refs).toContain('group:default/team-a');
    expect(refs).toContain('system:default/z');
  });
});
