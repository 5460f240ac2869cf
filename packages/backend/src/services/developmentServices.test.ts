import express from 'express';
import request from 'supertest';
import { coreServices, createBackendPlugin, type EventParams } from '@portico/backend-plugin-api';
import { startTestHost } from '../__testUtils__/testBackend';

/** A plugin that hands its services to the test. */
function probe(onInit: (services: Record<string, unknown>) => void | Promise<void>) {
  return createBackendPlugin({
    pluginId: 'probe',
    register: env =>
      env.registerInit({
        deps: {
          auth: coreServices.auth,
          httpAuth: coreServices.httpAuth,
          permissions: coreServices.permissions,
          discovery: coreServices.discovery,
          events: coreServices.events,
          http: coreServices.httpRouter,
        },
        init: onInit,
      }),
  });
}

describe('development defaults of the core services', () => {
  it('treats every request as the guest user and allows every permission', async () => {
    const plugin = createBackendPlugin({
      pluginId: 'probe',
      register: env =>
        env.registerInit({
          deps: { httpAuth: coreServices.httpAuth, permissions: coreServices.permissions, http: coreServices.httpRouter },
          async init({ httpAuth, permissions, http }) {
            const router = express.Router();
            router.get('/me', async (req, res) => {
              const credentials = await httpAuth.credentials(req);
              const [decision] = await permissions.authorize([{ permission: { name: 'catalog.entity.delete', action: 'delete' } }], { credentials });
              res.json({ principal: credentials.principal, decision: decision.result });
            });
            router.get('/services-only', async (req, res) => {
              await httpAuth.credentials(req, { allow: ['service'] });
              res.json({ ok: true });
            });
            http.use(router);
          },
        }),
    });
    const { backend } = await startTestHost({}, [plugin]);
    try {
      const me = await request(backend.server).get('/api/probe/me');
      expect(me.body).toEqual({
        principal: { type: 'user', userEntityRef: 'user:default/guest', ownershipEntityRefs: ['user:default/guest'] },
        decision: 'ALLOW',
      });
      const refused = await request(backend.server).get('/api/probe/services-only');
      expect(refused.status).toBe(403);
      expect(refused.body.error.name).toBe('NotAllowedError');
    } finally {
      await backend.stop();
    }
  });

  it('issues plugin-to-plugin tokens that carry the caller, and own service credentials', async () => {
    let result: unknown;
    const { backend } = await startTestHost({}, [
      probe(async ({ auth }) => {
        const a = auth as import('@portico/backend-plugin-api').AuthService;
        const own = await a.getOwnServiceCredentials();
        const { token } = await a.getPluginRequestToken({ onBehalfOf: own, targetPluginId: 'catalog' });
        const back = await a.authenticate(token);
        result = { own: own.principal, back: back.principal, isService: a.isPrincipal(back, 'service') };
      }),
    ]);
    await backend.stop();
    expect(result).toEqual({
      own: { type: 'service', subject: 'plugin:probe' },
      back: { type: 'service', subject: 'plugin:probe' },
      isService: true,
    });
  });

  it('discovers plugins on the bound port internally and on backend.baseUrl externally', async () => {
    let urls: string[] = [];
    const { backend } = await startTestHost({ backend: { baseUrl: 'https://portal.example.com/' } }, [
      probe(async ({ discovery }) => {
        const d = discovery as import('@portico/backend-plugin-api').DiscoveryService;
        urls = [await d.getBaseUrl('catalog'), await d.getExternalBaseUrl('catalog')];
      }),
    ]);
    try {
      expect(urls).toEqual([`http://localhost:${backend.port}/api/catalog`, 'https://portal.example.com/api/catalog']);
    } finally {
      await backend.stop();
    }
  });

  it('delivers events to subscribers of the topic and logs a failing subscriber instead of throwing', async () => {
    const received: EventParams[] = [];
    const { backend, lines } = await startTestHost({}, [
      probe(async ({ events }) => {
        const bus = events as import('@portico/backend-plugin-api').EventsService;
        await bus.subscribe({ id: 'good', topics: ['catalog.entities.changed'], onEvent: e => void received.push(e) });
        await bus.subscribe({ id: 'bad', topics: ['catalog.entities.changed'], onEvent: () => Promise.reject(new Error('boom')) });
        await bus.subscribe({ id: 'other', topics: ['other'], onEvent: () => { throw new Error('must not run'); } });
        await bus.publish({ topic: 'catalog.entities.changed', payload: { added: ['component:default/a'] } });
      }),
    ]);
    await backend.stop();
    expect(received).toEqual([{ topic: 'catalog.entities.changed', payload: { added: ['component:default/a'] } }]);
    expect(lines.map(l => l.message)).toContain("Subscriber 'bad' failed on topic 'catalog.entities.changed': boom");
  });
});
