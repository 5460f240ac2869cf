import { validateEntity } from './validateEntity';
import { findForbiddenKey } from './forbiddenKeys';

const entity = (extra: { metadata?: object; spec?: object }) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', ...extra.metadata },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a', ...extra.spec },
});

describe('forbidden entity keys', () => {
  it.each([
    ['__proto__', JSON.parse('{"spec":{"__proto__":{"polluted":"x"}}}'), 'spec.__proto__'],
    ['constructor', { metadata: { annotations: { constructor: 'x' } } }, 'metadata.annotations.constructor'],
    ['prototype', { spec: { deep: { list: [{ ok: 1 }, { prototype: { a: 1 } }] } } }, 'spec.deep.list[1].prototype'],
  ])('refuses an entity with a %s key and names its path', (_key, extra, path) => {
    const result = validateEntity(entity(extra));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].path).toBe(path);
    expect(result.errors[0].message).toMatch(new RegExp(`^${path.replace(/[.[\]]/g, '\\$&')}: ".+" is not allowed as a key`));
  });

  it('accepts the same words as values and inside longer keys', () => {
    expect(validateEntity(entity({ spec: { system: 'prototype', constructorName: '__proto__' } })).ok).toBe(true);
  });

  it('ends on shared and cyclic values', () => {
    const shared = { a: 1 };
    const cyclic: Record<string, unknown> = { shared, again: shared };
    cyclic.self = cyclic;
    expect(findForbiddenKey(cyclic)).toBeUndefined();
    expect(findForbiddenKey({ x: [cyclic, { y: JSON.parse('{"__proto__":1}') }] })).toEqual(['x', 1, 'y', '__proto__']);
  });

  it('names the first forbidden key in document order, however deep', () => {
    expect(findForbiddenKey({ a: { b: [1, { c: 1 }] }, d: { constructor: 1 }, prototype: 1 })).toEqual(['prototype']);
    expect(findForbiddenKey({ a: { b: [1, { prototype: 1 }] }, d: { constructor: 1 } })).toEqual(['a', 'b', 1, 'prototype']);
    // deeper than the direct walk goes: the general walk answers the same
    let deep: Record<string, unknown> = { constructor: 1 };
    const path: string[] = ['constructor'];
    for (let i = 0; i < 100; i++) {
      deep = { [`k${i}`]: deep, fine: [1, 2] };
      path.unshift(`k${i}`);
    }
    expect(findForbiddenKey(deep)).toEqual(path);
    expect(findForbiddenKey({ ok: deep.k99 })).toEqual(['ok', ...path.slice(1)]);
  });
});
