import type { DatabaseService } from '@portico/backend-plugin-api';
import type { EventsWritten } from '../metrics/MetricsService';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

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
}

/**
 * Rows per statement. SQLite allows 32,766 bound variables per statement and PostgreSQL 65,535; the widest table has
 * 16 columns as written (received_at included), so 500 rows stay well under SQLite's and 2,000 under PostgreSQL's
 * (a push batch of 1,000 is then one read and one upsert there).
 */
const CHUNK = 500;
const PG_CHUNK = 2000;

/**
 * The events store (`deployments`, `pull_requests`, `incidents`): idempotent upserts by (source, id). An item equal
 * to the stored one is a duplicate and not written; a new or changed one is written, replacing the earlier version.
 */
export class EventStore {
  constructor(private readonly knex: Knex) {}

  writeDeployments(rows: DeploymentRow[], now = Date.now()): Promise<WriteResult> {
    return this.write('deployment', rows, now);
  }

  writePullRequests(rows: PullRequestRow[], now = Date.now()): Promise<WriteResult> {
    return this.write('pullRequest', rows, now);
  }

  writeIncidents(rows: IncidentRow[], now = Date.now()): Promise<WriteResult> {
    return this.write('incident', rows, now);
  }

  /** Writes rows of one type; rows are expected unique by (source, id) (the validation refuses a batch that is not). */
  async write(type: EventType, rows: EventRow[], now = Date.now()): Promise<WriteResult> {
    const shape = TABLES[type];
    let accepted = 0;
    let duplicates = 0;
    // Per entity: the span of times touched, old versions of replaced rows included.
    const spans = new Map<string, { from: number; to: number }>();
    const touch = (entityRef: string, row: Record<string, unknown>) => {
      const times = shape.times.map(c => toNumber(row[c])).filter((t): t is number => t !== null);
      if (times.length === 0) return;
      const span = spans.get(entityRef) ?? { from: Infinity, to: -Infinity };
      span.from = Math.min(span.from, ...times);
      span.to = Math.max(span.to, ...times);
      spans.set(entityRef, span);
    };
    const size = this.chunkSize();
    for (let i = 0; i < rows.length; i += size) {
      const chunk = rows.slice(i, i + size) as unknown as Array<Record<string, unknown>>;
      await this.knex.transaction(async tx => {
        const existing = new Map<string, Record<string, unknown>>();
        const bySource = new Map<string, string[]>();
        for (const row of chunk) bySource.set(row.source as string, [...(bySource.get(row.source as string) ?? []), row.id as string]);
        for (const [source, ids] of bySource) {
          const found: Array<Record<string, unknown>> = await tx(shape.table).select('source', 'id', ...shape.columns).where('source', source).whereIn('id', ids);
          for (const row of found) existing.set(`${row.source}\u0000${row.id}`, row);
        }
        const changed: Array<Record<string, unknown>> = [];
        for (const row of chunk) {
          const before = existing.get(`${row.source}\u0000${row.id}`);
          if (before && sameRow(shape, before, row)) {
            duplicates++;
            continue;
          }
          accepted++;
          changed.push({ ...row, received_at: now });
          touch(row.entity_ref as string, row);
          // A replaced row's old times (and old entity, if it moved) must be recomputed too.
          if (before) touch(before.entity_ref as string, before);
        }
        if (changed.length > 0) await tx(shape.table).insert(changed).onConflict(['source', 'id']).merge();
      });
    }
    const changes: EventsWritten[] = [...spans].map(([entityRef, span]) => ({ entityRef, type, from: span.from, to: span.to }));
    return { accepted, duplicates, changes };
  }

  private chunkSize(): number {
    const client = String((this.knex.client as { config?: { client?: unknown } }).config?.client ?? '');
    return client === 'pg' || client === 'postgres' || client === 'postgresql' ? PG_CHUNK : CHUNK;
  }

  /**
   * Deletes events older than `cutoff` (epoch ms; deployments by finish, pull requests by creation, incidents by
   * opening), `batchSize` rows per statement so a large first clean-up never holds one long lock.
   */
  async deleteOlderThan(cutoff: number, batchSize = 1000): Promise<Record<EventType, number>> {
    const deleted: Record<EventType, number> = { deployment: 0, pullRequest: 0, incident: 0 };
    for (const type of Object.keys(TABLES) as EventType[]) {
      const { table } = TABLES[type];
      const column = RETENTION_COLUMN[type];
      for (;;) {
        const batch = this.knex(table).select('source', 'id').where(column, '<', cutoff).limit(batchSize);
        // Row-value IN keeps it one statement on both engines.
        const count = await this.knex(table).whereIn(['source', 'id'], batch).delete();
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
