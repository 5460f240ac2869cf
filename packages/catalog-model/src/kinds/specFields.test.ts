import { checkEntityRef } from './specFields';

describe('checkEntityRef', () => {
  it('gives the same verdict the second time, with and without a default kind', () => {
    // checked usable with a default kind first: the remembered verdict must not reach the check without one
    expect(checkEntityRef('team-remembered', 'group')).toBeUndefined();
    expect(checkEntityRef('team-remembered')).toMatch(/missing or empty kind/);
    expect(checkEntityRef('team-remembered', 'group')).toBeUndefined();
    expect(checkEntityRef('team-remembered')).toMatch(/missing or empty kind/);
  });

  it('does not confuse a default kind with a ref that carries the separator', () => {
    expect(checkEntityRef('b', 'group')).toBeUndefined();
    expect(checkEntityRef('group\u0000b')).toBeDefined();
    expect(checkEntityRef('\u0000b', 'group')).toBeDefined();
  });

  it('names the part that is wrong, every time it is asked', () => {
    for (let i = 0; i < 2; i++) {
      expect(checkEntityRef('group:default/Not_Valid!')).toBe('Entity reference "group:default/Not_Valid!" has an invalid name "Not_Valid!"');
      expect(checkEntityRef('group:bad ns/team')).toBe('Entity reference "group:bad ns/team" has an invalid namespace "bad ns"');
    }
  });
});
