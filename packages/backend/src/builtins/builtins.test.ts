import request from 'supertest';
import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
  createPermission,
  permissionsPolicyExtensionPoint,
} from '@portico/backend-plugin-api';
import { describeEachDatabase, eventually, mockCredentials, mockServices, startTestBackend, type MockScheduler, type TestBackend } from '@portico/test-utils';
import { permissionsServiceFactory } from '../services/permissions/permissionsServiceFactory';

const admin = mockCredentials.user('user:default/root', ['user:default/root', 'group:default/platform']);
const alice = mockCredentials.user('user:default/alice', ['user:default/alice', 'group:default/team-a']);
const thingCreate = createPermission({ name: 'things.thing.create' });

/** A plugin that declares a permission and audits a mutation with secret-looking meta. */
const thingsPlugin = createBackendPlugin({
  pluginId: 'things',
  register(env) {
    env.registerInit({
      deps: { http: coreServices.httpRouter, registry: coreServices.permissionsRegistry, auditor: coreServices.auditor },
      async init({ http, registry, auditor }) {
        registry.addPermissions([thingCreate]);
        http.use(async (req, res) => {
          const event = await auditor.createEvent({ action: 'things.thing.create', resourceRef: 'thing:one', request: req, meta: { apiToken: 'secret', size: 3 } });
          await event.success();
          res.json({ ok: true });
        });
      },
    });
  },
});

describeEachDatabase('built-in permission and audit plugins', db => {
  let backend: TestBackend;
  beforeAll(async () => {
    backend = await startTestBackend({
      features: [thingsPlugin],
      services: [permissionsServiceFactory],
      config: { backend: { database: db.config }, permission: { rbac: { admins: ['group:default/platform'] } } },
    });
  });
  afterAll(() => backend?.stop());

  it('decides permissions for the browser, with reasons, at most 100 items', async () => {
    const res = await request(backend.server)
      .post('/api/permission/authorize')
      .set('authorization', alice.header())
      .send({
        items: [
          { id: 'a', permission: { type: 'resource', name: 'catalog.entity.read', attributes: {}, resourceType: 'catalog-entity' } },
          { id: 'b', permission: thingCreate },
        ],
      });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        { id: 'a', result: 'ALLOW' },
        { id: 'b', result: 'DENY', reason: "No role grants 'things.thing.create' to user:default/alice" },
      ],
    });
    const tooMany = await request(backend.server)
      .post('/api/permission/authorize')
      .set('authorization', alice.header())
      .send({ items: Array.from({ length: 101 }, (_, i) => ({ id: String(i), permission: thingCreate })) });
    expect(tooMany.status).toBe(400);
  });

  it('lists every declared permission with its plugin', async () => {
    const res = await request(backend.server).get('/api/permission/permissions').set('authorization', alice.header());
    expect(res.body.items).toEqual(
      expect.arrayContaining([
        { type: 'basic', name: 'things.thing.create', attributes: {}, pluginId: 'things' },
        expect.objectContaining({ name: 'permission.role.manage', pluginId: 'permission' }),
        expect.objectContaining({ name: 'audit.event.read', pluginId: 'audit' }),
      ]),
    );
  });

  it('lets admins edit roles in the database, which take effect at once; others are refused', async () => {
    const role = { members: ['group:default/team-a'], permissions: ['things.*'] };
    expect((await request(backend.server).put('/api/permission/roles/makers').set('authorization', alice.header()).send(role)).status).toBe(403);
    const put = await request(backend.server).put('/api/permission/roles/makers').set('authorization', admin.header()).send(role);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'makers', source: 'database', updatedBy: 'user:default/root' });
    const decide = () =>
      request(backend.server).post('/api/permission/authorize').set('authorization', alice.header()).send({ items: [{ id: 'x', permission: thingCreate }] });
    expect((await decide()).body.items[0].result).toBe('ALLOW');
    const unknownRule = await request(backend.server)
      .put('/api/permission/roles/makers')
      .set('authorization', admin.header())
      .send({ ...role, conditions: { anyOf: [{ rule: 'IS_NO_SUCH_THING' }, { not: { rule: 'IS_NO_SUCH_THING' } }] } });
    expect(unknownRule.status).toBe(400);
    expect(unknownRule.body.error.message).toMatch(/^body\.conditions: unknown rule 'IS_NO_SUCH_THING'; the installed plugins register /);
    expect((await request(backend.server).get('/api/permission/roles/makers').set('authorization', admin.header())).body.conditions).toBeUndefined();
    const conflict = await request(backend.server).put('/api/permission/roles/everyone').set('authorization', admin.header()).send(role);
    expect(conflict.status).toBe(409);
    const list = await request(backend.server).get('/api/permission/roles').set('authorization', admin.header());
    expect(list.body.items.map((r: { name: string; source: string }) => `${r.name}:${r.source}`)).toEqual(
      expect.arrayContaining(['everyone:default', 'makers:database']),
    );
    expect((await request(backend.server).delete('/api/permission/roles/makers').set('authorization', admin.header())).status).toBe(204);
    expect((await decide()).body.items[0].result).toBe('DENY');
  });

  it('records audit events with the actor and redacted meta, readable by admins only', async () => {
    expect((await request(backend.server).post('/api/things/make').set('authorization', alice.header()).send({})).status).toBe(200);
    expect((await request(backend.server).get('/api/audit/events').set('authorization', alice.header())).status).toBe(403);
    await eventually(async () => {
      const res = await request(backend.server).get('/api/audit/events?action=things.*').set('authorization', admin.header());
      expect(res.status).toBe(200);
      expect(res.body.items[0]).toMatchObject({
        plugin: 'things',
        action: 'things.thing.create',
        actor: 'user:default/alice',
        actorType: 'user',
        resourceRef: 'thing:one',
        outcome: 'succeeded',
        method: 'POST',
        path: '/api/things/make',
        meta: { apiToken: '[REDACTED]', size: 3 },
      });
    });
    const denied = await request(backend.server).get('/api/audit/events?actor=user:default/alice&outcome=denied').set('authorization', admin.header());
    expect(denied.body.items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['audit.event.read', 'permission.role.manage']),
    );
  });
});

describe('the permissions.policy extension point', () => {
  const policyModule = (moduleId: string, result: 'ALLOW' | 'DENY') =>
    createBackendModule({
      pluginId: 'permission',
      moduleId,
      register(env) {
        env.registerInit({
          deps: { policy: permissionsPolicyExtensionPoint },
          init: ({ policy }) => policy.setPolicy({ handle: async () => ({ result }) }),
        });
      },
    });

  it('uses the policy a module sets instead of RBAC', async () => {
    const backend = await startTestBackend({ features: [thingsPlugin, policyModule('allow-all', 'ALLOW')], services: [permissionsServiceFactory] });
    try {
      const res = await request(backend.server)
        .post('/api/permission/authorize')
        .set('authorization', alice.header())
        .send({ items: [{ id: 'x', permission: thingCreate }] });
      expect(res.body.items).toEqual([{ id: 'x', result: 'ALLOW' }]);
      expect((await request(backend.server).get('/api/permission/roles').set('authorization', alice.header())).status).toBe(404);
    } finally {
      await backend.stop();
    }
  });

  it('fails the start when two modules set a policy, naming both', async () => {
    await expect(
      startTestBackend({ features: [policyModule('first', 'ALLOW'), policyModule('second', 'DENY')], services: [permissionsServiceFactory] }),
    ).rejects.toThrow(/already set by Module 'permission\.first'.*Module 'permission\.second' cannot set a second one/);
  });
});

describe('audit retention', () => {
  it('removes events past backend.auditor.retention daily, once across instances, and keeps the recent ones', async () => {
    const schedulers = new Map<string, MockScheduler>();
    const backend = await startTestBackend({
      features: [thingsPlugin],
      services: [permissionsServiceFactory, mockServices.scheduler.factory((pluginId, s) => schedulers.set(pluginId, s))],
      config: { backend: { auditor: { retention: 'P30D' } }, permission: { rbac: { admins: ['group:default/platform'] } } },
    });
    try {
      await request(backend.server).post('/api/things').set('authorization', alice.header()).expect(200);
      const audit = schedulers.get('audit')!;
      expect((await audit.getScheduledTasks()).find(t => t.id === 'audit-retention')).toMatchObject({ scope: 'global' });
      await audit.triggerTask('audit-retention');
      const events = await request(backend.server).get('/api/audit/events?action=things.*').set('authorization', admin.header()).expect(200);
      expect(events.body.items).toHaveLength(1);
    } finally {
      await backend.stop();
    }
  });

  it('refuses to start with a retention that is not a duration, naming the key', async () => {
    await expect(
      startTestBackend({ features: [thingsPlugin], services: [permissionsServiceFactory], config: { backend: { auditor: { retention: 'a year' } } } }),
    ).rejects.toThrow(/backend\.auditor\.retention: must be a positive ISO-8601 duration/);
  });
});
