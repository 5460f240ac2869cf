// The benchmarked process: a backend with ten trivial plugins (a route and a migration each),
// built from the packages' dist (run `npm run build` first). Listens on BENCH_PORT.
const path = require('path');
const express = require('express');
const { createBackend } = require('@portico/backend');
const { coreServices, createBackendPlugin } = require('@portico/backend-plugin-api');

function trivialPlugin(index) {
  const pluginId = `bench-${index}`;
  return createBackendPlugin({
    pluginId,
    register(env) {
      env.registerInit({
        deps: { http: coreServices.httpRouter, database: coreServices.database },
        async init({ http, database }) {
          await database.migrate([
            {
              name: '001_items',
              up: knex => knex.schema.createTable('items', t => {
                t.increments('id');
                t.string('name');
              }),
            },
          ]);
          const knex = await database.getClient();
          const router = express.Router();
          router.get('/items', async (_req, res) => res.json(await knex('items').select()));
          http.use(router);
        },
      });
    },
  });
}

const backend = createBackend({
  config: {
    backend: {
      listen: { port: Number(process.env.BENCH_PORT), host: '127.0.0.1' },
      dataDir: process.env.BENCH_DATA_DIR || path.join(__dirname, 'data'),
      logging: { level: 'warn' },
    },
  },
  handleSignals: true,
});
for (let i = 1; i <= 10; i++) backend.add(trivialPlugin(i));
backend.start().catch(error => {
  console.error(error);
  process.exit(1);
});
