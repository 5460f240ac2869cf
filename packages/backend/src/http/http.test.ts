import express from 'express';
import request from 'supertest';
import { coreServices, createBackendPlugin } from '@portico/backend-plugin-api';
import { InputError, NotFoundError, ServiceUnavailableError } from '@portico/errors';
import { z } from 'zod';
import { startTestHost, type TestHost } from '../__testUtils__/testBackend';

const echoPlugin = createBackendPlugin({
  pluginId: 'echo',
  register(env) {
    env.registerInit({
      deps: { http: coreServices.httpRouter },
      async init({ http }) {
        const router = express.Router();
        router.post('/echo', (req, res) => {
          res.json({ got: req.body });
        });
        router.get('/items/:id', (req, res) => {
          if (req.params.id === 'missing') throw new NotFoundError(`No item '${req.params.id}'`);
          res.json({ id: req.params.id });
        });
        router.get('/ping', (_req, res) => void res.json({ pong: true }));
        router.get('/bad', () => {
          throw new InputError('query.limit: must be a number', { field: 'query.limit' });
        });
        router.get('/zod', () => {
          z.object({ limit: z.number() }).parse({ limit: 'x' });
        });
        router.get('/vendor-down', () => {
          throw new ServiceUnavailableError('Acme refused the API key of account default', undefined, { expose: true });
        });
        router.get('/db-down', () => {
          throw new ServiceUnavailableError('connect ECONNREFUSED db.internal:5432');
        });
        router.get('/crash', () => {
          throw new Error('database exploded');
        });
        // A whole express app mounted by a plugin (not through app.use, so it never sees the host app).
        const subApp = express();
        subApp.get('/things/:thing', (req, res) => void res.json({ thing: req.params.thing }));
        router.use('/sub', subApp);
        http.use(router);
        // This suite is about the server, not auth: the plugin opens all its routes.
        http.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
      },
    });
  },
});

describe('the HTTP server', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ backend: { http: { bodyLimit: '1kb' }, metrics: { public: true } } }, [echoPlugin]);
  });
  afterAll(() => host.backend.stop());

  it('mounts plugin routes under /api/<pluginId> with JSON bodies parsed', async () => {
    const res = await request(host.backend.server).post('/api/echo/echo').send({ hello: 'world' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ got: { hello: 'world' } });
  });

  it('answers malformed JSON with a 400 InputError', async () => {
    const res = await request(host.backend.server).post('/api/echo/echo').set('content-type', 'application/json').send('{"oops":');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ name: 'InputError', message: expect.stringContaining('Malformed JSON') });
  });

  it('answers a body over backend.http.bodyLimit with a 413', async () => {
    const res = await request(host.backend.server).post('/api/echo/echo').send({ big: 'x'.repeat(2000) });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      error: { name: 'PayloadTooLargeError', message: 'Request body is larger than the limit of 1kb', details: { limit: '1kb' }, requestId: res.headers['x-request-id'] },
    });
  });

  it('answers unknown /api routes with a JSON 404', async () => {
    const res = await request(host.backend.server).get('/api/nope/things');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { name: 'NotFoundError', message: 'No route for GET /api/nope/things', requestId: expect.any(String) } });
  });

  it('renders typed errors with their status and details', async () => {
    const missing = await request(host.backend.server).get('/api/echo/items/missing');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { name: 'NotFoundError', message: "No item 'missing'", requestId: missing.headers['x-request-id'] } });
    const bad = await request(host.backend.server).get('/api/echo/bad');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      error: { name: 'InputError', message: 'query.limit: must be a number', details: { field: 'query.limit' }, requestId: bad.headers['x-request-id'] },
    });
  });

  it('answers a malformed percent-encoding in a path parameter with a 400', async () => {
    const res = await request(host.backend.server).get('/api/echo/items/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/decode|URI/i);
  });

  it('treats a zod validation error thrown by a route as bad input, not a 500', async () => {
    const res = await request(host.backend.server).get('/api/echo/zod');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ name: 'InputError', message: expect.stringContaining('limit') });
  });

  it('answers a 500 with a generic message and the request id, and logs the details with that id', async () => {
    const res = await request(host.backend.server).get('/api/echo/crash').set('x-request-id', 'req-crash-1');
    expect(res.status).toBe(500);
    expect(res.headers['x-request-id']).toBe('req-crash-1');
    expect(res.body).toEqual({ error: { name: 'InternalServerError', message: 'Internal server error', requestId: 'req-crash-1' } });
    expect(res.text).not.toContain('database');
    const line = host.lines.find(l => l.level === 'error' && l.message.includes('/api/echo/crash'));
    expect(line?.message).toContain('database exploded');
    expect(line?.meta.requestId).toBe('req-crash-1');
    expect(line?.meta.stack).toContain('database exploded');
  });

  it('shows the message of a 503 written for the caller (expose), and hides any other', async () => {
    const vendor = await request(host.backend.server).get('/api/echo/vendor-down');
    expect(vendor.status).toBe(503);
    expect(vendor.headers['retry-after']).toBe('5');
    expect(vendor.body.error).toEqual({ name: 'ServiceUnavailableError', message: 'Acme refused the API key of account default', requestId: vendor.headers['x-request-id'] });
    const internal = await request(host.backend.server).get('/api/echo/db-down');
    expect(internal.status).toBe(503);
    expect(internal.body.error).toMatchObject({ name: 'ServiceUnavailableError', message: 'Service unavailable' });
    expect(internal.text).not.toContain('db.internal');
  });

  it('refuses a body nested deeper than the limit with a 400 naming it', async () => {
    const res = await request(host.backend.server).post('/api/echo/echo').set('content-type', 'application/json').send('['.repeat(500) + ']'.repeat(500));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ name: 'InputError', message: 'Request body is nested deeper than the limit of 64 levels', details: { maxDepth: 64 } });
  });

  it('refuses prototype keys in a body or a query with a 400 naming them', async () => {
    const body = await request(host.backend.server).post('/api/echo/echo').set('content-type', 'application/json').send('{"a":{"__proto__":{"polluted":1}}}');
    expect(body.status).toBe(400);
    expect(body.body.error).toMatchObject({ name: 'InputError', details: { path: 'a.__proto__' } });
    for (const query of ['__proto__[polluted]=1', '__proto__=x&__proto__=y', 'constructor[prototype][polluted]=1', 'a.prototype=1', '%5F_proto__=1']) {
      const res = await request(host.backend.server).get(`/api/echo/ping?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
    }
    expect((await request(host.backend.server).get('/api/echo/ping?fields=constructor&prototypes=1')).status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps serving and counting requests when Object.prototype has been polluted by someone else', async () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 'yes';
    try {
      for (let i = 0; i < 2; i++) expect((await request(host.backend.server).get('/api/echo/ping')).status).toBe(200);
      expect((await request(host.backend.server).get('/healthz')).status).toBe(200);
    } finally {
      delete proto.polluted;
    }
    const metrics = await request(host.backend.server).get('/metrics');
    expect(metrics.text).toMatch(/http_requests_total\{plugin="echo",method="GET",route="\/api\/echo\/ping",status="200"\} \d/);
    expect(metrics.text).not.toContain('polluted');
    expect(host.lines.filter(l => l.message.includes('Could not record HTTP metrics'))).toEqual([]);
  });

  it('echoes x-request-id, or generates one, and logs the request with it', async () => {
    const echoed = await request(host.backend.server).get('/healthz').set('x-request-id', 'abc-123');
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    expect(host.lines).toContainEqual(
      expect.objectContaining({ level: 'debug', message: 'GET /healthz 200', meta: expect.objectContaining({ requestId: 'abc-123' }) }),
    );
    const generated = await request(host.backend.server).get('/healthz');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves /healthz and /readyz', async () => {
    expect((await request(host.backend.server).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(host.backend.server).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', plugins: { echo: { status: 'started' } } });
  });

  it('exposes Prometheus metrics labelled by plugin and route pattern', async () => {
    await request(host.backend.server).get('/api/echo/items/42');
    await request(host.backend.server).get('/api/echo/items/43');
    const res = await request(host.backend.server).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(
      /http_requests_total\{plugin="echo",method="GET",route="\/api\/echo\/items\/:id",status="200"\} 2/,
    );
    expect(res.text).toContain('http_request_duration_seconds_bucket{le="0.005",plugin="echo",method="GET",route="/api/echo/items/:id",status="200"}');
    expect(res.text).toMatch(/http_requests_total\{plugin="echo",method="GET",route="\/api\/echo\/items\/:id",status="404"\} \d/);
    expect(res.text).toContain('process_resident_memory_bytes');
    expect(res.text).not.toContain('/api/echo/items/42');
  });

  it('labels routes of an express app a plugin mounted with their full pattern', async () => {
    expect((await request(host.backend.server).get('/api/echo/sub/things/7')).body).toEqual({ thing: '7' });
    const res = await request(host.backend.server).get('/metrics');
    expect(res.text).toMatch(/http_requests_total\{plugin="echo",method="GET",route="\/api\/echo\/sub\/things\/:thing",status="200"\} 1/);
  });
});
