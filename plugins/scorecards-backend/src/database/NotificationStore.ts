import { randomUUID } from 'node:crypto';
import type { NotificationKind, ScorecardNotification } from '@portico/plugin-scorecards-common';
import type { Knex } from 'knex';
import { chunk, MAX_ROWS_PER_INSERT, optionalIso, toIso } from './dbValues';

export type NewNotification = Omit<ScorecardNotification, 'id' | 'createdAt' | 'readAt'>;

function fromRow(row: Record<string, unknown>): ScorecardNotification {
  return {
    id: String(row.id),
    recipient: String(row.recipient),
    kind: row.kind as NotificationKind,
    title: String(row.title),
    body: String(row.body),
    ...(row.link ? { link: String(row.link) } : {}),
    createdAt: toIso(row.created_at),
    ...(optionalIso(row.read_at) ? { readAt: optionalIso(row.read_at) } : {}),
  };
}

/** The in-portal notification list, per user and group. */
export class NotificationStore {
  constructor(private readonly knex: Knex) {}

  async add(notifications: readonly NewNotification[], now: number): Promise<ScorecardNotification[]> {
    const rows = notifications.map(n => ({
      id: randomUUID(),
      recipient: n.recipient,
      kind: n.kind,
      title: n.title,
      body: n.body,
      link: n.link ?? null,
      created_at: now,
      read_at: null,
    }));
    for (const part of chunk(rows, MAX_ROWS_PER_INSERT)) await this.knex('notifications').insert(part);
    return rows.map(fromRow);
  }

  /** Newest first, for any of the recipients (a user and their groups). */
  async list(recipients: readonly string[], options: { unreadOnly?: boolean; limit?: number } = {}): Promise<ScorecardNotification[]> {
    const q = this.knex('notifications')
      .whereIn('recipient', [...recipients])
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }])
      .limit(options.limit ?? 100);
    if (options.unreadOnly) q.whereNull('read_at');
    return (await q).map(fromRow);
  }

  async get(id: string): Promise<ScorecardNotification | undefined> {
    const row = await this.knex('notifications').where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  async markRead(id: string, now: number): Promise<boolean> {
    return (await this.knex('notifications').where({ id }).update({ read_at: now })) > 0;
  }
}
