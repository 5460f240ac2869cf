import { randomUUID } from 'node:crypto';
import type { DatabaseService } from '@portico/backend-plugin-api';
import type { EventsWritten } from '../metrics/MetricsService';
import { chunks } from '../metrics/rows';
import { engineOf, quote, sqlitePrepared, upsertRows, type ColumnType } from './bulkStatements';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;
type Transaction = Parameters<Parameters<Knex['transaction']>[0]>[0];

/** The three event tables and how their rows are compared and placed in time. */
export type EventType = EventsWritten['type'];

/** A row of `deployments`, as written (times in epoch ms). */
export interface DeploymentRow {
  source: string;
  id: string;
  entity_ref: string;
  environment: string;
  version: string | null;
  commit_sha: string | null;
  status: string;
  started_at: number | null;
  finished_at: number;
  hotfix: boolean;
}

/** A row of `pull_requests` (reviewers as a JSON array of logins). */
export interface PullRequestRow {
  source: string;
  id: string;
  entity_ref: string;
  number: number;
  title: string | null;
  url: string | null;
  author: string | null;
  reviewers: string | null;
  created_at: number;
  first_review_at: number | null;
  merged_at: number | null;
  additions: number | null;
  deletions: number | null;
  deployed_in: string | null;
  first_commit_at: number | null;
}

/** A row of `incidents`. */
export interface IncidentRow {
  source: string;
  id: string;
  entity_ref: string;
  opened_at: number;
  resolved_at: number | null;
  severity: string | null;
}

export type EventRow = DeploymentRow | PullRequestRow | IncidentRow;

interface TableShape {
  table: string;
  /** The columns compared to tell an exact re-send (a duplicate) from a changed item. */
  columns: readonly string[];
  booleans: readonly string[];
  numbers: readonly string[];
  /** The time columns: the earliest and latest of them place a change for the rollups. */
  times: readonly string[];
}

const TABLES: Record<EventType, TableShape> = {
  deployment: {
    table: 'deployments',
    columns: ['entity_ref', 'environment', 'version', 'commit_sha', 'status', 'started_at', 'finished_at', 'hotfix'],
    booleans: ['hotfix'],
    numbers: ['started_at', 'finished_at'],
    times: ['started_at', 'finished_at'],
  },
  pullRequest: {
    table: 'pull_requests',
    columns: ['entity_ref', 'number', 'title', 'url', 'author', 'reviewers', 'created_at', 'first_review_at', 'merged_at', 'additions', 'deletions', 'deployed_in', 'first_commit_at'],
    booleans: [],
    numbers: ['number', 'created_at', 'first_review_at', 'merged_at', 'additions', 'deletions', 'first_commit_at'],
    times: ['created_at', 'first_review_at', 'merged_at', 'first_commit_at'],
  },
  incident: {
    table: 'incidents',
    columns: ['entity_ref', 'opened_at', 'resolved_at', 'severity'],
    booleans: [],
    numbers: ['opened_at', 'resolved_at'],
    times: ['opened_at', 'resolved_at'],
  },
};

/** The column whose age decides retention: an event leaves the store when this is older than the cutoff. */
const RETENTION_COLUMN: Record<EventType, string> = { deployment: 'finished_at', pullRequest: 'created_at', incident: 'opened_at' };

/** What a write did: new or changed items (accepted), exact re-sends (duplicates), and what the rollups must redo. */
export interface WriteResult {
  accepted: number;
  duplicates: number;
  changes: EventsWritten[];
  /**
   * The write's id in `insights_pending_updates`, where its changes were recorded in the same transaction as the
   * events (absent when nothing changed): clear it (`clearPending`) once the rollups took the changes.
   */
  pending?: string;
}

/** A change recorded in `insights_pending_updates` that the rollups have not taken yet. */
export interface PendingChange extends EventsWritten {
  /** The write that recorded it. */
  batch: string;
}

const PENDING_COLUMNS: Record<string, ColumnType> = { batch: 'text', entity_ref: 'text', type: 'text', from_at: 'bigint', to_at: 'bigint', created_at: 'bigint' };

/**
 * Rows per PostgreSQL statement (one JSON parameter, so no bound-variable limit applies; a push batch of 1,000 is
 * one statement).
 */
const PG_CHUNK = 2000;

/**
 * The events store (`deployments`, `pull_requests`, `incidents`): idempotent upserts by (source, id). An item equal
 * to the stored one is a duplicate and not written; a new or changed one is written, replacing the earlier version.
 *
 * On PostgreSQL a chunk of rows is one statement with one parameter (the rows as JSON): the stored versions are read
 * in the same snapshot as the upsert, and the upsert skips rows equal to them (`IS DISTINCT FROM`). On SQLite
 * (better-sqlite3, synchronous) each row is one cached prepared read and, when it changed, one prepared upsert, all
 * in one transaction: cheaper than building and preparing multi-row statements of thousands of parameters.
 */
export class EventStore {
  private readonly engine: 'pg' | 'sqlite';

  constructor(private readonly knex: Knex) {
    this.engine = engineOf(knex);
  }

  writeDeployments(rows: DeploymentRow[], now = Date.now()): Promise<WriteResult> {
    return this.write('deployment', rows, now);
  }

  writePullRequests(rows: PullRequestRow[], now = Date.now()): Promise<WriteResult> {
    return this.write('pullRequest', rows, now);
  }

  writeIncidents(rows: IncidentRow[], now = Date.now()): Promise<WriteResult> {
    return this.write('incident', rows, now);
  }

  /**
   * Writes rows of one type; rows are expected unique by (source, id) (the validation refuses a batch that is not).
   * The changes are recorded in `insights_pending_updates` in the same transaction, so a process that dies before
   * the rollups took them leaves them for the next start.
   */
  async write(type: EventType, rows: EventRow[], now = Date.now()): Promise<WriteResult> {
    const shape = TABLES[type];
    const spans = new Spans(shape);
    const list = rows as unknown as StoredRow[];
    if (list.length === 0) return { accepted: 0, duplicates: 0, changes: [] };
    const batch = randomUUID();
    const { accepted, changes } = await this.knex.transaction(async trx => {
      let count = 0;
      if (this.engine === 'pg') {
        for (const chunk of chunks(list, PG_CHUNK)) count += await this.upsertPg(trx, type, chunk, now, spans);
      } else {
        count = await this.upsertSqlite(trx, type, list, now, spans);
      }
      const touched = spans.changes(type);
      await recordPending(trx, batch, touched, now);
      return { accepted: count, changes: touched };
    });
    return { accepted, duplicates: rows.length - accepted, changes, ...(changes.length ? { pending: batch } : {}) };
  }

  /**
   * The oldest changes whose rollup update has not completed (recorded before `before`, epoch ms, when given), at
   * most `limit`.
   */
  async readPending(options: { limit: number; before?: number }): Promise<PendingChange[]> {
    const query = this.knex('insights_pending_updates').select('batch', 'entity_ref', 'type', 'from_at', 'to_at').orderBy([{ column: 'created_at' }, { column: 'batch' }, { column: 'entity_ref' }]).limit(options.limit);
    if (options.before !== undefined) query.where('created_at', '<', options.before);
    const rows = (await query) as Array<{ batch: string; entity_ref: string; type: EventType; from_at: unknown; to_at: unknown }>;
    return rows.map(r => ({ batch: r.batch, entityRef: r.entity_ref, type: r.type, from: Number(r.from_at), to: Number(r.to_at) }));
  }

  /** Forgets pending changes the rollups took: whole writes (by id) or single changes (by write and entity). */
  async clearPending(done: Array<string | { batch: string; entityRef: string }>): Promise<void> {
    const batches = done.filter((d): d is string => typeof d === 'string');
    const single = done.filter((d): d is { batch: string; entityRef: string } => typeof d !== 'string').map(d => [d.batch, d.entityRef]);
    for (const chunk of chunks(batches, 500)) await this.knex('insights_pending_updates').whereIn('batch', chunk).delete();
    for (const chunk of chunks(single, 500)) await this.knex('insights_pending_updates').whereIn(['batch', 'entity_ref'], chunk).delete();
  }

  /** One statement: the stored versions (same snapshot), the upsert of rows that differ, and what it wrote. */
  private async upsertPg(trx: Transaction, type: EventType, rows: StoredRow[], now: number, spans: Spans): Promise<number> {
    const result = await trx.raw(pgUpsertSql(type), [JSON.stringify(rows), now]);
    const written = result.rows as StoredRow[];
    const byKey = new Map(rows.map(row => [keyOf(row), row]));
    for (const old of written) {
      spans.touch(byKey.get(keyOf(old))!);
      // A replaced row's old times (and old entity, if it moved) must be recomputed too.
      if (old.entity_ref !== null) spans.touch(old);
    }
    return written.length;
  }

  /** Each row read by key and compared; only new or changed rows are written (in the write's transaction). */
  private async upsertSqlite(tx: Transaction, type: EventType, rows: StoredRow[], now: number, spans: Spans): Promise<number> {
    const shape = TABLES[type];
    const { select: selectSql, upsert: upsertSql } = sqliteSql(type);
    const select = await sqlitePrepared(tx, selectSql);
    const upsert = await sqlitePrepared(tx, upsertSql);
    let accepted = 0;
    for (const row of rows) {
      const before = select.get(row.source, row.id) as StoredRow | undefined;
      if (before && sameRow(shape, before, row)) continue;
      upsert.run(...sqliteValues(shape, row, now));
      accepted++;
      spans.touch(row);
      if (before) spans.touch(before);
    }
    return accepted;
  }

  /**
   * Deletes events older than `cutoff` (epoch ms; deployments by finish, pull requests by creation, incidents by
   * opening), `batchSize` rows per statement so a large first clean-up never holds one long lock. A deleted pull
   * request's shipment (`insights_pr_shipments`, its lead time) goes with it in the same transaction: a PR created
   * before the cutoff but shipped after it would otherwise still count in lead time while `/events` no longer lists
   * it. (The metrics' other derived rows go by the same times as their events: `MetricsService.retentionApplied`.)
   */
  async deleteOlderThan(cutoff: number, batchSize = 1000): Promise<Record<EventType, number>> {
    const deleted: Record<EventType, number> = { deployment: 0, pullRequest: 0, incident: 0 };
    for (const type of Object.keys(TABLES) as EventType[]) {
      const { table } = TABLES[type];
      const column = RETENTION_COLUMN[type];
      for (;;) {
        let count: number;
        if (type === 'pullRequest') {
          count = await this.knex.transaction(async (trx): Promise<number> => {
            const keys = (await trx(table).select('source', 'id').where(column, '<', cutoff).limit(batchSize)).map((r: { source: string; id: string }) => [r.source, r.id]);
            if (keys.length === 0) return 0;
            await trx('insights_pr_shipments').whereIn(['source', 'id'], keys).delete();
            return Number(await trx(table).whereIn(['source', 'id'], keys).where(column, '<', cutoff).delete());
          });
        } else {
          const batch = this.knex(table).select('source', 'id').where(column, '<', cutoff).limit(batchSize);
          // Row-value IN keeps it one statement on both engines.
          count = await this.knex(table).whereIn(['source', 'id'], batch).delete();
        }
        deleted[type] += count;
        if (count < batchSize) break;
      }
    }
    return deleted;
  }

  /** Counts rows per table (for tests and the start-up log). */
  async counts(): Promise<Record<EventType, number>> {
    const result = {} as Record<EventType, number>;
    for (const type of Object.keys(TABLES) as EventType[]) {
      const [{ n }] = await this.knex(TABLES[type].table).count({ n: '*' });
      result[type] = Number(n);
    }
    return result;
  }
}

type StoredRow = Record<string, unknown> & { source: string; id: string; entity_ref: string };

/** Records a write's changes as pending, inside the write's transaction. */
async function recordPending(trx: Transaction, batch: string, changes: EventsWritten[], now: number): Promise<void> {
  const rows = changes.map(c => ({ batch, entity_ref: c.entityRef, type: c.type, from_at: c.from, to_at: c.to, created_at: now }));
  await upsertRows(trx, 'insights_pending_updates', PENDING_COLUMNS, ['batch', 'entity_ref'], rows);
}

const keyOf = (row: { source: unknown; id: unknown }) => `${row.source}\u0000${row.id}`;

/** Per entity, the span of times a write touched (old versions of replaced rows included). */
class Spans {
  private readonly byEntity = new Map<string, { from: number; to: number }>();

  constructor(private readonly shape: TableShape) {}

  touch(row: Record<string, unknown>): void {
    let span: { from: number; to: number } | undefined;
    for (const column of this.shape.times) {
      const t = toNumber(row[column]);
      if (t === null) continue;
      const entityRef = row.entity_ref as string;
      span ??= this.byEntity.get(entityRef);
      if (!span) this.byEntity.set(entityRef, (span = { from: t, to: t }));
      if (t < span.from) span.from = t;
      if (t > span.to) span.to = t;
    }
  }

  changes(type: EventType): EventsWritten[] {
    return [...this.byEntity].map(([entityRef, span]) => ({ entityRef, type, from: span.from, to: span.to }));
  }
}

/** The PostgreSQL types of the columns, as json_to_recordset reads them. */
const PG_TYPES: Record<string, string> = {
  hotfix: 'boolean',
  number: 'integer',
  additions: 'integer',
  deletions: 'integer',
};

const pgSql = new Map<EventType, string>();
const sqliteSqlByType = new Map<EventType, { select: string; upsert: string }>();

/** The SQLite read of one stored row by key, and the upsert of one row (`?`s in sqliteValues' order). */
function sqliteSql(type: EventType): { select: string; upsert: string } {
  let sql = sqliteSqlByType.get(type);
  if (sql) return sql;
  const { table, columns } = TABLES[type];
  const all = ['source', 'id', ...columns, 'received_at'];
  sql = {
    select: `SELECT ${['source', 'id', ...columns].map(quote).join(', ')} FROM ${quote(table)} WHERE "source" = ? AND "id" = ?`,
    upsert:
      `INSERT INTO ${quote(table)} (${all.map(quote).join(', ')}) VALUES (${all.map(() => '?').join(', ')}) ` +
      `ON CONFLICT ("source", "id") DO UPDATE SET ${[...columns, 'received_at'].map(c => `${quote(c)} = excluded.${quote(c)}`).join(', ')}`,
  };
  sqliteSqlByType.set(type, sql);
  return sql;
}

/**
 * The PostgreSQL upsert of one chunk: `?` 1 is the rows as a JSON array, `?` 2 the received time. Every sub-statement
 * sees the same snapshot, so `old` holds the versions stored before this statement; the upsert writes a conflicting
 * row only when it differs, and the answer is one row per row written (its old entity and times; null when new).
 */
function pgUpsertSql(type: EventType): string {
  let sql = pgSql.get(type);
  if (sql) return sql;
  const { table, columns, numbers } = TABLES[type];
  const all = ['source', 'id', ...columns];
  const typeOf = (c: string) => PG_TYPES[c] ?? (numbers.includes(c) ? 'bigint' : 'text');
  const t = quote(table);
  const times = ['entity_ref', ...TABLES[type].times];
  const row = (alias: string) => `(${columns.map(c => `${alias}.${quote(c)}`).join(', ')})`;
  sql = [
    `WITH input AS (SELECT * FROM json_to_recordset(?::json) AS i(${all.map(c => `${quote(c)} ${typeOf(c)}`).join(', ')})),`,
    `old AS (SELECT ${all.map(c => `s.${quote(c)}`).join(', ')} FROM ${t} s JOIN input i ON s."source" = i."source" AND s."id" = i."id"),`,
    `written AS (INSERT INTO ${t} (${[...all, 'received_at'].map(quote).join(', ')})`,
    `SELECT ${all.map(c => `i.${quote(c)}`).join(', ')}, ?::bigint FROM input i LEFT JOIN old o ON o."source" = i."source" AND o."id" = i."id"`,
    // An equal row is left alone (not even locked); the conflict clause's own check covers a row another
    // transaction wrote after this statement's snapshot.
    `WHERE o."id" IS NULL OR ${row('o')} IS DISTINCT FROM ${row('i')}`,
    `ON CONFLICT ("source", "id") DO UPDATE SET ${[...columns, 'received_at'].map(c => `${quote(c)} = excluded.${quote(c)}`).join(', ')}`,
    `WHERE ${row(t)} IS DISTINCT FROM ${row('excluded')}`,
    `RETURNING "source", "id")`,
    `SELECT w."source", w."id", ${times.map(c => `o.${quote(c)}`).join(', ')} FROM written w LEFT JOIN old o ON o."source" = w."source" AND o."id" = w."id"`,
  ].join('\n');
  pgSql.set(type, sql);
  return sql;
}

/** A row's values in the SQLite upsert's order (booleans as 0/1: better-sqlite3 binds no booleans). */
function sqliteValues(shape: TableShape, row: StoredRow, now: number): unknown[] {
  const values: unknown[] = [row.source, row.id];
  for (const column of shape.columns) {
    const value = row[column] ?? null;
    values.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
  }
  values.push(now);
  return values;
}

function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' ? value : Number(value);
}

/** Compares a stored row to a new one, reading PostgreSQL's bigint strings and SQLite's 0/1 booleans alike. */
function sameRow(shape: TableShape, stored: Record<string, unknown>, row: Record<string, unknown>): boolean {
  return shape.columns.every(column => {
    const a = stored[column];
    const b = row[column];
    if (shape.booleans.includes(column)) return Boolean(a) === Boolean(b);
    if (shape.numbers.includes(column)) return toNumber(a) === toNumber(b);
    return (a ?? null) === (b ?? null);
  });
}
