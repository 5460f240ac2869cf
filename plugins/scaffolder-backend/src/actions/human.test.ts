import { normalizeAssignee } from './human';

describe('normalizeAssignee', () => {
  it('reads an assignee as an entity ref, a user in the default namespace unless it says otherwise', () => {
    expect(normalizeAssignee('jane')).toBe('user:default/jane');
    expect(normalizeAssignee(' Ops/Jane ')).toBe('user:ops/jane');
    expect(normalizeAssignee('group:dbas')).toBe('group:default/dbas');
    expect(normalizeAssignee('Group:Data/DBAs')).toBe('group:data/dbas');
  });

  it('refuses a malformed ref, naming it', () => {
    for (const ref of ['user:', 'group:/dbas', '/jane', '  ']) {
      expect(() => normalizeAssignee(ref)).toThrow(`Invalid assignee '${ref}'`);
    }
  });
});
