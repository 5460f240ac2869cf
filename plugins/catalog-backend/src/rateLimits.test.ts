import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { eventually, mockCredentials } from '@portico/test-utils';
import { catalogPlugin } from './plugin';
import { startCatalogBackend } from './__testUtils__/testCatalogBackend';

const component = (name: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: ${name} }\nspec: { type: service, lifecycle: production, owner: team-a }\n`;

describe('per-client rate limits of the catalog', () => {
  let dir: string;
  let app: Awaited<ReturnType<typeof startCatalogBackend>>;

  beforeAll(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'portico-ratelimit-')));
    fs.writeFileSync(path.join(dir, 'catalog.yaml'), [component('payments'), component('ledger')].join('---\n'));
    app = await startCatalogBackend({
      config: {
        backend: { rateLimit: { routes: { expensive: { perSecond: 0.2, burst: 2 } } } },
        catalog: { locations: [{ type: 'file', target: path.join(dir, 'catalog.yaml') }] },
      },
      features: [catalogPlugin],
      roots: [dir],
    });
    await eventually(async () => expect((await request(app.server).get('/api/catalog/entities').expect(200)).body).toHaveLength(2), 20_000);
  });

  afterAll(async () => {
    await app?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const as = (user: string) => mockCredentials.user(`user:default/${user}`).header();

  it('limits full-text search per user, with 429 and Retry-After, and not another user', async () => {
    const search = (user: string) => request(app.server).get('/api/catalog/search?term=payments').set('authorization', as(user));
    expect((await search('ada')).status).toBe(200);
    expect((await search('ada')).status).toBe(200);
    const limited = await search('ada');
    expect(limited.status).toBe(429);
    // The next token is at most 5 s away (one every 5 s).
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(5);
    expect(limited.body.error.message).toMatch(/^Too many requests to GET \/api\/catalog\/search: this client may make 0.2 a second \(bursts of 2\)/);
    expect((await search('bob')).status).toBe(200);
  });

  it('limits by-query only with a full-text term or a limit above 1,000', async () => {
    const query = (qs: string) => request(app.server).get(`/api/catalog/entities/by-query?${qs}`).set('authorization', as('carol'));
    for (let i = 0; i < 6; i++) expect((await query('filter=kind=component&limit=100')).status).toBe(200);
    expect((await query('fullTextFilterTerm=pay')).status).toBe(200);
    expect((await query('limit=5000')).status).toBe(200);
    expect((await query('limit=5000')).status).toBe(429);
    expect((await query('filter=kind=component&limit=100')).status).toBe(200);
  });

  it('limits refresh per user', async () => {
    const refresh = () =>
      request(app.server).post('/api/catalog/refresh').set('authorization', as('dave')).set('content-type', 'application/json').send({ entityRef: 'component:default/payments' });
    expect((await refresh()).status).toBe(200);
    expect((await refresh()).status).toBe(200);
    expect((await refresh()).status).toBe(429);
    // Reads by name stay open.
    await request(app.server).get('/api/catalog/entities/by-name/component/default/payments').set('authorization', as('dave')).expect(200);
  });
});
