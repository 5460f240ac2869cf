import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { ResponseError } from '@portico/errors';
import { CatalogClient } from './CatalogClient';
import { CATALOG_FILTER_EXISTS } from './types';

interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

type Reply = { status?: number; body?: unknown };

const entity = (kind: string, name: string) => ({ apiVersion: 'backstage.io/v1alpha1', kind, metadata: { name, namespace: 'default' } });

let server: http.Server;
let baseUrl: string;
let requests: Recorded[];
let reply: (req: Recorded) => Reply;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', chunk => (raw += chunk));
    req.on('end', () => {
      const recorded: Recorded = { method: req.method!, url: req.url!, headers: req.headers, body: raw ? JSON.parse(raw) : undefined };
      requests.push(recorded);
      const { status = 200, body } = reply(recorded);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/catalog`;
});

afterAll(async () => {
  await new Promise(resolve => server.close(resolve));
});

beforeEach(() => {
  requests = [];
  reply = () => ({ body: [] });
});

function client() {
  return new CatalogClient({ discoveryApi: { getBaseUrl: async id => `${baseUrl.replace('catalog', id)}/` } });
}

function lastQuery(): URLSearchParams {
  return new URL(requests.at(-1)!.url, 'http://x').searchParams;
}

describe('CatalogClient', () => {
  it('sends Backstage-style filters: keys ANDed with commas, arrays repeated, objects as separate filter params', async () => {
    reply = () => ({ body: [entity('Component', 'b'), entity('API', 'a')] });
    const result = await client().getEntities({
      filter: [{ kind: 'component', 'spec.type': ['service', 'website'] }, { kind: 'api', 'metadata.annotations.x': CATALOG_FILTER_EXISTS }],
      fields: ['kind', 'metadata.name'],
      limit: 10,
      offset: 5,
    });
    expect(requests[0]!.method).toBe('GET');
    expect(requests[0]!.url.startsWith('/api/catalog/entities?')).toBe(true);
    const q = lastQuery();
    expect(q.getAll('filter')).toEqual(['kind=component,spec.type=service,spec.type=website', 'kind=api,metadata.annotations.x']);
    expect(q.get('fields')).toBe('kind,metadata.name');
    expect(q.get('limit')).toBe('10');
    expect(q.get('offset')).toBe('5');
    // Without an order, items come back sorted by ref, as Backstage's client does.
    expect(result.items.map(e => e.metadata.name)).toEqual(['a', 'b']);
  });

  it('sorts by ref as a comparison of each pair of entities would, those without kind or name comparing equal to any', async () => {
    const items = [
      entity('Component', 'b'),
      { kind: 'Component', metadata: {} },
      entity('API', 'z'),
      { ...entity('Component', 'a'), metadata: { name: 'a', namespace: 'team' } },
      entity('component', 'c'),
      { metadata: { name: 'x' } },
      entity('API', 'a'),
      entity('Group', 'a'),
    ];
    reply = () => ({ body: items });
    // the comparison the client made before: both refs built for every pair
    const ref = (e: (typeof items)[number]) => stringifyEntityRef(e as Entity);
    const pairwise = [...items].sort((a, b) => {
      if (!a.kind || !a.metadata?.name || !b.kind || !b.metadata?.name) return 0;
      return ref(a) < ref(b) ? -1 : ref(a) > ref(b) ? 1 : 0;
    });
    const result = await client().getEntities({ fields: ['kind', 'metadata'] });
    expect(result.items).toEqual(pairwise);
  });

  it('sends order directives and keeps the server order then', async () => {
    reply = () => ({ body: [entity('Component', 'b'), entity('Component', 'a')] });
    const result = await client().getEntities({ order: [{ field: 'metadata.name', order: 'desc' }, { field: 'kind', order: 'asc' }], after: 'c1' });
    expect(lastQuery().getAll('order')).toEqual(['desc:metadata.name', 'asc:kind']);
    expect(lastQuery().get('after')).toBe('c1');
    expect(result.items.map(e => e.metadata.name)).toEqual(['b', 'a']);
  });

  it('encodes filter values with reserved characters', async () => {
    await client().getEntities({ filter: { 'metadata.name': 'a&b=c' } });
    expect(requests[0]!.url).toBe('/api/catalog/entities?filter=metadata.name%3Da%26b%3Dc');
    expect(lastQuery().get('filter')).toBe('metadata.name=a&b=c');
  });

  it('queries by query with order fields and full-text filter, then by cursor', async () => {
    reply = () => ({ body: { items: [entity('Component', 'a')], totalItems: 3, pageInfo: { nextCursor: 'n1' } } });
    const page = await client().queryEntities({
      filter: { kind: 'component' },
      orderFields: { field: 'metadata.name', order: 'asc' },
      fullTextFilter: { term: '  pay ', fields: ['metadata.name', 'spec.owner'] },
      limit: 1,
      fields: ['metadata'],
    });
    expect(page).toEqual({ items: [entity('Component', 'a')], totalItems: 3, pageInfo: { nextCursor: 'n1' } });
    let q = lastQuery();
    expect(requests[0]!.url.startsWith('/api/catalog/entities/by-query?')).toBe(true);
    expect(q.get('filter')).toBe('kind=component');
    expect(q.get('orderField')).toBe('metadata.name,asc');
    expect(q.get('fullTextFilterTerm')).toBe('pay');
    expect(q.get('fullTextFilterFields')).toBe('metadata.name,spec.owner');
    expect(q.get('limit')).toBe('1');
    await client().queryEntities({ cursor: page.pageInfo.nextCursor!, limit: 1 });
    q = lastQuery();
    expect([...q.keys()].sort()).toEqual(['cursor', 'limit']);
    expect(q.get('cursor')).toBe('n1');
  });

  it('posts refs to by-refs and keeps nulls for missing entities', async () => {
    reply = () => ({ body: { items: [entity('Component', 'a'), null] } });
    const result = await client().getEntitiesByRefs({ entityRefs: ['component:default/a', 'component:default/missing'], fields: ['kind'] });
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/api/catalog/entities/by-refs', body: { entityRefs: ['component:default/a', 'component:default/missing'], fields: ['kind'] } });
    expect(requests[0]!.headers['content-type']).toBe('application/json');
    expect(result.items).toEqual([entity('Component', 'a'), null]);
  });

  it('gets an entity by ref, and undefined on 404', async () => {
    reply = req => (req.url.includes('/missing') ? { status: 404, body: { error: { name: 'NotFoundError', message: 'nope' } } } : { body: entity('Component', 'a b') });
    expect(await client().getEntityByRef('component:default/a b')).toEqual(entity('Component', 'a b'));
    expect(requests[0]!.url).toBe('/api/catalog/entities/by-name/component/default/a%20b');
    expect(await client().getEntityByRef({ kind: 'component', namespace: 'default', name: 'missing' })).toBeUndefined();
    await expect(client().getEntityByRef('no-kind')).rejects.toThrow('had missing or empty kind');
  });

  it('turns error responses into ResponseError with the server message', async () => {
    reply = () => ({ status: 400, body: { error: { name: 'InputError', message: 'filter: bad' } } });
    const error = await client().getEntities().catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.message).toBe('InputError: filter: bad');
    expect(error.statusCode).toBe(400);
  });

  it('sends the token as a bearer header', async () => {
    await client().getEntities({}, { token: 't0k' });
    expect(requests[0]!.headers.authorization).toBe('Bearer t0k');
  });

  it('asks for the encoding it was given, and otherwise leaves the runtime its own', async () => {
    await client().getEntities({});
    expect(requests[0]!.headers['accept-encoding']).not.toBe('identity');
    const plain = new CatalogClient({ discoveryApi: { getBaseUrl: async id => `${baseUrl.replace('catalog', id)}/` }, acceptEncoding: 'identity' });
    await plain.getEntityByRef('component:default/a').catch(() => undefined);
    expect(requests[1]!.headers['accept-encoding']).toBe('identity');
  });

  it('reads ancestors, facets, history, search and errors', async () => {
    reply = () => ({ body: { ok: true } });
    const c = client();
    await c.getEntityAncestors({ entityRef: 'component:default/a' });
    await c.getEntityFacets({ facets: ['kind', 'spec.type'], filter: { kind: 'component' } });
    await c.getEntityHistory('component:default/a', { limit: 5 });
    await c.searchEntities({ term: 'pay ments', limit: 3, kind: ['component', 'api'] });
    await c.getEntityErrors({ locationKey: 'file:/x.yaml' });
    expect(requests.map(r => `${r.method} ${r.url}`)).toEqual([
      'GET /api/catalog/entities/by-name/component/default/a/ancestry',
      'GET /api/catalog/entity-facets?filter=kind%3Dcomponent&facet=kind&facet=spec.type',
      'GET /api/catalog/entities/by-name/component/default/a/history?limit=5',
      'GET /api/catalog/search?term=pay%20ments&limit=3&kind=component&kind=api',
      'GET /api/catalog/entities/errors?locationKey=file%3A%2Fx.yaml',
    ]);
  });

  it('manages locations', async () => {
    const location = { id: 'l1', type: 'url', target: 'https://x/catalog-info.yaml' };
    const problem = { entityRef: 'component:default/b', locationKey: 'url:https://x/catalog-info.yaml', reason: 'validation', message: 'spec.owner: required', file: 'https://x/catalog-info.yaml', line: 12, field: 'spec.owner', source: 'spec:' };
    reply = req => {
      if (req.method === 'POST') return { status: 201, body: { location, entities: [entity('Component', 'a')], errors: [problem] } };
      if (req.url === '/api/catalog/locations') return { body: [{ data: location }] };
      if (req.url === '/api/catalog/locations/by-entity/component/default/a') return { body: location };
      if (req.url === '/api/catalog/locations/l1') return req.method === 'GET' ? { body: location } : { status: 204 };
      return { status: 404, body: { error: { name: 'NotFoundError', message: 'no' } } };
    };
    const c = client();
    const added = await c.addLocation({ target: location.target, dryRun: true });
    // the problems a dry run found reach the register page
    expect(added).toEqual({ location, entities: [entity('Component', 'a')], errors: [problem] });
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/api/catalog/locations?dryRun=true', body: { type: 'url', target: location.target } });
    expect(await c.getLocations()).toEqual({ items: [location] });
    expect(await c.getLocationById('l1')).toEqual(location);
    expect(await c.getLocationById('l2')).toBeUndefined();
    expect(await c.getLocationByRef('url:https://x/catalog-info.yaml')).toEqual(location);
    expect(await c.getLocationByRef('url:https://y')).toBeUndefined();
    expect(await c.getLocationByEntity('component:default/a')).toEqual(location);
    expect(await c.getLocationByEntity({ kind: 'component', namespace: 'default', name: 'b' })).toBeUndefined();
    await c.removeLocationById('l1');
    expect(requests.at(-1)).toMatchObject({ method: 'DELETE', url: '/api/catalog/locations/l1' });
  });

  it('refreshes and removes entities', async () => {
    reply = () => ({ status: 204 });
    await client().refreshEntity('component:default/a');
    await client().removeEntityByUid('u/1');
    expect(requests.map(r => [r.method, r.url, r.body])).toEqual([
      ['POST', '/api/catalog/refresh', { entityRef: 'component:default/a' }],
      ['DELETE', '/api/catalog/entities/by-uid/u%2F1', undefined],
    ]);
  });

  it('validates an entity: valid on 2xx, the errors on 400, throws otherwise', async () => {
    const c = client();
    reply = () => ({ status: 200, body: {} });
    expect(await c.validateEntity(entity('Component', 'a'), 'url:https://x')).toEqual({ valid: true });
    expect(requests[0]!.body).toEqual({ entity: entity('Component', 'a'), location: 'url:https://x' });
    reply = () => ({ status: 400, body: { errors: [{ name: 'InputError', message: 'spec.owner: is required' }] } });
    expect(await c.validateEntity(entity('Component', 'a'), 'url:https://x')).toEqual({ valid: false, errors: [{ name: 'InputError', message: 'spec.owner: is required' }] });
    reply = () => ({ status: 500, body: { error: { name: 'Error', message: 'boom' } } });
    await expect(c.validateEntity(entity('Component', 'a'), 'url:https://x')).rejects.toBeInstanceOf(ResponseError);
  });

  it('uses the fetch it is given', async () => {
    const seen: string[] = [];
    const fetchApi = { fetch: (async (input: RequestInfo | URL, init?: RequestInit) => { seen.push(String(input)); return fetch(input, init); }) as typeof fetch };
    await new CatalogClient({ discoveryApi: { getBaseUrl: async () => baseUrl }, fetchApi }).getEntities();
    expect(seen).toEqual([`${baseUrl}/entities`]);
  });
});
