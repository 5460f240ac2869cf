import type { Knex } from 'knex';
import type { DatabaseMigration, LoggerService } from '@portico/backend-plugin-api';
import { withPgAdvisoryLock } from './pgAdvisoryLock';

export const MIGRATIONS_TABLE = 'portico_migrations';
/** knex's own lock table beside the migrations table: one row, `is_locked` 0 or 1. */
export const MIGRATIONS_LOCK_TABLE = `${MIGRATIONS_TABLE}_lock`;

/**
 * Runs `fn` while holding a lock that no other instance migrating the same schema holds, and that
 * cannot outlive its holder (on PostgreSQL a session advisory lock, freed when the connection closes,
 * even on kill -9).
 */
export type MigrationLock = <T>(fn: () => Promise<T>) => Promise<T>;

class InMemoryMigrationSource implements Knex.MigrationSource<DatabaseMigration> {
  constructor(private readonly migrations: DatabaseMigration[]) {}
  async getMigrations(): Promise<DatabaseMigration[]> {
    return [...this.migrations].sort((a, b) => a.name.localeCompare(b.name));
  }
  getMigrationName(migration: DatabaseMigration): string {
    return migration.name;
  }
  async getMigration(migration: DatabaseMigration): Promise<Knex.Migration> {
    return {
      up: k => migration.up(k),
      down: async k => {
        if (!migration.down) throw new Error(`Migration '${migration.name}' has no down()`);
        await migration.down(k);
      },
    };
  }
}

/** Another instance is migrating, or just created the migrations table: try again shortly. */
function isConcurrentMigrationError(error: unknown): boolean {
  const { name, code, message } = error as { name?: string; code?: string; message?: string };
  if (name === 'MigrationLocked' || /already locked/i.test(String(message))) return true;
  // unique_violation (pg_type race on CREATE TABLE), duplicate_table, duplicate_schema
  return code === '23505' || code === '42P07' || code === '42P06';
}

/**
 * The lock every caller migrating `schemaName` of a PostgreSQL database takes: a session advisory lock on a
 * connection of its own, opened with the knex client's own connection settings. Undefined elsewhere (SQLite).
 */
function defaultLock(knex: Knex, schemaName: string | undefined): MigrationLock | undefined {
  const config = (knex.client as { config?: { client?: unknown; connection?: unknown } }).config;
  if (!schemaName || config?.client !== 'pg' || !config.connection || typeof config.connection === 'function') return undefined;
  const connection = config.connection;
  return fn => withPgAdvisoryLock(connection, `migrations:${schemaName}`, fn);
}

/**
 * Runs the code migrations not yet applied, in name order, with knex's migrator. On PostgreSQL with a schema,
 * callers migrating the same schema (other instances, the scheduler's and identity's own stores) take turns on an
 * advisory lock (`options.lock`, by default one named after the schema): without it, two callers creating knex's
 * lock table at once can leave it two free rows, on which knex's migrator then fails with 'Migration table is
 * already locked' on every try. Elsewhere another caller holding knex's lock is waited for (up to `lockTimeoutMs`).
 */
export async function runMigrations(
  knex: Knex,
  migrations: DatabaseMigration[],
  options: { schemaName?: string; logger?: LoggerService; lockTimeoutMs?: number; lock?: MigrationLock } = {},
): Promise<void> {
  const names = new Set<string>();
  for (const m of migrations) {
    if (!m.name || typeof m.up !== 'function') throw new TypeError(`Invalid migration ${JSON.stringify(m.name)}: needs a name and up()`);
    if (names.has(m.name)) throw new TypeError(`Duplicate migration name '${m.name}'`);
    names.add(m.name);
  }
  const config: Knex.MigratorConfig = {
    migrationSource: new InMemoryMigrationSource(migrations),
    tableName: MIGRATIONS_TABLE,
    ...(options.schemaName ? { schemaName: options.schemaName } : {}),
  };
  const lock = options.lock ?? defaultLock(knex, options.schemaName);
  // Already up to date (every restart but the first after an upgrade): nothing to lock.
  if (lock && (await isUpToDate(knex, options.schemaName, names))) return;
  if (!options.schemaName && !lock) {
    const applied = await migrateFreshSqlite(knex, migrations);
    if (applied) {
      if (applied.length > 0) options.logger?.info(`Applied ${applied.length} migration(s)`, { migrations: applied });
      return;
    }
  }
  if (lock) {
    // Alone on this schema: knex's lock row can only be stale (a migrator killed mid-run) or doubled (two
    // instances that created the lock table at once before this lock existed), and is reset to one free row.
    await lock(async () => {
      await resetKnexLock(knex, options.schemaName, options.logger);
      const [, applied] = (await knex.migrate.latest(config)) as [number, string[]];
      if (applied.length > 0) options.logger?.info(`Applied ${applied.length} migration(s)`, { migrations: applied });
    });
    return;
  }
  const deadline = Date.now() + (options.lockTimeoutMs ?? 60_000);
  for (;;) {
    try {
      const [, applied] = (await knex.migrate.latest(config)) as [number, string[]];
      if (applied.length > 0) options.logger?.info(`Applied ${applied.length} migration(s)`, { migrations: applied });
      return;
    } catch (error) {
      if (!isConcurrentMigrationError(error) || Date.now() > deadline) throw error;
      await new Promise(resolve => setTimeout(resolve, 250));
    }
  }
}

/**
 * A SQLite database without the migrations table (its first start): creates the two tables knex's migrator keeps,
 * its free lock row and every migration in name order, recorded as batch 1, in one transaction. Knex's migrator
 * spends some 14 queries and a transaction per migration on that bookkeeping, and the default portal's first start
 * migrates nine databases; later starts (the tables exist) go through knex as before. The check runs inside the
 * transaction, which holds the database's one connection: two callers cannot both see it missing. Undefined when
 * the database is not SQLite or has the table; otherwise the names applied.
 */
async function migrateFreshSqlite(knex: Knex, migrations: DatabaseMigration[]): Promise<string[] | undefined> {
  if ((knex.client as { config?: { client?: unknown } }).config?.client !== 'better-sqlite3') return undefined;
  return knex.transaction(async trx => {
    if (await trx.schema.hasTable(MIGRATIONS_TABLE)) return undefined;
    // the tables as knex's migrator creates them (knex/lib/migrations/migrate/table-creator.js)
    await trx.schema.createTable(MIGRATIONS_TABLE, t => {
      t.increments();
      t.string('name');
      t.integer('batch');
      t.timestamp('migration_time');
    });
    await trx.schema.createTable(MIGRATIONS_LOCK_TABLE, t => {
      t.increments('index').primary();
      t.integer('is_locked');
    });
    await trx(MIGRATIONS_LOCK_TABLE).insert({ is_locked: 0 });
    const ordered = await new InMemoryMigrationSource(migrations).getMigrations();
    for (const migration of ordered) await migration.up(trx);
    for (const migration of ordered) await trx(MIGRATIONS_TABLE).insert({ name: migration.name, batch: 1, migration_time: new Date() });
    return ordered.map(m => m.name);
  });
}

async function resetKnexLock(knex: Knex, schemaName: string | undefined, logger?: LoggerService): Promise<void> {
  const schema = schemaName ? knex.schema.withSchema(schemaName) : knex.schema;
  if (!(await schema.hasTable(MIGRATIONS_LOCK_TABLE))) return;
  const table = () => (schemaName ? knex(MIGRATIONS_LOCK_TABLE).withSchema(schemaName) : knex(MIGRATIONS_LOCK_TABLE));
  const rows = (await table().select('is_locked')) as Array<{ is_locked: number | string }>;
  if (rows.length === 1 && Number(rows[0].is_locked) === 0) return;
  logger?.warn(`Resetting the migration lock left behind (${JSON.stringify(rows.map(r => String(r.is_locked)))}): no other instance is migrating`);
  await knex.transaction(async trx => {
    const inTrx = () => (schemaName ? trx(MIGRATIONS_LOCK_TABLE).withSchema(schemaName) : trx(MIGRATIONS_LOCK_TABLE));
    await inTrx().delete();
    await inTrx().insert({ is_locked: 0 });
  });
}

/** Whether every migration is recorded and knex's lock is one free row; read without creating anything. */
async function isUpToDate(knex: Knex, schemaName: string | undefined, names: Set<string>): Promise<boolean> {
  const schema = schemaName ? knex.schema.withSchema(schemaName) : knex.schema;
  if (!(await schema.hasTable(MIGRATIONS_TABLE)) || !(await schema.hasTable(MIGRATIONS_LOCK_TABLE))) return false;
  const from = (table: string) => (schemaName ? knex(table).withSchema(schemaName) : knex(table));
  const applied = new Set(((await from(MIGRATIONS_TABLE).select('name')) as Array<{ name: string }>).map(r => r.name));
  if ([...names].some(n => !applied.has(n))) return false;
  const locks = (await from(MIGRATIONS_LOCK_TABLE).select('is_locked')) as Array<{ is_locked: number | string }>;
  return locks.length === 1 && Number(locks[0].is_locked) === 0;
}
