import type { Knex } from 'knex';

/** One committed chunk of a write, as its transaction recorded it: the refs it wrote and removed. */
export interface OutboxRecord {
  id: number;
  upserted: string[];
  removed: string[];
}

/**
 * catalog_change_outbox: each write transaction records what it changed in the same transaction, so a
 * change event survives a crash between commit and publish. Rows are deleted once published; whatever is
 * left at start was never published and is published then.
 */
export class ChangeOutbox {
  constructor(private readonly knex: Knex) {}

  /** Inside the write's transaction: returns the row's id. */
  async record(trx: Knex.Transaction, change: { upserted: string[]; removed: string[] }, at: number): Promise<number> {
    const rows = (await trx('catalog_change_outbox').insert(
      { upserted: JSON.stringify(change.upserted), removed: JSON.stringify(change.removed), created_at: at },
      ['id'],
    )) as Array<{ id: number | string } | number>;
    const first = rows[0];
    return Number(typeof first === 'object' ? first.id : first);
  }

  /** The oldest changes not yet published, `limit` rows at most; with `before`, only those recorded earlier. */
  async undelivered(limit: number, before?: number): Promise<OutboxRecord[]> {
    const query = this.knex('catalog_change_outbox').select('id', 'upserted', 'removed').orderBy('id').limit(limit);
    if (before !== undefined) query.where('created_at', '<', before);
    const rows = await query;
    return rows.map(r => ({ id: Number(r.id), upserted: JSON.parse(r.upserted) as string[], removed: JSON.parse(r.removed) as string[] }));
  }

  async markDelivered(ids: readonly number[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) await this.knex('catalog_change_outbox').whereIn('id', ids.slice(i, i + 500)).delete();
  }
}
