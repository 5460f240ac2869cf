import express from 'express';
import request from 'supertest';
import { coreServices, createBackendPlugin } from '@portico/backend-plugin-api';
import { describeEachDatabase, eventually, startTestBackend } from '@portico/test-utils';

/** A plugin with a `notes` table of its own and a route listing it. */
function notesPlugin(pluginId: string) {
  return createBackendPlugin({
    pluginId,
    register(env) {
      env.registerInit({
        deps: { database: coreServices.database, http: coreServices.httpRouter },
        async init({ database, http }) {
          await database.migrate([
            {
              name: '20261127_001_notes',
              up: async knex => {
                await knex.schema.createTable('notes', t => {
                  t.increments('id');
                  t.string('text').notNullable();
                });
              },
            },
          ]);
          const knex = await database.getClient();
          await knex('notes').insert({ text: `written by ${pluginId}` });
          const router = express.Router();
          router.get('/notes', async (_req, res) => {
            res.json({ engine: database.engine, notes: (await knex('notes').select('text')).map(r => r.text) });
          });
          http.use(router);
        },
      });
    },
  });
}

describeEachDatabase('per-plugin databases in a running backend', db => {
  it('gives two plugins with the same table name separate databases', async () => {
    const { server, stop } = await startTestBackend({
      features: [notesPlugin('alpha'), notesPlugin('beta')],
      config: { backend: { database: db.config } },
    });
    try {
      const alpha = await request(server).get('/api/alpha/notes').expect(200);
      const beta = await request(server).get('/api/beta/notes').expect(200);
      expect(alpha.body).toEqual({ engine: db.engine, notes: ['written by alpha'] });
      expect(beta.body).toEqual({ engine: db.engine, notes: ['written by beta'] });
    } finally {
      await stop();
    }
    if (db.engine === 'pg') {
      const schemas = await db.knex('information_schema.schemata').pluck('schema_name');
      expect(schemas).toEqual(expect.arrayContaining(['portico_alpha', 'portico_beta']));
    }
  });
});

function tickPlugin(runs: string[], name: string) {
  return createBackendPlugin({
    pluginId: 'ticker',
    register(env) {
      env.registerInit({
        deps: { scheduler: coreServices.scheduler },
        async init({ scheduler }) {
          await scheduler.scheduleTask({
            id: 'tick',
            scope: 'global',
            frequency: { duration: 'PT0.5S' },
            timeout: 'PT5S',
            fn: async () => void runs.push(`${name}@${Date.now()}`),
          });
        },
      });
    },
  });
}

describeEachDatabase(
  'global scheduled tasks in two backends sharing PostgreSQL',
  db => {
    it('run once per period across both backends', async () => {
      const runs: string[] = [];
      const config = { backend: { database: db.config, scheduler: { pollInterval: 25 } } };
      const one = await startTestBackend({ features: [tickPlugin(runs, 'one')], config });
      const two = await startTestBackend({ features: [tickPlugin(runs, 'two')], config });
      // four runs, however long a loaded machine takes to get there
      await eventually(() => expect(runs.length).toBeGreaterThanOrEqual(4), 30_000);
      await Promise.all([one.stop(), two.stop()]);
      const times = runs.map(r => Number(r.split('@')[1]));
      // never two in one period: a double run (both backends taking it) shows up as two starts a few milliseconds
      // apart, while load only ever delays a run
      for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(300);
    });
  },
  { engines: ['pg'] },
);
