import express from 'express';
import request from 'supertest';
import { coreServices, createBackendPlugin } from '@portico/backend-plugin-api';
import { startTestBackend } from './startTestBackend';
import { mockServices } from '../services/mockServices';
import { mockCredentials } from '../services/mockCredentials';
import { createPermission } from '@portico/backend-plugin-api';
import { MockLogger } from '../services/MockLogger';
import type { MockScheduler } from '../services/MockScheduler';

/** A plugin that stores one row in its own database and serves a count of its rows. */
const counterPlugin = (pluginId: string) =>
  createBackendPlugin({
    pluginId,
    register(env) {
      env.registerInit({
        deps: { http: coreServices.httpRouter, db: coreServices.database, auth: coreServices.httpAuth },
        async init({ http, db, auth }) {
          await db.migrate([{ name: '001_rows', up: k => k.schema.createTable('rows', t => t.string('name')) }]);
          const knex = await db.getClient();
          await knex('rows').insert({ name: pluginId });
          const router = express.Router();
          router.get('/rows', async (_req, res) => res.json(await knex('rows').select('name')));
          router.get('/whoami', async (req, res) => res.json((await auth.credentials(req)).principal));
          http.use(router);
        },
      });
    },
  });

/** A plugin that logs, then schedules a task `tick` every hour (due at once with the real scheduler). */
const tickerPlugin = (pluginId: string, onRun: () => void) =>
  createBackendPlugin({
    pluginId,
    register: env =>
      env.registerInit({
        deps: { scheduler: coreServices.scheduler, log: coreServices.logger },
        async init({ scheduler, log }) {
          log.info('scheduling');
          await scheduler.scheduleTask({ id: 'tick', frequency: { duration: 'PT1H' }, timeout: 'PT1M', initialDelay: { milliseconds: 0 }, fn: async () => onRun() });
        },
      }),
  });

describe('startTestBackend', () => {
  it('serves plugins over a real server on an ephemeral port, each with its own in-memory database', async () => {
    const { server, url, stop } = await startTestBackend({ features: [counterPlugin('one'), counterPlugin('two')] });
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await request(server).get('/api/one/rows')).body).toEqual([{ name: 'one' }]);
      expect((await request(server).get('/api/two/rows')).body).toEqual([{ name: 'two' }]);
    } finally {
      await stop();
    }
  });

  it('passes config through and ignores PORT from the environment', async () => {
    const previous = process.env.PORT;
    process.env.PORT = '1';
    try {
      let greeting: string | undefined;
      const plugin = createBackendPlugin({
        pluginId: 'greeter',
        register: env =>
          env.registerInit({ deps: { config: coreServices.config }, init: ({ config }) => { greeting = config.getString('greeter.greeting'); } }),
      });
      const { backend, stop } = await startTestBackend({ features: [plugin], config: { greeter: { greeting: 'hi' } } });
      expect(greeting).toBe('hi');
      expect(backend.port).not.toBe(1);
      await stop();
    } finally {
      if (previous === undefined) delete process.env.PORT;
      else process.env.PORT = previous;
    }
  });

  it('accepts mock services in place of the defaults', async () => {
    const logger = new MockLogger();
    const schedulers = new Map<string, MockScheduler>();
    let runs = 0;
    const { server, stop } = await startTestBackend({
      features: [tickerPlugin('tasks', () => runs++), counterPlugin('who')],
      services: [
        mockServices.rootLogger.factory(logger),
        mockServices.logger.factory(logger),
        mockServices.scheduler.factory((id, s) => schedulers.set(id, s)),
        mockServices.httpAuth.factory(mockServices.credentials.service('external:ci')),
      ],
    });
    try {
      expect(runs).toBe(0);
      await schedulers.get('tasks')!.triggerTask('tick');
      expect(runs).toBe(1);
      expect(logger.lines).toContainEqual(expect.objectContaining({ message: 'scheduling', meta: { plugin: 'tasks' } }));
      expect((await request(server).get('/api/who/whoami')).body).toEqual({ type: 'service', subject: 'external:ci' });
    } finally {
      await stop();
    }
  });

  it('keeps the logs in a MockLogger and, with manualSchedulers, runs each plugin\'s tasks only when triggered', async () => {
    let runs = 0;
    const backend = await startTestBackend({ features: [tickerPlugin('ticker', () => runs++), counterPlugin('quiet')], manualSchedulers: true });
    try {
      expect(backend.logger?.lines).toContainEqual(expect.objectContaining({ level: 'info', message: 'scheduling', meta: { plugin: 'ticker' } }));
      // the plugin's task, beside the built-in audit plugin's retention task
      expect(backend.schedulers.tasks.map(t => t.id).sort()).toEqual(['audit-retention', 'tick']);
      expect(runs).toBe(0);
      await backend.schedulers.get('ticker').triggerTask('tick');
      await backend.schedulers.triggerTask('tick');
      expect(runs).toBe(2);
      expect(() => backend.schedulers.get('quiet')).toThrow("Plugin 'quiet' has no scheduler (plugins with one: ticker, audit)");
    } finally {
      await backend.stop();
    }
  });

  it('refuses manualSchedulers together with a scheduler of the test\'s own', async () => {
    await expect(startTestBackend({ features: [counterPlugin('x')], services: [mockServices.scheduler.factory()], manualSchedulers: true })).rejects.toThrow(
      'pass manualSchedulers or a scheduler service factory, not both',
    );
  });
});

describe('startTestBackend auth', () => {
  const permissionProbe = createBackendPlugin({
    pluginId: 'probe',
    register: env =>
      env.registerInit({
        deps: { http: coreServices.httpRouter, httpAuth: coreServices.httpAuth, permissions: coreServices.permissions, auth: coreServices.auth },
        async init({ http, httpAuth, permissions, auth }) {
          const router = express.Router();
          router.get('/whoami', async (req, res) => {
            const credentials = await httpAuth.credentials(req);
            const [decision] = await permissions.authorize([{ permission: createPermission({ name: 'probe.thing.delete' }) }], { credentials });
            res.json({ principal: credentials.principal, decision: decision.result });
          });
          router.get('/call-other', async (req, res) => {
            const { token } = await auth.getPluginRequestToken({ onBehalfOf: await httpAuth.credentials(req), targetPluginId: 'other' });
            res.json({ principal: (await auth.authenticate(token)).principal });
          });
          http.use(router);
        },
      }),
  });

  it('by default treats a request without a token as the guest, mockCredentials tokens as their principal, and allows every permission', async () => {
    const { server, stop } = await startTestBackend({ features: [permissionProbe] });
    try {
      expect((await request(server).get('/api/probe/whoami').expect(200)).body).toEqual({
        principal: { type: 'user', userEntityRef: 'user:default/guest', ownershipEntityRefs: ['user:default/guest'] },
        decision: 'ALLOW',
      });
      const ada = mockCredentials.user('user:default/ada', ['user:default/ada', 'group:default/team-a']);
      expect((await request(server).get('/api/probe/whoami').set('authorization', ada.header()).expect(200)).body.principal).toEqual(ada.principal);
      expect((await request(server).get('/api/probe/call-other').set('authorization', ada.header()).expect(200)).body.principal).toEqual(ada.principal);
      const ci = mockCredentials.service('external:ci', { plugins: ['catalog'] });
      await request(server).get('/api/probe/whoami').set('authorization', ci.header()).expect(403);
      await request(server).get('/api/probe/whoami').set('authorization', mockCredentials.none().header()).expect(401);
      await request(server).get('/api/probe/whoami').set('authorization', 'Bearer forged').expect(401);
    } finally {
      await stop();
    }
  });

  it('decides permissions with mockServices.permissions', async () => {
    const { server, stop } = await startTestBackend({ features: [permissionProbe], services: [mockServices.permissions.factory('DENY')] });
    try {
      expect((await request(server).get('/api/probe/whoami').expect(200)).body.decision).toBe('DENY');
    } finally {
      await stop();
    }
  });

  it("with auth: 'real' uses the host's signed tokens and default deny", async () => {
    const { server, stop } = await startTestBackend({ features: [permissionProbe], auth: 'real' });
    try {
      expect((await request(server).get('/api/probe/whoami').expect(401)).body.error.message).toBe('Missing credentials');
      await request(server).get('/api/probe/whoami').set('authorization', mockCredentials.user().header()).expect(401);
    } finally {
      await stop();
    }
  });
});
