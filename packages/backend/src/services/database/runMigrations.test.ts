import knexFactory, { type Knex } from 'knex';
import type { DatabaseMigration } from '@portico/backend-plugin-api';
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
