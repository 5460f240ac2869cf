// Starts a backend (config given as an object) whose plugin serves a route and schedules a duration task, and
// prints which of the host's optional dependencies were loaded by then; then opens the plugin's database and
// schedules a cron task, and prints them again.
import express from 'express';
import { coreServices, createBackendPlugin, type DatabaseService, type SchedulerService } from '@portico/backend-plugin-api';
import { createBackend } from '../createBackend';

const optional = ['knex', 'luxon', 'cron-parser', 'yaml'];
const loaded = () => optional.filter(name => Object.keys(require.cache).some(file => file.includes(`/node_modules/${name}/`)));

let database!: DatabaseService;
let scheduler!: SchedulerService;
const plugin = createBackendPlugin({
  pluginId: 'probe',
  register: env =>
    env.registerInit({
      deps: { http: coreServices.httpRouter, database: coreServices.database, scheduler: coreServices.scheduler },
      async init(deps) {
        database = deps.database;
        scheduler = deps.scheduler;
        await scheduler.scheduleTask({ id: 'hourly', scope: 'local', frequency: { duration: 'PT1H' }, timeout: 'PT1M', fn: () => {} });
        deps.http.use(express.Router().get('/ping', (_req, res) => void res.json({ pong: true })));
      },
    }),
});

// Without the built-in plugins: they open their databases at start by design.
const backend = createBackend({
  builtinPlugins: false,
  config: { backend: { listen: { port: 0, host: '127.0.0.1' }, database: { connection: ':memory:' }, logging: { level: 'error' } } },
});
backend.add(plugin);
backend
  .start()
  .then(async () => {
    const atStart = loaded();
    await (await database.getClient()).raw('select 1');
    await scheduler.scheduleTask({ id: 'nightly', scope: 'local', frequency: { cron: '0 3 * * *' }, timeout: 'PT1M', fn: () => {} });
    const afterUse = loaded();
    await backend.stop();
    process.stdout.write(`${JSON.stringify({ atStart, afterUse })}\n`);
  })
  .catch(error => {
    console.error(error);
    process.exit(1);
  });
