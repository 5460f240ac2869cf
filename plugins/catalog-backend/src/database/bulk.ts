import type { Knex } from 'knex';

/** The two engines differ only in how rows are sent in bulk. */
export type Engine = 'sqlite' | 'pg';

interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}

export function engineOf(knex: Knex): Engine {
  const client = String((knex.client as { config?: { client?: unknown } }).config?.client ?? '');
  return client === 'pg' || client === 'postgres' || client === 'postgresql' ? 'pg' : 'sqlite';
}

const SQLITE_CHUNK = 50;

/**
 * Inserts many rows in as few round trips as possible: prepared multi-row statements on SQLite
 * (the connection is in-process, so a prepared statement is the fastest path), one `unnest`
 * statement per call on PostgreSQL.
 */
export async function insertMany(
  trx: Knex.Transaction | Knex,
  engine: Engine,
  table: string,
  columns: Array<{ name: string; pgType: string }>,
  rows: unknown[][],
  options?: { ignoreConflicts?: boolean },
): Promise<number> {
  if (rows.length === 0) return 0;
  const cols = columns.map(c => `"${c.name}"`).join(', ');
  const onConflict = options?.ignoreConflicts ? ' ON CONFLICT DO NOTHING' : '';
  if (engine === 'pg') {
    const arrays = columns.map((_, i) => rows.map(r => r[i] ?? null));
    const unnest = columns.map(c => `?::${c.pgType}[]`).join(', ');
    const res = await trx.raw(`INSERT INTO "${table}" (${cols}) SELECT * FROM unnest(${unnest})${onConflict}`, arrays as Knex.RawBinding[]);
    return Number((res as { rowCount?: number }).rowCount ?? rows.length);
  }
  const conn = (await trx.client.acquireConnection()) as SqliteConnection;
  let written = 0;
  try {
    const one = `(${columns.map(() => '?').join(', ')})`;
    const full = conn.prepare(`INSERT INTO "${table}" (${cols}) VALUES ${Array(SQLITE_CHUNK).fill(one).join(', ')}${onConflict}`);
    let i = 0;
    for (; i + SQLITE_CHUNK <= rows.length; i += SQLITE_CHUNK) {
      const params: unknown[] = [];
      for (let j = i; j < i + SQLITE_CHUNK; j++) for (const v of rows[j]) params.push(v ?? null);
      written += full.run(...params).changes;
    }
    if (i < rows.length) {
      const single = conn.prepare(`INSERT INTO "${table}" (${cols}) VALUES ${one}${onConflict}`);
      for (; i < rows.length; i++) written += single.run(...rows[i].map(v => v ?? null)).changes;
    }
  } finally {
    if (!('isTransaction' in trx && trx.isTransaction)) await trx.client.releaseConnection(conn);
  }
  return written;
}

/** Deletes rows whose `column` is one of `values`, in chunks that fit any engine's parameter limit. */
export async function deleteWhereIn(
  trx: Knex.Transaction | Knex,
  engine: Engine,
  table: string,
  column: string,
  values: Array<string | number>,
  pgType: 'text' | 'bigint' = 'text',
): Promise<void> {
  if (values.length === 0) return;
  if (engine === 'pg') {
    await trx.raw(`DELETE FROM "${table}" WHERE "${column}" = ANY(?::${pgType}[])`, [values as Knex.RawBinding]);
    return;
  }
  for (let i = 0; i < values.length; i += 500) {
    await trx(table).whereIn(column, values.slice(i, i + 500)).delete();
  }
}

/** Selects rows whose `column` is one of `values`, chunked. */
export async function selectWhereIn<T>(
  knex: Knex | Knex.Transaction,
  table: string,
  columns: string[],
  column: string,
  values: string[],
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < values.length; i += 500) {
    const rows = await knex(table).select(columns).whereIn(column, values.slice(i, i + 500));
    out.push(...(rows as T[]));
  }
  return out;
}
