import express from 'express';
import request from 'supertest';
import { SignJWT, UnsecuredJWT, decodeProtectedHeader, generateKeyPair } from 'jose';
import { z } from 'zod';
import {
  coreServices,
  createBackendPlugin,
  createRouteRegistry,
  type AuthService,
  type UserTokenService,
} from '@portico/backend-plugin-api';
import { eventually } from '@portico/test-utils';
import { startTestHost, type TestHost } from '../../__testUtils__/testBackend';

const ADA = 'user:default/ada';
const CI_TOKEN = 'ci-token-0123456789abcdefghijklmnop';
const CATALOG_ONLY_TOKEN = 'catalog-only-0123456789abcdefghijkl';

interface Captured {
  auth: Record<string, AuthService>;
  userTokens?: UserTokenService;
}

/** A plugin with a plain route, an open path, an unauthenticated registry route and a whoami. */
function probe(pluginId: string, captured: Captured) {
  return createBackendPlugin({
    pluginId,
    register: env =>
      env.registerInit({
        deps: {
          http: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
          auth: coreServices.auth,
          userTokens: coreServices.userTokens,
        },
        async init({ http, httpAuth, auth, userTokens }) {
          captured.auth[pluginId] = auth;
          captured.userTokens = userTokens;
          const router = express.Router();
          router.get('/whoami', async (req, res) => void res.json((await httpAuth.credentials(req)).principal));
          router.post('/whoami', async (req, res) => void res.json((await httpAuth.credentials(req)).principal));
          router.get('/open/hook', async (req, res) => void res.json({ caller: (await httpAuth.credentials(req)).principal.type }));
          router.post('/sign-in', async (_req, res) => {
            const { token, expiresAt } = await userTokens.issueUserToken({ userEntityRef: ADA, ownershipEntityRefs: [ADA] });
            httpAuth.issueUserCookie(res, { token, expiresAt });
            res.json({ ok: true });
          });
          http.addAuthPolicy({ path: '/open', allow: 'unauthenticated' });
          http.addAuthPolicy({ path: '/sign-in', allow: 'unauthenticated' });
          http.use(router);
          const routes = createRouteRegistry({ pluginId, title: 'Probe', description: 'Probe.', httpAuth });
          http.use(routes.router);
          routes.route(
            {
              method: 'get',
              path: '/providers/:id',
              summary: 'Open',
              description: 'Declared unauthenticated after the router was mounted.',
              params: z.object({ id: z.string() }),
              auth: 'unauthenticated',
              response: { description: 'The caller type' },
            },
            ({ credentials }) => ({ caller: credentials.principal.type }),
          );
        },
      }),
  });
}

function config(extra: Record<string, unknown> = {}) {
  return {
    backend: {
      baseUrl: 'http://localhost:7007',
      auth: {
        externalAccess: [
          { token: CI_TOKEN, subject: 'ci' },
          { token: CATALOG_ONLY_TOKEN, subject: 'catalog-reader', accessRestrictions: { plugins: ['catalog'], permissions: ['catalog.entity.read'] } },
        ],
      },
    },
    ...extra,
  };
}

async function start(extra?: Record<string, unknown>) {
  const captured: Captured = { auth: {} };
  const host = await startTestHost(config(extra), [probe('probe', captured), probe('catalog', captured)]);
  return { host, captured, server: host.backend.server };
}

const bearer = (token: string) => `Bearer ${token}`;

describe('identity: tokens, default deny, cookies and external access', () => {
  let host: TestHost;
  let captured: Captured;
  let server: TestHost['backend']['server'];
  beforeAll(async () => {
    ({ host, captured, server } = await start());
  });
  afterAll(() => host.backend.stop());

  const userToken = async (expiresInSeconds?: number) =>
    (await captured.userTokens!.issueUserToken({ userEntityRef: ADA, ownershipEntityRefs: [ADA, 'group:default/team-a'], expiresInSeconds })).token;

  it('refuses a request without credentials with 401 "Missing credentials" (default deny)', async () => {
    const res = await request(server).get('/api/probe/whoami').expect(401);
    expect(res.body.error).toMatchObject({ name: 'AuthenticationError', message: 'Missing credentials' });
    await request(server).get('/api/probe/no-such-route').expect(401);
    await request(server).get('/healthz').expect(200);
  });

  it('opens paths opened with addAuthPolicy and routes declared unauthenticated', async () => {
    expect((await request(server).get('/api/probe/open/hook').expect(200)).body).toEqual({ caller: 'none' });
    expect((await request(server).get('/api/probe/providers/oidc').expect(200)).body).toEqual({ caller: 'none' });
  });

  it('accepts a user token the host issued, at every plugin', async () => {
    const token = await userToken();
    const header = decodeProtectedHeader(token);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'vnd.portico.user' });
    for (const plugin of ['probe', 'catalog']) {
      const res = await request(server).get(`/api/${plugin}/whoami`).set('authorization', bearer(token)).expect(200);
      expect(res.body).toEqual({ type: 'user', userEntityRef: ADA, ownershipEntityRefs: [ADA, 'group:default/team-a'] });
    }
  });

  it('refuses a forged token: another key, or a changed payload', async () => {
    const token = await userToken();
    const { kid } = decodeProtectedHeader(token);
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ ent: ['group:default/admins'] })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'vnd.portico.user' })
      .setIssuer('http://localhost:7007')
      .setAudience('portico')
      .setSubject('user:default/admin')
      .setExpirationTime('5m')
      .sign(privateKey);
    const res = await request(server).get('/api/probe/whoami').set('authorization', bearer(forged)).expect(401);
    expect(res.body.error.message).toBe('Invalid token signature');

    const [head, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const changed = Buffer.from(JSON.stringify({ ...claims, sub: 'user:default/admin' })).toString('base64url');
    const tampered = await request(server).get('/api/probe/whoami').set('authorization', bearer(`${head}.${changed}.${signature}`)).expect(401);
    expect(tampered.body.error.message).toBe('Invalid token signature');

    const unknownKey = await new SignJWT({ ent: [] })
      .setProtectedHeader({ alg: 'ES256', kid: 'not-a-key', typ: 'vnd.portico.user' })
      .setSubject(ADA)
      .sign(privateKey);
    expect((await request(server).get('/api/probe/whoami').set('authorization', bearer(unknownKey)).expect(401)).body.error.message).toMatch(
      /unknown key/,
    );
    expect((await request(server).get('/api/probe/whoami').set('authorization', bearer('portico-dev.eyJ0eXBlIjoidXNlciJ9')).expect(401)).body.error.message).toBe(
      'Invalid token',
    );
  });

  it('refuses `alg: none` and HS256 tokens', async () => {
    const none = new UnsecuredJWT({ ent: [ADA] }).setIssuer('http://localhost:7007').setAudience('portico').setSubject(ADA).setExpirationTime('5m').encode();
    const res = await request(server).get('/api/probe/whoami').set('authorization', bearer(none)).expect(401);
    expect(res.body.error.message).toMatch(/only ES256/);
    const hs256 = await new SignJWT({ ent: [ADA] })
      .setProtectedHeader({ alg: 'HS256', typ: 'vnd.portico.user' })
      .setIssuer('http://localhost:7007')
      .setAudience('portico')
      .setSubject(ADA)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('a-shared-secret-anyone-could-guess'));
    const hs = await request(server).get('/api/probe/whoami').set('authorization', bearer(hs256)).expect(401);
    expect(hs.body.error.message).toMatch(/only ES256/);
  });

  it('refuses an expired token with "Token expired"', async () => {
    const token = await userToken(1);
    await eventually(async () => {
      const res = await request(server).get('/api/probe/whoami').set('authorization', bearer(token));
      expect(res.status).toBe(401);
      expect(res.body.error.message).toBe('Token expired');
    });
  });

  it('scopes service tokens to their target plugin, and carries the user on whose behalf they were issued', async () => {
    const auth = captured.auth.probe;
    const own = await auth.getOwnServiceCredentials();
    const { token } = await auth.getPluginRequestToken({ onBehalfOf: own, targetPluginId: 'catalog' });
    expect((await request(server).get('/api/catalog/whoami').set('authorization', bearer(token)).expect(200)).body).toEqual({
      type: 'service',
      subject: 'plugin:probe',
    });
    const wrong = await request(server).get('/api/probe/whoami').set('authorization', bearer(token)).expect(401);
    expect(wrong.body.error.message).toBe("Token audience is not 'probe'");

    const user = await auth.authenticate(await userToken());
    const obo = await auth.getPluginRequestToken({ onBehalfOf: user, targetPluginId: 'catalog' });
    expect((await request(server).get('/api/catalog/whoami').set('authorization', bearer(obo.token)).expect(200)).body).toMatchObject({
      type: 'user',
      userEntityRef: ADA,
    });
    await expect(auth.getPluginRequestToken({ onBehalfOf: await auth.getNoneCredentials(), targetPluginId: 'catalog' })).rejects.toThrow(
      /without credentials/,
    );
  });

  it('accepts the session cookie on reads, and on mutations only with the CSRF header', async () => {
    const signIn = await request(server).post('/api/probe/sign-in').expect(200);
    const cookies = ([] as string[]).concat(signIn.headers['set-cookie'] ?? []);
    const session = cookies.find(c => c.startsWith('portico_session='))!;
    const csrf = cookies.find(c => c.startsWith('portico_csrf='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).not.toMatch(/Secure/i);
    expect(csrf).not.toMatch(/HttpOnly/i);
    const jar = [session.split(';')[0], csrf.split(';')[0]].join('; ');
    const csrfValue = csrf.split(';')[0].split('=')[1];

    expect((await request(server).get('/api/probe/whoami').set('cookie', jar).expect(200)).body.userEntityRef).toBe(ADA);
    const refused = await request(server).post('/api/probe/whoami').set('cookie', jar).expect(403);
    expect(refused.body.error.message).toBe('CSRF token missing or wrong');
    await request(server).post('/api/probe/whoami').set('cookie', jar).set('x-csrf-token', 'x'.repeat(43)).expect(403);
    expect((await request(server).post('/api/probe/whoami').set('cookie', jar).set('x-csrf-token', csrfValue).expect(200)).body.userEntityRef).toBe(ADA);
    // A bearer request needs no CSRF token.
    await request(server).post('/api/probe/whoami').set('authorization', bearer(await userToken())).expect(200);
    // An open route treats a cookie without CSRF as no credentials, rather than refusing the caller.
    expect((await request(server).get('/api/probe/open/hook').set('cookie', 'portico_session=garbage').expect(200)).body).toEqual({ caller: 'none' });
  });

  it('accepts external access tokens as external:<subject>, limited to the plugins they name', async () => {
    expect((await request(server).get('/api/probe/whoami').set('authorization', bearer(CI_TOKEN)).expect(200)).body).toEqual({
      type: 'service',
      subject: 'external:ci',
    });
    expect((await request(server).get('/api/catalog/whoami').set('authorization', bearer(CATALOG_ONLY_TOKEN)).expect(200)).body).toEqual({
      type: 'service',
      subject: 'external:catalog-reader',
      accessRestrictions: { plugins: ['catalog'], permissions: ['catalog.entity.read'] },
    });
    const other = await request(server).get('/api/probe/whoami').set('authorization', bearer(CATALOG_ONLY_TOKEN)).expect(403);
    expect(other.body.error.message).toBe("Token of 'external:catalog-reader' may not call plugin 'probe'");
    await request(server).get('/api/probe/whoami').set('authorization', bearer(`${CI_TOKEN}x`)).expect(401);
  });

  it('issues personal access tokens that act as their user until revoked', async () => {
    const tokens = captured.userTokens!;
    const created = await tokens.createPersonalAccessToken({ userEntityRef: ADA, ownershipEntityRefs: [ADA], name: 'laptop' });
    expect(created.token).toMatch(/^pat_[0-9a-f]{16}_/);
    expect((await request(server).get('/api/probe/whoami').set('authorization', bearer(created.token)).expect(200)).body.userEntityRef).toBe(ADA);
    await tokens.updateOwnership(ADA, [ADA, 'group:default/team-b']);
    expect((await request(server).get('/api/probe/whoami').set('authorization', bearer(created.token)).expect(200)).body.ownershipEntityRefs).toEqual([
      ADA,
      'group:default/team-b',
    ]);
    const listed = await tokens.listPersonalAccessTokens(ADA);
    expect(listed).toEqual([expect.objectContaining({ id: created.id, name: 'laptop', lastUsedAt: expect.any(String) })]);
    expect(JSON.stringify(listed)).not.toContain(created.token.slice(`pat_${created.id}_`.length));
    const guessed = `pat_${created.id}_${'A'.repeat(43)}`;
    expect((await request(server).get('/api/probe/whoami').set('authorization', bearer(guessed)).expect(401)).body.error.message).toBe(
      'Invalid personal access token',
    );
    expect(await tokens.revokePersonalAccessToken({ userEntityRef: 'user:default/bob', id: created.id })).toBe(false);
    expect(await tokens.revokePersonalAccessToken({ userEntityRef: ADA, id: created.id })).toBe(true);
    await request(server).get('/api/probe/whoami').set('authorization', bearer(created.token)).expect(401);

    const expired = await tokens.createPersonalAccessToken({ userEntityRef: ADA, ownershipEntityRefs: [ADA], name: 'old', expiresAt: new Date(Date.now() - 1000) });
    expect((await request(server).get('/api/probe/whoami').set('authorization', bearer(expired.token)).expect(401)).body.error.message).toBe(
      'Personal access token expired',
    );
  });
});

describe('identity config', () => {
  it('refuses to start with an external access token shorter than 24 characters', async () => {
    await expect(
      startTestHost({ backend: { auth: { externalAccess: [{ token: 'short', subject: 'ci' }] } } }, [probe('probe', { auth: {} })]),
    ).rejects.toThrow("Invalid config at 'backend.auth.externalAccess.0.token': must be at least 24 characters");
  });

  it('marks cookies Secure when backend.baseUrl is https', async () => {
    const secure = await startTestHost({ backend: { baseUrl: 'https://portal.example.com' } }, [probe('probe', { auth: {} })]);
    try {
      const res = await request(secure.backend.server).post('/api/probe/sign-in').expect(200);
      expect(([] as string[]).concat(res.headers['set-cookie']).every(c => /;\s*Secure/i.test(c))).toBe(true);
    } finally {
      await secure.backend.stop();
    }
  });
});

describe('signing key rotation', () => {
  it('signs with a new key after the rotation interval and keeps accepting tokens of the old one', async () => {
    const { host, captured, server } = await start({ auth: { keys: { rotationInterval: 'PT1S' } } });
    try {
      const first = (await captured.userTokens!.issueUserToken({ userEntityRef: ADA, ownershipEntityRefs: [ADA] })).token;
      const firstKid = decodeProtectedHeader(first).kid;
      const second = await eventually(async () => {
        const { token } = await captured.userTokens!.issueUserToken({ userEntityRef: ADA, ownershipEntityRefs: [ADA] });
        expect(decodeProtectedHeader(token).kid).not.toBe(firstKid);
        return token;
      });
      await request(server).get('/api/probe/whoami').set('authorization', bearer(first)).expect(200);
      await request(server).get('/api/probe/whoami').set('authorization', bearer(second)).expect(200);
      const jwks = await captured.userTokens!.getJwks();
      expect(jwks.keys.map(k => k.kid)).toEqual(expect.arrayContaining([firstKid, decodeProtectedHeader(second).kid]));
      expect(jwks.keys.every(k => !('d' in k))).toBe(true);
    } finally {
      await host.backend.stop();
    }
  });
});
