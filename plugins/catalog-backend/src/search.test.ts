import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { describeEachDatabase, eventually } from '@portico/test-utils';
import { catalogPlugin } from './plugin';
import { startCatalogBackend } from './__testUtils__/testCatalogBackend';

const component = (name: string, title: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: ${name}, title: "${title}" }\nspec: { type: service, lifecycle: production, owner: team-a }\n`;

describeEachDatabase('full-text search', db => {
  let dir: string;
  let app: Awaited<ReturnType<typeof startCatalogBackend>>;

  beforeAll(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'portico-search-')));
    fs.writeFileSync(path.join(dir, 'catalog.yaml'), [
      component('component-5249', 'Ledger v1.2'),
      component('component-52490', 'Ledger archive'),
      component('cafe-menu', 'Café Menü'),
      component('payments', 'Payments-API gateway_v2'),
    ].join('---\n'));
    app = await startCatalogBackend({
      config: { backend: { database: db.config }, catalog: { locations: [{ type: 'file', target: path.join(dir, 'catalog.yaml') }] } },
      features: [catalogPlugin],
      roots: [dir],
    });
    await eventually(async () => {
      const res = await request(app.server).get('/api/catalog/entities').expect(200);
      expect(res.body).toHaveLength(4);
    }, 20_000);
  });

  afterAll(async () => {
    await app?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const found = async (term: string) => {
    const res = await request(app.server).get(`/api/catalog/search?term=${encodeURIComponent(term)}`).expect(200);
    return (res.body.items as Array<{ entityRef: string }>).map(i => i.entityRef.replace('component:default/', '')).sort();
  };

  it.each([
    ['component-5249', ['component-5249', 'component-52490']],
    ['5249', ['component-5249', 'component-52490']],
    ['component 52490', ['component-52490']],
    ['COMPONENT-5249 v1.2', ['component-5249']],
    ['v1', ['component-5249']],
    ['cafe', ['cafe-menu']],
    ['Café menü', ['cafe-menu']],
    ['api gateway v2', ['payments']],
    ['gateway_v2', ['payments']],
    ['-', []],
  ])('finds %j the same way on every engine', async (term, expected) => {
    expect(await found(term)).toEqual(expected);
  });
});
