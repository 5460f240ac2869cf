import { redactMeta } from './redactMeta';

describe('redactMeta', () => {
  it('redacts values under secret-looking keys at any depth, and keeps the rest', () => {
    expect(
      redactMeta({
        entityRef: 'component:default/search',
        token: 'abc',
        input: { repo: 'x', githubToken: 'ghp_123', nested: [{ password: 'p', name: 'n' }], Authorization: 'Bearer x' },
        clientSecret: { any: 'shape' },
        apiKey: 'k',
        count: 3,
      }),
    ).toEqual({
      entityRef: 'component:default/search',
      token: '[REDACTED]',
      input: { repo: 'x', githubToken: '[REDACTED]', nested: [{ password: '[REDACTED]', name: 'n' }], Authorization: '[REDACTED]' },
      clientSecret: '[REDACTED]',
      apiKey: '[REDACTED]',
      count: 3,
    });
  });

  it('cuts very long strings and very deep objects', () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: 1 } } } } } } } } } };
    const redacted = redactMeta({ long: 'x'.repeat(5000), deep }) as { long: string; deep: unknown };
    expect(redacted.long.length).toBeLessThan(2100);
    expect(JSON.stringify(redacted.deep)).toContain('[TRUNCATED]');
  });
});
