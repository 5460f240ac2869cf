import request from 'supertest';
import { coreServices, createBackendModule, createBackendPlugin, createExtensionPoint } from '@portico/backend-plugin-api';
import { buildTestBackend, startTestHost, startUntilListening } from '../__testUtils__/testBackend';
import { rootHealthServiceRef } from '../services/health/RootHealthService';

const waitingExtensionPoint = createExtensionPoint<object>({ id: 'waiting.things' });

const healthy = createBackendPlugin({
  pluginId: 'healthy',
  register: env =>
    env.registerInit({
      deps: { health: coreServices.health },
      async init({ health }) {
        health.addCheck('queue', async () => ({ status: 'ok', message: 'empty' }));
      },
    }),
});

const broken = createBackendPlugin({
  pluginId: 'broken',
  register: env => env.registerInit({ deps: {}, init: () => Promise.reject(new Error('cannot reach the vendor')) }),
});

describe('boot failure policy', () => {
  it('aborts the start by default, naming the plugin, and closes the server', async () => {
    const { backend } = buildTestBackend({}, [healthy, broken]);
    await expect(backend.start()).rejects.toThrow("Plugin 'broken' failed to start: cannot reach the vendor");
    expect(backend.server.listening).toBe(false);
  });

  it('names the plugins that never ran after an abort on one line, counted as skipped', async () => {
    // 'waiting' owns an extension point 'failing' contributes to, so it waits for 'failing', which fails.
    const waiting = createBackendPlugin({
      pluginId: 'waiting',
      register(env) {
        env.registerExtensionPoint(waitingExtensionPoint, {});
        env.registerInit({ deps: {}, init() {} });
      },
    });
    const failing = createBackendPlugin({
      pluginId: 'failing',
      register: env => env.registerInit({ deps: { ep: waitingExtensionPoint }, init: () => Promise.reject(new Error('nope')) }),
    });
    const { backend, lines } = buildTestBackend({}, [waiting, failing]);
    await expect(backend.start()).rejects.toThrow("Plugin 'failing' failed to start: nope");
    expect(lines.map(l => l.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Plugin 'failing' failed in \d+ ms: nope$/),
        'Not started (the start stopped first): waiting',
        expect.stringMatching(/^Backend start aborted after \d+ ms: 0 plugin\(s\) started, 1 failed, 1 skipped$/),
      ]),
    );
    const report = await (await backend.getService(rootHealthServiceRef)).getReadiness();
    expect(report).toEqual({
      status: 'failed',
      plugins: {
        failing: { status: 'failed', error: 'nope' },
        waiting: { status: 'skipped', error: 'startup was aborted before its init ran' },
      },
    });
  });

  it('with onBootFailure: continue, marks the plugin failed and starts the rest', async () => {
    const { backend, lines } = await startTestHost(
      { backend: { startup: { plugins: { broken: { onBootFailure: 'continue' } } } } },
      [healthy, broken],
    );
    try {
      const ready = await request(backend.server).get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({
        status: 'ready',
        plugins: {
          broken: { status: 'failed', error: 'cannot reach the vendor' },
          healthy: { status: 'started', checks: { queue: { status: 'ok', message: 'empty' } } },
        },
      });
      expect(lines.map(l => l.message)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^Plugin 'broken' failed in \d+ ms: cannot reach the vendor$/)]),
      );
    } finally {
      await backend.stop();
    }
  });

  it('a failing module takes its plugin down with it under continue', async () => {
    let pluginInitialised = false;
    const plugin = createBackendPlugin({
      pluginId: 'host',
      register: env => env.registerInit({ deps: {}, init: () => { pluginInitialised = true; } }),
    });
    const module = createBackendModule({
      pluginId: 'host',
      moduleId: 'bad',
      register: env => env.registerInit({ deps: {}, init: () => { throw new Error('module broke'); } }),
    });
    const { backend } = await startTestHost({ backend: { startup: { plugins: { host: { onBootFailure: 'continue' } } } } }, [plugin, module]);
    try {
      const ready = await request(backend.server).get('/readyz');
      expect(ready.body.plugins.host).toEqual({ status: 'failed', error: "module 'host.bad': module broke" });
      expect(pluginInitialised).toBe(false);
    } finally {
      await backend.stop();
    }
  });

  it('reports pending plugins with a 503 while they initialise', async () => {
    let release!: () => void;
    const gate = new Promise<void>(r => (release = r));
    const slow = createBackendPlugin({ pluginId: 'slow', register: env => env.registerInit({ deps: {}, init: () => gate }) });
    const { backend } = buildTestBackend({}, [slow]);
    // The server listens before inits run, so readiness can be probed during startup.
    const { started } = await startUntilListening(backend);
    const during = await request(backend.server).get('/readyz');
    expect(during.status).toBe(503);
    expect(during.body).toEqual({ status: 'starting', plugins: { slow: { status: 'pending' } } });
    release();
    await started;
    expect((await request(backend.server).get('/readyz')).status).toBe(200);
    await backend.stop();
  });
});

describe('config errors from core services', () => {
  it('keep their type and name the config path', async () => {
    const { backend } = buildTestBackend({ backend: { database: { client: 'mongo' } } }, [healthy]);
    const error = await backend.start().catch(e => e);
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain('backend.database.client');
  });
});

describe('/readyz with a check that does not answer', () => {
  it('answers without waiting for it, then reports its last answer while it runs again', async () => {
    let release!: (result: { status: 'ok'; message: string }) => void;
    let calls = 0;
    const slow = createBackendPlugin({
      pluginId: 'slow',
      register: env =>
        env.registerInit({
          deps: { health: coreServices.health },
          async init({ health }) {
            health.addCheck('vendor', () => {
              calls++;
              return new Promise(resolve => (release = resolve));
            });
          },
        }),
    });
    const { backend } = await startTestHost({}, [slow]);
    try {
      // the vendor has not answered: /readyz answers anyway, ready, with the check not settled
      const first = await request(backend.server).get('/readyz');
      expect(first.status).toBe(200);
      expect(first.body.plugins.slow.checks.vendor).toEqual({ status: 'degraded', message: expect.stringMatching(/has not answered within 1000 ms; it goes on/) });
      // a second probe does not start a second run of the same check
      await request(backend.server).get('/readyz');
      expect(calls).toBe(1);
      release({ status: 'ok', message: 'reachable' });
      // the next probe runs the check again; while that run hangs, the answer is the last one, saying so
      const settled = await request(backend.server).get('/readyz');
      expect(settled.body.plugins.slow.checks.vendor).toEqual({ status: 'ok', message: expect.stringMatching(/^reachable; the check is running again \(this is its answer of \d{4}-/) });
      expect(calls).toBe(2);
    } finally {
      release({ status: 'ok', message: 'reachable' });
      await backend.stop();
    }
  });
});
