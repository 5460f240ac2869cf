import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';

export type TestDatabaseEngine = 'sqlite' | 'pg';

/** The `backend.database` section that points a test backend at the test database. */
export type TestDatabaseConfig = {
  client: 'better-sqlite3' | 'pg';
  connection: string;
};

/** One isolated database: on SQLite a fresh `:memory:`, on PostgreSQL a throwaway database. */
export interface TestDatabase {
  engine: TestDatabaseEngine;
  /** A knex connected to the test database (on SQLite, its own in-memory database). */
  knex: Knex;
  /** Pass as `config: { backend: { database: db.config } }` to startTestBackend. */
  config: TestDatabaseConfig;
}

export interface EachDatabaseOptions {
  /** Engines to run on; default both. */
  engines?: TestDatabaseEngine[];
}

export const DEFAULT_TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export function testPgUrl(): string {
  return process.env.PORTICO_TEST_PG_URL || DEFAULT_TEST_PG_URL;
}

function pgRequired(): boolean {
  return process.env.PORTICO_REQUIRE_PG === '1' || process.env.PORTICO_REQUIRE_PG === 'true';
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

let pgReachable: boolean | undefined;
let warned = false;

const CHECK_CACHE_MS = 30_000;

/** Test files run in separate workers; one probe result is shared through a temp file for a while. */
function cachedCheck(url: string): boolean | undefined {
  const file = checkCacheFile(url);
  try {
    if (Date.now() - fs.statSync(file).mtimeMs > CHECK_CACHE_MS) return undefined;
    const value = fs.readFileSync(file, 'utf8').trim();
    return value === 'up' ? true : value === 'down' ? false : undefined;
  } catch {
    return undefined;
  }
}

function checkCacheFile(url: string): string {
  return path.join(os.tmpdir(), `portico-pg-check-${createHash('sha1').update(url).digest('hex').slice(0, 12)}`);
}

/**
 * Whether PostgreSQL answers at PORTICO_TEST_PG_URL. Checked synchronously (in a child process)
 * because jest's describe blocks are synchronous; cached per test file and for 30 s across files.
 */
export function isPgReachable(): boolean {
  if (pgReachable !== undefined) return pgReachable;
  const cached = cachedCheck(testPgUrl());
  if (cached !== undefined) {
    pgReachable = cached;
    return cached;
  }
  const script = `
    const { Client } = require('pg');
    const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
    c.connect().then(() => c.query('select 1')).then(() => c.end()).then(() => process.exit(0), () => process.exit(1));
  `;
  const result = spawnSync(process.execPath, ['-e', script, testPgUrl()], {
    cwd: __dirname,
    timeout: 10_000,
    stdio: 'ignore',
  });
  pgReachable = result.status === 0;
  try {
    fs.writeFileSync(checkCacheFile(testPgUrl()), pgReachable ? 'up' : 'down');
  } catch {
    /* the cache is an optimisation only */
  }
  return pgReachable;
}

/** The engines to run on now: PostgreSQL is dropped (with a warning) if unreachable, unless required. */
function enginesToRun(options: EachDatabaseOptions = {}): TestDatabaseEngine[] {
  const wanted = options.engines ?? ['sqlite', 'pg'];
  if (!wanted.includes('pg') || isPgReachable()) return wanted;
  if (pgRequired()) {
    throw new Error(`PostgreSQL is required (PORTICO_REQUIRE_PG=1) but unreachable at ${testPgUrl()}`);
  }
  if (!warned) {
    warned = true;
    console.warn(`PostgreSQL unreachable at ${testPgUrl()}: skipping the PostgreSQL runs (set PORTICO_REQUIRE_PG=1 to fail instead)`);
  }
  return wanted.filter(e => e !== 'pg');
}

/** A database name and its config, known before the database exists (jest describe is synchronous). */
function planDatabase(engine: TestDatabaseEngine): TestDatabase & { database?: string } {
  if (engine === 'sqlite') {
    const config: TestDatabaseConfig = { client: 'better-sqlite3', connection: ':memory:' };
    const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
    return { engine, knex, config };
  }
  // The run's id (set by the root jest config's globalSetup) lets its globalTeardown drop what a suite left behind.
  const run = /^[0-9a-f]{8}$/.test(process.env.PORTICO_TEST_RUN_ID ?? '') ? `${process.env.PORTICO_TEST_RUN_ID}_` : '';
  const database = `portico_test_${run}${randomBytes(6).toString('hex')}`;
  const connection = withDatabase(testPgUrl(), database);
  const knex = knexFactory({ client: 'pg', connection, pool: { min: 0, max: 3 } });
  return { engine, knex, config: { client: 'pg', connection }, database };
}

async function createPgDatabase(database: string): Promise<void> {
  const admin = knexFactory({ client: 'pg', connection: testPgUrl(), pool: { min: 0, max: 1 } });
  try {
    await admin.raw('CREATE DATABASE ??', [database]);
  } finally {
    await admin.destroy();
  }
}

async function dropPgDatabase(database: string): Promise<void> {
  const admin = knexFactory({ client: 'pg', connection: testPgUrl(), pool: { min: 0, max: 1 } });
  try {
    // FORCE: a backend the test forgot to stop must not keep the database alive.
    await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [database]);
  } finally {
    await admin.destroy();
  }
}

/** Creates one isolated test database; call `destroy()` when done. */
export async function createTestDatabase(engine: TestDatabaseEngine): Promise<TestDatabase & { destroy(): Promise<void> }> {
  const planned = planDatabase(engine);
  if (planned.database) await createPgDatabase(planned.database);
  return {
    engine: planned.engine,
    knex: planned.knex,
    config: planned.config,
    async destroy() {
      await planned.knex.destroy();
      if (planned.database) await dropPgDatabase(planned.database);
    },
  };
}

/**
 * Runs `fn` once per engine (SQLite always, PostgreSQL when reachable), each time in a fresh,
 * isolated database that is dropped afterwards. Use inside a test.
 */
export async function eachDatabase(
  fn: (db: TestDatabase) => Promise<void> | void,
  options?: EachDatabaseOptions,
): Promise<void> {
  for (const engine of enginesToRun(options)) {
    const db = await createTestDatabase(engine);
    try {
      await fn({ engine: db.engine, knex: db.knex, config: db.config });
    } catch (error) {
      if (error instanceof Error) error.message = `[${engine}] ${error.message}`;
      throw error;
    } finally {
      await db.destroy();
    }
  }
}

/**
 * Declares a `describe` block per engine, named `<name> (sqlite)` / `<name> (pg)`. The database is
 * created before the block's tests and dropped after them; `db` is ready to use inside tests and hooks.
 */
export function describeEachDatabase(
  name: string,
  fn: (db: TestDatabase) => void,
  options?: EachDatabaseOptions,
): void {
  for (const engine of enginesToRun(options)) {
    describe(`${name} (${engine})`, () => {
      const planned = planDatabase(engine);
      beforeAll(async () => {
        if (planned.database) await createPgDatabase(planned.database);
      });
      afterAll(async () => {
        await planned.knex.destroy();
        if (planned.database) await dropPgDatabase(planned.database);
      });
      fn({ engine: planned.engine, knex: planned.knex, config: planned.config });
    });
  }
}
