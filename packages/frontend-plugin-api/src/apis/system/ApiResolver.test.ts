import { createApiRef } from './ApiRef';
import { ApiResolver, createApiFactory } from './ApiHolder';

describe('ApiResolver', () => {
  const aRef = createApiRef<string>({ id: 'test.a' });
  const bRef = createApiRef<string>({ id: 'test.b' });

  it('builds each API once, after its dependencies', () => {
    const factoryA = jest.fn(({ b }: { b: string }) => `a(${b})`);
    const resolver = new ApiResolver([
      createApiFactory({ api: aRef, deps: { b: bRef }, factory: factoryA }),
      createApiFactory({ api: bRef, deps: {}, factory: () => 'b' }),
    ]);
    expect(resolver.get(aRef)).toBe('a(b)');
    expect(resolver.get(aRef)).toBe('a(b)');
    expect(factoryA).toHaveBeenCalledTimes(1);
  });

  it('names a missing dependency and a cycle', () => {
    expect(() => new ApiResolver([createApiFactory({ api: aRef, deps: { b: bRef }, factory: ({ b }) => b })]).get(aRef)).toThrow(
      "API 'test.a' depends on 'test.b', which no plugin provides",
    );
    const cyclic = new ApiResolver([
      createApiFactory({ api: aRef, deps: { b: bRef }, factory: ({ b }) => b }),
      createApiFactory({ api: bRef, deps: { a: aRef }, factory: ({ a }) => a }),
    ]);
    expect(() => cyclic.get(aRef)).toThrow('Circular API dependency: test.a -> test.b -> test.a');
  });

  it('prefers given instances over factories', () => {
    const resolver = new ApiResolver([createApiFactory({ api: aRef, deps: {}, factory: () => 'factory' })], [[aRef, 'instance']]);
    expect(resolver.get(aRef)).toBe('instance');
  });

  it('rejects malformed api ids', () => {
    expect(() => createApiRef({ id: 'has space' })).toThrow("API id 'has space' is invalid");
  });
});
