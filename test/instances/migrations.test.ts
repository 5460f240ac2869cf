import { createTestDatabase, isPgReachable } from '@portico/test-utils';
import { spawnInstance, startInstance, type PorticoInstance } from './porticoInstance';

jest.setTimeout(240_000);

// Several instances exist only on PostgreSQL (SQLite refuses a second instance on its data dir).
if (!isPgReachable()) throw new Error('these tests start several instances on PostgreSQL, which is unreachable');

/** Every plugin schema's knex lock table, as rows of is_locked. */
async function lockRows(knex: import('knex').Knex): Promise<Record<string, string[]>> {
  const { rows } = await knex.raw(
    `SELECT table_schema FROM information_schema.tables WHERE table_name = 'portico_migrations_lock' ORDER BY table_schema`,
  );
  const out: Record<string, string[]> = {};
  for (const { table_schema } of rows as Array<{ table_schema: string }>) {
    const locks = await knex.withSchema(table_schema).from('portico_migrations_lock').select('is_locked');
    out[table_schema] = locks.map(r => String(r.is_locked));
  }
  return out;
}

describe('several instances starting on one PostgreSQL database', () => {
  const instances: PorticoInstance[] = [];
  afterEach(async () => {
    await Promise.all(instances.splice(0).map(i => i.stop()));
  });

  it('three instances started at the same moment on an empty database migrate once and all start', async () => {
    const db = await createTestDatabase('pg');
    try {
      instances.push(...(await Promise.all([1, 2, 3].map(() => spawnInstance({ database: db.config })))));
      await Promise.all(instances.map(i => i.waitReady()));

      const locks = await lockRows(db.knex);
      expect(Object.keys(locks)).toEqual(expect.arrayContaining(['portico_catalog', 'portico_example', 'portico_scorecards']));
      for (const [schema, rows] of Object.entries(locks)) expect([schema, rows]).toEqual([schema, ['0']]);
      // every migration applied once
      for (const schema of Object.keys(locks)) {
        const { rows } = await db.knex.raw(`SELECT name, count(*)::int AS n FROM ?? GROUP BY name HAVING count(*) > 1`, [`${schema}.portico_migrations`]);
        expect([schema, rows]).toEqual([schema, []]);
      }
      for (const instance of instances) expect(instance.output()).not.toMatch(/already locked/);
    } finally {
      await Promise.all(instances.splice(0).map(i => i.stop()));
      await db.destroy();
    }
  });

  it('starts at once on a database whose migration lock was left behind (doubled, or held by a killed migrator)', async () => {
    const db = await createTestDatabase('pg');
    try {
      const first = await startInstance({ database: db.config });
      await first.stop();
      // what a start racing another before this fix, and a migrator killed mid-run, leave behind
      await db.knex.withSchema('portico_example').from('portico_migrations_lock').insert({ is_locked: 0 });
      await db.knex.withSchema('portico_catalog').from('portico_migrations_lock').update({ is_locked: 1 });

      const next = await spawnInstance({ database: db.config });
      instances.push(next);
      // without the reset, knex waits 60 s for a lock it believes held and the start aborts
      await next.waitReady();
      const locks = await lockRows(db.knex);
      expect([locks.portico_example, locks.portico_catalog]).toEqual([['0'], ['0']]);
      expect(next.output()).toMatch(/Resetting the migration lock left behind/);
    } finally {
      await Promise.all(instances.splice(0).map(i => i.stop()));
      await db.destroy();
    }
  });
});
