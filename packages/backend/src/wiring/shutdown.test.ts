import express from 'express';
import http from 'node:http';
import { coreServices, createBackendPlugin } from '@portico/backend-plugin-api';
import { startTestHost } from '../__testUtils__/testBackend';

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, res => {
        let body = '';
        res.on('data', c => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      })
      .on('error', reject);
  });
}

describe('shutdown', () => {
  it('lets a request in flight finish, then runs shutdown hooks in reverse order and closes databases', async () => {
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>(r => (release = r));
    let arrived!: () => void;
    const requestArrived = new Promise<void>(r => (arrived = r));
    let knexDestroyed = false;
    const plugin = createBackendPlugin({
      pluginId: 'slow',
      register: env =>
        env.registerInit({
          deps: { http: coreServices.httpRouter, lifecycle: coreServices.lifecycle, db: coreServices.database },
          async init({ http: router, lifecycle, db }) {
            const knex = await db.getClient();
            knex.client.pool.on('destroySuccess', () => (knexDestroyed = true));
            await knex.raw('select 1');
            const r = express.Router();
            r.get('/wait', async (_req, res) => {
              arrived();
              await gate;
              events.push('request finished');
              res.json({ done: true });
            });
            router.use(r);
            router.addAuthPolicy({ path: '/wait', allow: 'unauthenticated' });
            lifecycle.addStartupHook(() => void events.push('startup hook'));
            lifecycle.addShutdownHook(() => void events.push('first hook'));
            lifecycle.addShutdownHook(() => void events.push('second hook'));
          },
        }),
    });
    const { backend, url } = await startTestHost({}, [plugin]);
    const inFlight = get(`${url}/api/slow/wait`);
    await requestArrived;
    const stopped = backend.stop().then(() => events.push('stopped'));
    await new Promise(r => setTimeout(r, 50));
    expect(events).toEqual(['startup hook']);
    await expect(get(`${url}/healthz`)).rejects.toThrow(/ECONNREFUSED|ECONNRESET|socket hang up/);
    release();
    expect(await inFlight).toEqual({ status: 200, body: '{"done":true}' });
    await stopped;
    expect(events).toEqual(['startup hook', 'request finished', 'second hook', 'first hook', 'stopped']);
    expect(knexDestroyed).toBe(true);
  });
});
