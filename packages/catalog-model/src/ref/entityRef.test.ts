import { getCompoundEntityRef, parseEntityRef, stringifyEntityRef } from './entityRef';

describe('parseEntityRef', () => {
  it('parses a full ref', () => {
    expect(parseEntityRef('component:payments/checkout')).toEqual({ kind: 'component', namespace: 'payments', name: 'checkout' });
  });

  it('fills in the default kind and namespace', () => {
    expect(parseEntityRef('team-a', { defaultKind: 'group' })).toEqual({ kind: 'group', namespace: 'default', name: 'team-a' });
    expect(parseEntityRef('ops/team-a', { defaultKind: 'group' })).toEqual({ kind: 'group', namespace: 'ops', name: 'team-a' });
    expect(parseEntityRef('team-a', { defaultKind: 'group', defaultNamespace: 'ops' })).toEqual({ kind: 'group', namespace: 'ops', name: 'team-a' });
  });

  it('keeps the case as written', () => {
    expect(parseEntityRef('Component:Default/Checkout')).toEqual({ kind: 'Component', namespace: 'Default', name: 'Checkout' });
  });

  it('treats a colon after the namespace separator as part of the name', () => {
    expect(parseEntityRef('ns/a:b', { defaultKind: 'component' })).toEqual({ kind: 'component', namespace: 'ns', name: 'a:b' });
  });

  it('accepts an object ref', () => {
    expect(parseEntityRef({ name: 'x' }, { defaultKind: 'api' })).toEqual({ kind: 'api', namespace: 'default', name: 'x' });
  });

  it('says why when the kind is missing and there is no default', () => {
    expect(() => parseEntityRef('checkout')).toThrow(TypeError);
    expect(() => parseEntityRef('checkout')).toThrow('Entity reference "checkout" had missing or empty kind');
  });

  it('rejects malformed refs with the expected form in the message', () => {
    for (const ref of [':x', 'component:/x', 'component:ns/', '/x', 'component:']) {
      expect(() => parseEntityRef(ref, { defaultKind: 'component' })).toThrow('was not on the form [<kind>:][<namespace>/]<name>');
    }
    expect(() => parseEntityRef('', { defaultKind: 'component' })).toThrow('must not be empty');
  });
});

describe('stringifyEntityRef', () => {
  it('gives the lower-case canonical form with the default namespace', () => {
    expect(stringifyEntityRef({ kind: 'Component', name: 'Checkout' })).toBe('component:default/checkout');
    expect(stringifyEntityRef({ kind: 'Group', namespace: 'Ops', name: 'SRE' })).toBe('group:ops/sre');
  });

  it('accepts an entity', () => {
    const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'API', metadata: { name: 'Pets', namespace: 'shop' } };
    expect(stringifyEntityRef(entity)).toBe('api:shop/pets');
    expect(getCompoundEntityRef(entity)).toEqual({ kind: 'API', namespace: 'shop', name: 'Pets' });
    expect(getCompoundEntityRef({ ...entity, metadata: { name: 'x' } }).namespace).toBe('default');
  });

  it('round-trips through parseEntityRef', () => {
    const ref = 'resource:data/orders-db';
    expect(stringifyEntityRef(parseEntityRef(ref))).toBe(ref);
  });
});
