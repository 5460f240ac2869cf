import { eventually, startTestBackend, type TestBackend } from '@portico/test-utils';
import { fakeCatalog, user } from './__testUtils__/fakeIdentityServices';
import { portalBrowser as browser } from './__testUtils__/PortalBrowser';
import { authPlugin } from './plugin';

const jwtHeader = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as { alg: string; kid: string; typ?: string };

describe('the auth plugin with the host identity services', () => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await startTestBackend({
      auth: 'real',
      features: [authPlugin, fakeCatalog([user('guest')]).factory],
      config: { backend: { baseUrl: 'http://portal.test' }, auth: { allowGuest: true } },
    });
  });
  afterAll(() => backend?.stop());

  it('signs the guest in with a signed user token whose key is in the JWKS', async () => {
    const b = browser(backend);
    expect((await b.call('GET', '/me')).status).toBe(401);
    expect((await b.call('POST', '/guest/sign-in')).status).toBe(200);
    const token = b.jar.get('portico_session')!;
    expect(jwtHeader(token)).toMatchObject({ alg: 'ES256' });
    const jwks = await b.call('GET', '/.well-known/jwks.json');
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toContain(jwtHeader(token).kid);
    expect((await b.call('GET', '/me')).body).toMatchObject({ userEntityRef: 'user:default/guest', ownershipEntityRefs: ['user:default/guest'] });

    const refreshed = await b.call('POST', '/refresh');
    expect(refreshed.status).toBe(200);
    expect(b.jar.get('portico_session')).not.toBe(token);
    expect((await b.call('GET', '/me')).body.userEntityRef).toBe('user:default/guest');
  });

  it('needs the CSRF header for a cookie-authenticated token creation', async () => {
    const b = browser(backend);
    await b.call('POST', '/guest/sign-in');
    const refused = await b.call('POST', '/tokens', { body: { name: 'no-csrf' }, csrf: false });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/CSRF/);
  });

  it('creates a personal access token that acts as its owner until it is revoked', async () => {
    const b = browser(backend);
    await b.call('POST', '/guest/sign-in');
    const created = await b.call('POST', '/tokens', { body: { name: 'ci' } });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^pat_/);
    const script = browser(backend);
    expect((await script.call('GET', '/me', { bearer: created.body.token })).body.userEntityRef).toBe('user:default/guest');
    expect((await b.call('DELETE', `/tokens/${created.body.id}`)).status).toBe(204);
    expect((await script.call('GET', '/me', { bearer: created.body.token })).status).toBe(401);
  });

  it('stops accepting a personal access token once it has expired', async () => {
    const b = browser(backend);
    await b.call('POST', '/guest/sign-in');
    const created = await b.call('POST', '/tokens', { body: { name: 'short', expiresAt: new Date(Date.now() + 1500).toISOString() } });
    expect(created.status).toBe(201);
    const script = browser(backend);
    expect((await script.call('GET', '/me', { bearer: created.body.token })).status).toBe(200);
    await eventually(async () => expect((await script.call('GET', '/me', { bearer: created.body.token })).status).toBe(401), 10_000);
  });

  it('signs out: the cookies are cleared and the refresh token stops working', async () => {
    const b = browser(backend);
    await b.call('POST', '/guest/sign-in');
    const refreshToken = b.jar.get('portico_refresh')!;
    const csrf = b.jar.get('portico_csrf')!;
    expect((await b.call('POST', '/sign-out')).status).toBe(204);
    expect((await b.call('GET', '/me')).status).toBe(401);
    const replay = browser(backend);
    replay.jar.cookies.set('portico_refresh', refreshToken);
    replay.jar.cookies.set('portico_csrf', csrf);
    expect((await replay.call('POST', '/refresh')).status).toBe(401);
  });
});
