import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { describeEachDatabase } from '@portico/test-utils';
import type { DatabaseMigration } from '@portico/backend-plugin-api';
import { ConfigReader } from '../config/ConfigReader';
import { BackendState } from '../../wiring/BackendState';
import { cacheSqliteStatements, DatabaseManager } from './DatabaseManager';
import { databaseServiceFactory } from './databaseServiceFactory';

const migrations: DatabaseMigration[] = [
  {
    name: '20261127_002_add_note',
    up: async knex => {
      await knex.schema.alterTable('items', t => t.string('note'));
    },
  },
  {
    name: '20261127_001_init',
    up: async knex => {
      await knex.schema.createTable('items', t => {
        t.string('id').primary();
      });
    },
  },
];

describeEachDatabase('database service', db => {
  let manager: DatabaseManager;
  beforeAll(() => {
    manager = DatabaseManager.fromConfig(new ConfigReader({ backend: { database: db.config } }));
  });
  afterAll(() => manager.shutdown());

  it('runs migrations in name order and only once', async () => {
    const catalog = manager.forPlugin('catalog');
    expect(catalog.engine).toBe(db.engine);
    await catalog.migrate(migrations);
    await catalog.migrate(migrations);
    const knex = await catalog.getClient();
    await knex('items').insert({ id: 'a', note: 'hello' });
    expect(await knex('items').select('id', 'note')).toEqual([{ id: 'a', note: 'hello' }]);
    const applied = await knex('portico_migrations').select('name').orderBy('name');
    expect(applied.map(r => r.name)).toEqual(['20261127_001_init', '20261127_002_add_note']);
  });

  it('gives each plugin its own database: same table names do not collide', async () => {
    const a = manager.forPlugin('plugin-a');
    const b = manager.forPlugin('plugin-b');
    await a.migrate(migrations);
    await b.migrate(migrations.slice(1));
    const ka = await a.getClient();
    const kb = await b.getClient();
    await ka('items').insert({ id: 'only-in-a', note: 'x' });
    expect(await kb('items').select('id')).toEqual([]);
    expect(await kb.schema.hasColumn('items', 'note')).toBe(false);
    expect(await ka.schema.hasColumn('items', 'note')).toBe(true);
    expect(await a.getClient()).toBe(ka);
  });

  it('enforces foreign keys', async () => {
    const p = manager.forPlugin('fk');
    await p.migrate([
      {
        name: '001',
        up: async (knex: Knex) => {
          await knex.schema.createTable('parents', t => t.string('id').primary());
          await knex.schema.createTable('children', t => {
            t.string('id').primary();
            t.string('parent_id').notNullable().references('id').inTable('parents');
          });
        },
      },
    ]);
    const knex = await p.getClient();
    const outcome = await knex('children')
      .insert({ id: 'c', parent_id: 'missing' })
      .then(
        () => 'inserted',
        (error: Error) => error.message,
      );
    expect([outcome, await knex('children').select('id')]).toEqual([expect.stringMatching(/foreign key/i), []]);
  });

  if (db.engine === 'pg') {
    it('puts each plugin in its own schema named <prefix><pluginId>', async () => {
      await manager.forPlugin('schemas-check').migrate(migrations.slice(1));
      const rows = await db.knex('information_schema.tables')
        .select('table_schema')
        .where({ table_name: 'items' })
        .orderBy('table_schema');
      expect(rows.map(r => r.table_schema)).toEqual(
        expect.arrayContaining(['portico_catalog', 'portico_plugin-a', 'portico_plugin-b', 'portico_schemas-check']),
      );
    });

    it('accepts a connection object as well as a URL', async () => {
      const url = new URL(db.config.connection);
      const connection = { host: url.hostname, port: Number(url.port || 5432), user: url.username, database: url.pathname.slice(1) };
      const config = new ConfigReader({ backend: { database: { client: 'pg', connection } } });
      const other = DatabaseManager.fromConfig(config);
      try {
        await other.forPlugin('catalog').migrate(migrations);
        const knex = await other.forPlugin('catalog').getClient();
        expect(await knex('items').pluck('id')).toEqual(['a']);
        expect(config.get('backend.database.connection')).toEqual(connection);
      } finally {
        await other.shutdown();
      }
    });

    it('runs queries without parallel workers unless backend.database.parallelWorkersPerQuery allows some', async () => {
      const setting = async (manager: DatabaseManager) => {
        const knex = await manager.forPlugin('catalog').getClient();
        return (await knex.raw('SHOW max_parallel_workers_per_gather')).rows[0].max_parallel_workers_per_gather;
      };
      // PostgreSQL's own default is 2
      expect(await setting(manager)).toBe('0');
      const other = DatabaseManager.fromConfig(new ConfigReader({ backend: { database: { ...db.config, parallelWorkersPerQuery: 3 } } }));
      try {
        expect(await setting(other)).toBe('3');
      } finally {
        await other.shutdown();
      }
    });

    it('lets two backends migrate the same plugin at once', async () => {
      const other = DatabaseManager.fromConfig(new ConfigReader({ backend: { database: db.config } }));
      try {
        await Promise.all([manager.forPlugin('race').migrate(migrations), other.forPlugin('race').migrate(migrations)]);
        const knex = await other.forPlugin('race').getClient();
        expect(await knex('portico_migrations').count({ n: '*' })).toEqual([{ n: '2' }]);
      } finally {
        await other.shutdown();
      }
    });
  }
});

describe('database service on SQLite files', () => {
  it('stores each plugin in <dataDir>/<pluginId>.sqlite with WAL and synchronous=NORMAL', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-db-'));
    const manager = DatabaseManager.fromConfig(new ConfigReader({ backend: { dataDir } }));
    try {
      const knex = await manager.forPlugin('catalog').getClient();
      await knex.schema.createTable('t', t => t.integer('x'));
      expect(fs.existsSync(path.join(dataDir, 'catalog.sqlite'))).toBe(true);
      const [mode] = await knex.raw('PRAGMA journal_mode');
      expect(mode.journal_mode).toBe('wal');
      const [sync] = await knex.raw('PRAGMA synchronous');
      expect(sync.synchronous).toBe(1); // NORMAL: no fsync per commit, still crash-safe in WAL mode
    } finally {
      await manager.shutdown();
    }
  });

  it('derives per-plugin files from a configured file path', () => {
    const manager = DatabaseManager.fromConfig(
      new ConfigReader({ backend: { database: { client: 'better-sqlite3', connection: '/var/portico/portico.db' } } }),
    );
    expect(manager.sqliteFilename('catalog')).toBe('/var/portico/portico-catalog.db');
  });

  it('closes every connection on shutdown and refuses new ones', async () => {
    const manager = DatabaseManager.fromConfig(new ConfigReader({ backend: { database: { connection: ':memory:' } } }));
    const knex = await manager.forPlugin('x').getClient();
    await manager.shutdown();
    await expect(knex.raw('select 1')).rejects.toThrow();
    await expect(manager.forPlugin('x').getClient()).rejects.toThrow(/closed/);
  });

  it('reuses prepared statements across knex queries, and sees schema changes and new rows', async () => {
    const manager = DatabaseManager.fromConfig(new ConfigReader({ backend: { database: { connection: ':memory:' } } }));
    try {
      const knex = await manager.forPlugin('x').getClient();
      await knex.schema.createTable('t', t => t.integer('x'));
      const conn = (await knex.client.acquireConnection()) as { prepare(sql: string): unknown };
      await knex.client.releaseConnection(conn);
      const sql = knex('t').select('*').orderBy('x').toSQL().toNative().sql;
      expect(conn.prepare(sql)).toBe(conn.prepare(sql));
      await knex('t').insert({ x: 1 });
      expect(await knex('t').select('*').orderBy('x')).toEqual([{ x: 1 }]);
      await knex('t').insert({ x: 2 });
      expect(await knex('t').select('*').orderBy('x')).toEqual([{ x: 1 }, { x: 2 }]);
      // the cached `select *` is planned again by SQLite after the table changed
      await knex.schema.alterTable('t', t => t.string('note'));
      expect(await knex('t').select('*').orderBy('x')).toEqual([{ x: 1, note: null }, { x: 2, note: null }]);
    } finally {
      await manager.shutdown();
    }
  });

  it('caches statements up to a bound, least recently used out first, and never hands out a busy one', () => {
    let prepared = 0;
    const statements: Array<{ sql: string; busy: boolean }> = [];
    const conn = cacheSqliteStatements(
      {
        prepare: (sql: string) => {
          prepared++;
          const statement = { sql, busy: false };
          statements.push(statement);
          return statement;
        },
      },
      2,
    );
    const a = conn.prepare('a');
    expect(conn.prepare('a')).toBe(a);
    conn.prepare('b');
    conn.prepare('a'); // a is now the most recently used
    conn.prepare('c'); // evicts b
    expect(prepared).toBe(3);
    expect(conn.prepare('a')).toBe(a);
    conn.prepare('b');
    expect(prepared).toBe(4);
    a.busy = true; // an open iterate()
    const fresh = conn.prepare('a');
    expect(fresh).not.toBe(a);
    expect(prepared).toBe(5);
    a.busy = false;
    expect(conn.prepare('a')).toBe(a);
  });

  it('refuses pg without a connection', () => {
    expect(() => DatabaseManager.fromConfig(new ConfigReader({ backend: { database: { client: 'pg' } } }))).toThrow(
      /backend\.database\.connection/,
    );
  });
});

describe('databaseServiceFactory', () => {
  it('builds a root context once and a database per plugin', async () => {
    const config = new ConfigReader({ backend: { database: { connection: ':memory:' } } });
    const manager = (await databaseServiceFactory.createRootContext!({ config, logger: undefined, state: new BackendState() })) as DatabaseManager;
    try {
      const service = await databaseServiceFactory.factory({ pluginMetadata: { getId: () => 'one' } }, manager);
      expect(service.engine).toBe('sqlite');
      expect(await (await service.getClient()).raw('select 1 as x')).toEqual([{ x: 1 }]);
    } finally {
      await manager.shutdown();
    }
  });
});
