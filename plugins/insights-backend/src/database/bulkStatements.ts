import { databaseEngineOf, type DatabaseService } from '@portico/backend-plugin-api';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;
type Transaction = Parameters<Parameters<Knex['transaction']>[0]>[0];

/** A column's PostgreSQL type, as json_to_recordset reads it from a JSON row. */
export type ColumnType = 'text' | 'bigint' | 'integer' | 'boolean';

/** A better-sqlite3 prepared statement. */
export interface SqliteStatement {
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): unknown;
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}

/** Per SQLite connection, its prepared statements by SQL text. */
const prepared = new WeakMap<object, Map<string, SqliteStatement>>();

export const quote = (name: string) => `"${name}"`;

/** The knex client's engine: PostgreSQL or SQLite (better-sqlite3), the two the plugin runs on. */
export function engineOf(db: Knex | Transaction): 'pg' | 'sqlite' {
  const client = String((db.client as { config?: { client?: unknown } }).config?.client ?? '');
  if (databaseEngineOf(db) === 'pg') return 'pg';
  if (client === 'better-sqlite3') return 'sqlite';
  throw new Error(`The insights plugin runs on PostgreSQL (pg) or SQLite (better-sqlite3), not on a '${client}' knex client`);
}

const isPg = (trx: Transaction) => engineOf(trx) === 'pg';

/**
 * The statement `sql` on the transaction's SQLite connection, prepared once per connection (better-sqlite3 is
 * synchronous: a cached statement run row by row is cheaper than building a multi-row one).
 */
export async function sqlitePrepared(trx: Transaction, sql: string): Promise<SqliteStatement> {
  const connection = (await trx.client.acquireConnection()) as SqliteConnection;
  let statements = prepared.get(connection);
  if (!statements) prepared.set(connection, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) statements.set(sql, (statement = connection.prepare(sql)));
  return statement;
}

/** Runs one SQLite statement per row, prepared once per connection. */
async function runPerRow(trx: Transaction, sql: string, rows: Array<Record<string, unknown>>, columns: string[]): Promise<void> {
  const statement = await sqlitePrepared(trx, sql);
  for (const row of rows) {
    // better-sqlite3 binds no booleans
    statement.run(...columns.map(c => (typeof row[c] === 'boolean' ? (row[c] ? 1 : 0) : (row[c] ?? null))));
  }
}

/**
 * Inserts rows into `table`, replacing the row of an existing `key`, inside a transaction: on PostgreSQL one statement
 * with the rows as one JSON parameter (no bound-variable limit, nothing for knex to build); on SQLite one prepared
 * statement run per row. `columns` names every column written, with its type.
 */
export async function upsertRows(trx: Transaction, table: string, columns: Record<string, ColumnType>, key: string[], rows: Array<Record<string, unknown>>): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(columns);
  const set = names.filter(c => !key.includes(c)).map(c => `${quote(c)} = excluded.${quote(c)}`);
  const conflict = `ON CONFLICT (${key.map(quote).join(', ')}) DO ${set.length ? `UPDATE SET ${set.join(', ')}` : 'NOTHING'}`;
  if (isPg(trx)) {
    const types = names.map(c => `${quote(c)} ${columns[c]}`).join(', ');
    await trx.raw(`INSERT INTO ${quote(table)} (${names.map(quote).join(', ')}) SELECT * FROM json_to_recordset(?::json) AS r(${types}) ${conflict}`, [JSON.stringify(rows)]);
  } else {
    await runPerRow(trx, `INSERT INTO ${quote(table)} (${names.map(quote).join(', ')}) VALUES (${names.map(() => '?').join(', ')}) ${conflict}`, rows, names);
  }
}

/**
 * Deletes the rows of each entity whose `column` lies within its range (inclusive), inside a transaction: one
 * statement on PostgreSQL, one prepared statement per entity on SQLite.
 */
export async function deleteEntityRanges(trx: Transaction, table: string, column: string, ranges: Array<{ entityRef: string; from: number; to: number }>): Promise<void> {
  if (ranges.length === 0) return;
  const rows = ranges.map(r => ({ entity_ref: r.entityRef, lo: r.from, hi: r.to }));
  if (isPg(trx)) {
    await trx.raw(
      `DELETE FROM ${quote(table)} t USING json_to_recordset(?::json) AS r("entity_ref" text, "lo" bigint, "hi" bigint) ` +
        `WHERE t."entity_ref" = r."entity_ref" AND t.${quote(column)} BETWEEN r."lo" AND r."hi"`,
      [JSON.stringify(rows)],
    );
  } else {
    await runPerRow(trx, `DELETE FROM ${quote(table)} WHERE "entity_ref" = ? AND ${quote(column)} BETWEEN ? AND ?`, rows, ['entity_ref', 'lo', 'hi']);
  }
}
