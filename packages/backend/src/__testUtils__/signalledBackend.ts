// A backend started as the CLI starts it (handleSignals), with a route that waits for /release.
import express from 'express';
import { coreServices, createBackendPlugin } from '@portico/backend-plugin-api';
import { createBackend } from '../createBackend';

let release!: () => void;
const gate = new Promise<void>(resolve => (release = resolve));

const plugin = createBackendPlugin({
  pluginId: 'slow',
  register: env =>
    env.registerInit({
      deps: { http: coreServices.httpRouter, lifecycle: coreServices.lifecycle },
      async init({ http, lifecycle }) {
        const router = express.Router();
        router.get('/wait', async (_req, res) => {
          process.stdout.write('IN_FLIGHT\n');
          await gate;
          res.json({ finished: true });
        });
        http.use(router);
        http.addAuthPolicy({ path: '/wait', allow: 'unauthenticated' });
        lifecycle.addShutdownHook(() => void process.stdout.write('SHUTDOWN_HOOK\n'));
      },
    }),
});

// The test releases the request by writing to stdin, after it has sent SIGTERM.
process.stdin.on('data', () => release());

const backend = createBackend({
  config: { backend: { listen: { port: 0, host: '127.0.0.1' }, database: { connection: ':memory:' }, logging: { level: 'error' } } },
  handleSignals: true,
});
backend.add(plugin);
backend.start().then(() => process.stdout.write(`PORT ${backend.port}\n`));
