import { entityRoute, humanizeEntityRef } from './entityRoutes';

describe('entity routes', () => {
  it('links a full ref to its page with the kind lower-cased', () => {
    expect(entityRoute('Component:default/Payments')).toBe('/catalog/default/component/Payments');
  });

  it('fills in the default kind and namespace of a short ref', () => {
    expect(entityRoute('team-a', { defaultKind: 'group' })).toBe('/catalog/default/group/team-a');
    expect(entityRoute('team-a', { defaultKind: 'group', defaultNamespace: 'ops' })).toBe('/catalog/ops/group/team-a');
  });

  it('gives no route for a ref it cannot read', () => {
    expect(entityRoute('team-a')).toBeUndefined();
  });

  it('reads a ref the way a person would', () => {
    expect(humanizeEntityRef('group:default/team-a', { defaultKind: 'group' })).toBe('team-a');
    expect(humanizeEntityRef('group:ops/team-a', { defaultKind: 'group' })).toBe('ops/team-a');
    expect(humanizeEntityRef('user:default/jane', { defaultKind: 'group' })).toBe('user:jane');
  });
});
