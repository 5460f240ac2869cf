/**
 * Issue 14, Bad input, against the assembled default portal (real tokens, RBAC, audit, catalog, and a real
 * OpenID provider for sign-in): each bad input is refused with 401/403 (or a clear sign-in page), is in the
 * audit log, and changes nothing.
 */
import request from 'supertest';
import { createBackendModule, permissionsPolicyExtensionPoint } from '@portico/backend-plugin-api';
import { eventually } from '@portico/test-utils';
import { OidcTestProvider, TestBrowser } from '../../plugins/auth-backend/src/__testUtils__/OidcTestProvider';
import { BASE_URL, people, startDefaultPortal, type DefaultPortal, type Person } from './defaultPortal';

const CALLBACK = `${BASE_URL}/api/auth/oidc/handler/frame`;
const client = { client_id: 'portico', client_secret: 'portico-test-secret', redirect_uris: [CALLBACK] };
const accounts = {
  ivan: { email: 'ivan@acme.example', email_verified: true },
  mallory: { email: 'mallory@elsewhere.test', email_verified: true },
};

interface AuditEvent {
  action: string;
  actor: string;
  outcome: string;
  status?: number;
  path?: string;
  resourceRef?: string;
  meta?: { error?: { message?: string } };
}

async function auditEvents(portal: DefaultPortal, query: Record<string, string>): Promise<AuditEvent[]> {
  const res = await request(portal.backend.server)
    .get('/api/audit/events')
    .query({ limit: '500', ...query })
    .set('authorization', `Bearer ${await portal.userToken(people.admin)}`);
  expect(res.status).toBe(200);
  return res.body.items;
}

async function entityUid(portal: DefaultPortal, name: string): Promise<string> {
  return eventually(async () => {
    const res = await request(portal.backend.server)
      .get(`/api/catalog/entities/by-name/${name.replace(':', '/').replace('/', '/')}`)
      .set('authorization', `Bearer ${await portal.userToken(people.admin)}`);
    expect(res.status).toBe(200);
    return res.body.metadata.uid as string;
  }, 30_000);
}

/** Signs in through the provider's login and consent pages as `login`; returns where the portal sent the browser. */
async function signIn(portal: DefaultPortal, login: string): Promise<{ location: string; browser: TestBrowser }> {
  const browser = new TestBrowser();
  const start = await browser.fetch(`${portal.backend.url}/api/auth/oidc/start?redirect=%2Fcatalog`);
  expect(start.status).toBe(302);
  let next = start.headers.get('location')!;
  for (let step = 0; step < 6; step++) {
    const landed = await browser.follow(next, BASE_URL);
    if (!landed.res) {
      const back = await browser.fetch(landed.url.replace(BASE_URL, portal.backend.url));
      expect(back.status).toBe(302);
      return { location: back.headers.get('location')!, browser };
    }
    const html = await landed.res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)![1].replace(/&amp;/g, '&');
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)![1];
    const body = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'anything' } : { prompt });
    const posted = await browser.fetch(new URL(action, landed.url).toString(), { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    next = new URL(posted.headers.get('location')!, landed.url).toString();
  }
  throw new Error('The provider never sent the browser back');
}

describe('bad input to the assembled portal', () => {
  const idp = new OidcTestProvider({ clients: [client], accounts });
  let portal: DefaultPortal;
  let webShop: string;

  beforeAll(async () => {
    await idp.start();
    portal = await startDefaultPortal({
      config: { auth: { allowGuest: false, providers: { oidc: { issuer: idp.issuer, clientId: client.client_id, clientSecret: client.client_secret } } } },
    });
    webShop = await entityUid(portal, 'component:default/web-shop');
  }, 60_000);
  afterAll(async () => {
    await portal?.stop();
    await idp.stop();
  });

  const stillThere = async (uid: string) => {
    const res = await request(portal.backend.server).get(`/api/catalog/entities/by-uid/${uid}`).set('authorization', `Bearer ${await portal.userToken(people.plain)}`);
    expect(res.status).toBe(200);
  };

  const started = { tokens: '', csrf: '', signIn: '' };
  const refusedTokens = 4;

  it('refuses a forged, expired, wrong-audience or alg:none token on a deletion with a 401 naming why, and deletes nothing', async () => {
    started.tokens = new Date().toISOString();
    const cases: Array<[string, string, RegExp]> = [
      ['forged', await portal.forgedToken(people.admin), /^Invalid token signature$/],
      ['expired', await portal.expiredToken(people.admin), /^Token expired$/],
      ['wrong audience', await portal.serviceToken('scorecards'), /^Token audience is not 'catalog'$/],
      ['alg none', portal.unsignedToken(people.admin), /algorithm not allowed/],
    ];
    for (const [name, token, message] of cases) {
      const res = await request(portal.backend.server).delete(`/api/catalog/entities/by-uid/${webShop}`).set('authorization', `Bearer ${token}`);
      expect({ name, status: res.status, message: res.body.error?.message }).toEqual({ name, status: 401, message: expect.stringMatching(message) });
    }
    expect(cases).toHaveLength(refusedTokens);
    await stillThere(webShop);
  });

  it('records each refused token in the audit log (GET /api/audit/events)', async () => {
    await eventually(async () => {
      const denied = (await auditEvents(portal, { outcome: 'denied', since: started.tokens })).filter(e => e.status === 401 && e.path?.includes(webShop));
      expect(denied).toHaveLength(refusedTokens);
    });
  });

  it('refuses a cookie-authenticated mutation without the CSRF header (403), and changes nothing', async () => {
    started.csrf = new Date().toISOString();
    const session = await portal.userToken(people.owner);
    const cookie = `portico_session=${session}; portico_csrf=the-csrf-token`;
    const cartService = await entityUid(portal, 'component:default/cart-service');
    for (const header of [undefined, 'not-the-csrf-token']) {
      const req = request(portal.backend.server).delete(`/api/catalog/entities/by-uid/${cartService}`).set('cookie', cookie);
      if (header) req.set('x-csrf-token', header);
      const res = await req;
      expect({ header, status: res.status, message: res.body.error?.message }).toEqual({ header, status: 403, message: 'CSRF token missing or wrong' });
    }
    await stillThere(cartService);
    // The same session with its CSRF header is the owner acting.
    const refresh = await request(portal.backend.server)
      .post('/api/catalog/refresh')
      .set('cookie', cookie)
      .set('x-csrf-token', 'the-csrf-token')
      .send({ entityRef: 'component:default/cart-service' });
    expect(refresh.status).toBe(200);
  });

  it('records both CSRF refusals in the audit log', async () => {
    await eventually(async () => {
      const denied = (await auditEvents(portal, { outcome: 'denied', since: started.csrf })).filter(e => e.status === 403 && e.meta?.error?.message === 'CSRF token missing or wrong');
      expect(denied).toHaveLength(2);
    });
  });

  it.each(['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'catalog'])('refuses the open redirect %j at sign-in with a 400', async redirect => {
    const res = await request(portal.backend.server).get('/api/auth/oidc/start').query({ redirect });
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.body.error.message).toMatch(/redirect must be a path of this portal/);
  });

  it('sends an identity without a catalog User to the sign-in page with the reason, without a session', async () => {
    started.signIn = new Date().toISOString();
    const { location, browser } = await signIn(portal, 'mallory');
    const landed = new URL(location, BASE_URL);
    expect(landed.pathname).toBe('/sign-in');
    expect(landed.searchParams.get('error')).toMatch(/No catalog User matches mallory@elsewhere\.test/);
    expect(browser.jar(new URL(portal.backend.url).origin).get('portico_session')).toBeUndefined();
  });

  it('records the refused sign-in as denied, with the reason', async () => {
    await eventually(async () => {
      const signIns = (await auditEvents(portal, { plugin: 'auth', since: started.signIn })).filter(e => e.action === 'auth.sign-in');
      expect(signIns.map(e => ({ outcome: e.outcome, message: e.meta?.error?.message }))).toEqual([
        { outcome: 'denied', message: expect.stringMatching(/No catalog User matches mallory@elsewhere\.test/) },
      ]);
    }, 3000);
  });

  it('refuses a revoked personal access token (401) where it worked a moment before, and its owner keeps the session', async () => {
    const session = await portal.userToken(people.owner);
    const created = await request(portal.backend.server).post('/api/auth/tokens').set('authorization', `Bearer ${session}`).send({ name: 'ci script' });
    expect(created.status).toBe(201);
    const pat = created.body.token as string;
    const asPat = () => request(portal.backend.server).post('/api/catalog/refresh').set('authorization', `Bearer ${pat}`).send({ entityRef: 'component:default/web-shop' });
    expect((await asPat()).status).toBe(200);
    const revoked = await request(portal.backend.server).delete(`/api/auth/tokens/${created.body.id}`).set('authorization', `Bearer ${session}`);
    expect(revoked.status).toBe(204);
    const refused = await asPat();
    expect({ status: refused.status, message: refused.body.error?.message }).toEqual({ status: 401, message: 'Invalid personal access token' });
    const tampered = await request(portal.backend.server).get('/api/catalog/entities?limit=1').set('authorization', `Bearer ${pat.slice(0, -4)}AAAA`);
    expect({ status: tampered.status, message: tampered.body.error?.message }).toEqual({ status: 401, message: 'Invalid personal access token' });
    expect((await request(portal.backend.server).get('/api/auth/me').set('authorization', `Bearer ${session}`)).status).toBe(200);
  });

  it('refuses a personal access token once it expired (401 naming it)', async () => {
    const session = await portal.userToken(people.owner);
    const expiresAt = new Date(Date.now() + 1500);
    const created = await request(portal.backend.server).post('/api/auth/tokens').set('authorization', `Bearer ${session}`).send({ name: 'short', expiresAt: expiresAt.toISOString() });
    expect(created.status).toBe(201);
    const read = () => request(portal.backend.server).get('/api/catalog/entities?limit=1').set('authorization', `Bearer ${created.body.token}`);
    expect((await read()).status).toBe(200);
    await eventually(async () => {
      const res = await read();
      expect({ status: res.status, message: res.body.error?.message }).toEqual({ status: 401, message: 'Personal access token expired' });
    });
  });

  // Decision (docs/permissions.md): a user token is a signed, stateless proof that lives at most
  // auth.session.accessTokenDuration (PT15M); removing the User ends the person's sessions at the next refresh
  // or sign-in, which the catalog resolves again, not the tokens already issued.
  it('keeps a deleted User\'s issued token valid until it expires, and refuses their next sign-in', async () => {
    const first = await signIn(portal, 'ivan');
    expect(new URL(first.location, BASE_URL).pathname).toBe('/catalog');
    const jar = first.browser.jar(new URL(portal.backend.url).origin);
    const session = jar.get('portico_session')!;
    expect(session).toBeDefined();
    const ivan = await entityUid(portal, 'user:default/ivan');
    const deleted = await request(portal.backend.server).delete(`/api/catalog/entities/by-uid/${ivan}`).set('authorization', `Bearer ${await portal.userToken(people.admin)}`);
    expect(deleted.status).toBe(204);

    const read = await request(portal.backend.server).get('/api/catalog/entities?limit=1').set('authorization', `Bearer ${session}`);
    expect(read.status).toBe(200);
    const again = await signIn(portal, 'ivan');
    const landed = new URL(again.location, BASE_URL);
    expect(landed.pathname).toBe('/sign-in');
    expect(landed.searchParams.get('error')).toMatch(/No catalog User matches ivan@acme\.example/);
  });
});

describe('a policy that throws', () => {
  let portal: DefaultPortal;
  const throwingPolicy = createBackendModule({
    pluginId: 'permission',
    moduleId: 'throwing-policy',
    register(env) {
      env.registerInit({
        deps: { policy: permissionsPolicyExtensionPoint },
        async init({ policy }) {
          policy.setPolicy({
            async handle({ permission }) {
              if (permission.name === 'catalog.entity.delete') throw new Error('the policy store is down');
              return { result: 'ALLOW' };
            },
          });
        },
      });
    },
  });

  beforeAll(async () => {
    portal = await startDefaultPortal({ features: [throwingPolicy] });
  }, 60_000);
  afterAll(async () => {
    await portal?.stop();
  });

  it('denies (403), records the denial, and deletes nothing, even for an admin', async () => {
    const since = new Date().toISOString();
    const uid = await entityUid(portal, 'component:default/web-shop');
    const res = await request(portal.backend.server).delete(`/api/catalog/entities/by-uid/${uid}`).set('authorization', `Bearer ${await portal.userToken(people.admin)}`);
    expect(res.status).toBe(403);
    expect(res.body.error.message).not.toMatch(/policy store is down/);
    const read = await request(portal.backend.server).get(`/api/catalog/entities/by-uid/${uid}`).set('authorization', `Bearer ${await portal.userToken(people.plain as Person)}`);
    expect(read.status).toBe(200);
    await eventually(async () => {
      const denied = (await auditEvents(portal, { since })).filter(e => e.outcome === 'denied' || (e.outcome === 'failed' && e.action === 'catalog.entity.delete'));
      expect(denied.map(e => ({ action: e.action, resourceRef: e.resourceRef, actor: e.actor }))).toContainEqual({ action: 'catalog.entity.delete', resourceRef: 'component:default/web-shop', actor: people.admin.userEntityRef });
    });
  });
});

