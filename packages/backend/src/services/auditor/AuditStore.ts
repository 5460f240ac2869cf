import type { Knex } from 'knex';
import type { DatabaseMigration } from '@portico/backend-plugin-api';
import type { AuditEventRecord } from '@portico/permission-common';
import { InputError } from '@portico/errors';

export const auditMigrations: DatabaseMigration[] = [
  {
    name: '20261206_001_audit_events',
    async up(knex) {
      await knex.schema.createTable('audit_events', table => {
        table.increments('seq').primary();
        table.string('id', 36).notNullable().unique();
        // ISO 8601 UTC, fixed width, so it sorts and compares as text on every engine.
        table.string('time', 24).notNullable();
        table.string('plugin', 64).notNullable();
        table.string('action', 255).notNullable();
        table.string('actor', 255).notNullable();
        table.string('actor_type', 16).notNullable();
        table.string('resource_ref', 512);
        table.string('outcome', 16).notNullable();
        table.string('severity', 16).notNullable();
        table.integer('status');
        table.string('request_id', 128);
        table.string('method', 16);
        table.string('path', 2048);
        table.text('meta');
        table.index(['time']);
        table.index(['actor', 'seq']);
        table.index(['action', 'seq']);
        table.index(['resource_ref', 'seq']);
      });
    },
  },
];

interface AuditRow {
  seq: number;
  id: string;
  time: string;
  plugin: string;
  action: string;
  actor: string;
  actor_type: AuditEventRecord['actorType'];
  resource_ref: string | null;
  outcome: AuditEventRecord['outcome'];
  severity: AuditEventRecord['severity'];
  status: number | null;
  request_id: string | null;
  method: string | null;
  path: string | null;
  meta: string | null;
}

export interface AuditQuery {
  actor?: string;
  /** An action, or a prefix ending in `*` (`catalog.*`). */
  action?: string;
  resource?: string;
  plugin?: string;
  outcome?: AuditEventRecord['outcome'];
  /** Only events at or after this time. */
  since?: Date;
  cursor?: string;
  limit: number;
}

const encodeCursor = (seq: number) => Buffer.from(JSON.stringify({ seq }), 'utf8').toString('base64url');
function decodeCursor(cursor: string): number {
  try {
    const { seq } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { seq?: unknown };
    if (typeof seq === 'number' && Number.isInteger(seq) && seq > 0) return seq;
  } catch {
    // falls through to the error below
  }
  throw new InputError('query.cursor: not a cursor this endpoint gave out');
}

function fromRow(row: AuditRow): AuditEventRecord {
  return {
    id: row.id,
    time: row.time,
    plugin: row.plugin,
    action: row.action,
    actor: row.actor,
    actorType: row.actor_type,
    ...(row.resource_ref ? { resourceRef: row.resource_ref } : {}),
    outcome: row.outcome,
    severity: row.severity,
    ...(row.status !== null ? { status: Number(row.status) } : {}),
    ...(row.request_id ? { requestId: row.request_id } : {}),
    ...(row.method ? { method: row.method } : {}),
    ...(row.path ? { path: row.path } : {}),
    ...(row.meta ? { meta: JSON.parse(row.meta) } : {}),
  };
}

const clip = (value: string | undefined, max: number) => (value === undefined ? null : value.slice(0, max));

/** The audit events, in the audit plugin's database: appended, then read newest first. */
export class AuditStore {
  constructor(private readonly knex: Knex) {}

  async insert(event: AuditEventRecord): Promise<void> {
    await this.knex('audit_events').insert({
      id: event.id,
      time: event.time,
      plugin: clip(event.plugin, 64),
      action: clip(event.action, 255),
      actor: clip(event.actor, 255),
      actor_type: event.actorType,
      resource_ref: clip(event.resourceRef, 512),
      outcome: event.outcome,
      severity: event.severity,
      status: event.status ?? null,
      request_id: clip(event.requestId, 128),
      method: clip(event.method, 16),
      path: clip(event.path, 2048),
      meta: event.meta && Object.keys(event.meta).length > 0 ? JSON.stringify(event.meta) : null,
    });
  }

  /** Removes the events recorded before `before` (the retention window), in batches; returns how many. */
  async deleteOlderThan(before: Date, batchSize = 5000): Promise<number> {
    const cutoff = before.toISOString();
    let deleted = 0;
    for (;;) {
      // by seq in batches, so a large backlog never holds one long lock on the table
      const seqs = (await this.knex('audit_events').where('time', '<', cutoff).orderBy('seq').limit(batchSize).pluck('seq')) as number[];
      if (seqs.length === 0) return deleted;
      deleted += await this.knex('audit_events').whereIn('seq', seqs).delete();
      if (seqs.length < batchSize) return deleted;
    }
  }

  /** A page of events, newest first, and the cursor of the next (older) page. */
  async query(query: AuditQuery): Promise<{ items: AuditEventRecord[]; nextCursor?: string }> {
    const q = this.knex<AuditRow>('audit_events').select('*');
    if (query.actor) q.where('actor', query.actor);
    if (query.action?.endsWith('*')) {
      q.whereRaw(`action like ? escape '\\'`, [`${query.action.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%`]);
    }
    else if (query.action) q.where('action', query.action);
    if (query.resource) q.where('resource_ref', query.resource);
    if (query.plugin) q.where('plugin', query.plugin);
    if (query.outcome) q.where('outcome', query.outcome);
    if (query.since) q.where('time', '>=', query.since.toISOString());
    if (query.cursor) q.where('seq', '<', decodeCursor(query.cursor));
    const rows = await q.orderBy('seq', 'desc').limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    return {
      items: page.map(fromRow),
      ...(rows.length > query.limit ? { nextCursor: encodeCursor(Number(page[page.length - 1].seq)) } : {}),
    };
  }
}
