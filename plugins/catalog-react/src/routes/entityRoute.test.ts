import type { Entity } from '@portico/catalog-model';
import { entityRoute, humanizeEntityRef } from './entityRoute';

const service: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'shop' },
  spec: { type: 'service', owner: 'team-a' },
};

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

  it('builds /catalog/:namespace/:kind/:name from an entity, a name or a ref', () => {
    expect(entityRoute(service)).toBe('/catalog/shop/component/checkout');
    expect(entityRoute({ kind: 'Group', name: 'team-a' })).toBe('/catalog/default/group/team-a');
    expect(entityRoute('user:default/jane', { subPath: '/ownership' })).toBe('/catalog/default/user/jane/ownership');
    expect(entityRoute('api:petstore')).toBe('/catalog/default/api/petstore');
    expect(entityRoute('not a ref')).toBeUndefined();
  });

  it('reads a ref the way a person would', () => {
    expect(humanizeEntityRef('group:default/team-a', { defaultKind: 'group' })).toBe('team-a');
    expect(humanizeEntityRef('group:ops/team-a', { defaultKind: 'group' })).toBe('ops/team-a');
    expect(humanizeEntityRef('user:default/jane', { defaultKind: 'group' })).toBe('user:jane');
    expect(humanizeEntityRef('component:default/checkout')).toBe('component:checkout');
  });
});
