import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, isPgReachable } from '@portico/test-utils';
import { startInstance, waitFor, type PorticoInstance } from './porticoInstance';

jest.setTimeout(180_000);

if (!isPgReachable()) throw new Error('these tests start several instances on PostgreSQL, which is unreachable');

describe('locations across two instances on one PostgreSQL database', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let a: PorticoInstance;
  let b: PorticoInstance;
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-locations-'));
  const file = path.join(repo, 'catalog-info.yaml');

  beforeAll(async () => {
    fs.writeFileSync(
      file,
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: registered-on-a\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n',
    );
    db = await createTestDatabase('pg');
    const config = { integrations: { file: { roots: [repo] } } };
    [a, b] = await Promise.all([startInstance({ database: db.config, config }), startInstance({ database: db.config, config })]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.destroy();
    fs.rmSync(repo, { recursive: true, force: true });
  });

  it('counts and facets on B follow a write on A (B read and cached them before)', async () => {
    const total = async (i: PorticoInstance) => (await i.call('GET', '/api/catalog/entities/by-query?limit=1&filter=kind=component')).body.totalItems as number;
    const kinds = async (i: PorticoInstance) => (await i.call('GET', '/api/catalog/entity-facets?facet=kind')).body.facets.kind as Array<{ value: string; count: number }>;
    const components = async (i: PorticoInstance) => (await kinds(i)).find(f => f.value === 'Component')?.count ?? 0;
    const before = { total: await total(b), facet: await components(b) };
    // twice: the second answer comes from B's cache
    expect({ total: await total(b), facet: await components(b) }).toEqual(before);

    const other = path.join(repo, 'more.yaml');
    fs.writeFileSync(
      other,
      ['x1', 'x2', 'x3']
        .map(name => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`)
        .join('---\n'),
    );
    const added = await a.call('POST', '/api/catalog/locations', { type: 'file', target: other });
    expect(added.status).toBe(201);
    expect({ total: await total(a), facet: await components(a) }).toEqual({ total: before.total + 3, facet: before.facet + 3 });
    await waitFor('B to count the new entities', async () => (await total(b)) === before.total + 3, 10_000);
    await waitFor('B to facet the new entities', async () => (await components(b)) === before.facet + 3, 10_000);
  });

  it('lists on B, and answers by id on B, a location registered on A; removed on B, it is gone on A', async () => {
    const before = await b.call('GET', '/api/catalog/locations');
    expect(before.status).toBe(200);

    const added = await a.call('POST', '/api/catalog/locations', { type: 'file', target: file });
    expect(added.status).toBe(201);
    const id: string = added.body.location.id;

    const listed = await b.call('GET', '/api/catalog/locations');
    expect(listed.body).toContainEqual({ data: { id, type: 'file', target: file } });
    const one = await b.call('GET', `/api/catalog/locations/${id}`);
    expect(one).toMatchObject({ status: 200, body: { id, type: 'file', target: file, origin: 'api' } });
    // and B knows it registered: a second registration there is a conflict, not a duplicate
    expect((await b.call('POST', '/api/catalog/locations', { type: 'file', target: file })).status).toBe(409);
    // the entity it read is B's to answer too
    await waitFor('the entity on B', async () => (await b.call('GET', '/api/catalog/entities/by-name/component/default/registered-on-a')).status === 200);

    expect((await b.call('DELETE', `/api/catalog/locations/${id}`)).status).toBe(204);
    expect((await a.call('GET', `/api/catalog/locations/${id}`)).status).toBe(404);
    expect((await a.call('GET', '/api/catalog/locations')).body).not.toContainEqual({ data: { id, type: 'file', target: file } });
    expect((await a.call('GET', '/api/catalog/entities/by-name/component/default/registered-on-a')).status).toBe(404);
  });
});
