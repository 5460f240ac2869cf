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
