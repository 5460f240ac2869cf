import { normalizeRef, principalKey } from './scopes';

const jwt = (claims: object) => `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('principalKey', () => {
  it('is the same for two tokens of one principal minted at different times, and differs between principals', () => {
    const a = jwt({ sub: 'user:default/ann', aud: 'catalog', iat: 1, exp: 2, jti: 'x' });
    const b = jwt({ aud: 'catalog', sub: 'user:default/ann', iat: 5, exp: 9, jti: 'y' });
    const c = jwt({ sub: 'user:default/bob', aud: 'catalog', iat: 1, exp: 2 });
    expect(principalKey(a)).toBe(principalKey(b));
    expect(principalKey(a)).not.toBe(principalKey(c));
  });

  it('keeps an opaque token as it is', () => {
    expect(principalKey('static-token')).toBe('static-token');
    expect(principalKey(undefined)).toBe('');
  });
});

describe('normalizeRef', () => {
  it('defaults the kind and namespace and lower-cases', () => {
    expect(normalizeRef('Team-A', 'group')).toBe('group:default/team-a');
    expect(normalizeRef('System:Shop/Checkout', 'group')).toBe('system:shop/checkout');
    expect(() => normalizeRef(' ', 'group')).toThrow('an entity ref is empty');
  });
});
