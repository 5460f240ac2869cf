import type { Knex } from 'knex';
import type { HistoryWrite } from './catalogRecords';

/** Reads of catalog_history (written with each batch by `EntityWriter`). */
export class HistoryStore {
  constructor(private readonly knex: Knex) {}

  async getHistory(entityRef: string, limit: number): Promise<Array<HistoryWrite & { id: number }>> {
    const rows = await this.knex('catalog_history').where('entity_ref', entityRef).orderBy('id', 'desc').limit(limit);
    return rows.map(r => ({ id: Number(r.id), entityRef: r.entity_ref, action: r.action, source: r.source ?? null, diff: r.diff, at: Number(r.at) }));
  }
}
