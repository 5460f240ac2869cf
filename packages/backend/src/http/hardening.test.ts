import express from 'express';
import request from 'supertest';
import { coreServices, createBackendPlugin } from '@portico/backend-plugin-api';
import { startTestHost } from '../__testUtils__/testBackend';

/** A stand-in for the auth plugin's rate-limited endpoints, open to anyone. */
const authLike = createBackendPlugin({
  pluginId: 'auth',
  register: env =>
    env.registerInit({
      deps: { http: coreServices.httpRouter },
      async init({ http }) {
        const router = express.Router();
        router.get('/oidc/start', (_req, res) => void res.json({ ok: true }));
        router.get('/providers', (_req, res) => void res.json({ ok: true }));
        router.post('/refresh', (_req, res) => void res.json({ ok: true }));
        http.use(router);
        http.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
      },
    }),
});

describe('HTTP hardening', () => {
  it('sends security headers: a CSP without inline scripts, no framing, nosniff, a referrer policy', async () => {
    const { backend } = await startTestHost({}, [authLike]);
    try {
      const res = await request(backend.server).get('/api/auth/providers').expect(200);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    } finally {
      await backend.stop();
    }
  });

  it('refuses Host headers other than the baseUrl host, loopback and backend.allowedHosts, with 421', async () => {
    const { backend } = await startTestHost({ backend: { baseUrl: 'https://portal.example.com', allowedHosts: ['portal.internal:7007'] } }, [authLike]);
    try {
      const rebound = await request(backend.server).get('/api/auth/providers').set('host', 'attacker.example').expect(421);
      expect(rebound.body.error).toMatchObject({ name: 'MisdirectedRequestError', message: expect.stringContaining("'attacker.example'") });
      await request(backend.server).get('/api/auth/providers').set('host', 'portal.example.com').expect(200);
      await request(backend.server).get('/api/auth/providers').set('host', 'portal.internal:7007').expect(200);
      await request(backend.server).get('/api/auth/providers').set('host', 'localhost:7007').expect(200);
      await request(backend.server).get('/api/auth/providers').set('host', '127.0.0.1:3000').expect(200);
      // Health probes address a pod by its IP.
      await request(backend.server).get('/healthz').set('host', '10.1.2.3:7007').expect(200);
      const secure = await request(backend.server).get('/healthz');
      expect(secure.headers['strict-transport-security']).toMatch(/max-age=/);
    } finally {
      await backend.stop();
    }
  });

  it('answers CORS only for the origins in backend.cors', async () => {
    const { backend } = await startTestHost({ backend: { cors: { origin: ['https://docs.example.com'] } } }, [authLike]);
    try {
      const allowed = await request(backend.server)
        .options('/api/auth/refresh')
        .set('origin', 'https://docs.example.com')
        .set('access-control-request-method', 'POST');
      expect(allowed.headers['access-control-allow-origin']).toBe('https://docs.example.com');
      expect(allowed.headers['access-control-allow-credentials']).toBe('true');
      const other = await request(backend.server).get('/api/auth/providers').set('origin', 'https://evil.example');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await backend.stop();
    }
    const { backend: none } = await startTestHost({}, [authLike]);
    try {
      const res = await request(none.server).get('/api/auth/providers').set('origin', 'https://docs.example.com');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await none.stop();
    }
  });

  it('serves /metrics only when backend.metrics.public is true', async () => {
    const { backend } = await startTestHost({}, [authLike]);
    try {
      const res = await request(backend.server).get('/metrics').expect(403);
      expect(res.body.error.message).toContain('backend.metrics.public');
    } finally {
      await backend.stop();
    }
    const { backend: open } = await startTestHost({ backend: { metrics: { public: true } } }, [authLike]);
    try {
      expect((await request(open.server).get('/metrics').expect(200)).text).toContain('http_requests_total');
    } finally {
      await open.stop();
    }
  });

  it('rate-limits the sign-in and refresh endpoints with 429, and nothing else', async () => {
    const { backend } = await startTestHost({ backend: { rateLimit: { window: 'PT1H', max: 2 } } }, [authLike]);
    try {
      await request(backend.server).get('/api/auth/oidc/start').expect(200);
      await request(backend.server).get('/api/auth/oidc/start').expect(200);
      const limited = await request(backend.server).get('/api/auth/oidc/start').expect(429);
      expect(limited.body.error).toMatchObject({ name: 'TooManyRequestsError', message: expect.stringContaining('at most 2') });
      for (let i = 0; i < 4; i++) await request(backend.server).get('/api/auth/providers').expect(200);
    } finally {
      await backend.stop();
    }
  });

  it('keys the rate limit on X-Forwarded-For only when the proxy is trusted (backend.trustProxy)', async () => {
    const start = (trustProxy?: unknown) =>
      startTestHost({ backend: { rateLimit: { window: 'PT1H', max: 1 }, ...(trustProxy === undefined ? {} : { trustProxy }) } }, [authLike]);
    const from = (server: Parameters<typeof request>[0], ip: string) => request(server).get('/api/auth/oidc/start').set('x-forwarded-for', ip);
    // The default trusts a proxy on loopback (supertest's peer): two clients behind it have a bucket each.
    const behindProxy = (await start()).backend;
    try {
      await from(behindProxy.server, '203.0.113.1').expect(200);
      await from(behindProxy.server, '203.0.113.2').expect(200);
      await from(behindProxy.server, '203.0.113.1').expect(429);
    } finally {
      await behindProxy.stop();
    }
    // Trusting nobody: a client cannot escape its limit by inventing X-Forwarded-For.
    const direct = (await start(false)).backend;
    try {
      await from(direct.server, '203.0.113.1').expect(200);
      await from(direct.server, '203.0.113.2').expect(429);
    } finally {
      await direct.stop();
    }
  });

  it('refuses a backend.trustProxy of the wrong shape, naming the key', async () => {
    await expect(startTestHost({ backend: { trustProxy: { hops: 1 } } }, [authLike])).rejects.toThrow(/backend\.trustProxy/);
  });
});
