import type { Knex } from 'knex';
import { chunk, MAX_ROWS_PER_INSERT } from './dbValues';

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/**
 * Inserts rows with multi-row VALUES statements, optionally as an upsert (`on conflict ... do update`),
 * the same SQL on SQLite and PostgreSQL. Faster to prepare than knex's compound SELECT on SQLite.
 * Booleans are bound as 1/0, which both engines accept for boolean columns.
 */
export async function bulkInsert(
  db: Knex | Knex.Transaction,
  table: string,
  rows: ReadonlyArray<Record<string, unknown>>,
  options: { conflict?: string[]; update?: string[] } = {},
): Promise<void> {
  if (rows.length === 0) return;
  if (options.conflict) {
    // Upserts take their row locks in the order of the VALUES list: writers that all go in key order cannot
    // deadlock each other on PostgreSQL (two evaluations of overlapping entities did, in opposite orders).
    const key = (r: Record<string, unknown>) => options.conflict!.map(c => String(r[c] ?? '')).join('\u0000');
    rows = [...rows].sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
  }
  const columns = Object.keys(rows[0]);
  const row = `(${columns.map(() => '?').join(', ')})`;
  let suffix = '';
  if (options.conflict) {
    const update = options.update ?? columns.filter(c => !options.conflict!.includes(c));
    suffix = ` on conflict (${options.conflict.map(quote).join(', ')}) do update set ${update.map(c => `${quote(c)} = excluded.${quote(c)}`).join(', ')}`;
  }
  for (const part of chunk(rows, MAX_ROWS_PER_INSERT)) {
    const bindings: unknown[] = [];
    for (const r of part) {
      for (const c of columns) {
        const v = r[c];
        bindings.push(v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v);
      }
    }
    const sql = `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values ${part.map(() => row).join(', ')}${suffix}`;
    await db.raw(sql, bindings as Knex.RawBinding[]);
  }
}

/** PostgreSQL's deadlock and serialization failures: the transaction was rolled back and may simply be run again. */
const RETRYABLE = new Set(['40P01', '40001']);

/**
 * Runs a transaction again (up to `attempts` times, with a short random pause) when PostgreSQL rolled it back for a
 * deadlock or a serialization failure; `fn` must start from scratch each time (it is the whole transaction).
 */
export async function retryOnDeadlock<T>(fn: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const code = (error as { code?: unknown })?.code;
      if (attempt >= attempts || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
      await new Promise(resolve => setTimeout(resolve, 20 * attempt + Math.random() * 50));
    }
  }
}
