import knexFactory, { type Knex } from 'knex';
import type { DatabaseMigration } from '@portico/backend-plugin-api';
import { describeEachDatabase } from '@portico/test-utils';
import { MIGRATIONS_LOCK_TABLE, MIGRATIONS_TABLE, runMigrations } from './runMigrations';

const memory = () => knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } });

const table = (name: string): DatabaseMigration => ({ name, up: k => k.schema.createTable(name.replace(/^\d+_/, ''), t => t.increments('id')) });
const first = [table('001_apples'), table('002_pears')];

const schemaOf = async (knex: Knex) =>
  (await knex('sqlite_master').select('name', 'sql').whereIn('name', [MIGRATIONS_TABLE, MIGRATIONS_LOCK_TABLE]).orderBy('name')) as Array<{ name: string; sql: string }>;

describe('runMigrations on a new SQLite database', () => {
  const open: Knex[] = [];
  const database = () => {
    const knex = memory();
    open.push(knex);
    return knex;
  };
  afterAll(() => Promise.all(open.map(k => k.destroy())));

  it("leaves the tables and lock row knex's migrator makes, so a later migration is applied alone in batch 2", async () => {
    const knex = database();
    await runMigrations(knex, first);
    const byKnex = database();
    await byKnex.migrate.latest({
      tableName: MIGRATIONS_TABLE,
      migrationSource: {
        getMigrations: async () => first,
        getMigrationName: (m: DatabaseMigration) => m.name,
        getMigration: async (m: DatabaseMigration) => ({ up: m.up, down: async () => undefined }),
      },
    } as Knex.MigratorConfig);
    expect(await schemaOf(knex)).toEqual(await schemaOf(byKnex));
    expect(await knex(MIGRATIONS_LOCK_TABLE).select('is_locked')).toEqual([{ is_locked: 0 }]);

    await runMigrations(knex, [...first, table('003_plums')]);
    const applied = await knex(MIGRATIONS_TABLE).select('name', 'batch').orderBy('id');
    expect(applied).toEqual([
      { name: '001_apples', batch: 1 },
      { name: '002_pears', batch: 1 },
      { name: '003_plums', batch: 2 },
    ]);
    expect(await knex.schema.hasTable('plums')).toBe(true);
  });

  it('keeps nothing of a first migration that fails, and applies all of them once it is fixed', async () => {
    const knex = database();
    const broken: DatabaseMigration = { name: '002_pears', up: () => Promise.reject(new Error('pears are out of season')) };
    await expect(runMigrations(knex, [first[0], broken])).rejects.toThrow('pears are out of season');
    expect(await knex.schema.hasTable('apples')).toBe(false);

    await runMigrations(knex, first);
    expect((await knex(MIGRATIONS_TABLE).select('name')).map(r => r.name)).toEqual(['001_apples', '002_pears']);
  });

  it('migrates a database once when two callers start together', async () => {
    const knex = database();
    await Promise.all([runMigrations(knex, first), runMigrations(knex, first)]);
    expect(await knex(MIGRATIONS_TABLE).count({ n: '*' })).toEqual([{ n: 2 }]);
  });
});

describeEachDatabase('runMigrations on a schema', db => {
  it('leaves one free lock row when callers with their own pools (instances, the scheduler) migrate a new schema at once', async () => {
    // Each round a new schema: the race is between the callers creating knex's lock table and its row.
    const clients = [1, 2, 3, 4, 5, 6].map(() =>
      knexFactory({ client: 'pg', connection: db.config.connection, pool: { min: 0, max: 2 } }),
    );
    try {
      for (const round of Array.from({ length: 20 }, (_, i) => i + 1)) {
        const schemaName = `race_${round}`;
        await db.knex.raw('CREATE SCHEMA ??', [schemaName]);
        const scoped = (name: string): DatabaseMigration => ({
          name,
          up: k => k.schema.withSchema(schemaName).createTable(name.replace(/^\d+_/, ''), t => t.increments('id')),
        });
        await Promise.all(clients.map(knex => runMigrations(knex, [scoped('001_apples'), scoped('002_pears')], { schemaName, lockTimeoutMs: 5_000 })));
        expect([round, await db.knex.withSchema(schemaName).from(MIGRATIONS_LOCK_TABLE).select('is_locked')]).toEqual([round, [{ is_locked: 0 }]]);
        expect([round, await db.knex.withSchema(schemaName).from(MIGRATIONS_TABLE).orderBy('id').pluck('name')]).toEqual([round, ['001_apples', '002_pears']]);
      }
    } finally {
      await Promise.all(clients.map(k => k.destroy()));
    }
  });
}, { engines: ['pg'] });
