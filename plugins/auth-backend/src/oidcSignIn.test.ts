import { startTestBackend, type TestBackend } from '@portico/test-utils';
import { OidcTestProvider, TestBrowser } from './__testUtils__/OidcTestProvider';
import { fakeCatalog, fakeIdentityServices, group, user } from './__testUtils__/fakeIdentityServices';
import { authPlugin } from './plugin';

const PORTAL = 'http://portal.test';
const CALLBACK = `${PORTAL}/api/auth/oidc/handler/frame`;
const client = { client_id: 'portico', client_secret: 'portico-test-secret', redirect_uris: [CALLBACK] };
const accounts = {
  alice: { email: 'alice@example.com', email_verified: true, name: 'Alice Example', preferred_username: 'alice' },
  mallory: { email: 'mallory@elsewhere.test', email_verified: true },
};
const entities = [
  user('alice', { profile: { email: 'alice@example.com', displayName: 'Alice' }, memberOf: ['team-a'] }),
  group('team-a', { parent: 'platform' }),
  group('platform'),
];

/** A portal with the host's real identity services (signed tokens, cookies, default deny); only the audit log is a fake to read. */
async function startPortal(issuer: string, identity = fakeIdentityServices({ only: ['auditor'] })) {
  const catalog = fakeCatalog(entities);
  const backend = await startTestBackend({
    auth: 'real',
    features: [authPlugin, catalog.factory, ...identity.services],
    config: {
      backend: { baseUrl: PORTAL },
      auth: { providers: { oidc: { issuer, clientId: client.client_id, clientSecret: client.client_secret } } },
    },
  });
  return { backend, identity, catalog };
}

/** The page's form: where it posts and which prompt it answers. */
function formOf(html: string): { action: string; prompt: string } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !prompt) throw new Error(`No interaction form in ${html.slice(0, 300)}`);
  return { action: action.replace(/&amp;/g, '&'), prompt };
}

/**
 * Starts a sign-in at the portal and goes through the provider's login and consent pages as `login`;
 * returns the provider's redirect back to the portal (not yet delivered) and the authorization URL used.
 */
async function throughProvider(
  browser: TestBrowser,
  backend: TestBackend,
  options: { login?: string; redirect?: string; tamper?: (authorizationUrl: URL) => void } = {},
): Promise<{ callback: string }> {
  const start = await browser.fetch(`${backend.url}/api/auth/oidc/start?redirect=${encodeURIComponent(options.redirect ?? '/catalog')}`);
  expect(start.status).toBe(302);
  const authorizationUrl = new URL(start.headers.get('location')!);
  options.tamper?.(authorizationUrl);
  let next = authorizationUrl.toString();
  for (let step = 0; step < 6; step++) {
    const landed = await browser.follow(next, PORTAL);
    if (!landed.res) return { callback: landed.url };
    const html = await landed.res.text();
    const form = formOf(html);
    const body = new URLSearchParams(form.prompt === 'login' ? { prompt: 'login', login: options.login ?? 'alice', password: 'anything' } : { prompt: form.prompt });
    const posted = await browser.fetch(new URL(form.action, landed.url).toString(), {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    next = new URL(posted.headers.get('location')!, landed.url).toString();
  }
  throw new Error('The provider never sent the browser back');
}

/** Delivers the provider's redirect to the portal (whose public URL is PORTAL) in this browser. */
async function deliver(browser: TestBrowser, backend: TestBackend, callback: string) {
  const res = await browser.fetch(callback.replace(PORTAL, backend.url));
  expect(res.status).toBe(302);
  return { location: res.headers.get('location')!, jar: browser.jar(new URL(backend.url).origin) };
}

const errorOf = (location: string) => new URL(location).searchParams.get('error') ?? '';

describe('sign-in with OpenID Connect against a real provider', () => {
  const idp = new OidcTestProvider({ clients: [client], accounts });
  let portal: Awaited<ReturnType<typeof startPortal>>;

  beforeAll(async () => {
    await idp.start();
    portal = await startPortal(idp.issuer);
  });
  afterAll(async () => {
    await portal?.backend.stop();
    await idp.stop();
  });

  it('signs in through the login page, lands on the redirect and knows the user and their groups', async () => {
    const browser = new TestBrowser();
    const { callback } = await throughProvider(browser, portal.backend, { redirect: '/catalog?kind=component' });
    expect(new URL(callback).searchParams.get('code')).toBeTruthy();
    const { location, jar } = await deliver(browser, portal.backend, callback);
    expect(location).toBe(`${PORTAL}/catalog?kind=component`);
    expect(jar.get('portico_session')).toBeTruthy();
    expect(jar.get('portico_refresh')).toBeTruthy();
    expect(jar.get('portico_auth_state')).toBeUndefined();

    const me = await fetch(`${portal.backend.url}/api/auth/me`, { headers: { cookie: jar.header() } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      userEntityRef: 'user:default/alice',
      ownershipEntityRefs: ['user:default/alice', 'group:default/team-a', 'group:default/platform'],
      profile: { displayName: 'Alice', email: 'alice@example.com' },
    });
    expect(portal.identity.audit).toContainEqual(expect.objectContaining({ action: 'auth.sign-in', outcome: 'succeeded' }));
  });

  it('renews the session while the User is in the catalog, and ends it once the User is gone', async () => {
    const browser = new TestBrowser();
    const { callback } = await throughProvider(browser, portal.backend);
    const { jar } = await deliver(browser, portal.backend, callback);
    const refresh = () =>
      browser.fetch(`${portal.backend.url}/api/auth/refresh`, { method: 'POST', headers: { 'x-csrf-token': jar.get('portico_csrf')! } });
    const renewed = await refresh();
    expect(renewed.status).toBe(200);
    expect((await renewed.json()).ownershipEntityRefs).toEqual(['user:default/alice', 'group:default/team-a', 'group:default/platform']);

    const index = portal.catalog.entities.findIndex(e => e.metadata.name === 'alice');
    const [alice] = portal.catalog.entities.splice(index, 1);
    try {
      const refused = await refresh();
      expect(refused.status).toBe(401);
      expect((await refused.json()).error.message).toBe('user:default/alice is no longer in the catalog: the session was ended');
      expect(jar.get('portico_refresh')).toBeUndefined();
    } finally {
      portal.catalog.entities.splice(index, 0, alice);
    }
  });

  it('refuses a callback whose state was changed, or that reaches another browser', async () => {
    const browser = new TestBrowser();
    const { callback } = await throughProvider(browser, portal.backend);
    const changed = new URL(callback);
    changed.searchParams.set('state', 'forged-state');
    const refused = await deliver(browser, portal.backend, changed.toString());
    expect(refused.location.startsWith(`${PORTAL}/sign-in?error=`)).toBe(true);
    expect(errorOf(refused.location)).toMatch(/state does not match/);

    // An attacker's callback planted in a victim's browser (login CSRF): the victim has no such state cookie.
    const victim = new TestBrowser();
    const planted = await deliver(victim, portal.backend, callback);
    expect(errorOf(planted.location)).toMatch(/state does not match/);
    expect(planted.jar.get('portico_session')).toBeUndefined();
  });

  it('refuses a replayed code, at the portal and at the provider', async () => {
    const browser = new TestBrowser();
    const first = await throughProvider(browser, portal.backend);
    expect((await deliver(browser, portal.backend, first.callback)).location).toBe(`${PORTAL}/catalog`);
    const replay = await deliver(browser, portal.backend, first.callback);
    expect(errorOf(replay.location)).toMatch(/state does not match/);
    // Even with the state cookie put back, the state was good once.
    browser.jar(new URL(portal.backend.url).origin).cookies.set('portico_auth_state', new URL(first.callback).searchParams.get('state')!);
    const again = await deliver(browser, portal.backend, first.callback);
    expect(errorOf(again.location)).toMatch(/expired or was already used/);

    // The used code under a fresh, valid state of the same browser: the provider refuses it.
    const second = await throughProvider(browser, portal.backend);
    const mixed = new URL(second.callback);
    mixed.searchParams.set('code', new URL(first.callback).searchParams.get('code')!);
    const refused = await deliver(browser, portal.backend, mixed.toString());
    expect(errorOf(refused.location)).toMatch(/invalid_grant/);
  });

  it('refuses an ID token whose nonce is not the one the sign-in started with', async () => {
    const browser = new TestBrowser();
    const { callback } = await throughProvider(browser, portal.backend, { tamper: url => url.searchParams.set('nonce', 'injected-nonce') });
    const refused = await deliver(browser, portal.backend, callback);
    expect(errorOf(refused.location)).toBe("The identity provider's answer was refused: the ID token's nonce is not the one this sign-in started with");
    expect(refused.jar.get('portico_session')).toBeUndefined();
  });

  it("shows the provider's error code, never the description a link could have planted", async () => {
    const browser = new TestBrowser();
    const start = await browser.fetch(`${portal.backend.url}/api/auth/oidc/start`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const planted = `${PORTAL}/api/auth/oidc/handler/frame?error=access_denied&error_description=${encodeURIComponent('Call +1 555 0100 to unlock')}&state=${state}`;
    const refused = await deliver(browser, portal.backend, planted);
    expect(errorOf(refused.location)).toBe('OpenID Connect refused the sign-in (access_denied)');
  });

  it('refuses a profile that matches no catalog User, with a clear message', async () => {
    const browser = new TestBrowser();
    const { callback } = await throughProvider(browser, portal.backend, { login: 'mallory' });
    const refused = await deliver(browser, portal.backend, callback);
    expect(errorOf(refused.location)).toBe(
      'No catalog User matches mallory@elsewhere.test from OpenID Connect (tried emailMatchingUserEntityProfileEmail). ' +
        'Ask an administrator to add you to the catalog.',
    );
    expect(refused.jar.get('portico_session')).toBeUndefined();
    expect(portal.identity.audit).toContainEqual(expect.objectContaining({ action: 'auth.sign-in', outcome: 'failed', error: expect.stringMatching(/mallory/) }));
  });

  it.each(['//evil.com/x', 'https://evil.com/', '/\\evil.com', 'catalog', '/%0d%0a//evil.com'.replace('%0d%0a', '\n')])(
    'refuses the open redirect %j',
    async redirect => {
      const res = await fetch(`${portal.backend.url}/api/auth/oidc/start?redirect=${encodeURIComponent(redirect)}`, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toMatch(/redirect must be a path of this portal/);
    },
  );

  it('answers 404 for a provider that is not configured', async () => {
    const res = await fetch(`${portal.backend.url}/api/auth/github/start`, { redirect: 'manual' });
    expect(res.status).toBe(404);
  });
});

describe('sign-in with OpenID Connect: expired tokens', () => {
  // The provider's clock runs two hours behind: its ID tokens (valid one hour) are already expired.
  const idp = new OidcTestProvider({ clients: [client], accounts, clockOffsetSeconds: -7200 });
  let portal: Awaited<ReturnType<typeof startPortal>>;

  beforeAll(async () => {
    await idp.start();
    portal = await startPortal(idp.issuer);
  });
  afterAll(async () => {
    await portal?.backend.stop();
    await idp.stop();
  });

  it('refuses an expired ID token', async () => {
    const browser = new TestBrowser();
    const { callback } = await throughProvider(browser, portal.backend);
    const refused = await deliver(browser, portal.backend, callback);
    expect(errorOf(refused.location)).toBe("The identity provider's answer was refused: the ID token has expired");
    expect(refused.jar.get('portico_session')).toBeUndefined();
  });
});

