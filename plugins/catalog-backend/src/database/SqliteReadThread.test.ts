import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { requestActivity } from '@portico/backend-plugin-api';
import { SqliteDialect } from './SqliteDialect';
import { ReadThreadUnavailable, SqliteReadThread } from './SqliteReadThread';

describe('SqliteDialect reads on a SQLite file', () => {
  let dir: string;
  let knex: Knex;
  let dialect: SqliteDialect;
  const ended: Array<() => void> = [];
  /** As many HTTP requests in flight as the host would count. */
  const inFlight = (n: number) => {
    for (let i = 0; i < n; i++) ended.push(requestActivity.started());
  };

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-read-thread-'));
    knex = knexFactory({ client: 'better-sqlite3', connection: { filename: path.join(dir, 'catalog.sqlite') }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
    await knex.raw('PRAGMA journal_mode = WAL');
    await knex.schema.createTable('t', table => {
      table.integer('id').primary();
      table.text('name');
    });
    await knex('t').insert({ id: 1, name: 'committed' });
    dialect = new SqliteDialect(knex);
  });

  afterEach(async () => {
    for (const end of ended.splice(0)) end();
    await dialect.close();
    await knex.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Holds the main connection in a write transaction (SQLite's pool has one) until the returned function is called. */
  async function holdMainConnection(): Promise<{ commit(): Promise<void> }> {
    let release!: () => void;
    const released = new Promise<void>(resolve => (release = resolve));
    let began!: () => void;
    const begun = new Promise<void>(resolve => (began = resolve));
    const done = knex.transaction(async trx => {
      await trx('t').insert({ id: 2, name: 'uncommitted' });
      began();
      await released;
    });
    await begun;
    return {
      commit: async () => {
        release();
        await done;
      },
    };
  }

  it('answers on its own thread while other requests are in flight, from the last committed state, without waiting for a write', async () => {
    inFlight(2);
    const write = await holdMainConnection();
    try {
      // the main connection is held: only the thread can answer before the commit
      const rows = await dialect.read(knex, 'SELECT id, name FROM t WHERE id >= ? ORDER BY id', [1]);
      expect(rows).toEqual([{ id: 1, name: 'committed' }]);
      expect(await dialect.read(knex, 'SELECT COUNT(*) AS c FROM t WHERE ? = 1', [true])).toEqual([{ c: 1 }]); // booleans bound as 0/1
    } finally {
      await write.commit();
    }
    // the thread's next statement sees what was committed meanwhile
    expect(await dialect.read(knex, 'SELECT id FROM t ORDER BY id', [])).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('reads on the main connection with one request in flight, after the write holding it', async () => {
    inFlight(1);
    const write = await holdMainConnection();
    let answered = false;
    const read = dialect.read(knex, 'SELECT id FROM t ORDER BY id', []).then(rows => {
      answered = true;
      return rows;
    });
    await new Promise(resolve => setImmediate(resolve));
    expect(answered).toBe(false); // waiting for the connection
    await write.commit();
    expect(await read).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('reports a statement that fails as the main connection does (the thread hands it back)', async () => {
    inFlight(2);
    const outcome = await dialect.read(knex, 'SELECT x FROM nowhere', []).then(rows => ({ rows }), (error: Error) => ({ error: error.message }));
    expect(outcome).toEqual({ error: expect.stringMatching(/no such table: nowhere/) });
    // and the thread still answers the next read
    expect(await dialect.read(knex, 'SELECT name FROM t', [])).toEqual([{ name: 'committed' }]);
  });

  it('runs every read on the main connection once closed', async () => {
    inFlight(2);
    await dialect.close();
    const write = await holdMainConnection();
    const read = dialect.read(knex, 'SELECT COUNT(*) AS c FROM t', []);
    await write.commit();
    expect(await read).toEqual([{ c: 2 }]);
  });
});

describe('SqliteReadThread', () => {
  it('hands every read back when its thread cannot open the file', async () => {
    const thread = new SqliteReadThread(path.join(os.tmpdir(), 'portico-no-such-dir', 'missing.sqlite'));
    await expect(thread.read('SELECT 1', [])).rejects.toBeInstanceOf(ReadThreadUnavailable);
    expect(thread.usable).toBe(false);
    await expect(thread.read('SELECT 1', [])).rejects.toBeInstanceOf(ReadThreadUnavailable);
    await thread.close();
  });
});
