import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { CatalogClient } from '@backstage/catalog-client';
import { coreServices, createBackendModule, type EventParams } from '@portico/backend-plugin-api';
import { describeEachDatabase, eventually } from '@portico/test-utils';
import { catalogPlugin } from './plugin';
import { startCatalogBackend } from './__testUtils__/testCatalogBackend';

const ORG = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-a, title: Team A }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-service
  title: Payments Service
  description: Takes card payments and refunds
  tags: [java, payments]
spec:
  type: service
  lifecycle: production
  owner: team-a
  providesApis: [payments-api]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: web-shop, description: The shop front }
spec:
  type: website
  lifecycle: experimental
  owner: group:default/team-a
  dependsOn: [component:payments-service]
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: { name: payments-api }
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition:
    $text: ./payments-api.yaml
---
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: { name: more }
spec:
  targets: [./more/second.yaml]
`;
const SECOND = `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: ledger }
spec: { type: library, lifecycle: production, owner: team-a }
---
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: { name: back-to-org }
spec: { target: ../org.yaml }
`;
const BROKEN = `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: broken-one
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: "Not A Valid Name!" }
spec: { type: service, lifecycle: production, owner: team-a }
---
- just
- a list
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: leaky }
spec:
  type: service
  lifecycle: production
  owner: team-a
  notes: { $text: ../outside.txt }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: too-deep }
spec: { type: service, lifecycle: production, owner: team-a, x: ${'{a: '.repeat(40)}1${'}'.repeat(40)} }
---
apiVersion: backstage.io/v1alpha1
kind: Spaceship
metadata: { name: enterprise }
`;

describeEachDatabase('catalog API', db => {
  let dir: string;
  let root: string;
  let app: Awaited<ReturnType<typeof startCatalogBackend>>;
  const events: EventParams[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-catalog-'));
    root = path.join(dir, 'root');
    fs.mkdirSync(path.join(root, 'more'), { recursive: true });
    fs.writeFileSync(path.join(root, 'org.yaml'), ORG);
    fs.writeFileSync(path.join(root, 'payments-api.yaml'), 'openapi: 3.0.0\ninfo: { title: Payments, version: 1.0.0 }\n');
    fs.writeFileSync(path.join(root, 'more', 'second.yaml'), SECOND);
    fs.writeFileSync(path.join(root, 'broken.yaml'), BROKEN);
    fs.writeFileSync(path.join(dir, 'outside.txt'), 'secret');
    fs.writeFileSync(path.join(root, 'huge.yaml'), `# ${'x'.repeat(300_000)}\n`);
    fs.writeFileSync(path.join(dir, 'outside.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: outsiders }\nspec: { type: team, children: [] }\n');
    const listener = createBackendModule({
      pluginId: 'catalog',
      moduleId: 'test-events',
      register(env) {
        env.registerInit({
          deps: { events: coreServices.events },
          async init({ events: bus }) {
            await bus.subscribe({ id: 'test', topics: ['catalog.entities.changed'], onEvent: e => { events.push(e); } });
          },
        });
      },
    });
    app = await startCatalogBackend({
      config: {
        backend: { database: db.config },
        catalog: {
          locations: [
            { type: 'file', target: path.join(root, 'org.yaml') },
            { type: 'file', target: path.join(root, 'broken.yaml') },
            { type: 'file', target: path.join(root, 'huge.yaml') },
          ],
          maxFileBytes: 200_000,
        },
      },
      features: [catalogPlugin, listener],
      roots: [root],
    });
    await eventually(async () => {
      const res = await request(app.server).get('/api/catalog/entities/by-name/component/default/ledger');
      expect(res.status).toBe(200);
    });
  });

  afterAll(async () => {
    await app?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const api = () => request(app.server);

  it('serves entities as authored plus uid, etag and relations in both directions', async () => {
    const res = await api().get('/api/catalog/entities/by-name/Component/default/web-shop').expect(200);
    expect(res.body.spec.owner).toBe('group:default/team-a');
    expect(res.body.spec.dependsOn).toEqual(['component:payments-service']);
    expect(res.body.metadata).toMatchObject({ name: 'web-shop', namespace: 'default', uid: expect.any(String), etag: expect.any(String) });
    expect(res.body.metadata.annotations['backstage.io/managed-by-location']).toBe(`file:${path.join(root, 'org.yaml')}`);
    expect(res.body.relations).toEqual(expect.arrayContaining([
      { type: 'ownedBy', targetRef: 'group:default/team-a' },
      { type: 'dependsOn', targetRef: 'component:default/payments-service' },
    ]));
    const team = await api().get('/api/catalog/entities/by-name/group/default/team-a').expect(200);
    expect(team.body.relations.map((r: { type: string; targetRef: string }) => `${r.type} ${r.targetRef}`).sort()).toEqual([
      'ownerOf api:default/payments-api',
      'ownerOf component:default/ledger',
      'ownerOf component:default/payments-service',
      'ownerOf component:default/web-shop',
    ]);
    const byUid = await api().get(`/api/catalog/entities/by-uid/${res.body.metadata.uid}`).expect(200);
    expect(byUid.body.metadata.name).toBe('web-shop');
  });

  it('resolves $text relative to its file and follows Location targets without looping', async () => {
    const apiEntity = await api().get('/api/catalog/entities/by-name/api/default/payments-api').expect(200);
    expect(apiEntity.body.spec.definition).toContain('openapi: 3.0.0');
    const locations = await api().get('/api/catalog/entities?filter=kind=location').expect(200);
    expect(locations.body.map((e: { metadata: { name: string } }) => e.metadata.name).sort()).toEqual(['back-to-org', 'more']);
  });

  it('filters as Backstage does: AND within, OR across, IN for repeated keys, exists, case-insensitive, relations', async () => {
    const names = (res: request.Response) => res.body.map((e: { metadata: { name: string } }) => e.metadata.name).sort();
    expect(names(await api().get('/api/catalog/entities?filter=kind=Component,spec.type=SERVICE').expect(200))).toEqual(['payments-service']);
    expect(names(await api().get('/api/catalog/entities?filter=kind=component,spec.type=service,spec.type=website').expect(200))).toEqual(['payments-service', 'web-shop']);
    expect(names(await api().get('/api/catalog/entities?filter=kind=api&filter=spec.type=library').expect(200))).toEqual(['ledger', 'payments-api']);
    expect(names(await api().get('/api/catalog/entities?filter=kind=component,spec.dependsOn').expect(200))).toEqual(['web-shop']);
    expect(names(await api().get('/api/catalog/entities?filter=kind=component,metadata.tags=payments').expect(200))).toEqual(['payments-service']);
    expect(names(await api().get(`/api/catalog/entities?filter=${encodeURIComponent('relations.dependencyOf=component:default/web-shop')}`).expect(200))).toEqual(['payments-service']);
    const fields = await api().get('/api/catalog/entities?filter=kind=group&fields=kind,metadata.name').expect(200);
    expect(fields.body).toEqual([{ kind: 'Group', metadata: { name: 'team-a' } }]);
    const whole = await api().get('/api/catalog/entities?filter=kind=group').expect(200);
    expect(whole.body[0].relations.length).toBeGreaterThan(0);
    const withRelations = await api().get('/api/catalog/entities/by-query?filter=kind=group&fields=kind,metadata.name,relations').expect(200);
    expect(withRelations.body.items).toEqual([{ kind: 'Group', metadata: { name: 'team-a' }, relations: whole.body[0].relations }]);
    const onlyRelations = await api().get('/api/catalog/entities/by-query?filter=kind=group&fields=relations').expect(200);
    expect(onlyRelations.body.items).toEqual([{ relations: whole.body[0].relations }]);
    const ordered = await api().get('/api/catalog/entities?filter=kind=component&order=desc:metadata.name&limit=2').expect(200);
    expect(ordered.body.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['web-shop', 'payments-service']);
    expect(ordered.headers.link).toContain('rel="next"');
  });

  it('pages by-query with cursors both ways and counts totalItems', async () => {
    const first = await api().get('/api/catalog/entities/by-query?filter=kind=component&limit=2&orderField=metadata.name,asc&fields=metadata.name').expect(200);
    expect(first.body.totalItems).toBe(3);
    expect(first.body.items.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['ledger', 'payments-service']);
    expect(first.body.pageInfo.prevCursor).toBeUndefined();
    const second = await api().get(`/api/catalog/entities/by-query?cursor=${encodeURIComponent(first.body.pageInfo.nextCursor)}&limit=2&fields=metadata.name`).expect(200);
    expect(second.body.items.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['web-shop']);
    expect(second.body.pageInfo.nextCursor).toBeUndefined();
    const back = await api().get(`/api/catalog/entities/by-query?cursor=${encodeURIComponent(second.body.pageInfo.prevCursor)}&limit=2&fields=metadata.name`).expect(200);
    expect(back.body.items.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['ledger', 'payments-service']);
    const text = await api().get('/api/catalog/entities/by-query?fullTextFilterTerm=REFUNDS&fullTextFilterFields=metadata.description').expect(200);
    expect(text.body.items.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['payments-service']);
    // names and kinds are matched too, with or without naming their fields
    const byName = await api().get('/api/catalog/entities/by-query?fullTextFilterTerm=LEDG&fullTextFilterFields=metadata.name&fields=metadata.name').expect(200);
    expect(byName.body.items.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['ledger']);
    const anyField = await api().get('/api/catalog/entities/by-query?fullTextFilterTerm=ledger&fields=metadata.name').expect(200);
    expect(anyField.body.items.map((e: { metadata: { name: string } }) => e.metadata.name)).toContain('ledger');
    const byKind = await api().get('/api/catalog/entities/by-query?fullTextFilterTerm=COMPON&fullTextFilterFields=kind&fields=kind').expect(200);
    expect(byKind.body.totalItems).toBe(3);
    const notThere = await api().get('/api/catalog/entities/by-query?fullTextFilterTerm=ledger&fullTextFilterFields=metadata.description').expect(200);
    expect(notThere.body.items.map((e: { metadata: { name: string } }) => e.metadata.name)).not.toContain('ledger');
  });

  it('counts facets, optionally filtered', async () => {
    const res = await api().get('/api/catalog/entity-facets?facet=kind&facet=spec.type&filter=kind=component').expect(200);
    expect(res.body.facets.kind).toEqual([{ value: 'Component', count: 3 }]);
    expect(res.body.facets['spec.type']).toEqual(expect.arrayContaining([{ value: 'service', count: 1 }, { value: 'library', count: 1 }, { value: 'website', count: 1 }]));
    const rel = await api().get('/api/catalog/entity-facets?facet=relations.ownedBy').expect(200);
    expect(rel.body.facets['relations.ownedBy']).toEqual([{ value: 'group:default/team-a', count: 4 }]);
    // names and namespaces come from the entity columns, spelled as authored
    const names = await api().get('/api/catalog/entity-facets?facet=metadata.name&facet=metadata.namespace&filter=kind=component').expect(200);
    expect(names.body.facets['metadata.name']).toEqual([{ value: 'ledger', count: 1 }, { value: 'payments-service', count: 1 }, { value: 'web-shop', count: 1 }]);
    expect(names.body.facets['metadata.namespace']).toEqual([{ value: 'default', count: 3 }]);
  });

  it('records malformed YAML, invalid entities and out-of-root placeholders against the location', async () => {
    const errors = await api().get('/api/catalog/entities/errors').expect(200);
    const messages = errors.body.items.map((e: { message: string }) => e.message);
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringMatching(/broken\.yaml:\d+: /),
      expect.stringMatching(/^metadata\.name: "Not A Valid Name!" is not a valid entity name/),
      expect.stringMatching(/not an object/),
      expect.stringMatching(/^spec\.notes: \$text \.\.\/outside\.txt could not be read: .*outside the allowed file roots/),
      expect.stringMatching(/^spec\.x\.a\.a.*: nested deeper than 32 levels/),
      expect.stringMatching(/^kind: unknown kind "Spaceship"/),
      expect.stringMatching(/huge\.yaml.* is 300003 bytes, more than the 200000 allowed/),
    ]));
    const locations = await api().get('/api/catalog/locations').expect(200);
    const broken = locations.body.find((l: { data: { target: string } }) => l.data.target.endsWith('broken.yaml'));
    const status = await api().get(`/api/catalog/locations/${broken.data.id}`).expect(200);
    expect(status.body.status.errors).toHaveLength(6);
    await api().get('/api/catalog/entities/by-name/component/default/leaky').expect(404);
  });

  it('answers bad input with 400 naming the field, never 500, and loses nothing', async () => {
    const bad: Array<[string, RegExp]> = [
      [`/api/catalog/entities?filter=${encodeURIComponent("kind=component') OR 1=1;--")}`, /^$/],
      [`/api/catalog/entities?filter=${encodeURIComponent('kind;DROP TABLE catalog_entities=1')}`, /^filter: invalid key/],
      ['/api/catalog/entities/by-query?limit=abc', /^limit: /],
      ['/api/catalog/entities/by-query?limit=100000000', /^limit: /],
      ['/api/catalog/entities/by-query?cursor=bm90LWEtY3Vyc29y', /^cursor: /],
      ['/api/catalog/entities/by-query?orderField=metadata.name,sideways', /^orderField: /],
      ['/api/catalog/entities/by-name/comp%20onent/default/x', /^params\.kind: /],
      ['/api/catalog/entities/by-name/component/default/' + 'x'.repeat(300), /^params\.name: /],
      [`/api/catalog/entity-facets?facet=${encodeURIComponent('spec.type" --')}`, /^facet: /],
      ['/api/catalog/entity-facets', /^facet: /],
      ['/api/catalog/search?term=', /^term: /],
      [`/api/catalog/entities?fields=${encodeURIComponent('kind,(select 1)')}`, /^fields: /],
    ];
    for (const [url, message] of bad) {
      const res = await api().get(url);
      if (message.source === '^$') {
        expect(res.status).toBe(200);
        expect(res.body).toEqual([]);
        continue;
      }
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(res.body.error.message).toMatch(message);
    }
    const refs = await api().post('/api/catalog/entities/by-refs').send({ entityRefs: ['component:default/web-shop', 'not/a/valid:ref:'] });
    expect(refs.status).toBe(400);
    expect(refs.body.error.message).toMatch(/^entityRefs\[1\]: /);
    const notArray = await api().post('/api/catalog/entities/by-refs').send({ entityRefs: 'x' });
    expect(notArray.status).toBe(400);
    expect(notArray.body.error.message).toMatch(/^body\.entityRefs: /);
    let deep: Record<string, unknown> = { leaf: true };
    // deeper than the catalog allows (32), within what the host parses (64)
    for (let i = 0; i < 40; i++) deep = { deeper: deep };
    const deepRes = await api().post('/api/catalog/validate-entity').send({ entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x' }, spec: deep } });
    expect(deepRes.status).toBe(400);
    expect(deepRes.body.errors[0].message).toMatch(/^entity\.spec\.deeper.*nested deeper than/);
    const huge = await api().post('/api/catalog/validate-entity').set('content-type', 'application/json').send(JSON.stringify({ entity: { x: 'y'.repeat(2 * 1024 * 1024) } }));
    expect(huge.status).toBe(413);
    const outside = await api().post('/api/catalog/locations').send({ type: 'file', target: path.join(dir, 'outside.yaml') });
    expect(outside.status).toBe(400);
    expect(outside.body.error.message).toMatch(/outside the allowed file roots/);
    const unknownHost = await api().post('/api/catalog/locations').send({ type: 'url', target: 'https://git.example.com/org/repo/catalog-info.yaml' });
    expect(unknownHost.status).toBe(400);
    expect(unknownHost.body.error.message).toMatch(/^target: no integration serves git\.example\.com/);
    const badType = await api().post('/api/catalog/locations').send({ type: 'ftp', target: 'x' });
    expect(badType.status).toBe(400);
    expect(badType.body.error.message).toMatch(/^body\.type: /);
    // everything stored before is still there
    const count = await api().get('/api/catalog/entity-facets?facet=kind').expect(200);
    expect(count.body.facets.kind.reduce((s: number, f: { count: number }) => s + f.count, 0)).toBe(7);
  });

  it('validates entities with messages that name the field', async () => {
    const ok = await api().post('/api/catalog/validate-entity').send({ entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x' }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a' } } });
    expect(ok.status).toBe(200);
    const bad = await api().post('/api/catalog/validate-entity').send({ entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x' }, spec: { type: 'service', lifecycle: 'production', owner: 'Not A Ref!' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].message).toMatch(/^spec\.owner: /);
    const unknownKind = await api().post('/api/catalog/validate-entity').send({ entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Spaceship', metadata: { name: 'x' } } });
    expect(unknownKind.body.errors[0].message).toMatch(/^kind: unknown kind "Spaceship"/);
  });

  it('refreshes a changed file on POST /refresh and records the change in history', async () => {
    const file = path.join(root, 'more', 'second.yaml');
    fs.writeFileSync(file, SECOND.replace('type: library', 'type: service'));
    await api().post('/api/catalog/refresh').send({ entityRef: 'component:default/ledger' }).expect(200);
    const res = await api().get('/api/catalog/entities/by-name/component/default/ledger').expect(200);
    expect(res.body.spec.type).toBe('service');
    const history = await api().get('/api/catalog/entities/by-name/component/default/ledger/history').expect(200);
    expect(history.body.items[0]).toMatchObject({ action: 'updated', entityRef: 'component:default/ledger', changes: [{ path: 'spec.type', op: 'replace', before: 'library', after: 'service' }] });
    expect(history.body.items[1].action).toBe('created');
    // announced after the commit, through the events service
    await eventually(() => expect(events.some(e => (e.payload as { updated: string[] }).updated.includes('component:default/ledger'))).toBe(true));
    await api().post('/api/catalog/refresh').send({ entityRef: 'component:default/nope' }).expect(404);
  });

  it('registers, dry-runs and removes locations at run time', async () => {
    const extra = path.join(root, 'extra.yaml');
    fs.writeFileSync(extra, 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: extra-svc }\nspec: { type: service, lifecycle: production, owner: team-a }\n');
    const dry = await api().post('/api/catalog/locations?dryRun=true').send({ type: 'file', target: extra }).expect(201);
    expect(dry.body.entities.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['extra-svc']);
    expect(dry.body.exists).toBe(false);
    await api().get('/api/catalog/entities/by-name/component/default/extra-svc').expect(404);
    const added = await api().post('/api/catalog/locations').send({ type: 'file', target: extra }).expect(201);
    await api().get('/api/catalog/entities/by-name/component/default/extra-svc').expect(200);
    await api().post('/api/catalog/locations').send({ type: 'file', target: extra }).expect(409);
    const location = await api().get(`/api/catalog/locations/${added.body.location.id}`).expect(200);
    expect(location.body).toMatchObject({ type: 'file', target: extra, status: { errors: [] } });
    const byEntity = await api().get('/api/catalog/locations/by-entity/component/default/extra-svc').expect(200);
    expect(byEntity.body.id).toBe(added.body.location.id);
    await api().delete(`/api/catalog/locations/${added.body.location.id}`).expect(204);
    await api().get('/api/catalog/entities/by-name/component/default/extra-svc').expect(404);
    const configured = (await api().get('/api/catalog/locations')).body[0].data.id;
    expect((await api().delete(`/api/catalog/locations/${configured}`)).status).toBe(400);
  });

  it('searches full text ranked by relevance', async () => {
    const res = await api().get('/api/catalog/search?term=payments').expect(200);
    const refs = res.body.items.map((i: { entityRef: string }) => i.entityRef);
    expect(refs).toEqual(expect.arrayContaining(['component:default/payments-service', 'api:default/payments-api']));
    expect(res.body.items[0].rank).toBeGreaterThanOrEqual(res.body.items[res.body.items.length - 1].rank);
    // each result's entity is the entity as served by name: uid, etag and relations included
    for (const item of res.body.items as Array<{ entityRef: string; entity: { relations?: unknown[] } }>) {
      const [kind, rest] = item.entityRef.split(':');
      const served = await api().get(`/api/catalog/entities/by-name/${kind}/${rest}`).expect(200);
      expect(item.entity).toEqual(served.body);
      expect(Object.keys(item.entity)).toEqual(Object.keys(served.body));
    }
    expect(res.body.items.some((i: { entity: { relations?: unknown[] } }) => (i.entity.relations ?? []).length > 0)).toBe(true);
    const kinds = await api().get('/api/catalog/search?term=payments&kind=API').expect(200);
    expect(kinds.body.items.map((i: { entityRef: string }) => i.entityRef)).toEqual(['api:default/payments-api']);
    const odd = await api().get(`/api/catalog/search?term=${encodeURIComponent('" OR 1=1 -- *')}`).expect(200);
    expect(odd.body.items).toEqual([]);
  });

  it('works with @backstage/catalog-client unmodified', async () => {
    const client = new CatalogClient({ discoveryApi: { getBaseUrl: async () => `${app.url}/api/catalog` } });
    const { items } = await client.getEntities({ filter: { kind: 'component', 'spec.type': ['service', 'website'] }, fields: ['metadata.name'] });
    expect(items.map(e => e.metadata.name).sort()).toEqual(['ledger', 'payments-service', 'web-shop']);
    const page = await client.queryEntities({ filter: { kind: 'component' }, limit: 1, orderFields: { field: 'metadata.name', order: 'desc' } });
    expect(page.totalItems).toBe(3);
    expect(page.items[0].metadata.name).toBe('web-shop');
    const next = await client.queryEntities({ cursor: page.pageInfo.nextCursor!, limit: 5 });
    expect(next.items.map(e => e.metadata.name)).toEqual(['payments-service', 'ledger']);
    const entity = await client.getEntityByRef('component:default/payments-service');
    expect(entity?.relations).toEqual(expect.arrayContaining([{ type: 'providesApi', targetRef: 'api:default/payments-api' }]));
    expect(await client.getEntityByRef('component:default/missing')).toBeUndefined();
    const byRefs = await client.getEntitiesByRefs({ entityRefs: ['api:default/payments-api', 'component:default/missing'] });
    expect(byRefs.items.map(e => e?.metadata.name)).toEqual(['payments-api', undefined]);
    const facets = await client.getEntityFacets({ facets: ['spec.lifecycle'], filter: { kind: 'component' } });
    expect(facets.facets['spec.lifecycle']).toEqual(expect.arrayContaining([{ value: 'production', count: 2 }]));
    const valid = await client.validateEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x' }, spec: {} }, 'url:x');
    expect(valid.valid).toBe(false);
    const { items: locations } = await client.getLocations();
    expect(locations.length).toBeGreaterThanOrEqual(2);
    const ancestry = await client.getEntityAncestors({ entityRef: 'component:default/web-shop' });
    expect(ancestry.rootEntityRef).toBe('component:default/web-shop');
    await client.refreshEntity('component:default/web-shop');
  });

  it('publishes catalog.entities.changed and serves its OpenAPI document', async () => {
    const added = events.flatMap(e => (e.payload as { added: string[] }).added);
    expect(added).toEqual(expect.arrayContaining(['component:default/web-shop', 'group:default/team-a']));
    const doc = await api().get('/api/catalog/openapi.json').expect(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/entities/by-query', '/entity-facets', '/locations']));
  });

  it('deletes an entity by uid', async () => {
    const res = await api().get('/api/catalog/entities/by-name/component/default/web-shop').expect(200);
    await api().delete(`/api/catalog/entities/by-uid/${res.body.metadata.uid}`).expect(204);
    await api().get('/api/catalog/entities/by-name/component/default/web-shop').expect(404);
    await api().delete(`/api/catalog/entities/by-uid/${res.body.metadata.uid}`).expect(404);
    // the reverse relations it contributed are gone from the entities it pointed at
    const team = await api().get('/api/catalog/entities/by-name/group/default/team-a').expect(200);
    expect(team.body.relations).not.toContainEqual({ type: 'ownerOf', targetRef: 'component:default/web-shop' });
    const payments = await api().get('/api/catalog/entities/by-query?filter=metadata.name=payments-service').expect(200);
    expect(payments.body.items[0].relations).not.toContainEqual({ type: 'dependencyOf', targetRef: 'component:default/web-shop' });
  });
});
