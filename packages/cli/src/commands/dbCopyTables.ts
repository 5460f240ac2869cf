import type { Knex } from 'knex';
import { MIGRATIONS_TABLE, type DatabaseEngine } from '@portico/backend';

/** knex's bookkeeping (the host's names and knex's defaults): written by the target's own migrations, never copied. */
const MIGRATION_TABLES = new Set([MIGRATIONS_TABLE, `${MIGRATIONS_TABLE}_lock`, 'knex_migrations', 'knex_migrations_lock']);

/** The key of a SQLite full-text (virtual) table, which has no declared column for it. */
const ROWID = 'rowid';

export interface ColumnInfo {
  name: string;
  /** Lower case: SQLite's declared type, PostgreSQL's udt_name (`int8`, `bool`, `tsvector`, ...). */
  type: string;
}

export interface TableInfo {
  name: string;
  /** A SQLite virtual table (the catalog's fts5 full text): its key is the hidden rowid. */
  virtual: boolean;
  columns: ColumnInfo[];
  primaryKey: string[];
  /** Other tables of the same database its foreign keys point to. */
  references: string[];
}

/** One side of a copy: a plugin's database as the host opens it. */
export interface PluginDb {
  knex: Knex;
  engine: DatabaseEngine;
  /** The PostgreSQL schema (`<prefix><pluginId>`); undefined on SQLite. */
  schema?: string;
}

/** The tables of a plugin's database that hold its data: every table but knex's migration tables and SQLite's own. */
export async function describeTables(db: PluginDb): Promise<Map<string, TableInfo>> {
  return db.engine === 'pg' ? describePgTables(db.knex, db.schema!) : describeSqliteTables(db.knex);
}

async function describeSqliteTables(knex: Knex): Promise<Map<string, TableInfo>> {
  const rows = (await knex.raw("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")) as Array<{
    name: string;
    sql: string | null;
  }>;
  const virtual = rows.filter(r => /^\s*CREATE\s+VIRTUAL\s+TABLE/i.test(r.sql ?? '')).map(r => r.name);
  // fts5 keeps its index in shadow tables (`<table>_data`, `_idx`, ...), rebuilt by inserting into the virtual table
  const isShadow = (name: string) => virtual.some(v => name.startsWith(`${v}_`));
  const tables = new Map<string, TableInfo>();
  for (const { name } of rows) {
    if (MIGRATION_TABLES.has(name) || isShadow(name)) continue;
    const columns = (await knex.raw('PRAGMA table_info(??)', [name])) as Array<{ name: string; type: string; pk: number }>;
    const keys = (await knex.raw('PRAGMA foreign_key_list(??)', [name])) as Array<{ table: string }>;
    tables.set(name, {
      name,
      virtual: virtual.includes(name),
      columns: columns.map(c => ({ name: c.name, type: (c.type ?? '').toLowerCase() })),
      primaryKey: columns.filter(c => c.pk > 0).sort((a, b) => a.pk - b.pk).map(c => c.name),
      references: [...new Set(keys.map(k => k.table))],
    });
  }
  return tables;
}

async function describePgTables(knex: Knex, schema: string): Promise<Map<string, TableInfo>> {
  const names = (
    (await knex.raw("SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name", [schema])) as {
      rows: Array<{ table_name: string }>;
    }
  ).rows.map(r => r.table_name);
  const columns = (
    (await knex.raw('SELECT table_name, column_name, udt_name FROM information_schema.columns WHERE table_schema = ? ORDER BY table_name, ordinal_position', [schema])) as {
      rows: Array<{ table_name: string; column_name: string; udt_name: string }>;
    }
  ).rows;
  const keys = (
    (await knex.raw(
      `SELECT cl.relname AS table_name, a.attname AS column_name, k.ord
         FROM pg_constraint c
         JOIN pg_class cl ON cl.oid = c.conrelid
         JOIN pg_namespace n ON n.oid = cl.relnamespace
         CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = cl.oid AND a.attnum = k.attnum
        WHERE c.contype = 'p' AND n.nspname = ?
        ORDER BY cl.relname, k.ord`,
      [schema],
    )) as { rows: Array<{ table_name: string; column_name: string }> }
  ).rows;
  const references = (
    (await knex.raw(
      `SELECT cl.relname AS table_name, rc.relname AS referenced
         FROM pg_constraint c
         JOIN pg_class cl ON cl.oid = c.conrelid
         JOIN pg_class rc ON rc.oid = c.confrelid
         JOIN pg_namespace n ON n.oid = cl.relnamespace
        WHERE c.contype = 'f' AND n.nspname = ?`,
      [schema],
    )) as { rows: Array<{ table_name: string; referenced: string }> }
  ).rows;
  const tables = new Map<string, TableInfo>();
  for (const name of names) {
    if (MIGRATION_TABLES.has(name)) continue;
    tables.set(name, {
      name,
      virtual: false,
      columns: columns.filter(c => c.table_name === name).map(c => ({ name: c.column_name, type: c.udt_name.toLowerCase() })),
      primaryKey: keys.filter(k => k.table_name === name).map(k => k.column_name),
      references: [...new Set(references.filter(r => r.table_name === name).map(r => r.referenced))],
    });
  }
  return tables;
}

/** Rows of a table (0 for an empty one), for the empty-target check and the report. */
export async function countRows(knex: Knex, table: string): Promise<number> {
  const [row] = (await knex(table).count({ n: '*' })) as Array<{ n: number | string }>;
  return Number(row?.n ?? 0);
}

/**
 * The tables in an order where each comes after the tables its foreign keys point to (a table referring to
 * itself is fine on SQLite, whose checks wait for the commit). Tables that refer to each other in a cycle
 * cannot be ordered; they come last and are named in `cycle`.
 */
export function orderByForeignKeys(tables: TableInfo[]): { order: TableInfo[]; cycle: string[] } {
  const byName = new Map(tables.map(t => [t.name, t]));
  const done = new Set<string>();
  const order: TableInfo[] = [];
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (const table of tables) {
      if (done.has(table.name)) continue;
      if (table.references.every(r => r === table.name || done.has(r) || !byName.has(r))) {
        done.add(table.name);
        order.push(table);
        progressed = true;
      }
    }
  }
  const cycle = tables.filter(t => !done.has(t.name));
  return { order: [...order, ...cycle], cycle: cycle.map(t => t.name) };
}

/** How a source table's columns land in the target's: `[source column, target column]` pairs. */
export function mapColumns(source: TableInfo, target: TableInfo): { pairs: Array<[string, string]>; unmatched: string[] } {
  const targetNames = new Set(target.columns.map(c => c.name));
  const sourceNames = source.columns.map(c => c.name);
  const pairs: Array<[string, string]> = [];
  const unmatched: string[] = [];
  for (const name of sourceNames) {
    if (targetNames.has(name)) pairs.push([name, name]);
    else unmatched.push(name);
  }
  // Full text: SQLite keys its virtual table by the hidden rowid, PostgreSQL by a declared primary key column.
  if (source.virtual && !target.virtual) {
    const key = target.primaryKey.length === 1 && !sourceNames.includes(target.primaryKey[0]!) ? target.primaryKey[0]! : undefined;
    if (key) pairs.push([ROWID, key]);
    else unmatched.push(ROWID);
  } else if (!source.virtual && target.virtual) {
    const key = source.primaryKey.length === 1 && unmatched.includes(source.primaryKey[0]!) ? source.primaryKey[0]! : undefined;
    if (key) {
      unmatched.splice(unmatched.indexOf(key), 1);
      pairs.push([key, ROWID]);
    }
  } else if (source.virtual && target.virtual) {
    pairs.push([ROWID, ROWID]);
  }
  return { pairs, unmatched };
}

/** Deletes every row of the given tables (children before parents). */
export async function clearTables(trx: Knex.Transaction, engine: DatabaseEngine, tables: TableInfo[]): Promise<void> {
  if (tables.length === 0) return;
  if (engine === 'pg') {
    await trx.raw(`TRUNCATE TABLE ${tables.map(() => '??').join(', ')}`, tables.map(t => t.name));
    return;
  }
  for (const table of [...tables].reverse()) await trx(table.name).delete();
}

export interface CopyTableOptions {
  source: PluginDb;
  target: PluginDb;
  trx: Knex.Transaction;
  sourceTable: TableInfo;
  targetTable: TableInfo;
  pairs: Array<[string, string]>;
  batchSize: number;
}

/** Most bound values in one INSERT (PostgreSQL allows 65535, SQLite 32766). */
const MAX_BINDINGS = 30_000;

/** Copies one table in batches; returns the rows copied. */
export async function copyTable(options: CopyTableOptions): Promise<number> {
  const { source, target, trx, sourceTable, targetTable, pairs, batchSize } = options;
  const targetTypes = new Map(targetTable.columns.map(c => [c.name, c.type]));
  const sourceTypes = new Map(sourceTable.columns.map(c => [c.name, c.type]));
  const select = pairs.map(([from, to], i) => selectExpression(source, from, sourceTypes.get(from), targetTypes.get(to), `c${i}`));
  const perInsert = Math.max(1, Math.floor(MAX_BINDINGS / Math.max(1, pairs.length)));
  let copied = 0;
  let lastRowid: number | undefined;
  for (;;) {
    const query = source.knex(sourceTable.name).select(select.map(s => source.knex.raw(s.sql, s.bindings))).limit(batchSize);
    if (source.engine === 'sqlite') {
      // every SQLite table the host creates has a rowid: walk it, each batch starting where the last ended
      query.select(source.knex.raw('rowid AS ??', ['__rowid'])).orderBy('rowid');
      if (lastRowid !== undefined) query.where('rowid', '>', lastRowid);
    } else {
      const order = sourceTable.primaryKey.length ? sourceTable.primaryKey : ['ctid'];
      query.orderBy(order).offset(copied);
    }
    const rows = (await query) as Array<Record<string, unknown>>;
    if (rows.length === 0) break;
    const values = rows.map(row => {
      const out: Record<string, unknown> = {};
      pairs.forEach(([, to], i) => (out[to] = toTarget(row[`c${i}`], target.engine, targetTypes.get(to))));
      return out;
    });
    for (let i = 0; i < values.length; i += perInsert) await trx(targetTable.name).insert(values.slice(i, i + perInsert));
    copied += rows.length;
    if (source.engine === 'sqlite') lastRowid = Number(rows[rows.length - 1]!['__rowid']);
    if (rows.length < batchSize) break;
  }
  return copied;
}

/** The source column as selected: PostgreSQL full text becomes its words when the target keeps plain text. */
function selectExpression(source: PluginDb, column: string, sourceType: string | undefined, targetType: string | undefined, alias: string) {
  if (source.engine === 'pg' && sourceType === 'tsvector' && targetType !== 'tsvector') {
    return { sql: "array_to_string(tsvector_to_array(??), ' ') AS ??", bindings: [column, alias] };
  }
  return { sql: '?? AS ??', bindings: [column, alias] };
}

/** A value as the target engine's driver takes it (better-sqlite3 binds only numbers, strings, bigints, buffers and null). */
function toTarget(value: unknown, engine: DatabaseEngine, targetType: string | undefined): unknown {
  if (value === undefined || value === null) return null;
  if (engine === 'sqlite') {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'object' && !Buffer.isBuffer(value)) return JSON.stringify(value);
    return value;
  }
  // PostgreSQL parses what pg sends as text by the column's type: 0/1 are booleans, words are a tsvector
  if (targetType === 'bool' && typeof value === 'number') return value !== 0;
  return value;
}

/** PostgreSQL: moves each serial/identity sequence of the table past the largest key copied. */
export async function resetSequences(trx: Knex.Transaction, schema: string, table: string): Promise<void> {
  const { rows } = (await trx.raw(
    `SELECT column_name, pg_get_serial_sequence(format('%I.%I', table_schema, table_name), column_name) AS seq
       FROM information_schema.columns WHERE table_schema = ? AND table_name = ?`,
    [schema, table],
  )) as { rows: Array<{ column_name: string; seq: string | null }> };
  for (const { column_name: column, seq } of rows) {
    if (!seq) continue;
    await trx.raw('SELECT setval(?::regclass, COALESCE((SELECT MAX(??) FROM ??), 0) + 1, false)', [seq, column, table]);
  }
}
