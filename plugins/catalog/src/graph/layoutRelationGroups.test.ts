import { fitLabel, layoutRelationGroups, RELATIONS_GEOMETRY as G } from './layoutRelationGroups';

const many = (type: string, n: number, prefix = type) =>
  Array.from({ length: n }, (_, i) => ({ type, targetRef: `component:default/${prefix}-${String(i).padStart(2, '0')}` }));

/** The box a label takes, with the generous character width the layout assumes. */
function labelBoxes(layout: ReturnType<typeof layoutRelationGroups>) {
  const box = (x: number, y: number, anchor: 'start' | 'end', text: string) => {
    const width = text.length * G.charWidth;
    return { text, x1: anchor === 'start' ? x : x - width, x2: anchor === 'start' ? x + width : x, y1: y - 12, y2: y + 3 };
  };
  const boxes = [box(layout.centre.x - layout.centre.width / 2, layout.centre.y, 'start', 'x'.repeat(layout.centre.width / G.charWidth))];
  for (const group of layout.groups) {
    boxes.push(box(group.header.x, group.header.y, group.header.anchor, `${group.type} · ${group.total}`));
    for (const m of group.members) boxes.push(box(group.labelX, m.y + 4, group.anchor, m.label));
    if (group.toggle) boxes.push(box(group.labelX, group.toggle.y + 4, group.anchor, `+ ${group.toggle.hidden} more`));
  }
  return boxes;
}

describe('layoutRelationGroups', () => {
  it('groups the neighbours by relation type, a neighbour in each group it relates through', () => {
    const layout = layoutRelationGroups([
      { type: 'ownedBy', targetRef: 'group:default/team-a' },
      { type: 'dependsOn', targetRef: 'resource:default/db' },
      { type: 'consumesApi', targetRef: 'group:default/team-a' },
      { type: 'ownedBy', targetRef: 'group:default/team-a' },
    ]);
    expect(layout.groups.map(g => [g.type, g.members.map(m => m.ref)])).toEqual([
      ['ownedBy', ['group:default/team-a']],
      ['dependsOn', ['resource:default/db']],
      ['consumesApi', ['group:default/team-a']],
    ]);
  });

  it('puts what the entity belongs to on the left and what belongs to it on the right', () => {
    const layout = layoutRelationGroups([
      { type: 'ownedBy', targetRef: 'group:default/team-a' },
      ...many('hasPart', 2),
      { type: 'partOf', targetRef: 'system:default/shop' },
      ...many('ownerOf', 2),
    ]);
    const side = Object.fromEntries(layout.groups.map(g => [g.type, g.side]));
    expect(side).toEqual({ ownedBy: 'left', partOf: 'left', ownerOf: 'right', hasPart: 'right' });
  });

  it('puts every group in one column beside the entity when the drawing is narrow', () => {
    const layout = layoutRelationGroups([{ type: 'ownedBy', targetRef: 'group:default/team-a' }, ...many('ownerOf', 2)], { width: 400 });
    expect(layout.width).toBe(400);
    expect(layout.groups.map(g => g.side)).toEqual(['right', 'right']);
    expect(layout.centre.x).toBeLessThan(layout.width / 3);
  });

  it('collapses a large group to its first few neighbours and a row with the count of the others, until expanded', () => {
    const relations = [...many('ownerOf', 40), { type: 'memberOf', targetRef: 'group:default/org' }];
    const collapsed = layoutRelationGroups(relations).groups.find(g => g.type === 'ownerOf')!;
    expect(collapsed.total).toBe(40);
    expect(collapsed.members.map(m => m.ref)).toEqual(['component:default/ownerOf-00', 'component:default/ownerOf-01', 'component:default/ownerOf-02']);
    expect(collapsed.toggle).toEqual(expect.objectContaining({ expanded: false, hidden: 37 }));
    const open = layoutRelationGroups(relations, { expanded: new Set(['ownerOf']) }).groups.find(g => g.type === 'ownerOf')!;
    expect(open.members).toHaveLength(40);
    expect(open.toggle).toEqual(expect.objectContaining({ expanded: true, hidden: 0 }));
    // small groups never collapse
    expect(layoutRelationGroups(many('ownerOf', 6)).groups[0].toggle).toBeUndefined();
  });

  it('keeps every label apart from every other, however many neighbours and groups', () => {
    const relations = [
      ...many('ownerOf', 30),
      ...many('hasMember', 12),
      ...many('dependsOn', 5, 'a-dependency-with-a-very-long-name-indeed'),
      ...many('consumesApi', 4),
      { type: 'ownedBy', targetRef: 'group:default/team-a' },
      { type: 'partOf', targetRef: 'system:default/shop' },
      { type: 'childOf', targetRef: 'group:default/engineering' },
      ...many('customRelation', 3),
    ];
    for (const [width, expanded] of [360, 520, 800, 1200].flatMap(w => [[w, new Set<string>()], [w, new Set(['ownerOf', 'hasMember'])]] as const)) {
      const layout = layoutRelationGroups(relations, { expanded, width });
      const boxes = labelBoxes(layout);
      for (const [i, a] of boxes.entries()) {
        expect(a.x1).toBeGreaterThanOrEqual(0);
        expect(a.x2).toBeLessThanOrEqual(layout.width);
        expect(a.y1).toBeGreaterThanOrEqual(0);
        expect(a.y2).toBeLessThanOrEqual(layout.height);
        for (const b of boxes.slice(i + 1)) {
          const overlap = a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
          if (overlap) throw new Error(`"${a.text}" overlaps "${b.text}"`);
        }
      }
    }
  });

  it('cuts a label too long for its column, with an ellipsis', () => {
    const layout = layoutRelationGroups(many('dependsOn', 1, 'x'.repeat(80)));
    const member = layout.groups[0].members[0];
    expect(member.fullLabel).toBe(`component:default/${'x'.repeat(80)}-00`);
    expect(member.label.endsWith('…')).toBe(true);
    expect(member.label.length).toBeLessThan(member.fullLabel.length);
    expect(fitLabel('short', 10)).toBe('short');
  });
});
