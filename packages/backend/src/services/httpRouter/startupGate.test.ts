import { Router } from 'express';
import request from 'supertest';
import { coreServices, createBackendPlugin } from '@portico/backend-plugin-api';
import { buildTestBackend, startTestHost, startUntilListening } from '../../__testUtils__/testBackend';
import { BackendState } from '../../wiring/BackendState';
import { startupGate } from './httpRouterServiceFactory';

const pingRoutes = () => {
  const router = Router();
  router.get('/ping', (_req, res) => {
    res.json({ pong: true });
  });
  return router;
};

describe('requests to a plugin that is starting', () => {
  it('wait for its init and reach its routes, instead of a 404', async () => {
    let release!: () => void;
    const initGate = new Promise<void>(r => (release = r));
    const slow = createBackendPlugin({
      pluginId: 'slow',
      register: env =>
        env.registerInit({
          deps: { http: coreServices.httpRouter },
          async init({ http }) {
            await initGate; // e.g. migrations; the routes come last
            http.use(pingRoutes());
            http.addAuthPolicy({ path: '/ping', allow: 'unauthenticated' });
          },
        }),
    });
    const { backend } = buildTestBackend({}, [slow]);
    const { started } = await startUntilListening(backend);
    let answered = false;
    const response = request(backend.server).get('/api/slow/ping').then(r => {
      answered = true;
      return r;
    });
    await new Promise(r => setTimeout(r, 100));
    expect(answered).toBe(false);
    release();
    const r = await response;
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ pong: true });
    await started;
    await backend.stop();
  });

  it('answer 503 naming the plugin when it failed to start and the rest started', async () => {
    const broken = createBackendPlugin({
      pluginId: 'broken',
      register: env =>
        env.registerInit({
          deps: { http: coreServices.httpRouter },
          async init({ http }) {
            http.use(pingRoutes());
            http.addAuthPolicy({ path: '/ping', allow: 'unauthenticated' });
            throw new Error('cannot reach the vendor');
          },
        }),
    });
    const { backend, lines } = await startTestHost({ backend: { startup: { plugins: { broken: { onBootFailure: 'continue' } } } } }, [broken]);
    try {
      const r = await request(backend.server).get('/api/broken/ping');
      expect(r.status).toBe(503);
      // The reason is for the operator (in the log), not for the caller.
      expect(r.body.error).toEqual({ name: 'ServiceUnavailableError', message: 'Service unavailable', requestId: r.headers['x-request-id'] });
      expect(lines.find(l => l.level === 'error' && l.meta.requestId === r.headers['x-request-id'])?.message).toContain(
        "Plugin 'broken' did not start (failed: cannot reach the vendor)",
      );
    } finally {
      await backend.stop();
    }
  });

  it('answer 503 once they have waited too long', async () => {
    const state = new BackendState();
    state.setPlugin('stuck', { status: 'pending' });
    const next = jest.fn();
    startupGate('stuck', state, 30)({} as never, {} as never, next);
    await new Promise(r => setTimeout(r, 80));
    expect(next).toHaveBeenCalledTimes(1);
    expect(next.mock.calls[0][0]).toMatchObject({ statusCode: 503, message: "Plugin 'stuck' is still starting (waited 0.03 s)" });
    // settling later calls nothing twice
    state.setPlugin('stuck', { status: 'started' });
    await new Promise(r => setTimeout(r, 10));
    expect(next).toHaveBeenCalledTimes(1);
  });
});
