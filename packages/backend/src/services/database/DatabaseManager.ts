import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { ConfigError } from '@portico/errors';
import type { ConfigService, DatabaseMigration, DatabaseService, LoggerService } from '@portico/backend-plugin-api';
import { acquireDataDir, releaseDataDir } from './dataDirLock';
import { ensurePgDatabase } from './ensurePgDatabase';
import { runMigrations } from './runMigrations';

export type DatabaseEngine = 'sqlite' | 'pg';

export interface DatabaseManagerOptions {
  /** Overrides `backend.dataDir` resolution (default: relative to process.cwd()). */
  cwd?: string;
  logger?: LoggerService;
  /** Overrides `backend.database.pool` (PostgreSQL), e.g. for the scheduler's small pool. */
  pool?: { min?: number; max?: number };
}

const DEFAULT_PREFIX = 'portico_';

type KnexFactory = typeof import('knex');
let knexFactory: KnexFactory | undefined;

/**
 * knex (and through it the dialect) is loaded with the first client rather than with the host: loading it
 * takes about 100 ms of CPU, which the start of a backend whose plugins open no database (or not yet: the
 * server is listening before any plugin init) need not pay.
 */
function createKnex(config: Knex.Config): Knex {
  knexFactory ??= require('knex') as KnexFactory;
  return knexFactory(config);
}

interface SqliteStatement {
  readonly busy: boolean;
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  pragma(sql: string): unknown;
}

/** How many prepared statements each SQLite connection keeps (least recently used dropped first). */
export const SQLITE_STATEMENT_CACHE_SIZE = 500;

/**
 * Makes `conn.prepare` answer a statement prepared earlier for the same SQL text. knex's better-sqlite3 client
 * prepares every query again (parse and plan, 0.1 ms for a one-row lookup, as much as running it); the queries of
 * the hot paths (the personal access token of every request, scorecard results, the scheduler's claims) are a few
 * dozen texts. A statement still running (`busy`: an open `iterate()`) is not handed out twice; a fresh one is
 * prepared. SQLite re-prepares a cached statement by itself after a schema change. Statement modes (`raw`,
 * `pluck`, `expand`, `safeIntegers`) would stick to a shared statement: nothing here sets them.
 */
export function cacheSqliteStatements<C extends { prepare(sql: string): SqliteStatement }>(conn: C, max = SQLITE_STATEMENT_CACHE_SIZE): C {
  const prepare = conn.prepare.bind(conn);
  const statements = new Map<string, SqliteStatement>();
  conn.prepare = (sql: string) => {
    const cached = statements.get(sql);
    if (cached && !cached.busy) {
      statements.delete(sql); // most recently used last
      statements.set(sql, cached);
      return cached;
    }
    const statement = prepare(sql);
    if (!cached) {
      if (statements.size >= max) statements.delete(statements.keys().next().value as string);
      statements.set(sql, statement);
    }
    return statement;
  };
  return conn;
}

/** Reads `backend.database` and `backend.dataDir`; one knex per plugin; closes them all on shutdown. */
export class DatabaseManager {
  private readonly clients = new Map<string, { knex: Knex; ready: Promise<void> }>();
  private closed = false;
  readonly engine: DatabaseEngine;
  private readonly connection: unknown;
  private readonly prefix: string;
  private readonly dataDir: string;
  private readonly pool: { min?: number; max?: number };
  private readonly ensureExists: boolean;
  /** PostgreSQL: `max_parallel_workers_per_gather` of every connection (`backend.database.parallelWorkersPerQuery`). */
  private readonly parallelWorkersPerQuery: number;
  /** The database named in the connection exists (or was created): checked once, before the first schema. */
  private databaseChecked?: Promise<void>;
  /** The SQLite directory this manager holds the lock of (one Portico process per directory). */
  private lockedDir?: string;

  static fromConfig(config: ConfigService, options: DatabaseManagerOptions = {}): DatabaseManager {
    return new DatabaseManager(config, options);
  }

  private constructor(
    config: ConfigService,
    private readonly options: DatabaseManagerOptions,
  ) {
    const client = config.getOptionalString('backend.database.client') ?? 'better-sqlite3';
    if (client !== 'better-sqlite3' && client !== 'pg') {
      throw new ConfigError(`Invalid config at 'backend.database.client': expected 'better-sqlite3' or 'pg', got '${client}'`);
    }
    this.engine = client === 'pg' ? 'pg' : 'sqlite';
    this.connection = config.getOptional('backend.database.connection');
    this.prefix = config.getOptionalString('backend.database.prefix') ?? DEFAULT_PREFIX;
    this.pool = { ...(config.getOptional<{ min?: number; max?: number }>('backend.database.pool') ?? {}), ...options.pool };
    this.ensureExists = config.getOptionalBoolean('backend.database.ensureExists') ?? false;
    const workers = config.getOptionalNumber('backend.database.parallelWorkersPerQuery') ?? 0;
    if (!Number.isInteger(workers) || workers < 0) {
      throw new ConfigError(`Invalid config at 'backend.database.parallelWorkersPerQuery': expected a whole number of 0 or more, got ${workers}`);
    }
    this.parallelWorkersPerQuery = workers;
    this.dataDir = path.resolve(options.cwd ?? process.cwd(), config.getOptionalString('backend.dataDir') ?? './data');
    if (this.engine === 'pg' && this.connection === undefined) {
      throw new ConfigError(`Missing required config value at 'backend.database.connection' (needed for client 'pg')`);
    }
  }

  /**
   * What the host checks before any plugin starts: on PostgreSQL that the database exists (or is created,
   * with `ensureExists`), on SQLite files that no other instance holds the data directory.
   */
  async checkDatabase(): Promise<void> {
    if (this.engine === 'pg') {
      this.databaseChecked ??= ensurePgDatabase(this.connection, { create: this.ensureExists, logger: this.options.logger });
      await this.databaseChecked;
      return;
    }
    const filename = this.sqliteFilename('portico');
    if (filename === ':memory:' || this.lockedDir) return;
    acquireDataDir(path.dirname(filename));
    this.lockedDir = path.dirname(filename);
  }

  /** The PostgreSQL schema of a plugin: `<prefix><pluginId>`. */
  schemaName(name: string): string {
    return `${this.prefix}${name}`;
  }

  /** The SQLite file of a plugin, or ':memory:'. */
  sqliteFilename(name: string): string {
    const conn = this.connection;
    const filename =
      typeof conn === 'string' ? conn : typeof conn === 'object' && conn !== null ? (conn as { filename?: unknown }).filename : undefined;
    if (filename === ':memory:') return ':memory:';
    if (typeof filename === 'string' && filename.length > 0) {
      // A configured file path: one file per plugin next to it, `<base>-<pluginId><ext>`.
      const resolved = path.resolve(this.options.cwd ?? process.cwd(), filename);
      const ext = path.extname(resolved) || '.sqlite';
      return path.join(path.dirname(resolved), `${path.basename(resolved, path.extname(resolved))}-${name}${ext}`);
    }
    return path.join(this.dataDir, `${name}.sqlite`);
  }

  /** The knex of a plugin's database; one per plugin, created on first use. */
  getClient(name: string): Promise<Knex> {
    if (this.closed) return Promise.reject(new Error(`Database connections are closed; cannot open '${name}'`));
    let entry = this.clients.get(name);
    if (!entry) {
      try {
        entry = this.engine === 'pg' ? this.createPg(name) : this.createSqlite(name);
      } catch (error) {
        return Promise.reject(error); // a data directory another instance holds
      }
      this.clients.set(name, entry);
      // A failed setup is retried on the next call.
      entry.ready.catch(() => {
        if (this.clients.get(name) === entry) {
          this.clients.delete(name);
          void entry!.knex.destroy().catch(() => undefined);
        }
      });
    }
    const { knex, ready } = entry;
    return ready.then(() => knex);
  }

  private createSqlite(name: string): { knex: Knex; ready: Promise<void> } {
    const filename = this.sqliteFilename(name);
    if (filename !== ':memory:') {
      fs.mkdirSync(path.dirname(filename), { recursive: true });
      if (!this.lockedDir) {
        acquireDataDir(path.dirname(filename));
        this.lockedDir = path.dirname(filename);
      }
    }
    const knex = createKnex({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        // An in-memory database lives as long as its one connection.
        idleTimeoutMillis: Number.MAX_SAFE_INTEGER,
        afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) {
          try {
            cacheSqliteStatements(conn);
            if (filename !== ':memory:') {
              // A file just created holds nothing to lose: switching it to WAL without syncing spares the fsyncs of
              // the switch (the default portal's first start creates eight files; 10-40 ms each on an ext4 disk).
              if (fs.statSync(filename).size === 0) conn.pragma('synchronous = OFF');
              conn.pragma('journal_mode = WAL');
              // in WAL mode NORMAL is still crash-safe (only a power loss may drop the last commits)
              // and spares an fsync per commit
              conn.pragma('synchronous = NORMAL');
            }
            conn.pragma('busy_timeout = 5000');
            conn.pragma('foreign_keys = ON');
            done(null, conn);
          } catch (error) {
            done(error as Error, conn);
          }
        },
      },
    });
    return { knex, ready: Promise.resolve() };
  }

  private createPg(name: string): { knex: Knex; ready: Promise<void> } {
    const schema = this.schemaName(name);
    const knex = createKnex({
      client: 'pg',
      // A copy: knex may add fields to a connection object, and config must stay as loaded.
      connection: (typeof this.connection === 'object' ? { ...this.connection } : this.connection) as
        | Knex.StaticConnectionConfig
        | string,
      searchPath: [schema],
      // While PostgreSQL is unreachable a request fails (503) within this rather than knex's 60 s.
      acquireConnectionTimeout: 10_000,
      pool: {
        min: this.pool.min ?? 0,
        max: this.pool.max ?? 5,
        idleTimeoutMillis: 30_000,
        // PostgreSQL's default of two parallel workers per query starts worker processes for a catalog page or a facet:
        // at 100,000 entities a by-query page took 58 ms with them and 3 ms without, and under concurrent requests
        // (bench/load) the workers only compete with the other queries for the same cores.
        afterCreate: (conn: { query(sql: string, done: (error: Error | null) => void): void }, done: (error: Error | null, conn: unknown) => void) => {
          conn.query(`SET max_parallel_workers_per_gather = ${this.parallelWorkersPerQuery}`, error => done(error, conn));
        },
      },
    });
    this.databaseChecked ??= ensurePgDatabase(this.connection, { create: this.ensureExists, logger: this.options.logger });
    const ready = this.databaseChecked.then(() => ensureSchema(knex, schema));
    return { knex, ready };
  }

  /** The DatabaseService handed to one plugin. */
  forPlugin(pluginId: string): DatabaseService {
    return {
      engine: this.engine,
      getClient: () => this.getClient(pluginId),
      migrate: async (migrations: DatabaseMigration[]) => {
        const knex = await this.getClient(pluginId);
        const schemaName = this.engine === 'pg' ? this.schemaName(pluginId) : undefined;
        await runMigrations(knex, migrations, {
          schemaName,
          // Several instances share one PostgreSQL database: runMigrations lets one migrate a schema at a time.
          logger: this.options.logger?.child({ plugin: pluginId }),
        });
      },
    };
  }

  /**
   * Whether the database answers `select 1` within `timeoutMs`, through a plugin's pool (so a pool that
   * cannot connect says so). Undefined when nothing is open yet or on SQLite, whose file is always there.
   */
  async ping(timeoutMs = 1500): Promise<{ status: 'up' | 'down'; message?: string } | undefined> {
    if (this.engine !== 'pg' || this.closed) return undefined;
    const entry = this.clients.values().next().value as { knex: Knex; ready: Promise<void> } | undefined;
    if (!entry) return undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        entry.knex.raw('select 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return { status: 'up' };
    } catch (error) {
      return { status: 'down', message: `PostgreSQL is unreachable: ${(error as Error)?.message ?? error}` };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes every connection; later getClient calls fail. Called by the host after shutdown hooks. */
  async shutdown(): Promise<void> {
    this.closed = true;
    const entries = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(entries.map(e => e.knex.destroy().catch(() => undefined)));
    if (this.lockedDir) releaseDataDir(this.lockedDir);
    this.lockedDir = undefined;
  }
}

async function ensureSchema(knex: Knex, schema: string): Promise<void> {
  try {
    await knex.raw('CREATE SCHEMA IF NOT EXISTS ??', [schema]);
  } catch (error) {
    // Two backends creating the same schema at once: one of them loses the race, harmlessly.
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') throw error;
  }
}
