/**
 * Issue 20, item 2: every route of the default backend survives a body and a query carrying `__proto__`,
 * `constructor` and `prototype`, as keys and as values. The routes are read from the express routers of a
 * running backend, so a route added later is covered without being listed here.
 */
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import type { BackendFeature } from '@portico/backend-plugin-api';
import { startTestBackend, type TestBackend } from '@portico/test-utils';
import { FakeGithub } from '../../plugins/github-backend/src/__testUtils__/FakeGithub';

interface RouteLayer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: RouteLayer[]; router?: { stack?: RouteLayer[] } };
}

interface Route {
  method: string;
  path: string;
}

/** Every method and path pattern reachable through the routers below `stack`. */
function listRoutes(stack: RouteLayer[], prefix = ''): Route[] {
  const routes: Route[] = [];
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const p of paths) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') routes.push({ method, path: `${prefix}${String(p)}` });
        }
      }
      continue;
    }
    const inner = layer.handle?.stack ?? layer.handle?.router?.stack;
    if (!inner) continue;
    const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
    routes.push(...listRoutes(inner, `${prefix}${mount}`));
  }
  return routes;
}

/** The route's path with every parameter (`:name`, `*rest`, `{optional}`) set to `value`. */
function fillPath(pattern: string, value: string): string {
  return pattern
    .replace(/[{}]/g, '')
    .replace(/[:*]\w+/g, encodeURIComponent(value))
    .replace(/\/+/g, '/');
}

/** The backend plugins of the default app-config, plus GitHub and PagerDuty (commented out there only for their credentials). */
async function defaultFeatures(): Promise<BackendFeature[]> {
  const config = parseYaml(fs.readFileSync(path.join(__dirname, '../../app-config.yaml'), 'utf8')) as { backend: { plugins: string[] } };
  const names = [...config.backend.plugins, '@portico/plugin-github-backend', '@portico/plugin-pagerduty-backend'];
  const features: BackendFeature[] = [];
  for (const name of names) {
    const loaded = (await import(name)) as { default: BackendFeature | BackendFeature[] };
    features.push(...[loaded.default].flat());
  }
  return features;
}

const HOSTILE_KEYS_BODY = '{"__proto__":{"polluted":"body"},"constructor":{"prototype":{"polluted":"body"}},"a":{"prototype":{"polluted":"body"}}}';
const HOSTILE_KEYS_QUERY = '__proto__[polluted]=query&constructor[prototype][polluted]=query&prototype=1';
const hostileValues = ['__proto__', 'constructor', 'prototype', '__proto__.polluted', 'spec.__proto__.polluted', 'constructor.prototype.polluted'];
const HOSTILE_VALUES_QUERY = [
  'filter=metadata.__proto__.polluted=x',
  'filter=kind=__proto__',
  'fields=spec.__proto__.polluted,constructor.prototype.polluted,metadata.name',
  'orderField=__proto__,asc',
  'q=__proto__',
  'entityRef=component:default/__proto__',
  'status=constructor',
  'host=prototype',
  'organization=__proto__',
].join('&');
const HOSTILE_VALUES_BODY = JSON.stringify({
  entityRef: 'component:default/__proto__',
  templateRef: 'template:default/constructor',
  type: '__proto__',
  target: 'prototype',
  name: '__proto__',
  values: { name: '__proto__', owner: 'constructor' },
  fields: ['spec.__proto__.polluted'],
  path: '__proto__.polluted',
});

function assertNotPolluted(): void {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
}

describe('every route of the default backend', () => {
  let fake: FakeGithub;
  let backend: TestBackend;
  let routes: Route[];

  beforeAll(async () => {
    fake = await new FakeGithub().start();
    backend = await startTestBackend({
      features: await defaultFeatures(),
      config: {
        integrations: { github: [{ host: 'github.com', apiBaseUrl: fake.url, token: 't', writeIntervalMs: 0 }] },
        github: { webhookSecret: 'hostile' },
        catalog: { processingInterval: 'PT1H' },
      },
    });
    const app = backend.server.listeners('request')[0] as unknown as Express;
    routes = listRoutes(app.router.stack as unknown as RouteLayer[]);
  });
  afterAll(async () => {
    await backend?.stop();
    await fake?.stop();
  });

  async function send(route: Route, url: string, body: string | undefined): Promise<request.Response> {
    const call = request(backend.server)[route.method as 'get'](url).timeout({ response: 10_000 });
    // An event stream stays open; its headers are enough to know the route answered.
    call.buffer(false).parse((res, done) => {
      const stream = res as unknown as IncomingMessage;
      let finished = false;
      const finish = () => {
        if (!finished) done(null, undefined);
        finished = true;
      };
      stream.on('data', () => stream.destroy());
      stream.on('end', finish);
      stream.on('close', finish);
    });
    if (body !== undefined) call.set('content-type', 'application/json').send(body);
    return call;
  }

  it('are found in the routers: every plugin of the default set contributes routes', () => {
    const pluginsWithRoutes = new Set(routes.map(r => /^\/api\/([^/]+)/.exec(r.path)?.[1]).filter(Boolean));
    expect([...pluginsWithRoutes].sort()).toEqual(expect.arrayContaining(['catalog', 'example', 'github', 'pagerduty', 'scaffolder', 'scorecards']));
    expect(routes.length).toBeGreaterThan(30);
  });

  it('under /api refuse prototype keys in a body and a query with a 400, and the process keeps answering', async () => {
    for (const route of routes) {
      const withBody = route.method !== 'get' && route.method !== 'head';
      const res = await send(route, `${fillPath(route.path, 'x')}?${HOSTILE_KEYS_QUERY}`, withBody ? HOSTILE_KEYS_BODY : undefined);
      // The host's own routes (/healthz, /readyz, /metrics) read no query and no body.
      const expected = route.path.startsWith('/api/') ? 400 : res.status < 500 ? res.status : 'not 5xx';
      expect({ route, status: res.status }).toEqual({ route, status: expected });
      if (withBody) {
        const bodyOnly = await send(route, fillPath(route.path, 'x'), HOSTILE_KEYS_BODY);
        expect({ route, status: bodyOnly.status }).toEqual({ route, status: 400 });
      }
      assertNotPolluted();
    }
    expect((await request(backend.server).get('/healthz')).status).toBe(200);
  });

  it('under /api refuse a body nested 100,000 levels deep with a 400 naming the limit', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    for (const route of routes.filter(r => r.path.startsWith('/api/') && r.method !== 'get' && r.method !== 'head')) {
      const res = await send(route, fillPath(route.path, 'x'), deep);
      expect({ route, status: res.status }).toEqual({ route, status: 400 });
    }
    const facts = await request(backend.server).post('/api/scorecards/facts').set('content-type', 'application/json').send(deep);
    expect(facts.body.error.message).toBe('Request body is nested deeper than the limit of 64 levels');
    expect((await request(backend.server).get('/healthz')).status).toBe(200);
  });

  it('never answer 5xx to those words as path parameters, query values and body values', async () => {
    for (const route of routes) {
      const withBody = route.method !== 'get' && route.method !== 'head';
      for (const value of route.path.includes(':') || route.path.includes('*') ? hostileValues : ['x']) {
        const res = await send(route, `${fillPath(route.path, value)}?${HOSTILE_VALUES_QUERY}`, withBody ? HOSTILE_VALUES_BODY : undefined);
        expect({ route, value, status: res.status < 500 ? 'not 5xx' : res.status }).toEqual({ route, value, status: 'not 5xx' });
        assertNotPolluted();
      }
      // Once more without the query, so routes that refuse unknown parameters still reach their handlers.
      const plain = await send(route, fillPath(route.path, '__proto__'), withBody ? HOSTILE_VALUES_BODY : undefined);
      expect({ route, status: plain.status < 500 ? 'not 5xx' : plain.status }).toEqual({ route, status: 'not 5xx' });
      assertNotPolluted();
    }
    expect((await request(backend.server).get('/healthz')).status).toBe(200);
    // The catalog keeps answering after a hostile projection (it once crashed the process on the next request).
    expect((await request(backend.server).get('/api/catalog/entities?fields=spec.__proto__.polluted')).status).toBeLessThan(500);
    expect((await request(backend.server).get('/api/catalog/entities')).status).toBe(200);
  });
});
