import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { CatalogClient } from '@backstage/catalog-client';
import { builtinKinds, type Entity } from '@portico/catalog-model';
import { createTestEntityProvider } from '@portico/plugin-catalog-node/testing';
import { describeEachDatabase, eventually } from '@portico/test-utils';
import { CatalogStore } from './database/CatalogStore';
import { catalogMigrations } from './database/migrations';
import { catalogPlugin } from './plugin';
import { EntityQueries } from './service/EntityQueries';
import { IngestionService } from './service/IngestionService';
import { KindRegistry } from './service/KindRegistry';
import { component, group } from './__testUtils__/entities';
import { startCatalogBackend } from './__testUtils__/testCatalogBackend';

const location = (name: string, targets: string[]) => `
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: { name: ${name} }
spec: { targets: ${JSON.stringify(targets)} }
`;
const componentDoc = (name: string) => `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: ${name} }
spec: { type: service, lifecycle: production, owner: team-a }
`;
const docs = (...d: string[]) => d.join('---\n');

type Ancestry = { rootEntityRef: string; items: Array<{ entity: Entity; parentEntityRefs: string[] }> };
/** Each item as `ref <- parents`, in the order served. */
const chain = (a: Ancestry) => a.items.map(i => {
  const ref = `${i.entity.kind.toLowerCase()}:default/${i.entity.metadata.name}`;
  return i.parentEntityRefs.length ? `${ref} <- ${i.parentEntityRefs.join(' ')}` : ref;
});

describeEachDatabase('entity ancestry', db => {
  let dir: string;
  let app: Awaited<ReturnType<typeof startCatalogBackend>>;
  let client: CatalogClient;

  const provider = createTestEntityProvider({ name: 'test-provider' });

  beforeAll(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'portico-ancestry-')));
    for (const sub of ['teams', 'apps', 'deep', 'cycle']) fs.mkdirSync(path.join(dir, sub));
    // all.yaml -> teams/team.yaml and "apps/my apps.yaml"; team.yaml -> "apps/my apps.yaml" too (two parents,
    // written differently); "my apps.yaml" -> deep/last.yaml by absolute path
    fs.writeFileSync(path.join(dir, 'all.yaml'), docs(
      'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: team-a }\nspec: { type: team, children: [] }\n',
      componentDoc('top'),
      location('everything', ['./teams/team.yaml', './apps/my%20apps.yaml']),
    ));
    fs.writeFileSync(path.join(dir, 'teams', 'team.yaml'), docs(componentDoc('team-thing'), location('team-loc', ['../apps/./my apps.yaml'])));
    fs.writeFileSync(path.join(dir, 'apps', 'my apps.yaml'), docs(componentDoc('shop'), location('deeper', [path.join(dir, 'deep', 'last.yaml')])));
    fs.writeFileSync(path.join(dir, 'deep', 'last.yaml'), componentDoc('leaf'));
    // a cycle: a.yaml -> b.yaml -> a.yaml
    fs.writeFileSync(path.join(dir, 'cycle', 'a.yaml'), location('cycle-a', ['./b.yaml']));
    fs.writeFileSync(path.join(dir, 'cycle', 'b.yaml'), docs(componentDoc('cyclic'), location('cycle-b', ['a.yaml'])));
    app = await startCatalogBackend({
      config: {
        backend: { database: db.config },
        catalog: { locations: [{ type: 'file', target: path.join(dir, 'all.yaml') }, { type: 'file', target: path.join(dir, 'cycle', 'a.yaml') }] },
      },
      features: [catalogPlugin, provider.module],
      roots: [dir],
    });
    client = new CatalogClient({ discoveryApi: { getBaseUrl: async () => `${app.url}/api/catalog` } });
    await eventually(async () => {
      for (const name of ['leaf', 'cyclic']) await request(app.server).get(`/api/catalog/entities/by-name/component/default/${name}`).expect(200);
    });
  });

  afterAll(async () => {
    await app?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('goes from the entity up through the Location entities that pulled its file in, as Backstage serves it', async () => {
    const ancestry = await client.getEntityAncestors({ entityRef: 'component:default/leaf' });
    expect(ancestry.rootEntityRef).toBe('component:default/leaf');
    expect(chain(ancestry)).toEqual([
      'component:default/leaf <- location:default/deeper',
      'location:default/deeper <- location:default/everything location:default/team-loc',
      'location:default/team-loc <- location:default/everything',
      'location:default/everything',
    ]);
    // entities are served in full: uid, etag, the location annotations and relations
    const [leaf, deeper] = ancestry.items.map(i => i.entity);
    expect(leaf.metadata).toMatchObject({ uid: expect.any(String), etag: expect.any(String) });
    expect(leaf.metadata.annotations?.['backstage.io/managed-by-location']).toBe(`file:${path.join(dir, 'deep', 'last.yaml')}`);
    expect(leaf.relations).toEqual([{ type: 'ownedBy', targetRef: 'group:default/team-a' }]);
    expect(deeper.metadata.annotations?.['backstage.io/managed-by-location']).toBe(`file:${path.join(dir, 'apps', 'my apps.yaml')}`);
  });

  it('gives entities of the root file, and the root Location itself, no parents', async () => {
    expect(chain(await client.getEntityAncestors({ entityRef: 'component:default/top' }))).toEqual(['component:default/top']);
    expect(chain(await client.getEntityAncestors({ entityRef: 'location:default/everything' }))).toEqual(['location:default/everything']);
    expect(chain(await client.getEntityAncestors({ entityRef: 'component:default/team-thing' }))).toEqual([
      'component:default/team-thing <- location:default/everything',
      'location:default/everything',
    ]);
  });

  it('lists each entity once when Locations point at each other', async () => {
    expect(chain(await client.getEntityAncestors({ entityRef: 'component:default/cyclic' }))).toEqual([
      'component:default/cyclic <- location:default/cycle-a',
      'location:default/cycle-a <- location:default/cycle-b',
      'location:default/cycle-b <- location:default/cycle-a',
    ]);
  });

  it('gives a provider-emitted entity (no location annotation) just itself, and 404s a missing one', async () => {
    await provider.connection.applyMutation({ type: 'full', entities: [{ entity: component('emitted'), locationKey: 'test' }] });
    await eventually(async () => {
      await request(app.server).get('/api/catalog/entities/by-name/component/default/emitted').expect(200);
    });
    const ancestry = await client.getEntityAncestors({ entityRef: 'Component:default/emitted' });
    expect(ancestry.rootEntityRef).toBe('component:default/emitted');
    expect(chain(ancestry)).toEqual(['component:default/emitted']);
    const missing = await request(app.server).get('/api/catalog/entities/by-name/component/default/missing/ancestry').expect(404);
    expect(missing.body.error.message).toContain('component:default/missing');
    await expect(client.getEntityAncestors({ entityRef: 'component:default/missing' })).rejects.toThrow(/404|not found/i);
  });

  it('documents the response shape in the OpenAPI document', async () => {
    const doc = await request(app.server).get('/api/catalog/openapi.json').expect(200);
    const schema = doc.body.paths['/entities/by-name/{kind}/{namespace}/{name}/ancestry'].get.responses[200].content['application/json'].schema;
    expect(schema.required).toEqual(['rootEntityRef', 'items']);
    expect(schema.properties.items.items.required).toEqual(['entity', 'parentEntityRefs']);
  });
});

describeEachDatabase('entity ancestry with an integration resolving targets', db => {
  it('resolves each Location target against its own file with the resolver given (here: GitHub-like, "/" is the repository root)', async () => {
    for (const m of catalogMigrations) await m.up(db.knex);
    const kinds = new KindRegistry();
    for (const kind of builtinKinds) kinds.add(kind);
    const store = new CatalogStore(db.knex);
    const ingestion = new IngestionService({ store, kinds });
    const repo = 'https://github.com/acme/catalog/blob/main';
    const at = (file: string, entity: Entity) => ({
      locationKey: `url:${repo}/${file}`,
      entity: { ...entity, metadata: { ...entity.metadata, annotations: { 'backstage.io/managed-by-location': `url:${repo}/${file}`, 'backstage.io/managed-by-origin-location': `url:${repo}/all.yaml` } } },
    });
    const loc = (name: string, targets: string[]): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name }, spec: { targets } });
    await ingestion.applyMutation('p', {
      type: 'full',
      entities: [
        at('all.yaml', loc('root', ['/teams/a.yaml'])),
        at('teams/a.yaml', group('team-a')),
        at('teams/a.yaml', loc('to-b', ['/b.yaml'])),
        at('b.yaml', component('b')),
      ],
    });
    const githubLike = {
      resolve: (base: string, url: string) => (url.startsWith('/') ? `${repo}${url}` : new URL(url, base).toString()),
    };
    const ancestry = await new EntityQueries(store, githubLike).ancestry('group:default/team-a');
    expect(ancestry.items.map(i => [i.entity.metadata?.name, i.parentEntityRefs])).toEqual([
      ['team-a', ['location:default/root']],
      ['root', []],
    ]);
    // without the integration, "/b.yaml" would be https://github.com/b.yaml: no parent found
    expect((await new EntityQueries(store).ancestry('component:default/b')).items.map(i => i.parentEntityRefs)).toEqual([[]]);
    expect((await new EntityQueries(store, githubLike).ancestry('component:default/b')).items.map(i => i.parentEntityRefs)).toEqual([
      ['location:default/to-b'], ['location:default/root'], [],
    ]);
  });
});
