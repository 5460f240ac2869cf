import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  type AuditEventOptions,
  type AuditorService,
  type Credentials,
  type HttpAuthService,
  type PermissionsService,
} from '@portico/backend-plugin-api';
import { catalogProvidersExtensionPoint } from '@portico/plugin-catalog-node';
import { eventually, startTestBackend, type TestBackend } from '@portico/test-utils';
import { catalogConditions } from './permissions/rules';
import { catalogPlugin } from './plugin';
import { component, group } from './__testUtils__/entities';

/** Requests act as the user in `x-test-user`, owning itself and the groups in `x-test-groups` (default: the guest). */
const httpAuth = createServiceFactory({
  service: coreServices.httpAuth,
  deps: {},
  factory: (): HttpAuthService => ({
    async credentials(req) {
      const user = req.header('x-test-user') ?? 'user:default/guest';
      const groups = (req.header('x-test-groups') ?? '').split(',').filter(Boolean);
      return { $$type: '@portico/Credentials', principal: { type: 'user', userEntityRef: user, ownershipEntityRefs: [user, ...groups] } } as never;
    },
    issueUserCookie() {},
    clearUserCookie() {},
  }),
});

/** A user reads what they own; only component:default/c may be deleted; everything else is allowed. */
const ownersRead = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: (): PermissionsService => ({
    async authorize(requests) {
      return requests.map(r =>
        r.permission.name === 'catalog.entity.delete' && r.resourceRef !== 'component:default/c'
          ? { result: 'DENY' as const, reason: 'Only owners delete entities' }
          : { result: 'ALLOW' as const },
      );
    },
    async authorizeConditional(requests, { credentials }: { credentials: Credentials }) {
      const claims = credentials.principal.type === 'user' ? credentials.principal.ownershipEntityRefs : [];
      return requests.map(() => ({
        result: 'CONDITIONAL' as const,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: catalogConditions.isEntityOwner({ claims }),
      }));
    },
  }),
});

const audited: Array<AuditEventOptions & { outcome?: string }> = [];
const auditor = createServiceFactory({
  service: coreServices.auditor,
  deps: {},
  factory: (): AuditorService => ({
    async createEvent(options) {
      const event: AuditEventOptions & { outcome?: string } = { action: options.action, resourceRef: options.resourceRef };
      audited.push(event);
      return {
        async success() {
          event.outcome = 'succeeded';
        },
        async fail() {
          event.outcome = 'failed';
        },
      };
    },
  }),
});

const entities = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'permission-test-entities',
  register(env) {
    env.registerInit({
      deps: { providers: catalogProvidersExtensionPoint },
      async init({ providers }) {
        providers.addEntityProvider({
          getProviderName: () => 'permission-test',
          async connect(connection) {
            const all = [group('team-a'), group('team-b'), component('a'), component('b', { owner: 'team-b' }), component('c')];
            await connection.applyMutation({ type: 'full', entities: all.map(entity => ({ entity, locationKey: 'permission-test' })) });
          },
        });
      },
    });
  },
});

const teamA = { 'x-test-user': 'user:default/ada', 'x-test-groups': 'group:default/team-a' };

describe('the catalog under a conditional read decision', () => {
  let backend: TestBackend;
  let dir: string;

  beforeAll(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'portico-catalog-permissions-')));
    const file = path.join(dir, 'catalog.yaml');
    fs.writeFileSync(file, 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: d }\nspec: { type: service, lifecycle: production, owner: team-b }\n');
    backend = await startTestBackend({
      features: [catalogPlugin, entities, httpAuth, ownersRead, auditor],
      config: { catalog: { locations: [{ type: 'file', target: file }] }, integrations: { file: { roots: [dir] } } },
    });
    const teamB = { 'x-test-user': 'user:default/bo', 'x-test-groups': 'group:default/team-b' };
    await eventually(async () => {
      await request(backend.server).get('/api/catalog/entities/by-name/component/default/d').set(teamB).expect(200);
    }, 20_000);
  });
  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const names = (items: Array<{ metadata: { name: string } } | null>) => items.map(e => e?.metadata.name ?? null);

  it('lists, pages, counts and facets only the entities the caller owns', async () => {
    expect(names((await request(backend.server).get('/api/catalog/entities').set(teamA).expect(200)).body)).toEqual(['a', 'c']);
    const page = await request(backend.server).get('/api/catalog/entities/by-query?limit=1').set(teamA).expect(200);
    expect(page.body).toMatchObject({ totalItems: 2, items: [{ metadata: { name: 'a' } }] });
    const next = await request(backend.server).get(`/api/catalog/entities/by-query?cursor=${page.body.pageInfo.nextCursor}`).set(teamA).expect(200);
    expect(next.body).toMatchObject({ totalItems: 2, items: [{ metadata: { name: 'c' } }], pageInfo: {} });
    expect(next.body.pageInfo.nextCursor).toBeUndefined();
    const facets = await request(backend.server).get('/api/catalog/entity-facets?facet=kind&facet=relations.ownedBy').set(teamA).expect(200);
    expect(facets.body.facets).toEqual({ kind: [{ value: 'Component', count: 2 }], 'relations.ownedBy': [{ value: 'group:default/team-a', count: 2 }] });
    const found = await request(backend.server).get('/api/catalog/search?term=b').set(teamA).expect(200);
    expect(found.body.items).toEqual([]);
    // the guest owns nothing: it reads nothing
    expect((await request(backend.server).get('/api/catalog/entities').expect(200)).body).toEqual([]);
  });

  it('answers one entity the caller may not read with 404, as if it did not exist, and by-refs with null', async () => {
    await request(backend.server).get('/api/catalog/entities/by-name/component/default/a').set(teamA).expect(200);
    const hidden = await request(backend.server).get('/api/catalog/entities/by-name/component/default/b').set(teamA).expect(404);
    expect(hidden.body.error.message).toBe("No entity named 'component:default/b' found");
    await request(backend.server).get('/api/catalog/entities/by-name/component/default/b/history').set(teamA).expect(404);
    await request(backend.server).get('/api/catalog/entities/by-name/component/default/b/ancestry').set(teamA).expect(404);
    // the location d was read from: its owners may see it, team-a may not even learn d exists
    const teamB = { 'x-test-user': 'user:default/bo', 'x-test-groups': 'group:default/team-b' };
    await request(backend.server).get('/api/catalog/locations/by-entity/component/default/d').set(teamB).expect(200);
    await request(backend.server).get('/api/catalog/locations/by-entity/component/default/d').set(teamA).expect(404);
    const b = await request(backend.server).get('/api/catalog/entities/by-name/component/default/b').set({ 'x-test-user': 'user:default/bo', 'x-test-groups': 'group:default/team-b' }).expect(200);
    await request(backend.server).get(`/api/catalog/entities/by-uid/${b.body.metadata.uid}`).set(teamA).expect(404);
    // deleting or refreshing it is a 404 as well, not a 403 that would say it exists
    await request(backend.server).delete(`/api/catalog/entities/by-uid/${b.body.metadata.uid}`).set(teamA).expect(404);
    await request(backend.server).post('/api/catalog/refresh').set(teamA).send({ entityRef: 'component:default/b' }).expect(404);
    const byRefs = await request(backend.server)
      .post('/api/catalog/entities/by-refs')
      .set(teamA)
      .send({ entityRefs: ['component:default/b', 'component:default/a', 'component:default/ghost'] })
      .expect(200);
    expect(names(byRefs.body.items)).toEqual([null, 'a', null]);
  });

  it('deletes only what the policy allows, and records each attempt in the audit log', async () => {
    const a = (await request(backend.server).get('/api/catalog/entities/by-name/component/default/a').set(teamA).expect(200)).body;
    const refused = await request(backend.server).delete(`/api/catalog/entities/by-uid/${a.metadata.uid}`).set(teamA).expect(403);
    expect(refused.body.error.message).toBe('Only owners delete entities');
    await request(backend.server).get('/api/catalog/entities/by-name/component/default/a').set(teamA).expect(200);
    const c = (await request(backend.server).get('/api/catalog/entities/by-name/component/default/c').set(teamA).expect(200)).body;
    await request(backend.server).delete(`/api/catalog/entities/by-uid/${c.metadata.uid}`).set(teamA).expect(204);
    await request(backend.server).get('/api/catalog/entities/by-name/component/default/c').set(teamA).expect(404);
    expect(audited).toEqual(
      expect.arrayContaining([
        { action: 'catalog.entity.delete', resourceRef: 'component:default/a', outcome: 'failed' },
        { action: 'catalog.entity.delete', resourceRef: 'component:default/c', outcome: 'succeeded' },
      ]),
    );
  });
});
