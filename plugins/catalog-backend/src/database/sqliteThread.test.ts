import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { runOnSqliteThread } from './sqliteThread';

describe('runOnSqliteThread', () => {
  let dir: string;
  let file: string;
  let knex: Knex;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-sqlite-thread-'));
    file = path.join(dir, 'db.sqlite');
    knex = knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
    await knex.raw('PRAGMA journal_mode = WAL');
    await knex.raw('CREATE TABLE t (v INTEGER)');
  });
  afterAll(async () => {
    await knex.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const count = async () => Number((await knex('t').count({ c: '*' }))[0].c);

  it('runs the plan in order, a group in one transaction, and reports each step once it has committed', async () => {
    const seen: Array<Promise<{ step: number; rows: number }>> = [];
    await runOnSqliteThread(
      file,
      [{ sql: 'INSERT INTO t VALUES (1)' }, [{ sql: 'INSERT INTO t VALUES (?)', params: [2] }, { sql: 'INSERT INTO t VALUES (3)' }], { sql: 'CREATE INDEX t_v ON t (v)' }],
      step => seen.push(count().then(rows => ({ step, rows }))),
    );
    const reports = await Promise.all(seen);
    // reported in order; by the time a report arrives its step is visible (later ones may be too)
    expect(reports.map(r => r.step)).toEqual([0, 1, 2]);
    expect(reports[0].rows).toBeGreaterThanOrEqual(1);
    expect(reports.slice(1).map(r => r.rows)).toEqual([3, 3]);
  });

  it('rejects naming the statement that failed; steps before it stay committed', async () => {
    const steps: number[] = [];
    await expect(runOnSqliteThread(file, [{ sql: 'INSERT INTO t VALUES (4)' }, { sql: 'INSERT INTO missing VALUES (1)' }], step => steps.push(step))).rejects.toThrow(
      'catalog (SQLite thread): no such table: missing',
    );
    expect(steps).toEqual([0]);
    expect((await knex('t').max({ m: 'v' }))[0].m).toBe(4);
  });
});
