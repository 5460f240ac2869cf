import type { Knex } from 'knex';

/** One migration, written in code so it runs the same from src (tests) and dist. */
export interface DatabaseMigration {
  /** Unique, sortable name, e.g. `20261127_001_init`. */
  name: string;
  up(knex: Knex): Promise<void>;
  down?(knex: Knex): Promise<void>;
}

/**
 * The plugin's own database: its own SQLite file or its own PostgreSQL schema.
 * `getClient()` returns the same knex instance on every call.
 */
export interface DatabaseService {
  getClient(): Promise<Knex>;
  /** Runs the given migrations that have not yet run, in name order, inside the plugin's database. */
  migrate(migrations: DatabaseMigration[]): Promise<void>;
  /** `sqlite` or `pg`, for the rare query that must differ. */
  readonly engine: 'sqlite' | 'pg';
}

/**
 * The engine behind a knex client or transaction (`pg` for the PostgreSQL client, `sqlite` for better-sqlite3), for a
 * store that is handed a knex rather than its DatabaseService. The same answer as `DatabaseService.engine`.
 */
export function databaseEngineOf(knex: Knex | Knex.Transaction): 'sqlite' | 'pg' {
  const client = String((knex.client as { config?: { client?: unknown } }).config?.client ?? '');
  return client === 'pg' || client === 'postgres' || client === 'postgresql' ? 'pg' : 'sqlite';
}
