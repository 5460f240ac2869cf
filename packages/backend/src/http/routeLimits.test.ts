import request from 'supertest';
import { z } from 'zod';
import { coreServices, createBackendPlugin, createRouteRegistry, type AuthService, type RouteRegistry } from '@portico/backend-plugin-api';
import { startTestHost } from '../__testUtils__/testBackend';

const CI_TOKEN = 'ci-token-0123456789abcdefghij';
const OTHER_TOKEN = 'other-token-0123456789abcdefgh';

/** A JSON body of about `bytes` bytes. */
function jsonOf(bytes: number): string {
  return JSON.stringify({ blob: 'x'.repeat(bytes) });
}

/**
 * A plugin whose typed routes declare body and rate limits. The registry is mounted before its routes are
 * declared, as plugins do, so the host must pick declarations up after mounting.
 */
function limitsPlugin(capture: { auth?: AuthService; routes?: RouteRegistry } = {}) {
  return createBackendPlugin({
    pluginId: 'limits',
    register: env =>
      env.registerInit({
        deps: { http: coreServices.httpRouter, httpAuth: coreServices.httpAuth, auth: coreServices.auth },
        async init({ http, httpAuth, auth }) {
          capture.auth = auth;
          const routes = createRouteRegistry({ pluginId: 'limits', title: 'Limits', description: 'Test routes', httpAuth });
          capture.routes = routes;
          http.use(routes.router);
          const size = { response: { description: 'Bytes received', schema: z.object({ bytes: z.number() }) } };
          const bytes = ({ req }: { req: { body?: unknown } }) => ({ bytes: JSON.stringify(req.body ?? null).length });
          routes.route({ method: 'post', path: '/hooks', summary: 'Big', description: 'Takes big bodies', auth: 'unauthenticated', bodyLimit: '3mb', ...size }, bytes);
          routes.route({ method: 'post', path: '/things', summary: 'Small', description: 'Default limit', auth: 'unauthenticated', ...size }, bytes);
          routes.route({ method: 'get', path: '/search', summary: 'Costly', description: 'Expensive', auth: 'unauthenticated', rateLimit: 'expensive', ...size }, bytes);
          routes.route({ method: 'get', path: '/guarded', summary: 'Costly, signed in', description: 'Expensive', rateLimit: 'expensive', ...size }, bytes);
          routes.route(
            {
              method: 'get',
              path: '/query',
              summary: 'Costly when large',
              description: 'Expensive above 100',
              auth: 'unauthenticated',
              rateLimit: { bucket: 'expensive', when: req => Number(req.query.limit) > 100 },
              ...size,
            },
            bytes,
          );
          routes.route({ method: 'get', path: '/cheap', summary: 'Cheap', description: 'Not limited', auth: 'unauthenticated', ...size }, bytes);
        },
      }),
  });
}

// One token every 2 s: the requests of a test run well within that, however loaded the machine.
const TIGHT = { rateLimit: { routes: { expensive: { perSecond: 0.5, burst: 3 } } } };

describe('per-route body limits', () => {
  it('gives a route that declares bodyLimit its own limit, and every other route the host default', async () => {
    const capture: { routes?: RouteRegistry } = {};
    const { backend } = await startTestHost({ backend: { http: { bodyLimit: '1mb' } } }, [limitsPlugin(capture)]);
    try {
      const twoMb = jsonOf(2 * 1024 * 1024);
      const big = await request(backend.server).post('/api/limits/hooks').set('content-type', 'application/json').send(twoMb);
      expect(big.status).toBe(200);
      expect(big.body.bytes).toBe(twoMb.length);

      const small = await request(backend.server).post('/api/limits/things').set('content-type', 'application/json').send(twoMb);
      expect(small.status).toBe(413);
      expect(small.body.error).toMatchObject({ name: 'PayloadTooLargeError', message: 'Request body is larger than the limit of 1mb' });

      const tooBig = await request(backend.server).post('/api/limits/hooks').set('content-type', 'application/json').send(jsonOf(4 * 1024 * 1024));
      expect(tooBig.status).toBe(413);
      expect(tooBig.body.error.message).toBe('Request body is larger than the limit of 3mb');

      // The same path with another method, or a path under it, is another route: the default applies.
      const under = await request(backend.server).post('/api/limits/hooks/more').set('content-type', 'application/json').send(twoMb);
      expect(under.status).toBe(413);

      const doc = capture.routes!.openApiDocument();
      expect(doc.paths['/hooks'].post).toMatchObject({ 'x-portico-body-limit': '3mb' });
      expect(doc.paths['/things'].post).not.toHaveProperty('x-portico-body-limit');
    } finally {
      await backend.stop();
    }
  });

  it('refuses a route whose bodyLimit is not a size, when it is declared', () => {
    const routes = createRouteRegistry({ pluginId: 'x', title: 'X', description: 'X' });
    expect(() =>
      routes.route({ method: 'post', path: '/a', summary: 'A', description: 'A', bodyLimit: 'lots', response: { description: 'ok' } }, () => undefined),
    ).toThrow("Route POST /a of plugin 'x' has bodyLimit 'lots': expected a size such as 25mb or 512kb");
  });
});

describe('per-client rate limits on expensive routes', () => {
  it('answers 429 with Retry-After once a client used its burst, and lets it in again as tokens refill', async () => {
    const capture: { routes?: RouteRegistry } = {};
    const { backend } = await startTestHost({ backend: { ...TIGHT, metrics: { public: true } } }, [limitsPlugin(capture)]);
    try {
      for (let i = 0; i < 3; i++) await request(backend.server).get('/api/limits/search').expect(200);
      const limited = await request(backend.server).get('/api/limits/search');
      expect(limited.status).toBe(429);
      // The next token is at most 2 s away (one every 2 s); the header and the message say when.
      const wait = Number(limited.headers['retry-after']);
      expect([1, 2]).toContain(wait);
      expect(limited.body.error).toMatchObject({
        name: 'TooManyRequestsError',
        message: `Too many requests to GET /api/limits/search: this client may make 0.5 a second (bursts of 3) of the 'expensive' kind; retry in ${wait} s`,
        details: { bucket: 'expensive', perSecond: 0.5, burst: 3, retryAfterSeconds: wait },
      });
      // OPTIONS reaches the plugin as for a route without limits, and draws nothing.
      const options = await request(backend.server).options('/api/limits/search');
      const cheapOptions = await request(backend.server).options('/api/limits/cheap');
      expect(options.status).toBe(cheapOptions.status);
      expect(options.status).not.toBe(429);
      // Routes that declare no limit are not counted.
      for (let i = 0; i < 10; i++) await request(backend.server).get('/api/limits/cheap').expect(200);

      const metrics = await request(backend.server).get('/metrics').expect(200);
      expect(metrics.text).toMatch(/portico_http_rate_limited_total\{bucket="expensive"\} 1/);

      const openapi = capture.routes!.openApiDocument();
      expect(openapi.paths['/search'].get).toMatchObject({ 'x-portico-rate-limit': 'expensive' });
      expect(openapi.paths['/query'].get).toMatchObject({ 'x-portico-rate-limit': 'expensive' });

      // Tokens refill (one every 2 s): the client gets in again.
      const deadline = Date.now() + 10_000;
      let status = 429;
      while (status === 429 && Date.now() < deadline) {
        status = (await request(backend.server).get('/api/limits/search')).status;
        if (status === 429) await new Promise(r => setTimeout(r, 50));
      }
      expect(status).toBe(200);
    } finally {
      await backend.stop();
    }
  });

  it('limits only the requests a conditional declaration picks', async () => {
    const { backend } = await startTestHost({ backend: TIGHT }, [limitsPlugin()]);
    try {
      for (let i = 0; i < 8; i++) await request(backend.server).get('/api/limits/query?limit=50').expect(200);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await request(backend.server).get('/api/limits/query?limit=5000')).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      await request(backend.server).get('/api/limits/query?limit=50').expect(200);
    } finally {
      await backend.stop();
    }
  });

  it('keeps a bucket per client: each external token its own, and calls between plugins unlimited', async () => {
    const capture: { auth?: AuthService } = {};
    const { backend } = await startTestHost(
      { backend: { ...TIGHT, auth: { externalAccess: [{ token: CI_TOKEN, subject: 'ci' }, { token: OTHER_TOKEN, subject: 'other' }] } } },
      [limitsPlugin(capture)],
    );
    try {
      const get = (token: string) => request(backend.server).get('/api/limits/guarded').set('authorization', `Bearer ${token}`);
      for (let i = 0; i < 3; i++) expect((await get(CI_TOKEN)).status).toBe(200);
      expect((await get(CI_TOKEN)).status).toBe(429);
      expect((await get(OTHER_TOKEN)).status).toBe(200);
      // Without credentials the route is a 401, not a draw on anyone's bucket.
      await request(backend.server).get('/api/limits/guarded').expect(401);

      const auth = capture.auth!;
      const { token } = await auth.getPluginRequestToken({ onBehalfOf: await auth.getOwnServiceCredentials(), targetPluginId: 'limits' });
      for (let i = 0; i < 8; i++) expect((await get(token)).status).toBe(200);
    } finally {
      await backend.stop();
    }
  });

  it('is on by default for expensive routes, and off with backend.rateLimit false or a bucket set to false', async () => {
    /** Requests in a row until the first 429 (at most `max`): how many passed. */
    const passedBefore429 = async (config: Record<string, unknown>, max: number) => {
      const { backend } = await startTestHost(config, [limitsPlugin()]);
      try {
        for (let i = 0; i < max; i++) {
          const { status } = await request(backend.server).get('/api/limits/search');
          if (status !== 200) return { passed: i, status };
        }
        return { passed: max };
      } finally {
        await backend.stop();
      }
    };
    // Default: 20 a second, bursts of 40. Requests in a row faster than 20 a second run out after the burst.
    const byDefault = await passedBefore429({}, 400);
    expect(byDefault.status).toBe(429);
    expect(byDefault.passed).toBeGreaterThanOrEqual(40);
    expect(await passedBefore429({ backend: { rateLimit: false } }, 60)).toEqual({ passed: 60 });
    expect(await passedBefore429({ backend: { rateLimit: { routes: { expensive: false } } } }, 60)).toEqual({ passed: 60 });
  });

  it('refuses a bucket that is not { perSecond, burst }, naming the key', async () => {
    await expect(startTestHost({ backend: { rateLimit: { routes: { expensive: { perSecond: 0, burst: 3 } } } } }, [limitsPlugin()])).rejects.toThrow(
      "Invalid config at 'backend.rateLimit.routes.expensive.perSecond'",
    );
  });
});
