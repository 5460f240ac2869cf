import type { Fact, JsonValue } from '@portico/plugin-scorecards-common';
import type { Knex } from 'knex';
import { bulkInsert, retryOnDeadlock } from './bulkInsert';
import { chunk, toIso, toMillis } from './dbValues';

export interface FactWrite {
  entityRef: string;
  name: string;
  value: JsonValue;
  source: string;
  collectedAt: number;
}

export interface StoredFact {
  value: JsonValue;
  source: string;
  collectedAt: number;
  /** The value as stored JSON text, for cheap comparisons. */
  json: string;
}

/** Latest facts per entity, plus their history for the configured retention. */
export class FactStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Stores facts as the latest values and appends them to the history. `within` runs in the same transaction (it
   * may run again if the transaction is retried): what the facts cause is recorded with them or not at all.
   */
  async writeFacts(facts: readonly FactWrite[], within?: (tx: Knex.Transaction) => Promise<void>): Promise<void> {
    if (facts.length === 0) return;
    const rows = facts.map(f => ({
      entity_ref: f.entityRef,
      name: f.name,
      value: JSON.stringify(f.value),
      source: f.source,
      collected_at: f.collectedAt,
    }));
    // A batch may name one fact twice; the last write wins.
    const latest = [...new Map(rows.map(r => [`${r.entity_ref}\u0000${r.name}`, r])).values()];
    await retryOnDeadlock(() =>
      this.knex.transaction(async tx => {
        await bulkInsert(tx, 'fact_history', rows);
        await bulkInsert(tx, 'facts', latest, { conflict: ['entity_ref', 'name'] });
        await within?.(tx);
      }),
    );
  }

  /** Latest facts of the given entities: entity ref → fact name → fact. */
  async getFacts(entityRefs: readonly string[]): Promise<Map<string, Map<string, StoredFact>>> {
    const out = new Map<string, Map<string, StoredFact>>();
    for (const part of chunk([...new Set(entityRefs)], 500)) {
      const rows = await this.knex('facts').whereIn('entity_ref', part).select();
      for (const row of rows) {
        let facts = out.get(row.entity_ref);
        if (!facts) out.set(row.entity_ref, (facts = new Map()));
        facts.set(row.name, { value: JSON.parse(row.value), source: row.source, collectedAt: toMillis(row.collected_at), json: row.value });
      }
    }
    return out;
  }

  async listFacts(entityRef: string): Promise<Fact[]> {
    const rows = await this.knex('facts').where({ entity_ref: entityRef }).orderBy('name');
    return rows.map(row => ({
      entityRef: row.entity_ref,
      name: row.name,
      value: JSON.parse(row.value),
      source: row.source,
      collectedAt: toIso(row.collected_at),
    }));
  }

  /** Earlier values of one fact, newest first. */
  async factHistory(entityRef: string, name: string, limit = 100): Promise<Fact[]> {
    const rows = await this.knex('fact_history')
      .where({ entity_ref: entityRef, name })
      .orderBy([{ column: 'collected_at', order: 'desc' }, { column: 'id', order: 'desc' }])
      .limit(limit);
    return rows.map(row => ({
      entityRef: row.entity_ref,
      name: row.name,
      value: JSON.parse(row.value),
      source: row.source,
      collectedAt: toIso(row.collected_at),
    }));
  }

  /** Drops history older than the cutoff; the latest values stay. Returns how many rows went. */
  async pruneHistory(olderThan: number): Promise<number> {
    return this.knex('fact_history').where('collected_at', '<', olderThan).delete();
  }

  /** Renews the collection time of a source's facts (values re-collected unchanged). */
  async touch(source: string, entityRefs: readonly string[], collectedAt: number): Promise<void> {
    for (const part of chunk(entityRefs, 500)) {
      await this.knex('facts').where({ source }).whereIn('entity_ref', part).update({ collected_at: collectedAt });
    }
  }

  async deleteEntity(entityRef: string): Promise<void> {
    await this.knex('facts').where({ entity_ref: entityRef }).delete();
  }
}
