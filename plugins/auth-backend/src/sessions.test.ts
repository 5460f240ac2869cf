import { startTestBackend, type TestBackend } from '@portico/test-utils';
import { CookieJar } from './__testUtils__/OidcTestProvider';
import { fakeCatalog, fakeIdentityServices, group, user } from './__testUtils__/fakeIdentityServices';
import { authPlugin } from './plugin';

const entities = [user('guest', { memberOf: ['guests'] }), group('guests'), user('alice', { profile: { email: 'alice@example.com' } })];

/** A browser's cookie jar against the backend, with the CSRF header echoed on POST unless told not to. */
function client(backend: TestBackend) {
  const jar = new CookieJar();
  async function call(method: string, path: string, options: { csrf?: boolean; body?: unknown; bearer?: string } = {}) {
    const csrf = jar.get('portico_csrf');
    const res = await fetch(`${backend.url}/api/auth${path}`, {
      method,
      headers: {
        ...(jar.header() ? { cookie: jar.header() } : {}),
        ...(options.csrf !== false && csrf ? { 'x-csrf-token': csrf } : {}),
        ...(options.body ? { 'content-type': 'application/json' } : {}),
        ...(options.bearer ? { authorization: `Bearer ${options.bearer}` } : {}),
      },
      body: options.body ? JSON.stringify(options.body) : undefined,
    });
    jar.store(res);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, res };
  }
  return { jar, call };
}

describe('guest sign-in, sessions and personal access tokens', () => {
  let backend: TestBackend;
  let identity: ReturnType<typeof fakeIdentityServices>;

  beforeAll(async () => {
    identity = fakeIdentityServices();
    backend = await startTestBackend({
      features: [authPlugin, fakeCatalog(entities).factory, ...identity.services],
      config: { auth: { allowGuest: true, session: { accessTokenDuration: 'PT10M', refreshTokenDuration: 'P1D' } } },
    });
  });
  afterAll(() => backend?.stop());

  it('lists guest as a provider when allowed', async () => {
    const { call } = client(backend);
    expect((await call('GET', '/providers')).body).toEqual({ providers: [{ id: 'guest', title: 'Guest' }], allowGuest: true });
  });

  it('signs a browser in as the guest, with its groups from the catalog', async () => {
    const browser = client(backend);
    expect((await browser.call('GET', '/me')).status).toBe(401);
    const signedIn = await browser.call('POST', '/guest/sign-in');
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ userEntityRef: 'user:default/guest', ownershipEntityRefs: ['user:default/guest', 'group:default/guests'] });
    expect(Date.parse(signedIn.body.expiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);
    const refresh = signedIn.res.headers.getSetCookie().find(c => c.startsWith('portico_refresh='))!;
    expect(refresh).toMatch(/HttpOnly/i);
    expect(refresh).toMatch(/Path=\/api\/auth/);
    expect(refresh).toMatch(/SameSite=Lax/i);
    expect((await browser.call('GET', '/me')).body).toMatchObject({ userEntityRef: 'user:default/guest' });
    // Personal access tokens act with the ownership of the last sign-in.
    expect(identity.ownershipUpdates).toContainEqual({ userEntityRef: 'user:default/guest', ownershipEntityRefs: ['user:default/guest', 'group:default/guests'] });
  });

  it('rotates the refresh token, and ends the session when an old one comes back', async () => {
    const browser = client(backend);
    await browser.call('POST', '/guest/sign-in');
    const first = browser.jar.get('portico_refresh')!;
    const firstSession = browser.jar.get('portico_session');

    const refreshed = await browser.call('POST', '/refresh');
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.userEntityRef).toBe('user:default/guest');
    const second = browser.jar.get('portico_refresh')!;
    expect(second).not.toBe(first);
    expect(browser.jar.get('portico_session')).not.toBe(firstSession);

    // A thief replays the first refresh token: refused, and the session it belonged to is over for everyone.
    const thief = client(backend);
    thief.jar.cookies.set('portico_refresh', first);
    thief.jar.cookies.set('portico_csrf', 'thief-csrf');
    const stolen = await thief.call('POST', '/refresh');
    expect(stolen.status).toBe(401);
    expect(stolen.body.error.message).toMatch(/already used; the session was ended/);
    const after = await browser.call('POST', '/refresh');
    expect(after.status).toBe(401);
  });

  it('refuses refresh and sign-out without the CSRF header', async () => {
    const browser = client(backend);
    await browser.call('POST', '/guest/sign-in');
    const refused = await browser.call('POST', '/refresh', { csrf: false });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe('CSRF token missing or wrong');
    expect((await browser.call('POST', '/sign-out', { csrf: false })).status).toBe(403);
    expect((await browser.call('GET', '/me')).status).toBe(200);
  });

  it('answers a refresh without any session 401 (sign in), not a CSRF refusal', async () => {
    const stranger = client(backend);
    const refused = await stranger.call('POST', '/refresh', { csrf: false });
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toBe('Missing refresh cookie: sign in');
  });

  it('signs out: the refresh token stops working and the cookies are cleared', async () => {
    const browser = client(backend);
    await browser.call('POST', '/guest/sign-in');
    const refreshToken = browser.jar.get('portico_refresh')!;
    const csrf = browser.jar.get('portico_csrf')!;
    expect((await browser.call('POST', '/sign-out')).status).toBe(204);
    expect(browser.jar.get('portico_refresh')).toBeUndefined();
    expect(browser.jar.get('portico_session')).toBeUndefined();
    const again = client(backend);
    again.jar.cookies.set('portico_refresh', refreshToken);
    again.jar.cookies.set('portico_csrf', csrf);
    expect((await again.call('POST', '/refresh')).status).toBe(401);
  });

  it('creates a personal access token, shows its secret once, lists it, and revokes it', async () => {
    const browser = client(backend);
    await browser.call('POST', '/guest/sign-in');
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const created = await browser.call('POST', '/tokens', { body: { name: 'ci', expiresAt } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'ci', expiresAt, token: expect.stringMatching(/^pat_/) });

    const listed = await browser.call('GET', '/tokens');
    expect(listed.body.items).toEqual([expect.objectContaining({ id: created.body.id, name: 'ci', expiresAt })]);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);

    // The token acts as its owner.
    const script = client(backend);
    expect((await script.call('GET', '/me', { bearer: created.body.token })).body.userEntityRef).toBe('user:default/guest');

    expect((await browser.call('DELETE', `/tokens/${created.body.id}`)).status).toBe(204);
    expect((await browser.call('DELETE', `/tokens/${created.body.id}`)).status).toBe(404);
    expect((await script.call('GET', '/me', { bearer: created.body.token })).status).toBe(401);
    expect(identity.audit.filter(e => e.action.startsWith('auth.token.')).map(e => [e.action, e.outcome])).toEqual([
      ['auth.token.create', 'succeeded'],
      ['auth.token.revoke', 'succeeded'],
      ['auth.token.revoke', 'failed'],
    ]);
  });

  it('refuses a personal access token that would already be expired, or without a name', async () => {
    const browser = client(backend);
    await browser.call('POST', '/guest/sign-in');
    const past = await browser.call('POST', '/tokens', { body: { name: 'old', expiresAt: '2020-01-01T00:00:00Z' } });
    expect(past.status).toBe(400);
    expect(past.body.error.message).toBe('body.expiresAt: must be in the future');
    expect((await browser.call('POST', '/tokens', { body: { name: ' ' } })).status).toBe(400);
  });

  it('needs a signed-in user for tokens and /me', async () => {
    const anonymous = client(backend);
    expect((await anonymous.call('GET', '/tokens')).status).toBe(401);
    expect((await anonymous.call('POST', '/tokens', { body: { name: 'x' } })).status).toBe(401);
  });

  it('serves the JWKS of user tokens without credentials', async () => {
    const res = await fetch(`${backend.url}/api/auth/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect((await res.json()).keys[0]).toMatchObject({ kty: 'EC', alg: 'ES256' });
  });
});

describe('guest sign-in when not allowed', () => {
  let backend: TestBackend;
  beforeAll(async () => {
    backend = await startTestBackend({ features: [authPlugin, fakeCatalog(entities).factory, ...fakeIdentityServices().services] });
  });
  afterAll(() => backend?.stop());

  it('is refused, and guest is not listed', async () => {
    const { call } = client(backend);
    expect((await call('GET', '/providers')).body).toEqual({ providers: [], allowGuest: false });
    const refused = await call('POST', '/guest/sign-in');
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe('Guest sign-in is not enabled (auth.allowGuest)');
  });
});
